"""Builds the demo site from ``home.demo.content`` and ``home.demo.images``.

Idempotent by design: images are found by their stable title, snippets by a translation key
derived from their content key, pages by their slug under a known parent. A second run creates
nothing; snippets are re-synced from the content (no revisions involved), while pages that already
exist are left as editors may have changed them, unless ``refresh=True`` asks to rewrite them.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from home.demo import content as c
from home.demo.images import IMAGES, render, title_for
from home.models import (
    FAQ,
    Award,
    DonationPage,
    HomePage,
    MediaMention,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    Testimonial,
)

DEFAULT_LANGUAGE = "ja"
OTHER_LANGUAGES = ("en",)
# Translation keys of demo snippets are derived from their content key, so reruns find them.
KEY_NAMESPACE = uuid.UUID("6f2a4b8e-2f1d-4a57-9b0c-5e1f0c7d9a31")

BENEFIT_ICONS = {"reports": "report", "facebook-group": "community", "newsletter": "newsletter"}
# Pages the header and footer link to (Wagtail's "show in menus"), by slug under the campaign page.
MENU_SLUGS = frozenset({c.STORY_INDEX["slug"], "about", c.DONATION_PAGE["slug"]})


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    # Campaign pages whose body this run wrote; only these may be switched to the live member count.
    campaign_pages_written: list[int] = field(default_factory=list)

    def count(self, what: str, created: bool = True) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1

    def summary(self) -> str:
        if not self.created:
            return "nothing new: the demo site was already complete"
        return ", ".join(f"{n} {what}" for what, n in sorted(self.created.items()))


def translation_key_for(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{kind}:{key}")


def paragraphs_html(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts if text)


# ---------------------------------------------------------------------------------------------
# Locales, images, snippets
# ---------------------------------------------------------------------------------------------


def locales_ensure(*, report: LoadReport) -> dict[str, Locale]:
    locales = {}
    for language in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES):
        locales[language], created = Locale.objects.get_or_create(language_code=language)
        report.count("locales", created)
    return locales


def images_ensure(*, report: LoadReport) -> dict[str, Any]:
    """One Wagtail image per demo key; alt text (the image description) is in the default language."""
    image_model = get_image_model()
    existing = {image.title: image for image in image_model.objects.filter(title__startswith=title_for(""))}
    images = {}
    for key, spec in IMAGES.items():
        image = existing.get(title_for(key))
        alt = spec.alt[DEFAULT_LANGUAGE]
        if image is None:
            image = image_model(
                title=title_for(key),
                description=alt,
                file=ImageFile(io.BytesIO(render(key)), name=spec.filename),
            )
            image.save()
            report.count("images")
        elif image.description != alt:
            image.description = alt
            image.save(update_fields=["description"])
        images[key] = image
    return images


def _snippet_upsert(
    model,
    *,
    kind: str,
    key: str,
    locales: dict[str, Locale],
    values: dict[str, dict[str, Any]],
    report: LoadReport,
) -> dict[str, Any]:
    """Create or update one translatable snippet in every language: the default first, then copies."""
    translation_key = translation_key_for(kind, key)
    rows = {}
    source, created = model.objects.update_or_create(
        translation_key=translation_key, locale=locales[DEFAULT_LANGUAGE], defaults=values[DEFAULT_LANGUAGE]
    )
    report.count(kind, created)
    rows[DEFAULT_LANGUAGE] = source
    for language in OTHER_LANGUAGES:
        translation = model.objects.filter(translation_key=translation_key, locale=locales[language]).first()
        if translation is None:
            translation = source.copy_for_translation(locales[language])
            report.count(kind)
        for name, value in values[language].items():
            setattr(translation, name, value)
        translation.save()
        rows[language] = translation
    return rows


def snippets_ensure(
    *, locales: dict[str, Locale], images: dict[str, Any], report: LoadReport
) -> dict[str, dict]:
    """All snippets of the campaign page, as {kind: {content key: {language: row}}}."""
    snippets: dict[str, dict] = {"media": {}, "awards": {}, "testimonials": {}, "faqs": {}}
    languages = (DEFAULT_LANGUAGE, *OTHER_LANGUAGES)
    for item in c.MEDIA_MENTIONS:
        snippets["media"][item["key"]] = _snippet_upsert(
            MediaMention,
            kind="media mentions",
            key=item["key"],
            locales=locales,
            report=report,
            values={
                lang: {"outlet": item["outlet"][lang], "kind": item["kind"], "logo": images[item["logo"]]}
                for lang in languages
            },
        )
    for item in c.AWARDS:
        snippets["awards"][item["key"]] = _snippet_upsert(
            Award,
            kind="awards",
            key=item["key"],
            locales=locales,
            report=report,
            values={
                lang: {
                    "title": item["name"][lang],
                    "awarding_body": item["awarded_by"][lang],
                    "year": item["year"],
                    "logo": images[item["logo"]],
                }
                for lang in languages
            },
        )
    for item in c.TESTIMONIALS:
        snippets["testimonials"][item["key"]] = _snippet_upsert(
            Testimonial,
            kind="testimonials",
            key=item["key"],
            locales=locales,
            report=report,
            values={
                lang: {
                    "name": item["name"][lang],
                    "role": item["role"][lang],
                    "quote": item["quote"][lang],
                    "photo": images[item["portrait"]],
                    "consent_to_publish": item["consent"],
                    "live": item.get("live", item["consent"]),
                }
                for lang in languages
            },
        )
    for order, item in enumerate(c.FAQS):
        snippets["faqs"][item["key"]] = _snippet_upsert(
            FAQ,
            kind="FAQs",
            key=item["key"],
            locales=locales,
            report=report,
            values={
                lang: {
                    "question": item["question"][lang],
                    "answer": paragraphs_html(item["answer"][lang]),
                    "sort_order": order * 10,
                }
                for lang in languages
            },
        )
    return snippets


def partners_ensure(*, images: dict[str, Any], report: LoadReport) -> None:
    """Partner companies live in the CRM (one row per company, not per language)."""
    try:
        partner_model = apps.get_model("crm", "PartnerCompany")
    except LookupError:
        return
    for order, item in enumerate(c.PARTNERS):
        description = f"{item['name']['en']} / {item['industry']['ja']} ({item['industry']['en']})"
        if item["fictional"]:
            description += " — fictional demo company"
        _, created = partner_model.objects.update_or_create(
            name=item["name"]["ja"],
            defaults={
                "name_kana": item["name_kana"],
                "name_en": item["name"]["en"],
                "logo": images[item["logo"]],
                "show_on_site": True,
                "site_order": order * 10,
                "is_hiring_partner": True,
                "offers_trial_employment": item["fictional"],
                "is_collaborator": not item["fictional"],
                "description": description,
            },
        )
        report.count("partner companies", created)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _child_by_slug(parent: Page, slug: str) -> Page | None:
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def _translation(page: Page, locale: Locale) -> Page | None:
    return page.get_translation_or_none(locale)


def home_pages_ensure(
    *, locales: dict[str, Locale], report: LoadReport
) -> tuple[dict[str, HomePage], set[str]]:
    """The campaign page at the root of the default site, replacing Wagtail's "Welcome" page.

    Returns the page per language and the languages whose page was created by this call.
    """
    root = Page.get_first_root_node()
    ja = locales[DEFAULT_LANGUAGE]
    home = HomePage.objects.filter(depth=2, locale=ja).order_by("path").first()
    created: set[str] = set()
    if home is None:
        created.add(DEFAULT_LANGUAGE)
        home = HomePage(title=c.HOME["title"][DEFAULT_LANGUAGE], slug="welgee", locale=ja)
        root.add_child(instance=home)
        _publish(home)
        report.count("pages")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
        )
    elif site.root_page_id != home.pk:
        previous = site.root_page.specific
        site.root_page = home
        site.site_name = site.site_name or "WELgee"
        site.save()
        # Only Wagtail's untouched placeholder goes; a real page someone made stays.
        if type(previous) is Page and previous.slug == "home" and previous.get_children_count() == 0:
            previous.delete()

    homes = {DEFAULT_LANGUAGE: home}
    for language in OTHER_LANGUAGES:
        translation = _translation(home, locales[language])
        if translation is None:
            translation = home.copy_for_translation(locales[language]).specific
            translation.title = c.HOME["title"][language]
            _publish(translation)
            report.count("pages")
            created.add(language)
        homes[language] = translation.specific
    return homes, created


def _page_ensure(
    parent: Page, slug: str, model, *, fill, locales: dict[str, Locale], refresh: bool, report: LoadReport
) -> dict[str, Page]:
    """One page in every language under ``parent`` (given in the default language).

    ``fill(page, language)`` sets the page's content; it runs on creation, or always with ``refresh``.
    """
    in_menus = slug in MENU_SLUGS and parent.depth == 2

    def fill_page(page: Page, language: str) -> None:
        fill(page, language)
        page.show_in_menus = in_menus

    page = _child_by_slug(parent, slug)
    pages = {}
    if page is None:
        page = model(slug=slug, locale=locales[DEFAULT_LANGUAGE])
        fill_page(page, DEFAULT_LANGUAGE)
        parent.add_child(instance=page)
        _publish(page)
        report.count("pages")
    elif refresh:
        fill_page(page, DEFAULT_LANGUAGE)
        _publish(page)
    pages[DEFAULT_LANGUAGE] = page
    for language in OTHER_LANGUAGES:
        translation = _translation(page, locales[language])
        if translation is None:
            translation = page.copy_for_translation(locales[language]).specific
            fill_page(translation, language)
            _publish(translation)
            report.count("pages")
        elif refresh:
            translation = translation.specific
            fill_page(translation, language)
            _publish(translation)
        pages[language] = translation.specific
    return pages


def _fill_story_index(page: StoryIndexPage, language: str) -> None:
    page.title = c.STORY_INDEX["title"][language]
    page.intro = paragraphs_html(c.STORY_INDEX["intro"][language])


def _story_filler(story: dict[str, Any], images: dict[str, Any]):
    def fill(page: StoryPage, language: str) -> None:
        text = c.localise(story, language)
        page.title = text["title"]
        page.date = story["date"]
        page.intro = text["intro"]
        page.hero_image = images[story["hero_image"]]
        page.hero_image_alt = IMAGES[story["hero_image"]].alt[language]
        body: list[tuple[str, Any]] = [("paragraph", paragraphs_html(p)) for p in text["paragraphs"]]
        if text.get("quote"):
            body.append(("quote", {"quote": text["quote"], "attribution": text["person"]}))
        page.body = StoryPage.body.field.stream_block.to_python([{"type": t, "value": v} for t, v in body])
        after = text.get("after_story")
        page.after_story = paragraphs_html(*after["paragraphs"]) if after else ""
        # Copies for translation carry the source's tags; each language gets its own words.
        page.region_tags.clear()
        page.region_tags.add(*text["regions"])
        page.topic_tags.clear()
        page.topic_tags.add(*text["topics"])

    return fill


def _standard_filler(data: dict[str, Any]):
    def fill(page: StandardPage, language: str) -> None:
        text = c.localise(data, language)
        page.title = text["title"]
        page.intro = text["intro"]
        body = [
            {
                "type": "paragraph",
                "value": f"<h2>{escape(section['heading'])}</h2>" + paragraphs_html(*section["paragraphs"]),
            }
            for section in text["sections"]
        ]
        page.body = StandardPage.body.field.stream_block.to_python(body)

    return fill


def _campaign_tiers() -> list[dict[str, Any]]:
    section = next(s for s in c.HOME["sections"] if s["type"] == "donation_tiers")
    return section["tiers"]


def _fill_donation_page(page: DonationPage, language: str) -> None:
    text = c.localise(c.DONATION_PAGE, language)
    page.title = text["title"]
    page.intro = paragraphs_html(text["intro"])
    page.tiers = DonationPage.tiers.field.stream_block.to_python(
        [
            {
                "type": "tier",
                "value": {
                    "amount_jpy": tier["amount_jpy"],
                    # No label: the form words the amount for the chosen frequency itself
                    # (毎月 ¥1,000 or ¥1,000); the campaign's "毎月1,000円" would be wrong for a one-off gift.
                    "label": "",
                    "description": tier["impact"][language],
                    "frequencies": ["monthly", "once"],
                },
            }
            for tier in _campaign_tiers()
        ]
        # Yearly givers see the same gifts counted over a year (¥12,000 a year is ¥1,000 a month).
        + [
            {
                "type": "tier",
                "value": {
                    "amount_jpy": tier["amount_jpy"] * 12,
                    "label": "",
                    "description": tier["impact"][language],
                    "frequencies": ["yearly"],
                },
            }
            for tier in _campaign_tiers()
        ]
    )
    page.default_frequency = DonationPage.Frequency.MONTHLY
    page.thank_you_message = paragraphs_html(text["thank_you"])
    page.not_configured_message = text["not_configured"]


@dataclass(frozen=True)
class _CampaignContext:
    """What the campaign's sections point at, in one language."""

    language: str
    images: dict[str, Any]
    snippets: dict[str, dict]
    cta_page: int
    featured_story: int
    sections: list[dict[str, Any]]

    def pks(self, kind: str, keys: list[str]) -> list[int]:
        return [self.snippets[kind][key][self.language].pk for key in keys]


def _hero(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "lead": section["lead"],
        "image": {
            "image": ctx.images[section["image"]].pk,
            "alt_text": IMAGES[section["image"]].alt[ctx.language],
            "decorative": False,
        },
        "cta": {"label": section["cta_label"], "page": ctx.cta_page, "url": ""},
    }


def _member_counter(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "label": section["label"],
        "count": section["count"],
        "as_of": section["as_of"].isoformat(),
        "use_live_count": False,
        "note": "",
    }


def _media_mentions(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "headline_total": f"{section['total_outlets']}+",
        "text": section["summary"],
        "mentions": ctx.pks("media", section["items"]),
    }


def _partners(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {"heading": section["heading"], "intro": section["summary"]}


def _awards(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "intro": section["summary"],
        "awards": ctx.pks("awards", section["items"]),
    }


def _impact(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    figures = [
        {
            "value": figure["value"],
            "unit": figure["unit"],
            "label": figure["label"],
            "as_of": figure["as_of"].isoformat() if figure["as_of"] else None,
            "note": figure["note"],
        }
        for figure in section["figures"]
    ]
    return {"heading": section["heading"], "intro": section["lead"], "figures": figures}


def _featured_story(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "story": ctx.featured_story,
        "excerpt": section["lead"],
        "link_label": {"ja": "Rさんのストーリーを読む", "en": "Read R's story"}[ctx.language],
    }


def _about(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    awards_note = next(s["note"] for s in ctx.sections if s["type"] == "awards")
    return {
        "heading": section["heading"],
        "text": paragraphs_html(section["body"], awards_note),
        "points": [{"title": p["title"], "text": p["text"]} for p in section["points"]],
    }


def _donation_tiers(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "intro": section["use_note"].lstrip("※* "),
        "tiers": [
            {"amount_jpy": tier["amount_jpy"], "achievement": tier["impact"], "footnote": ""}
            for tier in section["tiers"]
        ],
        "note": section["footnote"],
    }


def _member_benefits(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    benefits = [
        {"icon": BENEFIT_ICONS.get(b["key"], "heart"), "title": b["title"], "text": b["text"]}
        for b in section["benefits"]
    ]
    return {"heading": section["heading"], "benefits": benefits}


def _testimonials(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {"heading": section["heading"], "testimonials": ctx.pks("testimonials", section["items"])}


def _faq(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {"heading": section["heading"], "show_all": False, "faqs": ctx.pks("faqs", section["items"])}


def _closing(section: dict[str, Any], ctx: _CampaignContext) -> dict[str, Any]:
    return {
        "heading": section["heading"],
        "text": paragraphs_html(*section["paragraphs"]),
        "cta": {"label": section["cta_label"], "page": ctx.cta_page, "url": ""},
    }


#: A section of the original page (home/demo/content.py) -> (its block type, its block's value).
CAMPAIGN_SECTIONS = {
    "hero": ("hero", _hero),
    "member_counter": ("member_counter", _member_counter),
    "media_mentions": ("media_mentions", _media_mentions),
    "partners": ("partners", _partners),
    "awards": ("awards", _awards),
    "impact": ("impact_figures", _impact),
    "featured_story": ("story_teaser", _featured_story),
    "about": ("about", _about),
    "donation_tiers": ("donation_tiers", _donation_tiers),
    "member_benefits": ("member_benefits", _member_benefits),
    "testimonials": ("testimonials", _testimonials),
    "faq": ("faq", _faq),
    "closing": ("closing_appeal", _closing),
}


def campaign_body(
    *,
    language: str,
    images: dict[str, Any],
    snippets: dict[str, dict],
    donation_page: DonationPage,
    featured_story: StoryPage,
) -> list[dict[str, Any]]:
    """The campaign page's StreamField data in ``language``, in the order of the original page."""
    sections = c.localise(c.HOME["sections"], language)
    ctx = _CampaignContext(
        language=language,
        images=images,
        snippets=snippets,
        cta_page=donation_page.pk,
        featured_story=featured_story.pk,
        sections=sections,
    )
    blocks = []
    for section in sections:
        if section["type"] in CAMPAIGN_SECTIONS:
            block_type, value = CAMPAIGN_SECTIONS[section["type"]]
            blocks.append({"type": block_type, "value": value(section, ctx)})
    return blocks


def site_pages_ensure(
    *,
    locales: dict[str, Locale],
    images: dict[str, Any],
    snippets: dict[str, dict],
    refresh: bool,
    report: LoadReport,
) -> dict[str, HomePage]:
    homes, home_created = home_pages_ensure(locales=locales, report=report)
    home = homes[DEFAULT_LANGUAGE]
    common = {"locales": locales, "refresh": refresh, "report": report}

    index = _page_ensure(home, c.STORY_INDEX["slug"], StoryIndexPage, fill=_fill_story_index, **common)
    stories = {
        story["slug"]: _page_ensure(
            index[DEFAULT_LANGUAGE], story["slug"], StoryPage, fill=_story_filler(story, images), **common
        )
        for story in c.STORIES
    }
    for data in c.STANDARD_PAGES:
        _page_ensure(home, data["slug"], StandardPage, fill=_standard_filler(data), **common)
    donation = _page_ensure(home, c.DONATION_PAGE["slug"], DonationPage, fill=_fill_donation_page, **common)

    featured = next(s["story"] for s in c.HOME["sections"] if s["type"] == "featured_story")
    for language, stale in homes.items():
        # Reload: children were added through other instances, and saving a stale copy would write
        # back its old tree fields (numchild=0 hides every child from the router).
        page = HomePage.objects.get(pk=stale.pk)
        if not (language in home_created or refresh or len(page.body) == 0):
            continue
        page.title = c.HOME["title"][language]
        page.seo_title = c.HOME["seo_title"][language]
        page.search_description = c.HOME["search_description"][language]
        page.body = HomePage.body.field.stream_block.to_python(
            campaign_body(
                language=language,
                images=images,
                snippets=snippets,
                donation_page=donation[language],
                featured_story=stories[featured][language],
            )
        )
        _publish(page)
        report.campaign_pages_written.append(page.pk)
    return homes


# ---------------------------------------------------------------------------------------------
def bank_account_ensure(*, report: LoadReport) -> None:
    """The donation page's 振込先: an invented account, marked as an example on the page."""
    from home.transfer_account import BankTransferAccount

    account = BankTransferAccount.load()
    if account.account_number:
        return  # filled in already (perhaps with the real account): leave it
    account.show_on_donation_page = True
    account.bank_code, account.branch_code = "0001", "210"
    account.bank_name_en, account.branch_name_en = "Mizuho Bank", "Shibuya Branch"
    account.account_number = "1234567"
    account.holder_kana = "トクヒ）ウエルジー"
    account.holder_name = "特定非営利活動法人WELgee(例)"
    account.is_example = True
    account.full_clean()  # fills the Japanese bank and branch names from zengin-code
    account.save()
    report.count("bank transfer details")


# Entry points
# ---------------------------------------------------------------------------------------------


def demo_site_load(*, refresh: bool = False) -> LoadReport:
    """Build (or complete) the whole public demo site in every language."""
    report = LoadReport()
    with transaction.atomic():
        locales = locales_ensure(report=report)
        images = images_ensure(report=report)
        snippets = snippets_ensure(locales=locales, images=images, report=report)
        partners_ensure(images=images, report=report)
        bank_account_ensure(report=report)
        site_pages_ensure(locales=locales, images=images, snippets=snippets, refresh=refresh, report=report)
    return report


def member_counter_go_live(*, page_ids: list[int]) -> int:
    """Switch the member counter of these campaign pages to the CRM's live count of monthly donors.

    Runs after the CRM's demo data exists, so the counter shows real members rather than the
    seed page's 502. Only pages this run wrote are touched (an editor's choice on a page the loader
    left alone stays), and a page already live-counting is not republished, so reruns add nothing.
    Returns the number of pages changed.
    """
    if not page_ids:
        return 0
    try:
        from home.live_figures import member_count

        live = member_count()
    except (ImportError, LookupError):  # a project without the crm app
        return 0
    if live is None or live[0] == 0:
        return 0
    changed = 0
    for page in HomePage.objects.filter(pk__in=page_ids):
        data = page.body.get_prep_value()
        counters = [block for block in data if block["type"] == "member_counter"]
        if not counters or all(block["value"].get("use_live_count") for block in counters):
            continue
        for block in counters:
            block["value"]["use_live_count"] = True
        page.body = HomePage.body.field.stream_block.to_python(data)
        _publish(page)
        changed += 1
    return changed


def demo_admin_ensure(*, username: str, password: str, email: str = "admin@example.org") -> bool:
    """Create the demo superuser if it does not exist; returns whether it was created."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False
    user_model.objects.create_superuser(username=username, email=email, password=password)
    return True
