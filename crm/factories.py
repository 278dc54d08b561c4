"""factory_boy factories for the CRM: used by tests and by the demo data."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.giving.models import Donation, RecurringDonation
from crm.interactions.models import Interaction

# Realistic Japanese names with their readings, so search by kanji, kana and romaji can be exercised.
FAMILY_NAMES = [
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
]
GIVEN_NAMES = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("健太", "ケンタ"),
    ("美咲", "ミサキ"),
    ("翔", "ショウ"),
    ("陽菜", "ヒナ"),
    ("大輔", "ダイスケ"),
    ("さくら", "サクラ"),
]


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        skip_postgeneration_save = True

    class Params:
        family = factory.Iterator(FAMILY_NAMES)
        given = factory.Iterator(GIVEN_NAMES)

    family_name = factory.LazyAttribute(lambda o: o.family[0])
    family_name_kana = factory.LazyAttribute(lambda o: o.family[1])
    given_name = factory.LazyAttribute(lambda o: o.given[0])
    given_name_kana = factory.LazyAttribute(lambda o: o.given[1])
    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    phone = factory.Sequence(lambda n: f"090-{n // 10000 % 10000:04d}-{n % 10000:04d}")
    postal_code = "150-0001"
    prefecture = "東京都"
    city = "渋谷区"
    address_line = factory.Sequence(lambda n: f"神宮前{n % 6 + 1}-{n % 20 + 1}-{n % 9 + 1}")
    preferred_language = Donor.Language.JA
    source = Donor.Source.MANUAL
    newsletter_status = Donor.NewsletterStatus.NEVER

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class PartnerCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerCompany

    name = factory.Sequence(lambda n: f"協働企業{n}株式会社")
    name_kana = factory.Sequence(lambda n: f"キョウドウキギョウ{n}")
    website = factory.Sequence(lambda n: f"https://partner{n}.example.jp/")
    is_hiring_partner = True
    show_on_site = False
    site_order = factory.Sequence(lambda n: n)


class RecurringDonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringDonation

    donor = factory.SubFactory(DonorFactory)
    amount = 3000
    currency = "JPY"
    interval = RecurringDonation.Interval.MONTH
    status = RecurringDonation.Status.ACTIVE
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=180))
    external_id = ""


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    donor = factory.SubFactory(DonorFactory)
    amount = 5000
    currency = "JPY"
    received_at = factory.LazyFunction(timezone.now)
    method = Donation.Method.CARD
    status = Donation.Status.SUCCEEDED
    external_id = ""


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    donor = factory.SubFactory(DonorFactory)
    company = None
    kind = Interaction.Kind.CALL
    happened_at = factory.LazyFunction(timezone.now)
    summary = "お礼の電話"
    body = ""
