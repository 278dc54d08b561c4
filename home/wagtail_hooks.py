"""Admin registration only: the "Site content" menu group of snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.snippets import FAQ, Award, MediaMention, Testimonial


class MediaMentionViewSet(SnippetViewSet):
    model = MediaMention
    icon = "openquote"
    menu_label = _("Media mentions")
    list_display = ["outlet", "kind", "date"]
    list_filter = ["kind", "locale"]
    search_fields = ["outlet"]
    ordering = ["-date"]


class AwardViewSet(SnippetViewSet):
    model = Award
    icon = "success"
    menu_label = _("Awards")
    list_display = ["title", "awarding_body", "year"]
    list_filter = ["year", "locale"]
    search_fields = ["title", "awarding_body"]


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "user"
    menu_label = _("Testimonials")
    list_display = ["name", "role", "consent_to_publish"]
    list_filter = ["consent_to_publish", "live", "locale"]
    search_fields = ["name", "role", "quote"]


class FAQViewSet(SnippetViewSet):
    model = FAQ
    icon = "help"
    menu_label = _("FAQs")
    list_display = ["question", "sort_order"]
    list_filter = ["locale"]
    search_fields = ["question"]
    ordering = ["sort_order"]


class SiteContentGroup(SnippetViewSetGroup):
    menu_label = _("Site content")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (MediaMentionViewSet, AwardViewSet, TestimonialViewSet, FAQViewSet)


register_snippet(SiteContentGroup)
