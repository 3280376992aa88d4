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
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
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
    """A worksheet whose data rows are kept as columns and turned into sheet XML column by column when the file
    is written.

    xlsxwriter stores each cell as a named tuple and writes it through several Python calls (about 7 µs a cell:
    most of the time of a big ``clean_tables.xlsx``). Here :func:`_write_data` hands over the converted columns
    (:class:`_Block`), strings already registered in the shared-string table in the order xlsxwriter would
    register them, and the XML written is the one xlsxwriter writes for the same cells: same references,
    styles, shared-string indices, row spans and dimensions. Rows above the data (title, notes, header) go
    through xlsxwriter as usual.
    """

    block: _Block | None = None

    def _calculate_spans(self) -> None:
        super()._calculate_spans()
        if self.block is None:
            return
        spans = {k: tuple(int(x) for x in v.split(":")) for k, v in self.row_spans.items()}
        for pos, (lo, hi) in enumerate(zip(self.block.lo, self.block.hi, strict=True)):
            if lo is not None:
                k = (self.block.first + pos) // 16
                old = spans.get(k)
                spans[k] = (lo + 1, hi + 1) if old is None else (min(old[0], lo + 1), max(old[1], hi + 1))
        self.row_spans = {k: f"{a}:{b}" for k, (a, b) in spans.items()}

    def _write_rows(self) -> None:
        if self.block is None:
            super()._write_rows()
            return
        last = self.dim_rowmax
        self.dim_rowmax = self.block.first - 1  # xlsxwriter writes the rows above the data (spans: see above)
        super()._write_rows()
        self.dim_rowmax = last
        blk = self.block
        self._number_styles(blk)
        rs = [str(blk.first + pos + 1) for pos in range(len(blk.lo))]
        frags = [self._column_xml(blk, j, rs) for j in range(len(blk.values))]
        write = self.fh.write
        for pos, parts in enumerate(zip(*frags, strict=True)):
            if blk.lo[pos] is not None:
                row = blk.first + pos
                self._write_row(row, self.row_spans.get(row // 16))
                write("".join(parts))
                write("</row>")

    @staticmethod
    def _number_styles(blk: _Block) -> None:
        """Give the block's formats their style numbers in the order xlsxwriter meets them (row by row, on
        first use), before the columns are written one after the other."""
        pending = {f for f in (*blk.fmts, *blk.blank_fmt) if f}
        for kinds in blk.kinds:
            pending.update(k for k in set(kinds) if not isinstance(k, str))
        for pos in range(len(blk.lo)):
            for j, values in enumerate(blk.values):
                if values[pos] is None:
                    fmt = blk.blank_fmt[j]
                else:
                    kind = blk.kinds[j][pos]
                    fmt = blk.fmts[j] if isinstance(kind, str) else kind
                if fmt in pending:
                    fmt._get_xf_index()
                    pending.discard(fmt)
                    if not pending:
                        return

    def _column_xml(self, blk: _Block, j: int, rs: list[str]) -> list[str]:
        """The ``<c>`` elements of one data column, one string per row ("" where no cell is stored)."""
        letter = xl_col_to_name(j)
        style = _style_attr(blk.fmts[j])
        bfmt = blk.blank_fmt[j]
        blank = f"{_style_attr(bfmt)}/>" if bfmt is not None else None
        out = []
        for v, kind, r in zip(blk.values[j], blk.kinds[j], rs, strict=True):
            if v is None:
                out.append(f'<c r="{letter}{r}"{blank}' if blank else "")
            elif kind == "s":
                out.append(f'<c r="{letter}{r}"{style} t="s"><v>{v}</v></c>')
            elif kind == "n":
                out.append(f'<c r="{letter}{r}"{style}><v>{v:.16G}</v></c>')
            elif kind == "b":
                out.append(f'<c r="{letter}{r}"{style} t="b"><v>{v}</v></c>')
            else:  # a date: its own format
                out.append(f'<c r="{letter}{r}"{_style_attr(kind)}><v>{v:.16G}</v></c>')
        return out


def _style_attr(fmt: object) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt else ""


@dataclass
class _Block:
    """The data rows of a sheet for :class:`_BlockWorksheet`: per column the values to write (shared-string
    index, number, 0/1, Excel serial date; None where no value) and their kinds ("s", "n", "b", or the date
    format), the column's text and blank formats, and each row's first and last stored column."""

    first: int
    values: list[list[object]]
    kinds: list[list[object]]
    fmts: list[object]
    blank_fmt: list[object]
    lo: list[int | None]
    hi: list[int | None]


def _block_ok(ws: Worksheet, columns: list[list[object]], first: int) -> bool:
    """Whether the block path writes these cells exactly as xlsxwriter would: plain values, strings short of
    xlsxwriter's own truncation, finite numbers, rows within the sheet."""
    if first + len(columns[0]) > ws.xls_rowmax or len(columns) > ws.xls_colmax:
        return False
    limit = ws.xls_strmax // 2
    for col in columns:
        for v in col:
            t = type(v)
            if t is str:
                if len(v) > limit:
                    return False
            elif t is float:
                if math.isinf(v) or math.isnan(v):
                    return False
            elif not (v is None or t is int or t is bool or isinstance(v, dt.date)):
                return False
    return True


def _block(ws: _BlockWorksheet, columns: list[list[object]], first: int, fmt_for) -> _Block:
    """The converted columns as a :class:`_Block`, built in one pass over the cells row by row, so strings are
    registered and formats created in the order the cell-by-cell path would (same shared strings, same styles);
    dates become Excel serials and the sheet dimensions are extended over every stored cell."""
    sst = ws.str_table._get_shared_string_index
    n, width = len(columns[0]), len(columns)
    values = [list(col) for col in columns]
    kinds: list[list[object]] = [["n"] * n for _ in columns]
    need_text, need_blank = [True] * width, [True] * width
    for pos, row in enumerate(zip(*columns, strict=True)):
        for j, v in enumerate(row):
            t = type(v)
            if t is str:
                values[j][pos], kinds[j][pos] = sst(v), "s"
            elif v is None:
                if need_blank[j]:
                    need_blank[j] = fmt_for(j, "blank", None) and False
                continue
            elif t is bool:
                values[j][pos], kinds[j][pos] = int(v), "b"
            elif t is not int and t is not float:  # date or datetime, as _write_value writes them
                d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                values[j][pos] = ws._convert_date_time(d.replace(tzinfo=None) if d.tzinfo is not None else d)
                kinds[j][pos] = fmt_for(j, _kind(v), None)
                continue
            if need_text[j]:  # text, numbers and booleans share the column's plain format
                need_text[j] = fmt_for(j, "str", None) and False
    text_fmt = [None if need_text[j] else fmt_for(j, "str", None) for j in range(width)]
    blank_fmt = [None if need_blank[j] else fmt_for(j, "blank", None) for j in range(width)]
    lo: list[int | None] = [None] * n
    hi: list[int | None] = [None] * n
    for j, col in enumerate(columns):
        if blank_fmt[j] is not None:  # every cell of the column is stored
            lo = [j if x is None else x for x in lo]
            hi = [j] * n
        else:
            lo = [j if x is None and v is not None else x for x, v in zip(lo, col, strict=True)]
            hi = [j if v is not None else x for x, v in zip(hi, col, strict=True)]
    for pos, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if a is not None:
            ws._check_dimensions(first + pos, a)
            ws._check_dimensions(first + pos, b)
    return _Block(first, values, kinds, text_fmt, blank_fmt, lo, hi)


def _write_data(
    ws,
    fmts: _Formats,
    df: pd.DataFrame,
    first: int,
    col_props: list[dict[str, object]],
    row_formats: Mapping[int, Mapping[str, object]],
) -> None:
    """The data cells, row by row (so a constant-memory worksheet could stream them).

    Values are converted a column at a time, and the format of every (column, value kind) is looked up once:
    per-cell format merging used to cost as much as xlsxwriter itself.
    """
    columns = [_column_values(df.iloc[:, j]) for j in range(df.shape[1])]
    kind_fmt: dict[tuple[int, str], object] = {}

    def fmt_for(j: int, kind: str, row_extra: Mapping[str, object] | None) -> object:
        if row_extra:
            return fmts.get({**col_props[j], **_KIND_PROPS.get(kind, {}), **row_extra})
        key = (j, kind)
        if key not in kind_fmt:
            kind_fmt[key] = fmts.get({**col_props[j], **_KIND_PROPS.get(kind, {})})
        return kind_fmt[key]

    # xlsxwriter's public write_string/write_number only convert "A1" arguments before calling _write_string /
    # _write_number: calling those directly saves two Python frames per cell (same checks, same storage).
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)
    if isinstance(ws, _BlockWorksheet) and columns and columns[0] and not row_formats and _block_ok(ws, columns, first):
        ws.block = _block(ws, columns, first, fmt_for)
        return
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


def write_workbook(path: str | Path, sheets: Mapping[str, SheetSpec | pd.DataFrame]) -> Path:
    """Write ``sheets`` (name -> frame or SheetSpec) to ``path`` with frozen headers, filters and dates as dates.

    Strings are always written as text, never as formulas, numbers or links.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
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
    for name, spec in sheets.items():
        if isinstance(spec, pd.DataFrame):
            spec = SheetSpec(spec)
        ws = wb.add_worksheet(sheet_name(name, taken), worksheet_class=_BlockWorksheet)
        _write_sheet(wb, fmts, ws, spec)
    wb.close()
    return path
