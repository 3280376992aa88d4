"""The unit of one data row: what a consolidated registry needs besides a unit's own return.

A unit's own return names its unit once (file name, mail subject, 填报单位 cell, sheet name) and every row is
that unit's. A registry the department already keeps (one sheet per platform, many units in one file) names
the unit per row, in a unit column, or only inside the account's name or description (昵称
华北水利水电大学水利学院团委, 认证信息 华北水利水电大学土木与交通学院官方微博). A row whose unit cannot be found
is kept with no unit (rule R-unit, 单位未知), never rejected and never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from netmedia.transform.normalize import is_blank, text
from netmedia.transform.units import UnitMatcher

#: Columns whose text may name the account's unit, in the order they are asked: the account's name
#: (昵称, 账号名称), then its description (认证信息, 简介, 备注: schema.toml's synonyms of ``remarks``).
NAMING_COLUMNS = ("platform_name", "remarks")


def is_consolidated(unit_cells: Iterable[object], matcher: UnitMatcher) -> bool:
    """A sheet whose unit column names two or more different roster units is a consolidated registry: each
    row's own unit then wins over the unit found for the whole file (its name, its 填报单位 cell)."""
    seen: set[str] = set()
    for cell in {c for c in unit_cells if isinstance(c, str)}:
        unit = matcher.match(cell)
        if unit is not None:
            seen.add(unit)
            if len(seen) > 1:
                return True
    return False


def row_unit(cells: Mapping[str, object], sheet_unit: str | None, consolidated: bool,
             matcher: UnitMatcher) -> str | None:
    """The roster unit of one data row (``cells``: column -> raw cell), or None when nothing names one.

    In order: the sheet's unit, unless the sheet is consolidated (there the file's unit says nothing about a
    row); the row's unit cell when it names a roster unit; with no roster at all, the unit cell as typed; a roster unit named in the account's name or
    description (:meth:`UnitMatcher.named_in`)."""
    if sheet_unit is not None and not consolidated:
        return sheet_unit
    cell = cells.get("unit")
    own = None if is_blank(cell) else matcher.match(cell)
    if own is not None:
        return own
    if matcher.empty:
        return text(cell)
    for column in NAMING_COLUMNS:
        found = matcher.named_in(cells.get(column))
        if found is not None:
            return found
    return None


def units_of(raw: Mapping[str, Sequence[object]], n: int, sheet_unit: str | None, consolidated: bool,
             matcher: UnitMatcher) -> list[str | None]:
    """:func:`row_unit` of each of a sheet's ``n`` data rows (``raw``: column -> its raw cells, one per row): the
    sheet's unit for every row when it has one and is no consolidated registry, else asked row by row."""
    if sheet_unit is not None and not consolidated:
        return [sheet_unit] * n
    asked = {c: raw[c] for c in ("unit", *NAMING_COLUMNS) if c in raw}  # the cells row_unit reads
    return [row_unit({c: cells[i] for c, cells in asked.items()}, sheet_unit, consolidated, matcher)
            for i in range(n)]
