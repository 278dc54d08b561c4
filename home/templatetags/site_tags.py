"""Site chrome shared by every template: language homes, navigation, donate link, alternates."""

from typing import Any

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
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
    root = site.root_page if site is not None else None

    # On the campaign page the page itself is this language's home, so its menu children can come
    # in the same query as the translations: the busiest page pays one query for all the chrome.
    home = page if page is not None and root is not None and page.translation_key == root.translation_key else None
    keys = {p.translation_key for p in (page, root) if p is not None}
    condition = Q(translation_key__in=keys)
    donation_type = _donation_type()
    if home is not None:
        condition |= Q(path__startswith=home.path, depth=home.depth + 1) & (
            Q(show_in_menus=True) | Q(content_type=donation_type)
        )
    rows = list(Page.objects.live().filter(condition).select_related("locale").order_by("path")) if keys else []

    translations: dict[str, Page] = {}
    homes: dict[str, Page] = {}
    children: list[Page] = []
    for row in rows:
        if home is not None and row.depth == home.depth + 1 and row.path.startswith(home.path):
            children.append(row)
            continue
        if page is not None and row.translation_key == page.translation_key:
            translations[row.locale.language_code] = row
        if root is not None and row.translation_key == root.translation_key:
            homes[row.locale.language_code] = row

    if home is None:
        home = homes.get(language) or root
        nav, donation_page = _nav_and_donation_page(request, home, donation_type)
    else:
        nav, donation_page = _split_children(request, home, children, donation_type)

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

    chrome = {
        "language": language,
        "og_locale": OG_LOCALES.get(language, language),
        "home": home,
        "nav": nav,
        "donation_page": donation_page,
        # The footer adds a donate link of its own only when the menu does not already have one.
        "donation_in_nav": donation_page is not None and any(item.pk == donation_page.pk for item in nav),
        "switcher": switcher,
        "alternates": alternates,
        "default_alternate": next((a for a in alternates if a["code"] == settings.LANGUAGE_CODE), None),
        "canonical": page.get_full_url(request) if page is not None else request.build_absolute_uri(),
    }
    request._welgee_chrome = chrome
    return chrome


def _donation_type() -> ContentType:
    from home.models import DonationPage

    return ContentType.objects.get_for_model(DonationPage)  # cached by Django after the first call


def _nav_and_donation_page(request, home, donation_type) -> tuple[list[Page], Page | None]:
    """Menu pages and the donation page of this language, usually in one query."""
    if home is None:
        return [], None
    children = list(
        home.get_children().live().filter(Q(show_in_menus=True) | Q(content_type=donation_type))
    )
    return _split_children(request, home, children, donation_type)


def _split_children(request, home, children, donation_type) -> tuple[list[Page], Page | None]:
    from home.blocks import donation_page_for

    nav = [child for child in children if child.show_in_menus]
    donation_page = next((child for child in children if child.content_type_id == donation_type.pk), None)
    if donation_page is None:
        # Only when editors nest the donation page deeper than the home page's children.
        donation_page = donation_page_for({"request": request, "page": home})
    # Blocks asking for the donation page during this request reuse this answer.
    request._welgee_donation_page = donation_page
    return nav, donation_page


@register.filter
def yen(value) -> str:
    """1000 -> "1,000" (the currency sign is placed by the template, per language)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
