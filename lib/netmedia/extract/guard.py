"""Whole-file checks before a workbook is opened: not a workbook, encrypted, zip bomb, a sheet too large.

calamine cannot be stopped once it starts allocating a huge sheet (a 400-byte file with cells at A1 and XFD1048576
asks for billions of cells and aborts the process), so these checks look at the bytes first: the file's magic
number, the declared sizes of its zip members (``zipfile``'s ``infolist()``), and the row and cell references
of each sheet, read with a bounded read. Every refusal is an :class:`UnreadableFile` with a one-line reason.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from operator import itemgetter

from netmedia.config import Limits

__all__ = ["UnreadableFile", "check_file", "check_sheet_extent", "error_text"]


class UnreadableFile(Exception):
    """The file as a whole cannot be read as a workbook; ``reason`` says why in one short English line.

    The reason starts with a stable code the ingest can group on: ``empty file``,
    ``not a workbook (looks like PDF)``, ``encrypted workbook``, ``corrupt workbook: …``,
    ``too large: …``, ``too many cells: …``.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def error_text(e: BaseException) -> str:
    """``Type: message`` of a library's error, cut to 200 characters: an :class:`UnreadableFile` reason quotes
    what calamine said about a damaged file, and stays one short line in the rejects table."""
    s = f"{type(e).__name__}: {e}"
    return s if len(s) <= 200 else s[:197] + "..."


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OTHER_MAGIC = {b"\x89PNG": "image", b"\xff\xd8\xff": "image", b"GIF8": "image", b"Rar!": "RAR archive",
                b"7z\xbc\xaf": "7z archive", b"{\\rtf": "RTF document"}


def check_file(data: bytes, limits: Limits) -> None:
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
    """What a file that is not a workbook seems to be, for the reason shown to the user."""
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
    for magic, what in _OTHER_MAGIC.items():
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


# What zipfile raises for damaged archives; RuntimeError: an encrypted member, an unsupported compression method.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError)
# Every row and cell reference in sheet XML, in any form an XML parser accepts: r="12" on a row, r="AB12" on a cell,
# single quotes, any whitespace around "=" or before r, any namespace prefix on the element. Ten digits at most
# are read: a longer row number is refused as surely as ten digits are.
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d{1,10})""")
# What nearly every sheet holds: references written ` r="…"`, none past column Z or row 99,999. One search finds
# the exceptions without reading every reference (an r not followed by "=" or whitespace fails at once): an r
# attribute written another way (r = "…", r= "…", r='…'), and r="…" after any whitespace with two column letters
# or a six-digit row. Every reference _REF reads is one of these or lies within Z99999. (`[A-Za-z]?+` keeps the
# column letter it takes: "A1" is not read as a two-letter column by giving the A back.)
_NEAR_ROWS, _NEAR_COLS = 99_999, 26
_FAR_OR_ODD_REF = re.compile(rb"""
    r (?: \s+ =                                                # r = "..."
        | = (?: [\s']                                          # r= "...", r='...'
              | " (?<=\sr=") [A-Za-z]?+ (?: [A-Za-z] | \d{6})   # r="AB...", r="123456...", r="A123456..."
            )
      )""", re.VERBOSE)


def _check_zip(data: bytes, limits: Limits) -> None:
    """Zip-bomb guard for .xlsx/.xlsm/.ods: the declared sizes of all members must fit the budget (nothing inflated
    yet), the archive must hold a workbook, and every sheet's extent must fit (:func:`check_sheet_extent`).

    A sheet is inflated only up to its declared size, which the budget has already counted; :mod:`zipfile`
    checks each sheet's CRC, so a lying size or damaged data becomes a "corrupt workbook" reason.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as e:
        raise UnreadableFile(f"corrupt workbook: damaged or truncated zip ({e})") from e
    with zf:
        infos = zf.infolist()
        total = sum(info.file_size for info in infos)
        if total > limits.max_uncompressed_bytes:
            raise UnreadableFile(f"too large: would inflate to {total} bytes (limit {limits.max_uncompressed_bytes})")
        names = {info.filename.lower() for info in infos}
        if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
            if "word/document.xml" in names:
                raise UnreadableFile("not a workbook (looks like a Word .docx)")
            raise UnreadableFile("not a workbook (zip archive without xl/workbook.xml)")
        for info in infos:
            name = info.filename.lower()
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            try:
                with zf.open(info) as member:
                    xml = member.read(info.file_size)
            except _ZIP_ERRORS as e:
                raise UnreadableFile(f"corrupt workbook: damaged sheet data ({e})") from e
            check_sheet_extent(xml, limits)


def _column_number(letters: bytes) -> int:
    """1-based column number of Excel column letters (b"A" -> 1, b"XFD" -> 16384, b"xfd" too; b"" -> 0)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - ord("A") + 1
    return n


def check_sheet_extent(xml: bytes, limits: Limits) -> None:
    """Refuse a sheet whose used range is huge before calamine sees it.

    calamine turns a sheet's cells into one dense rectangle, so two cells at A1 and XFD1048576 in a 400-byte
    file ask for billions of cells and abort the process (no exception to catch). The extent is read from the
    row and cell references themselves (a ``<dimension>`` element can lie); the zip guard has already bounded
    the size of the XML. A sheet whose references all lie within Z99999 (nearly every return) is told apart by
    one fast search; any other sheet has every reference read.
    """
    if _fits(_NEAR_ROWS, _NEAR_COLS, limits) and not _far_or_odd_reference(xml):
        return
    refs = _REF.findall(xml)  # (column letters, row number) of every reference
    rows = max(map(int, map(itemgetter(1), refs)), default=0)  # a cell's own row counts too, not only its <row>'s
    cols = max(map(_column_number, set(map(itemgetter(0), refs))), default=0)  # each column once
    if not _fits(rows, cols, limits):
        raise UnreadableFile(
            f"too many cells: a sheet spans {rows} rows x {cols} columns "
            f"(limit {limits.max_sheet_rows} x {limits.max_sheet_cols})"
        )


def _fits(rows: int, cols: int, limits: Limits) -> bool:
    """Whether a sheet of ``rows`` x ``cols`` cells is small enough to hand to calamine (the sheet limits
    themselves are checked on what calamine read, with a message per sheet)."""
    return rows * cols <= limits.max_sheet_rows * limits.max_sheet_cols and rows <= 10 * limits.max_sheet_rows


def _far_or_odd_reference(xml: bytes) -> bool:
    """Whether the sheet has a reference past Z99999 or an r attribute not written `r="…"` after whitespace."""
    return _FAR_OR_ODD_REF.search(xml) is not None
