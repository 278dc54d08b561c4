"""Emails to donors about their Stripe gifts, in the donor's language. Monthly receipts are Stripe's."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

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
    "ja": "WELgeeファミリーへようこそ。毎月の領収書は Stripe からお送りします。\n\n",
    "en": "Welcome to the WELgee family. Stripe sends a receipt for each monthly gift.\n\n",
}
KIND = {"ja": ("毎月", ""), "en": ("monthly ", "")}
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


def format_yen(amount: int) -> str:
    """¥1,000 for 1000: JPY has no minor unit, so the stored integer is shown as it is."""
    return f"¥{amount:,}"


def _language(donor: Donor) -> str:
    return donor.preferred_language if donor.preferred_language in THANK_YOU else "ja"


def thank_you_send(*, donation: Donation) -> None:
    donor = donation.donor
    if not donor.email:
        return
    language = _language(donor)
    subject, body = THANK_YOU[language]
    monthly = donation.recurring_donation_id is not None
    name = donor.display_name or donor.email
    send_mail(
        subject,
        body.format(
            name=name,
            amount=format_yen(donation.amount)
            if donation.currency == "JPY"
            else f"{donation.amount} {donation.currency}",
            kind=KIND[language][0 if monthly else 1],
            members=MEMBERS[language] if monthly else "",
        ),
        settings.DEFAULT_FROM_EMAIL,
        [donor.email],
    )


def manage_gift_link_send(*, donor: Donor, url: str, hours: int) -> None:
    language = _language(donor)
    subject, body = MANAGE_GIFT[language]
    send_mail(subject, body.format(url=url, hours=hours), settings.DEFAULT_FROM_EMAIL, [donor.email])
