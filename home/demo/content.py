"""The public site's demo content, in Japanese and English, as plain Python data.

Everything a visitor reads on a freshly loaded demo site lives here, so that writers can review
the words without reading the loader. The facts come from the NPO's original donation page
(`shared/seed/donation-page.ja.txt` beside the project); the sentences are our own. People in the stories are
anonymised (initials or first names); companies marked ``fictional`` do not exist.

Shape of the data
-----------------
* Every piece of visible text is a ``Text``: a dict ``{"ja": "...", "en": "..."}``. Use
  ``localise(value, "en")`` to turn any structure below into plain strings for one language;
  it walks dicts and lists and leaves numbers, dates and keys alone.
* Images are referred to by a stable key (``"story-r"``); ``home.demo.images`` draws and
  describes each one.
* ``HOME``: the campaign page. ``HOME["sections"]`` is the page body in the order of the
  original page; each section is a dict with a ``"type"`` (hero, member_counter, media_mentions,
  partners, awards, impact, featured_story, about, donation_tiers, member_benefits,
  testimonials, faq, closing) and that section's fields. Sections that list snippets name them by
  ``key`` (``MEDIA_MENTIONS``, ``AWARDS``, ``PARTNERS``, ``TESTIMONIALS``, ``FAQS``).
* ``STORIES``: the stories of the people WELgee walks alongside; ``slug``, ``date``,
  ``hero_image``, ``person`` (how the story names its subject), ``regions`` and ``topics`` (lists of ``Text`` tags), ``title``, ``intro`` and
  ``paragraphs`` (list of ``Text``), optionally ``quote`` and ``after_story`` (a heading plus
  paragraphs).
* ``STORY_INDEX``, ``STANDARD_PAGES`` (about, privacy, contact) and ``DONATION_PAGE``: the other pages.
  Standard pages have ``sections``: a list of ``{"heading": Text, "paragraphs": [Text, ...]}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

type Text = dict[str, str]

LANGUAGES = ("ja", "en")


def localise(value: Any, language: str) -> Any:
    """Return ``value`` with every ``Text`` replaced by its string in ``language``."""
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            return value[language]
        return {key: localise(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [localise(item, language) for item in value]
    return value


def t(ja: str, en: str) -> Text:
    return {"ja": ja, "en": en}


# ---------------------------------------------------------------------------------------------
# Snippets shown on the campaign page
# ---------------------------------------------------------------------------------------------

MEDIA_MENTIONS: list[dict[str, Any]] = [
    {
        "key": "news-zero",
        "outlet": t("日本テレビ「news zero」", "news zero (Nippon TV)"),
        "kind": "tv",
        "summary": t(
            "夜のニュース番組で、難民の方が日本企業で働き始めるまでの道のりが紹介されました。",
            "The late-evening news programme followed a refugee's path into a job at a Japanese company.",
        ),
        "logo": "logo-news-zero",
    },
    {
        "key": "hodo-station",
        "outlet": t("テレビ朝日「報道ステーション」", "Hodo Station (TV Asahi)"),
        "kind": "tv",
        "summary": t(
            "ウクライナから避難してきた方々の就労を支える取り組みとして特集されました。",
            "Featured our work helping people evacuated from Ukraine find their feet at work.",
        ),
        "logo": "logo-hodo-station",
    },
    {
        "key": "nikkei",
        "outlet": t("日本経済新聞", "The Nikkei"),
        "kind": "newspaper",
        "summary": t(
            "難民人材を採用する企業の動きとともに、WELgeeの伴走型の就労支援が取り上げられました。",
            "Covered companies hiring refugees and the step-by-step coaching WELgee gives both sides.",
        ),
        "logo": "logo-nikkei",
    },
    {
        "key": "deutsche-welle",
        "outlet": t("ドイツ国営放送 Deutsche Welle", "Deutsche Welle"),
        "kind": "foreign",
        "summary": t(
            "ドイツの国際放送が、難民認定の厳しい日本で続く民間の取り組みとして報じました。",
            "Germany's international broadcaster reported on civil-society work in a country that grants asylum rarely.",
        ),
        "logo": "logo-deutsche-welle",
    },
    {
        "key": "nhk-world",
        "outlet": t("NHK WORLD-JAPAN", "NHK WORLD-JAPAN"),
        "kind": "tv",
        "summary": t(
            "英語の国際放送で、難民の方のキャリア再建の事例が海外に向けて紹介されました。",
            "The English-language service told viewers abroad how refugees rebuild careers in Japan.",
        ),
        "logo": "logo-nhk-world",
    },
    {
        "key": "asahi",
        "outlet": t("朝日新聞", "The Asahi Shimbun"),
        "kind": "newspaper",
        "summary": t(
            "生活面で、避難民の方を迎えた職場の同僚たちの声とともに掲載されました。",
            "A feature in the living section, with the voices of colleagues who welcomed an evacuee.",
        ),
        "logo": "logo-asahi",
    },
    {
        "key": "japan-times",
        "outlet": t("The Japan Times", "The Japan Times"),
        "kind": "newspaper",
        "summary": t(
            "英字紙のインタビューで、代表が日本の難民受け入れの課題について語りました。",
            "An interview in which our founder discussed the gaps in how Japan receives refugees.",
        ),
        "logo": "logo-japan-times",
    },
    {
        "key": "yahoo-news",
        "outlet": t("Yahoo!ニュース", "Yahoo! News Japan"),
        "kind": "web",
        "summary": t(
            "オリジナル記事で、トライアル雇用から正社員になった方の体験が紹介されました。",
            "An original web feature on a person who moved from a trial job to a permanent contract.",
        ),
        "logo": "logo-yahoo-news",
    },
    {
        "key": "the-guardian",
        "outlet": t("The Guardian（英国）", "The Guardian (UK)"),
        "kind": "foreign",
        "summary": t(
            "英国紙が、アジアにおける難民の就労支援の新しい形として紹介しました。",
            "The British paper described our model as a new approach to refugee employment in Asia.",
        ),
        "logo": "logo-guardian",
    },
]

PARTNERS: list[dict[str, Any]] = [
    {
        "key": "yamaha-motor",
        "name": t("ヤマハ発動機株式会社", "Yamaha Motor Co., Ltd."),
        "name_kana": "ヤマハハツドウキカブシキガイシャ",
        "industry": t("輸送機器・製造", "Transport equipment and manufacturing"),
        "fictional": False,
        "logo": "logo-yamaha-motor",
    },
    {
        "key": "konica-minolta",
        "name": t("コニカミノルタ株式会社", "Konica Minolta, Inc."),
        "name_kana": "コニカミノルタカブシキガイシャ",
        "industry": t("電機・情報機器", "Electronics and office equipment"),
        "fictional": False,
        "logo": "logo-konica-minolta",
    },
    {
        "key": "komorebi-systems",
        "name": t("こもれびシステムズ株式会社（架空）", "Komorebi Systems K.K. (fictional)"),
        "name_kana": "コモレビシステムズカブシキガイシャ",
        "industry": t("ソフトウェア開発", "Software development"),
        "fictional": True,
        "logo": "logo-komorebi-systems",
    },
    {
        "key": "tsubasa-logistics",
        "name": t("つばさ倉庫ロジスティクス株式会社（架空）", "Tsubasa Warehouse Logistics K.K. (fictional)"),
        "name_kana": "ツバサソウコロジスティクスカブシキガイシャ",
        "industry": t("物流・倉庫", "Logistics and warehousing"),
        "fictional": True,
        "logo": "logo-tsubasa-logistics",
    },
    {
        "key": "hidamari-kitchen",
        "name": t("株式会社ひだまりキッチン（架空）", "Hidamari Kitchen Inc. (fictional)"),
        "name_kana": "カブシキガイシャヒダマリキッチン",
        "industry": t("飲食・ホテル", "Restaurants and hotels"),
        "fictional": True,
        "logo": "logo-hidamari-kitchen",
    },
    {
        "key": "enishi-care",
        "name": t("社会福祉法人えにし会（架空）", "Enishi Social Welfare Corporation (fictional)"),
        "name_kana": "シャカイフクシホウジンエニシカイ",
        "industry": t("介護・福祉", "Elderly care and welfare"),
        "fictional": True,
        "logo": "logo-enishi-care",
    },
]

AWARDS: list[dict[str, Any]] = [
    {
        "key": "forbes-30u30-asia",
        "name": t("Forbes 30 Under 30 Asia 選出", "Forbes 30 Under 30 Asia"),
        "awarded_by": t("Forbes Asia", "Forbes Asia"),
        "category": t("ソーシャルアントレプレナー部門", "Social Entrepreneurs"),
        "year": 2019,
        "logo": "logo-forbes-asia",
    },
    {
        "key": "forbes-30u30-japan",
        "name": t("Forbes JAPAN 30 UNDER 30 選出", "Forbes JAPAN 30 Under 30"),
        "awarded_by": t("Forbes JAPAN", "Forbes JAPAN"),
        "category": t("ソーシャルインパクト部門", "Social Impact"),
        "year": 2020,
        "logo": "logo-forbes-japan",
    },
    {
        "key": "social-innovation-prize",
        "name": t(
            "ソーシャルイノベーション・チャレンジ 優秀賞", "Social Innovation Challenge, Award of Excellence"
        ),
        "awarded_by": t(
            "市民社会イノベーション財団（架空）", "Civil Society Innovation Foundation (fictional)"
        ),
        "category": t("多文化共生部門", "Inclusive Society"),
        "year": 2021,
        "logo": "logo-social-innovation",
    },
    {
        "key": "diversity-workplace-award",
        "name": t("ダイバーシティ・ワークプレイス賞", "Diverse Workplace Award"),
        "awarded_by": t("働き方未来フォーラム（架空）", "Future of Work Forum (fictional)"),
        "category": t("協働プログラム部門", "Partnership Programmes"),
        "year": 2022,
        "logo": "logo-diversity-award",
    },
]

TESTIMONIALS: list[dict[str, Any]] = [
    {
        "key": "matsumura",
        "name": t("松村 岳史さん", "Takeshi Matsumura"),
        "role": t("富士山ガイド", "Mount Fuji mountain guide"),
        "quote": t(
            "セネガルから来た青年と知り合いました。就労ビザは取れたものの、毎日の食事や洗濯機の使い方にも戸惑いながら、"
            "現場で懸命に働いていました。私たちの社会には、ときに冷たい一面があります。その冷たさから目をそらさず、"
            "困っている人に手を差し伸べる同世代の人たちを、私も支えたいと思っています。",
            "I got to know a young man from Senegal. He had a work visa, yet he was labouring on building sites "
            "while still working out how to feed himself and even how to use a washing machine. Our society can be "
            "cold. I want to stand behind the people of my generation who look that coldness in the eye and reach "
            "out to those in hard places.",
        ),
        "consent": True,
        "portrait": "portrait-matsumura",
    },
    {
        "key": "mizutamari",
        "name": t("水溜 智士さん", "Satoshi Mizutamari"),
        "role": t(
            "認定NPO法人 e-Education 広報・ファンドレイジング担当",
            "Communications and fundraising, e-Education (certified NPO)",
        ),
        "quote": t(
            "「どんな境遇にあっても、ともに未来をつくれる社会」というビジョンに強く惹かれ、マンスリーサポーターとして応援しています。"
            "周りの人を巻き込んでいく力がとても大きな団体なので、日本のソーシャルセクター全体を元気にしてくれると期待しています。",
            "I was drawn to the vision of a society where we build the future together, whatever our circumstances, "
            "and I back it as a monthly supporter. WELgee has a real gift for bringing people in, and I expect it to "
            "lift the whole social sector in Japan.",
        ),
        "consent": True,
        "portrait": "portrait-mizutamari",
    },
    {
        # Published once, consent since withdrawn: the site must never show it. Tests rely on it.
        "key": "unpublished-supporter",
        "name": t("匿名希望 Kさん", "K (withheld)"),
        "role": t("会社員", "Office worker"),
        "quote": t(
            "この推薦文は掲載の同意をいただいていないため、サイトには表示されません。",
            "This endorsement has no publication consent and must never appear on the site.",
        ),
        "consent": False,
        "live": True,
        "portrait": "portrait-unpublished",
    },
]

FAQS: list[dict[str, Any]] = [
    {
        "key": "use-of-donations",
        "question": t("継続寄付はどのように使われますか？", "How is my monthly gift used?"),
        "answer": t(
            "いただいたご寄付は、ウクライナやアフガニスタンから避難してきた方々を含め、日本で暮らす難民等の方々の"
            "キャリアに伴走するための費用に充てさせていただきます。",
            "Your gifts pay for walking alongside refugees and evacuees living in Japan, including people from "
            "Ukraine and Afghanistan, as they rebuild their careers.",
        ),
    },
    {
        "key": "corporate-donations",
        "question": t("企業・法人としての寄付もできますか？", "Do you accept donations from companies?"),
        "answer": t(
            "はい、企業・法人からのご寄付も承っております。金額や方法についてはお問い合わせページからご相談ください。",
            "Yes, we gladly accept gifts from companies and other organisations. Please get in touch through the "
            "contact page to discuss amounts and arrangements.",
        ),
    },
    {
        "key": "designated-use",
        "question": t("寄付の使い道を指定できますか？", "Can I choose what my donation is used for?"),
        "answer": t(
            "寄付金を適切に管理するため、このページからのご寄付は使途を指定しない、WELgeeの活動全体へのご寄付として"
            "お預かりしています。",
            "To keep our accounts sound, gifts made on this page are not earmarked: they support WELgee's work as "
            "a whole.",
        ),
    },
    {
        "key": "tax-deduction",
        "question": t("寄付金は税控除の対象になりますか？", "Is my donation tax-deductible?"),
        "answer": t(
            "WELgeeは「特定非営利活動法人（NPO法人）」であり、寄付金控除を受けられる「認定NPO法人」ではありません。"
            "そのため、現時点ではご寄付は税控除の対象となりません。",
            "No. WELgee is a specified non-profit corporation (an NPO), not a certified NPO, so gifts to us do not "
            "currently qualify for a tax deduction in Japan.",
        ),
    },
    {
        "key": "who-is-a-refugee",
        "question": t("「難民」とはどのような人のことですか？", 'Who counts as a "refugee"?'),
        "answer": t(
            "難民条約と議定書では、人種・宗教・国籍・特定の社会的集団への所属・政治的意見を理由に迫害を受けるおそれが"
            "十分にあるため国籍国の外にいて、その国の保護を受けられない、または受けることを望まない人を難民と定めています。"
            "WELgeeではこれに加えて、命の危険があり祖国に戻れない状態にある方々、たとえば難民認定申請中の方、"
            "帰国が困難になった元留学生、避難民の方なども支援の対象としています。",
            "The Refugee Convention and its Protocol define a refugee as someone outside their country of "
            "nationality who has a well-founded fear of persecution because of race, religion, nationality, "
            "membership of a particular social group or political opinion, and who cannot or, owing to that fear, "
            "will not seek that country's protection. WELgee also supports others who cannot go home without "
            "risking their lives: asylum applicants, former students stranded by events at home, and evacuees.",
        ),
    },
]

# ---------------------------------------------------------------------------------------------
# The campaign page
# ---------------------------------------------------------------------------------------------

HOME: dict[str, Any] = {
    "title": t("WELgeeファミリーになりませんか", "Join the WELgee family"),
    "seo_title": t("マンスリーサポーター募集", "Become a monthly supporter"),
    "search_description": t(
        "日本に逃れた難民等の就労と人生の再建に伴走するWELgeeを、毎月のご寄付で支えてください。",
        "Support WELgee with a monthly gift and help refugees in Japan rebuild their working lives.",
    ),
    "sections": [
        {
            "type": "hero",
            "heading": t("あなたもWELgeeファミリーの一員に", "Join the WELgee family"),
            "lead": t(
                "日本にたどり着いた難民等の方々が、自分の力を生かして働き、暮らしを立て直す。その一歩一歩を、"
                "毎月のご寄付でともに支えてくださる仲間を募集しています。",
                "Refugees who reach Japan want to work, use their skills and build a life again. Become a "
                "monthly supporter and walk every step of that road with them.",
            ),
            "cta_label": t("毎月の寄付で応援する", "Give monthly"),
            "image": "campaign-hero",
        },
        {
            "type": "member_counter",
            "count": 502,
            "as_of": date(2023, 3, 12),
            "label": t("現在のWELgeeファミリー", "WELgee family members today"),
            "unit": t("人", "people"),
        },
        {
            "type": "media_mentions",
            "heading": t("メディア掲載", "In the media"),
            "summary": t(
                "日本テレビ「news zero」、テレビ朝日「報道ステーション」、日本経済新聞、ドイツの国際放送など、"
                "国内外150以上のメディアで取り上げられています。",
                "Covered by more than 150 outlets in Japan and abroad, including Nippon TV's news zero, TV "
                "Asahi's Hodo Station, the Nikkei and Germany's Deutsche Welle.",
            ),
            "total_outlets": 150,
            "items": [item["key"] for item in MEDIA_MENTIONS],
        },
        {
            "type": "partners",
            "heading": t("協働企業", "Partner companies"),
            "summary": t(
                "ヤマハ発動機株式会社やコニカミノルタ株式会社をはじめ、上場企業からスタートアップまで、"
                "さまざまな企業とともに取り組んでいます。",
                "From listed corporations such as Yamaha Motor and Konica Minolta to start-ups, we work with "
                "companies of every size and sector.",
            ),
            "items": [item["key"] for item in PARTNERS],
        },
        {
            "type": "awards",
            "heading": t("受賞歴", "Awards"),
            "summary": t(
                "Forbes Asia および Forbes JAPAN の「30 Under 30」への選出をはじめ、国内外で評価をいただいています。",
                "Recognised at home and abroad, including selection for Forbes Asia and Forbes JAPAN "
                '"30 Under 30".',
            ),
            "items": [item["key"] for item in AWARDS],
            "note": t(
                "※WELgeeは、命の危険があるため祖国に戻れない方々を支援の対象としています。認定を受けた難民のほか、"
                "難民認定申請中の方、帰国が困難になった元留学生などの後発的難民、避難民の方々も含みます。",
                "* WELgee supports people who cannot return home without danger to their lives: recognised "
                "refugees, asylum applicants, people who became refugees while abroad (such as stranded former "
                "students) and evacuees.",
            ),
        },
        {
            "type": "impact",
            "eyebrow": t("WELgeeのアクション", "WELgee in action"),
            "heading": t(
                "たどり着いた日本で、人生の再建が始まる",
                "Arriving in Japan is where rebuilding a life begins",
            ),
            "lead": t(
                "40カ国・400名以上の難民等に就労の伴走をしてきた経験を生かし、ウクライナやアフガニスタンから"
                "避難してきた方々の仕事探しにも寄り添っています。",
                "Drawing on our experience of coaching more than 400 refugees from 40 countries into work, we "
                "now also walk alongside evacuees from Ukraine and Afghanistan.",
            ),
            "figures": [
                {
                    "value": "400",
                    "unit": t("名以上", "+"),
                    "label": t("伴走してきた難民等の方（40カ国）", "refugees accompanied, from 40 countries"),
                    "as_of": None,
                    "note": t("", ""),
                },
                {
                    "value": "2,350",
                    "unit": t("名以上", "+"),
                    "label": t("日本に入国したウクライナ避難民", "Ukrainian evacuees who have entered Japan"),
                    "as_of": date(2023, 3, 15),
                    "note": t("", ""),  # the date is as_of: shown once, formatted per language
                },
                {
                    "value": "800",
                    "unit": t("名以上", "+"),
                    "label": t(
                        "日本に入国したアフガニスタン避難民", "Afghan evacuees who have entered Japan"
                    ),
                    "as_of": date(2022, 8, 1),
                    "note": t("", ""),  # the date is as_of: shown once, formatted per language
                },
            ],
        },
        {
            "type": "featured_story",
            "heading": t("緊急支援の先に、日本での人生がある", "Beyond emergency aid, a life in Japan"),
            "lead": t(
                "避難してきた一人ひとりの人生は、その後も続いていきます。その行方は、受け入れる日本の社会で"
                "どんな人と出会えるかによって大きく変わります。",
                "Every person who flees to Japan has a life that goes on. How it unfolds depends greatly on "
                "who they meet in the society that receives them.",
            ),
            "story": "r-from-afghanistan",
        },
        {
            "type": "about",
            "eyebrow": t("WELgeeについて", "About WELgee"),
            "heading": t(
                "「働くこと」から、人生の再建を支える",
                "Rebuilding lives through work and careers",
            ),
            "body": t(
                "WELgeeは、紛争や迫害から逃れて日本にやってきた難民等の方々が、これまでの経験や専門性を生かして"
                "人生を立て直せるよう、「就労・キャリア」を軸にしたプログラムを運営しています。一人ひとりの志や強みに"
                "合わせたキャリア教育、メンタリング、スキルを伸ばす機会を無償で提供し、異文化コミュニケーションと"
                "外国人材の採用に詳しいキャリアコーディネーターが、育成から採用、職場への定着までを一貫して支えます。",
                "WELgee runs programmes built around work and careers, so that people who fled conflict and "
                "persecution can rebuild their lives in Japan using the experience and expertise they bring. We "
                "offer free career education, mentoring and skills training shaped to each person's goals and "
                "strengths. Career coordinators versed in cross-cultural communication and international hiring "
                "stay with each person from training through hiring to settling into the job.",
            ),
            "points": [
                {
                    "label": t("POINT 1", "POINT 1"),
                    "title": t("企業と人材、双方への伴走", "Coaching on both sides"),
                    "text": t(
                        "キャリアコーディネーターが、受け入れる企業と働く本人の両方に寄り添います。",
                        "Career coordinators support both the hiring company and the person joining it.",
                    ),
                },
                {
                    "label": t("POINT 2", "POINT 2"),
                    "title": t("お試し雇用", "Trial employment"),
                    "text": t(
                        "本採用の前に短期間のトライアル雇用を行い、能力や適性をお互いに確かめます。",
                        "A short trial period before a permanent offer lets both sides check skills and fit.",
                    ),
                },
                {
                    "label": t("POINT 3", "POINT 3"),
                    "title": t("定着サポート", "Support to stay and grow"),
                    "text": t(
                        "入社はゴールではなくスタートです。マッチングの後も、長く働き続けられるよう支え続けます。",
                        "Starting the job is the first step, not the finish: we keep supporting people after the match.",
                    ),
                },
            ],
            "uses": [
                t("ウクライナ避難民への就労伴走", "Employment coaching for evacuees from Ukraine"),
                t("アフガニスタン避難民への就労伴走", "Employment coaching for evacuees from Afghanistan"),
                t("受け入れ企業との連携とサポート", "Working with and supporting host companies"),
            ],
        },
        {
            "type": "donation_tiers",
            "heading": t("あなたのご寄付でできること", "What your monthly gift makes possible"),
            "tiers": [
                {
                    "amount_jpy": 1000,
                    "label": t("毎月1,000円", "¥1,000 a month"),
                    "impact": t(
                        "1名が企業との面談にたどり着くまで伴走できます。",
                        "accompanies one person all the way to a job interview.",
                    ),
                },
                {
                    "amount_jpy": 5000,
                    "label": t("毎月5,000円", "¥5,000 a month"),
                    "impact": t(
                        "1名が採用されるまで伴走できます。",
                        "accompanies one person until they are hired.",
                    ),
                },
                {
                    "amount_jpy": 10000,
                    "label": t("毎月10,000円", "¥10,000 a month"),
                    "impact": t(
                        "1名がビジネス日本語を身につける機会をつくれます。",
                        "gives one person the chance to learn business Japanese.",
                    ),
                },
            ],
            "footnote": t("※1年間ご寄付を続けていただいた場合", "* When giving for a full year."),
            "use_note": t(
                "※ご寄付は、ウクライナ・アフガニスタン避難民の方々を含む、日本で暮らす難民等のキャリア伴走の費用として"
                "大切に使わせていただきます。",
                "* Gifts fund career coaching for refugees living in Japan, including evacuees from Ukraine and "
                "Afghanistan.",
            ),
        },
        {
            "type": "member_benefits",
            "heading": t("WELgeeファミリーの特典", "What WELgee family members receive"),
            "benefits": [
                {
                    "key": "reports",
                    "title": t("活動の成果をお届け", "Reports on our work"),
                    "text": t(
                        "年に数回、活動の成果をまとめた報告書やお手紙をお送りし、限定イベントのご案内もいたします。",
                        "Several times a year, reports and letters on what your gifts achieved, plus invitations "
                        "to members-only events.",
                    ),
                },
                {
                    "key": "facebook-group",
                    "title": t(
                        "Facebook「WELgeeファミリー限定グループ」", "The WELgee family Facebook group"
                    ),
                    "text": t(
                        "ここでしか読めない難民の方々とのエピソードをお伝えし、限定イベントにもご招待します。",
                        "Stories of the people we work with that are shared nowhere else, and invitations to "
                        "members-only events.",
                    ),
                },
                {
                    "key": "newsletter",
                    "title": t(
                        "メールマガジン「WELgeeファミリー通信」",
                        '"WELgee family letter", our monthly newsletter',
                    ),
                    "text": t(
                        "毎月、最新の活動報告やメディア出演のお知らせ、難民の方々の活躍をメールでお届けします。",
                        "Every month by email: our latest results, upcoming broadcasts, and news of refugees "
                        "thriving at work.",
                    ),
                },
            ],
        },
        {
            "type": "testimonials",
            "heading": t("応援してくださっている方の声", "Why our supporters give"),
            "items": [item["key"] for item in TESTIMONIALS],
        },
        {
            "type": "faq",
            "heading": t("よくあるご質問", "Frequently asked questions"),
            "items": [item["key"] for item in FAQS],
        },
        {
            "type": "closing",
            "heading": t("いまだからこそ、力を貸してください", "Now, more than ever, lend us your strength"),
            "paragraphs": [
                t(
                    "日本に逃れてきた難民等の人生は、この社会で誰と出会うかによって大きく変わります。",
                    "What becomes of refugees who reach Japan depends greatly on the people they meet here.",
                ),
                t(
                    "けれども今、難民等と社会をつなぐ伴走者はまったく足りていません。つらいニュースや途方もない数字を"
                    "前に、無力感を覚えることもあるでしょう。",
                    "Yet there are far too few people bridging refugees and society. Faced with grim news and "
                    "overwhelming numbers, it is easy to feel powerless.",
                ),
                t(
                    "それでも、すでに日本で暮らす顔の見える一人ひとりが、前を向いて歩き出そうとしています。"
                    "WELgeeファミリーとして、その歩みを一緒に支えてください。",
                    "But people with names and faces, already here in Japan, are trying to move forward. Join the "
                    "WELgee family and help carry them.",
                ),
            ],
            "cta_label": t("WELgeeファミリーになる", "Join the WELgee family"),
        },
    ],
}

# ---------------------------------------------------------------------------------------------
# Stories
# ---------------------------------------------------------------------------------------------

REGION_AFGHANISTAN = t("アフガニスタン", "Afghanistan")
REGION_UKRAINE = t("ウクライナ", "Ukraine")
REGION_CAMEROON = t("カメルーン", "Cameroon")
REGION_ETHIOPIA = t("エチオピア", "Ethiopia")
REGION_MYANMAR = t("ミャンマー", "Myanmar")
REGION_SYRIA = t("シリア", "Syria")
REGION_DRC = t("コンゴ民主共和国", "DR Congo")
AREA_ASIA = t("アジア", "Asia")
AREA_EUROPE = t("ヨーロッパ", "Europe")
AREA_AFRICA = t("アフリカ", "Africa")
AREA_MIDDLE_EAST = t("中東", "Middle East")

TOPIC_WORK = t("就労", "employment")
TOPIC_JAPANESE = t("日本語", "Japanese language")
TOPIC_HOUSING = t("住まい", "housing")
TOPIC_FAMILY = t("家族", "family")
TOPIC_TRIAL = t("トライアル雇用", "trial employment")
TOPIC_IT = t("IT", "IT")
TOPIC_STUDY = t("留学", "study abroad")
TOPIC_QUALIFICATION = t("資格", "qualifications")
TOPIC_FOOD = t("料理", "cooking")
TOPIC_MANUFACTURING = t("ものづくり", "manufacturing")

STORY_INDEX: dict[str, Any] = {
    "slug": "stories",
    "title": t("ストーリー", "Stories"),
    "intro": t(
        "WELgeeが出会い、ともに歩んできた人たちの物語です。お名前はご本人の安全のため、イニシャルや"
        "ファーストネームで紹介しています。",
        "The stories of people WELgee has met and walked alongside. For their safety we use only initials "
        "or first names.",
    ),
}

STORIES: list[dict[str, Any]] = [
    {
        "slug": "r-from-afghanistan",
        "person": t("Rさん", "R"),
        "date": date(2023, 3, 1),
        "hero_image": "story-r",
        "regions": [REGION_AFGHANISTAN, AREA_ASIA],
        "topics": [TOPIC_WORK, TOPIC_HOUSING, TOPIC_FAMILY, TOPIC_IT],
        "title": t(
            "路上生活からエンジニアへ　Rさんの歩み",
            "From sleeping rough to software engineer: R's story",
        ),
        "intro": t(
            "タリバンの脅迫を逃れて来日したRさんは、住む場所も言葉もないところから、IT企業の最初の社員になりました。",
            "R fled Taliban threats with nothing. With a roof over his head and a company willing to train him, "
            "he became its very first employee.",
        ),
        "paragraphs": [
            t(
                "2017年、Rさんはタリバンから脅迫を受け、アフガニスタンを離れて日本へ逃れました。頼れる親族も知人もいない国で、"
                "到着して間もなく、路上で夜を明かす日々が始まりました。",
                "In 2017, after threats from the Taliban, R fled Afghanistan for Japan. He had no relatives and no "
                "friends there, and within days of arriving he was sleeping on the street.",
            ),
            t(
                "日本語はまったく話せず、手持ちのお金もすぐに底をつきました。急いで国を出たため、言葉を学ぶ時間も、"
                "これからの暮らしを思い描く余裕もなかったのです。「この先、どうやって生きていけばいいのだろう」。"
                "Rさんは途方に暮れていました。",
                "He spoke no Japanese, and his money soon ran out. He had left in a hurry, with no time to learn the "
                'language or to plan what came next. "How am I supposed to live from here?" he kept asking himself.',
            ),
            t(
                "WELgeeがRさんと出会ったのは、まさにそのころです。まず安心して眠れる住まいを用意し、一緒に食卓を囲む時間を"
                "重ねるうちに、Rさんは少しずつ心を開いてくれました。日本へ逃れた経緯、母国で積んできた仕事の経験、そして"
                "「祖国のためにIT技術を学びたい」という夢のことを。",
                "That was when WELgee met him. We found him a safe place to sleep, and over many shared meals he "
                "slowly opened up: how he had escaped, the work he had done at home, and his dream of learning "
                "information technology to help his country.",
            ),
            t(
                "キャリアコーディネーターは、Rさんの経歴と将来の希望をじっくり聞き取り、意欲のある人材を探していたIT企業に"
                "紹介しました。その会社は住まいと食事を用意したうえで、プログラミングをゼロから教え、Rさんを1人目の社員として"
                "迎え入れました。",
                "Our career coordinator listened carefully to his background and hopes, then introduced him to an IT "
                "company looking for people hungry to grow. The company gave him housing and meals, taught him to "
                "program from scratch, and hired him as its first employee.",
            ),
            t(
                "Rさんは、何世代にもわたって迫害や差別を受けてきた少数民族、ハザラの出身です。ハザラの子どもたちが十分な教育を"
                "受けられない現実を、ITの力で変えたい。その思いを胸に、仕事のあとも夜遅くまでコードを書き、サーバーや"
                "データベースの仕組みを学び続けました。",
                "R is Hazara, a minority persecuted and shut out for generations. He wants to use technology to give "
                "Hazara children the education they are denied. With that goal in mind he wrote code late into the "
                "night after work, learning how servers and databases really work.",
            ),
            t(
                "いまRさんは、会社の中核となるシステムを任されるエンジニアとして活躍しています。後から入社した"
                "プログラマーたちに、自分が教わったことを丁寧に教える立場にもなりました。",
                "Today R is an engineer trusted with the company's core systems, and he patiently teaches the "
                "programmers who joined after him what he was once taught.",
            ),
        ],
        "after_story": {
            "heading": t("Rさんのアフターストーリー", "R's story, continued"),
            "paragraphs": [
                t(
                    "2021年、タリバンが再びアフガニスタンの実権を握りました。テロが相次ぎ、女性の権利が大きく損なわれていく国に、"
                    "Rさんの家族は取り残されてしまいました。",
                    "In 2021 the Taliban took power again. R's family were left behind in a country shaken by "
                    "bombings, where women's rights were being stripped away.",
                ),
                t(
                    "退避にかかる費用の工面や、不安に押しつぶされそうな心のケアが必要だったRさんを、勤務先のIT企業が全力で"
                    "支えました。そして家族は、無事に国外へ逃れることができました。",
                    "R needed money for their evacuation and support to carry the worry. His employer stood by him "
                    "in every way it could, and his family reached safety abroad.",
                ),
            ],
        },
        "quote": t(
            "あの会社と出会えたことで、私の人生は大きく変わりました。WELgeeと、私を迎え入れてくれた会社に心から感謝しています。",
            "Meeting that company changed my life. I am deeply grateful to WELgee and to the company that took "
            "me in.",
        ),
    },
    {
        "slug": "olena-from-ukraine",
        "person": t("オレナさん", "Olena"),
        "date": date(2023, 6, 20),
        "hero_image": "story-olena",
        "regions": [REGION_UKRAINE, AREA_EUROPE],
        "topics": [TOPIC_WORK, TOPIC_JAPANESE, TOPIC_TRIAL, TOPIC_FAMILY],
        "title": t(
            "ハルキウの会計士、横浜で帳簿をつける　オレナさん",
            "A Kharkiv accountant keeps the books in Yokohama: Olena's story",
        ),
        "intro": t(
            "15年の経理経験を持つオレナさんは、娘さんと二人で避難してきました。トライアル雇用を経て、いまは商社の経理部で働いています。",
            "Olena, an accountant with fifteen years' experience, fled with her daughter. After a trial job she "
            "now works in a trading firm's finance team.",
        ),
        "paragraphs": [
            t(
                "2022年春、ハルキウで会計事務所に勤めていたオレナさんは、空襲警報が鳴りやまない街を離れる決心をしました。"
                "10歳の娘さんの手を引いてポーランドへ渡り、横浜に住む遠い親戚を頼って日本に避難してきました。",
                "In spring 2022 Olena, who worked at an accounting firm in Kharkiv, decided to leave a city where the "
                "air-raid sirens never stopped. Holding her ten-year-old daughter's hand she crossed into Poland, and "
                "came to Japan to stay with a distant relative in Yokohama.",
            ),
            t(
                "最初の壁は言葉でした。ひらがなを覚えることから始め、毎朝オンラインの日本語クラスに参加しました。"
                "娘さんが小学校で覚えてきた言葉を夕食のときに教わるのが、二人のささやかな楽しみになりました。",
                "The first wall was the language. She started with hiragana and joined an online Japanese class "
                "every morning. Over dinner her daughter taught her the words she had picked up at primary school, "
                "a small joy they shared each day.",
            ),
            t(
                "WELgeeのキャリアコーディネーターは、オレナさんが扱ってきた決算書や税務の知識に注目しました。"
                "国の会計基準が違っても、数字を正確に読み解く力はそのまま生かせるはずだと考えたのです。",
                "Her WELgee career coordinator saw the value in her years of closing accounts and handling tax. "
                "Accounting standards differ between countries, but the ability to read figures precisely travels "
                "well.",
            ),
            t(
                "紹介先の専門商社では、まず3カ月のトライアル雇用として、請求書の照合や経費精算を担当しました。"
                "日本の会計ソフトの画面は漢字だらけでしたが、オレナさんは勘定科目の一覧を自分で翻訳し、ウクライナ語の"
                "メモを貼ったノートを作って乗り切りました。",
                "At the specialist trading company we introduced her to, she began with a three-month trial, "
                "matching invoices and processing expense claims. The Japanese accounting software was a sea of "
                "kanji, so she translated the chart of accounts herself and kept a notebook annotated in Ukrainian.",
            ),
            t(
                "トライアル期間が終わるころには、月末の締め作業を一人で任されるまでになり、正社員として採用されました。"
                "上司は「ミスが少なく、締め切りを必ず守る。部署の誰よりも頼りになる」と話します。",
                "By the end of the trial she was running the month-end close on her own, and she was offered a "
                'permanent contract. "She makes hardly any mistakes and never misses a deadline," says her manager. '
                '"She is the most reliable person on the team."',
            ),
            t(
                "いまの目標は、日本語能力試験のN2に合格し、日本の簿記検定にも挑戦することです。「娘がこの国で安心して"
                "育っていけるように、私も一歩ずつ根を張っていきたい」とオレナさんは話します。",
                "Her next goals are to pass level N2 of the Japanese-Language Proficiency Test and to sit a Japanese "
                'bookkeeping exam. "I want to put down roots step by step, so my daughter can grow up safe here," '
                "Olena says.",
            ),
        ],
    },
    {
        "slug": "rahim-evacuated-from-kabul",
        "person": t("ラヒムさん", "Rahim"),
        "date": date(2022, 11, 8),
        "hero_image": "story-rahim",
        "regions": [REGION_AFGHANISTAN, AREA_ASIA],
        "topics": [TOPIC_FAMILY, TOPIC_HOUSING, TOPIC_WORK],
        "title": t(
            "カブールからの退避、家族5人の新しい暮らし　ラヒムさん",
            "Evacuated from Kabul, a family of five starts again: Rahim's story",
        ),
        "intro": t(
            "国際NGOのプロジェクトマネージャーだったラヒムさんは、2021年8月に家族とともに退避しました。"
            "いまは物流倉庫で現場のマネージャーを務めています。",
            "Rahim managed projects for an international NGO until August 2021, when he and his family were "
            "evacuated. Today he runs a shift at a logistics warehouse.",
        ),
        "paragraphs": [
            t(
                "2021年8月、カブール空港は国外へ逃れようとする人々であふれていました。国際NGOで給水事業の"
                "プロジェクトマネージャーを務めていたラヒムさんは、妻と3人の子どもを連れて退避便に乗り込みました。",
                "In August 2021 Kabul airport was overflowing with people trying to get out. Rahim, who had managed "
                "water-supply projects for an international NGO, boarded an evacuation flight with his wife and "
                "three children.",
            ),
            t(
                "日本での暮らしは、家族5人で住める部屋を探すことから始まりました。保証人がいない、前例がないと断られ続けた"
                "なかで、WELgeeは理解のある不動産会社を探し、契約の手続きや役所への届け出に付き添いました。",
                "Life in Japan began with the hunt for a flat big enough for five. Agent after agent turned them down "
                "for want of a guarantor or a precedent. WELgee found a sympathetic letting agent and went with "
                "them through the contract and the paperwork at the ward office.",
            ),
            t(
                "子どもたちは近所の小学校と中学校に通い始めました。ラヒムさんは自転車で保育園の送り迎えをしながら、"
                "週に4日、夜間の日本語教室に通いました。ごみの分別や町内会の回覧板にも、少しずつ慣れていきました。",
                "The children enrolled at the local primary and junior high schools. Rahim cycled the youngest to "
                "nursery and went to evening Japanese classes four nights a week. Bit by bit the family got used to "
                "sorting rubbish and to the neighbourhood association's circulars.",
            ),
            t(
                "キャリアコーディネーターとの面談で、ラヒムさんは「人を動かし、計画どおりに物事を進めるのが自分の強み」と"
                "話しました。その言葉をもとに紹介したのが、多国籍のスタッフが働く物流倉庫でした。",
                "In sessions with his career coordinator Rahim said his strength was organising people and keeping "
                "plans on track. That led us to a logistics warehouse where staff from many countries work side by side.",
            ),
            t(
                "ピッキングや検品から始めたラヒムさんは、ダリー語、パシュトー語、英語を使い分けて同僚の通訳役も買って出ました。"
                "入社1年で、20人が働く夜間シフトのマネージャーに抜擢されています。",
                "Starting out picking and checking orders, he was soon interpreting for colleagues in Dari, Pashto "
                "and English. Within a year he was promoted to manage a night shift of twenty people.",
            ),
            t(
                "「家族が安心して眠れる家があり、自分には任される仕事がある。それだけで、もう一度ここから始められると思えました」。"
                "ラヒムさんの次の夢は、いつか自分の経験を生かして、新しく日本に来た人たちの相談に乗ることです。",
                '"My family has a home where they can sleep safely, and I have work people trust me with. That was '
                "enough to believe we could start again.\" Rahim's next dream is to use what he has learned to "
                "advise people newly arrived in Japan.",
            ),
        ],
    },
    {
        "slug": "esther-nurse-from-cameroon",
        "person": t("エスターさん", "Esther"),
        "date": date(2021, 9, 14),
        "hero_image": "story-esther",
        "regions": [REGION_CAMEROON, AREA_AFRICA],
        "topics": [TOPIC_TRIAL, TOPIC_JAPANESE, TOPIC_QUALIFICATION, TOPIC_WORK],
        "title": t(
            "看護師の経験を介護の現場へ　エスターさん",
            "From nurse to care worker, one exam at a time: Esther's story",
        ),
        "intro": t(
            "カメルーンで看護師をしていたエスターさんは、日本の介護施設でトライアル雇用を受け、いまは国家資格の取得を目指しています。",
            "Esther was a nurse in Cameroon. After a trial job at a Japanese care home she is now studying for a "
            "national care-worker qualification.",
        ),
        "paragraphs": [
            t(
                "カメルーン北西部の英語圏で、エスターさんは州立病院の看護師として10年近く働いてきました。武装勢力と政府軍の"
                "衝突が激しくなり、負傷者を手当てしたことを理由に脅迫を受けるようになって、国を離れざるを得なくなりました。",
                "In Cameroon's English-speaking north-west, Esther worked as a nurse at a regional hospital for "
                "almost ten years. As fighting between armed groups and government forces escalated, she was "
                "threatened for treating the wounded, and had to leave.",
            ),
            t(
                "日本に来てから難民認定を申請しましたが、結果が出るまでの数年間、看護師の免許は使えません。"
                "「人の役に立つ仕事がしたいのに、何もできない時間がいちばんつらかった」と振り返ります。",
                "She applied for refugee status in Japan, but her nursing licence counts for nothing here, and the "
                'decision can take years. "I wanted to be useful to people," she recalls. "The hardest part was '
                'the time when I could do nothing at all."',
            ),
            t(
                "WELgeeは、エスターさんの経験が生きる場として介護の仕事を提案し、特別養護老人ホームを運営する社会福祉法人に"
                "つなぎました。まずは2週間のトライアル雇用で、食事や入浴の介助、レクリエーションの補助を担当しました。",
                "WELgee suggested elder care as a place where her experience would count, and introduced her to a "
                "welfare corporation that runs a nursing home. She began with a two-week trial, helping residents "
                "at mealtimes and bath times and assisting with activities.",
            ),
            t(
                "利用者のおばあさんたちは、エスターさんの明るい笑い声と、体調の変化にすぐ気づく観察力をすぐに気に入りました。"
                "施設長は「申し送りが的確で、看護の基礎がしっかりしている」と評価し、トライアルの後、常勤として雇用を決めました。",
                "The residents quickly warmed to her bright laugh and to how fast she noticed when someone was "
                'unwell. "Her handovers are precise and her nursing basics are solid," said the director, who '
                "offered her a full-time post when the trial ended.",
            ),
            t(
                "いちばんの難関は、介護記録を日本語で書くことでした。エスターさんは休憩時間に漢字ドリルを開き、"
                "「誤嚥」「褥瘡」といった専門用語を一つずつ覚えました。同僚が手作りの単語カードを贈ってくれたこともあります。",
                "The biggest hurdle was writing care records in Japanese. On her breaks she worked through kanji "
                'drills, learning clinical terms such as "aspiration" and "pressure sore" one by one. A colleague '
                "once gave her a set of handmade flashcards.",
            ),
            t(
                "現在の目標は、介護福祉士の国家試験に合格すること。「いつか日本でも、看護の仕事に戻りたい。"
                "でもまずは、目の前の利用者さんに毎日『ありがとう』と言ってもらえる仕事を続けたい」と話しています。",
                'Her goal now is to pass the national exam for certified care workers. "One day I would like to '
                "nurse again, in Japan too. But first I want to keep doing work where the residents thank me every "
                'single day."',
            ),
        ],
    },
    {
        "slug": "dawit-chef-from-ethiopia",
        "person": t("ダウィットさん", "Dawit"),
        "date": date(2022, 4, 26),
        "hero_image": "story-dawit",
        "regions": [REGION_ETHIOPIA, AREA_AFRICA],
        "topics": [TOPIC_FOOD, TOPIC_TRIAL, TOPIC_WORK, TOPIC_HOUSING],
        "title": t(
            "スパイスの香りでつながる厨房　ダウィットさん",
            "A kitchen brought together by spice: Dawit's story",
        ),
        "intro": t(
            "アディスアベバのホテルで料理長を務めていたダウィットさん。ホテルの厨房でのトライアル雇用から、新しいメニューを生み出す料理人になりました。",
            "Dawit was head chef at a hotel in Addis Ababa. A trial job in a Japanese hotel kitchen led him to "
            "create dishes on its menu.",
        ),
        "paragraphs": [
            t(
                "エチオピアの首都アディスアベバで、ダウィットさんはホテルのレストランを任される料理長でした。"
                "政治的な集会で料理を振る舞ったことをきっかけに当局から目をつけられ、身の危険を感じて日本に逃れました。",
                "In Addis Ababa, Ethiopia's capital, Dawit ran the restaurant kitchen of a hotel. After he cooked "
                "for a political gathering the authorities began watching him, and fearing for his safety he fled "
                "to Japan.",
            ),
            t(
                "来日後しばらくは、シェルターを転々としながら、建設現場の日雇いの仕事で食いつないでいました。"
                "包丁を握らない日が続くことが、何よりもこたえたといいます。",
                "For months he moved between shelters and got by on day labour at construction sites. Going day "
                "after day without holding a kitchen knife, he says, hurt more than anything.",
            ),
            t(
                "WELgeeは、まず住まいを安定させるためにシェアハウスの部屋を確保し、そのうえで飲食業界の企業との面談を重ねました。"
                "面接の代わりに、ダウィットさんは得意料理を実際に作ってみせることにしました。",
                "WELgee first secured him a room in a shared house so he had stable housing, then arranged meetings "
                "with restaurant and hotel companies. Instead of a formal interview, Dawit offered to cook.",
            ),
            t(
                "テフ粉を発酵させて焼くインジェラ、唐辛子とスパイスを何種類も合わせたベルベレ、じっくり煮込んだ"
                "豆のシチュー。試食した料理長たちは驚き、横浜のホテルの厨房で1カ月のトライアル雇用が決まりました。",
                "Injera made from fermented teff flour, berbere spice blended from a dozen chillies and spices, a "
                "slow-simmered bean stew. The chefs who tasted them were amazed, and he was offered a one-month "
                "trial in a hotel kitchen in Yokohama.",
            ),
            t(
                "厨房では、仕込みの手際のよさと衛生管理の確かさが評価されました。料理長と相談しながら、ハラールやヴィーガンの"
                "お客さまにも喜ばれる、エチオピアのスパイスを生かした朝食メニューを開発し、いまでは定番の人気料理です。",
                "In the kitchen his speed at prep and his rigour on hygiene won respect. Working with the head chef "
                "he developed a breakfast dish built on Ethiopian spices that halal and vegan guests love; it is now "
                "a fixture on the menu.",
            ),
            t(
                "「料理は言葉がいらない会話です」とダウィットさん。いつか、エチオピアと日本の食材を組み合わせた"
                "小さな食堂を開くのが夢です。",
                '"Food is a conversation that needs no words," Dawit says. One day he hopes to open a small '
                "restaurant bringing Ethiopian and Japanese ingredients together.",
            ),
        ],
    },
    {
        "slug": "thiha-student-from-myanmar",
        "person": t("ティハさん", "Thiha"),
        "date": date(2024, 1, 18),
        "hero_image": "story-thiha",
        "regions": [REGION_MYANMAR, AREA_ASIA],
        "topics": [TOPIC_STUDY, TOPIC_IT, TOPIC_WORK, TOPIC_JAPANESE],
        "title": t(
            "帰れなくなった留学生、サーバーエンジニアになる　ティハさん",
            "A student who could not go home becomes a server engineer: Thiha's story",
        ),
        "intro": t(
            "日本の大学で情報工学を学んでいたティハさんは、2021年のクーデターで帰国できなくなりました。いまはクラウドの運用を担うエンジニアです。",
            "Thiha was studying computer engineering in Japan when the 2021 coup made going home impossible. "
            "Today he keeps cloud servers running.",
        ),
        "paragraphs": [
            t(
                "ティハさんは、ヤンゴンの高校を卒業したあと、奨学金を得て日本の大学に留学しました。情報工学を専攻し、"
                "卒業後はミャンマーに戻ってコンピューターの技術を伝える仕事に就くつもりでした。",
                "After finishing secondary school in Yangon, Thiha came to Japan on a scholarship to study computer "
                "engineering. He planned to go home after graduating and teach others what he had learned about "
                "computers.",
            ),
            t(
                "2021年2月、国軍によるクーデターが起き、状況は一変しました。SNSで民主化を支持する投稿をしていたティハさんは、"
                "帰国すれば拘束されるおそれがありました。故郷の家族とも、連絡が取れない日が続きました。",
                "Then in February 2021 the military seized power. Thiha had posted in support of democracy online, "
                "and going back would have meant risking arrest. For days at a time he could not reach his family.",
            ),
            t(
                "留学生の在留資格のまま卒業を迎え、将来が見えなくなっていたとき、大学の先生の紹介でWELgeeにたどり着きました。"
                "キャリアコーディネーターと一緒に履歴書を書き直し、卒業研究で作ったネットワーク監視ツールをポートフォリオにまとめました。",
                "With graduation approaching, a student visa running out and no future in sight, a professor "
                "pointed him to WELgee. With his career coordinator he rewrote his CV and turned the network "
                "monitoring tool from his graduation project into a portfolio.",
            ),
            t(
                "紹介先のソフトウェア会社では、インターンとしてLinuxサーバーの構築やログの分析を経験しました。"
                "障害が起きた夜、誰よりも早く原因を突き止めたことがきっかけで、正式にインフラエンジニアとして採用されました。",
                "At the software company we introduced him to, he interned building Linux servers and analysing "
                "logs. One night, when a service went down, he tracked down the cause before anyone else, and he "
                "was hired as an infrastructure engineer.",
            ),
            t(
                "いまはクラウド上の２４時間稼働のシステムを監視し、自動化のスクリプトを書いています。社内の勉強会では講師も務め、"
                "日本人の新入社員にコンテナの仕組みを教えています。",
                "Now he monitors systems that run round the clock in the cloud and writes automation scripts. He "
                "also leads study sessions at work, teaching new Japanese hires how containers work.",
            ),
            t(
                "「学んだことが、誰かの役に立っている実感があります」とティハさん。将来は、ミャンマーの若者がオンラインで"
                "プログラミングを学べる場をつくりたいと考えています。",
                '"I can feel what I learned being useful to someone," Thiha says. In the future he wants to build '
                "a place where young people in Myanmar can learn programming online.",
            ),
        ],
    },
    {
        "slug": "karim-engineer-from-syria",
        "person": t("カリームさん", "Karim"),
        "date": date(2020, 10, 5),
        "hero_image": "story-karim",
        "regions": [REGION_SYRIA, AREA_MIDDLE_EAST],
        "topics": [TOPIC_MANUFACTURING, TOPIC_TRIAL, TOPIC_JAPANESE, TOPIC_WORK],
        "title": t(
            "アレッポの機械設計者、日本の工場で図面を引く　カリームさん",
            "An Aleppo design engineer at a Japanese factory: Karim's story",
        ),
        "intro": t(
            "シリアで機械設計をしていたカリームさんは、部品メーカーでのトライアル雇用を経て、品質管理と設計の両方を任される技術者になりました。",
            "Karim designed machinery in Syria. After a trial job at a parts maker, he now works across quality "
            "control and design.",
        ),
        "paragraphs": [
            t(
                "カリームさんは、アレッポの工科大学を卒業し、繊維機械の工場で設計を担当していました。内戦で工場が破壊され、"
                "徴兵から逃れるために国を出ると、トルコやマレーシアを経て日本にたどり着きました。",
                "Karim graduated from an engineering university in Aleppo and designed machines at a textile "
                "machinery plant. When the war destroyed the factory he left to escape conscription, reaching "
                "Japan by way of Turkey and Malaysia.",
            ),
            t(
                "日本のものづくりに憧れていた一方で、難民認定を申請中の身では、専門を生かせる仕事になかなか出会えませんでした。"
                "CADの画面を見ることもないまま、数年が過ぎていきました。",
                "He had long admired Japanese manufacturing, but as an asylum applicant he could not find work "
                "that used his expertise. Years went by without him opening CAD software once.",
            ),
            t(
                "WELgeeのプログラムに参加したカリームさんは、キャリアコーディネーターと一緒に、過去に設計した部品の図面を"
                "英語と日本語で説明する練習を重ねました。紹介先は、自動車やバイクの部品を作る従業員80人ほどのメーカーです。",
                "In WELgee's programme he practised explaining drawings of parts he had designed, in English and "
                "Japanese, with his career coordinator. We introduced him to a manufacturer of car and motorcycle "
                "parts with about eighty employees.",
            ),
            t(
                "1カ月のトライアル雇用では、金型の寸法を測り、旋盤で加工した試作品の精度を確かめる検査を担当しました。"
                "図面の読み違いを見つけて量産前に不良を防いだことで、現場の信頼を一気に得ました。",
                "During a one-month trial he measured moulds and checked the precision of prototypes turned on the "
                "lathe. When he spotted a misread drawing and stopped a defect before mass production, the shop "
                "floor's trust was his.",
            ),
            t(
                "本採用後は、品質管理の仕事に加えて、治具の設計も任されるようになりました。朝礼での日本語のスピーチは、"
                "最初は原稿を読み上げるのが精一杯でしたが、いまでは冗談で同僚を笑わせています。",
                "Since being hired permanently he has taken on jig design as well as quality control. At first he "
                "could barely read out his Japanese speech at the morning meeting; now he makes his colleagues laugh.",
            ),
            t(
                "「壊された工場の代わりに、ここで新しい機械をつくっている気持ちです」。カリームさんは、いつか設計の技術を"
                "シリアの復興に役立てたいと願っています。",
                '"It feels like I am building new machines here in place of the factory that was destroyed." '
                "Karim hopes one day to put his design skills to work rebuilding Syria.",
            ),
        ],
    },
    {
        "slug": "jean-paul-from-dr-congo",
        "person": t("ジャン＝ポールさん", "Jean-Paul"),
        "date": date(2019, 12, 10),
        "hero_image": "story-jean-paul",
        "regions": [REGION_DRC, AREA_AFRICA],
        "topics": [TOPIC_WORK, TOPIC_JAPANESE, TOPIC_IT],
        "title": t(
            "記者からプログラマーへ、言葉の力を信じて　ジャン＝ポールさん",
            "From journalist to programmer, still believing in words: Jean-Paul's story",
        ),
        "intro": t(
            "コンゴ民主共和国でジャーナリストだったジャン＝ポールさんは、日本でプログラミングを学び、翻訳アプリを開発する会社で働いています。",
            "Jean-Paul was a journalist in the Democratic Republic of the Congo. In Japan he learned to code and "
            "now builds translation apps.",
        ),
        "paragraphs": [
            t(
                "キンシャサのラジオ局で記者をしていたジャン＝ポールさんは、選挙の不正を報じたあとで何度も脅され、"
                "国を離れる決断をしました。フランス語、リンガラ語、英語を話す彼にとって、日本語はまったく未知の言葉でした。",
                "Jean-Paul was a reporter at a radio station in Kinshasa. After he exposed electoral fraud he was "
                "threatened again and again, and decided to leave. He spoke French, Lingala and English, but "
                "Japanese was entirely new to him.",
            ),
            t(
                "来日後、図書館で独学を続けるなかで出会ったのが、プログラミングでした。「コードも言葉の一つ。"
                "文法を覚えれば、世界中の誰とでも通じ合える」。記者の好奇心が、新しい分野に火をつけました。",
                'Studying alone in public libraries after he arrived, he discovered programming. "Code is a '
                "language too. Learn its grammar and you can talk to anyone in the world.\" A reporter's curiosity "
                "caught fire in a new field.",
            ),
            t(
                "WELgeeのメンタリングでは、現役のプログラマーがボランティアで週に一度、学習計画を一緒に立てました。"
                "ジャン＝ポールさんは半年でウェブアプリを3つ作り上げ、その一つは難民申請の手続きを多言語で説明するものでした。",
                "Through WELgee's mentoring, a working programmer volunteered once a week to plan his learning with "
                "him. In six months Jean-Paul built three web apps, one of which explained the asylum procedure in "
                "several languages.",
            ),
            t(
                "そのアプリに目を留めたのが、多言語の翻訳サービスを手がけるスタートアップでした。面談では、"
                "記者時代に培った「相手の話を最後まで聞く力」が、ユーザーの声を拾う開発に向いていると評価されました。",
                "That app caught the eye of a start-up building multilingual translation services. In the interview "
                "they valued the habit he had formed as a journalist, listening to people to the very end, as just "
                "right for building products around users' voices.",
            ),
            t(
                "いまは、病院や役所の窓口で使われる翻訳アプリのフランス語とリンガラ語の対応を担当しています。"
                "「言葉の壁で困る人を、一人でも減らしたい。それは記者だったころと同じ願いです」と話しています。",
                "Today he leads the French and Lingala support in a translation app used at hospital and city-hall "
                'counters. "I want fewer people stuck behind a language barrier. It is the same wish I had as a '
                'reporter."',
            ),
        ],
    },
]

# ---------------------------------------------------------------------------------------------
# Other pages
# ---------------------------------------------------------------------------------------------

STANDARD_PAGES: list[dict[str, Any]] = [
    {
        "slug": "about",
        "title": t("WELgeeについて", "About WELgee"),
        "intro": t(
            "WELgeeは、日本に逃れてきた難民とともに未来をつくるNPO法人です。",
            "WELgee is a non-profit that builds the future together with refugees who have fled to Japan.",
        ),
        "sections": [
            {
                "heading": t("私たちのミッション", "Our mission"),
                "paragraphs": [
                    t(
                        "日本は難民として認められる人が極めて少ない国です。だからこそ私たちは、制度の結果を待つだけでなく、"
                        "一人ひとりがキャリアや人生の目標を追い求められる道筋を、企業や自治体、教育機関など多様なセクターと"
                        "ともにつくっていきます。",
                        "Japan recognises very few people as refugees. Rather than only waiting on the system, we "
                        "work with companies, local governments, schools and many others to open paths on which each "
                        "person can pursue their career and life goals.",
                    ),
                    t(
                        "WELgeeの名前は、「Welcome」と「Refugee」を組み合わせたものです。迎え入れる側と迎え入れられる側が"
                        "対等な仲間として出会える社会を目指しています。",
                        'Our name joins "welcome" and "refugee". We want a society in which those who welcome and '
                        "those who are welcomed meet as equals.",
                    ),
                ],
            },
            {
                "heading": t("支援の対象", "Who we support"),
                "paragraphs": [
                    t(
                        "命の危険があり、いまは祖国に戻ることのできない方々が対象です。認定を受けた難民だけでなく、"
                        "難民認定を申請中の方、日本にいる間に母国の情勢が変わり帰国できなくなった元留学生などの後発的難民、"
                        "ウクライナやアフガニスタンなどからの避難民の方々も含みます。",
                        "We support anyone who cannot go home because their life would be in danger: recognised "
                        "refugees, asylum applicants, people such as former students who became refugees while in "
                        "Japan because of events at home, and evacuees from Ukraine, Afghanistan and elsewhere.",
                    ),
                ],
            },
            {
                "heading": t("就労伴走プログラム", "Our employment programme"),
                "paragraphs": [
                    t(
                        "これまでに40カ国・400名以上の方の就労に伴走してきました。キャリアコーディネーターが本人と企業の"
                        "双方に寄り添い、面談の準備からトライアル雇用、本採用、そして職場への定着まで支えます。",
                        "We have coached more than 400 people from 40 countries into work. Career coordinators "
                        "support both the person and the company, from preparing for interviews through trial "
                        "employment and hiring to settling in.",
                    ),
                    t(
                        "プログラムはすべて無償で提供しています。その費用を支えているのが、WELgeeファミリーの皆さまからの"
                        "毎月のご寄付です。",
                        "The programme is free to everyone in it. It is paid for by the monthly gifts of the WELgee "
                        "family.",
                    ),
                ],
            },
            {
                "heading": t("団体概要", "Organisation"),
                "paragraphs": [
                    t(
                        "名称：特定非営利活動法人WELgee（ウェルジー）／所在地：東京都／設立：2016年（法人化は2018年）。"
                        "WELgeeは認定NPO法人ではないため、ご寄付は寄付金控除の対象となりません。",
                        "Name: WELgee (specified non-profit corporation). Based in Tokyo. Founded 2016, incorporated "
                        "2018. WELgee is not a certified NPO, so gifts are not tax-deductible.",
                    ),
                ],
            },
        ],
    },
    {
        "slug": "privacy",
        "title": t("プライバシーポリシー", "Privacy policy"),
        "intro": t(
            "特定非営利活動法人WELgee（以下「当団体」）は、個人情報の保護に関する法律（個人情報保護法）その他の関係法令を"
            "遵守し、皆さまの個人情報を以下のとおり取り扱います。",
            'WELgee ("we") handles your personal information as set out below, in compliance with Japan\'s Act '
            "on the Protection of Personal Information (APPI) and related laws.",
        ),
        "sections": [
            {
                "heading": t("1. 取得する個人情報", "1. Information we collect"),
                "paragraphs": [
                    t(
                        "お名前（漢字・フリガナ）、メールアドレス、住所、電話番号、ご寄付の履歴、お問い合わせの内容など、"
                        "ご寄付やメールマガジンのお申し込みの際にご提供いただく情報を取得します。クレジットカード番号は"
                        "決済代行会社（Stripe）が直接取得し、当団体が保持することはありません。",
                        "Your name (including its reading), email address, postal address, phone number, donation "
                        "history and the content of enquiries, as you give them when donating or subscribing. Card "
                        "numbers are collected directly by our payment processor (Stripe); we never hold them.",
                    ),
                ],
            },
            {
                "heading": t("2. 利用目的", "2. Why we use it"),
                "paragraphs": [
                    t(
                        "ご寄付の受付と領収書の発行、活動報告やメールマガジン「WELgeeファミリー通信」の送付、"
                        "Facebook限定グループへのご招待、イベントのご案内、お問い合わせへの回答、および個人を特定しない形での"
                        "統計の作成のために利用します。",
                        "To process donations and issue receipts; to send activity reports and our newsletter, the "
                        '"WELgee family letter"; to invite you to the members-only Facebook group and to events; '
                        "to answer enquiries; and to produce statistics that identify no one.",
                    ),
                ],
            },
            {
                "heading": t("3. 第三者への提供と委託", "3. Sharing and processors"),
                "paragraphs": [
                    t(
                        "法令に基づく場合を除き、ご本人の同意なく個人情報を第三者に提供することはありません。決済（Stripe）や"
                        "メール配信（Mailchimp）など業務の一部を委託する場合は、委託先を適切に監督します。",
                        "Except where the law requires, we never share your information with third parties without "
                        "your consent. Where we entrust processing to service providers, such as payments (Stripe) "
                        "or email delivery (Mailchimp), we supervise them appropriately.",
                    ),
                ],
            },
            {
                "heading": t("4. 外国にある第三者への提供", "4. Transfers outside Japan"),
                "paragraphs": [
                    t(
                        "上記の委託先には、米国など日本国外でデータを保管する事業者が含まれます。提供にあたっては、"
                        "個人情報保護法第28条に従い、当該国の制度や委託先の安全管理措置に関する情報を確認しています。",
                        "Some of these providers store data outside Japan, for example in the United States. In line "
                        "with Article 28 of the APPI, we check the legal regime of the country concerned and the "
                        "provider's security measures before transferring data.",
                    ),
                ],
            },
            {
                "heading": t("5. 安全管理措置", "5. Security"),
                "paragraphs": [
                    t(
                        "個人情報への不正アクセス、紛失、漏えいを防ぐため、アクセス権限の管理、通信の暗号化、職員への研修など"
                        "必要かつ適切な措置を講じます。ご支援いただいている難民等の方々の情報は、特に慎重に取り扱います。",
                        "We take necessary and appropriate measures against unauthorised access, loss and leaks, "
                        "including access control, encrypted connections and staff training. Information about the "
                        "refugees we support is handled with particular care.",
                    ),
                ],
            },
            {
                "heading": t("6. 開示・訂正・利用停止などのご請求", "6. Your rights"),
                "paragraphs": [
                    t(
                        "ご本人から保有個人データの開示、訂正、追加、削除、利用停止、第三者提供の停止のご請求があった場合は、"
                        "ご本人であることを確認したうえで、法令に従い遅滞なく対応します。メールマガジンはいつでも配信を停止できます。",
                        "You may ask us to disclose, correct, add to, delete or stop using the personal data we hold "
                        "about you, or to stop sharing it. Once we have confirmed your identity we will respond "
                        "promptly as the law requires. You can unsubscribe from the newsletter at any time.",
                    ),
                ],
            },
            {
                "heading": t("7. Cookieとアクセス解析", "7. Cookies and analytics"),
                "paragraphs": [
                    t(
                        "当サイトは、サイトの改善のためにCookieを使用することがあります。ブラウザの設定でCookieを無効にできますが、"
                        "一部の機能がご利用いただけなくなる場合があります。",
                        "This site may use cookies to improve the service. You can disable cookies in your browser, "
                        "though some features may then not work.",
                    ),
                ],
            },
            {
                "heading": t("8. お問い合わせ窓口", "8. Contact"),
                "paragraphs": [
                    t(
                        "個人情報の取り扱いに関するお問い合わせは、当サイトのお問い合わせページに記載の窓口へご連絡ください。"
                        "本ポリシーは必要に応じて改定し、改定後の内容は当ページでお知らせします。",
                        "Please send questions about how we handle personal information through the contact page on "
                        "this site. We may revise this policy; changes will be published on this page.",
                    ),
                ],
            },
        ],
    },
    {
        # Linked from every page's footer and from the "online giving unavailable" notice.
        "slug": "contact",
        "title": t("お問い合わせ", "Contact us"),
        "intro": t(
            "ご寄付、企業との協働、取材、個人情報の取り扱いについてのご質問は、メールでお寄せください。"
            "通常3営業日以内にお返事します。",
            "Questions about giving, partnering with us, press enquiries or how we handle personal information: "
            "please email us. We usually answer within three working days.",
        ),
        "sections": [
            {
                "heading": t("メール", "Email"),
                "paragraphs": [t("contact@example.org", "contact@example.org")],
            },
            {
                "heading": t("銀行振込でのご寄付", "Giving by bank transfer"),
                "paragraphs": [
                    t(
                        "オンラインでのお手続きが難しい場合は、メールでお知らせください。振込先をご案内します。",
                        "If you cannot give online, email us and we will send you our bank details.",
                    ),
                ],
            },
        ],
    },
]

DONATION_PAGE: dict[str, Any] = {
    "slug": "donate",
    "title": t("寄付する", "Donate"),
    "intro": t(
        "毎月のご寄付で、日本に逃れてきた難民等の就労と人生の再建を支えてください。金額を選んで、"
        "マンスリーサポーターとして、または一回のご寄付としてお手続きいただけます。",
        "Support refugees in Japan as they rebuild their working lives. Choose an amount and give monthly as a "
        "member of the WELgee family, or make a one-off gift.",
    ),
    "suggested_amounts_jpy": [1000, 3000, 5000, 10000],
    "thank_you": t(
        "ご寄付をありがとうございます。WELgeeファミリーへようこそ。確認のメールをお送りしましたので、ご確認ください。"
        "Facebook限定グループへのご招待は、数日以内にメールでお届けします。",
        "Thank you for your gift, and welcome to the WELgee family. We have emailed you a confirmation. Your "
        "invitation to the members-only Facebook group will follow by email within a few days.",
    ),
    "not_configured": t(
        "ただいまオンラインでのご寄付を受け付けることができません。恐れ入りますが、時間をおいて再度お試しいただくか、"
        "下のお問い合わせページからご連絡ください。銀行振込でのご寄付もご案内します。",
        "Online giving is unavailable at the moment. Please try again later, or reach us through the contact page "
        "below: we can also tell you how to give by bank transfer.",
    ),
}
