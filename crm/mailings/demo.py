"""A demo postal mailing: last season's activity report, final, on its recipients' timelines.
Called by crm.demo.load_crm_demo; keyed by title, so loading twice adds nothing."""

from __future__ import annotations

import datetime as dt

from crm.mailings.models import Mailing
from crm.mailings.services import mailing_finalise
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
