"""Japanese staff see Japanese: every label, help text, choice, column, filter and export heading of
the project's own apps is translated (found by introspection, tests/i18n/project_strings.py), and our
context-less messages never change what Wagtail's or Django's screens say (catalogs are merged, ours
first: a word that means something else here takes a context)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.i18n.catalogs import CONTEXT_SEPARATOR, our_catalogs, their_translations
from tests.i18n.project_strings import all_strings

#: Written the same in both languages, on purpose (exact strings).
SAME_IN_BOTH = {
    "Stripe": "the payment company's name",
    "Mailchimp": "the mailing service's name",
    "Facebook": "the social network's name",
    "PDF": "a file format",
    "CSV": "a file format",
    "URL": "a web address, written so in Japanese too",
    "ID": "an identifier, written so in Japanese too",
    "English": "the newsletter's language choice names each language in its own words (日本語 / English)",
}

#: Fields of Wagtail's and taggit's models that staff never see (no panel, column or filter shows them).
NOT_SHOWN = {
    "translation_key": "Wagtail's link between translations",
    "latest_revision": "Wagtail's revision bookkeeping",
    "live_revision": "Wagtail's revision bookkeeping",
    "locked_by": "Wagtail's lock bookkeeping (the lock is shown in Wagtail's own words)",
    "content_object": "taggit's through table",
    "tag": "taggit's through table (the tag field staff see is the model's TaggableManager)",
}
#: taggit's through tables: rows that join a tag and a donor or story, never listed anywhere.
THROUGH_TABLES = {"crm.TaggedDonor", "home.StoryRegionTag", "home.StoryTopicTag"}


def _shown(where: str) -> bool:
    thing = where.split(" ")[0]
    if thing in THROUGH_TABLES or thing.rsplit(".", 1)[0] in THROUGH_TABLES:
        return False
    return not (thing.count(".") == 2 and thing.rsplit(".", 1)[1] in NOT_SHOWN)


def untranslated(strings) -> list[str]:
    found = []
    for where, text in strings:
        if text in (None, "") or not _shown(where):
            continue
        with translation.override("en"):
            english = str(text)
        with translation.override("ja"):
            japanese = str(text)
        if english in SAME_IN_BOTH or not re.search("[A-Za-z]", english):
            continue
        if japanese == english:
            found.append(f"{where}: {english!r}")
    return found


@pytest.fixture(scope="module")
def project_strings():
    return all_strings()


def test_the_walk_finds_every_kind_of_string(project_strings):
    # The walk itself must keep finding things: a refactor that empties one kind would pass silently.
    kinds = {" ".join(where.split(" ")[1:2]) for where, _text in project_strings}
    wheres = " ".join(where for where, _text in project_strings)
    assert len(project_strings) > 1500
    for kind in ("verbose_name", "verbose_name_plural", "help_text", "label", "menu_label"):
        assert kind in kinds or f" {kind}" in wheres, kind
    for part in (" list_display ", " filter ", " export ", " inspect ", " choice ", "Form."):
        assert part in wheres, part


def test_every_project_string_reads_in_japanese(project_strings):
    missing = untranslated(project_strings)
    assert not missing, f"{len(missing)} strings not translated:\n" + "\n".join(missing)


def test_an_untranslated_label_is_caught():
    from django.utils.translation import gettext_lazy

    strings = [
        ("crm.Example.plain verbose_name", "plain words"),
        ("crm.Example.lazy verbose_name", gettext_lazy("words no catalog has")),
        ("crm.Example.brand choice 'stripe'", "Stripe"),
        ("crm.Donor.family_name verbose_name", gettext_lazy("family name")),
        ("crm.TaggedDonor.tag verbose_name", "tag"),
    ]
    assert untranslated(strings) == [
        "crm.Example.plain verbose_name: 'plain words'",
        "crm.Example.lazy verbose_name: 'words no catalog has'",
    ]


def test_export_headings_are_in_japanese(project_strings):
    headings = {where: text for where, text in project_strings if " export " in where}
    with translation.override("ja"):
        assert str(headings["DonationViewSet crm_donation export id"]) == "番号"
        assert str(headings["DonationViewSet crm_donation export net_amount"]) == "返金後の金額"
        assert str(headings["ReceiptViewSet crm_receipt export donor_id"]) == "寄付者番号"


# --- the catalogs against Wagtail's and Django's ----------------------------------------------------


def test_no_context_less_message_of_ours_changes_wagtail_or_django():
    theirs = their_translations()
    changed = [
        f"{catalog}: {msgid!r} ours {msgstr!r}, {theirs[msgid][1]} {theirs[msgid][0]!r}"
        for catalog, messages in our_catalogs().items()
        for msgid, msgstr in messages.items()
        if CONTEXT_SEPARATOR not in msgid and msgid in theirs and theirs[msgid][0] != msgstr
    ]
    assert not changed, "give ours a context (pgettext):\n" + "\n".join(changed)


def test_our_catalogs_agree_with_each_other():
    # One merged catalog at run time: the first app's word would silently win on every screen.
    seen: dict[str, tuple[str, str]] = {}
    differing = []
    for catalog, messages in our_catalogs().items():
        for msgid, msgstr in messages.items():
            if msgid in seen and seen[msgid][0] != msgstr:
                differing.append(f"{msgid!r}: {catalog} {msgstr!r}, {seen[msgid][1]} {seen[msgid][0]!r}")
            seen.setdefault(msgid, (msgstr, catalog))
    assert not differing, "\n".join(differing)


@pytest.mark.parametrize(
    ("context", "msgid", "japanese"),
    [
        ("pagination", "Pages", "ページ送り"),
        (None, "Pages", "ページ"),  # Wagtail's main menu
        ("action", "Save", "保存する"),
        (None, "Save", "保存"),
        ("pagination", "Next", "次へ"),
        (None, "Next", "次のページ"),
        ("action", "Confirm", "確定する"),
        (None, "Confirm", "確認"),
        ("spreadsheet heading", "Number", "番号"),
        ("email address", "Email", "メールアドレス"),
        ("delivery", "Email", "メール"),
        ("members", "New", "新規"),
        ("page count", "pages", "ページ数"),
        (None, "pages", "ページ"),
        ("donor", "preferred language", "希望言語"),
        (None, "preferred language", "好みの言語"),
        (None, "Locale", "言語"),  # Wagtail 8 ships it untranslated; ours (cms/wagtail_strings.py)
    ],
)
def test_words_shared_with_wagtail_read_right_in_both_places(context, msgid, japanese):
    with translation.override("ja"):
        found = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert found == japanese
