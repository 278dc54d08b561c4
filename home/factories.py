"""factory_boy factories for the site's pages and snippets (tests and demo data)."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Collection, Locale

from home import models


def default_locale() -> Locale:
    return Locale.get_default()


class ImageFactory(wagtail_factories.ImageFactory):
    # The stock factory creates a new root collection each time; Wagtail allows only one.
    collection = factory.LazyFunction(Collection.get_first_root_node)
    title = factory.Sequence(lambda n: f"Photo {n}")
    file = factory.django.ImageField(width=1600, height=900, color="#d97706")


class MediaMentionFactory(DjangoModelFactory):
    outlet = factory.Sequence(lambda n: f"Outlet {n}")
    kind = models.MediaMention.Kind.TV
    date = datetime.date(2023, 3, 1)
    url = "https://example.org/news"
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = models.MediaMention


class AwardFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Award {n}")
    awarding_body = "Forbes Japan"
    year = 2019
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = models.Award


class TestimonialFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Supporter {n}")
    role = "Mountain guide"
    quote = "I give every month because the people I met deserve a fair start."
    consent_to_publish = True
    live = True
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = models.Testimonial


class FAQFactory(DjangoModelFactory):
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "<p>An answer with <b>bold</b> text.</p>"
    sort_order = factory.Sequence(lambda n: n)
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = models.FAQ


class HomePageFactory(wagtail_factories.PageFactory):
    title = "WELgee family"
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = models.HomePage


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "Stories"
    slug = "stories"
    intro = "<p>People we walk alongside.</p>"

    class Meta:
        model = models.StoryIndexPage


class StoryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    intro = "Fleeing threats in 2017, R arrived in Japan with nowhere to stay."
    date = datetime.date(2023, 3, 15)
    body = factory.LazyFunction(
        lambda: [
            ("paragraph", "<p>R met WELgee while homeless and found a home and a job.</p>"),
            ("quote", {"quote": "How do I live from here?", "attribution": "R"}),
        ]
    )

    class Meta:
        model = models.StoryPage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    intro = "A plain page."

    class Meta:
        model = models.StandardPage


class DonationPageFactory(wagtail_factories.PageFactory):
    title = "Donate"
    slug = "donate"
    intro = "<p>Give monthly or once.</p>"
    tiers = factory.LazyFunction(
        lambda: [
            ("tier", {"amount_jpy": 1000, "label": "Interview", "description": "One job interview"}),
            ("tier", {"amount_jpy": 5000, "label": "Hiring", "description": "One hire"}),
            ("tier", {"amount_jpy": 10000, "label": "Business Japanese", "description": "Language study"}),
        ]
    )

    class Meta:
        model = models.DonationPage
