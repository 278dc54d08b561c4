"""Donor search and the admin's page search share the site search's analysis (text_analysis)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from crm.factories import DonorFactory
from crm.imports.bulk import fast_search_text
from crm.models import Donor
from text_analysis import reading
from text_analysis.names import readings

pytestmark = pytest.mark.django_db


def found(query: str) -> list[Donor]:
    return list(Donor.objects.search(query))


def test_names_are_read_by_the_site_search_dictionary():
    # Sudachi reads these given names as people read them; pykakasi, used before, said はす and さい.
    assert reading("蓮") == "レン"
    assert readings("彩") == ("あや", "aya")
    ren = DonorFactory(family_name="中村", given_name="蓮", family_name_kana="", given_name_kana="")
    DonorFactory(family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ")
    assert found("れん") == [ren]
    assert found("nakamura ren") == [ren]
    assert found("ナカムラ") == [ren]


def test_variant_kanji_of_family_names_are_read():
    takahashi = DonorFactory(family_name="髙橋", given_name="亮", family_name_kana="", given_name_kana="")
    assert found("たかはし") == [takahashi]
    assert found("髙橋") == [takahashi]
    assert found("takahashi ryo") == [takahashi]


def test_the_donors_own_kana_is_the_reading_of_a_kanji_name():
    # The dictionary reads 陽菜 as はるな; this donor wrote ヒナ, and that is how she is found.
    hina = DonorFactory(
        family_name="山本", given_name="陽菜", family_name_kana="ヤマモト", given_name_kana="ヒナ"
    )
    assert found("ひな") == [hina]
    assert found("hina yamamoto") == [hina]
    assert found("はるな") == []
    assert found("陽菜") == [hina]


@pytest.mark.parametrize(
    "query", ["ミュラー", "ミュラ", "みゅらー", "ﾐｭﾗｰ", "müller", "Muller", "anna.m@example.jp"]
)
def test_katakana_long_vowels_width_and_latin_marks_fold(query):
    anna = DonorFactory(
        family_name="Müller",
        given_name="Anna",
        family_name_kana="ミュラー",
        given_name_kana="アンナ",
        email="anna.m@example.jp",
    )
    DonorFactory(family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ")
    assert found(query) == [anna]


@pytest.mark.parametrize(
    "query", ["山田", "山", "やまだ", "ヤマダ", "yamada", "taro", "山田太郎", "T.YAMADA@example.jp"]
)
def test_kanji_kana_romaji_and_email_find_the_donor(query):
    yamada = DonorFactory(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        email="t.yamada@example.jp",
    )
    DonorFactory(family_name="田中", given_name="花子", family_name_kana="タナカ", given_name_kana="ハナコ")
    assert found(query) == [yamada]


def test_bulk_writers_build_the_same_search_text_as_save():
    donors = [
        DonorFactory(family_name="髙橋", given_name="蓮", family_name_kana="", given_name_kana=""),
        DonorFactory(
            family_name="山本", given_name="陽菜", family_name_kana="ヤマモト", given_name_kana="ヒナ"
        ),
        DonorFactory(
            family_name="Smith", given_name="John", family_name_kana="スミス", given_name_kana="ジョン"
        ),
    ]
    for donor in donors:
        assert fast_search_text(donor) == donor.build_search_text() == donor.search_text


def test_refresh_command_recomputes_stale_search_text():
    donor = DonorFactory(family_name="中村", given_name="蓮", family_name_kana="", given_name_kana="")
    Donor.objects.filter(pk=donor.pk).update(search_text="中村 | なかむら | 蓮 | はす")  # as pykakasi read it
    assert found("れん") == []
    out = io.StringIO()
    call_command("refresh_donor_search", stdout=out)
    donor.refresh_from_db()
    assert donor.search_text == donor.build_search_text()
    assert found("れん") == [donor]
    assert "1 donor" in out.getvalue()


def test_admin_page_search_finds_a_japanese_word_inside_a_sentence(client, django_user_model):
    root = Page.get_first_root_node()
    story = root.add_child(instance=Page(title="日本に逃れた難民等の人生は続く", slug="refugee-lives"))
    root.add_child(instance=Page(title="活動報告会のお知らせ", slug="report"))
    call_command("update_index", stdout=io.StringIO())
    admin = django_user_model.objects.create_superuser("editor", "editor@example.jp", "pw")
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "難民"})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[story.pk]) in html
    assert "活動報告会" not in html
