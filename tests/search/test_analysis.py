"""The analyser every search path shares (search.analysis) and the excerpt highlighter."""

import pytest

from search.analysis import MAX_QUERY_CHARS, analyze, analyze_query, katakana_to_romaji
from search.highlight import excerpt


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
    assert analyze(text).split()[-1] == "言葉"


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


def test_excerpt_marks_inflected_match_and_escapes_html():
    text = "<b>前置き</b>。" * 30 + "Rさんは路上で夜を明かす日々でした。" + "あとがき。" * 30
    html = excerpt(text, "夜を明かした")
    assert "<mark>明かす</mark>" in html
    assert "<mark>夜</mark>" in html
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert html.startswith("…") and html.endswith("…")


def test_excerpt_without_match_is_the_opening():
    assert excerpt("はじめの文。つぎの文。", "ゾゾゾ") == "はじめの文。つぎの文。"
    assert excerpt("", "難民") == ""
