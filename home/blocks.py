"""StreamField blocks of the campaign page ("あなたもWELgeeファミリーになりませんか?") and the stories.

Block names and child names are a contract with the demo-data loader (home/demo/) and must stay
stable. ``HomePage.body`` accepts, in any order:

``hero``            heading, lead, image {image, alt_text, decorative}, cta {label, page, url}
``member_counter``  label, count, as_of, use_live_count, note
``media_mentions``  heading, headline_total ("150+"), text, mentions [MediaMention]
``partners``        heading, intro                  (renders PartnerCompany.objects.on_site())
``awards``          heading, intro, awards [Award]
``impact_figures``  heading, intro, figures [{value, unit, label, as_of, note}]
``story_teaser``    heading, story (StoryPage), excerpt, link_label
``about``           heading, text (rich), points [{title, text}]
``donation_tiers``  heading, intro, tiers [{amount_jpy, achievement, footnote}], note
``member_benefits`` heading, benefits [{icon, title, text}]
``testimonials``    heading, testimonials [Testimonial]
``faq``             heading, show_all, faqs [FAQ]
``closing_appeal``  heading, text (rich), cta {label, page, url}

``StoryPage.body`` and ``StandardPage.body`` accept ``paragraph`` (rich text), ``image``
{image {image, alt_text, decorative}, caption} and ``quote`` {quote, attribution}; StandardPage also accepts ``faq``.
``DonationPage.tiers`` accepts ``tier`` {amount_jpy, label, description}.
"""

import copy
import json

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

from home.images import prefetch_renditions
from home.snippets import FAQ, Award, MediaMention, Testimonial

# Wagtail's own labels that show in our block forms but have no Japanese in Wagtail's catalog:
# listed here so makemessages keeps them in ours (Django merges the catalogs at runtime).
WAGTAIL_LABELS = (gettext_noop("Image is decorative"),)


class YenAmountBlock(blocks.IntegerBlock):
    """A gift in yen: JPY has no minor unit, so only positive whole numbers make sense."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", _("Whole yen, e.g. 1000"))
        super().__init__(**kwargs)

    def clean(self, value):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValidationError(_("Enter a positive whole number of yen."), code="invalid")
        value = super().clean(value)
        if value is None or value < 1:
            raise ValidationError(_("Enter a positive whole number of yen."), code="min_value")
        return value


class CallToActionValue(blocks.StructValue):
    @property
    def href(self) -> str:
        page = self.get("page")
        if page is not None and page.live:
            return page.url or ""
        return self.get("url") or ""


class CallToActionBlock(blocks.StructBlock):
    """A button: the label, and a link to a page of the site or to any URL."""

    label = blocks.CharBlock(label=pgettext_lazy("block", "Label"), required=False, max_length=80)
    page = blocks.PageChooserBlock(label=pgettext_lazy("block", "Page"), required=False)
    url = blocks.URLBlock(label=pgettext_lazy("block", "URL"), required=False)

    class Meta:
        value_class = CallToActionValue
        label = _("Call to action")
        form_classname = "struct-block cta-block"

    def clean(self, value):
        value = super().clean(value)
        if value.get("label") and not (value.get("page") or value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or enter a URL for the button."))}
            )
        return value


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    lead = blocks.TextBlock(label=pgettext_lazy("block", "Lead"), required=False)
    # ImageBlock keeps the alt text with the block, so each translation of the page describes the
    # picture in its own language (the image itself has one description, in whichever language).
    image = ImageBlock(label=pgettext_lazy("block", "Image"), required=False)
    cta = CallToActionBlock(label=pgettext_lazy("block", "Button"), required=False)

    class Meta:
        icon = "image"
        template = "home/blocks/hero.html"
        label = _("Hero")


class MemberCounterBlock(blocks.StructBlock):
    """The family counter ("現在 502人 (3月12日時点)")."""

    label = blocks.CharBlock(label=pgettext_lazy("block", "Label"), max_length=120)
    count = blocks.IntegerBlock(label=pgettext_lazy("block", "Count"), min_value=0)
    as_of = blocks.DateBlock(label=pgettext_lazy("block", "As of"), required=False)
    use_live_count = blocks.BooleanBlock(
        label=pgettext_lazy("block", "Use live count"),
        required=False,
        help_text=_("Show the current number of monthly donors from the CRM instead of the figure above."),
    )
    note = blocks.CharBlock(label=pgettext_lazy("block", "Note"), required=False)

    class Meta:
        icon = "group"
        template = "home/blocks/member_counter.html"
        label = _("Member counter")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        count, as_of = value.get("count"), value.get("as_of")
        if value.get("use_live_count"):
            from home.live_figures import member_count

            live = member_count()
            if live is not None:
                count, as_of = live
        context.update(count=count, as_of=as_of)
        return context


class MediaMentionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    headline_total = blocks.CharBlock(
        label=pgettext_lazy("block", "Headline total"),
        required=False,
        max_length=20,
        help_text=_('e.g. "150+"'),
    )
    text = blocks.TextBlock(label=pgettext_lazy("block", "Text"), required=False)
    mentions = blocks.ListBlock(
        SnippetChooserBlock(MediaMention), min_num=0, label=pgettext_lazy("block", "Media mentions")
    )

    class Meta:
        icon = "openquote"
        template = "home/blocks/media_mentions.html"
        label = _("Media mentions")


class PartnersBlock(blocks.StructBlock):
    """Partner companies flagged for the site in the CRM, in the CRM's order."""

    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    intro = blocks.TextBlock(label=pgettext_lazy("block", "Introduction"), required=False)

    class Meta:
        icon = "site"
        template = "home/blocks/partners.html"
        label = _("Partner companies")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        partners = getattr(page, "prefetched_partners", None)
        context["partners"] = partners if partners is not None else partners_on_site()
        return context


def partners_on_site(*, with_renditions: bool = True) -> list:
    """Partner companies the CRM flags for the site, logos joined (and their renditions fetched)."""
    partners = list(apps.get_model("crm", "PartnerCompany").objects.on_site().select_related("logo"))
    if with_renditions:
        prefetch_renditions([p.logo for p in partners if p.logo_id], LOGO_SPEC)
    return partners


class AwardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    intro = blocks.TextBlock(label=pgettext_lazy("block", "Introduction"), required=False)
    awards = blocks.ListBlock(SnippetChooserBlock(Award), min_num=0, label=pgettext_lazy("block", "Awards"))

    class Meta:
        icon = "success"
        template = "home/blocks/awards.html"
        label = _("Awards")


class ImpactFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(
        label=pgettext_lazy("block", "Value"), max_length=20, help_text=_('e.g. "2,350"')
    )
    unit = blocks.CharBlock(
        label=pgettext_lazy("block", "Unit"), required=False, max_length=20, help_text=_('e.g. "名以上"')
    )
    label = blocks.CharBlock(label=pgettext_lazy("block", "Label"), max_length=120)
    as_of = blocks.DateBlock(label=pgettext_lazy("block", "As of"), required=False)
    note = blocks.CharBlock(label=pgettext_lazy("block", "Note"), required=False)


class ImpactFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    intro = blocks.TextBlock(label=pgettext_lazy("block", "Introduction"), required=False)
    figures = blocks.ListBlock(ImpactFigureBlock(), label=pgettext_lazy("block", "Figures"))

    class Meta:
        icon = "table"
        template = "home/blocks/impact_figures.html"
        label = _("Impact figures")


class StoryChooserBlock(blocks.PageChooserBlock):
    """A chosen story arrives with its hero image, which the teaser card shows: one query, not two.

    (The join lives here, where a story is read for display, not in StoryPage's default manager:
    there it met Wagtail's page editor, which defers fields of the same query, and broke it.)
    """

    def bulk_to_python(self, values):
        stories = self.model_class.objects.select_related("hero_image").in_bulk(values)
        # As Wagtail's own: same order, None kept, a story chosen twice is two instances.
        seen: set = set()
        result = []
        for pk in values:
            story = stories.get(pk)
            result.append(copy.copy(story) if story is not None and pk in seen else story)
            seen.add(pk)
        return result

    def deconstruct(self):
        # Stored and migrated exactly as Wagtail's PageChooserBlock: only the reading differs.
        return ("wagtail.blocks.PageChooserBlock", *super().deconstruct()[1:])


class StoryTeaserBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    story = StoryChooserBlock(label=pgettext_lazy("block", "Story"), page_type="home.StoryPage")
    excerpt = blocks.TextBlock(
        label=pgettext_lazy("block", "Excerpt"),
        required=False,
        help_text=_("Leave empty to use the story's intro."),
    )
    link_label = blocks.CharBlock(label=pgettext_lazy("block", "Link label"), required=False, max_length=80)

    class Meta:
        icon = "doc-full"
        template = "home/blocks/story_teaser.html"
        label = _("Story teaser")


class PointBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=pgettext_lazy("block", "Title"), max_length=80)
    text = blocks.TextBlock(label=pgettext_lazy("block", "Text"))


class AboutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    text = blocks.RichTextBlock(label=pgettext_lazy("block", "Text"), features=["bold", "italic", "link"])
    points = blocks.ListBlock(PointBlock(), min_num=0, label=pgettext_lazy("block", "Points"))

    class Meta:
        icon = "info-circle"
        template = "home/blocks/about.html"
        label = _("About")


class TierBlock(blocks.StructBlock):
    amount_jpy = YenAmountBlock(label=pgettext_lazy("block", "Monthly amount (yen)"))
    achievement = blocks.TextBlock(
        label=pgettext_lazy("block", "Achievement"), help_text=_("What this monthly gift makes possible.")
    )
    footnote = blocks.CharBlock(label=pgettext_lazy("block", "Footnote"), required=False)


class DonationTiersBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    intro = blocks.TextBlock(label=pgettext_lazy("block", "Introduction"), required=False)
    tiers = blocks.ListBlock(TierBlock(), min_num=1, label=pgettext_lazy("block", "Tiers"))
    note = blocks.CharBlock(
        label=pgettext_lazy("block", "Note"),
        required=False,
        help_text=_('e.g. "※1年間ご寄付を続けられた場合"'),
    )

    class Meta:
        icon = "tag"
        template = "home/blocks/donation_tiers.html"
        label = _("Donation tiers")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # HomePage.get_context hands over the lookup (blocks import no page model).
        find_donation_page = (parent_context or {}).get("find_donation_page")
        donation_page = find_donation_page() if find_donation_page else None
        context["donation_url"] = donation_page.url if donation_page else ""
        return context


class BenefitBlock(blocks.StructBlock):
    ICONS = [
        ("report", _("Report / letter")),
        ("community", _("Community group")),
        ("newsletter", _("Newsletter")),
        ("event", _("Event")),
        ("heart", _("Heart")),
    ]
    icon = blocks.ChoiceBlock(label=pgettext_lazy("block", "Icon"), choices=ICONS, default="heart")
    title = blocks.CharBlock(label=pgettext_lazy("block", "Title"), max_length=120)
    text = blocks.TextBlock(label=pgettext_lazy("block", "Text"))


class MemberBenefitsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    benefits = blocks.ListBlock(BenefitBlock(), label=pgettext_lazy("block", "Benefits"))

    class Meta:
        icon = "list-ul"
        template = "home/blocks/member_benefits.html"
        label = _("Member benefits")


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    testimonials = blocks.ListBlock(
        SnippetChooserBlock(Testimonial), min_num=0, label=pgettext_lazy("block", "Testimonials")
    )

    class Meta:
        icon = "user"
        template = "home/blocks/testimonials.html"
        label = _("Testimonials")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # A draft, an unpublished or a consent-less testimonial never reaches the public.
        context["visible"] = [
            t for t in value.get("testimonials") or [] if t is not None and t.is_publishable
        ]
        return context


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    show_all = blocks.BooleanBlock(
        label=pgettext_lazy("block", "Show all"),
        required=False,
        help_text=_("Show every FAQ in this language instead of the ones chosen below."),
    )
    faqs = blocks.ListBlock(
        SnippetChooserBlock(FAQ), min_num=0, required=False, label=pgettext_lazy("block", "FAQs")
    )

    class Meta:
        icon = "help"
        template = "home/blocks/faq.html"
        label = _("FAQ")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        if value.get("show_all"):
            page = (parent_context or {}).get("page")
            faqs = FAQ.objects.all()
            if page is not None:
                faqs = faqs.filter(locale_id=page.locale_id)
            faqs = list(faqs)
        else:
            faqs = [f for f in value.get("faqs") or [] if f is not None]
        context["faqs"] = faqs
        context["json_ld"] = faq_json_ld(faqs)
        return context


def faq_json_ld(faqs) -> str:
    """schema.org FAQPage data, safe to embed inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(expand_db_html(faq.answer)).strip()},
            }
            for faq in faqs
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    # "</script>" inside a string would end the element early; JSON allows these escapes.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


class ClosingAppealBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=pgettext_lazy("block", "Heading"), max_length=120)
    text = blocks.RichTextBlock(label=pgettext_lazy("block", "Text"), features=["bold", "italic", "link"])
    cta = CallToActionBlock(label=pgettext_lazy("block", "Button"), required=False)

    class Meta:
        icon = "mail"
        template = "home/blocks/closing_appeal.html"
        label = _("Closing appeal")


class CampaignStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    member_counter = MemberCounterBlock()
    media_mentions = MediaMentionsBlock()
    partners = PartnersBlock()
    awards = AwardsBlock(label=pgettext_lazy("block", "Awards"))
    impact_figures = ImpactFiguresBlock()
    story_teaser = StoryTeaserBlock()
    about = AboutBlock()
    donation_tiers = DonationTiersBlock()
    member_benefits = MemberBenefitsBlock()
    testimonials = TestimonialsBlock(label=pgettext_lazy("block", "Testimonials"))
    faq = FAQBlock()
    closing_appeal = ClosingAppealBlock()


# --- Stories and standard pages ---------------------------------------------------------------


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(
        label=pgettext_lazy("block", "Image")
    )  # alt text per block: per language, like the caption
    caption = blocks.CharBlock(label=pgettext_lazy("block", "Caption"), required=False)

    class Meta:
        icon = "image"
        template = "home/blocks/image.html"
        label = _("Image")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=pgettext_lazy("block", "Quote"))
    attribution = blocks.CharBlock(label=pgettext_lazy("block", "Attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "home/blocks/quote.html"
        label = _("Quote")


class StoryStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=pgettext_lazy("block", "Paragraph"),
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        template="home/blocks/paragraph.html",
    )
    image = CaptionedImageBlock(label=pgettext_lazy("block", "Image"))
    quote = QuoteBlock(label=pgettext_lazy("block", "Quote"))


class StandardStreamBlock(StoryStreamBlock):
    faq = FAQBlock()


class DonationTierOptionBlock(blocks.StructBlock):
    amount_jpy = YenAmountBlock(label=pgettext_lazy("block", "Amount (yen)"))
    label = blocks.CharBlock(label=pgettext_lazy("block", "Label"), required=False, max_length=80)
    description = blocks.TextBlock(label=pgettext_lazy("block", "Description"), required=False)
    # Yearly givers are offered other amounts than monthly ones; none ticked means every frequency.
    frequencies = blocks.MultipleChoiceBlock(
        label=pgettext_lazy("block", "Offered for"),
        choices=[("monthly", _("Monthly")), ("yearly", _("Yearly")), ("once", _("Once"))],
        required=False,
        help_text=_("Leave all unticked to offer this amount for every frequency."),
    )

    class Meta:
        icon = "tag"
        label = _("Tier")


class DonationTiersStreamBlock(blocks.StreamBlock):
    tier = DonationTierOptionBlock()


# Rendition specs used by the templates; the page prefetches exactly these in one query.
HERO_SPEC = "fill-1200x630"
LOGO_SPEC = "max-240x96"
PHOTO_SPEC = "fill-160x160"
CARD_SPEC = "fill-800x500"
BODY_SPEC = "width-1000"
