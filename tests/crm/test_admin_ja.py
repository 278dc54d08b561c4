"""Staff whose Wagtail admin language is 日本語 see our admin (CRM, pages, snippets) in Japanese, and
the Japanese catalogs are complete, keep their placeholders and are compiled from the .po as committed.

The catalogs: crm/locale, home/locale, search/locale (one per app) and locale/ (LOCALE_PATHS: the
project templates in cms/). To refresh them, see locale/README.md.
"""

from __future__ import annotations

import ast
import gettext
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from crm.factories import DonorFactory
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401  (fixtures)

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(ROOT.glob("*/locale/ja/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("locale/ja/LC_MESSAGES/django.po")
)


def sidebar(html: str) -> str:
    """The admin menu's labels: Wagtail sends the sidebar as JSON (non-ASCII escaped)."""
    scripts = re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S)
    return " ".join(json.dumps(json.loads(script), ensure_ascii=False) for script in scripts)


def speaks(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


# --- what staff see ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fundraiser_with_a_japanese_admin_sees_the_crm_in_japanese(client, fundraiser):
    DonorFactory(family_name="山田", given_name="花子")
    client.force_login(speaks(fundraiser, "ja"))

    menu = sidebar(client.get(reverse("wagtailadmin_home")).content.decode())
    assert '"寄付者"' in menu  # the CRM menu's "Donors"
    assert '"Facebook: 招待待ち"' in menu and '"Mailchimp 同期ログ"' in menu
    assert "Donors" not in menu and "To invite" not in menu

    listing = client.get(reverse("crm_donor:index")).content.decode()
    assert "山田" in listing
    for heading in ("フリガナ", "累計寄付額(円)", "登録日"):
        assert heading in listing, heading
    for english in ("Given (JPY)", "Kana", ">Added<"):
        assert english not in listing, english


@pytest.mark.django_db
def test_the_same_screens_stay_english_for_staff_who_chose_english(client, fundraiser):
    # The menu labels are translated per request, not fixed in the language active at start-up.
    DonorFactory()
    client.force_login(speaks(fundraiser, "ja"))
    assert "Facebook: 招待待ち" in sidebar(client.get(reverse("wagtailadmin_home")).content.decode())
    speaks(fundraiser, "en")
    menu = sidebar(client.get(reverse("wagtailadmin_home")).content.decode())
    assert '"Facebook: To invite"' in menu and "招待待ち" not in menu and '"Donors"' in menu
    assert "Given (JPY)" in client.get(reverse("crm_donor:index")).content.decode()


@pytest.mark.django_db
def test_communications_staff_see_snippet_panels_in_japanese(client, communications):
    client.force_login(speaks(communications, "ja"))
    form = client.get(reverse("wagtailsnippets_home_testimonial:add"))
    assert form.status_code == 200
    html = form.content.decode()
    for label in ("応援メッセージ", "掲載の同意", "肩書き", "ご本人が同意した場合のみチェックしてください"):
        assert label in html, label
    assert "consent to publish" not in html

    mention = client.get(reverse("wagtailsnippets_home_mediamention:add")).content.decode()
    assert "媒体名" in mention and "掲載メディア" in mention

    menu = sidebar(client.get(reverse("wagtailadmin_home")).content.decode())
    assert '"サイトコンテンツ"' in menu and '"応援メッセージ"' in menu


def test_page_and_block_labels_are_japanese_in_a_japanese_admin():
    # The page editor builds its panels from these; rendering the editor needs a whole page tree,
    # which tests/home covers in English.
    from home.blocks import CampaignStreamBlock
    from home.models import StoryPage

    with translation.override("ja"):
        assert str(StoryPage._meta.get_field("hero_image_alt").verbose_name) == "メイン画像の代替テキスト"
        assert str(StoryPage._meta.verbose_name) == "ストーリーページ"
        labels = {str(block.label) for block in CampaignStreamBlock().child_blocks.values()}
    assert {"メインビジュアル", "サポーター数", "掲載メディア", "よくある質問"} <= labels


# --- the catalogs -----------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader (msgctxt, plurals, flags, continued strings), enough for our catalogs."""
    entries: list[Entry] = []
    current = Entry(0)
    target: tuple[str, int] = ("msgid", 0)

    def start_next() -> Entry:
        if current.msgstr:  # a msgstr closes an entry
            entries.append(current)
            return Entry(0)
        return current

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        assert not line.startswith("#~"), f"{path}:{number}: obsolete entry left in the catalog"
        if line.startswith("#"):
            current = start_next()
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += ast.literal_eval(line)
            else:
                setattr(current, name, getattr(current, name) + ast.literal_eval(line))
            continue
        keyword, _space, rest = line.partition(" ")
        text = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid"):
            current = start_next()
            current.line = current.line or number
        if keyword.startswith("msgstr"):
            index = int(keyword[len("msgstr[") : -1]) if "[" in keyword else 0
            current.msgstr[index] = text
            target = ("msgstr", index)
        else:
            setattr(current, keyword, text)
            target = (keyword, 0)
    if current.msgstr:
        entries.append(current)
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogs_are_where_django_loads_them():
    assert {path.relative_to(ROOT).parts[0] for path in CATALOGS} == {
        "accounts",
        "crm",
        "home",
        "search",
        "locale",
    }
    app_dirs = {Path(config.path) for config in apps.get_app_configs()}
    for path in CATALOGS:
        locale_dir = path.parents[2]
        assert locale_dir.parent in app_dirs or locale_dir in map(Path, settings.LOCALE_PATHS), path


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_with_its_placeholders(path):
    entries = parse_po(path)
    header = entries[0]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    messages = entries[1:]
    assert len(messages) > 10
    for entry in messages:
        where = f"{path.name}:{entry.line} {entry.msgid!r}"
        assert "fuzzy" not in entry.flags, where
        assert entry.msgstr and all(text.strip() for text in entry.msgstr.values()), f"untranslated: {where}"
        for text in entry.msgstr.values():
            assert placeholders(text) == placeholders(entry.msgid_plural or entry.msgid), where
            assert ("<strong>" in text) == ("<strong>" in entry.msgid), where


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalog_matches_the_po(path):
    # Git keeps no mtimes, so compare contents: what the .mo answers is what the .po says.
    expected: dict = {}
    for entry in parse_po(path)[1:]:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    with path.with_suffix(".mo").open("rb") as compiled:
        catalog = dict(gettext.GNUTranslations(compiled)._catalog)
    catalog.pop("", None)
    assert catalog == expected, f"{path.with_suffix('.mo')} is out of date: run compilemessages"
