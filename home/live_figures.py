"""Figures the public site reads from the CRM at render time.

The CRM helper fills these in; until then they return None and the editors' own figures show.
"""

import datetime


def member_count() -> tuple[int, datetime.date] | None:
    """The number of active monthly donors ("WELgee family") and the date it was counted."""
    return None
