"""Ingest a season: every unit's Annex 2/3 returns into clean tables, nothing lost.

Each top-level file under the input folder is one unit of work (a process
pool spreads them over the cores). For each workbook the generic table reader
(`netmedia.extract.tables`) finds the header and classifies every non-empty row; this
module decides which annex a sheet is by its header (schema synonyms), maps
the columns, normalises the values and attributes the rows to a roster unit.
Every non-empty row ends either in a clean table or in ``rejects`` with a
reason, so ``rows_read == rows_clean + rows_rejected`` for every sheet.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from netmedia import schema
from netmedia.config import Config, load_config
from netmedia.extract import sources, tables
from netmedia.transform import normalize
from netmedia.transform.units import UnitMatcher

ANNEX_TABLE = {"2": "platforms", "3": "personal_accounts"}
EMPTY_SHEET = "empty sheet"  # netmedia.extract.tables' message for a sheet without a non-empty cell
TABLES = ("platforms", "personal_accounts", "submissions", "rejects", "units", "staff")

# Row kinds from the table reader -> reason written to rejects.
KIND_REASON = {
    "title": "title row",
    "header": "header row",
    "section": "section row",
    "instruction": "instruction row",
    "example": "example row",
    "footer": "signature row",
    "unrecognised": "unrecognised row",
}
# Columns whose content makes a row a record; a data row with none of them
# (e.g. a template row holding only its 序号) is rejected as empty.
CONTENT_COLUMNS = {
    "platforms": ("platform_name", "account_id", "url", "platform_type_raw", "supervisor", "operator", "operator_phone"),
    "personal_accounts": ("holder_name", "platform_name", "account_id", "url", "platform_type_raw", "phone"),
}
# A sheet is an annex table only if it has one of these besides a name.
IDENTIFYING = {"platform_type_raw", "account_id", "url"}
# Columns that tell Annex 3 from Annex 2 when a header could be either.
DISTINCTIVE = {
    "platforms": ("supervisor", "operator", "supervisor_title", "status", "opened_on", "owner_kind"),
    "personal_accounts": ("holder_name", "holder_role"),
}
_UNIT_CELL = re.compile(r"(?:填报单位|报送单位|单位名称|申报单位|单位)\s*(?:\(盖章\)|（盖章）)?\s*[:：]\s*(?P<u>[^\s:：|]{2,40})")
_HINT3 = re.compile(r"附件\s*3|师生|个人")
_CACHE = 1 << 17


class _Memo(dict):
    """``fn(key)`` per key, computed on the first lookup: ``list(map(memo.__getitem__, values))`` costs one dict
    lookup per value once warm (an ``lru_cache`` builds, hashes and compares a key tuple per call, ~2× that).

    Keys are compared by equality, so a memo must never hold two keys that are equal but normalise differently
    (``1``, ``1.0`` and ``True``): see :class:`_Cells`. Emptied when it reaches ``_CACHE`` keys.
    """

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[object], object]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: object) -> object:
        if len(self) >= _CACHE:
            self.clear()
        value = self[key] = self.fn(key)
        return value


# Cell types no value of another type equals: a memo can hold them all (date(2023, 1, 1) != datetime(2023, 1, 1)).
_DISTINCT_TYPES = frozenset({str, type(None), dt.date, dt.datetime})


class _Shared(dict):
    """The memo of a :class:`_Cells` for cells of the distinct types, looked up with any cell.

    Only str, None, date and datetime keys are stored, so only a cell equal to one of those can hit, and numbers
    never do (no int, float or bool equals them): a number misses and is looked up in its own type's memo. A whole
    column is thus one ``map`` over one dict, without first collecting the types it holds.
    """

    __slots__ = ("cells",)

    def __init__(self, cells: _Cells):
        super().__init__()
        self.cells = cells

    def __missing__(self, key: object) -> object:
        t = type(key)
        if t in _DISTINCT_TYPES:
            if len(self) >= _CACHE:
                self.clear()
            value = self[key] = self.cells.fn(key)
            return value
        memo = self.cells.memos.get(t)
        return memo[key] if memo is not None else self.cells.typed(key)


class _Cells:
    """A normaliser applied to whole columns of raw cells through per-process memos.

    Dates, counts, types, statuses, roles, titles and names repeat a lot within and across returns, so most cells
    cost one dict lookup. ``1``, ``1.0`` and ``True`` are equal as keys but normalise differently (``text``:
    '1', '1', '是'), so each number type has its own memo, and the memo every column is looked up in (:class:`_Shared`)
    holds str, None, date and datetime keys only, which equal no value of another type (the reader gives no
    subclasses of them). Anything else takes ``fn`` through an ``lru_cache`` keyed by value and type.
    """

    def __init__(self, fn: Callable[[object], object]):
        self.fn = fn
        self.memos = {t: _Memo(fn) for t in (int, float, bool)}
        self.shared = _Shared(self)
        self.typed = lru_cache(_CACHE, typed=True)(fn)

    def __call__(self, values: list) -> list:
        if values and values[0] is None and values.count(None) == len(values):
            return [self.shared[None]] * len(values)  # a column the sheet lacks, or leaves empty
        return list(map(self.shared.__getitem__, values))


# ------------------------------------------------------------------ header mapping
@lru_cache(maxsize=65536)
def _exact(table: str, label: str) -> str | None:
    return schema.header_synonyms(table).get(schema.norm_header(label))


@lru_cache(maxsize=65536)
def _strong(table: str, parts: tuple[str, ...]) -> bool:
    """A header that names its column plainly: a synonym exactly, or one of 3+ characters inside it.

    Two-character synonyms found inside a longer label (类别 in 项目类别) are too weak to
    decide that a sheet is an annex on their own. Cached per header cell, like :func:`_column_of`.
    """
    labels = [p for p in parts if p] + ["".join(p for p in parts if p)]
    if any(_exact(table, x) for x in labels):
        return True
    key = schema.norm_header(labels[-1])
    return any(len(syn) >= 3 and syn in key for syn in schema.header_synonyms(table))


def map_columns(table: str, header_parts: list[tuple[str, ...]]) -> dict[int, str]:
    """Column position -> canonical column. Two-row headers try 'parent child', then the child, then the parent."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for j, parts in enumerate(header_parts):
        parts = tuple(filter(None, parts))
        if not parts:
            continue
        col = _column_of(table, parts)
        if col and col not in used:
            out[j] = col
            used.add(col)
    return out


@lru_cache(maxsize=65536)
def _column_of(table: str, parts: tuple[str, ...]) -> str | None:
    """The column one header cell (its non-empty parts) names, for :func:`map_columns`.

    Cached per cell: returns of distinct units fill in variants of a few templates, so a header seen for the first
    time mostly holds cells seen before.
    """
    combined = "".join(parts)
    col = _exact(table, combined)
    if col is None and len(parts) > 1:
        col = _exact(table, parts[-1]) or _exact(table, parts[0])
    if col is None:
        col = schema.match_header(table, combined)
    return col


def _label_columns(cell: str) -> tuple[str | None, ...] | None:
    """The column a header label names in each annex table, or None when the cell is no label at all.

    The header search scores the first data rows too, so most labels seen are numbers, dates, phones, ids, names
    and free text that name no column. Two exact shortcuts skip the synonym search (and, for the first, even the
    folding) for them; ``tests/test_ingest.py`` checks both against the plain definition.
    """
    if not cell:
        return None
    vocab = _label_vocab()
    if vocab.ascii_letters is not None and cell.isascii():
        low = cell.lower()
        # ASCII folds to itself minus the stripped characters, lower-cased (NFKC leaves ASCII alone; without '_' there
        # is no _x000D_ to drop). Without a letter of an ASCII synonym it can contain none of them.
        if vocab.ascii_letters.isdisjoint(low):
            return _NO_COLUMNS if low.strip(vocab.ascii_stripped) else None
    key = schema.norm_header(cell)
    if not key:
        return None
    if key.isascii():
        if not any(syn in key for syn in vocab.ascii):
            return _NO_COLUMNS
    elif key not in vocab.exact and vocab.prefixes.isdisjoint([key[i : i + 2] for i in range(len(key) - 1)]):
        # schema.match_key looks for a synonym inside a key only among those starting with one of the key's
        # character pairs: with none of them, and no synonym equal to the key, it finds nothing in either table.
        return _NO_COLUMNS
    return tuple(schema.match_key(table, key) for table in ANNEX_TABLE.values())


_NO_COLUMNS = (None,) * len(ANNEX_TABLE)


class _LabelVocab(NamedTuple):
    ascii: tuple[str, ...]  # the annex synonyms that are ASCII (id, url, …): the only ones an ASCII label can hold
    ascii_letters: frozenset[str] | None  # their characters and '_' (None: one is empty, in every label)
    ascii_stripped: str  # the ASCII characters norm_header strips
    exact: frozenset[str]  # every synonym of either annex
    prefixes: frozenset[str]  # the first two characters of every synonym schema.match_key looks for in a label


@lru_cache(maxsize=1)
def _label_vocab() -> _LabelVocab:
    """What :func:`_label_columns` needs to tell a label naming no column from the others (made once per process,
    by :func:`_ascii_synonyms` before a pool forks)."""
    tables_ = ANNEX_TABLE.values()
    exact = frozenset(syn for table in tables_ for syn in schema.header_synonyms(table))
    ascii_ = tuple(sorted(syn for syn in exact if syn.isascii()))
    letters = frozenset("".join(ascii_)) | {"_"}
    stripped = schema.stripped("".join(map(chr, range(128))))
    prefixes = frozenset(p for table in tables_ for p in schema.synonym_prefixes(table))
    return _LabelVocab(ascii_, letters if all(ascii_) else None, stripped, exact, prefixes)


@lru_cache(maxsize=1)
def _ascii_synonyms() -> tuple[str, ...]:
    """The annex synonyms that are ASCII (id, url, …): the only ones an ASCII label can equal or contain."""
    return _label_vocab().ascii


_LABEL_COLUMNS = _Memo(_label_columns)  # labels are str: one memo holds them all


def _header_score(cells: tuple[str, ...]) -> float:
    found = [cols for cols in map(_LABEL_COLUMNS.__getitem__, cells) if cols is not None]
    if len(found) < 2:
        return 0.0
    best = 0
    for k in range(len(ANNEX_TABLE)):
        named = {cols[k] for cols in found}
        named.discard(None)
        best = max(best, len(named))
    return best / len(found) if best >= 2 else 0.0


_HEADER_SCORES = _Memo(_header_score)  # keyed by the row's labels (a tuple of str)


def header_score(cells: list[str]) -> float:
    """How much a row looks like an Annex 2/3 header: share of its cells naming a known column (0 below 2 hits).

    Called for up to 40 rows of every sheet (data rows included). Header rows repeat (units fill in a few
    templates) and so do whole returns, so a row seen before costs one lookup, and each label of a new row one.
    """
    return _HEADER_SCORES[tuple(cells)]


def choose_annex(header_parts: list[tuple[str, ...]], hint_text: str = "") -> tuple[str | None, dict[int, str]]:
    """Which annex a header belongs to ('2', '3' or None) and its column map."""
    hint3 = bool(_HINT3.search(hint_text))
    annex, cmap = _choose_annex(tuple(map(tuple, header_parts)), hint3)
    return annex, dict(cmap)


@lru_cache(maxsize=4096)
def _choose_annex(header_parts: tuple[tuple[str, ...], ...], hint3: bool) -> tuple[str | None, dict[int, str]]:
    """:func:`choose_annex`, cached: units fill in the same few templates, so the same headers come back."""
    scored = []
    for annex, table in ANNEX_TABLE.items():
        cmap = map_columns(table, header_parts)
        cols = set(cmap.values())
        # A name column alone is common (学校名称, 项目名称): an annex also says what kind of platform
        # it is or where it lives, and names two platform fields besides the name.
        strong = {c for j, c in cmap.items() if c in IDENTIFYING and _strong(table, header_parts[j])}
        ok = ("platform_name" in cols and bool(strong)
              and len(cols & set(CONTENT_COLUMNS[table]) - {"platform_name"}) >= 2)
        distinct = len(cols & set(DISTINCTIVE[table]))
        scored.append((ok, distinct, len(cols), annex, cmap))
    scored.sort(key=lambda s: (s[0], s[1], s[2], (s[3] == "3") == hint3), reverse=True)
    ok, _, _, annex, cmap = scored[0]
    return (annex, cmap) if ok else (None, {})


# ------------------------------------------------------------------ per-file work
@dataclass
class Context:
    """What every worker needs: the config and the unit roster matcher."""

    config: Config
    matcher: UnitMatcher
    roster_kind: dict[str, str] = field(default_factory=dict)


RECORD_TABLES = ("platforms", "personal_accounts", "rejects")
REJECT_COLUMNS = ("source_file", "source_sheet", "source_row", "reason", "raw")


def _columns(table: str) -> dict[str, list]:
    names = REJECT_COLUMNS if table == "rejects" else schema.output_columns(table)
    return {c: [] for c in names}


@dataclass
class FileResult:
    """What one file (or a worker's run of files) contributes. Records and rejects are held column-wise in
    ``columns`` (table -> column -> values): appended to sheet by sheet, then sent back from a worker as Arrow
    columns (:func:`to_arrow`) without a dict per row. ``platforms``, ``personal_accounts`` and ``rejects`` give
    them as row dicts (for tests and callers that look at one file).
    """

    columns: dict[str, dict[str, list]] = field(default_factory=lambda: {t: _columns(t) for t in RECORD_TABLES})
    submissions: list[dict] = field(default_factory=list)

    def _rows(self, table: str) -> list[dict]:
        cols = self.columns[table]
        return [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]

    @property
    def platforms(self) -> list[dict]:
        return self._rows("platforms")

    @property
    def personal_accounts(self) -> list[dict]:
        return self._rows("personal_accounts")

    @property
    def rejects(self) -> list[dict]:
        return self._rows("rejects")

    def mark(self) -> tuple[dict[str, int], int]:
        """The current length of every table, for :meth:`rollback`."""
        return {t: len(next(iter(cols.values()))) for t, cols in self.columns.items()}, len(self.submissions)

    def rollback(self, mark: tuple[dict[str, int], int]) -> None:
        """Drop everything added since :meth:`mark` (a sheet that failed half-way)."""
        lengths, n_sub = mark
        for t, cols in self.columns.items():
            for values in cols.values():
                del values[lengths[t]:]
        del self.submissions[n_sub:]

    def reject(self, source_file: str, sheet: str | None, row: int | None, reason: str, raw: str | None) -> None:
        self.reject_rows(source_file, sheet, [row], reason, [raw])

    def reject_rows(self, source_file: str, sheet: str | None, rows: list[int | None], reason: str | list[str],
                    raws: list[str | None]) -> None:
        """Reject several rows of one sheet at once (``reason`` one for all or one per row)."""
        n = len(rows)
        rej = self.columns["rejects"]
        rej["source_file"] += [source_file] * n
        rej["source_sheet"] += [sheet] * n
        rej["source_row"] += rows
        rej["reason"] += reason if isinstance(reason, list) else [reason] * n
        rej["raw"] += raws


@lru_cache(maxsize=1)
def _submission_columns() -> tuple[str, ...]:
    return schema.column_names("submissions")


def _submission(source_file: str, sheet: str | None, **kw: object) -> dict:
    row = dict.fromkeys(_submission_columns())
    row.update(source_file=source_file, source_sheet=sheet, rows_read=0, rows_clean=0, rows_rejected=0)
    row.update(kw)
    return row


def _texts(rows: tables.RowLists, kinds: tuple[str, ...], negate: bool = False) -> list[str]:
    """Texts of the rows whose kind is (or, with ``negate``, is not) in ``kinds``."""
    return [t for k, t in zip(rows.kind, rows.text, strict=True) if (k in kinds) != negate]


def _unit_from_rows(rows: tables.RowLists) -> str | None:
    for text in _texts(rows, ("title", "footer", "unrecognised")):
        m = _UNIT_CELL.search(normalize.text(text) or "")
        if m:
            return m["u"]
    return None


def _form_date(rows: tables.RowLists) -> dt.date | None:
    for text in _texts(rows, ("data",), negate=True):
        if "期" in text or "间" in text:  # the only lines normalize.form_date finds a date in
            d = _FORM_DATE[text]
            if d:
                return d
    return None


_FORM_DATE = _Memo(normalize.form_date)  # footer lines recur (the same form and date in copies of a return)


# Normalisers applied to whole columns (see _Cells). The category is cached by type text, then (websites only)
# by URL; URLs are mostly distinct, so a cache keyed by both missed on nearly every row.
_type_category = _Memo(normalize.type_category)  # keys: type text or section/sheet label, all str
_website_category = lru_cache(4096)(normalize.website_category)
_blank = lru_cache(_CACHE, typed=True)(normalize.is_blank)  # single cells
_BLANK = _Cells(normalize.is_blank)
_TEXT = _Cells(normalize.text)
_ACCOUNT_ID = _Cells(normalize.account_id)
_COUNT = _Cells(normalize.count)
_DATE = _Cells(normalize.date)
_PERSON = _Cells(normalize.person)
_PHONE = _Cells(normalize.phone)
_HOLDER_ROLE = _Cells(normalize.holder_role)
# Keyed by normalised text or codes (str or None), so one memo each.
_STATUS = _Memo(normalize.status)
_STUDENT_ORG_TEXT = _Memo(normalize.student_org_text)
# normalize.owner_kind applies ``text`` to the name it is given, which is the name's text here: the same again.
_STUDENT_ORG_NAME = _Memo(lambda s: normalize.student_org_text(normalize.text(s)))
_CLASS_OF = _Memo(schema.class_of)
_STUDENT_ORG_KIND = lru_cache(256, typed=True)(normalize.student_org_kind)  # roster kinds (str, or NaN)


def _records(table: str, get: Callable[[str], list], units: list[str], unit_kinds: list[str | None],
             hints: list[str], ctx: Context) -> dict[str, list]:
    """Clean columns for the kept rows of one sheet, column by column (``get(column)`` gives the raw cells)."""
    type_raw = _TEXT(get("platform_type_raw"))
    url = _TEXT(get("url"))
    name = _TEXT(get("platform_name"))
    category = list(map(_type_category.__getitem__, [t or h for t, h in zip(type_raw, hints, strict=True)]))
    if "website" in category:
        domains = ctx.config.institution.domains
        category = [_website_category(u, domains) if c == "website" else c for c, u in zip(category, url, strict=True)]
    out = {
        "unit": units,
        "platform_type_raw": type_raw,
        "platform_name": name,
        "account_id": _ACCOUNT_ID(get("account_id")),
        "url": url,
        "followers": _COUNT(get("followers")),
        "last_updated_on": _DATE(get("last_updated_on")),
        "remarks": _TEXT(get("remarks")),
        "category": category,
    }
    if table == "platforms":
        status_raw = _TEXT(get("status"))
        # normalize.owner_kind(cell, name, unit kind), in its parts: the name's text is already here.
        org_cell = map(_STUDENT_ORG_TEXT.__getitem__, _TEXT(get("owner_kind")))
        org_name = map(_STUDENT_ORG_NAME.__getitem__, name)
        org_kind = map(_STUDENT_ORG_KIND, unit_kinds)
        out.update(
            owner_kind=["student_org" if k or c or n else "unit" for k, c, n in zip(org_kind, org_cell, org_name, strict=True)],
            platform_class=list(map(_CLASS_OF.__getitem__, category)),
            supervisor=_PERSON(get("supervisor")),
            supervisor_title=_TEXT(get("supervisor_title")),
            operator=_PERSON(get("operator")),
            operator_phone=_PHONE(get("operator_phone")),
            opened_on=_DATE(get("opened_on")),
            status=list(map(_STATUS.__getitem__, status_raw)),
            status_raw=status_raw,
        )
    else:
        out.update(
            holder_name=_PERSON(get("holder_name")),
            holder_role=_HOLDER_ROLE(get("holder_role")),
            phone=_PHONE(get("phone")),
        )
    return out


def _keep_rows(st: tables.SheetTable, table: str, cmap: dict[int, str], unit: str | None, ctx: Context,
               row_reason: dict[int, str]) -> tuple[list[int], list[str]]:
    """Positions of the data rows that become records and their units; the others get a reason in ``row_reason``."""
    dl = st.data_lists
    n = len(dl.source_row)
    content = [dl.columns[j] for j, c in cmap.items() if c in CONTENT_COLUMNS[table]]
    # Rows blank in every content column, column by column: after the first, only the rows still blank are looked
    # at (most rows fill the first one).
    empty: list[int] | range = range(n)
    for k, col in enumerate(content):
        empty = list(compress(empty, _BLANK(col))) if k == 0 else [i for i in empty if _blank(col[i])]
        if not empty:
            break
    unit_cells = next((dl.columns[j] for j, c in cmap.items() if c == "unit"), None)
    if not empty and unit is not None:
        return list(range(n)), [unit] * n  # the usual sheet: every row kept, the sheet's unit
    empty_rows = set(empty)
    keep: list[int] = []
    units: list[str] = []
    for i, r in enumerate(dl.source_row):
        if i in empty_rows:
            row_reason[r] = "empty row (no platform fields)"
            continue
        row_unit = unit
        if row_unit is None and unit_cells is not None:
            raw = unit_cells[i]
            row_unit = ctx.matcher.match(raw) or (normalize.text(raw) if ctx.matcher.empty else None)
        if row_unit is None:
            row_reason[r] = "unit not matched to the roster"
            continue
        keep.append(i)
        units.append(row_unit)
    return keep, units


def _sheet(st: tables.SheetTable, src: sources.Source, ctx: Context, file_unit: str | None,
           received: dt.datetime | None, out: FileResult, generic_header: Callable[[str], list[str]]) -> None:
    """Turn one sheet into records, rejects and its submissions row."""
    sf, sh = src.source_file, st.source_sheet
    rows = st.row_lists
    n_read = st.n_read
    if n_read == 0 and (not st.message or st.message == EMPTY_SHEET):
        return  # an empty sheet holds nothing to account for
    sub = _submission(sf, sh, rows_read=n_read, received_at=received)

    def reject_all(reason: str, status: str) -> None:
        if n_read == 0:
            out.reject(sf, sh, None, reason, None)
        out.reject_rows(sf, sh, list(rows.source_row), reason, list(rows.text))
        sub.update(rows_rejected=n_read, status=status, message=reason, unit=file_unit)
        out.submissions.append(sub)

    if st.message and n_read == 0:
        reject_all(st.message, "rejected")
        return
    if st.hidden:
        reject_all("hidden sheet", "hidden")
        return
    hint_text = " ".join(_texts(rows, ("title",))) + " " + sh
    annex, cmap = choose_annex(st.header_parts, hint_text) if st.header_row else (None, {})
    if annex is None:
        header = st.header if st.header_row else generic_header(sh)
        found = " | ".join(h for h in header if h) or "none"
        reject_all(f"not an Annex 2/3 table (header found: {found})", "rejected")
        return
    table = ANNEX_TABLE[annex]
    unit = file_unit or ctx.matcher.match(_unit_from_rows(rows)) or ctx.matcher.find_in(sh)
    if unit is None and ctx.matcher.empty:
        unit = _unit_from_rows(rows)
    unit_kind = ctx.roster_kind.get(unit) if unit else None
    sub.update(annex=annex, unit=unit)

    row_reason: dict[int, str] = {}
    keep, units = _keep_rows(st, table, cmap, unit, ctx, row_reason)
    dl = st.data_lists
    cells = {c: dl.columns[j] for j, c in cmap.items()}
    blank = [None] * len(keep)
    every = len(keep) == len(dl.source_row)  # the usual case: no copies needed

    def get(column: str) -> list:
        col = cells.get(column)
        return blank if col is None else col if every else [col[i] for i in keep]

    hints = [h or sh for h in _TEXT(dl.section if every else [dl.section[i] for i in keep])]
    unit_kinds = [unit_kind] * len(units) if unit else [ctx.roster_kind.get(u, unit_kind) for u in units]
    recs = _records(table, get, units, unit_kinds, hints, ctx)
    clean_rows = list(dl.source_row) if every else [dl.source_row[i] for i in keep]
    recs.update(source_file=[sf] * len(keep), source_sheet=[sh] * len(keep), source_row=clean_rows)
    for c, values in out.columns[table].items():
        values += recs.get(c, blank)

    clean = set(clean_rows)
    rejected = [r not in clean for r in rows.source_row]
    rej_rows = list(compress(rows.source_row, rejected))
    reasons = [row_reason.get(r, "unparseable data row") if k == "data" else KIND_REASON.get(k, f"{k} row")
               for r, k in zip(rej_rows, compress(rows.kind, rejected), strict=True)]
    out.reject_rows(sf, sh, rej_rows, reasons, list(compress(rows.text, rejected)))
    n_clean = len(clean)
    no_unit = unit is None
    msg = ""
    if no_unit:
        msg = "unit not found in file name, mail subject, 填报单位 cell or sheet name"
    sub.update(rows_clean=n_clean, rows_rejected=n_read - n_clean,
               status="ok" if n_clean or not no_unit else "rejected", message=msg)
    out.submissions.append(sub)


def _reject_file(out: FileResult, source_file: str, reason: str) -> FileResult:
    out.reject(source_file, None, None, reason, None)
    out.submissions.append(_submission(source_file, None, status="rejected", message=reason))
    return out


def ingest_source(src: sources.Source, ctx: Context, out: FileResult | None = None) -> FileResult:
    """Everything one workbook (or one unreadable file) contributes, added to ``out`` (a new result if None)."""
    out = FileResult() if out is None else out
    if src.skipped:
        out.submissions.append(_submission(src.source_file, None, status="skipped", message=src.skipped,
                                           received_at=src.received_at))
        return out
    if src.error:
        return _reject_file(out, src.source_file, src.error)
    name = src.source_file.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    try:
        sheets = tables.read_tables(src.data, name=name, header_scorer=header_score, limits=ctx.config.limits)
    except tables.UnreadableFile as e:
        return _reject_file(out, src.source_file, e.reason)
    except Exception as e:  # a bad file never stops a run: report it
        return _reject_file(out, src.source_file, f"unreadable workbook: {type(e).__name__}: {e}")
    if not any(s.n_read for s in sheets) and all(s.message in ("", EMPTY_SHEET) for s in sheets):
        return _reject_file(out, src.source_file, "empty workbook")
    file_unit = ctx.matcher.find_in(name) or (ctx.matcher.find_in(src.label) if src.label else None)
    if file_unit is None:
        for s in sheets:
            if not s.hidden and s.n_read:
                file_unit = ctx.matcher.match(_unit_from_rows(s.row_lists))
                if file_unit:
                    break
    received: dt.datetime | None = src.received_at
    if received is None:
        for s in sheets:
            if s.n_read and not s.hidden:
                d = _form_date(s.row_lists)
                if d:
                    received = dt.datetime(d.year, d.month, d.day)
                    break
    generic: dict[str, list[str]] = {}

    def generic_header(sheet: str) -> list[str]:
        """The header the generic reader finds (no annex vocabulary), read only when a sheet is not an annex."""
        if not generic:
            try:
                generic.update({s.source_sheet: (s.header if s.header_row else [])
                                for s in tables.read_tables(src.data, name=name, limits=ctx.config.limits)})
            except Exception:  # already read once; a second failure only loses the message detail
                generic[""] = []
        return generic.get(sheet, [])

    for st in sheets:
        mark = out.mark()
        try:
            _sheet(st, src, ctx, file_unit, received, out, generic_header)
        except Exception as e:  # keep the run going; the sheet's rows are accounted as rejects
            out.rollback(mark)  # a sheet that fails half-way contributes nothing but its rejects below
            reason = f"sheet failed: {type(e).__name__}: {e}"
            rl = st.row_lists
            out.reject_rows(src.source_file, st.source_sheet, list(rl.source_row), reason, list(rl.text))
            out.submissions.append(_submission(src.source_file, st.source_sheet, status="rejected", message=reason,
                                               rows_read=st.n_read, rows_rejected=st.n_read))
    return out


_CTX: Context | None = None
_ROOT: Path | None = None


def _warm_for_workers() -> None:
    """Make, before the pool forks, what each worker would otherwise make on its first file (~20M instructions
    each): the vocabularies (categories.toml parsed, keyword patterns compiled), the schema lookups, and the
    modules ``email`` imports lazily for the first saved mail."""
    import email.feedparser  # noqa: F401
    import email.parser  # noqa: F401

    normalize.warm()
    schema.categories()
    _ascii_synonyms()
    _submission_columns()
    for table in RECORD_TABLES:
        _dtypes(table)


def _init_worker(ctx: Context, root: Path) -> None:
    global _CTX, _ROOT
    _CTX, _ROOT = ctx, root


def _ingest_path(path: Path, out: FileResult | None = None) -> FileResult:
    assert _CTX is not None and _ROOT is not None
    out = FileResult() if out is None else out
    for src in sources.expand(path, _ROOT, _CTX.config.limits):
        ingest_source(src, _CTX, out)
    return out


@dataclass
class ChunkResult:
    """What a run of consecutive files contributes: the record tables and the submissions as Arrow column parts."""

    tables: dict[str, dict[str, ColumnPart]]
    files: int


def _chunk_result(fr: FileResult, files: int) -> ChunkResult:
    """The run's tables as Arrow column parts, made in the worker (submissions too: typing their rows in the
    parent cost ~10 ms after the workers were done)."""
    tables = {t: to_arrow(t, fr.columns[t]) for t in RECORD_TABLES}
    tables["submissions"] = to_arrow("submissions", {c: [row.get(c) for row in fr.submissions]
                                                      for c in _dtypes("submissions")})
    return ChunkResult(tables, files)


def _runs(files: list[Path], workers: int) -> list[list[Path]]:
    """Consecutive runs of files for the pool: about eight per worker, shrinking towards the end (guided
    scheduling) so that no worker is left with a long run while the others are idle."""
    base = max(1, len(files) // (workers * 8))
    out, i = [], 0
    while i < len(files):
        size = max(1, min(base, -(-(len(files) - i) // (2 * workers))))
        out.append(files[i : i + size])
        i += size
    return out


def _ingest_chunk(paths: list[Path]) -> ChunkResult:
    """A worker's unit of work: a run of consecutive files (one result to send back, converted once)."""
    out = FileResult()
    for path in paths:
        _ingest_path(path, out)
    return _chunk_result(out, len(paths))


# ------------------------------------------------------------------ rosters
def read_roster(path: Path, table: str, config: Config) -> pd.DataFrame:
    """A roster (units.xlsx / staff.xlsx) read with the same header tolerance as the returns."""
    names = schema.column_names(table)
    if not path.exists():
        return typed_frame(table, [])

    def scorer(cells: list[str]) -> float:
        labels = [c for c in cells if schema.norm_header(c)]
        hits = {schema.match_header(table, c) for c in labels} - {None}
        return len(hits) / len(labels) if len(hits) >= 2 else 0.0

    records: list[dict] = []
    for st in tables.read_tables(path, name=path.name, header_scorer=scorer, limits=config.limits):
        if st.hidden or st.header_row is None:
            continue
        cmap = map_columns(table, st.header_parts)
        if "unit" not in cmap.values() and "name" not in cmap.values():
            continue
        # Column by column through the record normalisers' memos (a province's staff roster has thousands of rows,
        # read while the workers read the returns).
        dl = st.data_lists
        blank = [None] * len(dl.source_row)
        raw = {c: dl.columns[j] for j, c in cmap.items()}
        clean = {c: (_PERSON if c in _ROSTER_PERSONS else _TEXT)(raw.get(c, blank)) for c in names}
        if table == "staff" and "staff_id" in clean:
            ids = _ACCOUNT_ID(raw.get("staff_id", blank))
            clean["staff_id"] = [a if t else t for t, a in zip(clean["staff_id"], ids, strict=True)]
        records += [dict(zip(names, vals, strict=True)) for vals in zip(*clean.values(), strict=True) if any(vals)]
    return typed_frame(table, records)


_ROSTER_PERSONS = ("party_head", "admin_head", "name")


# ------------------------------------------------------------------ frames and output
_DTYPE = {"str": "str", "int": "Int64", "date": "datetime64[us]", "datetime": "datetime64[us]"}


def typed_frame(table: str, records: list[dict] | dict[str, list]) -> pd.DataFrame:
    """Records (dicts, or columns as lists) as a frame with the schema's column order and pandas dtypes (text is
    pandas 3 ``str``)."""
    cols = schema.output_columns(table)
    specs = {c.name: c.dtype for c in schema.columns(table)}
    specs.update({c.name: c.dtype for c in schema.provenance_columns()})
    if isinstance(records, dict):
        n = len(next(iter(records.values()), []))
        df = pd.DataFrame({c: _obj_array(records.get(c) or [None] * n) for c in cols}) if n else None
    else:
        df = pd.DataFrame.from_records(records, columns=list(cols)) if records else None
    if df is None:
        df = pd.DataFrame(columns=list(cols))
    for c in cols:
        dtype = _DTYPE[specs.get(c, "str")]
        if dtype.startswith("datetime"):
            df[c] = pd.to_datetime(df[c], errors="coerce").astype(dtype)
        elif dtype == "Int64":
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
        else:
            df[c] = df[c].astype("str").where(df[c].notna(), None) if len(df) else df[c].astype("str")
    return df


def _obj_array(values: list) -> np.ndarray:
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


# Record columns travel from the workers as Arrow arrays: they pickle as flat buffers and become typed pandas
# columns without a Python step per value, in the workers rather than in the parent. A column whose values do
# not fit its type (never seen: the normalisers return the schema's types) stays a list and takes the
# ``typed_frame`` conversion.
_ARROW = {"str": pa.string(), "int": pa.int64(), "date": pa.date32(), "datetime": pa.timestamp("us")}
_PANDAS = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan), pa.int64(): pd.Int64Dtype()}.get
ColumnPart = pa.Array | list


@lru_cache(maxsize=16)
def _dtypes(table: str) -> dict[str, str]:
    specs = {c.name: c.dtype for c in schema.columns(table)}
    specs.update({c.name: c.dtype for c in schema.provenance_columns()})
    return {c: specs.get(c, "str") for c in schema.output_columns(table)}


def to_arrow(table: str, columns: dict[str, list]) -> dict[str, ColumnPart]:
    """A table's columns (lists of clean values) as Arrow arrays of the schema's types, where they fit."""
    out: dict[str, ColumnPart] = {}
    for c, dtype in _dtypes(table).items():
        values = columns[c]
        try:
            out[c] = pa.array(values, type=_ARROW[dtype])
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            out[c] = values
    return out


def frame_from_parts(table: str, parts: list[dict[str, ColumnPart]]) -> pd.DataFrame:
    """The typed frame of ``table`` from its column parts (:func:`to_arrow`, in order); the same frame as
    :func:`typed_frame` on the concatenated values."""
    if not parts:
        return typed_frame(table, [])
    data = {}
    for c, dtype in _dtypes(table).items():
        pieces = [part[c] for part in parts]
        if all(isinstance(x, pa.Array) for x in pieces):
            arr = pa.chunked_array(pieces, type=_ARROW[dtype])
            if dtype == "date":
                arr = arr.cast(pa.timestamp("us"))
            data[c] = arr.to_pandas(types_mapper=_PANDAS)
        else:
            values = [v for x in pieces for v in (x.to_pylist() if isinstance(x, pa.Array) else x)]
            data[c] = typed_frame(table, {c: values})[c]
    return pd.DataFrame(data)


@dataclass
class IngestResult:
    tables: dict[str, pd.DataFrame]
    files: int
    units_missing: list[str]
    root: Path

    def summary(self) -> str:
        """The one-screen summary printed by the CLI."""
        t = self.tables
        lines = [f"netmedia ingest: {self.root}", f"  files read: {self.files}"]
        subs = t["submissions"]
        lines.append(f"  sheets/files reported: {len(subs)} ({(subs['status'] == 'ok').sum()} ok, "
                     f"{(subs['status'] == 'rejected').sum()} rejected, {(subs['status'] == 'skipped').sum()} skipped, "
                     f"{(subs['status'] == 'hidden').sum()} hidden)")
        for name in ("platforms", "personal_accounts", "units", "staff"):
            lines.append(f"  {name}: {len(t[name])} clean rows")
        rej = t["rejects"]
        lines.append(f"  rejects: {len(rej)}")
        reasons = rej["reason"].fillna("").str.replace(r"\s*\(header found:.*", " (...)", regex=True)
        reasons = reasons.str.replace(r":.*", "", regex=True)
        for reason, n in reasons.value_counts().head(12).items():
            lines.append(f"    {n:6d}  {reason}")
        if self.units_missing:
            shown = "、".join(self.units_missing[:10]) + (" …" if len(self.units_missing) > 10 else "")
            lines.append(f"  units with no submission: {len(self.units_missing)}: {shown}")
        else:
            lines.append("  units with no submission: 0")
        return "\n".join(lines)


def ingest(raw_dir: str | Path, out_dir: str | Path | None = None, config: Config | None = None, *,
           workers: int | None = None, progress: bool | None = None,
           on_file: Callable[[Path], None] | None = None) -> IngestResult:
    """Ingest every workbook under ``raw_dir`` (rosters in ``raw_dir/reference``); write tables when ``out_dir``."""
    root = Path(raw_dir).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"input folder not found: {raw_dir}")
    config = config or load_config()
    ref = root / "reference"
    units = read_roster(ref / "units.xlsx", "units", config)
    matcher = UnitMatcher(units, config.thresholds.unit_match_score)
    ctx = Context(config, matcher, dict(zip(units["unit"], units["kind"], strict=True)))
    files = sources.candidate_files(root)
    workers = workers if workers is not None else (min(os.cpu_count() or 1, 4) if len(files) >= 40 else 1)
    bar = _progress_bar(len(files), progress)
    if workers > 1:
        _warm_for_workers()  # once here rather than once per worker
    with ExitStack() as stack:
        pool = stack.enter_context(ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(ctx, root))
                                   ) if workers > 1 else None
        chunks, staff = _read_returns(files, ctx, root, pool, workers, bar, on_file, ref, config, out_dir)
        if pool is not None:
            pool.shutdown(wait=False)  # the workers exit (and free their memory) while the tables are written
        bar.close()
        res = _result(chunks, units, staff, len(files), root)
        if out_dir is not None:
            write_tables(res.tables, out_dir)
    return res


class _NoBar:
    """What the ingest calls on a progress bar, doing nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, progress: bool | None) -> object:
    """tqdm's bar, shown when ``progress`` says so (None: when stderr is a terminal, as tqdm decides); when it would
    not be shown, a stand-in, so that tqdm is not imported (~15 ms of the parent's time before the workers start)."""
    err = sys.stderr
    if progress is False or (progress is None and hasattr(err, "isatty") and not err.isatty()):
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="ingest", unit="file", disable=(None if progress is None else not progress),
                leave=False)


def _read_returns(files: list[Path], ctx: Context, root: Path, pool: ProcessPoolExecutor | None, workers: int,
                  bar, on_file: Callable[[Path], None] | None, ref: Path, config: Config,
                  out_dir: str | Path | None) -> tuple[list[ChunkResult], pd.DataFrame]:
    """Every return read (by the pool's workers, or here when there is no pool), in file order; the staff
    roster read meanwhile."""
    chunks: list[ChunkResult] = []
    if pool is not None:
        results = pool.map(_ingest_chunk, _runs(files, workers))
        staff = _prepare_outputs(ref, config, out_dir)  # while the workers read the returns
        for chunk in results:
            chunks.append(chunk)
            bar.update(chunk.files)
        return chunks, staff
    _init_worker(ctx, root)
    staff = _prepare_outputs(ref, config, out_dir)
    result = FileResult()
    for f in files:
        _ingest_path(f, result)
        if on_file:
            on_file(f)
        bar.update()
    chunks.append(_chunk_result(result, len(files)))
    return chunks, staff


def _result(chunks: list[ChunkResult], units: pd.DataFrame, staff: pd.DataFrame, files: int,
            root: Path) -> IngestResult:
    frames = {
        "platforms": frame_from_parts("platforms", [c.tables["platforms"] for c in chunks]),
        "personal_accounts": frame_from_parts("personal_accounts", [c.tables["personal_accounts"] for c in chunks]),
        "submissions": frame_from_parts("submissions", [c.tables["submissions"] for c in chunks]),
        "rejects": frame_from_parts("rejects", [c.tables["rejects"] for c in chunks]),
        "units": units,
        "staff": staff,
    }
    submitted = set(frames["submissions"].loc[frames["submissions"]["annex"].notna(), "unit"].dropna())
    missing = [u for u in units["unit"] if u not in submitted]
    return IngestResult(frames, files, missing, root)


def _prepare_outputs(ref: Path, config: Config, out_dir: str | Path | None) -> pd.DataFrame:
    """Parent-side work that needs no returns: the staff roster (only the checks use it) and, when tables are
    to be written, importing the workbook writer and the Parquet writer (pyarrow.parquet brings pyarrow's file
    systems and ssl: ~25 ms that would otherwise be spent after the workers are done)."""
    staff = read_roster(ref / "staff.xlsx", "staff", config)
    if out_dir is not None:
        import pandas.io.parquet  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        import netmedia.report.xlsx  # noqa: F401
    return staff


def write_tables(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """``<table>.parquet`` per table plus ``clean_tables.xlsx`` (Chinese headers) for eyeballing."""
    from netmedia.report.xlsx import SheetSpec, write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def parquet() -> None:
        for name, df in frames.items():
            df.to_parquet(out / f"{name}.parquet", index=False)

    # pyarrow encodes and compresses the Parquet files without the GIL: in a thread they cost next to nothing
    # beside the workbook, which is mostly Python.
    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(parquet)
        write_workbook(out / "clean_tables.xlsx", {
            name: SheetSpec(df, headers={c: f"{zh}\n{c}" for c, zh in schema.zh_headers(name).items()})
            for name, df in frames.items()
        })
        done.result()
    return out

