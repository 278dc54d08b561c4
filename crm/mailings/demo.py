"""A demo postal mailing: last season's activity report, final, on its recipients' timelines, and one
envelope that came back.
Called by crm.demo.load_crm_demo; keyed by title, so loading twice adds nothing."""

from __future__ import annotations

import datetime as dt

from crm.mailings.models import Mailing
from crm.mailings.services import mailing_finalise, returned_mail_mark
from crm.segments.models import Segment

REPORT_TITLE = "2025年度 活動報告書（秋号）"


def load_mailings_demo(*, as_of: dt.datetime, segment: Segment) -> None:
    if Mailing.objects.filter(title=REPORT_TITLE).exists():
        return
    sent = as_of - dt.timedelta(days=60)
    mailing = Mailing.objects.create(
        title=REPORT_TITLE,
        kind=Mailing.Kind.REPORT,
        segment=segment,
        name_style=Mailing.NameStyle.GIVEN,
        sent_on=sent.date(),
        created_at=sent - dt.timedelta(days=3),
    )
    mailing_finalise(mailing=mailing, now=sent)
    # One envelope came back (宛先不明): that donor is left out of mailings until the address changes.
    returned = mailing.pieces.order_by("pk").first()
    if returned is not None:
        returned_mail_mark(
            donors=list(returned.donors.all()[:1]), note="宛先不明", now=sent + dt.timedelta(days=9)
        )
