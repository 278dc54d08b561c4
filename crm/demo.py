"""A small, realistic CRM for the demo site, and the name data the synthetic generator shares.

`load_crm_demo` is called by `manage.py load_demo_data`. It is idempotent: donors are keyed by a
deterministic email address and companies by name, so a second run adds nothing and a run after
a partial one fills in what is missing. Everything comes from one seeded random.Random, so every
demo install shows the same family of 502 monthly members as the campaign page.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from crm.community.models import FacebookGroupInvitation, FacebookGroupInvitationEvent, new_join_code
from crm.community.selectors import invitation_status_counts_changed
from crm.companies.models import PartnerCompany
from crm.donors.models import DONOR_CONTACT_FIELDS, Donor
from crm.events.demo import load_events_demo, load_open_event_page, members_segment
from crm.giving.models import Donation, RecurringDonation
from crm.interactions.models import Interaction
from crm.mailings.demo import load_mailings_demo
from crm.receipts.demo import load_receipts_demo
from crm.segments.models import Segment

JST = ZoneInfo("Asia/Tokyo")
# The seed page counted 502 members "as of 12 March"; synthetic histories end there.
BASE_DATE = dt.datetime(2025, 3, 12, 12, 0, tzinfo=JST)
DEMO_SEED = 502
DEMO_DOMAIN = "demo.welgee.example"

# (kanji, katakana, romaji)
FAMILY_NAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("前田", "マエダ", "maeda"),
    ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"), ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"), ("村上", "ムラカミ", "murakami"), ("近藤", "コンドウ", "kondo"),
    ("石井", "イシイ", "ishii"), ("坂本", "サカモト", "sakamoto"), ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"), ("藤井", "フジイ", "fujii"), ("西村", "ニシムラ", "nishimura"),
    ("福田", "フクダ", "fukuda"), ("太田", "オオタ", "ota"), ("三浦", "ミウラ", "miura"),
    ("松田", "マツダ", "matsuda"), ("中島", "ナカジマ", "nakajima"), ("原田", "ハラダ", "harada"),
    ("小野", "オノ", "ono"), ("髙橋", "タカハシ", "takahashi"), ("松村", "マツムラ", "matsumura"),
]  # fmt: skip
GIVEN_NAMES = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("健太", "ケンタ", "kenta"),
    ("美咲", "ミサキ", "misaki"), ("翔", "ショウ", "sho"), ("陽菜", "ヒナ", "hina"),
    ("大輔", "ダイスケ", "daisuke"), ("さくら", "サクラ", "sakura"), ("蓮", "レン", "ren"),
    ("結衣", "ユイ", "yui"), ("悠斗", "ユウト", "yuto"), ("葵", "アオイ", "aoi"),
    ("拓也", "タクヤ", "takuya"), ("彩", "アヤ", "aya"), ("直樹", "ナオキ", "naoki"),
    ("恵", "メグミ", "megumi"), ("誠", "マコト", "makoto"), ("由美", "ユミ", "yumi"),
    ("浩", "ヒロシ", "hiroshi"), ("真由美", "マユミ", "mayumi"), ("隆", "タカシ", "takashi"),
    ("智子", "トモコ", "tomoko"), ("岳史", "タケシ", "takeshi"), ("智士", "サトシ", "satoshi"),
    ("亮", "リョウ", "ryo"), ("舞", "マイ", "mai"), ("和也", "カズヤ", "kazuya"),
    ("千尋", "チヒロ", "chihiro"), ("颯太", "ソウタ", "sota"), ("凛", "リン", "rin"),
]  # fmt: skip
# Supporters living in Japan or abroad who write their names in Latin letters.
FOREIGN_FAMILY = [
    ("Smith", "スミス"), ("Garcia", "ガルシア"), ("Müller", "ミュラー"), ("Nguyen", "グエン"),
    ("Kim", "キム"), ("Silva", "シルバ"), ("Martin", "マーティン"), ("Hassan", "ハッサン"),
    ("Rossi", "ロッシ"), ("Dubois", "デュボワ"), ("Johnson", "ジョンソン"), ("Ahmadi", "アフマディ"),
]  # fmt: skip
FOREIGN_GIVEN = [
    ("John", "ジョン"), ("Maria", "マリア"), ("Anna", "アンナ"), ("David", "デイビッド"),
    ("Sarah", "サラ"), ("Ali", "アリ"), ("Emma", "エマ"), ("Lucas", "ルーカス"),
    ("Minh", "ミン"), ("Olga", "オルガ"), ("Fatima", "ファティマ"), ("Tom", "トム"),
]  # fmt: skip
# (prefecture, weight, cities): weighted roughly by where supporters of a Tokyo NPO live.
PLACES = [
    ("東京都", 30, ["渋谷区", "世田谷区", "新宿区", "港区", "杉並区", "練馬区", "文京区", "武蔵野市"]),
    ("神奈川県", 14, ["横浜市中区", "川崎市中原区", "鎌倉市", "藤沢市"]),
    ("埼玉県", 8, ["さいたま市浦和区", "川口市", "所沢市"]),
    ("千葉県", 7, ["千葉市中央区", "船橋市", "柏市"]),
    ("大阪府", 8, ["大阪市北区", "豊中市", "吹田市"]),
    ("愛知県", 5, ["名古屋市中区", "豊田市"]),
    ("京都府", 4, ["京都市左京区", "宇治市"]),
    ("兵庫県", 4, ["神戸市中央区", "西宮市"]),
    ("福岡県", 4, ["福岡市中央区", "北九州市小倉北区"]),
    ("北海道", 3, ["札幌市中央区", "函館市"]),
    ("静岡県", 3, ["静岡市葵区", "浜松市中央区", "磐田市"]),
    ("宮城県", 2, ["仙台市青葉区"]),
    ("広島県", 2, ["広島市中区"]),
    ("沖縄県", 1, ["那覇市"]),
]
DOMAINS = ["example.jp", "example.com", "example.org", "example.net", "mail.example.jp"]

_PREFIXES = [
    ("みらい", "ミライ"), ("ひかり", "ヒカリ"), ("さくら", "サクラ"), ("あおば", "アオバ"), ("つばさ", "ツバサ"),
    ("にじいろ", "ニジイロ"), ("わかば", "ワカバ"), ("ほしぞら", "ホシゾラ"), ("あさひ", "アサヒ"), ("はるかぜ", "ハルカゼ"),
]  # fmt: skip
_SUFFIXES = [
    ("テック株式会社", "テック"), ("商事株式会社", "ショウジ"), ("工業株式会社", "コウギョウ"),
    ("ホールディングス株式会社", "ホールディングス"),
]  # fmt: skip
# Fictional companies for synthetic data: real names appear only where the seed page names them.
COMPANY_NAMES = [(p + s, pk + sk) for s, sk in _SUFFIXES for p, pk in _PREFIXES]

DEMO_PARTNERS = [
    # (name, kana, romanised label for a generated logo, website, flags)
    ("ヤマハ発動機株式会社", "ヤマハハツドウキ", "YAMAHA MOTOR", "https://global.yamaha-motor.com/jp/", ("is_hiring_partner", "is_collaborator")),
    ("コニカミノルタ株式会社", "コニカミノルタ", "KONICA MINOLTA", "https://www.konicaminolta.jp/", ("is_hiring_partner", "is_collaborator")),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    email: str
    phone: str
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    language: str


def fake_person(rng: random.Random, *, index: int, seed: int, domain: str | None = None) -> Person:
    """A plausible supporter; `index` makes the email unique within a seed."""
    if rng.random() < 0.12:
        family, family_kana = rng.choice(FOREIGN_FAMILY)
        given, given_kana = rng.choice(FOREIGN_GIVEN)
        local = f"{given}.{family}".lower().replace("ü", "u")
        language = "en" if rng.random() < 0.8 else "ja"
    else:
        family, family_kana, family_romaji = rng.choice(FAMILY_NAMES)
        given, given_kana, given_romaji = rng.choice(GIVEN_NAMES)
        local = rng.choice(
            [
                f"{given_romaji}.{family_romaji}",
                f"{family_romaji}.{given_romaji}",
                f"{given_romaji[0]}{family_romaji}",
            ]
        )
        language = "ja" if rng.random() < 0.97 else "en"
    prefecture, _w, cities = rng.choices(PLACES, [p[1] for p in PLACES])[0]
    has_address = rng.random() < 0.6
    return Person(
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        email=f"{local}{index}@{domain or rng.choice(DOMAINS)}",
        phone=f"0{rng.choice([70, 80, 90])}{rng.randint(0, 99999999):08d}" if rng.random() < 0.5 else "",
        postal_code=f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}" if has_address else "",
        prefecture=prefecture if has_address or rng.random() < 0.5 else "",
        city=rng.choice(cities) if has_address else "",
        address_line=f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}" if has_address else "",
        language=language,
    )


# --- the demo CRM -------------------------------------------------------------------------------

DEMO_MEMBERS = 502
DEMO_LAPSED = 60
DEMO_PAST_DUE = 8
DEMO_ONE_OFF = 180
DEMO_FICTIONAL_PARTNERS = 8


def load_crm_demo(*, stdout=None) -> None:
    """Demo donors (members, lapsed, past due, one-off givers), their gifts, partner companies and a
    few interactions; idempotent (donors already there by email are left alone)."""

    rng = random.Random(DEMO_SEED)
    # Histories end on the day the demo is loaded, so the dashboard's "this month" and the lapsed
    # segments show something (the seed page's figures were "as of" as_of; seed_crm keeps that).
    as_of = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=JST)
    with transaction.atomic():
        companies = _demo_companies(rng)
        plan = _demo_plan(rng, as_of)
        existing = set(
            Donor.objects.filter(email__endswith="@" + DEMO_DOMAIN).values_list("email", flat=True)
        )
        new = [(kind, p, joined, r, amount) for kind, p, joined, r, amount in plan if p.email not in existing]
        donors = [_demo_donor(kind, p, joined, r) for kind, p, joined, r, _amount in new]
        Donor.objects.bulk_create(donors)
        _demo_giving(donors, new, as_of)
        Interaction.objects.bulk_create(_demo_interactions(rng, donors, companies, as_of))
        _demo_company_contacts(companies)
        segments = _demo_segments()
        invitations = _demo_facebook_group(as_of=as_of)

    # A past postal mailing, an upcoming event with answers, a past event with attendance, and an
    # open talk with its public page in the site's menu.
    load_mailings_demo(as_of=as_of, segment=members_segment())
    load_events_demo(as_of=as_of)
    load_open_event_page(as_of=as_of)

    # Yearly members, failed renewals in every state, cards on file (crm/payments); before the
    # receipts, so the yearly members' receipts say 年会費として.
    from crm.payments.demo import load_payments_demo

    load_payments_demo(as_of=as_of, domain=DEMO_DOMAIN)

    # Bank transfers (crm/banktransfers): a posted batch, and a statement waiting for review. Before
    # the receipts' demo, whose print batch then takes the batch's receipts by post on the first load.
    from crm.banktransfers.demo import load_banktransfers_demo

    load_banktransfers_demo(as_of=as_of, domain=DEMO_DOMAIN)

    # Receipts and thanks (crm/receipts): last year's statements, recent receipts, the thank-you queue.
    load_receipts_demo(as_of=as_of, domain=DEMO_DOMAIN)

    if stdout is not None:
        stdout.write(
            f"CRM demo: {len(donors)} donors added ({len(existing)} already there), "
            f"{Donor.objects.members().count()} monthly members, {len(companies)} partner companies, "
            f"{segments} saved segments, {invitations} Facebook-group invitations"
        )


# Saved segments fundraisers use every week, ready to push to Mailchimp as tags:
# (slug, name, Mailchimp tag, description, match, rules).
DEMO_SEGMENTS = [
    ("members", "マンスリーサポーター全員", "welgee-members", "All active monthly members.", "all",
     [{"field": "membership", "operator": "is", "value": "member"}]),
    ("members-5000-plus", "月額5,000円以上のサポーター", "welgee-members-5000-plus",
     "Monthly members giving ¥5,000 or more a month.", "all",
     [{"field": "membership", "operator": "is", "value": "member"},
      {"field": "monthly_amount", "operator": "gte", "value": "5000"}]),
    ("lapsed", "休眠寄付者（昨年寄付・今年なし）", "welgee-lapsed",
     "Gave last year, not this year (LYBUNT): ask them again.", "all",
     [{"field": "lapsed", "operator": "last_year_not_this_year", "value": ""}]),
    ("newsletter", "ニュースレター購読者", "welgee-newsletter", "Everyone subscribed to the newsletter.", "all",
     [{"field": "newsletter", "operator": "is", "value": "subscribed"}]),
    ("partner-contacts", "パートナー企業のご担当者", "welgee-partner-contacts",
     "Contacts at partner companies.", "all", [{"field": "company", "operator": "any", "value": ""}]),
]  # fmt: skip
DEMO_CONTACTS_PER_COMPANY = 2
DEMO_CONTACT_ROLES = ["CSR担当", "人事部", "代表取締役", "広報部"]


def _demo_company_contacts(companies: list) -> None:
    """A couple of demo donors who give are contacts at each partner company (once: if a demo donor
    already has a company, the contacts are in place)."""

    demo = Donor.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    if demo.filter(company__isnull=False).exists():
        return
    givers = list(
        demo.filter(company__isnull=True, donations__isnull=False, recurring_donations__isnull=True)
        .distinct()
        .order_by("email")[: DEMO_CONTACTS_PER_COMPANY * len(companies)]
    )
    for i, donor in enumerate(givers):
        donor.company = companies[i % len(companies)]
        donor.company_role = DEMO_CONTACT_ROLES[i % len(DEMO_CONTACT_ROLES)]
        donor.save(update_fields=["company", "company_role"])


def _demo_segments() -> int:

    for slug, name, tag, description, match, rules in DEMO_SEGMENTS:
        Segment.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "mailchimp_tag": tag,
                "description": description,
                "match": match,
                "rules": [{"type": "rule", "value": {"value2": "", **rule}} for rule in rules],
                "push_to_mailchimp": True,
            },
        )
    return Segment.objects.filter(slug__in=[s[0] for s in DEMO_SEGMENTS]).count()


# How the Facebook-group queue looks in a group that has run for years: the newest members still to
# invite, the next ones invited (some reminded), a few who never answered or declined, everyone else
# inside; former members removed, and the one who left most recently due for removal.
DEMO_TO_INVITE = 6
DEMO_INVITED = 18
DEMO_EXPIRED = 3
DEMO_DECLINED = 2
DEMO_REMOVED = 8


def _demo_facebook_group(*, as_of: dt.datetime) -> int:
    """Invitations for the demo members and former members who have none yet."""

    demo = Donor.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    if FacebookGroupInvitation.objects.filter(donor__in=demo).exists():
        return FacebookGroupInvitation.objects.filter(donor__in=demo).count()

    members = list(
        RecurringDonation.objects.filter(donor__in=demo, status="active").order_by("-started_at", "pk")
    )
    former = list(
        RecurringDonation.objects.filter(donor__in=demo, status="canceled")
        .exclude(donor__recurring_donations__status="active")
        .order_by("-canceled_at", "pk")[: DEMO_REMOVED + 1]
    )
    invitations, seen = [], set()
    for membership, status in _demo_invitation_plan(members, former):
        if membership.donor_id in seen:
            continue
        seen.add(membership.donor_id)
        invitations.append(_demo_invitation(membership, status, as_of=as_of))
    _unique_join_codes(invitations)
    FacebookGroupInvitation.objects.bulk_create(invitations)
    # bulk_create sends no signals: forget the menu's cached queue counts here.

    invitation_status_counts_changed()
    created = FacebookGroupInvitation.objects.filter(donor__in=demo)
    FacebookGroupInvitationEvent.objects.bulk_create(
        FacebookGroupInvitationEvent(
            invitation=invitation, from_status="", to_status=invitation.status, at=invitation.status_changed_at,
            note="demo",
        )
        for invitation in created
    )  # fmt: skip
    return len(invitations)


def _unique_join_codes(invitations: list) -> None:
    """Draw again any random join code already taken: one save at a time the unique constraint would
    catch it, but one bulk insert of 500 codes fails whole on a single clash (about 1 load in 200)."""
    taken = set(FacebookGroupInvitation.objects.values_list("join_code", flat=True))
    for invitation in invitations:
        while invitation.join_code in taken:
            invitation.join_code = new_join_code()
        taken.add(invitation.join_code)


def _demo_invitation_plan(members: list, former: list) -> list[tuple]:
    """(membership, status) per invitation: the newest members still to invite, the next ones invited,
    then expired, declined and joined; the former members removed, the latest one due for removal."""

    Status = FacebookGroupInvitation.Status
    plan: list[tuple] = []
    for rank, membership in enumerate(members):
        if rank < DEMO_TO_INVITE:
            status = Status.ELIGIBLE
        elif rank < DEMO_TO_INVITE + DEMO_INVITED:
            status = Status.REMINDED if rank % 3 == 0 else Status.INVITED
        elif rank < DEMO_TO_INVITE + DEMO_INVITED + DEMO_EXPIRED:
            status = Status.EXPIRED
        elif rank < DEMO_TO_INVITE + DEMO_INVITED + DEMO_EXPIRED + DEMO_DECLINED:
            status = Status.DECLINED
        else:
            status = Status.JOINED
        plan.append((membership, status))
    plan += [(m, Status.REMOVAL_DUE if i == 0 else Status.REMOVED) for i, m in enumerate(former)]
    return plan


def _demo_invitation(membership, status: str, *, as_of: dt.datetime):
    """One unsaved invitation in `status`, its dates following the membership's (never after as_of)."""

    Status = FacebookGroupInvitation.Status
    Reason = FacebookGroupInvitation.ClosedReason
    day = dt.timedelta(days=1)
    queued = min(membership.started_at + day, as_of)
    invited = min(queued + 2 * day, as_of) if status != Status.ELIGIBLE else None
    reminded = min(invited + 7 * day, as_of) if status in (Status.REMINDED, Status.EXPIRED) else None
    joined = (
        min(invited + 3 * day, as_of)
        if status in (Status.JOINED, Status.REMOVAL_DUE, Status.REMOVED)
        else None
    )
    ended = membership.canceled_at
    removal_due = ended if status in (Status.REMOVAL_DUE, Status.REMOVED) else None
    removed = min(ended + 7 * day, as_of) if status == Status.REMOVED else None
    changed = removed or removal_due or joined or reminded or invited or queued
    if status == Status.EXPIRED:
        changed = min(reminded + 14 * day, as_of)
    elif status == Status.DECLINED:
        changed = min(invited + 5 * day, as_of)
    return FacebookGroupInvitation(
        donor_id=membership.donor_id,
        status=status,
        closed_reason={
            Status.EXPIRED: Reason.NO_ANSWER,
            Status.DECLINED: Reason.STAFF,
            Status.REMOVAL_DUE: Reason.MEMBERSHIP_ENDED,
            Status.REMOVED: Reason.MEMBERSHIP_ENDED,
        }.get(status, Reason.NONE),
        created_at=queued,
        status_changed_at=changed,
        invited_at=invited,
        reminded_at=reminded,
        joined_at=joined,
        removal_due_at=removal_due,
        removed_at=removed,
    )


def _demo_plan(rng: random.Random, as_of: dt.datetime) -> list[tuple]:
    """(kind, person, joined, a random draw, monthly amount) per demo donor, in a fixed order."""
    kinds = (
        ["member"] * DEMO_MEMBERS
        + ["lapsed"] * DEMO_LAPSED
        + ["past_due"] * DEMO_PAST_DUE
        + ["one_off"] * DEMO_ONE_OFF
    )
    plan = []
    for index, kind in enumerate(kinds):
        person = fake_person(rng, index=index, seed=DEMO_SEED, domain=DEMO_DOMAIN)
        joined = as_of - dt.timedelta(days=rng.randint(5, 365 * 6), seconds=rng.randint(0, 86399))
        plan.append((kind, person, joined, rng.random(), rng.choice([1000, 1000, 3000, 3000, 5000, 10000])))
    return plan


def _demo_donor(kind: str, p, joined: dt.datetime, r: float):

    status = _demo_newsletter_status(kind, r)
    asked = status != "never"
    donor = Donor(
        **{name: getattr(p, name) for name in DONOR_CONTACT_FIELDS},
        email=p.email,
        preferred_language=p.language,
        source="stripe" if kind != "one_off" or r < 0.6 else "import",
        newsletter_status=status,
        newsletter_status_changed_at=joined if asked else None,
        newsletter_status_source="demo" if asked else "",
        created_at=joined,
    )
    donor.search_text = donor.build_search_text()
    return donor


def _demo_newsletter_status(kind: str, r: float) -> str:
    """Members and half the others subscribed; of the rest, some unsubscribed, bounced or never
    confirmed, so the dashboard's audience chart shows every consent status."""
    if kind in ("member", "past_due") or r < 0.5:
        return "subscribed"
    for status, below in (("unsubscribed", 0.62), ("cleaned", 0.67), ("pending", 0.72)):
        if r < below:
            return status
    return "never"


# Members who had given monthly before, stopped, and came back: the dashboard's "returning".
DEMO_RETURNING_SHARE = 0.04


def _demo_earlier_membership(donor, joined: dt.datetime, r: float, amount: int):
    """An earlier monthly gift of a returning member, ended months before they joined again; None
    for most members (and for those who joined too recently to have given before)."""
    if r >= DEMO_RETURNING_SHARE:
        return None
    ended = joined - dt.timedelta(days=60 + int(r * 3000))
    started = ended - dt.timedelta(days=180 + int(r * 6000))
    return RecurringDonation(
        donor=donor, amount=amount, status="canceled", started_at=started, canceled_at=ended,
        status_changed_at=ended,
    )  # fmt: skip


def _demo_giving(donors: list, new: list[tuple], as_of: dt.datetime) -> None:
    """One-off gifts, or a membership and its monthly gifts up to as_of (failed lately when past due)."""

    memberships, gifts = [], []
    for donor, (kind, _p, joined, r, amount) in zip(donors, new, strict=True):
        if kind == "one_off":
            for n in range(1 + int(r * 3)):
                when = joined + dt.timedelta(days=120 * n)
                gifts.append(
                    Donation(
                        donor=donor, amount=amount * 2, received_at=min(when, as_of),
                        method="bank_transfer" if r < 0.3 else "card",
                    )
                )  # fmt: skip
            continue
        status = {"member": "active", "lapsed": "canceled", "past_due": "past_due"}[kind]
        ended = joined + dt.timedelta(days=int(30 + r * (as_of - joined).days)) if kind == "lapsed" else None
        ended = min(ended, as_of) if ended else None
        membership = RecurringDonation(
            donor=donor,
            amount=amount,
            status=status,
            started_at=joined,
            canceled_at=ended,
            status_changed_at=ended or (as_of - dt.timedelta(days=5) if kind == "past_due" else joined),
        )
        memberships.append((membership, donor))
        earlier = _demo_earlier_membership(donor, joined, r, amount) if kind == "member" else None
        if earlier is not None:
            memberships.append((earlier, donor))
    RecurringDonation.objects.bulk_create([m for m, _d in memberships])
    for membership, donor in memberships:
        when, last = membership.started_at, membership.canceled_at or as_of
        while when <= last:
            failed = membership.status == "past_due" and when > as_of - dt.timedelta(days=31)
            gifts.append(
                Donation(
                    donor=donor, amount=membership.amount, received_at=when, method="card",
                    recurring_donation=membership, status="failed" if failed else "succeeded",
                )
            )  # fmt: skip
            when += dt.timedelta(days=30)
    Donation.objects.bulk_create(gifts, batch_size=2000)


def _demo_interactions(rng: random.Random, donors: list, companies: list, as_of: dt.datetime) -> list:

    notes = []
    for donor in donors[:: max(1, len(donors) // 12) or 1][:12]:
        notes.append(
            Interaction(
                donor=donor,
                kind=rng.choice(["call", "email", "event"]),
                happened_at=donor.created_at + dt.timedelta(days=14),
                summary=rng.choice(
                    ["継続寄付のお礼の電話", "活動報告会に参加", "領収書の送付先変更のご連絡"]
                ),
            )
        )
    if not Interaction.objects.filter(company__in=companies).exists():
        for company in companies[:4]:
            notes.append(
                Interaction(
                    company=company,
                    kind="meeting",
                    happened_at=as_of - dt.timedelta(days=rng.randint(10, 200)),
                    summary="採用面談の振り返り",
                    body="お試し雇用の状況と、定着のためのサポートについて意見交換。",
                )
            )
    return notes


def _demo_companies(rng: random.Random) -> list:

    companies = []
    for order, (name, kana, label, website, flags) in enumerate(DEMO_PARTNERS):
        company, _created = PartnerCompany.objects.get_or_create(
            name=name,
            defaults={"name_kana": kana, "website": website, "show_on_site": True, "site_order": order,
                      **dict.fromkeys(flags, True)},
        )  # fmt: skip
        if company.logo_id is None:
            company.logo = _logo_for(name, label)
            company.save(update_fields=["logo"])
        companies.append(company)
    for order, (name, kana) in enumerate(COMPANY_NAMES[:DEMO_FICTIONAL_PARTNERS], start=len(DEMO_PARTNERS)):
        company, _created = PartnerCompany.objects.get_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "site_order": order,
                "is_hiring_partner": rng.random() < 0.7,
                "offers_trial_employment": rng.random() < 0.4,
                "is_corporate_donor": rng.random() < 0.4,
            },
        )
        companies.append(company)
    return companies


def _logo_for(name: str, label: str):
    """The demo site's logo image for a company ("Logo: <name>"), or a plain generated one."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont
    from wagtail.images import get_image_model

    Image = get_image_model()
    for image in Image.objects.filter(title__startswith="Logo:"):
        if image.title.removeprefix("Logo:").strip().startswith(name):
            return image
    canvas = PILImage.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=40)
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    draw.text(
        ((480 - (right - left)) / 2, (160 - (bottom - top)) / 2 - top), label, fill="#1d3557", font=font
    )
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    slug = label.lower().replace(" ", "-")
    return Image.objects.create(title=f"Logo: {name}", file=ImageFile(buffer, name=f"logo-{slug}.png"))
