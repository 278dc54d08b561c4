"""Site chrome shared by every template: language homes, navigation, donate link, alternates."""

from typing import Any

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.models import Page, Site

register = template.Library()

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
OG_LOCALES = {"ja": "ja_JP", "en": "en_US"}


@register.simple_tag(takes_context=True)
def site_chrome(context) -> dict[str, Any]:
    """Everything the header, footer and <head> need, computed once per request."""
    request = context.get("request")
    if request is None:
        return {"language": translation.get_language() or settings.LANGUAGE_CODE, "switcher": []}
    cached = getattr(request, "_welgee_chrome", None)
    if cached is not None:
        return cached

    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    site = Site.find_for_request(request)

    homes: dict[str, Page] = {}
    if site is not None:
        for home in site.root_page.get_translations(inclusive=True).live().select_related("locale"):
            homes[home.locale.language_code] = home
    home = homes.get(language) or (site.root_page if site else None)

    translations: dict[str, Page] = {}
    if page is not None:
        for translated in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translated.locale.language_code] = translated

    switcher, alternates = [], []
    for code, _name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is not None:
            switcher.append(
                {
                    "code": code,
                    "name": LANGUAGE_NAMES.get(code, code),
                    "url": target.get_url(request),
                    "current": code == language,
                }
            )
        if code in translations:
            alternates.append({"code": code, "url": translations[code].get_full_url(request)})

    nav = list(home.get_children().live().in_menu()) if home is not None else []

    from home.blocks import donation_page_for

    donation_page = donation_page_for({"request": request, "page": home})

    chrome = {
        "language": language,
        "og_locale": OG_LOCALES.get(language, language),
        "home": home,
        "nav": nav,
        "donation_page": donation_page,
        "switcher": switcher,
        "alternates": alternates,
        "default_alternate": next((a for a in alternates if a["code"] == settings.LANGUAGE_CODE), None),
        "canonical": page.get_full_url(request) if page is not None else request.build_absolute_uri(),
    }
    request._welgee_chrome = chrome
    return chrome


@register.filter
def yen(value) -> str:
    """1000 -> "1,000" (the currency sign is placed by the template, per language)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
