"""Which annex a sheet is, and which column each of its header cells names.

The header search scores candidate rows with :func:`header_score` (the schema's synonyms, ``data/schema.toml``).
Once the header is found, :mod:`netmedia.transform.roles` maps each column by its label (:func:`header_match`)
and its values, and this module says whether a map :func:`fits` an annex and how two fitting annexes
:func:`rank`; :func:`choose_annex` is the same decision from the labels alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from netmedia import schema

ANNEX_TABLE = {"2": "platforms", "3": "personal_accounts", "4": "groups"}
# Columns whose content makes a row a record; a data row with none of them
# (e.g. a template row holding only its 序号) is rejected as empty.
CONTENT_COLUMNS = {
    "platforms": ("platform_name", "account_id", "url", "platform_type_raw", "supervisor", "operator", "operator_phone"),
    "personal_accounts": ("holder_name", "platform_name", "account_id", "url", "platform_type_raw", "phone"),
    "groups": ("group_name", "group_platform_raw", "purpose", "owner", "member_count"),
}
# The column naming a record: a sheet without it is no annex table.
NAME_COLUMN = {"platforms": "platform_name", "personal_accounts": "platform_name", "groups": "group_name"}
# A sheet is an annex table only if it has one of these besides a name (a group: its platform, size or kind).
IDENTIFYING = {"platform_type_raw", "account_id", "url", "group_platform_raw", "member_count", "group_kind"}
# Columns that tell one annex from another when a header could be either.
DISTINCTIVE = {
    "platforms": ("supervisor", "operator", "supervisor_title", "status", "opened_on", "owner_kind"),
    "personal_accounts": ("holder_name", "holder_role"),
    "groups": ("group_kind", "member_count", "owner", "purpose", "end_on", "still_needed"),
}
# A label names its column plainly (enough to make a sheet an annex) at this header_match strength: a synonym, or
# one of 3+ characters inside it. Two-character synonyms inside a longer label (类别 in 项目类别) are too weak.
PLAIN = 0.8
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


@schema.vocabulary_cache
@lru_cache(maxsize=65536)
def header_match(table: str, parts: tuple[str, ...]) -> tuple[str | None, float]:
    """The column one header cell names in ``table`` and how plainly: 1.0 a synonym exactly, 0.8 a synonym of
    3+ characters inside the label, 0.5 only a 2-character one inside it (用户类型, 所属部门: weak, the values may
    overrule it); (None, 0.0) for a label naming nothing."""
    parts = tuple(p for p in parts if p)
    col = column_of(table, parts) if parts else None
    if col is None:
        return None, 0.0
    labels = [*parts, "".join(parts)]
    if any(_exact(table, x) == col for x in labels):
        return col, 1.0
    key = schema.norm_header(labels[-1])
    if len(parts) > 1:  # under a merged parent: the child's own words, else the parent's (weak: it spans several)
        child = schema.match_header(table, parts[-1])
        if child is None:
            return col, 0.5
        col, key = child, schema.norm_header(parts[-1])
    longest = max((len(s) for s, c in schema.header_synonyms(table).items() if c == col and s in key), default=0)
    return col, 0.8 if longest >= 3 else 0.5


def fits(table: str, cmap: dict[int, str], plain: set[str], hint_type: bool = False) -> bool:
    """Whether a column map is an annex table of ``table``.

    It names the platform (a group: the group), says plainly what kind of platform it is or where it lives
    (``plain``: the identifying columns named by a plain label or clearly shown by their values; ``hint_type``:
    the sheet name or the account column's label names the platform type, as on a registry's 微信 sheet), and
    has two fields besides the name (the hint's type counts as one on a platform sheet). Annex 3 also names the
    account's holder.
    """
    cols = set(cmap.values())
    name = NAME_COLUMN[table]
    content = cols & set(CONTENT_COLUMNS[table]) - {name}
    hint_type = hint_type and "platform_type_raw" in CONTENT_COLUMNS[table]
    if hint_type:
        content.add("platform_type_raw")
    holder = table != "personal_accounts" or "holder_name" in cols
    return name in cols and bool(plain & IDENTIFYING or hint_type) and len(content) >= 2 and holder


def rank(annex: str, cmap: dict[int, str], ok: bool, hint3: bool) -> tuple[bool, int, int, bool]:
    """Sort key between the two annexes' maps of one sheet: fitting first, then more distinctive columns, more
    columns, and the hint (附件3 / 师生 / 个人 in the title rows or sheet name says Annex 3; its absence says
    nothing). A full tie goes to Annex 2."""
    cols = set(cmap.values())
    return ok, len(cols & set(DISTINCTIVE[ANNEX_TABLE[annex]])), len(cols), annex == "3" and hint3


def hint3(hint_text: str) -> bool:
    """Whether a sheet's title rows or name say Annex 3."""
    return bool(_HINT3.search(hint_text))


def choose_annex(header_parts: list[tuple[str, ...]], hint_text: str = "") -> tuple[str | None, dict[int, str]]:
    """Which annex a header belongs to ('2', '3', '4' or None) and its column map (empty for None), from the labels
    alone (:mod:`netmedia.transform.roles` adds the values and the sheet's hint).

    When both annexes fit, the one with more of its distinctive columns wins, then the one with more columns,
    then the hint (附件3 / 师生 / 个人 in the title rows or sheet name).
    """
    annex, cmap = _choose_annex(tuple(map(tuple, header_parts)), hint3(hint_text))
    return annex, dict(cmap)


@schema.vocabulary_cache
@lru_cache(maxsize=4096)
def _choose_annex(header_parts: tuple[tuple[str, ...], ...], hint3: bool) -> tuple[str | None, dict[int, str]]:
    """:func:`choose_annex`, remembered: units fill in a few templates, so the same headers come back."""
    scored = []
    for annex, table in ANNEX_TABLE.items():
        cmap = map_columns(table, header_parts)
        plain = {c for j, c in cmap.items() if c in IDENTIFYING and header_match(table, header_parts[j])[1] >= PLAIN}
        ok = fits(table, cmap, plain)
        scored.append(((*rank(annex, cmap, ok, hint3), annex == "2"), annex, cmap))
    scored.sort(key=lambda s: s[0], reverse=True)
    (ok, *_), annex, cmap = scored[0]
    return (annex, cmap) if ok else (None, {})
