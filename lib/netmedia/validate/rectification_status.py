"""Where each finding sent to a unit stands: open, replied, resolved or overdue (``rectification_status.parquet``).

A finding is known across checks by its ``finding_id`` (:func:`netmedia.validate.findings.finding_id`): the same
fact keeps its id when the unit sends its rows again. A unit's reply comes back in the ``replies`` table (its
rectification list returned, :mod:`netmedia.transform.replies`). This check's findings, the replies and the
findings of the previous check (the ones sent out) give each finding one status:

- ``resolved``: it was sent (in the previous findings, or its id is in a returned list) and this check no longer
  finds it: the new data no longer break the rule;
- ``replied``: found again, and the unit has replied (a non-empty reply);
- ``overdue``: found again, no reply, and the as-of date is past the reply deadline (round deadline +
  ``[rectification] reply_days``, or ``reply_deadline``);
- ``open``: found, no reply, not yet due.

The ``[rectification]`` section of ``config/institution.toml`` holds ``reply_days`` (or a ``reply_deadline``
date) and, for reproducible runs, ``as_of`` (default: today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from netmedia.config import Config, parse_date

DEFAULT_REPLY_DAYS = 15  # reply deadline = round deadline + this, unless configured
STATUS_COLUMNS = ("finding_id", "unit", "rule", "status", "reply", "replied_at")
STATUSES = ("open", "replied", "resolved", "overdue")
#: The statuses as people read them (notebook 04, the dashboard).
STATUS_ZH = {"open": "待整改", "replied": "已回复", "resolved": "已整改", "overdue": "逾期"}


def reply_deadline_for(config: Config) -> dt.date:
    """The date units must reply by: ``[rectification] reply_deadline`` (a date) or ``reply_days``
    (days after the round's deadline) in the institution TOML, else the round deadline + 15 days."""
    section = config.section("rectification")
    fixed = parse_date(section.get("reply_deadline"))
    if fixed is not None:
        return fixed
    return config.round.deadline + dt.timedelta(days=int(section.get("reply_days", DEFAULT_REPLY_DAYS)))


def as_of_for(config: Config, today: dt.date | None = None) -> dt.date:
    """The date the statuses are judged on: ``[rectification] as_of`` when set (reproducible runs), else today."""
    return parse_date(config.section("rectification").get("as_of")) or today or dt.date.today()


def _text(v: object) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def latest_replies(replies: pd.DataFrame | None) -> pd.DataFrame:
    """One reply per finding id: the latest (by ``replied_at``, then file), non-empty replies only."""
    cols = ["finding_id", "reply", "replied_at", "rule", "unit"]
    if replies is None or not len(replies):
        return pd.DataFrame({c: pd.Series([], dtype="datetime64[us]" if c == "replied_at" else "str") for c in cols})
    r = replies.assign(reply=replies["reply"].map(_text))
    r = r[r["reply"].notna() & r["finding_id"].notna()]
    r = r.sort_values(["replied_at", "source_file", "source_row"], na_position="first", kind="stable")
    return r.drop_duplicates("finding_id", keep="last")[cols].reset_index(drop=True)


def rectification_status(findings: pd.DataFrame, replies: pd.DataFrame | None, previous: pd.DataFrame | None,
                         config: Config, *, today: dt.date | None = None) -> pd.DataFrame:
    """Each finding's status (columns :data:`STATUS_COLUMNS`): this check's findings, and the findings that were
    sent (``previous`` findings, or ids replied to in ``replies``) and are no longer found, as ``resolved``."""
    overdue = as_of_for(config, today) > reply_deadline_for(config)
    got = latest_replies(replies).set_index("finding_id")
    now = findings.drop_duplicates("finding_id")
    rows = []
    for fid, unit, rule in zip(now["finding_id"], now["unit"], now["rule"], strict=True):
        reply = got["reply"].get(fid)
        status = "replied" if reply is not None else ("overdue" if overdue else "open")
        rows.append((fid, unit, rule, status, reply, got["replied_at"].get(fid)))
    found = set(now["finding_id"])
    sent: dict[str, tuple[object, object]] = {}
    if previous is not None and len(previous):
        sent.update((f, (u, r)) for f, u, r in zip(previous["finding_id"], previous["unit"], previous["rule"],
                                                    strict=True) if _text(f))
    for fid, row in got.iterrows():
        sent.setdefault(str(fid), (row["unit"], row["rule"]))
    for fid in sorted(set(sent) - found):
        unit, rule = sent[fid]
        rows.append((fid, unit, rule, "resolved", got["reply"].get(fid), got["replied_at"].get(fid)))
    out = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    for c in STATUS_COLUMNS:
        out[c] = (pd.to_datetime(out[c]).astype("datetime64[us]") if c == "replied_at"
                  else out[c].astype("str").where(out[c].notna(), None))
    return out


def progress_by_unit(status: pd.DataFrame | None, roster: Iterable[str] = (), unknown: str = "") -> pd.DataFrame:
    """Per unit, how many findings are in each status (columns :data:`STATUSES`, index the unit): the units of
    ``status`` (a finding without a unit under ``unknown``) and of ``roster`` (zeros when they have none)."""
    if status is None or not len(status):
        status = pd.DataFrame({"unit": pd.Series([], dtype="str"), "status": pd.Series([], dtype="str")})
    unit = status["unit"].astype("str").where(status["unit"].notna(), unknown)
    counts = pd.crosstab(unit, status["status"]).reindex(columns=list(STATUSES), fill_value=0)
    units = sorted(set(counts.index) | {u for u in roster if isinstance(u, str)})
    return counts.reindex(units, fill_value=0).astype("int64").rename_axis(index="unit", columns=None)
