"""Which annex a sheet is, and which column each of its header cells names.

A sheet is an Annex 2 (platforms) or Annex 3 (personal accounts) table only when its header says so through the
schema's synonyms (``data/schema.toml``): the header search scores candidate rows with :func:`header_score`,
and :func:`choose_annex` decides between the two annexes (or neither) once the header is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from netmedia import schema

ANNEX_TABLE = {"2": "platforms", "3": "personal_accounts"}
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
# Words in a sheet's title rows or name that mean Annex 3 when a header fits both annexes equally.
_HINT3 = re.compile(r"附件\s*3|师生|个人")


def header_score(cells: list[str], tables: Iterable[str] = ANNEX_TABLE.values()) -> float:
    """How much a row looks like the header of one of ``tables``: the share of its labels naming a column.

    The best table counts; fewer than two named columns score 0 (one word is no header). The reader calls this
    for up to 40 rows of every sheet, data rows included, and the same rows come back in every copy of a
    template: scores are remembered per row.
    """
    return _header_score(tuple(cells), tuple(tables))


@schema.vocabulary_cache
@lru_cache(maxsize=65536)
def _header_score(cells: tuple[str, ...], tables: tuple[str, ...]) -> float:
    labels = [c for c in cells if schema.norm_header(c)]
    best = max((len({schema.match_header(t, c) for c in labels} - {None}) for t in tables), default=0)
    return best / len(labels) if best >= 2 else 0.0


def map_columns(table: str, header_parts: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> dict[int, str]:
    """Column position -> canonical column. Two-row headers try 'parent child', then the child, then the parent.

    A column named twice keeps its first position.
    """
    out: dict[int, str] = {}
    for j, parts in enumerate(header_parts):
        parts = tuple(p for p in parts if p)
        col = column_of(table, parts) if parts else None
        if col and col not in out.values():
            out[j] = col
    return out


@schema.vocabulary_cache
@lru_cache(maxsize=65536)
def column_of(table: str, parts: tuple[str, ...]) -> str | None:
    """The column one header cell (its non-empty parts, parent first) names in ``table``, or None."""
    combined = "".join(parts)
    col = _exact(table, combined)
    if col is None and len(parts) > 1:
        col = _exact(table, parts[-1]) or _exact(table, parts[0])
    if col is None:
        col = schema.match_header(table, combined)
    return col


def _exact(table: str, label: str) -> str | None:
    return schema.header_synonyms(table).get(schema.norm_header(label))


def _names_plainly(table: str, parts: tuple[str, ...]) -> bool:
    """A header cell that names its column plainly: a synonym exactly, or one of 3+ characters inside it.

    Two-character synonyms found inside a longer label (类别 in 项目类别) are too weak to decide that a sheet is
    an annex on their own.
    """
    labels = [p for p in parts if p] + ["".join(p for p in parts if p)]
    if any(_exact(table, x) for x in labels):
        return True
    key = schema.norm_header(labels[-1])
    return any(len(syn) >= 3 and syn in key for syn in schema.header_synonyms(table))


def choose_annex(header_parts: list[tuple[str, ...]], hint_text: str = "") -> tuple[str | None, dict[int, str]]:
    """Which annex a header belongs to ('2', '3' or None) and its column map (empty for None).

    An annex header names the platform, says what kind of platform it is or where it lives (a plain name column
    alone is common: 学校名称, 项目名称), and names two platform fields besides the name. When both annexes fit,
    the one with more of its distinctive columns wins, then the one with more columns, then the hint
    (附件3 / 师生 / 个人 in the title rows or sheet name).
    """
    annex, cmap = _choose_annex(tuple(map(tuple, header_parts)), bool(_HINT3.search(hint_text)))
    return annex, dict(cmap)


@schema.vocabulary_cache
@lru_cache(maxsize=4096)
def _choose_annex(header_parts: tuple[tuple[str, ...], ...], hint3: bool) -> tuple[str | None, dict[int, str]]:
    """:func:`choose_annex`, remembered: units fill in a few templates, so the same headers come back."""
    scored = []
    for annex, table in ANNEX_TABLE.items():
        cmap = map_columns(table, header_parts)
        cols = set(cmap.values())
        plain = {c for j, c in cmap.items() if c in IDENTIFYING and _names_plainly(table, header_parts[j])}
        ok = ("platform_name" in cols and bool(plain)
              and len(cols & set(CONTENT_COLUMNS[table]) - {"platform_name"}) >= 2)
        distinct = len(cols & set(DISTINCTIVE[table]))
        scored.append((ok, distinct, len(cols), (annex == "3") == hint3, annex, cmap))
    scored.sort(key=lambda s: s[:4], reverse=True)
    ok, _, _, _, annex, cmap = scored[0]
    return (annex, cmap) if ok else (None, {})
