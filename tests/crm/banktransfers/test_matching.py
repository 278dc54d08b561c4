"""Remitter names to donors: readings folded alike, legal-form marks stripped, numbers, amounts."""

import pytest

from crm.banktransfers.matching import ReadingIndex, match_remitter, reading_key, split_remitter


@pytest.mark.parametrize(
    ("remitter", "key"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),
        ("やまだ　たろう", "ヤマダタロウ"),
        ("ｶ)ﾔﾏﾊﾂﾄﾞｳｷ", "ヤマハツドウキ"),
        ("ﾔﾏﾊﾂﾄﾞｳｷ(ｶ", "ヤマハツドウキ"),
        ("ﾕ)ｻｸﾗｼﾖｳﾃﾝ", "サクラシヨウテン"),
        ("株式会社サクラ商店", "サクラ商店"),
        ("ﾄｸﾋ)ｱｵｿﾞﾗ", "アオゾラ"),
    ],
)
def test_reading_key(remitter, key):
    assert reading_key(remitter) == key


def test_small_kana_and_long_vowels_fold_like_the_bank_writes_them():
    assert reading_key("サトウ キョウコ") == reading_key("ｻﾄｳ ｷﾖｳｺ")
    assert reading_key("スズキ ユーコ") == reading_key("ｽｽﾞｷ ﾕ-ｺ")


def test_supporter_number_before_the_name():
    assert split_remitter("1234 ｻﾄｳ ｷﾖｳｺ") == (1234, "サトウキヨウコ")
    assert split_remitter("ｻﾄｳ ｷﾖｳｺ") == (None, "サトウキヨウコ")


@pytest.fixture
def index():
    index = ReadingIndex()
    index.add_donor(1, "ヤマダ", "タロウ")
    index.add_donor(2, "サトウ", "キョウコ")
    index.add_donor(3, "サトウ", "キョウコ")  # a namesake
    index.add_donor(4, "スズキ", "ハナコ")
    index.add_company("カブシキガイシャ ヤマハツドウキ", [4])
    return index


def test_one_donor_with_the_reading_is_matched(index):
    match = match_remitter("ﾔﾏﾀﾞ ﾀﾛｳ", index=index)
    assert (match.status, match.donor_id) == ("matched", 1)


def test_namesakes_are_probable_unless_one_gave_this_amount_before(index):
    assert match_remitter("ｻﾄｳ ｷﾖｳｺ", index=index).status == "probable"
    assert match_remitter("ｻﾄｳ ｷﾖｳｺ", index=index).candidates == [2, 3]
    match = match_remitter("ｻﾄｳ ｷﾖｳｺ", index=index, same_amount={3})
    assert (match.status, match.donor_id) == ("matched", 3)


def test_the_supporter_number_decides_between_namesakes(index):
    assert match_remitter("2 ｻﾄｳ ｷﾖｳｺ", index=index).donor_id == 2
    # A number with another donor's name is only a suggestion.
    match = match_remitter("1 ｻﾄｳ ｷﾖｳｺ", index=index)
    assert (match.status, match.candidates) == ("probable", [1])


def test_company_remitter_goes_to_its_contact(index):
    match = match_remitter("ｶ)ﾔﾏﾊﾂﾄﾞｳｷ", index=index)
    assert (match.status, match.donor_id, match.reason) == ("matched", 4, "company")


def test_family_name_only_or_a_typo_is_probable(index):
    assert match_remitter("ﾔﾏﾀﾞ", index=index).candidates == [1]
    typo = match_remitter("ｽｽﾞｷ ﾊﾅｺｺ", index=index)
    assert (typo.status, typo.candidates) == ("probable", [4])


def test_nobody_with_that_reading(index):
    assert match_remitter("ﾀﾅｶ ﾉﾎﾞﾙ", index=index).status == "unmatched"
