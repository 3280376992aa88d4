"""A returned rectification list (整改清单) into rows of the ``replies`` table.

The lists netmedia sends out (:mod:`netmedia.report.rectification`) carry the hidden stamp
(:mod:`netmedia.extract.stamp`, kind ``rectification``) with the list sheet's layout: its header row and the
field of each column, the hidden ``finding_id`` (问题编号) and the unit's reply (单位回复/整改情况) among them.
A list that comes back is read by that layout, never by guessing its header, and is no return: its rows are
the department's own findings, so none of them becomes a platform, an account or a reject. Each row whose reply
cell holds text becomes one reply; a row left empty is no reply.

The layout is checked against the labels of the returned header row first (:func:`stamp.located_layout`): a unit
that inserted, deleted or moved a column in Excel (the list is not protected, and protection would not bind other
software) has each field read from the column that still carries its label. A reply whose finding id cannot be
read (its cell cleared, or the 问题编号 column gone) is a reject, and so is every row of a sheet whose reply column
is gone: a reply is never taken from a column the label does not confirm.

``replied_at`` is the mail's date when the list came by mail, else the modification time of the file under
``data_raw/`` (the caller gives one or the other as ``received_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from netmedia.extract import tables
from netmedia.extract.stamp import SheetLayout, Stamp, located_layout
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


NO_ID = "reply without its 问题编号 (the hidden finding id was cleared or the row was added)"
NO_COLUMN = "returned list: column {label} not found (the list's columns were changed)"


class _ListRow(NamedTuple):
    sheet: str
    row: int
    finding_id: str | None
    rule: str | None
    text: str  # the reply; for a reject, the row's text when its reply column is gone
    reason: str | None  # None: a reply; else why the row is a reject


def _located(st: tables.SheetTable, stamp: Stamp) -> tuple[SheetLayout, dict[str, int]] | None:
    """The list sheet's layout and the column of each field the labels of its returned header row confirm
    (:func:`~netmedia.extract.stamp.located_layout`); None for a sheet that is no list sheet. A sheet whose
    stamped header row was emptied (the reader then drops its layout and guesses a header) confirms no column."""
    layout = stamp.sheets.get(st.source_sheet)
    if layout is None or layout.table != LIST_TABLE:
        return None
    located = located_layout(layout, st.header if st.layout is not None else [])
    columns = located.columns if located is not None else ()
    return layout, {f: j for j, f in enumerate(columns) if f and j < st.data_lists.width}


def _missing(layout: SheetLayout, f: str) -> str:
    """The reason of a row whose field ``f``'s column is gone, naming the label the list was written with."""
    return NO_COLUMN.format(label=dict(zip(layout.columns, layout.labels, strict=False)).get(f, f))


def _list_rows(sheets: list[tables.SheetTable], stamp: Stamp) -> Iterator[_ListRow]:
    """Every list row below the stamp's header row whose reply cell holds text, read at the columns the header's
    labels confirm: a reply, or a reject when its finding id cannot be read. A sheet whose reply column is gone
    gives every one of its rows below the header as a reject (which of them hold a reply cannot be told)."""
    for st in sheets:
        found = _located(st, stamp)
        if found is None:
            continue
        layout, at = found
        dl = st.data_lists
        if REPLY_FIELD not in at:  # every non-empty row below the header (the reader may have found no data rows)
            reason = _missing(layout, REPLY_FIELD)
            yield from (_ListRow(st.source_sheet, row, None, None, text, reason)
                        for row, text in zip(st.row_lists.source_row, st.row_lists.text, strict=True)
                        if row > layout.header_row and text)
            continue
        answers = dl.columns[at[REPLY_FIELD]]
        ids = dl.columns[at[ID_FIELD]] if ID_FIELD in at else [None] * len(answers)
        no_id = NO_ID if ID_FIELD in at else _missing(layout, ID_FIELD)
        shown = dl.columns[at[RULE_FIELD]] if RULE_FIELD in at else [None] * len(answers)
        for row, fid, reply, rule in zip(dl.source_row, ids, answers, shown, strict=True):
            text, finding = _text(reply), _text(fid)
            if row > layout.header_row and text is not None:
                yield _ListRow(st.source_sheet, row, finding, _text(rule), text, None if finding else no_id)


def reply_rows(source_file: str, sheets: list[tables.SheetTable], stamp: Stamp,
               received_at: dt.datetime | None) -> list[dict]:
    """The replies of a returned list: one row (the ``replies`` table's columns) per list row below the stamp's
    header row whose finding id and reply cells hold text. The unit is the stamp's; ``received_at`` (the mail's
    date, else the file's modification time) is ``replied_at``."""
    return [{"finding_id": r.finding_id, "unit": stamp.unit or None, "rule": r.rule, "reply": r.text,
             "replied_at": received_at, "source_file": source_file, "source_sheet": r.sheet, "source_row": r.row}
            for r in _list_rows(sheets, stamp) if r.reason is None]


def list_rejects(sheets: list[tables.SheetTable], stamp: Stamp) -> list[tuple[str, int, str, str]]:
    """(sheet, row, reason, text) of the rows of a returned list that are no reply: a reply no finding id goes
    with (:data:`NO_ID`, or :data:`NO_COLUMN` when the 问题编号 column is gone) and every row of a sheet whose
    reply column is gone (:data:`NO_COLUMN`). Set aside as rejects, never guessed."""
    return [(r.sheet, r.row, r.reason, r.text) for r in _list_rows(sheets, stamp) if r.reason is not None]
