from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_staff_groups(sender, using="default", **kwargs):
    # post_migrate reaches apps in INSTALLED_APPS order and crm comes before auth, so create the
    # permissions the groups need first (idempotent) rather than rely on the receivers' order.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from wagtail.snippets.models import create_extra_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    # The publish and lock permissions of draftable snippets (testimonials) are made by Wagtail's own
    # post_migrate receiver, which runs after this one: without them a fresh install's
    # Communications group could save testimonial drafts but never publish them.
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)

    from crm.services.groups import ensure_staff_groups

    ensure_staff_groups()


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        from crm import signals  # noqa: F401

        post_migrate.connect(_ensure_staff_groups, sender=self, dispatch_uid="crm.ensure_staff_groups")
