"""Find the table in each sheet of a returned workbook and classify every non-empty row.

Units fill in the Annex 2/3 forms in many ways: a title block above the header
(附件2 / the form title merged across / 填报单位（盖章）：… / 填表日期), one- or
two-row headers, a 填表说明 block, a 示例 row, province/category section rows
inside the data (北京市（92所）, 一、网站类), and signature lines at the bottom.
This module is the generic layer that copes with those layouts *without*
knowing the schema: it finds the header row (with an optional scorer the ingest
builds from schema synonyms), and labels each non-empty row as one of
``title, header, section, instruction, footer, example, data`` (or
``unrecognised`` when no header is found), so the ingest can account for every
row it did not turn into a record.

Reading is done once per file with python-calamine (fast, reads
.xls/.xlsx/.xlsm/.xlsb/.ods). calamine 0.9.1 exposes merged ranges
(``CalamineSheet.merged_cell_ranges``, for .xls and .xlsx alike) and sheet
visibility (``CalamineWorkbook.sheets_metadata``), so no openpyxl fallback is
needed. Whole-file problems (not a workbook, encrypted, zip bomb, corrupt)
raise :class:`UnreadableFile` *before* anything is parsed where possible.

Row numbers are true 1-based Excel rows: ``to_python(skip_empty_area=False)``
returns the range from A1 even when the first used cell is further down.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, repeat
from operator import eq
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import python_calamine as pc

from netmedia.config import Limits
from netmedia.schema import norm_header

__all__ = [
    "UnreadableFile",
    "SheetTable",
    "read_tables",
    "HEADER_SEARCH_ROWS",
    "HEADER_MIN_SCORE",
    "ROW_KINDS",
    "RowLists",
    "DataLists",
]

#: How many non-empty rows from the top are considered as header candidates.
HEADER_SEARCH_ROWS = 40
#: With a ``header_scorer``: the best row must score at least this (and have >= 2 non-empty cells),
#: otherwise the sheet has "no header row found". 0.3 lets a real header with a few unknown extra
#: columns through while a title/filler line (one or two cells, no synonyms) stays below.
HEADER_MIN_SCORE = 0.3
#: With a ``header_scorer``: the search stops at the row that makes this many rows below the best candidate so
#: far holding a number or a date (data rows: a header is labels), as long as that candidate already scores at
#: least :data:`HEADER_MIN_SCORE`. Scoring every row of the window used to cost more than reading the sheet.
HEADER_STOP_DATA_ROWS = 3
#: The most a ``header_scorer`` returns (its scores are in [0, 1]): a candidate scoring this cannot be beaten (ties go
#: to the earliest), so the search stops there. Scoring the data rows under a header costs the most (their labels
#: are all new to the scorer's caches).
HEADER_MAX_SCORE = 1.0
#: A single text cell longer than this is prose (fill-in instructions), not a title or section label.
LONG_TEXT = 60
#: A header cell longer than this is unlikely (titles and notes are longer).
SHORT_TEXT = 40

ROW_KINDS = ("title", "header", "section", "instruction", "footer", "example", "data", "unrecognised")


class UnreadableFile(Exception):
    """The file as a whole cannot be read as a workbook; ``reason`` says why in one short English line.

    The reason starts with a stable code the ingest can group on: ``empty file``,
    ``not a workbook (looks like PDF)``, ``encrypted workbook``, ``corrupt workbook: …``,
    ``too large: …``.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RowLists(NamedTuple):
    """The non-empty rows of a sheet as parallel plain lists (what :attr:`SheetTable.rows` is built from)."""

    source_row: list[int] = []
    kind: list[str] = []
    text: list[str] = []
    section: list[str | None] = []


class DataLists(NamedTuple):
    """The data rows of a sheet column by column (``columns[j]`` is column ``j``; what :attr:`SheetTable.data` is
    built from)."""

    width: int = 0
    columns: list[list[object]] = []
    source_row: list[int] = []
    section: list[str | None] = []


@dataclass
class SheetTable:
    """One sheet: where its table is, its rows classified, and its data rows as raw (cleaned) cell values.

    ``rows`` (source_row, kind, text, section) and ``data`` (one object column per sheet column, then
    source_row and section) are pandas frames built on first access from ``row_lists`` / ``data_lists``:
    the ingest reads those plain lists directly, because building two frames per sheet used to cost more
    than reading the sheet.
    """

    source_sheet: str
    hidden: bool = False
    header_row: int | None = None
    header_rows: tuple[int, ...] = ()
    header: list[str] = field(default_factory=list)
    header_parts: list[tuple[str, ...]] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    message: str = ""
    row_lists: RowLists = field(default_factory=RowLists)
    data_lists: DataLists = field(default_factory=DataLists)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @property
    def rows(self) -> pd.DataFrame:
        if "rows" not in self._frames:
            self._frames["rows"] = _rows_frame(self.row_lists)
        return self._frames["rows"]

    @property
    def data(self) -> pd.DataFrame:
        if "data" not in self._frames:
            self._frames["data"] = _data_frame(self.data_lists)
        return self._frames["data"]

    @property
    def n_read(self) -> int:
        """Number of non-empty rows (``len(rows)`` without building the frame)."""
        return len(self.row_lists.source_row)


# --------------------------------------------------------------------------------------------
# Patterns. Kept here (not in schema.toml) because they describe form furniture, not columns.

_WS = re.compile(r"\s+")
# Whitespace between two CJK characters (or full-width punctuation) is a line-wrap artefact: "推荐\n排序".
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) (?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")
_INSTRUCTION = re.compile(
    r"^(?:填表说明|填报说明|填写说明|说明\s*[:：]|注意事项|注意\s*[:：]|注\s*[\d一二三四五六七八九十]*\s*[:：]|"
    r"备注\s*[:：]|提示\s*[:：]|温馨提示|tips?\s*[:：])",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?:\d{1,2}\s*[、.．)）]|[（(]\d{1,2}[)）])")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十\d]+[部分类章节])"
    r"|[（(]\s*\d+\s*[所个家项条人]\s*[)）]$"
)
_EXAMPLE = re.compile(r"^(?:示例|例\s*[:：]|例如|样例|范例|填写示例|填表示例|举例)")
_EXAMPLE_CELL = re.compile(r"(?:^|\| )[（(]?(?:示例|样例|范例)[)）]?(?: \||$)")
_FOOTER = re.compile(
    r"(?:^|\| )(?:单位|部门)?(?:主要)?(?:负责人|领导)\s*[（(]?\s*(?:签字|签名|签章|盖章)"
    r"|(?:^|\| )(?:填表人|填报人|审核人|审批人|联系人|经办人|制表人|负责人|日期|填表日期|填报日期|制表日期|报送日期)"
    r"\s*(?:[（(][^)）]{0,8}[)）])?\s*[:：]"
    r"|签字|盖章|^(?:合计|总计|小计)(?: \||$)"
)
_TOTAL = re.compile(r"^(?:合计|总计|小计)(?: \||$)")
# Cheap prefilter: a data-region row is examined one by one only if its text contains one of these.
_KEYWORDS = re.compile(
    r"示例|样例|范例|例\s*[:：]|例如|举例|签|盖章|填表|填报|审核|审批|联系人|经办|制表|负责人|日期|合计|总计|小计|说明|注"
)
_DATE_LINE = re.compile(
    r"^(?:\d{4}\s*)?年\s*\d{0,2}\s*月\s*\d{0,2}\s*日?$|^\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$"
)
_TITLE = re.compile(
    r"^附件\s*[\d一二三四五六七八九十]*\s*[:：]?|填报单位|填表单位|报送单位|申报单位|盖章|填表日期|填报日期|填报时间"
    r"|(?:表|名单|名录|清单|一览)$"
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


# --------------------------------------------------------------------------------------------
# Whole-file checks


def _sniff(data: bytes, name: str, limits: Limits) -> None:
    """Refuse files that are not workbooks, encrypted, or would inflate past the limit, before calamine sees them."""
    n = len(data)
    if n == 0:
        raise UnreadableFile("empty file: 0 bytes")
    if n > limits.max_file_bytes:
        raise UnreadableFile(f"too large: {n} bytes (limit {limits.max_file_bytes})")
    head = data[:8]
    if head.startswith(_ZIP_MAGIC):
        _check_zip(data, limits)
        return
    if head == _OLE_MAGIC:
        # Office encrypts .xlsx by wrapping it in an OLE container with an EncryptedPackage stream.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableFile("encrypted workbook (password-protected .xlsx)")
        if not any(w.encode("utf-16-le") in data for w in ("Workbook", "WORKBOOK", "workbook", "Book", "BOOK")):
            raise UnreadableFile("not a workbook (OLE file without a Workbook stream, e.g. a Word .doc)")
        return
    raise UnreadableFile(f"not a workbook ({_looks_like(data)})")


def _looks_like(data: bytes) -> str:
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = stripped[:512].lower()
    if head.startswith(b"%PDF"):
        return "looks like PDF"
    if low.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
            return "looks like XML Spreadsheet 2003"
        if b"<html" in low or b"<table" in low or b"<!doctype html" in low:
            return "looks like HTML"
        return "looks like XML"
    for magic, what in (
        (b"\x89PNG", "image"),
        (b"\xff\xd8\xff", "image"),
        (b"GIF8", "image"),
        (b"Rar!", "RAR archive"),
        (b"7z\xbc\xaf", "7z archive"),
        (b"{\\rtf", "RTF document"),
    ):
        if head.startswith(magic):
            return f"looks like {what}"
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
            return "looks like text/CSV"
    return "unknown format"


def _check_zip(data: bytes, limits: Limits) -> None:
    """Zip-bomb guard: sum the declared uncompressed sizes from the central directory (no inflating), then bound
    every sheet's extent (:func:`_check_sheet_extents`).

    A plain archive (no zip64, no encryption, stored or deflated members) is read with :func:`_plain_zip`;
    anything else, and any doubt, goes through :mod:`zipfile`, whose errors become the reasons.
    """
    entries = _plain_zip(data)
    if entries is not None:
        names = [e[0] for e in entries]
        _check_entries(names, sum([e[3] for e in entries]), limits)
        xmls = [_inflate(data, e) for e in compress(entries, map(_is_sheet_xml, names))]
        if None not in xmls:  # every sheet's local header, size and CRC agree with the central directory
            _check_sheet_extents(xmls, limits)  # type: ignore[arg-type]
            return
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise UnreadableFile(f"corrupt workbook: damaged or truncated zip ({e})") from e
    with z:  # opened once for both checks: reading the central directory twice cost as much as a small sheet
        infos = z.infolist()
        _check_entries([i.filename.lower() for i in infos], sum(i.file_size for i in infos), limits)
        xmls = []
        for info in infos:
            if _is_sheet_xml(info.filename.lower()):
                try:
                    xmls.append(z.read(info))
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as e:
                    raise UnreadableFile(f"corrupt workbook: damaged sheet data ({e})") from e
        _check_sheet_extents(xmls, limits)


def _is_sheet_xml(lower_name: str) -> bool:
    return lower_name.startswith("xl/worksheets/") and lower_name.endswith(".xml")


def _check_entries(names: list[str], total: int, limits: Limits) -> None:
    """Every member's lower-case name and the sum of their declared sizes: the size budget and the workbook test."""
    if total > limits.max_uncompressed_bytes:
        raise UnreadableFile(f"too large: would inflate to {total} bytes (limit {limits.max_uncompressed_bytes})")
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"}.intersection(names)):
        if "word/document.xml" in names:
            raise UnreadableFile("not a workbook (looks like a Word .docx)")
        raise UnreadableFile("not a workbook (zip archive without xl/workbook.xml)")


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
# central directory file header: signature, flags, method, CRC, sizes, name/extra/comment lengths, local offset
# (the fields nothing reads are skipped, not unpacked)
_CDH = struct.Struct("<4s4x2H4x3L3H8xL")
_LFH = struct.Struct("<4s5H3L2H")  # local file header
_ZipEntry = tuple[str, int, int, int, int, int]  # lower name, method, compressed size, size, crc, local offset


def _plain_zip(data: bytes) -> list[_ZipEntry] | None:
    """The members of a plain zip from its central directory, or None when anything is unusual.

    :class:`zipfile.ZipFile` builds a ``ZipInfo`` per member with extra-field and encoding handling: on a
    workbook of a few kilobytes that cost more than the sheet. Office and WPS write plain archives; zip64,
    comments longer than the search window, encryption, other compression methods, inconsistent offsets or
    names that are not UTF-8/CP437 return None and take the :mod:`zipfile` path.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + _EOCD.size > len(data):
        return None
    _, disk, cd_disk, n_here, n, cd_size, cd_off, _ = _EOCD.unpack_from(data, end)
    if disk or cd_disk or n_here != n or n == 0xFFFF or cd_off + cd_size != end:
        return None
    out: list[_ZipEntry] = []
    pos = cd_off
    unpack, head = _CDH.unpack_from, _CDH.size
    for _ in range(n):
        if pos + head > end:
            return None
        sig, flags, method, crc, csize, size, nlen, xlen, clen, off = unpack(data, pos)
        if sig != b"PK\x01\x02" or flags & 1 or method not in (0, 8) or 0xFFFFFFFF in (csize, size, off):
            return None
        raw = data[pos + 46 : pos + 46 + nlen]
        try:
            # An ASCII name reads the same in CP437 as in UTF-8, whose decoder is built in (CP437 goes through
            # the codec registry and a Python-level codec: several times the cost of the rest of the entry).
            name = raw.decode("utf-8" if flags & 0x800 or raw.isascii() else "cp437")
        except UnicodeDecodeError:
            return None
        out.append((name.lower(), method, csize, size, crc, off))
        pos += 46 + nlen + xlen + clen
    return out if pos == end else None


def _inflate(data: bytes, e: _ZipEntry) -> bytes | None:
    """A member's bytes (at most its declared size), or None when its local header, data or CRC disagree with
    the central directory (the :mod:`zipfile` path then says what is wrong)."""
    _, method, csize, size, crc, off = e
    if off + _LFH.size > len(data):
        return None
    sig, _, _, _, _, _, _, _, _, nlen, xlen = _LFH.unpack_from(data, off)
    start = off + _LFH.size + nlen + xlen
    if sig != b"PK\x03\x04" or start + csize > len(data):
        return None
    body = data[start : start + csize]
    if method == 8:
        try:
            d = zlib.decompressobj(-15)
            body = d.decompress(body, size + 1)  # never more than declared: a lying size cannot inflate further
        except zlib.error:
            return None
    if len(body) != size or zlib.crc32(body) != crc:
        return None
    return body


_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,7})\"")
_CELL_COL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})\d")


_FAST_MAX_ROW = 999_999
_WIDE_OR_DEEP = re.compile(rb'r="(?:[A-Z][A-Z]|\d{7})')
# Every capital letter as "A" and every digit as "0", all other bytes as they are: in the translated XML,
# ``r="AA`` or ``r="0000000`` occurs exactly where _WIDE_OR_DEEP matches in the original ('r', '=' and '"' are
# neither). A translate and two substring searches cost a tenth of the regex, which stops at every r=".
_WIDE_OR_DEEP_TABLE = bytes(
    ord("A") if 65 <= b <= 90 else ord("0") if 48 <= b <= 57 else b for b in range(256)
)


def _wide_or_deep(xml: bytes) -> bool:
    """Whether some ``r="`` in ``xml`` is followed by two capitals or seven digits (``_WIDE_OR_DEEP.search``)."""
    t = xml.translate(_WIDE_OR_DEEP_TABLE)
    return b'r="AA' in t or b'r="0000000' in t


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_sheet_extents(xmls: list[bytes], limits: Limits) -> None:
    """Refuse a sheet whose used range is huge before calamine sees it.

    calamine turns a sheet's cells into one dense rectangle, so two cells at A1
    and XFD1048576 in a 400-byte file ask for billions of cells and abort the
    process (no exception to catch). The extent is read from the row and cell
    references in the sheet XML, which the zip-size guard has already bounded.
    """
    budget = limits.max_sheet_rows * limits.max_sheet_cols
    # Fast path, exact: the scan below only counts references written r="<letters><digits>" (cells) and
    # r="<digits>" (rows). If no r=" is followed by two capitals or by seven digits, every column it could find
    # is A..Z (<= 26) and every row < 10**6, so it would accept whenever 26 x 999,999 fits the limits; only
    # then is the per-cell scan skipped (a far cell such as XFD1 or A1000000 always takes the full scan).
    fast_ok = 26 * _FAST_MAX_ROW <= budget and _FAST_MAX_ROW <= 10 * limits.max_sheet_rows
    for xml in xmls:
        if fast_ok and not _wide_or_deep(xml):
            continue  # every reference is within A..Z and below row 10**6: within the budget (see above)
        rows = max((int(m) for m in _ROW_REF.findall(xml)), default=0)
        cols = max((_col_number(m) for m in set(_CELL_COL.findall(xml))), default=0)
        if rows * cols > budget or rows > 10 * limits.max_sheet_rows:
            raise UnreadableFile(
                f"too many cells: a sheet spans {rows} rows x {cols} columns "
                f"(limit {limits.max_sheet_rows} x {limits.max_sheet_cols})"
            )


# --------------------------------------------------------------------------------------------
# Cell cleaning. Sheets are small (tens of rows, a dozen columns): plain list comprehensions over the cells
# cost less than numpy/pyarrow, whose fixed cost per call (array building, dtype dispatch) used to be most of
# the per-sheet time. Only the rows holding a string that needs cleaning go through Python cell by cell.


def _clean_str(v: str) -> str:
    """Remove the ``_x000D_`` escape, fold CR/LF, NBSP -> space, drop zero-width spaces, strip."""
    v = v.replace("_x000D_", "").replace("_x000d_", "")
    v = v.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return v.replace("\u200b", "").replace("\ufeff", "").strip()


def _label(v: object) -> str:
    """Human-readable header/section text: whitespace collapsed, line-wrap gaps between CJK characters removed."""
    if v is None:
        return ""
    if type(v) is str and " " not in v and v.isprintable():
        return v  # no whitespace at all (every whitespace character but the space is unprintable): the usual case
    if type(v) is int:
        return str(v)
    s = _WS.sub(" ", str(v)).strip()
    return _CJK_GAP.sub("", s) if " " in s else s


# An integral float becomes a Python int (4165014941, never 4165014941.0) below this; beyond it floats are not exact.
_EXACT_FLOAT = 2.0**53


def _cleaned_row(cols: list[int], vals: list[object]) -> tuple[list[int], list[object]]:
    """A row's non-empty cells with every string cleaned (:func:`_clean_str`); a string that cleans to "" leaves."""
    keep_cols, keep_vals = [], []
    for j, v in zip(cols, vals, strict=True):
        if type(v) is str:
            v = _clean_str(v)
            if v == "":
                continue
        keep_cols.append(j)
        keep_vals.append(v)
    return keep_cols, keep_vals


class _Row:
    """A non-empty row: 0-based Excel row, the values of its non-empty cells, its text, the row at full sheet width
    (``None`` for a blank cell), and the columns of its non-empty cells.

    ``cols`` is worked out from ``line`` on first use: only the rows near the header and single-cell rows need
    it, and listing the columns of every row cost as much as cleaning its cells. Rows whose ``line`` may hold a
    ``None`` that is not a blank cell are given their columns up front.
    """

    __slots__ = ("r", "vals", "text", "line", "_cols")

    def __init__(self, r: int, vals: list[object], text: str, line: list[object], cols: list[int] | None = None):
        self.r, self.vals, self.text, self.line, self._cols = r, vals, text, line, cols

    @property
    def cols(self) -> list[int]:
        if self._cols is None:
            self._cols = [j for j, v in enumerate(self.line) if v is not None]
        return self._cols

    @property
    def n(self) -> int:
        return len(self.vals)

    @property
    def first(self) -> object:
        return self.vals[0]

    def all_text(self) -> bool:
        return list(map(type, self.vals)).count(str) == len(self.vals)


def _full_line(cols: list[int], vals: list[object], width: int) -> list[object]:
    """A row at full width from its non-empty cells (``None`` elsewhere)."""
    line: list[object] = [None] * width
    for j, v in zip(cols, vals, strict=True):
        line[j] = v
    return line


def _texts_clean(texts: list[str]) -> bool:
    """True when no string cell behind the row ``texts`` needs :func:`_clean_str` (the usual case); False means
    "look closer" (row by row, then string by string), never a wrong "clean".

    A few C-speed scans of the texts joined by `` | ``: ``_x000`` anywhere means "look closer". Every whitespace
    character but the space is unprintable, and so are CR, the zero-width space and the BOM: once line feeds and
    ideographic spaces (common inside cells) are spaces, a printable text holds none of those, and a cell
    starting or ending with whitespace shows as a space next to its separator (``|  `` or ``  |``) or at either
    end. What other cells render to (numbers, dates, booleans) has none of these.
    """
    joined = " | ".join(texts)
    if "_x000" in joined:
        return False
    joined = joined.replace("\n", " ").replace("\u3000", " ")  # the text itself when it holds neither
    return (
        joined.isprintable()
        and "|  " not in joined
        and "  |" not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
    )


def _text(vals: list[object]) -> str:
    """A row's text: its non-empty cells joined by `` | `` (a string as it is, anything else as ``str``: a date in
    ISO form). :class:`_Grid` spells this out inline for speed."""
    return " | ".join([f"{v}" for v in vals])  # f"{v}" is str(v) for every cell type and skips the call for strings


class _Grid:
    """The cleaned non-empty rows of one sheet as :class:`_Row` (strings cleaned, integral floats as ints, blank
    cells left out).

    Built in as few passes over the cells as possible: a sheet of a few hundred cells used to cost more here
    than in calamine. Whether any string needs cleaning is decided on the row texts (:func:`_texts_clean`); only
    then are the strings listed and searched one by one.
    """

    def __init__(self, raw: list[list[object]], width: int):
        if list(map(len, raw)).count(width) != len(raw):  # ragged rows (never seen from calamine, but be safe)
            raw = [list(r[:width]) + [""] * (width - len(r)) for r in raw]
        rows: list[_Row] = []
        texts: list[str] = []
        for r, line in enumerate(raw):
            blank = line.count("")
            if blank == width:
                continue
            # Blank cells as None, integral floats as ints. A truthy cell is never blank, so "" is the only falsy
            # value left to test; floats (0.0 included) take the conversion branch.
            full = [
                v or (None if v == "" else v) if type(v) is not float
                else int(v) if v.is_integer() and -_EXACT_FLOAT < v < _EXACT_FLOAT
                else v
                for v in line
            ]
            vals = list(compress(full, line))  # the non-empty cells, when the only falsy cells are the blanks
            cols = None
            if len(vals) + blank != width:  # a falsy cell that is not blank (0, 0.0, False, ...): cell by cell
                cols = [j for j, v in enumerate(line) if v != ""]
                vals = list(map(full.__getitem__, cols))
            text = " | ".join([f"{v}" for v in vals])  # f"{v}" is str(v) for every cell type, no call for strings
            rows.append(_Row(r, vals, text, full, cols))
            texts.append(text)
        if not _texts_clean(texts):
            # Only a row whose own text is not clean can hold a string that needs cleaning: those few rows are
            # rebuilt with every string cleaned (a string that needs none comes out of _clean_str as it was).
            gone = []
            for i in [i for i, text in enumerate(texts) if not _texts_clean([text])]:
                row = rows[i]
                cols, vals = _cleaned_row(row.cols, row.vals)
                if cols:
                    rows[i] = _Row(row.r, vals, _text(vals), _full_line(cols, vals, width), cols)
                    texts[i] = rows[i].text
                else:
                    gone.append(i)  # every cell was whitespace
            for i in reversed(gone):
                del rows[i], texts[i]
        self.rows = rows
        self.texts = texts  # row by row, the rows' texts (what the row lists hand on)

    def __len__(self) -> int:
        return len(self.rows)


# --------------------------------------------------------------------------------------------
# Per-sheet analysis


def _hmerges_by_row(merges: list[tuple[tuple[int, int], tuple[int, int]]]) -> dict[int, list[tuple[int, int]]]:
    """Row -> horizontal spans (c0, c1) of single-row merges covering >= 2 columns (titles, sections, parents).

    Block merges (several rows and columns) are left out: a block holding one value is a data cell, not a label.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, c1) in merges:
        if c1 > c0 and r1 == r0:
            out.setdefault(r0, []).append((c0, c1))
    return out


def _child_of(p: _Row, c: _Row, hm: dict[int, list[tuple[int, int]]]) -> tuple[bool, bool]:
    """Is ``c`` (the row right under ``p``) the second row of a two-row header under ``p``?

    Returns (structurally_possible, under_merge): every cell of ``c`` must be short text and sit either under a
    horizontal merge of ``p`` or in a column ``p`` leaves blank; ``under_merge`` says whether at least one
    sits under a merged parent (strong evidence, no scorer needed).
    """
    if c.r != p.r + 1 or p.n < 2 or not c.all_text():
        return False, False
    covered: set[int] = set()
    for c0, c1 in hm.get(p.r, ()):
        covered.update(range(c0, c1 + 1))
    pcols = set(p.cols)
    under = False
    for col, v in zip(c.cols, c.vals, strict=True):
        if len(v) > SHORT_TEXT:
            return False, False
        if col in covered:
            under = True
        elif col in pcols:
            return False, False
    return True, under


def _parent_filled(p: _Row, width: int, hm: dict[int, list[tuple[int, int]]],
                   labels: list[str] | None = None) -> list[str]:
    """Parent labels (``labels``: the row's own, if already made) with each horizontally merged parent repeated
    over every column it spans."""
    vals = list(labels) if labels is not None else _row_labels(p, width)
    for c0, c1 in hm.get(p.r, ()):
        top = vals[c0] if c0 < width else ""
        for j in range(c0 + 1, min(c1 + 1, width)):
            if not vals[j]:
                vals[j] = top
    return vals


def _row_labels(row: _Row, width: int) -> list[str]:
    """The row's :func:`_label` per column ("" for a blank cell)."""
    text, cols = row.text, row.cols
    n = len(cols)
    if text.count(" ") == 2 * n - 2 and text.isprintable():
        # No cell holds whitespace or anything unprintable: each label is the cell as the text renders it (what
        # _label gives then), and the text splits back into its cells at its separators.
        labels = text.split(" | ")
        if cols[-1] == n - 1:  # the first n columns
            return labels + [""] * (width - n)
        return list(map(dict(zip(cols, labels, strict=True)).get, range(width), repeat("")))
    vals = [""] * width
    for col, v in zip(row.cols, row.vals, strict=True):
        if col < width:
            vals[col] = _label(v)
    return vals


def _header_ok_generic(row: _Row, width_ref: int) -> bool:
    """Generic header test: >= 2 short text cells, >= half the table width, mostly text, no title furniture."""
    short = sum(1 for v in row.vals if type(v) is str and len(v) <= SHORT_TEXT)
    if short < 2 or short < 0.5 * width_ref or short < 0.7 * row.n:
        return False
    return not any(type(v) is str and _TITLE.search(_label(v)) for v in row.vals)


def _find_header(
    g: _Grid,
    width: int,
    hm: dict[int, list[tuple[int, int]]],
    scorer: Callable[[list[str]], float] | None,
) -> tuple[int | None, bool, str]:
    """Position (into the non-empty rows) of the (first) header row, whether it is a two-row header, a message."""
    n = min(len(g), HEADER_SEARCH_ROWS)
    window = g.rows[: n + 2]
    if scorer is None:
        width_ref = max(row.n for row in g.rows[: HEADER_SEARCH_ROWS * 3])
        for k in range(n):
            row = window[k]
            if _header_ok_generic(row, width_ref):
                two = False
                if k + 1 < len(window):
                    possible, under = _child_of(row, window[k + 1], hm)
                    # Without a scorer a merged parent is evidence; so is a child that only fills the parent's
                    # blank columns when the row after it is no longer text-only (i.e. data starts there).
                    nxt = window[k + 2] if k + 2 < len(window) else None
                    two = possible and (under or (nxt is not None and not nxt.all_text()))
                return k, two, ""
        return None, False, "no header row found"

    best: tuple[float, int, bool] | None = None
    skip: set[int] = set()
    data_below = 0  # rows holding a number or a date seen since the best candidate
    labels: dict[int, list[str]] = {}  # a row's labels are needed as a candidate and as the child of the one above

    def labels_of(i: int) -> list[str]:
        got = labels.get(i)
        if got is None:
            got = labels[i] = _row_labels(window[i], width)
        return got

    for k in range(n):
        row = window[k]
        if best is not None and k > best[1] and row.n >= 2 and not row.all_text():
            data_below += 1
            if data_below >= HEADER_STOP_DATA_ROWS and best[0] >= HEADER_MIN_SCORE:
                break  # the data under the best candidate has clearly started
        if k in skip:
            continue
        s1 = float(scorer(labels_of(k))) if row.n >= 2 else 0.0
        score, two = s1, False
        if k + 1 < len(window):
            possible, under = _child_of(row, window[k + 1], hm)
            if possible:
                parent = _parent_filled(row, width, hm, labels_of(k))
                child = labels_of(k + 1)
                leaves = [ch or pa for pa, ch in zip(parent, child, strict=True)]
                s2 = float(scorer(leaves))
                if under or s2 > s1:
                    score, two = max(s1, s2), True
                    if under:
                        skip.add(k + 1)  # a child under merged parents is never a header on its own
        if best is None or score > best[0]:
            best = (score, k, two)
            data_below = 0
            if score >= HEADER_MAX_SCORE:
                break  # nothing below can score more
    if best is None or best[0] < HEADER_MIN_SCORE:
        got = 0.0 if best is None else best[0]
        return None, False, f"no header row found (best score {got:.2f} < {HEADER_MIN_SCORE})"
    return best[1], best[2], ""


def _classify_free(row: _Row, above_header: bool) -> str:
    """Kind of a row outside the data region: above the header, or anywhere when no header was found."""
    first = row.first
    if type(first) is str:
        s = _label(first)
        if _INSTRUCTION.match(s) or (row.n == 1 and len(s) > LONG_TEXT):
            return "instruction"
        if row.n == 1 and _NUMBERED.match(s) and len(s) > 15:
            return "instruction"
    if above_header:
        return "title"
    if any(type(v) is str and _TITLE.search(_label(v)) for v in row.vals):
        return "title"
    if _FOOTER.search(row.text):
        return "footer"
    return "unrecognised"


def _single_cell_kind(row: _Row, hm: dict[int, list[tuple[int, int]]], seen_footer: bool) -> str:
    s = _label(row.first)
    if _INSTRUCTION.match(s) or len(s) > LONG_TEXT or (_NUMBERED.match(s) and len(s) > 15):
        return "instruction"
    if _EXAMPLE.match(s):
        return "example"
    if _FOOTER.search(s) or (seen_footer and _DATE_LINE.match(s)):
        return "footer"
    col = row.cols[0]
    merged = any(c0 <= col <= c1 for c0, c1 in hm.get(row.r, ()))
    if len(s) <= SHORT_TEXT and (merged or _SECTION.search(s)):
        return "section"
    return "data"


def _multi_cell_kind(row: _Row, header_keys: list[str] | None) -> str:
    first = row.first
    if type(first) is str:
        if row.n <= 2 and _INSTRUCTION.match(first):
            return "instruction"
        if _EXAMPLE.match(first) or _EXAMPLE_CELL.search(row.text):
            return "example"
    # A footer line has few cells ("填表人：" | "张三" | "审核人：" | …) or starts with the keyword.
    if _FOOTER.search(row.text) and (row.n <= 4 or _FOOTER.match(row.text) or _TOTAL.match(row.text)):
        return "footer"
    if header_keys is not None and [norm_header(v) for v in row.vals] == header_keys:
        return "header"  # the header repeated (two tables pasted one under the other, printed page headers)
    return "data"


def _sheet_table(st: SheetTable, g: _Grid, kinds: list[str], sections: list[str | None]) -> SheetTable:
    st.row_lists = RowLists([row.r + 1 for row in g.rows], kinds, g.texts, sections)
    return st


def _analyse(
    name: str,
    hidden: bool,
    raw: list[list[object]],
    merges: list[tuple[tuple[int, int], tuple[int, int]]],
    n_rows: int,
    n_cols: int,
    scorer: Callable[[list[str]], float] | None,
) -> SheetTable:
    width = n_cols
    st = SheetTable(source_sheet=name, hidden=hidden, n_rows=n_rows, n_cols=n_cols, data_lists=DataLists(width))
    if not raw or not width:
        st.message = "empty sheet"
        return st
    g = _Grid(raw, width)
    if not len(g):
        st.message = "empty sheet"
        return st
    hm = _hmerges_by_row(merges)
    k, two, msg = _find_header(g, width, hm, scorer)
    kinds = ["data"] * len(g)
    sections: list[str | None] = [None] * len(g)

    if k is None:
        st.message = msg
        kinds = [_classify_free(row, above_header=False) for row in g.rows]
        return _sheet_table(st, g, kinds, sections)

    hrow = g.rows[k]
    if two:
        crow = g.rows[k + 1]
        parent = _parent_filled(hrow, width, hm)
        child = _row_labels(crow, width)
        st.header_parts = list(zip(parent, child, strict=True))
        st.header = [" ".join(x for x in pair if x) for pair in st.header_parts]
        st.header_rows = (hrow.r + 1, crow.r + 1)
        kinds[k] = kinds[k + 1] = "header"
        start = k + 2
    else:
        labels = _row_labels(hrow, width)
        st.header = labels
        st.header_parts = [(x,) for x in labels]
        st.header_rows = (hrow.r + 1,)
        kinds[k] = "header"
        start = k + 1
    st.header_row = hrow.r + 1
    for i in range(k):
        kinds[i] = _classify_free(g.rows[i], above_header=True)
    _classify_region(g, start, hrow, None if two else [norm_header(v) for v in hrow.vals], hm, kinds, sections)
    _sheet_table(st, g, kinds, sections)
    data_pos = list(compress(range(start, len(g)), map(eq, kinds[start:], repeat("data"))))
    st.data_lists = _data_lists(g, data_pos, sections, width, merges)
    return st


# The data-region prefilter; ``\s`` spelled as ASCII whitespace so it selects exactly the rows it always did.
_KEYWORDS_SCAN = re.compile(_KEYWORDS.pattern.replace(r"\s", r"[\t\n\f\r ]"))


def _classify_region(
    g: _Grid,
    start: int,
    hrow: _Row,
    header_keys: list[str] | None,
    hm: dict[int, list[tuple[int, int]]],
    kinds: list[str],
    sections: list[str | None],
) -> None:
    """Kinds and section labels of the rows under the header (``kinds``/``sections`` filled in place).

    Most rows are plain data: only rows with one or two cells, a furniture keyword in their text, or (one-row
    headers) the header's first cell are looked at one by one.
    """
    look = [
        i
        for i in range(start, len(g))
        if len((row := g.rows[i]).vals) <= 2
        or _KEYWORDS_SCAN.search(row.text)
        or (header_keys is not None and row.vals[0] == hrow.first)
    ]
    seen_footer = False
    section: str | None = None
    last = start
    for i in look:
        row = g.rows[i]
        if row.n == 1 and type(row.first) is str:
            kind = _single_cell_kind(row, hm, seen_footer)
        else:
            kind = _multi_cell_kind(row, header_keys)
        if kind == "section":
            sections[last:i] = [section] * (i - last)
            section, last = _label(row.first), i
        elif kind == "footer":
            seen_footer = True
        kinds[i] = kind
    if section is not None:
        sections[last:] = [section] * (len(g) - last)


def _obj_array(values: list[object]) -> np.ndarray:
    """A 1-D object array holding ``values`` as they are (no inference, no nesting)."""
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


def _data_lists(
    g: _Grid,
    data_pos: list[int],
    sections: list[str | None],
    width: int,
    merges: list[tuple[tuple[int, int], tuple[int, int]]],
) -> DataLists:
    """The data rows' cells, with each vertical merge's top-left value copied into its range (data rows only)."""
    if not data_pos:
        return DataLists(width)
    data = [g.rows[p] for p in data_pos]
    rows = [row.r for row in data]
    columns: list[list[object]] = list(map(list, zip(*[row.line for row in data], strict=True)))  # transposed
    if merges:
        where = {r: i for i, r in enumerate(rows)}
        for (r0, c0), (r1, c1) in merges:
            if r1 <= r0 or c0 >= width or r0 not in where:
                continue  # horizontal-only merges are labels; an anchor outside the data is not data
            v = columns[c0][where[r0]]
            if v is None:
                continue
            for r in range(r0, r1 + 1):
                i = where.get(r)
                if i is None:
                    continue
                for j in range(c0, min(c1, width - 1) + 1):
                    col = columns[j]
                    if col[i] is None:
                        col[i] = v
    return DataLists(width, columns, [r + 1 for r in rows], [sections[p] for p in data_pos])


def _rows_frame(rl: RowLists) -> pd.DataFrame:
    if not rl.source_row:
        return _empty_rows()
    return pd.DataFrame(
        {
            "source_row": np.array(rl.source_row, dtype=np.int64),
            "kind": pd.array(rl.kind, dtype="str"),
            "text": pd.array(rl.text, dtype="str"),
            "section": pd.Series(_obj_array(rl.section), dtype=object, copy=False),
        }
    )


def _data_frame(dl: DataLists) -> pd.DataFrame:
    if not dl.source_row:
        return _empty_data(dl.width)
    # One dict of ready-made columns: inserting columns into a frame costs more than building it, and explicit
    # object Series stop pandas 3 from inferring the str dtype (cells keep their raw Python types).
    cols: dict[object, object] = {
        j: pd.Series(_obj_array(col), dtype=object, copy=False) for j, col in enumerate(dl.columns)
    }
    cols["source_row"] = np.array(dl.source_row, dtype=np.int64)
    cols["section"] = pd.Series(_obj_array(dl.section), dtype=object, copy=False)
    return pd.DataFrame(cols, copy=False)


@cache
def _empty_rows_template() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_row": np.empty(0, dtype=np.int64),
            "kind": pd.array([], dtype="str"),
            "text": pd.array([], dtype="str"),
            "section": pd.Series([], dtype=object),
        }
    )


@cache
def _empty_data_template(width: int) -> pd.DataFrame:
    df = pd.DataFrame(np.empty((0, width), dtype=object), columns=range(width), dtype=object)
    df["source_row"] = np.empty(0, dtype=np.int64)
    df["section"] = pd.Series([], dtype=object)
    return df


def _empty_rows() -> pd.DataFrame:
    """An empty ``rows`` frame (copied from a cached template: building frames costs more than reading a sheet)."""
    return _empty_rows_template().copy()


def _empty_data(width: int) -> pd.DataFrame:
    return _empty_data_template(width).copy()


# --------------------------------------------------------------------------------------------
# Entry point


def read_tables(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    header_scorer: Callable[[list[str]], float] | None = None,
    limits: Limits | None = None,
) -> list[SheetTable]:
    """Read every sheet of a workbook (path or bytes) and locate its table; one :class:`SheetTable` per sheet.

    ``header_scorer(cells) -> [0, 1]`` receives one header label per column (whitespace-collapsed, "" for blank;
    for a two-row candidate the child label, else the parent's) and decides which row among the first
    :data:`HEADER_SEARCH_ROWS` non-empty rows is the header (best score, ties to the earliest, minimum
    :data:`HEADER_MIN_SCORE` and >= 2 non-empty cells). Without it a generic layout heuristic is used.

    Raises :class:`UnreadableFile` for whole-file problems. Sheets beyond ``limits.max_sheets`` and sheets over
    the row/column limits come back with empty ``rows`` and an explanatory ``message`` instead of being read.
    """
    limits = limits or Limits()
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = name or "<bytes>"
    else:
        path = Path(source)
        name = name or str(path)
        try:
            size = os.stat(path).st_size
        except OSError as e:
            raise UnreadableFile(f"cannot open: {e.strerror or e}") from e
        if size > limits.max_file_bytes:
            raise UnreadableFile(f"too large: {size} bytes (limit {limits.max_file_bytes})")
        data = path.read_bytes()
    _sniff(data, name, limits)

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = wb.sheets_metadata
    except pc.PasswordError as e:
        raise UnreadableFile("encrypted workbook") from e
    except Exception as e:  # calamine raises several unrelated types for damaged files
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise UnreadableFile("encrypted workbook") from e
        raise UnreadableFile(f"corrupt workbook: {_short(e)}") from e

    out: list[SheetTable] = []
    for idx, meta in enumerate(metas):
        hidden = meta.visible != pc.SheetVisibleEnum.Visible
        if idx >= limits.max_sheets:
            out.append(
                SheetTable(
                    source_sheet=meta.name,
                    hidden=hidden,
                    message=f"not read: more than {limits.max_sheets} sheets in the workbook",
                )
            )
            continue
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            out.append(SheetTable(source_sheet=meta.name, hidden=hidden, message=f"not a worksheet ({meta.typ.name})"))
            continue
        try:
            sheet = wb.get_sheet_by_index(idx)
            end = sheet.end
            n_rows, n_cols = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
            too_many = (
                f"too many rows: {n_rows} (limit {limits.max_sheet_rows})" if n_rows > limits.max_sheet_rows
                else f"too many columns: {n_cols} (limit {limits.max_sheet_cols})" if n_cols > limits.max_sheet_cols
                else ""
            )
            if too_many:
                out.append(SheetTable(meta.name, hidden, n_rows=n_rows, n_cols=n_cols, message=too_many))
                continue
            raw = sheet.to_python(skip_empty_area=False) if n_rows else []
            merges = sheet.merged_cell_ranges or []
        except Exception as e:
            raise UnreadableFile(f"corrupt workbook: sheet {meta.name!r}: {_short(e)}") from e
        out.append(_analyse(meta.name, hidden, raw, merges, n_rows, n_cols, header_scorer))
    return out


def _short(e: BaseException) -> str:
    s = f"{type(e).__name__}: {e}"
    return s if len(s) <= 200 else s[:197] + "..."
