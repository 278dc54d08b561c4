"""The segment builder: month-based date rules, tag and company pickers, and the live count."""

import datetime
import json

import pytest
from django.utils import timezone, translation

from crm.groups import COMMUNICATIONS, FUNDRAISING
from crm.models import Donor, PartnerCompany, Segment
from crm.segments.blocks import field_guide
from crm.segments.rules import SegmentRuleError, compile_rule
from tests.crm.test_segments import (
    emails,
    one,
    people,  # noqa: F401 (the fixture every test here uses)
    rule_form,
    staff,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("people")]


# --- month-based date rules (TODAY is 2026-06-15) ---------------------------------------------------


def test_last_gift_by_months():
    # a last gave 2026-01-10, b 2024-05-01, c 2025-02-01 (its 2026 refund is no gift).
    assert emails(one("last_gift", "within_months", "6")) == {"a@x.org"}
    assert emails(one("last_gift", "within_months", "17")) == {"a@x.org", "c@x.org"}
    # "gave before N months ago": nothing since the cutoff.
    assert emails(one("last_gift", "months_ago_or_more", "6")) == {"b@x.org", "c@x.org"}
    assert emails(one("last_gift", "in_month", "2026-01")) == {"a@x.org"}
    assert emails(one("last_gift", "in_month", "２０２４年５月")) == {"b@x.org"}


def test_first_gift_and_member_since_by_month():
    assert emails(one("first_gift", "in_month", "2025/1")) == {"a@x.org"}
    assert emails(one("first_gift", "in_month", "2025-02")) == {"c@x.org"}
    # b's yearly gift started 2026-03-01, a's monthly one 2025-01-10; c is no longer a member.
    assert emails(one("member_since", "within_months", "4")) == {"b@x.org"}
    assert emails(one("member_since", "months_ago_or_more", "4")) == {"a@x.org"}
    assert emails(one("member_since", "in_month", "2025-01")) == {"a@x.org"}


def test_joined_in_month_is_the_tokyo_calendar_month():
    # 2026-03-31 23:30 in Tokyo is still March there (14:30 UTC).
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    Donor.objects.filter(email="a@x.org").update(
        created_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=tokyo)
    )
    Donor.objects.filter(email="b@x.org").update(
        created_at=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=tokyo)
    )
    Donor.objects.filter(email="c@x.org").update(
        created_at=timezone.make_aware(datetime.datetime(2020, 1, 1))
    )
    assert emails(one("joined", "in_month", "2026-03")) == {"a@x.org"}
    assert emails(one("joined", "in_month", "2026年4月")) == {"b@x.org"}
    assert emails(one("joined", "within_months", "12")) == {"a@x.org", "b@x.org"}
    assert emails(one("joined", "months_ago_or_more", "12")) == {"c@x.org"}
    assert emails(one("joined", "before", "2026-04-01")) == {"a@x.org", "c@x.org"}


def test_month_rules_refuse_what_is_not_a_month():
    for value in ("2026-13", "April", "2026"):
        with pytest.raises(SegmentRuleError):
            compile_rule({"field": "last_gift", "operator": "in_month", "value": value})
    with pytest.raises(SegmentRuleError):
        compile_rule({"field": "tenure_months", "operator": "in_month", "value": "2026-01"})


def test_month_operators_are_offered_in_japanese():
    guide = field_guide()
    assert {"within_months", "months_ago_or_more", "in_month"} <= set(guide["last_gift"]["operators"])
    assert "in_month" in guide["joined"]["operators"]
    with translation.override("ja"):
        from crm.segments.rules import FIELDS, OPERATOR_LABELS

        assert str(OPERATOR_LABELS["in_month"]) != "in the month (YYYY-MM)"
        assert str(OPERATOR_LABELS["months_ago_or_more"]) != "N months ago or earlier"
        assert str(FIELDS["joined"].label) != "Joined (added to the list)"


# --- tag and company pickers -------------------------------------------------------------------------


def _form(name, field, operator, value, **extra):
    """test_segments' one-rule form, with no slug: the builder makes it from the name."""
    data = rule_form(value=value, field=field, operator=operator)
    del data["slug"]
    return {**data, "name": name, **extra}


def test_pickers_offer_the_crms_tags_and_companies():
    PartnerCompany.objects.create(name="トヨタ自動車")
    guide = field_guide()
    assert [label for _code, label in guide["tag"]["values"]] == ["board", "vip", "volunteer"]
    companies = dict(guide["company"]["values"])
    assert set(companies.values()) == {"Yamaha Motor", "トヨタ自動車"}


def test_a_picked_company_is_stored_by_id_and_shown_by_name(client):
    yamaha = PartnerCompany.objects.get(name="Yamaha Motor")
    client.force_login(staff(FUNDRAISING))
    response = client.post("/admin/crm/segments/new/", _form("ヤマハの方", "company", "is", "yamaha motor"))
    assert response.status_code == 302, response.content[:2000]
    segment = Segment.objects.get(name="ヤマハの方")
    assert segment.rules[0].value["value"] == str(yamaha.pk)
    assert set(segment.donors().values_list("email", flat=True)) == {"a@x.org"}
    yamaha.name = "ヤマハ発動機"
    yamaha.save()
    # Renamed, the rule still selects the company, and the edit form shows its new name.
    assert set(segment.donors().values_list("email", flat=True)) == {"a@x.org"}
    edit = client.get(f"/admin/crm/segments/edit/{segment.pk}/")
    page = edit.content.decode()
    assert "ヤマハ発動機" in page or json.dumps("ヤマハ発動機")[1:-1] in page


def test_a_tag_or_company_not_in_the_crm_is_refused(client):
    client.force_login(staff(FUNDRAISING))
    response = client.post("/admin/crm/segments/new/", _form("VIP", "tag", "has_none", "vip, vipp"))
    assert response.status_code == 200
    assert "vipp" in response.content.decode()
    response = client.post("/admin/crm/segments/new/", _form("X", "company", "is", "Nowhere Inc"))
    assert response.status_code == 200
    assert not Segment.objects.exists()
    # "has any company" needs no value at all.
    response = client.post("/admin/crm/segments/new/", _form("社員", "company", "any", ""))
    assert response.status_code == 302


# --- the live count ----------------------------------------------------------------------------------


def test_count_endpoint_counts_the_unsaved_rules(client):
    client.force_login(staff(FUNDRAISING))
    with translation.override("ja"):
        response = client.post(
            "/admin/crm/segments/count/",
            _form("", "newsletter", "is", "購読中, 未確認"),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
    assert response.status_code == 200
    assert response.json()["count"] == 2  # a (subscribed) and c (never); the erased donor is never counted
    response = client.post("/admin/crm/segments/count/", _form("", "tag", "has_any", "volunteer"))
    assert response.json()["count"] == 1
    assert not Segment.objects.exists()


def test_count_endpoint_says_what_is_missing(client):
    client.force_login(staff(FUNDRAISING))
    answer = client.post("/admin/crm/segments/count/", _form("", "last_gift", "in_month", "")).json()
    assert answer["count"] is None
    assert answer["text"]
    # No rules at all: every donor on the list (erased ones never).
    answer = client.post("/admin/crm/segments/count/", {"match": "all", "rules-count": "0"}).json()
    assert answer["count"] == 3


def test_count_endpoint_is_for_segment_builders_only(client):
    client.force_login(staff(COMMUNICATIONS))
    response = client.post("/admin/crm/segments/count/", _form("", "tag", "has_any", "vip"))
    assert response.status_code in {302, 403}
    client.force_login(staff(FUNDRAISING))
    assert client.get("/admin/crm/segments/count/").status_code == 405


def test_count_button_without_script_shows_the_count_and_saves_nothing(client):
    client.force_login(staff(FUNDRAISING))
    data = _form("英語の方", "language", "is", "英語", count="1")
    response = client.post("/admin/crm/segments/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 donor matches these rules now." in page
    assert 'value="英語の方"' in page  # the form comes back as typed
    assert not Segment.objects.exists()

    segment = Segment.objects.create(name="All", slug="all")
    response = client.post(
        f"/admin/crm/segments/edit/{segment.pk}/", _form("All", "tag", "has_any", "vip", count="1")
    )
    assert response.status_code == 200
    assert "1 donor matches these rules now." in response.content.decode()
    segment.refresh_from_db()
    assert len(segment.rules) == 0
