"""The relevance test set: what a visitor types, in which language, and the demo story
(home/demo/content.py STORIES, by slug) that must come back.

Kinds: word (one word), two (two words), verb (an inflected form of a word the story uses in
another form), kana (a katakana spelling variant), width (full- or half-width input), romaji
(a name or place in Latin letters).

Typed as people type (issue 18), written for this set from the demo stories: loanword (a
katakana word typed in hiragana), reading (a kanji word or compound typed as its reading in
hiragana), variant (another katakana spelling: ヴ/バ, small kana, long vowels, ヤ/ア), romaji (a
Japanese word in Latin letters, on the Japanese site), typo (an English word with one or two
letters wrong), possessive, demonym (Syrian for a story that says Syria).
"""

# (language, kind, query, slug). Written as the words appear in the stories (issue 7).
EXACT_SET: list[tuple[str, str, str, str]] = [
    ("ja", "word", "タリバン", "r-from-afghanistan"),
    ("ja", "word", "ハルキウ", "olena-from-ukraine"),
    ("ja", "word", "会計士", "olena-from-ukraine"),
    ("ja", "word", "カブール", "rahim-evacuated-from-kabul"),
    ("ja", "word", "看護師", "esther-nurse-from-cameroon"),
    ("ja", "word", "介護", "esther-nurse-from-cameroon"),
    ("ja", "word", "料理長", "dawit-chef-from-ethiopia"),
    ("ja", "word", "スパイス", "dawit-chef-from-ethiopia"),
    ("ja", "word", "クーデター", "thiha-student-from-myanmar"),
    ("ja", "word", "留学生", "thiha-student-from-myanmar"),
    ("ja", "word", "図面", "karim-engineer-from-syria"),
    ("ja", "word", "アレッポ", "karim-engineer-from-syria"),
    ("ja", "word", "記者", "jean-paul-from-dr-congo"),
    ("ja", "word", "ジャーナリスト", "jean-paul-from-dr-congo"),
    ("ja", "two", "路上 エンジニア", "r-from-afghanistan"),
    ("ja", "two", "物流 マネージャー", "rahim-evacuated-from-kabul"),
    ("ja", "two", "介護 資格", "esther-nurse-from-cameroon"),
    ("ja", "two", "品質管理 設計", "karim-engineer-from-syria"),
    ("ja", "two", "翻訳 アプリ", "jean-paul-from-dr-congo"),
    ("ja", "two", "情報工学 大学", "thiha-student-from-myanmar"),
    ("ja", "verb", "夜を明かした", "r-from-afghanistan"),
    ("ja", "verb", "退避する", "rahim-evacuated-from-kabul"),
    ("ja", "verb", "料理を振る舞う", "dawit-chef-from-ethiopia"),
    ("ja", "verb", "拘束された", "thiha-student-from-myanmar"),
    ("ja", "verb", "工場が破壊される", "karim-engineer-from-syria"),
    ("ja", "verb", "ひらがなを覚えた", "olena-from-ukraine"),
    ("ja", "kana", "サーバ エンジニア", "thiha-student-from-myanmar"),
    ("ja", "kana", "コンピュータ", "thiha-student-from-myanmar"),
    ("ja", "kana", "プロジェクトマネージャ", "rahim-evacuated-from-kabul"),
    ("ja", "kana", "プログラマ", "jean-paul-from-dr-congo"),
    ("ja", "width", "ＩＴ企業", "r-from-afghanistan"),
    ("ja", "width", "ＣＡＤ", "karim-engineer-from-syria"),
    ("ja", "width", "ｶﾌﾞｰﾙ", "rahim-evacuated-from-kabul"),
    ("ja", "width", "ＳＮＳ", "thiha-student-from-myanmar"),
    ("ja", "romaji", "yokohama", "olena-from-ukraine"),
    ("en", "word", "Taliban", "r-from-afghanistan"),
    ("en", "word", "Kharkiv", "olena-from-ukraine"),
    ("en", "word", "accountant", "olena-from-ukraine"),
    ("en", "word", "nurse", "esther-nurse-from-cameroon"),
    ("en", "word", "spice", "dawit-chef-from-ethiopia"),
    ("en", "word", "coup", "thiha-student-from-myanmar"),
    ("en", "word", "Aleppo", "karim-engineer-from-syria"),
    ("en", "two", "server engineer", "thiha-student-from-myanmar"),
    ("en", "two", "journalist programmer", "jean-paul-from-dr-congo"),
    ("en", "two", "logistics warehouse", "rahim-evacuated-from-kabul"),
    ("en", "verb", "evacuating", "rahim-evacuated-from-kabul"),
    ("en", "verb", "threatened Taliban", "r-from-afghanistan"),
    ("en", "verb", "cooks", "dawit-chef-from-ethiopia"),
    ("en", "width", "ＮＵＲＳＥ", "esther-nurse-from-cameroon"),
    ("en", "romaji", "Olena", "olena-from-ukraine"),
    ("en", "romaji", "Rahim", "rahim-evacuated-from-kabul"),
    ("en", "romaji", "Thiha", "thiha-student-from-myanmar"),
    ("en", "romaji", "Dawit", "dawit-chef-from-ethiopia"),
    ("en", "romaji", "jean paul", "jean-paul-from-dr-congo"),
    ("en", "romaji", "Karim", "karim-engineer-from-syria"),
]

# Typed as people type (issue 18).
TYPED_SET: list[tuple[str, str, str, str]] = [
    ("ja", "loanword", "あふがにすたん", "r-from-afghanistan"),
    ("ja", "loanword", "ぷろぐらまー", "jean-paul-from-dr-congo"),
    ("ja", "loanword", "くーでたー", "thiha-student-from-myanmar"),
    ("ja", "loanword", "じゃーなりすと", "jean-paul-from-dr-congo"),
    ("ja", "loanword", "すぱいす", "dawit-chef-from-ethiopia"),
    ("ja", "loanword", "はるきう", "olena-from-ukraine"),
    ("ja", "loanword", "かぶーる", "rahim-evacuated-from-kabul"),
    ("ja", "loanword", "あれっぽ", "karim-engineer-from-syria"),
    ("ja", "reading", "かんごし", "esther-nurse-from-cameroon"),
    ("ja", "reading", "きしゃ", "jean-paul-from-dr-congo"),
    ("ja", "reading", "かいけいし", "olena-from-ukraine"),
    ("ja", "reading", "りょうりちょう", "dawit-chef-from-ethiopia"),
    ("ja", "reading", "りゅうがくせい", "thiha-student-from-myanmar"),
    ("ja", "reading", "ずめん", "karim-engineer-from-syria"),
    ("ja", "reading", "ひんしつかんり", "karim-engineer-from-syria"),
    ("ja", "reading", "じょうほうこうがく", "thiha-student-from-myanmar"),
    ("ja", "reading", "かいごふくしし", "esther-nurse-from-cameroon"),
    ("ja", "reading", "ぶつりゅう まねーじゃー", "rahim-evacuated-from-kabul"),
    ("ja", "reading", "くうしゅうけいほう", "olena-from-ukraine"),
    ("ja", "variant", "ビーガン", "dawit-chef-from-ethiopia"),
    ("ja", "variant", "ハラル", "dawit-chef-from-ethiopia"),
    ("ja", "variant", "ダウイット", "dawit-chef-from-ethiopia"),
    ("ja", "variant", "テイハ", "thiha-student-from-myanmar"),
    ("ja", "variant", "インフラエンジニヤ", "thiha-student-from-myanmar"),
    ("ja", "romaji", "afuganisutan", "r-from-afghanistan"),
    ("ja", "romaji", "kaikeishi", "olena-from-ukraine"),
    ("ja", "romaji", "kangoshi", "esther-nurse-from-cameroon"),
    ("ja", "romaji", "ryourichou", "dawit-chef-from-ethiopia"),
    ("ja", "romaji", "kuudetaa", "thiha-student-from-myanmar"),
    ("ja", "romaji", "zumen", "karim-engineer-from-syria"),
    ("en", "typo", "refugess", "esther-nurse-from-cameroon"),
    ("en", "typo", "acountant", "olena-from-ukraine"),
    ("en", "typo", "jounalist", "jean-paul-from-dr-congo"),
    ("en", "typo", "warehose", "rahim-evacuated-from-kabul"),
    ("en", "typo", "Afganistan", "r-from-afghanistan"),
    ("en", "typo", "scholarhsip", "thiha-student-from-myanmar"),
    ("en", "typo", "conscripton", "karim-engineer-from-syria"),
    ("en", "typo", "bookeeping", "olena-from-ukraine"),
    ("en", "typo", "Cameron", "esther-nurse-from-cameroon"),
    ("en", "typo", "Ethiopa", "dawit-chef-from-ethiopia"),
    ("en", "possessive", "Rahim's", "rahim-evacuated-from-kabul"),
    ("en", "possessive", "Esther's", "esther-nurse-from-cameroon"),
    ("en", "possessive", "Karim\u2019s", "karim-engineer-from-syria"),
    ("en", "possessive", "Olena's daughter", "olena-from-ukraine"),
    ("en", "demonym", "Syrian", "karim-engineer-from-syria"),
    ("en", "demonym", "Afghan", "r-from-afghanistan"),
    ("en", "demonym", "Cameroonian", "esther-nurse-from-cameroon"),
    ("en", "demonym", "Congolese", "jean-paul-from-dr-congo"),
    ("en", "demonym", "Burmese", "thiha-student-from-myanmar"),
]

RELEVANCE_SET = EXACT_SET + TYPED_SET


def evaluate(
    *, backend: str = "default", k: int = 10, queries: list[tuple[str, str, str, str]] | None = None
) -> dict:
    """recall@k and MRR of the set against the pages in the database, with the site's search
    (all words, then any word) run on `backend` (a WAGTAILSEARCH_BACKENDS name or dotted path)."""
    from wagtail.models import Locale

    from search.selectors import clean_query, public_pages

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    found = 0
    reciprocal_ranks = 0.0
    misses = []
    not_first = []
    kinds: dict[str, list[int]] = {}
    queries = RELEVANCE_SET if queries is None else queries
    for language, kind, query, slug in queries:
        pages = public_pages(locale=locales[language])
        text = clean_query(query)
        results = list(pages.search(text, operator="and", backend=backend)[:k])
        if not results and len(text.split()) > 1:
            results = list(pages.search(text, operator="or", backend=backend)[:k])
        slugs = [page.slug for page in results]
        kinds.setdefault(kind, [0, 0])[1] += 1
        if slug in slugs:
            found += 1
            kinds[kind][0] += 1
            reciprocal_ranks += 1 / (slugs.index(slug) + 1)
            if slugs.index(slug):
                not_first.append((language, query, slug, slugs.index(slug) + 1))
        else:
            misses.append((language, query, slug))
    total = len(queries)
    return {
        "queries": total,
        f"recall@{k}": round(found / total, 3),
        "mrr": round(reciprocal_ranks / total, 3),
        "found_by_kind": {kind: f"{hits}/{count}" for kind, (hits, count) in kinds.items()},
        "misses": misses,
        "not_first": not_first,
    }
