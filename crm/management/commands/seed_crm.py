"""Synthetic CRM data at scale: `manage.py seed_crm --donors 100000 --seed 1`.

Deterministic: the same seed gives the same donors, emails, amounts and dates (one
random.Random(seed), a fixed base date, no global random state). Written with bulk_create in
batches, so 100,000 donors and their years of gifts take a minute or two, not an hour.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import transaction
from taggit.models import Tag

from crm.demo import BASE_DATE, COMPANY_NAMES, JST, fake_person
from crm.imports.bulk import RawInsert, fast_search_text
from crm.models import Donation, Donor, Interaction, PartnerCompany, RecurringDonation, TaggedDonor

AMOUNTS = [(1000, 30), (2000, 10), (3000, 25), (5000, 20), (10000, 10), (30000, 5)]
ONE_OFF_AMOUNTS = [(1000, 15), (3000, 25), (5000, 25), (10000, 20), (30000, 8), (100000, 2)]
# Status of a membership at the base date, with weights: most stay, some leave, a few are stuck.
MEMBER_STATUSES = [("active", 62), ("canceled", 25), ("past_due", 6), ("paused", 3), ("incomplete", 4)]
NEWSLETTER = [("subscribed", 55), ("never", 20), ("unsubscribed", 12), ("pending", 5), ("cleaned", 8)]
SOURCES = [("stripe", 55), ("site", 20), ("import", 20), ("manual", 5)]
TAGS = ["イベント参加", "講演会", "大口寄付", "法人関係者", "ボランティア", "クラウドファンディング"]
HISTORY_MONTHS = 36  # monthly gifts recorded for at most the last three years of a membership


def pick(rng: random.Random, weighted: list[tuple]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class SeedResult:
    donors: int = 0
    members: int = 0
    donations: int = 0
    companies: int = 0
    interactions: int = 0
    seconds: float = 0.0
    skipped_existing: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


DONATION_FIELDS = [
    "donor_id",
    "amount",
    "received_at",
    "method",
    "recurring_donation_id",
    "status",
    "created_at",
]


def _month_add(moment: dt.datetime, months: int) -> dt.datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def seed_crm(*, donors: int, seed: int, batch_size: int = 2000, stdout=None) -> SeedResult:
    """Create `donors` synthetic donors (with memberships, gifts, tags, companies, interactions)."""
    started = time.monotonic()
    result = SeedResult()

    companies = _seed_companies(
        random.Random(f"{seed}:companies"), seed=seed, count=max(3, min(40, donors // 2500))
    )
    result.companies = len(companies)
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": f"seed-{i}"})[0] for i, name in enumerate(TAGS)
    ]

    done = 0
    while done < donors:
        size = min(batch_size, donors - done)
        with transaction.atomic():
            _seed_batch(seed=seed, start=done, size=size, companies=companies, tags=tags, result=result)
        done += size
        if stdout is not None and done % (batch_size * 10) == 0:
            stdout.write(f"  {done:,} donors…")
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _seed_companies(rng: random.Random, *, seed: int, count: int) -> list[PartnerCompany]:
    names = [f"{name}（seed {seed}）" for name, _kana in COMPANY_NAMES[:count]]
    existing = {c.name: c for c in PartnerCompany.objects.filter(name__in=names)}
    new = []
    for i, (name, kana) in enumerate(COMPANY_NAMES[:count]):
        full = f"{name}（seed {seed}）"
        if full in existing:
            continue
        new.append(
            PartnerCompany(
                name=full,
                name_kana=kana,
                website=f"https://partner{i}.example.jp/",
                is_hiring_partner=rng.random() < 0.6,
                offers_trial_employment=rng.random() < 0.3,
                is_corporate_donor=rng.random() < 0.4,
                is_collaborator=rng.random() < 0.5,
                site_order=i,
            )
        )
    PartnerCompany.objects.bulk_create(new)
    return sorted([*existing.values(), *new], key=lambda c: c.name)


def _seed_batch(*, seed, start, size, companies, tags, result: SeedResult) -> None:
    # One generator per donor, seeded by (seed, index): a donor's data depends on nothing else,
    # not on the batch size nor on which donors a previous run already created.
    people: list[tuple[Donor, random.Random]] = []
    for i in range(start, start + size):
        rng = random.Random(f"{seed}:{i}")
        person = fake_person(rng, index=i, seed=seed)
        joined = BASE_DATE - dt.timedelta(days=rng.randint(0, 365 * 7), seconds=rng.randint(0, 86399))
        status = pick(rng, NEWSLETTER)
        donor = Donor(
            family_name=person.family_name,
            given_name=person.given_name,
            family_name_kana=person.family_name_kana,
            given_name_kana=person.given_name_kana,
            email=person.email,
            phone=person.phone,
            postal_code=person.postal_code,
            prefecture=person.prefecture,
            city=person.city,
            address_line=person.address_line,
            preferred_language=person.language,
            source=pick(rng, SOURCES),
            newsletter_status=status,
            newsletter_status_changed_at=None if status == "never" else joined,
            newsletter_status_source="seed" if status != "never" else "",
            created_at=joined,
            updated_at=joined,
        )
        if donor.source == "stripe":
            donor.stripe_customer_id = f"cus_seed{seed}x{i}"
        if companies and rng.random() < 0.02:
            donor.company = rng.choice(companies)
            donor.company_role = rng.choice(["人事部", "CSR推進室", "代表取締役", "広報"])
        donor.search_text = fast_search_text(donor)
        people.append((donor, rng))

    # Re-running with the same seed adds nothing twice: donors already there are left alone.
    emails = [d.email for d, _rng in people]
    existing = set(Donor.objects.filter(email__in=emails).values_list("email", flat=True))
    if existing:
        result.skipped_existing += len(existing)
        people = [(d, rng) for d, rng in people if d.email not in existing]
    Donor.objects.bulk_create([d for d, _rng in people])
    result.donors += len(people)

    memberships: list[tuple[RecurringDonation, Donor]] = []
    gifts: list[tuple] = []
    interactions: list[Interaction] = []
    tagged: list[TaggedDonor] = []
    for donor, rng in people:
        joined = donor.created_at
        if rng.random() < 0.33:
            status = pick(rng, MEMBER_STATUSES)
            amount = pick(rng, AMOUNTS)
            interval = "year" if rng.random() < 0.04 else "month"
            if interval == "year":
                amount *= 12
            ended = None
            if status == "canceled":
                ended = joined + dt.timedelta(days=rng.randint(31, max(32, (BASE_DATE - joined).days)))
                ended = min(ended, BASE_DATE)
            changed = ended or (
                BASE_DATE - dt.timedelta(days=rng.randint(0, 40)) if status != "active" else joined
            )
            membership = RecurringDonation(
                donor=donor,
                amount=amount,
                currency="JPY",
                interval=interval,
                status=status,
                started_at=joined,
                canceled_at=ended,
                status_changed_at=max(changed, joined),
                external_id=f"sub_seed{seed}x{donor.email.split('@')[0]}",
                created_at=joined,
            )
            memberships.append((membership, donor))
            result.by_status[status] = result.by_status.get(status, 0) + 1
        elif rng.random() < 0.8:
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                when = joined + dt.timedelta(days=rng.randint(0, max(0, (BASE_DATE - joined).days)))
                method = rng.choice(["card", "card", "card", "bank_transfer", "cash"])
                status = "succeeded" if rng.random() < 0.98 else "refunded"
                gifts.append((donor.pk, pick(rng, ONE_OFF_AMOUNTS), when, method, None, status, when))
        if rng.random() < 0.15:
            for tag in rng.sample(tags, rng.choice([1, 1, 2])):
                tagged.append(TaggedDonor(content_object=donor, tag=tag))
        if rng.random() < 0.03:
            interactions.append(
                Interaction(
                    donor=donor,
                    kind=rng.choice(["call", "meeting", "email", "event"]),
                    happened_at=joined + dt.timedelta(days=rng.randint(0, 60)),
                    summary=rng.choice(
                        ["お礼の電話", "活動報告会でご挨拶", "領収書の再発行", "継続寄付のご相談"]
                    ),
                )
            )
    RecurringDonation.objects.bulk_create([m for m, _d in memberships])
    result.members += sum(1 for m, _d in memberships if m.status == "active")

    for membership, donor in memberships:
        end = membership.canceled_at or BASE_DATE
        first = max(membership.started_at, _month_add(end, -HISTORY_MONTHS))
        step = 12 if membership.interval == "year" else 1
        months = 0
        while (when := _month_add(first, months)) <= end:
            late = membership.status == "past_due" and when > BASE_DATE - dt.timedelta(days=31)
            status = "failed" if late else "succeeded"
            gifts.append((donor.pk, membership.amount, when, "card", membership.pk, status, when))
            months += step
    insert_donations = RawInsert(Donation, DONATION_FIELDS)
    for i in range(0, len(gifts), 5000):
        insert_donations(gifts[i : i + 5000])
    result.donations += len(gifts)
    TaggedDonor.objects.bulk_create(tagged)
    Interaction.objects.bulk_create(interactions)
    result.interactions += len(interactions)


class Command(BaseCommand):
    help = "Create synthetic donors, memberships and donations (deterministic for a seed) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--donors", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, donors: int, seed: int, batch_size: int, **options):
        result = seed_crm(donors=donors, seed=seed, batch_size=batch_size, stdout=self.stdout)
        self.stdout.write(
            f"{result.donors:,} donors ({result.members:,} active members), {result.donations:,} donations, "
            f"{result.companies} companies, {result.interactions:,} interactions in {result.seconds}s"
            + (f"; {result.skipped_existing:,} already there" if result.skipped_existing else "")
        )


__all__ = ["JST", "Command", "SeedResult", "seed_crm"]
