"""A returned rectification list (整改清单) into rows of the ``replies`` table.

The lists netmedia sends out (:mod:`netmedia.report.rectification`) carry the hidden stamp
(:mod:`netmedia.extract.stamp`, kind ``rectification``) with the list sheet's layout: its header row and the
field of each column, the hidden ``finding_id`` (问题编号) and the unit's reply (单位回复/整改情况) among them.
A list that comes back is read by that layout, never by guessing its header, and is no return: its rows are
the department's own findings, so none of them becomes a platform, an account or a reject. Each row whose reply
cell holds text becomes one reply; a row left empty is no reply.

``replied_at`` is the mail's date when the list came by mail, else the modification time of the file under
``data_raw/`` (the caller gives one or the other as ``received_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from netmedia.extract import tables
from netmedia.extract.stamp import Stamp
from netmedia.transform.text import clean

KIND = "rectification"  # the stamp kind of a rectification list
LIST_TABLE = "findings"  # the stamp's table of the list sheet (one finding per row)
ID_FIELD = "finding_id"
REPLY_FIELD = "reply"
RULE_FIELD = "rule"  # the rule's id (hidden, beside the finding id)
CELL_SEPARATOR = " | "  # how the table reader joins a row's non-empty cells into its text


def is_returned_list(stamp: Stamp | None) -> bool:
    return stamp is not None and stamp.kind == KIND


def _text(v: object) -> str | None:
    if v is None:
        return None
    s = clean(str(v))
    return s or None


def _list_rows(sheets: list[tables.SheetTable], stamp: Stamp) -> Iterator[tuple[str, int, str | None, str, str | None]]:
    """(sheet, row, finding id, reply, rule) of every list row below the stamp's header row whose reply cell holds
    text, read at the columns the stamp's layout gives."""
    for st in sheets:
        layout = stamp.sheets.get(st.source_sheet)
        if layout is None or layout.table != LIST_TABLE:
            continue
        dl = st.data_lists
        at = {f: j for j, f in enumerate(layout.columns) if f and j < dl.width}
        if REPLY_FIELD not in at:
            continue
        answers = dl.columns[at[REPLY_FIELD]]
        ids = dl.columns[at[ID_FIELD]] if ID_FIELD in at else [None] * len(answers)
        shown = dl.columns[at[RULE_FIELD]] if RULE_FIELD in at else [None] * len(answers)
        for row, fid, reply, rule in zip(dl.source_row, ids, answers, shown, strict=True):
            text = _text(reply)
            if row > layout.header_row and text is not None:
                yield st.source_sheet, row, _text(fid), text, _text(rule)


def reply_rows(source_file: str, sheets: list[tables.SheetTable], stamp: Stamp,
               received_at: dt.datetime | None) -> list[dict]:
    """The replies of a returned list: one row (the ``replies`` table's columns) per list row below the stamp's
    header row whose finding id and reply cells hold text. The unit is the stamp's; ``received_at`` (the mail's
    date, else the file's modification time) is ``replied_at``."""
    return [{"finding_id": fid, "unit": stamp.unit or None, "rule": rule, "reply": reply, "replied_at": received_at,
             "source_file": source_file, "source_sheet": sheet, "source_row": row}
            for sheet, row, fid, reply, rule in _list_rows(sheets, stamp) if fid is not None]


NO_ID = "reply without its 问题编号 (the hidden finding id was cleared or the row was added)"


def replies_without_id(sheets: list[tables.SheetTable], stamp: Stamp) -> list[tuple[str, int, str]]:
    """(sheet, row, reply) of the replies no finding id goes with: set aside as rejects (:data:`NO_ID`), never
    guessed."""
    return [(sheet, row, reply) for sheet, row, fid, reply, _rule in _list_rows(sheets, stamp) if fid is None]
