from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Site content")

    def ready(self) -> None:
        from django.apps import apps
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save
        from wagtail.contrib.frontend_cache import signal_handlers as frontend_cache
        from wagtail.images import get_image_model
        from wagtail.models import Locale, Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home import cache, cdn

        # Every receiver of this app, each with its sender. The campaign page's cache is cleared by
        # the things it shows: pages (a story teaser, the donation link), snippets, images, the
        # partner companies of the CRM, and the live member counter (memberships and gifts).
        page_models = [model for model in self.get_models() if model._meta.label in PAGE_MODELS]
        for model in page_models:
            page_published.connect(
                cache.on_content_change, sender=model, dispatch_uid=f"home_cache_published_{model.__name__}"
            )
            page_unpublished.connect(
                cache.on_content_change, sender=model, dispatch_uid=f"home_cache_unpublished_{model.__name__}"
            )
            post_page_move.connect(
                cache.on_content_change, sender=model, dispatch_uid=f"home_cache_moved_{model.__name__}"
            )
        shown = [
            *page_models,
            *(apps.get_model("home", name) for name in SNIPPETS),
            apps.get_model("crm", "PartnerCompany"),
            get_image_model(),
            Site,
            Locale,
            # Privacy set or lifted in the admin writes only this row: a cached copy of a page made
            # private must go at once, not up to PAGE_CACHE_SECONDS later.
            PageViewRestriction,
        ]
        for model in shown:
            post_save.connect(
                cache.on_content_change, sender=model, dispatch_uid=f"home_cache_saved_{model._meta.label}"
            )
            post_delete.connect(
                cache.on_content_change, sender=model, dispatch_uid=f"home_cache_deleted_{model._meta.label}"
            )
        transfer_account = apps.get_model("home", "BankTransferAccount")  # the donation page's 振込先
        post_save.connect(
            cache.on_site_setting_saved,
            sender=transfer_account,
            dispatch_uid="home_cache_saved_transfer_account",
        )
        post_delete.connect(
            cache.on_content_change,
            sender=transfer_account,
            dispatch_uid="home_cache_deleted_transfer_account",
        )
        # Wagtail's frontend_cache (its ready() runs before ours: it comes first in INSTALLED_APPS)
        # queues a purge for every publish even without a CDN; ours purges only when one is set.
        for model in (model for model in apps.get_models() if issubclass(model, Page)):
            page_published.disconnect(frontend_cache.page_published_signal_handler, sender=model)
            page_unpublished.disconnect(frontend_cache.page_unpublished_signal_handler, sender=model)
            page_published.connect(
                cdn.purge_published_page, sender=model, dispatch_uid=f"home_cdn_published_{model._meta.label}"
            )
            page_unpublished.connect(
                cdn.purge_published_page,
                sender=model,
                dispatch_uid=f"home_cdn_unpublished_{model._meta.label}",
            )
        # A page can depend on a setting (the donation page on the Stripe keys): a changed setting
        # (tests, override_settings) starts a new generation like a publish does.
        setting_changed.connect(cache.on_setting_change, dispatch_uid="home_cache_setting_changed")
        for model in (apps.get_model("crm", "RecurringDonation"), apps.get_model("crm", "Donation")):
            label = model._meta.label
            post_save.connect(
                cache.on_membership_change, sender=model, dispatch_uid=f"home_members_saved_{label}"
            )
            post_delete.connect(
                cache.on_membership_change, sender=model, dispatch_uid=f"home_members_deleted_{label}"
            )


PAGE_MODELS = frozenset(
    {"home.HomePage", "home.StoryIndexPage", "home.StoryPage", "home.StandardPage", "home.DonationPage"}
)
SNIPPETS = ("MediaMention", "Award", "Testimonial", "FAQ")
