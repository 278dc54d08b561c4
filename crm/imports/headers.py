"""Column headers as donor lists spell them, mapped onto the import's field names.

Headers are compared after NFKC, lower-casing and dropping spaces, underscores, hyphens and
brackets, so "E-mail", "e_mail" and "Ｅメール" all find their field.
"""

import re

from crm.donors.normalise import nfkc

# field -> every spelling we accept. "full_name" and "full_kana" are split into family/given.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("氏名", "名前", "お名前", "氏名漢字", "name", "fullname", "donorname"),
    "family_name": ("姓", "苗字", "名字", "familyname", "lastname", "surname"),
    "given_name": ("名", "givenname", "firstname", "forename"),
    "full_kana": ("フリガナ", "ふりがな", "氏名カナ", "氏名フリガナ", "カナ", "kana", "furigana", "namekana"),
    "family_name_kana": ("セイ", "せい", "姓カナ", "姓フリガナ", "familynamekana", "lastnamekana"),
    "given_name_kana": ("メイ", "めい", "名カナ", "名フリガナ", "givennamekana", "firstnamekana"),
    "email": ("メールアドレス", "メール", "eメール", "eメールアドレス", "email", "emailaddress", "mail"),
    "phone": (
        "電話番号",
        "電話",
        "携帯電話",
        "携帯番号",
        "tel",
        "phone",
        "phonenumber",
        "telephone",
        "mobile",
    ),
    "postal_code": ("郵便番号", "〒", "postalcode", "postcode", "zip", "zipcode"),
    "prefecture": ("都道府県", "prefecture", "state"),
    "city": ("市区町村", "city", "town"),
    "address_line": ("住所", "番地", "住所1", "address", "addressline", "address1", "street"),
    "amount": ("金額", "寄付金額", "寄付額", "amount", "donationamount", "gift", "giftamount"),
    "date": (
        "日付",
        "寄付日",
        "入金日",
        "受領日",
        "date",
        "donationdate",
        "receivedat",
        "receivedon",
        "giftdate",
    ),
    "method": ("支払方法", "支払い方法", "寄付方法", "決済方法", "方法", "method", "paymentmethod"),
    "language": ("言語", "使用言語", "希望言語", "language", "preferredlanguage", "lang"),
    "notes": ("備考", "メモ", "notes", "note", "memo", "comments"),
    "tags": ("タグ", "tags", "tag"),
}

_LOOKUP = {}
for _field, _aliases in HEADER_ALIASES.items():
    for _alias in _aliases:
        _LOOKUP[re.sub(r"[\s_\-・()（）\[\]]", "", nfkc(_alias).lower())] = _field


def header_key(header: str) -> str:
    return re.sub(r"[\s_\-・()（）\[\]]", "", nfkc(header).lower())


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """({column index: field}, [headers we don't know]). A field's first column wins."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        field = _LOOKUP.get(header_key(header))
        if field is None:
            if header.strip():
                unknown.append(header)
        elif field not in mapping.values():
            mapping[index] = field
    return mapping, unknown
