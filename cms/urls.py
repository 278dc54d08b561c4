import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import LimitedPasswordResetView
from cms.media import media_serve
from crm.donors.views import tag_autocomplete
from home import views as home_views
from search import views as search_views

urlpatterns = [
    # Ahead of Wagtail's own: the same form, limited per address and per email.
    path("admin/password_reset/", LimitedPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    # Ahead of Wagtail's own: donor tags only for staff who may see donors (crm/donors/views.py).
    path("admin/tag-autocomplete/", tag_autocomplete, name="wagtailadmin_tag_autocomplete"),
    path(
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        tag_autocomplete,
        name="wagtailadmin_tag_model_autocomplete",
    ),
    # /healthz is answered by cms.health.HealthCheckMiddleware before URL routing.
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("favicon.ico", home_views.favicon, name="favicon"),
    # Webhooks and other language-neutral endpoints of the CRM.
    path("", include("crm.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    # Uploads are not served by whitenoise; see cms/media.py and docs/deploy.md.
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media_serve)]

# Japanese (the default language) has no prefix; English lives under /en/.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("", include("home.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
