"""The stamp netmedia puts in the workbooks it sends out, so it knows them exactly when they come back.

A pre-filled return (``netmedia templates``) and a rectification list (``netmedia check``) carry a hidden sheet,
:data:`STAMP_SHEET`, of key/value rows: what the workbook is (``kind``), the template version, the round, the
unit, and per data sheet its layout (table, header row, the field of each column). The ingest reads the layout
from the stamp instead of guessing headers, and sets the stamp sheet aside as no data. A workbook without the
sheet (a free-form return) is read as before.

The stamp is plain cells, readable by every writer and reader (xlsxwriter, openpyxl, calamine, LibreOffice).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc

from netmedia.extract.guard import UnreadableFile, error_text
from netmedia.transform.text import fold

STAMP_SHEET = "netmedia_stamp"  # hidden sheet; the ingest never reads it as data
MAGIC = "netmedia"  # A1: this word, B1: the stamp format version
FORMAT = "1"
KINDS = ("template", "rectification")


@dataclass(frozen=True)
class SheetLayout:
    """One data sheet of a stamped workbook: its table, its 1-based header row and, per column (A, B, …), the
    field it holds (None: a column that is no field, e.g. 序号), and the header label the writer put above each
    column (empty in stamps written before labels were kept).

    The labels let a reader check the layout against the workbook that came back: a unit may insert, delete or
    move a column in Excel (sheet protection can be lifted and other software ignores it), and the stamp's
    positions alone would then read one field's cells as another's (:func:`located_layout`)."""

    table: str
    header_row: int
    columns: tuple[str | None, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stamp:
    kind: str  # one of KINDS
    version: str  # the template's version (a change of layout changes it)
    round: str  # the round the workbook was made for
    unit: str  # the roster unit it was made for
    sheets: dict[str, SheetLayout] = field(default_factory=dict)  # sheet name -> layout
    source_round: str = ""  # the round whose data the workbook was made from (a template's pre-filled rows)
    aside: tuple[str, ...] = ()  # the workbook's other sheets that hold no return data (instructions, lists)

    @property
    def label(self) -> str:
        """"<kind> <version> <round>": what ``submissions.template`` says of a stamped workbook."""
        return f"{self.kind} {self.version} {self.round}"

    def rows(self) -> list[list[str]]:
        """The stamp sheet's cells, row by row."""
        out = [[MAGIC, FORMAT], ["kind", self.kind], ["version", self.version], ["round", self.round],
               ["unit", self.unit], ["source_round", self.source_round],
               ["aside", json.dumps(list(self.aside), ensure_ascii=False)]]
        for name, lay in self.sheets.items():
            entry = {"table": lay.table, "header_row": lay.header_row, "columns": list(lay.columns)}
            if lay.labels:
                entry["labels"] = list(lay.labels)
            out.append(["sheet", name, json.dumps(entry, ensure_ascii=False)])
        return out


def parse_stamp(rows: list[list[object]]) -> Stamp | None:
    """A stamp from the stamp sheet's cells, or None when they are not one (a sheet that happens to carry the
    name, or a stamp of an unknown format)."""
    if not rows or len(rows[0]) < 2 or rows[0][0] != MAGIC or str(rows[0][1]) != FORMAT:
        return None
    values: dict[str, str] = {}
    sheets: dict[str, SheetLayout] = {}
    for row in rows[1:]:
        cells = ["" if c is None else str(c) for c in row]
        if len(cells) >= 3 and cells[0] == "sheet":
            lay = json.loads(cells[2])
            sheets[cells[1]] = SheetLayout(lay["table"], int(lay["header_row"]), tuple(lay["columns"]),
                                           tuple(lay.get("labels", ())))
        elif len(cells) >= 2 and cells[0]:
            values[cells[0]] = cells[1]
    if values.get("kind") not in KINDS:
        return None
    return Stamp(values["kind"], values.get("version", ""), values.get("round", ""), values.get("unit", ""), sheets,
                 values.get("source_round", ""), tuple(json.loads(values.get("aside") or "[]")))


def located_layout(layout: SheetLayout, header: list[str]) -> SheetLayout | None:
    """``layout`` checked against the labels a returned sheet has at its header row (``header``, column by
    column; labels compared after :func:`~netmedia.transform.text.fold`).

    - No label the writer put is at another column than its own (none moved, at least one still in place, or the
      stamp kept no labels): the stamp's positions stand, a column whose label the unit retyped included. A
      column appended after the last one changes nothing.
    - Else columns were inserted, deleted or moved: each field is at the one column carrying its label; a field
      whose label is gone or found twice is absent, never guessed.
    - None when no label of the layout is found at all.
    """
    if not layout.labels:
        return layout
    folded = [fold(h or "") for h in header]
    written = {f: fold(label) for f, label in zip(layout.columns, layout.labels, strict=True) if f}
    found = {f: [j for j, h in enumerate(folded) if h == label] for f, label in written.items() if label}
    stamped = {f: j for j, f in enumerate(layout.columns) if f}
    moved = any(js and js != [stamped[f]] for f, js in found.items())
    if not moved and any(found.values()):
        return layout if len(header) >= len(layout.columns) else SheetLayout(
            layout.table, layout.header_row, layout.columns[:len(header)], layout.labels[:len(header)])
    field_at = {js[0]: f for f, js in found.items() if len(js) == 1}
    if not field_at:
        return None
    return SheetLayout(layout.table, layout.header_row, tuple(field_at.get(j) for j in range(len(header))),
                       tuple(h or "" for h in header))


def workbook_stamp(wb: pc.CalamineWorkbook) -> Stamp | None:
    """The stamp of a workbook already open, or None when it has none. It reads the stamp sheet alone, so the
    ingest, which opens each workbook once to read its sheets, learns its layout at the cost of one small sheet.

    Raises :class:`~netmedia.extract.guard.UnreadableFile` (``corrupt workbook: sheet 'netmedia_stamp': …``)
    when calamine cannot read the stamp sheet: the ingest sets such a workbook aside as corrupt."""
    if STAMP_SHEET not in wb.sheet_names:
        return None
    try:
        rows = wb.get_sheet_by_name(STAMP_SHEET).to_python()
    except Exception as e:  # calamine raises several unrelated types for damaged sheets
        raise UnreadableFile(f"corrupt workbook: sheet {STAMP_SHEET!r}: {error_text(e)}") from e
    return parse_stamp(rows)


def read_stamp(source: str | Path | bytes) -> Stamp | None:
    """The stamp of a workbook (path or bytes), or None when it has none or cannot be read: for a reader that
    has no workbook open (the tests look at what netmedia wrote)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several unrelated types for damaged files: such a file has no stamp
        return None
    try:
        return workbook_stamp(wb)
    except UnreadableFile:  # a damaged stamp sheet: no stamp
        return None
