"""Reusable pieces of site content that editors manage as snippets and choose into pages.

Every snippet is translatable (one row per locale, linked by ``translation_key``) so the Japanese
and English campaign pages can each show their own wording of the same press mention or award.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, TranslatableMixin


class ImageJoiningQuerySet(models.QuerySet):
    def select_for_update(self, nowait=False, skip_locked=False, of=(), no_key=False):
        # PostgreSQL refuses FOR UPDATE on the nullable side of the image LEFT JOIN (update_or_create
        # locks); lock only the snippet's own row.
        return super().select_for_update(
            nowait=nowait, skip_locked=skip_locked, of=of or ("self",), no_key=no_key
        )


class ImageJoiningManager(models.Manager.from_queryset(ImageJoiningQuerySet)):
    """Fetches the image ForeignKeys with the row.

    Chooser blocks load chosen snippets through the default manager in one bulk query; joining the
    logo there means a campaign page with ten logos costs no extra query for them.
    """

    def __init__(self, *image_fields: str):
        super().__init__()
        self.image_fields = image_fields

    def get_queryset(self):
        return super().get_queryset().select_related(*self.image_fields)


class MediaMention(TranslatableMixin, models.Model):
    """One appearance of WELgee in the press: a TV programme, an article, a foreign broadcast."""

    class Kind(models.TextChoices):
        TV = "tv", _("TV")
        NEWSPAPER = "newspaper", _("Newspaper")
        WEB = "web", _("Web")
        FOREIGN = "foreign", _("Foreign media")

    outlet = models.CharField(_("outlet"), max_length=200, help_text=_("e.g. 日本テレビ「news zero」"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TV)
    date = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImageJoiningManager("logo")

    panels = [
        FieldPanel("outlet"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("url"),
        FieldPanel("logo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("media mention")
        verbose_name_plural = _("media mentions")
        ordering = ["-date", "outlet"]

    def __str__(self) -> str:
        return self.outlet


class Award(TranslatableMixin, models.Model):
    """A prize or recognition, e.g. Forbes 30 Under 30 Asia."""

    title = models.CharField(_("title"), max_length=200)
    awarding_body = models.CharField(_("awarding body"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImageJoiningManager("logo")

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("awarding_body"), FieldPanel("year")]),
        FieldPanel("logo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class TestimonialForm(WagtailAdminModelForm):
    """Saving a draft is always allowed; only publishing needs the supporter's consent.

    Wagtail defers validation (``is_deferred_validation``) exactly when the editor saves a draft,
    so a failed check here is a form error on publish and never a 500.
    """

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation and not cleaned_data.get("consent_to_publish"):
            self.add_error(
                "consent_to_publish",
                ValidationError(_("You cannot publish without consent from this supporter."), code="consent"),
            )
        return cleaned_data


class TestimonialQuerySet(ImageJoiningQuerySet):
    def publishable(self) -> "TestimonialQuerySet":
        """Only what the public may see: published, and the supporter agreed to be quoted."""
        return self.filter(live=True, consent_to_publish=True)


class TestimonialManager(ImageJoiningManager.from_queryset(TestimonialQuerySet)):
    pass


class Testimonial(DraftStateMixin, LockableMixin, RevisionMixin, TranslatableMixin, models.Model):
    """A supporter's own words about why they give monthly."""

    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("e.g. 富士山ガイド"))
    quote = models.TextField(_("quote"))
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_to_publish = models.BooleanField(
        _("consent to publish"),
        default=False,
        help_text=_("Tick only when the supporter has agreed to this quote and photo appearing on the site."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="testimonial")

    objects = TestimonialManager("photo")
    base_form_class = TestimonialForm

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldPanel("quote"),
        FieldPanel("photo"),
        MultiFieldPanel([FieldPanel("consent_to_publish")], heading=_("Consent")),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    @property
    def is_publishable(self) -> bool:
        return bool(self.live and self.consent_to_publish)


class FAQ(TranslatableMixin, models.Model):
    """A frequently asked question about giving; also published as schema.org FAQPage data."""

    question = models.CharField(_("question"), max_length=255)
    answer = RichTextField(_("answer"), features=["bold", "italic", "link", "ol", "ul"])
    sort_order = models.IntegerField(_("sort order"), default=0)

    panels = [FieldPanel("question"), FieldPanel("answer"), FieldPanel("sort_order")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.question
