"""The CRM admin as fundraisers use it: search, filters, export, inspect, merge, erase, data export."""

import csv
import io
import json
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from crm.factories import DonationFactory, DonorFactory, InteractionFactory, RecurringDonationFactory
from crm.models import Donor
from tests.crm.test_admin_fixtures import fundraiser_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, fundraiser):
    client.force_login(fundraiser)
    return client


@pytest.fixture
def yamada():
    return DonorFactory(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        email="t.yamada@example.jp",
    )


def listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["山田", "やまだ", "ヤマダ", "yamada taro", "Tarō", "t.yamada@EXAMPLE.jp"])
def test_donor_listing_search(admin_client, yamada, query):
    DonorFactory(family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ")
    html = listed(admin_client.get(reverse("crm_donor:index"), {"q": query}))
    assert reverse("crm_donor:edit", args=[yamada.pk]) in html
    assert "佐藤" not in html


def test_donor_listing_filters(admin_client, yamada):
    other = DonorFactory(
        family_name="佐藤", newsletter_status=Donor.NewsletterStatus.SUBSCRIBED, tags=["vip"]
    )
    RecurringDonationFactory(donor=yamada)
    members = listed(admin_client.get(reverse("crm_donor:index"), {"member": "true"}))
    assert reverse("crm_donor:edit", args=[yamada.pk]) in members
    assert reverse("crm_donor:edit", args=[other.pk]) not in members
    subscribed = listed(admin_client.get(reverse("crm_donor:index"), {"newsletter_status": "subscribed"}))
    assert reverse("crm_donor:edit", args=[other.pk]) in subscribed
    assert reverse("crm_donor:edit", args=[yamada.pk]) not in subscribed
    tag_pk = other.tags.get().pk
    tagged = listed(admin_client.get(reverse("crm_donor:index"), {"tags": tag_pk}))
    assert reverse("crm_donor:edit", args=[other.pk]) in tagged
    assert reverse("crm_donor:edit", args=[yamada.pk]) not in tagged


def _order_of(html: str, *donors) -> list:
    positions = {html.index(reverse("crm_donor:edit", args=[d.pk])): d for d in donors}
    return [positions[p] for p in sorted(positions)]


def test_donor_listing_sorts_by_stored_giving(admin_client):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    small = DonorFactory(family_name="小林", family_name_kana="コバヤシ")
    big = DonorFactory(family_name="大林", family_name_kana="オオバヤシ")
    never = DonorFactory(family_name="中林", family_name_kana="ナカバヤシ")
    DonationFactory(donor=small, amount=90000, received_at=now - datetime.timedelta(days=5))
    DonationFactory(donor=big, amount=1000, received_at=now - datetime.timedelta(days=50))
    refunded = DonationFactory(donor=small, amount=80000)
    refunded.amount_refunded = 80000  # net of refunds: 90,000 stays bigger than 1,000
    refunded.save()
    RecurringDonationFactory(donor=big, started_at=now - datetime.timedelta(days=400))
    RecurringDonationFactory(donor=small, started_at=now - datetime.timedelta(days=40))

    def order(ordering):
        html = listed(admin_client.get(reverse("crm_donor:index"), {"ordering": ordering}))
        head = "".join(re.findall(r"<thead.*?</thead>", html, re.S))
        assert f"ordering={ordering.lstrip('-')}" in head or f"ordering=-{ordering.lstrip('-')}" in head
        return _order_of(html, small, big, never)

    assert order("-lifetime_value") == [small, big, never]
    assert order("lifetime_value") == [never, big, small]
    # Never gave / not a member: last in both directions.
    assert order("-last_gift_at") == [small, big, never]
    assert order("last_gift_at") == [big, small, never]
    assert order("member_since") == [big, small, never]
    assert order("-member_since") == [small, big, never]


def test_donor_listing_sorted_by_giving_keeps_its_query_count(admin_client):
    def count_queries(ordering: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(reverse("crm_donor:index"), {"ordering": ordering})
            assert response.status_code == 200
        return len(ctx.captured_queries)

    DonationFactory(donor=DonorFactory())
    few = {o: count_queries(o) for o in ("-lifetime_value", "-last_gift_at", "member_since")}
    for donor in DonorFactory.create_batch(30):
        DonationFactory(donor=donor)
        RecurringDonationFactory(donor=donor)
    many = {o: count_queries(o) for o in ("-lifetime_value", "-last_gift_at", "member_since")}
    assert few == many


@pytest.mark.parametrize("common_matches", [2, 2000])
def test_donor_search_lists_matches_in_kana_order_common_or_rare(admin_client, monkeypatch, common_matches):
    from crm.donors.viewsets import DonorIndexView

    # 2: three matches count as a common term (index order); 2000: a rare one (sorted matches).
    monkeypatch.setattr(DonorIndexView, "COMMON_MATCHES", common_matches)
    names = [("ワタナベ", "w@example.jp"), ("アベ", "a@example.jp"), ("カトウ", "k@example.jp")]
    donors = {kana: DonorFactory(family_name_kana=kana, email=email) for kana, email in names}
    DonorFactory(family_name_kana="イトウ", email="i@welgee.test")
    html = listed(admin_client.get(reverse("crm_donor:index"), {"q": "example"}))
    positions = [
        html.index(reverse("crm_donor:inspect", args=[donors[k].pk])) for k in ("アベ", "カトウ", "ワタナベ")
    ]
    assert positions == sorted(positions)
    assert "i@welgee.test" not in html


def test_donor_listing_query_count_does_not_grow_with_page_size(admin_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse("crm_donor:index")).status_code == 200
        return len(ctx.captured_queries)

    for donor in DonorFactory.create_batch(3, tags=["x"]):
        DonationFactory(donor=donor)
    few = count_queries()
    for donor in DonorFactory.create_batch(30, tags=["x"]):
        DonationFactory(donor=donor)
        RecurringDonationFactory(donor=donor)
    assert count_queries() == few


def test_donor_listing_row_links_figures_and_dates(admin_client, yamada, client):
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    DonationFactory(
        donor=yamada, amount=12345, received_at=datetime.datetime(2026, 3, 31, 20, tzinfo=datetime.UTC)
    )
    RecurringDonationFactory(donor=yamada)
    html = listed(admin_client.get(reverse("crm_donor:index")))
    inspect_url = reverse("crm_donor:inspect", args=[yamada.pk])
    [row] = [re.sub(r"\s+", " ", r) for r in re.findall(r"<tr.*?</tr>", html, re.S) if inspect_url in r]
    assert f'<a href="{inspect_url}">山田 太郎</a>' in row
    assert f'href="{reverse("crm_donor:edit", args=[yamada.pk])}"' in row
    assert "12,345" in row and "ヤマダ タロウ" in row and "icon-check" in row
    # 20:00 UTC on 31 March is 1 April in Tokyo, the office's day.
    assert ">2026-04-01</time>" in row

    viewer = get_user_model().objects.create_user(username="viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_donor")
    )
    client.force_login(viewer)
    seen = listed(client.get(reverse("crm_donor:index")))
    assert reverse("crm_donor:inspect", args=[yamada.pk]) in seen
    assert reverse("crm_donor:edit", args=[yamada.pk]) not in seen


def test_donor_csv_export(admin_client, yamada):
    DonationFactory(donor=yamada, amount=5000)
    DonationFactory(donor=yamada, amount=3000)
    DonorFactory(family_name="佐藤", family_name_kana="サトウ")
    response = admin_client.get(reverse("crm_donor:index"), {"export": "csv", "q": "山田"})
    assert response.status_code == 200
    assert "donors.csv" in response["Content-Disposition"]
    # Wagtail writes the CSV while it streams, after the view (and the admin's language) returned:
    # the file still speaks the request's language (English for this admin), not the one active then.
    with translation.override("ja"):
        body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Japanese Excel needs the BOM to read UTF-8"
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Family name"] == "山田"
    assert row["Email"] == "t.yamada@example.jp"
    assert row["Given in total (JPY)"] == "8000"
    assert row["Monthly member"] == "No"
    with translation.override("en"):
        assert row["Newsletter"] == str(yamada.get_newsletter_status_display())
    # Japan time to the second, as Excel shows it (no UTC offset, no microseconds).
    japan = yamada.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert row["Created"] == japan.strftime("%Y-%m-%d %H:%M:%S")


def test_donor_xlsx_export(admin_client, yamada):
    from openpyxl import load_workbook

    response = admin_client.get(reverse("crm_donor:index"), {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "山田" in values


def test_donor_inspect_shows_the_whole_timeline(admin_client, yamada):
    DonationFactory(donor=yamada, amount=12345)
    rd = RecurringDonationFactory(donor=yamada, amount=3000)
    rd.status = "canceled"
    rd.save()
    InteractionFactory(donor=yamada, summary="お礼の電話をした")
    yamada.newsletter_status = Donor.NewsletterStatus.SUBSCRIBED
    yamada.newsletter_status_source = "site form"
    yamada.save()
    html = listed(admin_client.get(reverse("crm_donor:inspect", args=[yamada.pk])))
    for expected in ["¥12,345", "お礼の電話をした", "site form", "Canceled", "Merge a duplicate", "Erase"]:
        assert expected in html, expected


def test_merge_asks_for_confirmation_then_merges_and_logs(admin_client, yamada):
    duplicate = DonorFactory(email="taro.old@example.jp")
    DonationFactory(donor=duplicate)
    url = reverse("crm_donor:merge", args=[yamada.pk])
    confirm = listed(admin_client.post(url, {"duplicate": "TARO.OLD@example.jp"}))
    assert "Yes, merge" in confirm
    assert Donor.objects.filter(pk=duplicate.pk).exists()  # nothing happened yet
    response = admin_client.post(url, {"duplicate": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert not Donor.objects.filter(pk=duplicate.pk).exists()
    assert yamada.donations.count() == 1
    history = listed(admin_client.get(reverse("crm_donor:history", args=[yamada.pk])))
    assert "Merge donors" in history or "Merged a duplicate" in history


def test_merge_form_rejects_self_and_unknown(admin_client, yamada):
    url = reverse("crm_donor:merge", args=[yamada.pk])
    assert "cannot be merged into itself" in listed(admin_client.post(url, {"duplicate": yamada.email}))
    assert "No donor found" in listed(admin_client.post(url, {"duplicate": "nobody@example.org"}))


def test_erase_view_confirms_then_erases(admin_client, yamada):
    DonationFactory(donor=yamada, amount=7000)
    url = reverse("crm_donor:erase", args=[yamada.pk])
    assert "Yes, erase" in listed(admin_client.get(url))
    yamada.refresh_from_db()
    assert yamada.erased_at is None
    assert admin_client.post(url, {"confirm": "yes"}).status_code == 302
    yamada.refresh_from_db()
    assert yamada.erased_at is not None and yamada.email is None
    assert yamada.donations.get().amount == 7000


def test_export_my_data_download(admin_client, yamada):
    DonationFactory(donor=yamada, amount=2000)
    response = admin_client.get(reverse("crm_donor:export_data", args=[yamada.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f"donor-{yamada.pk}.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["donor"]["family_name"] == "山田"
    assert data["donations"][0]["amount"] == 2000


def test_create_and_edit_are_in_the_audit_log(admin_client):
    response = admin_client.post(
        reverse("crm_donor:add"),
        {
            "family_name": "田中",
            "given_name": "健太",
            "email": "Kenta@Example.org",
            "preferred_language": "ja",
            "source": "manual",
            "newsletter_status": "never",
        },
    )
    assert response.status_code == 302, [m for m in response.content.decode().split("\n") if "error" in m]
    donor = Donor.objects.get(email="kenta@example.org")
    from wagtail.models import ModelLogEntry

    created = ModelLogEntry.objects.get(object_id=str(donor.pk), content_type__model="donor")
    assert created.action == "wagtail.create" and created.user.username == "fundraiser"
    response = admin_client.post(
        reverse("crm_donor:edit", args=[donor.pk]),
        {
            "family_name": "田中",
            "given_name": "健太",
            "email": "kenta@example.org",
            "phone": "03-0000-0000",
            "preferred_language": "ja",
            "source": "manual",
            "newsletter_status": "subscribed",
        },
    )
    assert response.status_code == 302
    # (staff logins are logged on the user, whose id may equal the donor's)
    entries = ModelLogEntry.objects.filter(object_id=str(donor.pk)).exclude(action__startswith="accounts.")
    actions = set(entries.values_list("action", flat=True))
    assert actions == {"wagtail.create", "wagtail.edit"}
    history = listed(admin_client.get(reverse("crm_donor:history", args=[donor.pk])))
    assert "fundraiser" in history


def test_deleting_a_donor_with_donations_sends_to_erase(admin_client, yamada):
    DonationFactory(donor=yamada)
    response = admin_client.post(reverse("crm_donor:delete", args=[yamada.pk]))
    assert response.status_code == 302
    assert Donor.objects.filter(pk=yamada.pk).exists()
    lonely = DonorFactory()
    assert admin_client.post(reverse("crm_donor:delete", args=[lonely.pk])).status_code == 302
    assert not Donor.objects.filter(pk=lonely.pk).exists()


def test_company_inspect_lists_contacts_and_timeline(admin_client):
    from crm.factories import PartnerCompanyFactory

    company = PartnerCompanyFactory(name="ヤマハ発動機株式会社")
    contact = DonorFactory(company=company, company_role="CSR担当", family_name="鈴木")
    InteractionFactory(donor=None, company=company, summary="採用面談の打ち合わせ")
    html = listed(admin_client.get(reverse("crm_company:inspect", args=[company.pk])))
    assert "CSR担当" in html and "採用面談の打ち合わせ" in html
    assert reverse("crm_donor:inspect", args=[contact.pk]) in html


# --- timeline: Facebook-group invitation and readable audit entries ---------------------------------


def _timeline_rows(html: str) -> list[str]:
    section = html[html.index('class="crm-timeline"') :]
    return [
        re.sub(r"\s+", " ", row) for row in re.findall(r"<tr class=\"crm-timeline__.*?</tr>", section, re.S)
    ]


def test_timeline_shows_each_facebook_group_change_once_in_words(admin_client, yamada, fundraiser):
    from crm.community import services as invitations

    invitation = invitations.invitation_add_manually(donor=yamada, user=fundraiser, note="理事")
    invitations.invitation_mark_joined(invitation=invitation, user=fundraiser, note="WG code matched")
    html = listed(admin_client.get(reverse("crm_donor:inspect", args=[yamada.pk])))
    assert "crm.facebook_group" not in html  # no raw action names
    rows = _timeline_rows(html)
    joined = [r for r in rows if "Joined the Facebook group" in r]
    queued = [r for r in rows if "Added to the Facebook-group invitation queue" in r]
    assert len(joined) == 1 and len(queued) == 1, rows
    assert "To invite → Joined" in joined[0] and "WG code matched" in joined[0] and "fundraiser" in joined[0]
    assert "— → To invite" in queued[0] and "理事" in queued[0]


def test_timeline_keeps_facebook_group_history_moved_by_a_merge(admin_client, yamada, fundraiser):
    from crm.community import services as invitations

    duplicate = DonorFactory(email="taro.old@example.jp")
    invitation = invitations.invitation_add_manually(donor=duplicate, user=fundraiser)
    invitations.invitation_mark_declined(invitation=invitation, user=fundraiser)
    admin_client.post(
        reverse("crm_donor:merge", args=[yamada.pk]), {"duplicate": duplicate.pk, "confirm": "yes"}
    )
    rows = _timeline_rows(listed(admin_client.get(reverse("crm_donor:inspect", args=[yamada.pk]))))
    # The duplicate's audit entries left with its id; the invitation's own events came along.
    assert any("crm-timeline__facebook_group" in r and "Facebook group: Declined" in r for r in rows), rows
    assert any("Merged a duplicate donor into this one" in r for r in rows), rows


def test_timeline_audit_entries_read_as_sentences(admin_client, yamada):
    admin_client.get(reverse("crm_donor:export_data", args=[yamada.pk]))
    html = listed(admin_client.get(reverse("crm_donor:inspect", args=[yamada.pk])))
    assert any("Exported personal data (APPI)" in r and "fundraiser" in r for r in _timeline_rows(html))
    assert "crm.export_data" not in html


def test_donor_listing_filters_by_lifetime_value_net_of_refunds(admin_client):
    big, small = DonorFactory(), DonorFactory()
    DonationFactory(donor=big, amount=120_000)
    DonationFactory(donor=small, amount=120_000, amount_refunded=30_000)
    html = listed(admin_client.get(reverse("crm_donor:index"), {"given_at_least": "100000"}))
    assert reverse("crm_donor:edit", args=[big.pk]) in html
    assert reverse("crm_donor:edit", args=[small.pk]) not in html


def test_an_interaction_is_recorded_from_the_donor_page_without_javascript(admin_client, yamada):
    url = reverse("crm_donor:inspect", args=[yamada.pk])
    assert 'name="interaction-summary"' in listed(admin_client.get(url))

    # Server-validated: no summary, nothing saved, the page shows the form again with its error.
    invalid = admin_client.post(
        url, {"interaction-kind": "call", "interaction-happened_at": "2026-04-01 10:00"}
    )
    assert invalid.status_code == 200 and not yamada.interactions.exists()
    assert "error-message" in invalid.content.decode()

    response = admin_client.post(
        url,
        {
            "interaction-kind": "call",
            "interaction-happened_at": "2026-04-01 10:00",
            "interaction-summary": "年末のお礼の電話",
            "interaction-body": "",
        },
    )
    assert response.status_code == 302, re.findall(r'error-message">([^<]*)', response.content.decode())
    interaction = yamada.interactions.get()
    assert interaction.summary == "年末のお礼の電話" and interaction.staff_user is not None
    assert "年末のお礼の電話" in listed(admin_client.get(url))  # on the timeline


def test_a_gift_is_recorded_from_the_donor_page_and_joins_the_giving_summary(admin_client, yamada):
    url = reverse("crm_donor:inspect", args=[yamada.pk])
    assert 'name="gift-amount"' in listed(admin_client.get(url))
    gift = {"record": "gift", "gift-received_at": "2026-04-01 10:00", "gift-method": "bank_transfer"}

    invalid = admin_client.post(url, {**gift, "gift-amount": "abc"})
    assert invalid.status_code == 200 and not yamada.donations.exists()

    response = admin_client.post(url, {**gift, "gift-amount": "30000"})
    assert response.status_code == 302
    assert yamada.donations.get().amount == 30000
    page = listed(admin_client.get(url))
    assert "¥30,000" in page  # the giving summary on the record page, kept by the triggers
