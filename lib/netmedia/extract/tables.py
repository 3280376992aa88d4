"""Find the table in each sheet of a returned workbook and classify every non-empty row.

Units fill in the Annex 2/3 forms in many ways: a title block above the header (附件2 / the form title merged
across / 填报单位（盖章）：… / 填表日期), one- or two-row headers, a 填表说明 block, a 示例 row, province/category
section rows inside the data (北京市（92所）, 一、网站类), and signature lines at the bottom. This module copes with
those layouts *without* knowing the schema: it finds the header row (with an optional scorer the ingest builds
from schema synonyms) and labels each non-empty row as one of :data:`ROW_KINDS`, so the ingest can account for
every row it did not turn into a record.

Each file is read once with python-calamine (.xls/.xlsx/.xlsm/.xlsb/.ods), which also gives merged ranges and
sheet visibility. Whole-file problems (not a workbook, encrypted, zip bomb, corrupt) raise :class:`UnreadableFile`
*before* calamine sees the file where possible (:mod:`netmedia.extract.guard`): calamine cannot be stopped once it
allocates a huge sheet.
Row numbers are true 1-based Excel rows (``to_python(skip_empty_area=False)`` starts at A1).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import python_calamine as pc

from netmedia.config import Limits
from netmedia.extract.guard import UnreadableFile, check_file, error_text
from netmedia.extract.stamp import STAMP_SHEET, SheetLayout, Stamp, workbook_stamp
from netmedia.schema import norm_header
from netmedia.transform.text import clean

__all__ = ["UnreadableFile", "SheetTable", "read_tables", "HEADER_SEARCH_ROWS", "HEADER_MIN_SCORE", "ROW_KINDS",
           "RowLists", "DataLists"]

#: How many non-empty rows from the top are considered as header candidates.
HEADER_SEARCH_ROWS = 40
#: With a ``header_scorer``: the best row must score at least this (and have >= 2 non-empty cells),
#: otherwise the sheet has "no header row found". 0.3 lets a real header with a few unknown extra
#: columns through while a title/filler line (one or two cells, no synonyms) stays below.
HEADER_MIN_SCORE = 0.3
#: With a ``header_scorer``: the search stops at the row that makes this many rows below the best candidate so
#: far holding a number or a date (data rows: a header is labels), as long as that candidate already scores at
#: least :data:`HEADER_MIN_SCORE`. A better-looking row further down is then data, not a new header.
HEADER_STOP_DATA_ROWS = 3
#: The most a ``header_scorer`` returns (its scores are in [0, 1]): a candidate scoring this cannot be beaten
#: (ties go to the earliest), so the search stops there instead of scoring the data rows below.
HEADER_MAX_SCORE = 1.0
#: A row under the table holding the header's labels in another order is a second table's header when at least
#: this share of its cells are header labels (a unit pasted two tables one under the other).
HEADER_AGAIN_SHARE = 0.6
#: A single text cell longer than this is prose (fill-in instructions), not a title or section label.
LONG_TEXT = 60
#: A header cell longer than this is unlikely (titles and notes are longer).
SHORT_TEXT = 40

#: The message of a sheet of a stamped workbook that holds no return data (the stamp, instructions, lists): not read.
TEMPLATE_ASIDE = "no return data: a sheet of netmedia's own workbook (stamp, instructions or lists)"

ROW_KINDS = ("title", "header", "section", "instruction", "footer", "example", "data", "unrecognised")

Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col)), 0-based
HMerges = dict[int, list[tuple[int, int]]]  # row -> column spans of the horizontal merges on it
Scorer = Callable[[list[str]], float]  # a header candidate's labels -> how much it looks like the header, in [0, 1]
#: Where the header is: position into the non-empty rows (None: not found), whether it is two rows, a message.
HeaderFound = tuple[int | None, bool, str]


class RowLists(NamedTuple):
    """The non-empty rows of a sheet as parallel lists (what :attr:`SheetTable.rows` is built from)."""

    source_row: list[int] = []
    kind: list[str] = []
    text: list[str] = []
    section: list[str | None] = []


class DataLists(NamedTuple):
    """The data rows of a sheet column by column: ``columns[j]`` is sheet column ``j`` (``width`` lists, empty
    when there are no data rows), one value per data row; what :attr:`SheetTable.data` is built from."""

    width: int = 0
    columns: list[list[object]] = []
    source_row: list[int] = []
    section: list[str | None] = []


@dataclass
class SheetTable:
    """One sheet: where its table is, its rows classified, and its data rows as raw (cleaned) cell values.

    The ingest reads the plain lists ``row_lists`` and ``data_lists``; ``rows`` (source_row, kind, text,
    section) and ``data`` (one object column per sheet column, then source_row and section) are the same as
    pandas frames, for tests and notebooks.
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
    header_by: str = ""  # "layout": no row named enough columns, the header was taken by its layout
    stamp: Stamp | None = None  # the workbook's stamp (a workbook netmedia sent out), on each of its sheets
    layout: SheetLayout | None = None  # this sheet's layout from the stamp: header row and fields, no guessing
    row_lists: RowLists = field(default_factory=RowLists)
    data_lists: DataLists = field(default_factory=DataLists)

    @cached_property
    def rows(self) -> pd.DataFrame:
        rl = self.row_lists
        return pd.DataFrame({
            "source_row": pd.Series(rl.source_row, dtype="int64"),
            "kind": pd.Series(rl.kind, dtype="str"),
            "text": pd.Series(rl.text, dtype="str"),
            "section": pd.Series(rl.section, dtype=object),
        })

    @cached_property
    def data(self) -> pd.DataFrame:
        dl = self.data_lists
        # Object columns: each cell keeps its Python type (no str dtype, no datetime64 inference).
        cols: dict[object, pd.Series] = {j: pd.Series(col, dtype=object) for j, col in enumerate(dl.columns)}
        cols["source_row"] = pd.Series(dl.source_row, dtype="int64")
        cols["section"] = pd.Series(dl.section, dtype=object)
        return pd.DataFrame(cols)

    @property
    def n_read(self) -> int:
        """Number of non-empty rows."""
        return len(self.row_lists.source_row)


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
_DATE_LINE = re.compile(
    r"^(?:\d{4}\s*)?年\s*\d{0,2}\s*月\s*\d{0,2}\s*日?$|^\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$"
)
_TITLE = re.compile(
    r"^附件\s*[\d一二三四五六七八九十]*\s*[:：]?|填报单位|填表单位|报送单位|申报单位|盖章|填表日期|填报日期|填报时间"
    r"|(?:表|名单|名录|清单|一览)$"
)

# Cells and rows


@lru_cache(maxsize=1 << 16, typed=True)  # the header search reads the labels of the same few templates again and again
def _label(v: object) -> str:
    """Human-readable header/section text: whitespace collapsed, line-wrap gaps between CJK characters removed."""
    if v is None:
        return ""
    return _CJK_GAP.sub("", _WS.sub(" ", str(v)).strip())


# An integral float becomes a Python int (4165014941, never 4165014941.0) below this; beyond it floats are not exact.
_EXACT_FLOAT = 2.0**53


@lru_cache(maxsize=1 << 16, typed=True)  # every cell of every sheet passes here, and the same values recur
def _cell(v: object) -> object:
    """A cell as the analysis sees it: strings cleaned (:func:`netmedia.transform.text.clean`), integral floats as
    ints; ``None`` for a blank cell (calamine's "" for an empty cell, and a string of whitespace once cleaned)."""
    if isinstance(v, str):
        return clean(v) or None
    if isinstance(v, float) and v.is_integer() and -_EXACT_FLOAT < v < _EXACT_FLOAT:
        return int(v)
    return v


@dataclass(slots=True)  # one per non-empty row of every sheet
class _Row:
    """A non-empty row: 0-based Excel row, the row at full sheet width (``None`` for a blank cell), the values of
    its non-empty cells and how many they are, and its text (those values joined by `` | ``; a date in ISO form)."""

    r: int
    line: list[object]
    vals: list[object]
    n: int
    text: str

    @property
    def first(self) -> object:
        return self.vals[0]

    @property
    def cols(self) -> list[int]:
        """The columns of the non-empty cells: only the header search and a few single-cell rows ask for them."""
        return [j for j, v in enumerate(self.line) if v is not None]

    def all_text(self) -> bool:
        return all(isinstance(v, str) for v in self.vals)


def _nonempty_rows(raw: list[list[object]], width: int) -> list[_Row]:
    """The rows of ``raw`` holding at least one cell that is not blank once cleaned (whitespace only is blank)."""
    rows = []
    for r, line in enumerate(raw):
        full = list(map(_cell, line[:width]))
        vals = [v for v in full if v is not None]
        if not vals:
            continue
        full += [None] * (width - len(full))  # a short row (calamine's rows are as wide as the sheet)
        # format(v) is str(v) (an empty format spec), without str()'s constructor call for a value already a str.
        rows.append(_Row(r, full, vals, len(vals), " | ".join(map(format, vals))))
    return rows


# Header search


def _hmerges_by_row(merges: list[Merge]) -> HMerges:
    """Row -> horizontal spans (c0, c1) of single-row merges covering >= 2 columns (titles, sections, parents).

    Block merges (several rows and columns) are left out: a block holding one value is a data cell, not a label.
    """
    out: HMerges = {}
    for (r0, c0), (r1, c1) in merges:
        if c1 > c0 and r1 == r0:
            out.setdefault(r0, []).append((c0, c1))
    return out


def _row_labels(row: _Row) -> list[str]:
    """The row's :func:`_label` per column ("" for a blank cell)."""
    return list(map(_label, row.line))


def _parent_filled(p: _Row, hm: HMerges) -> list[str]:
    """Parent labels with each horizontally merged parent repeated over every column it spans."""
    labels = _row_labels(p)
    width = len(labels)
    for c0, c1 in hm.get(p.r, ()):
        top = labels[c0] if c0 < width else ""
        for j in range(c0 + 1, min(c1 + 1, width)):
            if not labels[j]:
                labels[j] = top
    return labels


def _child_of(p: _Row, c: _Row, hm: HMerges) -> tuple[bool, bool]:
    """Is ``c`` (the row right under ``p``) the second row of a two-row header under ``p``?

    Returns (structurally_possible, under_merge): every cell of ``c`` must be short text and sit either under a
    horizontal merge of ``p`` or in a column ``p`` leaves blank; ``under_merge`` says whether at least one
    sits under a merged parent (strong evidence, no scorer needed).
    """
    if c.r != p.r + 1 or p.n < 2 or not c.all_text():
        return False, False
    covered = {j for c0, c1 in hm.get(p.r, ()) for j in range(c0, c1 + 1)}
    under = False
    for col, v in zip(c.cols, c.vals, strict=True):
        if len(v) > SHORT_TEXT:
            return False, False
        if col in covered:
            under = True
        elif p.line[col] is not None:
            return False, False
    return True, under


def _header_ok_generic(row: _Row, width_ref: int) -> bool:
    """Generic header test: >= 2 short text cells, >= half the table width, mostly text, no title furniture."""
    short = sum(1 for v in row.vals if isinstance(v, str) and len(v) <= SHORT_TEXT)
    if short < 2 or short < 0.5 * width_ref or short < 0.7 * row.n:
        return False
    return not any(isinstance(v, str) and _TITLE.search(_label(v)) for v in row.vals)


def _find_header_generic(rows: list[_Row], hm: HMerges) -> HeaderFound:
    """Without a scorer: the first row that looks like a header by layout (:func:`_header_ok_generic`)."""
    n = min(len(rows), HEADER_SEARCH_ROWS)
    window = rows[: n + 2]
    width_ref = max(row.n for row in rows[: HEADER_SEARCH_ROWS * 3])
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


def _find_header_scored(rows: list[_Row], hm: HMerges, scorer: Scorer) -> HeaderFound:
    """With a scorer: the best-scoring row (or row pair) among the first rows, ties to the earliest."""
    n = min(len(rows), HEADER_SEARCH_ROWS)
    window = rows[: n + 2]
    best: tuple[float, int, bool] | None = None  # score, position, two-row header
    skip: set[int] = set()
    data_below = 0  # rows holding a number or a date seen since the best candidate
    for k in range(n):
        row = window[k]
        if best is not None and k > best[1] and row.n >= 2 and not row.all_text():
            data_below += 1
            if data_below >= HEADER_STOP_DATA_ROWS and best[0] >= HEADER_MIN_SCORE:
                break  # the data under the best candidate has clearly started
        if k in skip:
            continue
        s1 = float(scorer(_row_labels(row))) if row.n >= 2 else 0.0
        score, two = s1, False
        if k + 1 < len(window):
            possible, under = _child_of(row, window[k + 1], hm)
            if possible:
                leaves = [ch or pa for pa, ch in zip(_parent_filled(row, hm), _row_labels(window[k + 1]), strict=True)]
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


# Row classification


def _classify_free(row: _Row, above_header: bool) -> str:
    """Kind of a row outside the data region: above the header, or anywhere when no header was found."""
    first = row.first
    if isinstance(first, str):
        s = _label(first)
        if _INSTRUCTION.match(s) or (row.n == 1 and len(s) > LONG_TEXT):
            return "instruction"
        if row.n == 1 and _NUMBERED.match(s) and len(s) > 15:
            return "instruction"
    if above_header:
        return "title"
    if any(isinstance(v, str) and _TITLE.search(_label(v)) for v in row.vals):
        return "title"
    if _FOOTER.search(row.text):
        return "footer"
    return "unrecognised"


def _single_cell_kind(row: _Row, hm: HMerges, seen_footer: bool) -> str:
    """Kind of a row under the header holding one text cell: prose, example, signature, section label or data."""
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
    """Kind of any other row under the header (``header_keys``: a one-row header's folded labels, else None)."""
    first, text = row.first, row.text
    if isinstance(first, str):
        if row.n <= 2 and _INSTRUCTION.match(first):
            return "instruction"
        # The example words all end in 例: the substring test spares most rows the regex search.
        if _EXAMPLE.match(first) or ("例" in text and _EXAMPLE_CELL.search(text)):
            return "example"
    # A footer line starts with the keyword, or has few cells ("填表人：" | "张三" | "审核人：" | …) and holds it.
    if _FOOTER.match(text) or (row.n <= 4 and _FOOTER.search(text)):
        return "footer"
    if (
        header_keys is not None
        and row.n == len(header_keys)
        and all(norm_header(v) == key for v, key in zip(row.vals, header_keys, strict=True))
    ):
        return "header"  # the header repeated (two tables pasted one under the other, printed page headers)
    return "data"


def _classify_region(rows: list[_Row], header_keys: list[str] | None, hm: HMerges) -> tuple[list[str], list[str | None]]:
    """Kinds and section labels of the rows under the header; a section label holds until the next one."""
    kinds: list[str] = []
    sections: list[str | None] = []
    seen_footer = False
    section: str | None = None
    for row in rows:
        if row.n == 1 and isinstance(row.first, str):
            kind = _single_cell_kind(row, hm, seen_footer)
        else:
            kind = _multi_cell_kind(row, header_keys)
        if kind == "section":
            section = _label(row.first)
        elif kind == "footer":
            seen_footer = True
        kinds.append(kind)
        sections.append(section)
    return kinds, sections


# One sheet


def _analyse(name: str, hidden: bool, raw: list[list[object]], merges: list[Merge], n_rows: int, n_cols: int,
             scorer: Scorer | None, stamp: Stamp | None = None) -> list[SheetTable]:
    """Find the header of one sheet, classify its non-empty rows and collect its data rows.

    Usually one table; a second header further down with the same labels in another order (a unit pasted two
    tables one under the other) starts a second table of the same sheet, read with its own header. A sheet the
    workbook's stamp lays out has its header where the stamp says (when that row is not empty), not searched.
    """
    layout = stamp.sheets.get(name) if stamp else None
    st = SheetTable(name, hidden, n_rows=n_rows, n_cols=n_cols, data_lists=_data_lists([], [], n_cols, merges),
                    stamp=stamp, layout=layout)
    rows = _nonempty_rows(raw, n_cols)
    if not rows:
        st.message = "empty sheet"
        return [st]
    hm = _hmerges_by_row(merges)
    at = [k for k, row in enumerate(rows) if layout and row.r + 1 == layout.header_row]
    if at:
        return _tables_from(st, rows, at[0], False, hm, merges)
    st.layout = None  # the stamped header row was emptied: the sheet is read as any return
    if scorer is None:
        k, two, msg = _find_header_generic(rows, hm)
    else:
        k, two, msg = _find_header_scored(rows, hm, scorer)
        if k is None:  # no row names enough columns: take the header by its layout, the values will tell
            k, two, _ = _find_header_generic(rows, hm)
            st.header_by = "layout" if k is not None else ""
    if k is None:
        st.message = msg
        kinds = [_classify_free(row, above_header=False) for row in rows]
        st.row_lists = RowLists([row.r + 1 for row in rows], kinds, [row.text for row in rows], [None] * len(rows))
        return [st]
    return _tables_from(st, rows, k, two, hm, merges)


def _tables_from(st: SheetTable, rows: list[_Row], k: int, two: bool, hm: HMerges,
                 merges: list[Merge]) -> list[SheetTable]:
    """``st`` filled from ``rows`` with its header at position ``k``; rows from a header repeated in another
    column order on become the next table(s) of the sheet."""
    hrow = rows[k]
    if two:
        crow = rows[k + 1]
        st.header_parts = list(zip(_parent_filled(hrow, hm), _row_labels(crow), strict=True))
        st.header = [" ".join(x for x in pair if x) for pair in st.header_parts]
        st.header_rows = (hrow.r + 1, crow.r + 1)
        header_keys = None
    else:
        st.header = _row_labels(hrow)
        st.header_parts = [(x,) for x in st.header]
        st.header_rows = (hrow.r + 1,)
        header_keys = [norm_header(v) for v in hrow.vals]
    st.header_row = hrow.r + 1
    start = k + len(st.header_rows)
    end = _next_header(rows, start, st.header_parts)
    region_kinds, region_sections = _classify_region(rows[start:end], header_keys, hm)
    kinds = [_classify_free(row, above_header=True) for row in rows[:k]] + ["header"] * (start - k) + region_kinds
    sections = [None] * start + region_sections
    st.row_lists = RowLists([row.r + 1 for row in rows[:end]], kinds, [row.text for row in rows[:end]], sections)
    data = [i for i in range(start, end) if kinds[i] == "data"]
    st.data_lists = _data_lists([rows[i] for i in data], [sections[i] for i in data], st.n_cols, merges)
    if end == len(rows):
        return [st]
    nxt = SheetTable(st.source_sheet, st.hidden, n_rows=st.n_rows, n_cols=st.n_cols, header_by=st.header_by)
    return [st, *_tables_from(nxt, rows[end:], 0, False, hm, merges)]


def _next_header(rows: list[_Row], start: int, header_parts: list[tuple[str, ...]]) -> int:
    """Position of the first row from ``start`` that repeats the header's labels in another order (at least
    :data:`HEADER_AGAIN_SHARE` of its cells are header labels, not all in their places), else ``len(rows)``.

    Only text rows whose first cell is a header label are looked at closely: data rows start with a number or a
    value, and the same header in the same order is left to the row classification (a repeated header row).
    """
    places = {j: {norm_header(x) for x in {*parts, "".join(parts)} if x} for j, parts in enumerate(header_parts)}
    keys = set().union(*places.values()) - {""} if places else set()
    for i in range(start, len(rows)):
        row = rows[i]
        if row.n < 2 or not isinstance(row.first, str) or norm_header(row.first) not in keys or not row.all_text():
            continue
        folded = [norm_header(v) for v in row.vals]
        if sum(f in keys for f in folded) < HEADER_AGAIN_SHARE * row.n:
            continue
        if any(f in keys and f not in places.get(j, ()) for j, f in zip(row.cols, folded, strict=True)):
            return i
    return len(rows)


def _data_lists(rows: list[_Row], sections: list[str | None], width: int, merges: list[Merge]) -> DataLists:
    """The data rows' cells column by column, with each vertical merge's top-left value copied into the blank
    cells of its range (data rows only: a merge reaching into a header or footer leaves those alone)."""
    columns = [list(col) for col in zip(*(row.line for row in rows), strict=True)] if rows else [[] for _ in range(width)]
    position = {row.r: i for i, row in enumerate(rows)}
    for (r0, c0), (r1, c1) in merges:
        if r1 <= r0 or c0 >= width or r0 not in position:
            continue  # horizontal-only merges are labels; an anchor outside the data is not data
        value = columns[c0][position[r0]]
        if value is None:
            continue
        for r in range(r0, r1 + 1):
            if r not in position:
                continue
            for j in range(c0, min(c1, width - 1) + 1):
                if columns[j][position[r]] is None:
                    columns[j][position[r]] = value
    return DataLists(width, columns, [row.r + 1 for row in rows], sections)


# Entry point


def read_tables(source: str | Path | bytes, *, name: str | None = None, header_scorer: Scorer | None = None,
                limits: Limits | None = None) -> list[SheetTable]:
    """Read every sheet of a workbook (path or bytes) and locate its table; one :class:`SheetTable` per sheet.

    ``header_scorer(cells) -> [0, 1]`` receives one header label per column (whitespace-collapsed, "" for blank;
    for a two-row candidate the child label, else the parent's) and decides which row among the first
    :data:`HEADER_SEARCH_ROWS` non-empty rows is the header (best score, ties to the earliest, minimum
    :data:`HEADER_MIN_SCORE` and >= 2 non-empty cells). Without it, or when no row scores enough (labels the
    vocabulary does not know: ``header_by == "layout"``, the ingest then reads the columns by their values), a
    generic layout heuristic is used. A sheet holding a second table under the first (its header repeated in
    another column order) gives two :class:`SheetTable` of the same name.

    Raises :class:`UnreadableFile` for whole-file problems. Sheets beyond ``limits.max_sheets`` and sheets over
    the row/column limits come back with empty ``rows`` and an explanatory ``message`` instead of being read.
    ``name`` (the file's name for the caller) is not used: reasons never repeat it.
    """
    limits = limits or Limits()
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as e:
            raise UnreadableFile(f"cannot open: {e.strerror or e}") from e
        if size > limits.max_file_bytes:
            raise UnreadableFile(f"too large: {size} bytes (limit {limits.max_file_bytes})")
        data = path.read_bytes()
    check_file(data, limits)

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = wb.sheets_metadata
    except pc.PasswordError as e:
        raise UnreadableFile("encrypted workbook") from e
    except Exception as e:  # calamine raises several unrelated types for damaged files
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise UnreadableFile("encrypted workbook") from e
        raise UnreadableFile(f"corrupt workbook: {error_text(e)}") from e
    stamp = workbook_stamp(wb)
    return [st for idx, meta in enumerate(metas) for st in _read_sheet(wb, idx, meta, header_scorer, limits, stamp)]


def _read_sheet(wb: pc.CalamineWorkbook, idx: int, meta: pc.SheetMetadata, scorer: Scorer | None,
                limits: Limits, stamp: Stamp | None = None) -> list[SheetTable]:
    """One sheet read and analysed (one table, or more pasted one under another), or a :class:`SheetTable`
    saying why it was not (a sheet of a stamped workbook that holds no return data is not read)."""
    hidden = meta.visible != pc.SheetVisibleEnum.Visible
    if stamp is not None and (meta.name == STAMP_SHEET or meta.name in stamp.aside):
        return [SheetTable(meta.name, hidden, message=TEMPLATE_ASIDE, stamp=stamp)]
    if idx >= limits.max_sheets:
        return [SheetTable(meta.name, hidden,
                           message=f"not read: more than {limits.max_sheets} sheets in the workbook")]
    if meta.typ != pc.SheetTypeEnum.WorkSheet:
        return [SheetTable(meta.name, hidden, message=f"not a worksheet ({meta.typ.name})")]
    try:
        sheet = wb.get_sheet_by_index(idx)
        n_rows, n_cols = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end is not None else (0, 0)
        for what, n, limit in (("rows", n_rows, limits.max_sheet_rows), ("columns", n_cols, limits.max_sheet_cols)):
            if n > limit:
                return [SheetTable(meta.name, hidden, n_rows=n_rows, n_cols=n_cols,
                                   message=f"too many {what}: {n} (limit {limit})")]
        raw = sheet.to_python(skip_empty_area=False) if n_rows else []
        merges = sheet.merged_cell_ranges or []
    except Exception as e:  # calamine raises several unrelated types for damaged sheets
        raise UnreadableFile(f"corrupt workbook: sheet {meta.name!r}: {error_text(e)}") from e
    return _analyse(meta.name, hidden, raw, merges, n_rows, n_cols, scorer, stamp)
