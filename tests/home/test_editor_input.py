"""Editors' bad input ends in a form error on the same page, never a 500 or a silent save."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.blocks import DonationTierOptionBlock, DonationTiersBlock
from home.models import HomePage, MediaMention, Testimonial

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model, site_tree):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def listblock(items):
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def tiers_block_data(amount):
    return {
        "heading": "毎月のご寄付でできること",
        "intro": "",
        "tiers": listblock([{"amount_jpy": amount, "achievement": "1名の採用まで伴走", "footnote": ""}]),
        "note": "",
    }


@pytest.mark.parametrize("amount", [-1000, 0, 1.5, "1000.5", "abc", True])
def test_tier_amount_must_be_a_positive_whole_number(amount):
    block = DonationTiersBlock()
    value = block.to_python({"heading": "h", "tiers": [{"amount_jpy": 1000, "achievement": "a"}]})
    value["tiers"][0]["amount_jpy"] = amount
    with pytest.raises(ValidationError):
        block.clean(value)
    with pytest.raises(ValidationError):
        DonationTierOptionBlock().clean(DonationTierOptionBlock().to_python({"amount_jpy": amount}))


def test_valid_tier_amount_passes_block_clean():
    block = DonationTiersBlock()
    value = block.clean(
        block.to_python({"heading": "h", "tiers": [{"amount_jpy": 1000, "achievement": "a"}]})
    )
    assert value["tiers"][0]["amount_jpy"] == 1000


@pytest.mark.parametrize("amount", ["-500", "0", "1.5", "千円"])
def test_bad_tier_amount_through_the_page_editor_is_a_form_error(editor_client, site_tree, amount):
    home = site_tree["home"]
    revision_before = HomePage.objects.get(pk=home.pk).latest_revision_id
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "body": streamfield([("donation_tiers", tiers_block_data(amount))]),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[home.pk]), data)
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert HomePage.objects.get(pk=home.pk).latest_revision_id == revision_before


def test_good_tier_amount_through_the_page_editor_publishes(editor_client, site_tree):
    home = site_tree["home"]
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "body": streamfield([("donation_tiers", tiers_block_data("3000"))]),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[home.pk]), data)
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.body[0].value["tiers"][0]["amount_jpy"] == 3000


def test_media_mention_without_outlet_is_a_form_error(editor_client):
    count = MediaMention.objects.count()
    response = editor_client.post(
        reverse("wagtailsnippets_home_mediamention:add"), {"outlet": "", "kind": "tv", "date": "", "url": ""}
    )
    assert response.status_code == 200
    assert "outlet" in response.context["form"].errors
    assert MediaMention.objects.count() == count


def test_media_mention_with_outlet_is_saved(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_home_mediamention:add"),
        {"outlet": "NHK", "kind": "tv", "date": "", "url": ""},
    )
    assert response.status_code == 302
    assert MediaMention.objects.filter(outlet="NHK").exists()


def _testimonial_form(**overrides):
    data = {"name": "Aさん", "role": "会社員", "quote": "応援しています。", "photo": ""}
    data.update(overrides)
    return data


def test_publishing_a_testimonial_without_consent_is_a_form_error(editor_client):
    count = Testimonial.objects.count()
    response = editor_client.post(
        reverse("wagtailsnippets_home_testimonial:add"), _testimonial_form(**{"action-publish": "publish"})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["consent_to_publish"]
    assert any("cannot publish without consent" in error for error in errors)
    assert Testimonial.objects.count() == count


def test_a_testimonial_without_consent_can_be_saved_as_a_draft_but_not_shown(editor_client, client):
    response = editor_client.post(reverse("wagtailsnippets_home_testimonial:add"), _testimonial_form())
    assert response.status_code == 302
    draft = Testimonial.objects.get(name="Aさん")
    assert draft.live is False and not draft.is_publishable
    assert draft not in Testimonial.objects.publishable()

    response = editor_client.post(
        reverse("wagtailsnippets_home_testimonial:edit", args=[draft.pk]),
        _testimonial_form(consent_to_publish="on", **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.consent_to_publish
    assert draft in Testimonial.objects.publishable()


def test_site_content_menu_lists_the_snippets(editor_client):
    for name in ("mediamention", "award", "testimonial", "faq"):
        response = editor_client.get(reverse(f"wagtailsnippets_home_{name}:list") + "?q=a")
        assert response.status_code == 200, name
