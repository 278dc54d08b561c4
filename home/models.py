"""Page types of the public site. Snippets live in home/snippets.py and are re-exported here."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from crm.payments import client as stripe_api
from home.blocks import (
    CARD_SPEC,
    HERO_SPEC,
    LOGO_SPEC,
    PHOTO_SPEC,
    CampaignStreamBlock,
    DonationTiersStreamBlock,
    StandardStreamBlock,
    StoryStreamBlock,
    partners_on_site,
)
from home.donation import donation_checkout, parse_yen
from home.images import prefetch_renditions
from home.restrictions import ViewRestrictionsInOneQueryMixin
from home.snippets import FAQ, Award, MediaMention, Testimonial
from home.transfer_account import BankTransferAccount  # noqa: F401  (a setting: Django finds models through this module)

__all__ = [
    "FAQ",
    "Award",
    "DonationPage",
    "HomePage",
    "MediaMention",
    "StandardPage",
    "StoryIndexPage",
    "StoryPage",
    "Testimonial",
]


def absolute_url(page: Page, request=None) -> str:
    """The page's address under BASE_URL: canonical, hreflang, og:url and the sitemap name the public host.

    Wagtail would build it from the Site record's hostname, which is "localhost" after load_demo_data.
    """
    _site_id, _root_url, path = page.get_url_parts(request) or (None, None, None)
    return settings.WAGTAILADMIN_BASE_URL + (path or "/")


class SeoMixin:
    """What base.html needs for <meta> description and OpenGraph/Twitter cards."""

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        for url in urls:
            url["location"] = absolute_url(self, request)
        return urls

    #: The page's summary as plain text, for the meta description: pages with an introduction override it.
    intro_text = ""

    def get_meta_description(self) -> str:
        return self.search_description or self.intro_text or ""

    og_type = "website"

    def get_meta_image(self):
        """The card image: pages with a picture of their own override it."""
        return None


class HomePage(SeoMixin, ViewRestrictionsInOneQueryMixin, Page):
    """The campaign page: "あなたもWELgeeファミリーになりませんか?". One per language."""

    body = StreamField(CampaignStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StoryIndexPage", "home.StandardPage", "home.DonationPage", "crm.EventPage"]

    class Meta:
        verbose_name = _("campaign page")

    @property
    def intro_text(self) -> str:
        hero = self._first_block("hero")
        return (hero.get("lead") or "") if hero else ""

    def get_meta_image(self):
        hero = self._first_block("hero")
        return hero.get("image") if hero else None

    def _first_block(self, block_type: str):
        for block in self.body:
            if block.block_type == block_type:
                return block.value
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.prefetch_body_images()
        # The tiers block links each amount to the donation page of this language. Called when the
        # block renders, after the header has already looked the page up for this request.
        context["find_donation_page"] = functools.partial(donation_page_for, request=request, page=self)
        return context

    # Filled by prefetch_body_images so the partners block reuses the batch-fetched logos.
    prefetched_partners = None

    def prefetch_body_images(self) -> None:
        """Fetch every image and rendition the body shows in two queries instead of one per image."""
        snippets_with_logo, snippets_with_photo, stories, images = [], [], [], []
        for block in self.body:
            value = block.value
            match block.block_type:
                case "hero":
                    images.append(value.get("image"))
                case "media_mentions":
                    snippets_with_logo += [m for m in value.get("mentions") or [] if m]
                case "awards":
                    snippets_with_logo += [a for a in value.get("awards") or [] if a]
                case "testimonials":
                    snippets_with_photo += [t for t in value.get("testimonials") or [] if t]
                case "story_teaser":
                    if value.get("story"):
                        stories.append(value["story"])
                case "partners":
                    if self.prefetched_partners is None:
                        self.prefetched_partners = partners_on_site(with_renditions=False)
                        images += [p.logo for p in self.prefetched_partners if p.logo_id]
        # Snippet images arrive joined (ImageJoiningManager), story heroes via StoryChooserBlock.
        images += [obj.logo for obj in snippets_with_logo if obj.logo_id]
        images += [obj.photo for obj in snippets_with_photo if obj.photo_id]
        images += [story.hero_image for story in stories if story.hero_image_id]
        prefetch_renditions(images, HERO_SPEC, LOGO_SPEC, PHOTO_SPEC, CARD_SPEC)


class StoryIndexPage(SeoMixin, ViewRestrictionsInOneQueryMixin, Page):
    """Stories of the people WELgee walks alongside, newest first, filterable by tag."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.StoryPage"]
    stories_per_page = 9

    class Meta:
        verbose_name = _("story index page")

    def stories(self, tag: str | None = None):
        stories = (
            StoryPage.objects.live()
            .child_of(self)
            .select_related("hero_image")
            .order_by("-date", "-first_published_at", "-pk")
        )
        if tag:
            stories = stories.filter(
                models.Q(region_tags__slug=tag) | models.Q(topic_tags__slug=tag)
            ).distinct()
        return stories

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag") or None
        paginator = Paginator(self.stories(tag=tag), self.stories_per_page)
        try:
            stories_page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            stories_page = paginator.page(1)
        except EmptyPage:
            stories_page = paginator.page(paginator.num_pages)
        prefetch_renditions([s.hero_image for s in stories_page if s.hero_image_id], CARD_SPEC)
        context.update(stories=stories_page, tag=tag)
        return context


class StoryRegionTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.StoryPage", on_delete=models.CASCADE, related_name="region_tagged_items"
    )


class StoryTopicTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.StoryPage", on_delete=models.CASCADE, related_name="topic_tagged_items"
    )


def _today() -> datetime.date:
    return timezone.localdate()


class StoryPage(SeoMixin, ViewRestrictionsInOneQueryMixin, Page):
    """One person's story, e.g. R's journey from Afghanistan to an engineering job in Japan."""

    intro = models.TextField(_("intro"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An image has one description; translated pages need the picture described in their language.
    hero_image_alt = models.CharField(
        _("hero image alt text"),
        max_length=255,
        blank=True,
        help_text=_("What the picture shows, in this page's language. Blank: the image's own description."),
    )
    body = StreamField(StoryStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)
    region_tags = ClusterTaggableManager(
        through=StoryRegionTag, blank=True, related_name="region_stories", verbose_name=_("regions")
    )
    topic_tags = ClusterTaggableManager(
        through=StoryTopicTag, blank=True, related_name="topic_stories", verbose_name=_("topics")
    )
    after_story = RichTextField(_("after the story"), blank=True, features=["bold", "italic", "link"])
    date = models.DateField(_("publication date"), default=_today)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading=_("Hero image")),
        FieldPanel("body"),
        FieldPanel("after_story"),
        MultiFieldPanel([FieldPanel("region_tags"), FieldPanel("topic_tags")], heading=_("Tags")),
    ]

    # Page.search_fields already boosts the title (x2) over everything added here.
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("after_story"),
        index.RelatedFields("region_tags", [index.SearchField("name")]),
        index.RelatedFields("topic_tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["home.StoryIndexPage"]
    subpage_types: list[str] = []

    og_type = "article"

    class Meta:
        verbose_name = _("story page")

    @property
    def intro_text(self) -> str:
        return self.intro

    def get_meta_image(self):
        return self.hero_image

    @property
    def hero_alt(self) -> str:
        """The hero picture's alt text in this page's language (story page, cards and teasers)."""
        if self.hero_image_alt:
            return self.hero_image_alt
        return self.hero_image.default_alt_text if self.hero_image else ""


class StandardPage(SeoMixin, ViewRestrictionsInOneQueryMixin, Page):
    """A plain content page: about us, privacy policy, corporate giving."""

    intro = models.TextField(_("intro"), blank=True)
    body = StreamField(StandardStreamBlock(), verbose_name=_("body"), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage", "crm.EventPage"]

    class Meta:
        verbose_name = _("standard page")

    @property
    def intro_text(self) -> str:
        return self.intro


class DonationPage(SeoMixin, ViewRestrictionsInOneQueryMixin, Page):
    """Where a visitor chooses an amount and gives monthly, yearly or once.

    A plain server-side form: GET renders it, POST goes to Stripe Checkout (home/donation.py).
    """

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")
        ONCE = "once", _("Once")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    tiers = StreamField(
        DonationTiersStreamBlock(), verbose_name=_("amounts offered"), blank=True, use_json_field=True
    )
    default_frequency = models.CharField(
        _("frequency selected by default"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
    )
    min_amount_jpy = models.PositiveIntegerField(_("minimum amount (yen)"), default=500)
    max_amount_jpy = models.PositiveIntegerField(_("maximum amount (yen)"), default=1_000_000)
    thank_you_message = RichTextField(_("thank-you message"), blank=True, features=["bold", "italic", "link"])
    not_configured_message = models.TextField(
        _("message while online giving is unavailable"),
        blank=True,
        help_text=_("Shown instead of the payment button while online payments are not set up."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("tiers"),
        MultiFieldPanel(
            [
                FieldPanel("default_frequency"),
                FieldRowPanel([FieldPanel("min_amount_jpy"), FieldPanel("max_amount_jpy")]),
            ],
            heading=_("Amounts"),
        ),
        FieldPanel("thank_you_message"),
        FieldPanel("not_configured_message"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("donation page")

    @property
    def intro_text(self) -> str:
        return strip_tags(self.intro)

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            return donation_checkout(request, self)
        return super().serve(request, *args, **kwargs)

    def not_configured_text(self) -> str:
        """What the visitor reads while online payments are not set up: the editors' text, or ours."""
        return self.not_configured_message or _(
            "Online giving is not set up yet. Please try again later, or contact us: we will gladly help you give."
        )

    def clean(self):
        super().clean()
        if self.min_amount_jpy and self.max_amount_jpy and self.min_amount_jpy > self.max_amount_jpy:
            raise ValidationError({"max_amount_jpy": _("The maximum must not be below the minimum.")})

    def tier_amounts(self, frequency: str | None = None) -> list[int]:
        """The amounts offered, for one frequency if given (a tier with none ticked is for all)."""
        return [
            block.value["amount_jpy"]
            for block in self.tiers
            if block.block_type == "tier"
            and (
                not frequency or not block.value.get("frequencies") or frequency in block.value["frequencies"]
            )
        ]

    def initial_choice(self, request) -> tuple[str, int | None]:
        """The frequency and amount to preselect, from ?frequency=&amount= links on the campaign page."""
        frequency = request.GET.get("frequency")
        if frequency not in self.Frequency.values:
            frequency = self.default_frequency
        amount = parse_yen(request.GET.get("amount"))
        if amount is not None and not (self.min_amount_jpy <= amount <= self.max_amount_jpy):
            amount = None
        return frequency, amount

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        frequency, amount = self.initial_choice(request)
        tier_amounts = self.tier_amounts()
        context.update(
            selected_frequency=frequency,
            selected_amount=amount,
            custom_amount=amount if amount is not None and amount not in tier_amounts else None,
            frequencies=self.Frequency.choices,
        )
        context["stripe_configured"] = stripe_api.is_configured()
        if not context["stripe_configured"]:
            context["not_configured_message"] = self.not_configured_text()
        return context


def donation_page_for(*, request=None, page: Page | None = None) -> DonationPage | None:
    """The live donation page in the page's language, looked up once per request."""
    if request is not None and hasattr(request, "_welgee_donation_page"):
        return request._welgee_donation_page
    queryset = DonationPage.objects.live()
    if page is not None:
        queryset = queryset.filter(locale_id=page.locale_id)
    found = queryset.order_by("path").first()
    if request is not None:
        request._welgee_donation_page = found
    return found
