"""How the Chinese documents write a date: ``2023年4月25日``.

The circular, the rectification lists' note and the mail drafts all state dates (deadlines, the day a return
came in) in running Chinese text; they share this one function so that a date reads the same in every document
a unit receives.
"""

from __future__ import annotations

import pandas as pd


def zh_date(d: object) -> str:
    """``2023年4月25日`` of a date, datetime or Timestamp (the time of day dropped); blank for a missing date
    (None, NaN, NaT: a return's received time may be unknown, and a mail then leaves the date out)."""
    if d is None or pd.isna(d):  # None, NaN, NaT (a date never is)
        return ""
    d = pd.Timestamp(d)
    return f"{d.year}年{d.month}月{d.day}日"
