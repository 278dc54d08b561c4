"""The analyser every search path shares (text_analysis) and the excerpt highlighter."""

import pytest

from search.highlight import excerpt
from text_analysis import MAX_QUERY_CHARS, analyze, analyze_query, katakana_to_romaji


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("日本に逃れた難民等の人生は…", ["日本", "逃れる", "難民", "人生"]),
        ("支援を受けた", ["支援", "受ける"]),
        ("サーバとサーバー", ["サーバ"]),
        ("ｻｰﾊﾞｰ", ["サーバ"]),
        ("コンピューター", ["コンピュータ"]),
        ("ＷＥＬｇｅｅ", ["welge"]),
        ("Refugees rebuilding careers", ["refuge", "rebuild", "career"]),
        ("難民を支援した", ["難民", "支援"]),
    ],
)
def test_words_are_split_and_normalised(text, expected):
    words = analyze(text).split()
    for word in expected:
        assert word in words
    assert set(expected) <= set(analyze_query(text).split())


def test_particles_and_punctuation_are_not_words():
    assert analyze_query("「」、。！？") == ""
    assert "の" not in analyze("難民の人生").split()
    assert analyze_query('"*" NEAR OR -') == "near"


def test_compounds_are_indexed_whole_and_in_parts():
    words = analyze("アフガニスタン避難民").split()
    assert {"避難民", "難民"} <= set(words)


def test_same_word_index_and_query_agree():
    for text in ["受けた", "サーバー", "ＩＴ企業", "refugees", "横浜"]:
        assert set(analyze_query(text).split()) <= set(analyze(text).split())


def test_long_query_is_truncated_and_cheap():
    assert len(analyze_query("難民" * 5000).split()) == 1
    assert len(analyze_query("あいうえおかきくけこ" * 1000)) <= MAX_QUERY_CHARS * 2


def test_long_text_is_analysed_whole():
    text = "難民。" * 20_000 + "最後の言葉"
    assert analyze(text).split()[-2:] == ["言葉", "ことば"]


def test_readings_let_a_fundraiser_find_a_name_by_kana_or_romaji():
    indexed = analyze("山田太郎", readings=True).split()
    assert "山田" in indexed
    for query in ["山田", "やまだ", "yamada", "Yamada", "ＹＡＭＡＤＡ"]:
        assert all(word in indexed for word in analyze_query(query).split()), query
    assert {"satou", "sato"} <= set(analyze("佐藤", readings=True).split())


def test_romaji():
    assert katakana_to_romaji("ヤマダ") == "yamada"
    assert katakana_to_romaji("ショウ") == "shou"
    assert katakana_to_romaji("マッチャ") == "matcha"
    assert katakana_to_romaji("キョウト") == "kyouto"


@pytest.mark.django_db
def test_excerpt_marks_inflected_match_and_escapes_html():
    text = "<b>前置き</b>。" * 30 + "Rさんは路上で夜を明かす日々でした。" + "あとがき。" * 30
    html = excerpt(text, "夜を明かした")
    assert "<mark>明かす</mark>" in html
    assert "<mark>夜</mark>" in html
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert html.startswith("…") and html.endswith("…")


@pytest.mark.django_db
def test_excerpt_without_match_is_the_opening():
    assert excerpt("はじめの文。つぎの文。", "ゾゾゾ") == "はじめの文。つぎの文。"
    assert excerpt("", "難民") == ""


# --- readings, variants, romaji, typos (issue 18) ------------------------------------------------

from text_analysis import Vocabulary, query_plan, reading_key, romaji_to_kana  # noqa: E402


@pytest.mark.parametrize(
    "spellings",
    [
        ("プログラマー", "プログラマ", "ぷろぐらまー", "ぷろぐらまあ"),
        ("コンピューター", "コンピュータ", "こんぴゅうた"),
        ("ヴィーガン", "ビーガン"),
        ("ヴェトナム", "ベトナム"),
        ("ウィルス", "ウイルス"),
        ("ダイヤ", "ダイア"),
        ("エンジニヤ", "エンジニア"),
        ("ハラール", "ハラル", "ﾊﾗｰﾙ"),
        ("シュウロウ", "しゅうろう", "しゅろう"),
    ],
)
def test_variant_spellings_share_one_reading_key(spellings):
    assert len({reading_key(spelling) for spelling in spellings}) == 1, [reading_key(s) for s in spellings]


def test_different_words_keep_different_reading_keys():
    assert reading_key("カブール") != reading_key("カーブ")
    assert reading_key("キャリア") != reading_key("キヤリア")  # small ゃ changes the word


def test_nouns_are_indexed_under_their_reading_too():
    words = analyze("就労支援とアフガニスタン避難民").split()
    assert {
        "就労",
        "しゅろ",
        "支援",
        "しえん",
        "避難民",
        "ひなんみん",
        "難民",
        "なんみん",
        "あふがにすたん",
    } <= set(words)
    # Verbs, particles and Latin words are not read.
    assert "うけた" not in analyze("受けた").split()
    assert analyze("refugees").split() == ["refuge"]


def test_romaji_is_read_as_kana_and_english_mostly_is_not():
    assert romaji_to_kana("shuurou") == romaji_to_kana("syuurou") == "しゅうろう"
    assert romaji_to_kana("afuganisutan") == "あふがにすたん"
    for english in ["spice", "coup", "journalist", "refugees", "123"]:
        assert romaji_to_kana(english) == "", english


VOCABULARY = Vocabulary(
    readings={"しゅろ": "就労", "なんみん": "難民", "しえん": "支援", "あふがにすたん": "アフガニスタン"},
    words={"refugees": 5, "refugee": 2, "taliban": 3, "engineer": 4, "engineering": 1, "syria": 2},
)


def test_hiragana_and_romaji_are_cut_into_indexed_readings():
    for typed in ["しゅうろう", "shuurou", "syuurou", "シュウロウ"]:
        plan = query_plan(typed, VOCABULARY)
        assert ("しゅろ",) in plan.terms[0].options, typed
    compound = query_plan("なんみんしえん", VOCABULARY)
    # Hiragana is searched by its readings alone: Sudachi's split of it (何 見る…) is noise.
    assert compound.terms[0].options == (("なんみん", "しえん"),)
    assert compound.suggestion() == "難民支援"
    assert query_plan("あふがにすたん", VOCABULARY).suggestion() == "アフガニスタン"


def test_typos_of_five_letters_or_more_match_the_nearest_indexed_word():
    plan = query_plan("refugess", VOCABULARY)
    assert plan.terms[0].options == (("refugess",), ("refuge",))
    assert plan.suggestion() == "refugees"
    assert query_plan("enigneer", VOCABULARY).suggestion() == "engineer"  # a swap is one edit
    assert query_plan("engnier", VOCABULARY).suggestion() == "engineer"  # two edits
    assert not query_plan("tali", VOCABULARY).expanded  # too short to guess
    assert not query_plan("xylophone", VOCABULARY).expanded  # nothing near


def test_words_as_written_are_not_expanded():
    for query in ["refugees", "難民 支援", "Taliban threats", "夜を明かした"]:
        plan = query_plan(query, VOCABULARY)
        assert not plan.expanded, query
        assert plan.suggestion() == ""


def test_demonyms_match_their_country_and_back():
    assert ("syria",) in query_plan("Syrian", VOCABULARY).terms[0].options
    assert ("syrian",) in query_plan("Syria", VOCABULARY).terms[0].options
    assert ("myanmar",) in query_plan("Burmese", VOCABULARY).terms[0].options


def test_autocomplete_reads_an_unfinished_kana_word_as_a_prefix():
    plan = query_plan("あふが", VOCABULARY, prefix=True)
    assert plan.terms[0].options == (("あふが",),)
    assert query_plan("あふが", VOCABULARY).terms[0].options != (("あふが",),)
