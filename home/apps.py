from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Site content")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home import cache

        # Connected without a sender: the crm app's PartnerCompany may appear after this app loads,
        # so on_model_change compares model labels at signal time instead of importing models here.
        page_published.connect(cache.on_page_change, dispatch_uid="home_campaign_cache_published")
        page_unpublished.connect(cache.on_page_change, dispatch_uid="home_campaign_cache_unpublished")
        post_page_move.connect(cache.on_page_change, dispatch_uid="home_campaign_cache_moved")
        post_save.connect(cache.on_model_change, dispatch_uid="home_campaign_cache_saved")
        post_delete.connect(cache.on_model_change, dispatch_uid="home_campaign_cache_deleted")
