from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save


def _ensure_staff_groups(sender, using="default", **kwargs):
    # post_migrate reaches apps in INSTALLED_APPS order and crm comes before auth, so create the
    # permissions the groups need first (idempotent) rather than rely on the receivers' order.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    from crm.services.groups import ensure_staff_groups

    ensure_staff_groups()


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        from crm import signals  # noqa: F401
        from crm.mailings.services import donor_address_fill_receiver, donor_erased_receiver

        # The donor form (and every save) fills a blank prefecture and city from the postal code.
        pre_save.connect(
            donor_address_fill_receiver, sender="crm.Donor", dispatch_uid="crm.mailings.address_fill"
        )
        # APPI erasure reaches the mailings' copies of the address (returned mail, printed envelopes).
        post_save.connect(donor_erased_receiver, sender="crm.Donor", dispatch_uid="crm.mailings.erased")

        post_migrate.connect(_ensure_staff_groups, sender=self, dispatch_uid="crm.ensure_staff_groups")
