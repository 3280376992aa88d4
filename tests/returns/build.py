"""A tiny workbook builder for the hand-written returns: literal cells in, an .xlsx (openpyxl) or .xls file out.

It knows nothing of netmedia (no import of it, no header vocabulary): a sheet is its name, its rows as Python
literals (str, int, float, datetime.date, None), its merged ranges and whether it is hidden. It also counts the
non-empty rows of what it wrote, the simple independent figure the row accounting is checked against.
"""

from __future__ import annotations

import datetime as dt
import struct
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


# ---------------------------------------------------------------------------------------------- .xls (BIFF8)
# No .xls writer is installed (xlwt is not in the environment, LibreOffice neither), so a minimal one: a BIFF8
# workbook stream (shared strings, numbers, a date format, merged ranges, hidden sheets) in an OLE2 compound file,
# written from the Microsoft specs [MS-XLS] and [MS-CFB]. Only what a reader needs to see the literal cells.

def _rec(kind: int, body: bytes) -> bytes:
    assert len(body) <= 8224, "record too long for one BIFF8 record"
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0006))


def _xf(fmt: int, style: bool) -> bytes:
    # font 0, number format, protection/type (style XF: bit 2 and parent 0xFFF), alignment and borders left default
    prot = 0xFFF5 if style else 0x0001
    return _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, prot, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _ustr(s: str, length_bytes: int) -> bytes:
    data = s.encode("utf-16-le")
    return struct.pack("<H" if length_bytes == 2 else "<B", len(s)) + b"\x01" + data


def _ref(rng: str) -> tuple[int, int, int, int]:
    """'B2:C3' -> (first row, last row, first col, last col), 0-based."""
    def one(a: str) -> tuple[int, int]:
        letters = "".join(ch for ch in a if ch.isalpha())
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch.upper()) - 64
        return int(a[len(letters):]) - 1, col - 1
    (r1, c1), (r2, c2) = (one(x) for x in rng.split(":"))
    return r1, r2, c1, c2


def _biff(book: Book) -> bytes:
    strings: dict[str, int] = {}
    for sheet in book.sheets:
        for row in sheet.rows:
            for v in row:
                if isinstance(v, str) and v != "":
                    strings.setdefault(v, len(strings))
    date_xf, general_xf = 16, 15
    head = _bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
    head += _rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _ustr("Arial", 1))
    head += b"".join(_xf(0, True) for _ in range(15)) + _xf(0, False) + _xf(14, False)
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(_ustr(s, 2) for s in strings)
    sst_rec = _rec(0x00FC, sst)
    names = [_ustr(s.name, 1) for s in book.sheets]
    globals_len = len(head) + sum(4 + 6 + len(n) for n in names) + len(sst_rec) + 4
    bodies, offsets, pos = [], [], globals_len
    for sheet in book.sheets:
        cells = b""
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    cells += _rec(0x00FD, struct.pack("<HHHI", r, c, general_xf, strings[v]))
                elif isinstance(v, dt.date):
                    serial = (v - dt.date(1899, 12, 30)).days
                    cells += _rec(0x0203, struct.pack("<HHHd", r, c, date_xf, float(serial)))
                else:
                    cells += _rec(0x0203, struct.pack("<HHHd", r, c, general_xf, float(v)))
        width = max((len(row) for row in sheet.rows), default=0)
        body = _bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(sheet.rows), 0, width, 0)) + cells
        if sheet.merged:
            refs = b"".join(struct.pack("<HHHH", *_ref(m)) for m in sheet.merged)
            body += _rec(0x00E5, struct.pack("<H", len(sheet.merged)) + refs)
        body += _rec(0x000A, b"")
        offsets.append(pos)
        bodies.append(body)
        pos += len(body)
    bound = b"".join(_rec(0x0085, struct.pack("<IBB", off, 1 if s.hidden else 0, 0) + n)
                     for off, s, n in zip(offsets, book.sheets, names, strict=True))
    out = head + bound + sst_rec + _rec(0x000A, b"") + b"".join(bodies)
    assert len(head + bound + sst_rec) + 4 == globals_len
    return out


def _cfb(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding one stream, padded past the 4096-byte
    mini-stream cutoff so it lives in ordinary sectors."""
    sec = 512
    stream = stream + b"\x00" * (max(4096, -(-len(stream) // sec) * sec) - len(stream))
    n = len(stream) // sec
    fat_secs = 1
    while fat_secs * 128 < n + 1 + fat_secs:
        fat_secs += 1
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [i + 1 for i in range(n - 1)] + [end, end] + [fatsect] * fat_secs
    fat += [free] * (fat_secs * 128 - len(fat))
    dir_sector = n

    def entry(nm: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = nm.encode("utf-16-le") + b"\x00\x00" if nm else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1 if nm else 0)
                + struct.pack("<III", free, free, child) + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(name, 2, free, 0, len(stream))
                 + entry("", 0, free, 0, 0) + entry("", 0, free, 0, 0))
    difat = [n + 1 + i for i in range(fat_secs)] + [free] * (109 - fat_secs)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, fat_secs, dir_sector, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", *difat))
    return header + stream + directory + struct.pack(f"<{len(fat)}I", *fat)


def write_xls(book: Book, folder: Path) -> Path:
    """Write ``book`` as a BIFF8 .xls under ``folder`` (``book.file`` ends in .xls)."""
    path = folder / book.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_cfb(_biff(book)))
    return path


def write_book(book: Book, folder: Path) -> Path:
    """.xls or .xlsx by the file's name."""
    return write_xls(book, folder) if book.file.lower().endswith(".xls") else write_xlsx(book, folder)
