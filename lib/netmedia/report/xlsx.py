"""One safe way to write Excel outputs.

Every workbook the tool writes goes through here so that a hostile account
name such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` stays text (xlsxwriter
with ``strings_to_formulas`` off, so ``write`` stores every string as a string)
and stays text when someone edits it in Excel (text that Excel would read as a
formula on F2-Enter carries the quote prefix in its cell style, :func:`needs_quote_prefix`),
URLs are not auto-linked, over-long strings are cut to Excel's cell limit,
control characters (other than tab and newline) are removed, and tables get the
frozen header and filters an analyst expects.

Presentation is declared per sheet with :class:`SheetSpec`: a merged title and
note lines above the header, column widths (fixed or fitted to the content),
per-column cell formats (e.g. a filled, empty reply column), per-row formats
(e.g. a bold totals row), conditional formats, borders, and print setup
(:func:`print_setup`, shared with the templates: A4 landscape, fit to width, header row repeated, narrow margins,
page-number footer), hidden columns (ids a returned
workbook is read back by), and an optional hidden stamp sheet (:mod:`netmedia.extract.stamp`).
Formats are plain xlsxwriter format dicts (``{"bold": True, "bg_color": "#FFF2CC"}``).

Only xlsxwriter's public API is used. Workbooks are written in its ``constant_memory`` mode: each row goes to
disk as soon as the next one starts, so the rows of a sheet are written top to bottom, once. Each column of a
frame is converted to Python values once (:func:`column_cells`), and every data cell is written with one
``write`` call and its column's format.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from netmedia.extract.stamp import STAMP_SHEET, Stamp

EXCEL_MAX_CHARS = 32_767
EXCEL_MAX_SHEETNAME = 31
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
# C0 controls except \t and \n, plus DEL: invisible in Excel and illegal in XML 1.0 (except as _xHHHH_ escapes).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Lone surrogates cannot be encoded in the file at all.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

#: Leading characters that make Excel read a typed-in cell as a formula (``=``, ``+``, ``-``, ``@``) or that
#: spreadsheet injection hides one behind (tab, CR). A stored CR becomes LF (:func:`clean_text`), so LF counts too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The cell-style property (``quotePrefix="1"``) that keeps such text text when the cell is edited.
QUOTE_PREFIX: dict[str, object] = {"quote_prefix": True}

A4 = 9  # Excel paper code
PAGE_FOOTER = "&C第 &P 页，共 &N 页"
#: Excel's "narrow" page margins (inches; header and footer 0.3, xlsxwriter's default).
NARROW_MARGINS = {"left": 0.25, "right": 0.25, "top": 0.75, "bottom": 0.75}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

#: The workbook options of every file written here: strings are text (never formulas, links or numbers), NaN and
#: infinities become Excel errors instead of failing, time zones are dropped (the wall-clock time is kept).
WORKBOOK_OPTIONS: dict[str, object] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
}


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
    footer: str | None = None  # print footer (xlsxwriter codes); landscape sheets default to PAGE_FOOTER
    header_height: float | None = None  # header row height in points
    tab_color: str | None = None
    hidden: Sequence[str] = ()  # columns written but hidden (ids a returned workbook is read back by)

    @property
    def header_row(self) -> int:
        """The 1-based Excel row of the header: under the title and the note lines."""
        return 1 + bool(self.title) + len(self.notes)


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


@functools.lru_cache(maxsize=1 << 16)
def clean_text(s: str) -> str:
    """Text as it will be stored: control characters (except tab/newline) and lone surrogates removed,
    ``\\r\\n``/``\\r`` folded to ``\\n``, cut to Excel's cell limit of 32,767 UTF-16 code units (a character
    outside the BMP, such as an emoji, counts two; a pair is never split).

    Cached: a table repeats its unit names, sources and categories on every row."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL_RE.sub("", s)
    s = _SURROGATE_RE.sub("", s)
    return s.encode("utf-16-le")[: 2 * EXCEL_MAX_CHARS].decode("utf-16-le", "ignore")


class RichLookAlike(str):
    """Text that starts with ``<r>`` and ends with ``</r>``. xlsxwriter takes such a string for the XML of a rich
    string and writes it unescaped (``<r>&</r>`` would break the file); :func:`_write_rich_look_alike`, the
    worksheets' write handler for this type, writes it as the text it is."""


def cell_value(v: object) -> object:
    """A frame value as the Python value written to its cell: text cleaned (:func:`clean_text`), numpy scalars
    as Python numbers, timestamps as datetimes, None for every kind of missing (NaN, NA, NaT), and anything else
    as its text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, str):
        text = clean_text(v)
        return RichLookAlike(text) if text.startswith("<r>") and text.endswith("</r>") else text
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, bool | int | float | dt.date):
        return None if isinstance(v, float) and math.isnan(v) else v
    if hasattr(v, "item"):  # numpy scalar
        return cell_value(v.item())
    return cell_value(str(v))


def needs_quote_prefix(value: object) -> bool:
    """Whether ``value`` is text that Excel would turn into a formula if a user edited its cell (F2, Enter).

    Stored text is never a formula; the quote prefix in the cell's style keeps it text after an edit too."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def column_cells(s: pd.Series) -> list[object]:
    """A column's cells as :func:`cell_value` gives them (the frame's values, converted once per column)."""
    return [cell_value(v) for v in s.tolist()]


def display_width(s: str) -> int:
    """Width of ``s`` in Excel character units: East Asian wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def text_width(value: object) -> int:
    """Width of a cell's value as shown, in Excel character units: its longest line (:func:`display_width`)."""
    return max((display_width(part) for part in str(value).split("\n")), default=0)


#: Excel character units a cell shows beyond its text's width (the padding of a column fitted to its content).
FIT_PADDING = 2


def fitted_width(label: str, values: pd.Series, cap: float, floor: float = 6) -> float:
    """A column's width fitted to its content: the wider of its header ``label`` and the 95th percentile of its
    values' :func:`text_width` (one odd value does not widen it), plus :data:`FIT_PADDING`, at least ``floor``
    and at most ``cap`` (a cell wider than that is wrapped by whoever writes it, or cut off on screen).
    The one way netmedia fits a column: registries, the clean tables' workbook, the pre-filled templates."""
    w = display_width(label)
    sample = values.dropna()
    if len(sample) > 2000:
        sample = sample.sample(2000, random_state=0)
    if len(sample):
        counts = sample.map(str).value_counts()
        widths = pd.Series([text_width(s) for s in counts.index], dtype="int64")
        by_width = pd.Series(counts.to_numpy(), index=widths).groupby(level=0).sum().sort_index()
        cum = by_width.cumsum() / by_width.sum()
        w = max(w, int(cum.index[(cum >= 0.95).to_numpy().argmax()]))  # 95th percentile: one odd value does not widen
    return float(min(max(w + FIT_PADDING, floor), cap))


#: Height in points of one line of text in a row (Excel's default row height for its default 11-point font).
LINE_HEIGHT = 15


def wrapped_lines(value: object, width: float) -> int:
    """How many lines ``value`` takes wrapped in a column ``width`` wide: each of its lines cut every
    ``width - FIT_PADDING`` units. A row holding a wrapped cell is set this many :data:`LINE_HEIGHT` tall: a file
    does not grow its rows by itself (LibreOffice keeps the stored height), and a second line hidden under the
    next row is as lost as one cut off by the next cell."""
    room = max(width - FIT_PADDING, 1)
    return sum(max(1, math.ceil(display_width(line) / room)) for line in str(value).split("\n"))


def fits(value: object, width: float) -> bool:
    """Whether ``value`` shows whole on one line in a column ``width`` wide (else its cell wants wrapping)."""
    return value is None or wrapped_lines(value, width) == 1


def date_props(cells: Sequence[object]) -> dict[str, object]:
    """The number format of a column holding dates: with the time of day when any of its values has one (hour or
    minute), else the date alone; no format for a column without dates. One format per column, so that a
    column reads the same all the way down."""
    dates = [v for v in cells if isinstance(v, dt.date)]
    if not dates:
        return {}
    with_time = any(isinstance(v, dt.datetime) and (v.hour or v.minute) for v in dates)
    return {"num_format": DATETIME_FORMAT if with_time else DATE_FORMAT}


class Formats:
    """xlsxwriter formats built once per distinct property set (Excel caps the number of formats)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple, Format] = {}

    def get(self, props: Mapping[str, object]) -> Format | None:
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(dict(props))
        return self.cache[key]

    def for_value(self, props: Mapping[str, object], value: object) -> Format | None:
        """The format of a cell holding ``value``: ``props``, plus the quote prefix for formula-like text."""
        return self.get({**props, **QUOTE_PREFIX} if needs_quote_prefix(value) else props)


def _write_rich_look_alike(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None = None) -> int:
    """Write a :class:`RichLookAlike` as text: as a rich string of three runs (xlsxwriter escapes each, and asks
    for at least three), in the cell's format, which reads back as the text itself."""
    runs = ("<", "r>", text[3:])
    if fmt is None:
        return ws.write_rich_string(row, col, *runs)
    return ws.write_rich_string(row, col, runs[0], fmt, runs[1], fmt, runs[2], fmt)


def _merged_text(fmts: Formats, ws: Worksheet, row: int, ncols: int, text: str, props: Mapping[str, object]) -> None:
    """A line of text across the table's width (title, notes)."""
    value = cell_value(text)
    fmt = fmts.for_value(props, value)
    if ncols > 1:
        ws.merge_range(row, 0, row, ncols - 1, value, fmt)
    else:
        ws.write(row, 0, value, fmt)


def _write_sheet(fmts: Formats, ws: Worksheet, spec: SheetSpec) -> None:
    """One sheet, top to bottom (constant_memory: a row is final once the next one is started)."""
    df = spec.df
    cols = list(df.columns)
    ncols = max(len(cols), 1)
    labels = [(spec.headers or {}).get(c, str(c)) for c in cols]
    top = 0
    if spec.title:
        ws.set_row(0, 24)
        _merged_text(fmts, ws, 0, ncols, spec.title, {"bold": True, "font_size": 14, "align": "center",
                                                      "valign": "vcenter"})
        top = 1
    note_props = {"text_wrap": True, "valign": "vcenter", "align": "left"}
    for note in spec.notes:
        if spec.note_height:
            ws.set_row(top, spec.note_height)
        _merged_text(fmts, ws, top, ncols, note, note_props)
        top += 1

    head_props = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    if spec.landscape or spec.borders:
        head_props["align"] = "center"
    if spec.header_height:
        ws.set_row(top, spec.header_height)
    for j, label in enumerate(labels):
        value = cell_value(label)
        ws.write(top, j, value, fmts.for_value(head_props, value))
    for j, (c, label) in enumerate(zip(cols, labels, strict=True)):
        width = spec.widths.get(c)
        if width is None:
            width = (
                fitted_width(label, df[c], spec.max_width)
                if spec.autofit
                else min(max(display_width(label) * 1.1 + 2, 8), 40)
            )
        ws.set_column(j, j, width, None, {"hidden": True} if c in spec.hidden else None)

    base: dict[str, object] = {}
    if spec.wrap:
        base.update({"text_wrap": True, "valign": "top"})
    if spec.borders:
        base["border"] = 1
    if spec.font_size:
        base["font_size"] = spec.font_size
    columns = [column_cells(df.iloc[:, j]) for j in range(len(cols))]
    props = [
        {**base, **dict(spec.column_formats.get(c, {})), **date_props(cells)}
        for c, cells in zip(cols, columns, strict=True)
    ]
    formats = [fmts.get(p) for p in props]
    first = top + 1
    for pos, row in enumerate(zip(*columns, strict=True)):
        extra = spec.row_formats.get(pos)
        row_props = props if not extra else [{**p, **extra} for p in props]
        row_formats = formats if not extra else [fmts.get(p) for p in row_props]
        for j, (value, fmt) in enumerate(zip(row, row_formats, strict=True)):
            if needs_quote_prefix(value):  # rare: the format with the quote prefix is looked up only here
                fmt = fmts.for_value(row_props[j], value)
            ws.write(first + pos, j, value, fmt)  # None: a blank cell, stored only when it has a format

    last = top + len(df)
    for col, options in spec.conditional_formats:
        if col not in cols or not len(df):
            continue
        j = cols.index(col)
        opts = dict(options)
        if isinstance(opts.get("format"), Mapping):
            opts["format"] = fmts.get(opts["format"])
        ws.conditional_format(first, j, last, j, opts)

    if spec.freeze:
        ws.freeze_panes(first, spec.freeze_cols)
    if spec.autofilter and cols:
        ws.autofilter(top, 0, max(last, top), len(cols) - 1)
    if spec.landscape:
        print_setup(ws, top)
    if spec.footer:
        ws.set_footer(spec.footer)  # after print_setup: replaces its page-number footer
    if spec.tab_color:
        ws.set_tab_color(spec.tab_color)


def print_setup(ws: Worksheet, header_row: int) -> None:
    """How every data sheet netmedia writes prints (templates, rectification lists, registries, the checks report):
    A4 landscape, one page wide and as many pages tall as the rows need, the header row ``header_row`` (0-based)
    repeated on every page, narrow margins, centred, and the page number in the footer (第 &P 页，共 &N 页).
    The one place these settings live: a sheet printed on several pages side by side, or with its header on the
    first page only, is of no use to the person who files it."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)  # 1 wide, 0: as tall as needed
    ws.repeat_rows(header_row)
    ws.set_margins(**NARROW_MARGINS)
    ws.center_horizontally()
    ws.set_footer(PAGE_FOOTER)


def write_workbook(path: str | Path, sheets: Mapping[str, SheetSpec | pd.DataFrame],
                   stamp: Stamp | None = None) -> Path:
    """Write ``sheets`` (name -> frame or SheetSpec) to ``path`` with frozen headers, filters and dates as dates.

    Strings are always written as text, never as formulas, numbers or links. ``stamp``: written last as the
    hidden sheet :data:`netmedia.extract.stamp.STAMP_SHEET` (its :meth:`~netmedia.extract.stamp.Stamp.rows`,
    as text), so the workbook is known when it comes back.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS) as wb:
        fmts = Formats(wb)
        taken: set[str] = set()
        for name, spec in sheets.items():
            ws = wb.add_worksheet(sheet_name(name, taken))
            ws.add_write_handler(RichLookAlike, _write_rich_look_alike)
            _write_sheet(fmts, ws, spec if isinstance(spec, SheetSpec) else SheetSpec(spec))
        if stamp is not None:
            _write_stamp(wb.add_worksheet(sheet_name(STAMP_SHEET, taken)), stamp)
    return path


def _write_stamp(ws: Worksheet, stamp: Stamp) -> None:
    """The stamp's cells, row by row, as text, on a hidden sheet."""
    for i, row in enumerate(stamp.rows()):
        for j, value in enumerate(row):
            ws.write_string(i, j, clean_text(str(value)))
    ws.hide()
