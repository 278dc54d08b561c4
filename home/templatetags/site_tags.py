"""Site chrome shared by every template: language homes, navigation, donate link, alternates."""

import functools
from typing import Any

import budoux
from django import template
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import translate_url
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from wagtail.models import Page, Site

from home import cache as page_cache
from home.models import DonationPage, absolute_url, donation_page_for

register = template.Library()

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
# Pages the footer links from every page, found by their slug under each language's home page.
FOOTER_SLUGS = ("privacy", "contact")
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
    if page is None:
        chrome = _view_chrome(request, language)
        request._welgee_chrome = chrome
        return chrome
    site = Site.find_for_request(request)
    root = site.root_page if site is not None else None

    # On the campaign page the page itself is this language's home, so its menu children can come
    # in the same query as the translations: the busiest page pays one query for all the chrome.
    home = (
        page
        if page is not None and root is not None and page.translation_key == root.translation_key
        else None
    )
    keys = {p.translation_key for p in (page, root) if p is not None}
    condition = Q(translation_key__in=keys)
    donation_type = _donation_type_condition()
    if home is not None:
        condition |= Q(path__startswith=home.path, depth=home.depth + 1) & _chrome_children(donation_type)
    rows = (
        list(
            Page.objects.live()
            .filter(condition)
            .annotate(is_donation_page=donation_type)
            .select_related("locale")
            .order_by("path")
        )
        if keys
        else []
    )

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
        nav, donation_page, footer = _nav_and_donation_page(request, home, donation_type)
    else:
        nav, donation_page, footer = _split_children(request, home, children, donation_type)

    chrome = _chrome(
        request, language, page=page, home=home, nav=nav, donation_page=donation_page, footer=footer,
        translations=translations, homes=homes,
    )  # fmt: skip
    request._welgee_chrome = chrome
    return chrome


#: What the chrome of a view that is not a page (search, the newsletter form, the 404) reads from the
#: database: the language homes, the menu, the donation page and the footer pages, the same for every
#: such view of a host and language. Kept per page-cache generation (home/cache.py), so any publish,
#: move or menu change shows at once; without it an uncached search or 404 paid three queries and a
#: site lookup (a fifth of a search page's time) for a header that never changes between publishes.
def _view_chrome(request, language: str) -> dict[str, Any]:
    key = (
        f"home:chrome:{page_cache.release()}:{page_cache.generation()}:"
        f"{page_cache.digest(request.get_host())}:{language}"
    )
    found = cache.get(key)
    if found is None:
        found = _view_chrome_rows(request, language)
        cache.set(key, found, page_cache.timeout())
    homes, home, nav, donation_page, footer = found
    request._welgee_donation_page = donation_page  # as _split_children does on a render
    return _chrome(
        request, language, page=None, home=home, nav=nav, donation_page=donation_page, footer=footer,
        translations={}, homes=homes,
    )  # fmt: skip


def _chrome(
    request, language: str, *, page, home, nav, donation_page, footer: dict, translations: dict, homes: dict
) -> dict[str, Any]:
    switcher, alternates = _languages(request, language, page=page, translations=translations, homes=homes)
    return {
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
        "canonical": absolute_url(page, request)
        if page is not None
        else settings.WAGTAILADMIN_BASE_URL + request.path,
        "privacy_page": footer.get("privacy"),
        "contact_page": footer.get("contact"),
    }


def _view_chrome_rows(request, language: str) -> tuple:
    site = Site.find_for_request(request)
    root = site.root_page if site is not None else None
    homes: dict[str, Page] = {}
    if root is not None:
        for row in Page.objects.live().filter(translation_key=root.translation_key).select_related("locale"):
            homes[row.locale.language_code] = row
    home = homes.get(language) or root
    nav, donation_page, footer = _nav_and_donation_page(request, home, _donation_type_condition())
    return homes, home, nav, donation_page, footer


def _languages(request, language: str, *, page, translations: dict, homes: dict) -> tuple[list, list]:
    """The language switcher's links and the hreflang alternates of this page."""
    switcher, alternates = [], []
    for code, _name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is not None:
            url = _same_place_in(code, request, on_page=page is not None, page=target, home=homes.get(code))
            switcher.append(
                {
                    "code": code,
                    "name": LANGUAGE_NAMES.get(code, code),
                    "url": url,
                    "current": code == language,
                }
            )
        if code in translations:
            alternates.append({"code": code, "url": absolute_url(translations[code], request)})
    return switcher, alternates


def _donation_type_condition() -> Q:
    # Matched by name in the same query, not by a content type id looked up first: after a restart
    # Django's content type cache is empty, and the lookup was one more query on the first visit.
    return Q(
        content_type__app_label=DonationPage._meta.app_label,
        content_type__model=DonationPage._meta.model_name,
    )


def _nav_and_donation_page(request, home, donation_type) -> tuple[list[Page], Page | None]:
    """Menu pages and the donation page of this language, usually in one query."""
    if home is None:
        return [], None, {}
    children = list(
        home.get_children()
        .live()
        .filter(_chrome_children(donation_type))
        .annotate(is_donation_page=donation_type)
    )
    return _split_children(request, home, children, donation_type)


def _chrome_children(donation_type: Q) -> Q:
    return Q(show_in_menus=True) | donation_type | Q(slug__in=FOOTER_SLUGS)


def _split_children(
    request, home, children, donation_type
) -> tuple[list[Page], Page | None, dict[str, Page]]:
    nav = [child for child in children if child.show_in_menus]
    footer = {child.slug: child for child in children if child.slug in FOOTER_SLUGS}
    donation_page = next((child for child in children if getattr(child, "is_donation_page", False)), None)
    if donation_page is None:
        # Only when editors nest the donation page deeper than the home page's children.
        donation_page = donation_page_for(request=request, page=home)
    # Blocks asking for the donation page during this request reuse this answer.
    request._welgee_donation_page = donation_page
    return nav, donation_page, footer


def _same_place_in(language: str, request, *, on_page: bool, page: Page, home: Page | None) -> str:
    """The switcher's link: the same page (or view) in the other language, with the visitor's query kept.

    The query carries choices such as the donation tier (?amount=5000&frequency=monthly) or a search.
    A page without a translation, or a path no view knows, leads to that language's home page.
    """
    if on_page:
        url = page.get_url(request)  # the translation, or that language's home
    else:
        url = translate_url(request.path, language)
        if url == request.path and language != translation.get_language() and home is not None:
            return home.get_url(request)
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


@register.filter
def yen(value) -> str:
    """1000 -> "1,000" (the currency sign is placed by the template, per language)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def yen_sign(value) -> str:
    """1000 -> "¥1,000": how both languages write an amount of yen."""
    amount = yen(value)
    return f"¥{amount}" if amount else ""


@register.filter
def monthly_yen(value) -> str:
    """1000 -> "毎月 ¥1,000" / "¥1,000 a month", in the active language."""
    amount = yen(value)
    return gettext("¥%(amount)s a month") % {"amount": amount} if amount else ""


@register.filter
def yearly_yen(value) -> str:
    """1000 -> "毎年 ¥1,000" / "¥1,000 a year", in the active language."""
    amount = yen(value)
    return gettext("¥%(amount)s a year") % {"amount": amount} if amount else ""


SITE_NAME = "WELgee"


@register.filter
def page_title(page) -> str:
    """The <title>: the page's SEO title or title, then the site name once (editors may have typed it)."""
    if page is None or not isinstance(page, Page):
        return SITE_NAME
    title = (page.seo_title or page.title or "").strip()
    if page.is_root() or not title:
        return title or SITE_NAME
    return title if title.endswith(SITE_NAME) else f"{title} | {SITE_NAME}"


@register.filter
def absolute(path: str) -> str:
    """A site path as a full URL under BASE_URL (og:image and twitter:image need one)."""
    return path if "://" in path else settings.WAGTAILADMIN_BASE_URL + path


_japanese_phrases = budoux.load_default_japanese_parser()


@register.filter
def phrases(text) -> SafeString:
    """A headline that breaks between phrases, not mid-word (「ファミ／リー」): BudouX marks the
    boundaries with <wbr> and the ``phrases`` class (site.css) forbids breaking anywhere else.

    Line breaks typed by the editor stay (<br>). Cached: headings repeat on every request.
    """
    return _phrases(str(text or ""))


@functools.lru_cache(maxsize=2048)
def _phrases(text: str) -> SafeString:
    lines = [
        "<wbr>".join(escape(chunk) for chunk in _japanese_phrases.parse(line)) for line in text.splitlines()
    ]
    return mark_safe(f'<span class="phrases">{"<br>".join(lines)}</span>')
