"""One safe way to write Excel outputs.

Every workbook the tool writes goes through here so that a hostile account
name such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` stays text (xlsxwriter
with ``strings_to_formulas`` off; every string is written with ``write_string``),
URLs are not auto-linked, over-long strings are cut to Excel's cell limit,
control characters (other than tab and newline) are removed, and tables get the
frozen header and filters an analyst expects.

Presentation is declared per sheet with :class:`SheetSpec`: a merged title and
note lines above the header, column widths (fixed or fitted to the content),
per-column cell formats (e.g. a filled, empty reply column), per-row formats
(e.g. a bold totals row), conditional formats, borders, and print setup
(A4 landscape, fit to width, header row repeated, page-number footer).
Formats are plain xlsxwriter format dicts (``{"bold": True, "bg_color": "#FFF2CC"}``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
import xlsxwriter.packager
import xlsxwriter.sharedstrings
import xlsxwriter.utility
import xlsxwriter.workbook
from isal import isal_zlib
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

EXCEL_MAX_CHARS = 32_767
EXCEL_MAX_SHEETNAME = 31
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
# C0 controls except \t and \n, plus DEL: invisible in Excel and illegal in XML 1.0 (except as _xHHHH_ escapes).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Lone surrogates cannot be encoded in the file at all.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

A4 = 9  # Excel paper code
PAGE_FOOTER = "&C第 &P 页，共 &N 页"


@dataclass
class SheetSpec:
    """A sheet to write: a frame plus presentation details.

    Layout from the top: ``title`` (merged across the table's width, bold),
    one row per entry of ``notes`` (merged, wrapped), then the header row and
    the data. Everything else is optional.
    """

    df: pd.DataFrame
    headers: Mapping[str, str] | None = None  # column -> header shown (Chinese)
    title: str | None = None  # title row above the header (merged across the columns)
    widths: Mapping[str, float] = field(default_factory=dict)  # column -> width in Excel character units
    landscape: bool = False  # print A4 landscape, fit to one page wide, header row repeated on each page
    wrap: bool = False  # wrap text in data cells (rows grow to fit)
    notes: Sequence[str] = ()  # lines under the title (instructions), merged across the columns
    note_height: float | None = None  # row height (points) for note rows; None: Excel default
    autofit: bool = False  # width of columns not in ``widths`` from header and content (CJK counts double)
    max_width: float = 50  # cap for fitted widths
    column_formats: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # data-cell formats per column
    row_formats: Mapping[int, Mapping[str, object]] = field(default_factory=dict)  # 0-based data-row position -> format
    conditional_formats: Sequence[
        tuple[str, Mapping[str, object]]
    ] = ()  # (column, xlsxwriter options; "format" a dict)
    borders: bool = False  # thin borders around every data cell
    font_size: float | None = None  # data-cell font size
    freeze: bool = True  # freeze panes below the header row
    freeze_cols: int = 0  # also freeze this many leading columns
    autofilter: bool = True  # filter buttons on the header row
    footer: str | None = None  # print footer (xlsxwriter codes); landscape sheets default to page numbers
    header_height: float | None = None  # header row height in points
    tab_color: str | None = None


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """An Excel-legal, unique sheet name (31 chars, no []:*?/\\)."""
    base = (str(name).translate(_BAD_SHEET_CHARS).strip("'") or "Sheet")[:EXCEL_MAX_SHEETNAME]
    out, i = base, 2
    while taken is not None and out.lower() in {t.lower() for t in taken}:
        suffix = f"({i})"
        out = base[: EXCEL_MAX_SHEETNAME - len(suffix)] + suffix
        i += 1
    if taken is not None:
        taken.add(out)
    return out


def clean_text(s: str) -> str:
    """Text as it will be stored: control characters (except tab/newline) and lone surrogates removed,
    ``\\r\\n``/``\\r`` folded to ``\\n``, cut to Excel's 32,767-character cell limit."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL_RE.sub("", s)
    s = _SURROGATE_RE.sub("", s)
    return s[:EXCEL_MAX_CHARS]


def cell_value(v: object) -> object:
    """Convert a pandas value to something xlsxwriter writes verbatim (no formulas, no NaN)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, str):
        return clean_text(v)
    if hasattr(v, "item") and not isinstance(v, dt.date):  # numpy scalar
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
        return v
    return v


def display_width(s: str) -> int:
    """Width of ``s`` in Excel character units: East Asian wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _fitted_width(label: str, values: pd.Series, cap: float) -> float:
    w = display_width(label)
    sample = values.dropna()
    if len(sample) > 2000:
        sample = sample.sample(2000, random_state=0)
    if len(sample):
        counts = sample.map(str).value_counts()
        widths = pd.Series(
            [max((display_width(part) for part in s.split("\n")), default=0) for s in counts.index], dtype="int64"
        )
        by_width = pd.Series(counts.to_numpy(), index=widths).groupby(level=0).sum().sort_index()
        cum = by_width.cumsum() / by_width.sum()
        w = max(w, int(cum.index[(cum >= 0.95).to_numpy().argmax()]))  # 95th percentile: one odd value does not widen
    return float(min(max(w + 2, 6), cap))


class _Formats:
    """xlsxwriter formats built once per distinct property set."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple, object] = {}

    def get(self, props: Mapping[str, object]) -> object | None:
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(dict(props))
        return self.cache[key]


def _kind(v: object) -> str:
    if isinstance(v, str):
        return "str"
    if isinstance(v, dt.datetime):
        return "datetime" if (v.hour or v.minute) else "date"
    if isinstance(v, dt.date):
        return "date"
    return "other"


_KIND_PROPS = {"date": {"num_format": "yyyy-mm-dd"}, "datetime": {"num_format": "yyyy-mm-dd hh:mm"}}


# Anything :func:`clean_text` would change in a string (control characters, CR, lone surrogates).
_NEEDS_CLEAN = re.compile(r"[\r\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _str_column(values: list[object]) -> list[str | None]:
    """A pandas ``str`` column's cells: text, None for missing; :func:`clean_text` only when some cell needs it
    (one regex over the whole column instead of three per cell)."""
    out = [v if type(v) is str else None for v in values]
    strs = [v for v in out if v is not None]
    if strs and (_NEEDS_CLEAN.search("\n".join(strs)) or max(map(len, strs)) > EXCEL_MAX_CHARS):
        out = [None if v is None else clean_text(v) for v in out]
    return out


def _column_values(s: pd.Series) -> list[object]:
    """A column's cells as :func:`cell_value` gives them, converted by dtype: text and datetime columns (most
    cells of the big tables) without the per-cell type tests."""
    values = s.tolist()
    if isinstance(s.dtype, pd.StringDtype):
        return _str_column(values)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return [None if v is pd.NaT else v.to_pydatetime() for v in values]
    return [cell_value(v) for v in values]


def _write_value(ws, i: int, j: int, v: object, fmt: object) -> None:
    """One non-blank converted cell with the xlsxwriter call for its type (strings always as text)."""
    if isinstance(v, str):
        ws.write_string(i, j, v, fmt)
    elif isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        ws.write_datetime(i, j, v, fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), fmt)
    elif isinstance(v, bool):
        ws.write_boolean(i, j, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(i, j, v, fmt)
    else:
        ws.write_string(i, j, clean_text(str(v)), fmt)


class _BlockWorksheet(Worksheet):
    """A worksheet whose data rows are handed over encoded (:class:`_Block`: per column its distinct ``<c>``
    tails and each row's index into them) and written as XML when the file is written, by Arrow's string kernels
    (:func:`_cells_xml`).

    xlsxwriter stores each cell as a named tuple and writes it through several Python calls (about 7 µs a cell:
    most of the time of a big ``clean_tables.xlsx``). :func:`_block` instead converts each column by its dtype,
    once per distinct value, and the XML it builds is the XML xlsxwriter writes for such cells (references,
    styles, shared strings, row spans, dimensions), though not byte for byte: shared strings are numbered
    column by column and styles in a different order. Rows above the data (title, notes, header) go through
    xlsxwriter as usual.
    """

    block: _Block | None = None
    renderer: Executor | None = None  # a thread that renders the block's rows while the next sheets are encoded

    def _calculate_spans(self) -> None:
        if self.block is None:
            super()._calculate_spans()
            return
        # xlsxwriter's loop visits every row up to the last one (two dict lookups each: ~6 ms on a sheet of 15,000
        # rows, twice per sheet); only the rows it stores itself (above the block) or with a comment give spans.
        last = self.dim_rowmax
        self.dim_rowmax = max((r for r in chain(self.table, self.comments) if r <= last), default=self.dim_rowmin)
        try:
            super()._calculate_spans()
        finally:
            self.dim_rowmax = last
        for k, (lo, hi) in self.block.spans.items():
            old = self.row_spans.get(k)
            if old is not None:
                a, b = (int(x) for x in old.split(":"))
                lo, hi = min(lo, a), max(hi, b)
            self.row_spans[k] = f"{lo}:{hi}"

    def _plain_rows(self) -> bool:
        """Whether a row without set_row() options gets xlsxwriter's plain <row> tag on this sheet (no default
        row height, no Excel 2010 extensions)."""
        return self.excel_version == 2007 and self.default_row_height == self.original_row_height

    def _plain_row_tags(self) -> bool:
        """Whether every data row gets the plain <row> tag (see :meth:`_plain_rows`; no options on a data row):
        then the row tags are made with the cells, for all rows at once."""
        blk = self.block
        if blk is None or not self._plain_rows():
            return False
        return not any(blk.first <= r < blk.first + len(blk.stored) for r in self.row_info)

    def start_rendering(self) -> None:
        """Render the block's rows now in :attr:`renderer` (Arrow's kernels release the GIL) with the row spans
        known so far; :meth:`_write_rows` takes them if the spans are still the same when the file is written."""
        blk = self.block
        if self.renderer is None or blk is None or len(blk.stored) > PRERENDER_ROWS or not self._plain_row_tags():
            return
        self._calculate_spans()
        spans = dict(self.row_spans)
        blk.rendering = (spans, self.renderer.submit(_rendered_rows, blk, spans))

    def _write_rows(self) -> None:
        if self.block is None:
            super()._write_rows()
            return
        blk = self.block
        last = self.dim_rowmax
        self.dim_rowmax = blk.first - 1  # xlsxwriter writes the rows above the data (spans: see above)
        super()._write_rows()
        self.dim_rowmax = last
        if self._plain_row_tags():
            if blk.rendering is not None and blk.rendering[0] == self.row_spans:
                parts = blk.rendering[1].result()
            else:
                parts = _rendered_rows(blk, self.row_spans)
            blk.rendering = None
            for part in parts:
                self._write_utf8(part)
            return
        plain_tags = self._plain_rows()
        for a in range(0, len(blk.stored), RENDER_SLICE):
            pos, _, cells = _cells_xml(blk, a, min(a + RENDER_SLICE, len(blk.stored)))
            out: list[str] = []
            for row, xml in zip((blk.first + pos).tolist(), cells.to_pylist(), strict=True):
                if plain_tags and row not in self.row_info:
                    out.append(f'<row r="{row + 1}" spans="{self.row_spans[row // 16]}">')
                else:
                    self.fh.write("".join(out))
                    out.clear()
                    self._write_row(row, self.row_spans.get(row // 16), self.row_info.get(row))
                out.append(xml)
                out.append("</row>")
            self.fh.write("".join(out))

    def _write_utf8(self, data: memoryview) -> None:
        """UTF-8 XML straight into the sheet's file (xlsxwriter's text file, or a StringIO in memory mode)."""
        raw = getattr(self.fh, "buffer", None)
        if raw is None:
            self.fh.write(bytes(data).decode())
            return
        self.fh.flush()
        raw.write(data)


def _style_attr(fmt: object) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt else ""


@dataclass
class _Block:
    """The data rows of a sheet for :class:`_BlockWorksheet`. Per column: the distinct tails of its ``<c>``
    elements (style, type, value; null for a cell that is not stored) as an Arrow array and each row's index
    into them. Per row: whether it stores any cell. Per 16-row group the 1-based first and last stored column
    (xlsxwriter's row ``spans``)."""

    first: int
    tails: list[pa.Array]
    codes: list[np.ndarray]
    stored: np.ndarray
    spans: dict[int, tuple[int, int]]
    rendering: tuple[dict[int, str], Future] | None = None  # (row spans used, rows) from start_rendering


#: Data rows rendered per Arrow pass: bounds the memory the cells' XML strings take at once.
RENDER_SLICE = 50_000
#: Sheets with at most this many data rows are rendered ahead in a thread (their whole XML is held until
#: written); bigger ones slice by slice when the file is written.
PRERENDER_ROWS = 200_000

_LARGE = pa.large_string()


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, _LARGE)


def _slice(blk: _Block, a: int, b: int) -> tuple[np.ndarray, pa.Array, list[pa.Array | pa.Scalar]]:
    """The block rows ``a .. b`` that store a cell: their positions, their 1-based row numbers as text, and the
    pieces of their ``<c>`` elements in order, for one :func:`pyarrow.compute.binary_join_element_wise` (nulls
    joined as ""). A column storing a cell in every one of these rows gives its pieces as they are (prefix, row
    number, quote, tail: no intermediate strings); a column with gaps gives its cells joined with nulls kept,
    so that a cell not stored leaves nothing, not half an element."""
    pos = np.flatnonzero(blk.stored[a:b]) + a
    rownum = pa.array(pos + (blk.first + 1)).cast(_LARGE)
    parts: list[pa.Array | pa.Scalar] = []
    for j, (tails, codes) in enumerate(zip(blk.tails, blk.codes, strict=True)):
        cell_tails = tails.take(pa.array(codes[pos]))
        nulls = cell_tails.null_count
        if nulls == len(cell_tails):
            continue  # nothing stored in this column here
        pieces = (_s(f'<c r="{xl_col_to_name(j)}'), rownum, _s('"'), cell_tails)
        if nulls:
            parts.append(pc.binary_join_element_wise(*pieces, _s(""), null_handling="emit_null"))
        else:
            parts += pieces
    return pos, rownum, parts


def _joined(parts: Sequence[pa.Array | pa.Scalar]) -> pa.Array:
    return pc.binary_join_element_wise(*parts, _s(""), null_handling="replace", null_replacement="")


def _cells_xml(blk: _Block, a: int, b: int) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """The block rows ``a .. b`` that store a cell: their positions, their 1-based row numbers as text, and the
    ``<c>`` elements of each, made column by column by Arrow's string kernels (no Python step per cell)."""
    pos, rownum, parts = _slice(blk, a, b)
    return pos, rownum, _joined(parts)


def _row_tags(rows: np.ndarray, rownum: pa.Array, spans: Mapping[int, str]) -> list[pa.Array | pa.Scalar]:
    """The pieces of the plain ``<row>`` tag xlsxwriter writes, with the row group's spans."""
    groups = rows // 16
    keys, where = np.unique(groups, return_inverse=True)
    span = pa.array([spans[k] for k in keys.tolist()], _LARGE).take(pa.array(where))
    return [_s('<row r="'), rownum, _s('" spans="'), span, _s('">')]


def _rendered_rows(blk: _Block, spans: Mapping[int, str]) -> list[memoryview]:
    """The block's whole ``<row>`` elements as UTF-8, a slice of :data:`RENDER_SLICE` rows at a time, each slice
    made by one join of the row tags' and the cells' pieces."""
    out = []
    for a in range(0, len(blk.stored), RENDER_SLICE):
        pos, rownum, parts = _slice(blk, a, min(a + RENDER_SLICE, len(blk.stored)))
        if len(pos):
            out.append(_utf8(_joined([*_row_tags(blk.first + pos, rownum, spans), *parts, _s("</row>")])))
    return out


def _utf8(arr: pa.Array) -> memoryview:
    """The strings of ``arr`` (large_string, no nulls) joined, as a view of its data buffer (no copy)."""
    _, offsets, data = arr.buffers()
    if data is None:
        return memoryview(b"")
    ends = np.frombuffer(offsets, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    return memoryview(data)[int(ends[0]) : int(ends[-1])]


@dataclass
class _Column:
    """A column reduced to its distinct cells: ``codes[i]`` indexes ``items`` (-1: no value), each item a
    (kind, value) pair: ("s", text), ("n", number), ("b", 0 or 1) or ("date" / "datetime", Excel serial)."""

    codes: np.ndarray
    items: list[tuple[str, object]]


# Days from xlsxwriter's epoch (1899-12-31): later dates are shifted by one for Excel's fictional 1900-02-29;
# earlier ones (and 1904-system dates this close to their epoch) go through xlsxwriter's own conversion.
_EXCEL_SHIFT_DAYS = 60
_US_PER_DAY = 86_400_000_000


def _datetime_column(s: pd.Series, ws: Worksheet) -> _Column:
    """A datetime64 column as Excel serials, computed with numpy the way xlsxwriter computes them (wall-clock
    time for time-zone-aware columns); the format kind per value as :func:`_kind` gives it."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    codes, uniques = pd.factorize(s)
    us = uniques.as_unit("us").asi8
    epoch = (dt.datetime(1904, 1, 1) if ws.date_1904 else dt.datetime(1899, 12, 31)) - dt.datetime(1970, 1, 1)
    delta = us - (epoch // dt.timedelta(microseconds=1))
    days, rem = np.divmod(delta, _US_PER_DAY)
    secs, micro = np.divmod(rem, 1_000_000)
    serial = days + (secs.astype(float) + micro.astype(float) / 1e6) / 86400  # xlsxwriter's float arithmetic
    if not ws.date_1904:
        serial += 1  # Excel's fictional 1900-02-29, for every date after it
    kinds = np.where(rem >= 60_000_000, "datetime", "date")  # hour or minute set
    serials = serial.tolist()
    for i in np.flatnonzero(days <= _EXCEL_SHIFT_DAYS).tolist():  # early dates: xlsxwriter's own corrections
        serials[i] = ws._convert_date_time(uniques[i].to_pydatetime())
    return _Column(codes, list(zip(kinds.tolist(), serials, strict=True)))


def _object_column(s: pd.Series, ws: Worksheet, limit: int) -> _Column | None:
    """Any other column, cell by cell through :func:`_column_values`; None if a cell is not plain (see
    :func:`_encode`)."""
    index: dict[tuple[type, object], int] = {}
    items: list[tuple[str, object]] = []
    codes = []
    for v in _column_values(s):
        if v is None:
            codes.append(-1)
            continue
        t = type(v)
        if t is not str and t is not int and t is not float and t is not bool and not isinstance(v, dt.date):
            return None
        key = (t, v)  # 1, 1.0 and True are equal as dict keys but not as cells
        code = index.get(key)
        if code is None:
            if t is str:
                if len(v) > limit:
                    return None
                item: tuple[str, object] = ("s", v)
            elif t is bool:
                item = ("b", int(v))
            elif t is int:
                item = ("n", v)
            elif t is float:
                if math.isinf(v) or math.isnan(v):
                    return None
                item = ("n", v)
            else:  # date or datetime, as _write_value writes them
                d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                item = (_kind(v), ws._convert_date_time(d.replace(tzinfo=None) if d.tzinfo is not None else d))
            code = index[key] = len(items)
            items.append(item)
        codes.append(code)
    return _Column(np.array(codes, dtype=np.int64), items)


def _encode(s: pd.Series, ws: Worksheet) -> _Column | None:
    """A column's distinct cells, converted by dtype (text, integer, float, boolean and datetime columns without
    a Python step per cell). None when a cell needs the cell-by-cell path: a string long enough for xlsxwriter's
    UTF-16 truncation check, an infinite number, or a value that is not text, number, boolean or date."""
    limit = ws.xls_strmax // 2
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype):
        codes, uniques = pd.factorize(s)
        texts = uniques.tolist()
        if texts and (_NEEDS_CLEAN.search("\n".join(texts)) or max(map(len, texts)) > EXCEL_MAX_CHARS):
            texts = [clean_text(v) if len(v) > EXCEL_MAX_CHARS or _NEEDS_CLEAN.search(v) else v for v in texts]
        if texts and max(map(len, texts)) > limit:
            return None
        return _Column(codes, [("s", v) for v in texts])
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetime_column(s, ws)
    if pd.api.types.is_bool_dtype(dtype):
        codes, uniques = pd.factorize(s)
        return _Column(codes, [("b", int(v)) for v in uniques.tolist()])
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        codes, uniques = pd.factorize(s)
        values = uniques.tolist()
        if any(math.isinf(v) for v in values):
            return None
        return _Column(codes, [("n", v) for v in values])
    return _object_column(s, ws, limit)


def _block(ws: _BlockWorksheet, df: pd.DataFrame, first: int, fmt_for) -> _Block | None:
    """The frame's data rows as a :class:`_Block`, or None if some cell needs the cell-by-cell path.

    Work is per column and per distinct value: each distinct string is registered in the shared-string table
    once (and the table's reference count raised by the cells that use it), each distinct value becomes the tail
    of its ``<c>`` element (style, type, value) once; the cells are made from these when the file is written
    (:func:`_cells_xml`). Blank cells are
    stored (with the column's format) only in columns that have a format, as on the cell-by-cell path; the sheet
    dimensions are extended over every stored cell."""
    n, width = df.shape
    if first + n > ws.xls_rowmax or width > ws.xls_colmax:
        return None
    columns = []
    for j in range(width):
        col = _encode(df.iloc[:, j], ws)
        if col is None:
            return None
        columns.append(col)
    table = ws.str_table
    all_tails: list[list[str | None]] = []
    all_codes: list[np.ndarray] = []
    stored = np.zeros((width, n), dtype=bool)
    for j, col in enumerate(columns):
        text = None  # the format of text, numbers and booleans: the column's own
        tails: list[str | None] = []
        for kind, v in col.items:
            if kind in ("date", "datetime"):
                tails.append(f"{_style_attr(fmt_for(j, kind, None))}><v>{v:.16G}</v></c>")
                continue
            if text is None:
                text = _style_attr(fmt_for(j, "str", None))
            if kind == "s":
                tails.append(f'{text} t="s"><v>{table._get_shared_string_index(v)}</v></c>')
            elif kind == "n":
                tails.append(f"{text}><v>{v:.16G}</v></c>")
            else:
                tails.append(f'{text} t="b"><v>{v}</v></c>')
        valid = col.codes >= 0
        is_text = np.array([kind == "s" for kind, _ in col.items], dtype=bool)
        if is_text.any():  # each registration above counted one reference; count the others
            uses = np.bincount(col.codes[valid], minlength=len(col.items))
            table.count += int(uses[is_text].sum()) - int(is_text.sum())
        blank = fmt_for(j, "blank", None)
        if blank is not None:  # every cell of the column is stored, blanks with the column's format
            tails.append(f"{_style_attr(blank)}/>")
            stored[j] = True
        else:
            tails.append(None)  # not stored
            stored[j] = valid
        all_tails.append(tails)
        all_codes.append(np.where(valid, col.codes, len(tails) - 1))
    rows = np.flatnonzero(stored.any(axis=0))
    spans: dict[int, tuple[int, int]] = {}
    if len(rows):
        lo = stored[:, rows].argmax(axis=0)
        hi = width - 1 - stored[::-1, rows].argmax(axis=0)
        group = (first + rows) // 16
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        los = np.minimum.reduceat(lo, starts) + 1
        his = np.maximum.reduceat(hi, starts) + 1
        spans = dict(zip(group[starts].tolist(), zip(los.tolist(), his.tolist(), strict=True), strict=True))
        ws._check_dimensions(first + int(rows[0]), int(lo.min()))
        ws._check_dimensions(first + int(rows[-1]), int(hi.max()))
    return _Block(first, [pa.array(tails, _LARGE) for tails in all_tails], all_codes, stored.any(axis=0), spans)


def _write_data(
    ws,
    fmts: _Formats,
    df: pd.DataFrame,
    first: int,
    col_props: list[dict[str, object]],
    row_formats: Mapping[int, Mapping[str, object]],
) -> None:
    """The data cells: as a :class:`_Block` when the sheet is a :class:`_BlockWorksheet`, no row has its own
    format and every cell is plain; otherwise cell by cell through xlsxwriter, row by row.

    Values are converted a column at a time, and the format of every (column, value kind) is looked up once:
    per-cell format merging used to cost as much as xlsxwriter itself.
    """
    kind_fmt: dict[tuple[int, str], object] = {}

    def fmt_for(j: int, kind: str, row_extra: Mapping[str, object] | None) -> object:
        if row_extra:
            return fmts.get({**col_props[j], **_KIND_PROPS.get(kind, {}), **row_extra})
        key = (j, kind)
        if key not in kind_fmt:
            kind_fmt[key] = fmts.get({**col_props[j], **_KIND_PROPS.get(kind, {})})
        return kind_fmt[key]

    if isinstance(ws, _BlockWorksheet) and df.shape[0] and df.shape[1] and not row_formats:
        ws.block = _block(ws, df, first, fmt_for)
        if ws.block is not None:
            ws.start_rendering()
            return
    columns = [_column_values(df.iloc[:, j]) for j in range(df.shape[1])]
    # xlsxwriter's public write_string/write_number only convert "A1" arguments before calling _write_string /
    # _write_number: calling those directly saves two Python frames per cell (same checks, same storage).
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)
    for pos, row in enumerate(zip(*columns, strict=True)):
        i = first + pos
        row_extra = row_formats.get(pos)
        for j, v in enumerate(row):
            if v is None:
                fmt = fmt_for(j, "blank", row_extra)
                if fmt is not None:
                    ws.write_blank(i, j, None, fmt)
            elif row_extra:
                _write_value(ws, i, j, v, fmt_for(j, _kind(v), row_extra))
            elif type(v) is str:
                write_string(i, j, v, fmt_for(j, "str", None))
            elif type(v) is int or type(v) is float:  # not bool; numbers share the text cells' format
                write_number(i, j, v, fmt_for(j, "str", None))
            else:
                _write_value(ws, i, j, v, fmt_for(j, _kind(v), None))


def _write_sheet(wb: xlsxwriter.Workbook, fmts: _Formats, ws, spec: SheetSpec) -> None:
    df = spec.df
    cols = list(df.columns)
    ncols = max(len(cols), 1)
    labels = [(spec.headers or {}).get(c, str(c)) for c in cols]
    top = 0
    if spec.title:
        title_fmt = fmts.get({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        if ncols > 1:
            ws.merge_range(0, 0, 0, ncols - 1, "", title_fmt)
        ws.write_string(0, 0, clean_text(spec.title), title_fmt)
        ws.set_row(0, 24)
        top = 1
    for note in spec.notes:
        note_fmt = fmts.get({"text_wrap": True, "valign": "vcenter", "align": "left"})
        if ncols > 1:
            ws.merge_range(top, 0, top, ncols - 1, "", note_fmt)
        ws.write_string(top, 0, clean_text(note), note_fmt)
        if spec.note_height:
            ws.set_row(top, spec.note_height)
        top += 1
    head_props = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    if spec.landscape or spec.borders:
        head_props["align"] = "center"
    head_fmt = fmts.get(head_props)
    for j, (c, label) in enumerate(zip(cols, labels, strict=True)):
        ws.write_string(top, j, clean_text(label), head_fmt)
        width = spec.widths.get(c)
        if width is None:
            width = (
                _fitted_width(label, df[c], spec.max_width)
                if spec.autofit
                else min(max(display_width(label) * 1.1 + 2, 8), 40)
            )
        ws.set_column(j, j, width)
    if spec.header_height:
        ws.set_row(top, spec.header_height)

    base: dict[str, object] = {}
    if spec.wrap:
        base.update({"text_wrap": True, "valign": "top"})
    if spec.borders:
        base["border"] = 1
    if spec.font_size:
        base["font_size"] = spec.font_size
    # Per column and value kind, the format props; row formats are layered on top when present.
    col_props = [{**base, **dict(spec.column_formats.get(c, {}))} for c in cols]
    _write_data(ws, fmts, df, top + 1, col_props, spec.row_formats)

    last = top + len(df)
    for col, options in spec.conditional_formats:
        if col not in cols or not len(df):
            continue
        j = cols.index(col)
        opts = dict(options)
        if isinstance(opts.get("format"), Mapping):
            opts["format"] = fmts.get(opts["format"])
        ws.conditional_format(top + 1, j, last, j, opts)

    if spec.freeze:
        ws.freeze_panes(top + 1, spec.freeze_cols)
    if spec.autofilter and cols:
        ws.autofilter(top, 0, max(last, top), len(cols) - 1)
    if spec.landscape:
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.center_horizontally()
    footer = spec.footer if spec.footer is not None else (PAGE_FOOTER if spec.landscape else None)
    if footer:
        ws.set_footer(footer)
    if spec.tab_color:
        ws.set_tab_color(spec.tab_color)


# Deflate level for members zipfile itself writes (see :class:`_LevelledZipFile`): 1 compresses the sheet XML
# about 3.5x faster than zipfile's default (6), for files about 1.3x larger.
ZIP_LEVEL = 1
# ISA-L's deflate (python-isal) at its default level: about 4x faster than zlib at level 1 on the sheet XML and
# 7% smaller; with zlib the package's deflate was a third of the instructions of writing clean_tables.xlsx.
ISAL_LEVEL = isal_zlib.ISAL_DEFAULT_COMPRESSION
_zip_level: ContextVar[int | None] = ContextVar("netmedia_xlsx_zip_level", default=None)


class _LevelledZipFile(zipfile.ZipFile):
    """The ZipFile xlsxwriter packages with, deflating with ISA-L while one of our workbooks is saving.

    xlsxwriter has no option for the compressor or its level and creates its ZipFile inside
    ``Workbook._store_workbook``, so :data:`xlsxwriter.workbook.ZipFile` is replaced by this class; outside a
    :class:`_Workbook` save (other xlsxwriter users, pandas) the context variable is unset and it behaves exactly
    like ``zipfile.ZipFile``."""

    def __init__(self, *args, **kwargs) -> None:
        level = _zip_level.get()
        if level is not None and kwargs.get("compresslevel") is None:
            kwargs["compresslevel"] = level
        super().__init__(*args, **kwargs)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        """As :meth:`zipfile.ZipFile.write`; a member of one of our workbooks is deflated by ISA-L (the same raw
        deflate stream format, so every reader inflates it) and stored with the headers zipfile writes."""
        level = _zip_level.get()
        size = os.path.getsize(filename)
        if (level is None or compress_type is not None or compresslevel is not None or not self._seekable
                or self.compression != zipfile.ZIP_DEFLATED or size >= 2**31):
            super().write(filename, arcname, compress_type, compresslevel)
            return
        with open(filename, "rb") as f:
            data = f.read()
        c = isal_zlib.compressobj(ISAL_LEVEL, zlib.DEFLATED, -15)
        comp = c.compress(data) + c.flush()
        zinfo = zipfile.ZipInfo.from_file(filename, arcname, strict_timestamps=self._strict_timestamps)
        zinfo.compress_type, zinfo._compresslevel, zinfo.flag_bits = zipfile.ZIP_DEFLATED, level, 0
        zinfo.file_size, zinfo.compress_size, zinfo.CRC = len(data), len(comp), isal_zlib.crc32(data)
        with self._lock:  # what ZipFile.open(..., "w") and its writer do, with the data already deflated
            self.fp.seek(self.start_dir)
            zinfo.header_offset = self.fp.tell()
            self._writecheck(zinfo)
            self._didModify = True
            self.fp.write(zinfo.FileHeader(False))
            self.fp.write(comp)
            self.start_dir = self.fp.tell()
            self.filelist.append(zinfo)
            self.NameToInfo[zinfo.filename] = zinfo


if xlsxwriter.workbook.ZipFile is zipfile.ZipFile:
    xlsxwriter.workbook.ZipFile = _LevelledZipFile


# Anything that makes xlsxwriter write a shared string other than as <si><t>text</t></si> with & < > escaped: an
# _xHHHH_ look-alike or a control character (escaped), edge whitespace (xml:space), a rich string ("<r>").
_SST_SPECIAL = re.compile(r"_x[0-9a-fA-F]{4}_|[\x01-\x08\x0b-\x1f]|(?:^|\x00)(?:\s|<r>)|\s(?:\x00|$)")


class _SharedStrings(xlsxwriter.sharedstrings.SharedStrings):
    """xlsxwriter's sharedStrings.xml writer, with the usual case (no string needing more than &amp;/&lt;/&gt;)
    written in one join instead of two regular expressions and a tag call per string, and text that looks like
    rich-text XML kept as text. Only while one of our workbooks is saving (see :class:`_LevelledZipFile`);
    otherwise the bytes are the ones xlsxwriter writes."""

    def _write_sst_strings(self) -> None:
        strings = self.string_table.string_array
        joined = "\x00".join(strings)
        if (_zip_level.get() is None or joined.count("\x00") != len(strings) - 1
                or _SST_SPECIAL.search(joined)):
            super()._write_sst_strings()
            return
        body = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.fh.write("<si><t>" + body.replace("\x00", "</t></si><si><t>") + "</t></si>")

    def _write_si(self, string: str) -> None:
        # xlsxwriter writes a string that starts with <r> and ends with </r> as raw rich-text XML (what its
        # write_rich_string produces). We never write rich strings: a cell typed like that is text, escaped.
        if _zip_level.get() is not None and string.startswith("<r>") and string.endswith("</r>"):
            string = self._escape_control_characters(string)
            attributes = [("xml:space", "preserve")] if xlsxwriter.utility._preserve_whitespace(string) else []
            self._xml_si_element(string, attributes)
            return
        super()._write_si(string)


if xlsxwriter.packager.SharedStrings is xlsxwriter.sharedstrings.SharedStrings:
    xlsxwriter.packager.SharedStrings = _SharedStrings


class _Workbook(xlsxwriter.Workbook):
    """An xlsxwriter workbook saved at :data:`ZIP_LEVEL` (see :class:`_LevelledZipFile`)."""

    def _store_workbook(self) -> None:
        token = _zip_level.set(ZIP_LEVEL)
        try:
            super()._store_workbook()
        finally:
            _zip_level.reset(token)


def write_workbook(path: str | Path, sheets: Mapping[str, SheetSpec | pd.DataFrame]) -> Path:
    """Write ``sheets`` (name -> frame or SheetSpec) to ``path`` with frozen headers, filters and dates as dates.

    Strings are always written as text, never as formulas, numbers or links.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = _Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    fmts = _Formats(wb)
    taken: set[str] = set()
    with ThreadPoolExecutor(1) as renderer:
        for name, spec in sheets.items():
            if isinstance(spec, pd.DataFrame):
                spec = SheetSpec(spec)
            ws = wb.add_worksheet(sheet_name(name, taken), worksheet_class=_BlockWorksheet)
            ws.renderer = renderer
            _write_sheet(wb, fmts, ws, spec)
        wb.close()
    return path
