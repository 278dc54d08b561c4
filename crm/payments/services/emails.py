"""Emails to donors about their Stripe gifts, in the donor's language. Receipts are crm/receipts'
(Stripe's own receipt emails are switched off: see docs/deploy.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from crm.display import money
from crm.donors.models import Donor
from crm.giving.models import Donation

THANK_YOU = {
    "ja": (
        "ご寄付ありがとうございます",
        "{name}様\n\n"
        "このたびは WELgee に{kind} {amount} のご寄付をいただき、心より感謝申し上げます。\n"
        "皆さまからのご寄付は、日本に暮らす難民等の方々のキャリアへの伴走のために使わせていただきます。\n\n"
        "{members}"
        "WELgee",
    ),
    "en": (
        "Thank you for your gift to WELgee",
        "Dear {name},\n\n"
        "Thank you for your {kind}gift of {amount} to WELgee.\n"
        "Your gift helps refugees living in Japan rebuild their careers and their lives.\n\n"
        "{members}"
        "WELgee",
    ),
}
MEMBERS = {
    "ja": "WELgeeファミリーへようこそ。領収書はご寄付ごとに WELgee からお送りします。\n\n",
    "en": "Welcome to the WELgee family. We send you a receipt for each gift.\n\n",
}
KIND = {"ja": ("毎月", "", "毎年"), "en": ("monthly ", "", "yearly ")}
MANAGE_GIFT = {
    "ja": (
        "WELgee 継続寄付の変更・停止のリンク",
        "以下のリンクから、毎月のご寄付の金額やカードの変更、停止ができます。\n"
        "リンクの有効期限は{hours}時間で、一度だけ使えます。\n\n{url}\n\n"
        "お心当たりのない場合は、このメールを破棄してください。\n\nWELgee",
    ),
    "en": (
        "Your link to manage your monthly gift to WELgee",
        "Use this link to change the amount or card of your monthly gift, or to stop it.\n"
        "It works once and expires in {hours} hours.\n\n{url}\n\n"
        "If you did not ask for it, you can ignore this email.\n\nWELgee",
    ),
}


def _language(donor: Donor) -> str:
    return donor.preferred_language if donor.preferred_language in THANK_YOU else "ja"


def thank_you_send(*, donation: Donation) -> None:
    donor = donation.donor
    if not donor.email:
        return
    language = _language(donor)
    subject, body = THANK_YOU[language]
    monthly = donation.recurring_donation_id is not None
    yearly = monthly and donation.recurring_donation.interval == "year"
    name = donor.display_name or donor.email
    send_mail(
        subject,
        body.format(
            name=name,
            amount=money(donation.amount)
            if donation.currency == "JPY"
            else f"{donation.amount} {donation.currency}",
            kind=KIND[language][2 if yearly else 0 if monthly else 1],
            members=MEMBERS[language] if monthly else "",
        ),
        settings.DEFAULT_FROM_EMAIL,
        [donor.email],
    )


def manage_gift_link_send(*, donor: Donor, url: str, hours: int) -> None:
    language = _language(donor)
    subject, body = MANAGE_GIFT[language]
    send_mail(subject, body.format(url=url, hours=hours), settings.DEFAULT_FROM_EMAIL, [donor.email])


# ---- failed payments and expiring cards ------------------------------------------------------------

RECOVERY_SUBJECT = {
    "ja": {
        "failed": "【WELgee】継続寄付のお支払いができませんでした",
        "day_3": "【WELgee】カード情報のご確認のお願い",
        "day_7": "【WELgee】継続寄付のお支払いについて(最終のご案内)",
    },
    "en": {
        "failed": "We could not take your gift to WELgee",
        "day_3": "Reminder: please check your card for WELgee",
        "day_7": "Last reminder: your gift to WELgee",
    },
}
RECOVERY_BODY = {
    "ja": (
        "{name}様\n\n"
        "いつも WELgee をご支援いただき、ありがとうございます。\n"
        "{kind}のご寄付 {amount} のお支払いが、カード会社により承認されませんでした。"
        "カードの有効期限切れや利用限度額などが考えられます。\n\n"
        "お手数ですが、以下のリンクからカード情報をご確認・ご変更ください"
        "(リンクは一度だけ、10日間お使いいただけます)。\n\n{url}\n\n"
        "{retry}"
        "ご不明な点がございましたら、このメールにご返信ください。\n\nWELgee"
    ),
    "en": (
        "Dear {name},\n\n"
        "Thank you for supporting WELgee.\n"
        "Your card issuer did not approve the payment of your {kind} gift of {amount}. "
        "This often happens when a card has expired or reached its limit.\n\n"
        "Please check or change your card here (the link works once, for 10 days):\n\n{url}\n\n"
        "{retry}"
        "If you have any questions, just reply to this email.\n\nWELgee"
    ),
}
RECOVERY_RETRY = {
    "ja": "次回のお支払いの再試行は {date} の予定です。\n\n",
    "en": "We will try the payment again on {date}.\n\n",
}
RECOVERY_KIND = {"ja": ("毎月", "毎年"), "en": ("monthly", "yearly")}
CARD_EXPIRY = {
    "ja": (
        "【WELgee】ご登録のカードの有効期限が近づいています",
        "{name}様\n\n"
        "いつも WELgee をご支援いただき、ありがとうございます。\n"
        "継続寄付にご登録のカード({card})の有効期限は {month} までです。"
        "有効期限が過ぎるとご寄付のお支払いができなくなりますので、"
        "以下のリンクから新しいカードにご変更ください(リンクは一度だけ、10日間お使いいただけます)。\n\n"
        "{url}\n\nすでにカード会社から新しいカードが届いている場合も、お手数ですがご登録をお願いします。\n\nWELgee",
    ),
    "en": (
        "Your card for WELgee expires soon",
        "Dear {name},\n\n"
        "Thank you for supporting WELgee.\n"
        "The card you give with ({card}) expires at the end of {month}. After that your gift cannot "
        "be taken, so please add your new card here (the link works once, for 10 days):\n\n{url}\n\nWELgee",
    ),
}


def _retry_date(when, language: str) -> str:
    local = timezone.localtime(when)
    return f"{local.year}年{local.month}月{local.day}日" if language == "ja" else local.strftime("%-d %B %Y")


def recovery_email(
    *, donor: Donor, step: str, amount: int, yearly: bool, next_retry_at, url: str
) -> tuple[str, str]:
    """(subject, body) of a failed-payment email, in the donor's language."""
    language = _language(donor)
    retry = (
        RECOVERY_RETRY[language].format(date=_retry_date(next_retry_at, language)) if next_retry_at else ""
    )
    body = RECOVERY_BODY[language].format(
        name=donor.display_name or donor.email,
        kind=RECOVERY_KIND[language][1 if yearly else 0],
        amount=money(amount),
        url=url,
        retry=retry,
    )
    return RECOVERY_SUBJECT[language][step], body


def card_expiry_email(*, donor: Donor, card, url: str) -> tuple[str, str]:
    """(subject, body) of the reminder that a member's card expires soon."""
    language = _language(donor)
    subject, body = CARD_EXPIRY[language]
    month = (
        f"{card.exp_year}年{card.exp_month}月"
        if language == "ja"
        else f"{card.exp_month:02d}/{card.exp_year}"
    )
    card_text = f"{card.brand.upper()} ····{card.last4}" if card.last4 else card.brand.upper()
    return subject, body.format(name=donor.display_name or donor.email, card=card_text, month=month, url=url)
