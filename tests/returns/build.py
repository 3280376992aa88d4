"""A tiny workbook builder for the hand-written returns: literal cells in, an .xlsx file out (openpyxl).

It knows nothing of netmedia (no import of it, no header vocabulary): a sheet is its name, its rows as Python
literals (str, int, float, datetime.date, None), its merged ranges and whether it is hidden. It also counts the
non-empty rows of what it wrote, the simple independent figure the row accounting is checked against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook as OpenpyxlWorkbook

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Cell]]  # row 1 first; [] is a blank row
    merged: tuple[str, ...] = ()  # Excel ranges, e.g. "A1:H1"; the value sits in the top-left cell
    hidden: bool = False


@dataclass(frozen=True)
class Book:
    file: str  # path under the season's folder, e.g. "备案信息汇总+水利学院.xlsx"
    sheets: list[Sheet] = field(default_factory=list)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def nonempty_rows(sheet: Sheet) -> list[int]:
    """1-based numbers of the rows holding at least one non-blank cell."""
    return [i for i, row in enumerate(sheet.rows, start=1) if any(not blank(c) for c in row)]


def write_xlsx(book: Book, folder: Path) -> Path:
    """Write ``book`` under ``folder``; dates get a date number format, everything else is written as given."""
    wb = OpenpyxlWorkbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for rng in sheet.merged:
            ws.merge_cells(rng)
        if sheet.hidden:
            ws.sheet_state = "hidden"
    path = folder / book.file
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


UNITS_HEADER = ["单位名称", "别名", "单位类别", "党组织书记", "行政负责人"]
STAFF_HEADER = ["姓名", "工号", "所在单位", "人员状态"]


def write_roster(path: Path, header: list[str], rows: list[list[Cell]]) -> Path:
    """A roster workbook (data_raw/reference/units.xlsx or staff.xlsx): one sheet, the header, the rows."""
    return write_xlsx(Book(path.name, [Sheet("Sheet1", [header, *rows])]), path.parent)
