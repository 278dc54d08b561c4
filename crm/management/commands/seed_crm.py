"""Synthetic CRM data at scale: `manage.py seed_crm --donors 100000 --seed 1`.

Deterministic: the same seed gives the same donors, emails, amounts and dates (one
random.Random(seed), a fixed base date, no global random state). Written with bulk_create in
batches, so 100,000 donors and their years of gifts take a minute or two, not an hour.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from crm.companies.models import PartnerCompany
from crm.demo import BASE_DATE, COMPANY_NAMES, JST, fake_person
from crm.donors.models import DONOR_CONTACT_FIELDS, DONOR_PERSONAL_FIELDS, Donor, TaggedDonor
from crm.giving.models import Donation, RecurringDonation
from crm.giving.services import giving_triggers_suspended
from crm.imports.bulk import RawInsert, bulk_load_pragmas, fast_search_text
from crm.interactions.models import Interaction

AMOUNTS = [(1000, 30), (2000, 10), (3000, 25), (5000, 20), (10000, 10), (30000, 5)]
ONE_OFF_AMOUNTS = [(1000, 15), (3000, 25), (5000, 25), (10000, 20), (30000, 8), (100000, 2)]
# Status of a membership at the base date, with weights: most stay, some leave, a few are stuck.
MEMBER_STATUSES = [("active", 62), ("canceled", 25), ("past_due", 6), ("paused", 3), ("incomplete", 4)]
NEWSLETTER = [("subscribed", 55), ("never", 20), ("unsubscribed", 12), ("pending", 5), ("cleaned", 8)]
SOURCES = [("stripe", 55), ("site", 20), ("import", 20), ("manual", 5)]
TAGS = ["イベント参加", "講演会", "大口寄付", "法人関係者", "ボランティア", "クラウドファンディング"]
HISTORY_MONTHS = 36  # monthly gifts recorded for at most the last three years of a membership


class Weighted:
    """Values drawn with weights; rng.choices with precomputed cumulative weights draws exactly what
    rng.choices(values, weights) would, without summing the weights on every call."""

    def __init__(self, weighted: list[tuple]):
        values, weights = zip(*weighted, strict=True)
        self.values, self.cum_weights = list(values), list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


_tables: dict[int, tuple[list, Weighted]] = {}


def pick(rng: random.Random, weighted: list[tuple]) -> object:
    """One value of a [(value, weight), ...] list; its cumulative weights are computed once."""
    entry = _tables.get(id(weighted))
    if entry is None or entry[0] is not weighted:
        entry = _tables[id(weighted)] = (weighted, Weighted(weighted))
    return entry[1](rng)


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
# The personal fields come from the one list (crm.donors.models.DONOR_PERSONAL_FIELDS): a field added
# there is seeded too, or _fake_donor fails with a KeyError naming it.
DONOR_FIELDS = [
    *("company_id" if name == "company" else name for name in DONOR_PERSONAL_FIELDS),
    "preferred_language",
    "source",
    "newsletter_status",
    "newsletter_status_changed_at",
    "search_text",
    "created_at",
    "updated_at",
]
EMAIL, JOINED = DONOR_FIELDS.index("email"), DONOR_FIELDS.index("created_at")
MEMBERSHIP_FIELDS = [
    "donor_id",
    "amount",
    "currency",
    "interval",
    "status",
    "started_at",
    "canceled_at",
    "status_changed_at",
    "external_id",
    "created_at",
    "updated_at",
]
INTERACTION_FIELDS = ["donor_id", "kind", "happened_at", "summary", "created_at"]
# Rows per INSERT/COPY call: bounded so a batch's parameter lists stay a few MB.
INSERT_CHUNK = 5000


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


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    insert = RawInsert(model, fields)
    for i in range(0, len(rows), INSERT_CHUNK):
        insert(rows[i : i + INSERT_CHUNK])


def _fake_donor(*, seed, index: int, companies) -> tuple[tuple, random.Random]:
    """One donor's row (in DONOR_FIELDS order) and the generator the rest of their history uses.

    One generator per donor, seeded by (seed, index): a donor's data depends on nothing else, not on
    the batch size nor on which donors a previous run already created.
    """
    rng = random.Random(f"{seed}:{index}")
    person = fake_person(rng, index=index, seed=seed)
    joined = BASE_DATE - dt.timedelta(days=rng.randint(0, 365 * 7), seconds=rng.randint(0, 86399))
    status = pick(rng, NEWSLETTER)
    source = pick(rng, SOURCES)
    company_id, role = None, ""
    if companies and rng.random() < 0.02:
        company_id = rng.choice(companies).pk
        role = rng.choice(["人事部", "CSR推進室", "代表取締役", "広報"])
    values = {
        **{name: getattr(person, name) for name in DONOR_CONTACT_FIELDS},
        "email": person.email,
        "company_id": company_id,
        "company_role": role,
        "notes": "",
        "stripe_customer_id": f"cus_seed{seed}x{index}" if source == "stripe" else "",
        "newsletter_status_source": "seed" if status != "never" else "",
        "receipt_name": "",
        "deceased_on": None,
        "preferred_language": person.language,
        "source": source,
        "newsletter_status": status,
        "newsletter_status_changed_at": None if status == "never" else joined,
        "search_text": fast_search_text(person),  # a Person has the fields it reads
        "created_at": joined,
        "updated_at": joined,
    }
    return tuple(values[name] for name in DONOR_FIELDS), rng


@dataclass
class _Activity:
    """What a batch of donors did, as rows for one INSERT per table."""

    memberships: list[tuple] = field(default_factory=list)
    gifts: list[tuple] = field(default_factory=list)
    interactions: list[tuple] = field(default_factory=list)
    tagged: list[tuple] = field(default_factory=list)


def _donor_activity(activity: _Activity, *, row, rng, donor_id, seed, tags, now, result: SeedResult) -> None:
    """A donor's membership or one-off gifts, tags and interactions, drawn from their own generator."""
    email, joined = row[EMAIL], row[JOINED]
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
        external_id = f"sub_seed{seed}x{email.split('@')[0]}"
        activity.memberships.append(
            (
                donor_id,
                amount,
                "JPY",
                interval,
                status,
                joined,
                ended,
                max(changed, joined),
                external_id,
                joined,
                now,
            )
        )
        result.by_status[status] = result.by_status.get(status, 0) + 1
    elif rng.random() < 0.8:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            when = joined + dt.timedelta(days=rng.randint(0, max(0, (BASE_DATE - joined).days)))
            method = rng.choice(["card", "card", "card", "bank_transfer", "cash"])
            status = "succeeded" if rng.random() < 0.98 else "refunded"
            activity.gifts.append((donor_id, pick(rng, ONE_OFF_AMOUNTS), when, method, None, status, when))
    if rng.random() < 0.15:
        for tag in rng.sample(tags, rng.choice([1, 1, 2])):
            activity.tagged.append((donor_id, tag.pk))
    if rng.random() < 0.03:
        activity.interactions.append(
            (
                donor_id,
                rng.choice(["call", "meeting", "email", "event"]),
                joined + dt.timedelta(days=rng.randint(0, 60)),
                rng.choice(["お礼の電話", "活動報告会でご挨拶", "領収書の再発行", "継続寄付のご相談"]),
                now,
            )
        )


def _membership_gifts(memberships: list[tuple], membership_ids: dict[str, int]) -> list[tuple]:
    """Each membership's monthly (or yearly) gifts over the last HISTORY_MONTHS, failed when past due."""
    gifts: list[tuple] = []
    for (
        donor_id,
        amount,
        _currency,
        interval,
        status,
        started,
        canceled,
        _changed,
        external_id,
        *_,
    ) in memberships:
        end = canceled or BASE_DATE
        first = max(started, _month_add(end, -HISTORY_MONTHS))
        step = 12 if interval == "year" else 1
        membership_id = membership_ids[external_id]
        months = 0
        late_after = BASE_DATE - dt.timedelta(days=31)
        while (when := _month_add(first, months)) <= end:
            gift_status = "failed" if status == "past_due" and when > late_after else "succeeded"
            gifts.append((donor_id, amount, when, "card", membership_id, gift_status, when))
            months += step
    return gifts


def _seed_batch(*, seed, start, size, companies, tags, result: SeedResult) -> None:
    """One batch of donors and everything they did, written with one INSERT (or COPY) per table.

    Rows are plain tuples, not model instances: building 100,000 Donors and compiling them into
    SQL with bulk_create cost more than the database's work. save() and signals are skipped as
    with bulk_create; search_text and timestamps are set here.
    """
    people = [_fake_donor(seed=seed, index=i, companies=companies) for i in range(start, start + size)]

    # Re-running with the same seed adds nothing twice: donors already there are left alone.
    emails = [row[EMAIL] for row, _rng in people]
    existing = set(Donor.objects.filter(email__in=emails).values_list("email", flat=True))
    if existing:
        result.skipped_existing += len(existing)
        people = [(row, rng) for row, rng in people if row[EMAIL] not in existing]
    if not people:
        return
    _insert(Donor, DONOR_FIELDS, [row for row, _rng in people])
    donor_ids = dict(
        Donor.objects.filter(email__in=[row[EMAIL] for row, _rng in people]).values_list("email", "pk")
    )
    result.donors += len(people)

    now = timezone.now()
    activity = _Activity()
    for row, rng in people:
        _donor_activity(
            activity,
            row=row,
            rng=rng,
            donor_id=donor_ids[row[EMAIL]],
            seed=seed,
            tags=tags,
            now=now,
            result=result,
        )
    memberships, gifts = activity.memberships, activity.gifts
    _insert(RecurringDonation, MEMBERSHIP_FIELDS, memberships)
    result.members += sum(1 for m in memberships if m[4] == "active")
    membership_ids = dict(
        RecurringDonation.objects.filter(external_id__in=[m[8] for m in memberships]).values_list(
            "external_id", "pk"
        )
    )
    gifts.extend(_membership_gifts(memberships, membership_ids))
    # In donor order, then date: the donor-keyed indexes grow at their end and the giving trigger
    # updates each donor's summary row in one run, instead of jumping between one-off gifts and
    # membership histories.
    gifts.sort(key=itemgetter(0, 2))
    _insert(Donation, DONATION_FIELDS, gifts)
    result.donations += len(gifts)
    _insert(TaggedDonor, ["content_object_id", "tag_id"], activity.tagged)
    _insert(Interaction, INTERACTION_FIELDS, activity.interactions)
    result.interactions += len(activity.interactions)


class Command(BaseCommand):
    help = "Create synthetic donors, memberships and donations (deterministic for a seed) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--donors", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, donors: int, seed: int, batch_size: int, **options):
        # SQLite's per-row giving triggers cost about as much again as the inserts: synthetic data
        # loads without them and the summaries are recounted once at the end. PostgreSQL's are
        # per statement (one UPDATE per COPY) and cheap enough to keep.
        suspend = giving_triggers_suspended() if connection.vendor == "sqlite" else nullcontext()
        with bulk_load_pragmas(), suspend:
            result = seed_crm(donors=donors, seed=seed, batch_size=batch_size, stdout=self.stdout)
        self.stdout.write(
            f"{result.donors:,} donors ({result.members:,} active members), {result.donations:,} donations, "
            f"{result.companies} companies, {result.interactions:,} interactions in {result.seconds}s"
            + (f"; {result.skipped_existing:,} already there" if result.skipped_existing else "")
        )


__all__ = ["JST", "Command", "SeedResult", "seed_crm"]
