"""One sheet of a return into clean records, rejects and its submissions row; the rosters into their tables.

The table reader (:mod:`netmedia.extract.tables`) has found the header and labelled every non-empty row;
:mod:`netmedia.transform.annex` has said which annex the sheet is. This module turns each data row into a record of
the schema's columns (values through :mod:`netmedia.transform.normalize`) and gives every other non-empty row a
reason, so that ``rows_read == rows_clean + rows_rejected`` for every sheet. A sheet's records are made column by
column (each field's normaliser over its column, :func:`record_columns`) and handed on as plain dicts, one per row:
the caller makes typed frames of them.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import repeat
from pathlib import Path

from netmedia import schema
from netmedia.config import Config
from netmedia.extract import tables
from netmedia.extract.stamp import located_layout
from netmedia.transform import annex, detectors, normalize, platform_urls, roles, row_units
from netmedia.transform.normalize import (
    account_id,
    coded,
    count,
    date,
    group_platform,
    holder_role,
    is_blank,
    owner_kind,
    person,
    phone,
    status,
    text,
    type_category,
)
from netmedia.transform.units import UnitMatcher

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
EMPTY_ROW = "empty row (no platform fields)"
NO_UNIT = "unit not found in file name, mail subject, 填报单位 cell or sheet name"
EMPTY_SHEET = "empty sheet"  # netmedia.extract.tables' message for a sheet without a non-empty cell
SHEET_FAILED = "sheet failed"  # the reason of every row of a sheet whose processing raised (a bug, logged)
_UNIT_CELL = re.compile(r"(?:填报单位|报送单位|单位名称|申报单位|单位)\s*(?:\(盖章\)|（盖章）)?\s*[:：]\s*(?P<u>[^\s:：|]{2,40})")


@dataclass
class Context:
    """What reading a return needs besides the return: the config, the roster and how strict to be.

    ``strict``: a sheet (or workbook) whose processing raises stops the run instead of becoming rejects.
    ``reader``: the workbook reader (:func:`netmedia.extract.tables.read_tables` or one with its signature).
    ``staff_names``: the staff roster's names (empty without one), which tell a column of persons by its values.
    """

    config: Config
    matcher: UnitMatcher
    roster_kind: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    reader: Callable[..., list[tables.SheetTable]] = tables.read_tables
    staff_names: frozenset[str] = frozenset()

    @cached_property
    def lookups(self) -> detectors.Lookups:
        """What the column-role detectors may consult: the units roster (when there is one) and the staff names;
        one per context, so the roles of the cells it has seen are remembered for the next sheets."""
        if self.matcher.empty:
            return detectors.Lookups(staff_names=self.staff_names)
        return detectors.Lookups(unit=self.matcher.match, staff_names=self.staff_names)


@dataclass
class Rows:
    """What a sheet, a workbook or a run of workbooks contributes: one dict per row of each table, plus the
    tracebacks of the sheets that failed (non-strict runs only)."""

    platforms: list[dict] = field(default_factory=list)
    personal_accounts: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    replies: list[dict] = field(default_factory=list)  # replies in returned rectification lists (transform.replies)

    def add(self, other: Rows) -> None:
        for name in ("platforms", "personal_accounts", "groups", "rejects", "submissions", "errors", "replies"):
            getattr(self, name).extend(getattr(other, name))

    def reject(self, source_file: str, sheet: str | None, row: int | None, reason: str, raw: str | None) -> None:
        self.rejects.append({"source_file": source_file, "source_sheet": sheet, "source_row": row, "reason": reason,
                             "raw": raw})


def submission(source_file: str, sheet: str | None, **values: object) -> dict:
    """A submissions row: one per sheet read (or per file refused or skipped as a whole)."""
    row: dict[str, object] = dict.fromkeys(schema.column_names("submissions"))
    row.update(source_file=source_file, source_sheet=sheet, rows_read=0, rows_clean=0, rows_rejected=0)
    row.update(values)
    return row


def rejected_file(source_file: str, reason: str) -> Rows:
    """A file refused as a whole: one reject without a sheet or row, and its submissions row."""
    out = Rows()
    out.reject(source_file, None, None, reason, None)
    out.submissions.append(submission(source_file, None, status="rejected", message=reason))
    return out


def failed_sheet(source_file: str, st: tables.SheetTable, error: BaseException) -> Rows:
    """A sheet whose processing raised: all its rows rejected with the error, and its traceback kept for the log."""
    reason = f"{SHEET_FAILED}: {type(error).__name__}: {error}"
    out = Rows()
    rl = st.row_lists
    for r, raw in zip(rl.source_row, rl.text, strict=True):
        out.reject(source_file, st.source_sheet, r, reason, raw)
    out.submissions.append(submission(source_file, st.source_sheet, status="rejected", message=reason,
                                      rows_read=st.n_read, rows_rejected=st.n_read))
    out.errors.append(f"{source_file} [{st.source_sheet}]\n{''.join(traceback.format_exception(error))}")
    return out


# ------------------------------------------------------------------ what the rows say about the return
def _texts(rows: tables.RowLists, kinds: tuple[str, ...], negate: bool = False) -> list[str]:
    """Texts of the rows whose kind is (or, with ``negate``, is not) in ``kinds``."""
    return [t for k, t in zip(rows.kind, rows.text, strict=True) if (k in kinds) != negate]


def unit_named_in(rows: tables.RowLists) -> str | None:
    """The unit a 填报单位：… line above or below the table names (as typed), if any."""
    for line in _texts(rows, ("title", "footer", "unrecognised")):
        m = _UNIT_CELL.search(text(line) or "")
        if m:
            return m["u"]
    return None


def form_date(rows: tables.RowLists) -> dt.date | None:
    """The date a 填表日期 / 填报时间 line outside the table gives, if any."""
    for line in _texts(rows, ("data",), negate=True):
        if "期" in line or "间" in line:  # the only lines normalize.form_date finds a date in
            d = normalize.form_date(line)
            if d:
                return d
    return None


# ------------------------------------------------------------------ one sheet
@dataclass
class SheetSource:
    """Where a sheet comes from and what its workbook already told: the unit, the received time, the header
    the generic reader finds (asked only when the sheet is no annex), the stamp's label of a workbook netmedia
    sent out."""

    source_file: str
    file_unit: str | None
    received_at: dt.datetime | None
    generic_header: Callable[[str], list[str]]
    template: str | None = None


def sheet_rows(st: tables.SheetTable, where: SheetSource, ctx: Context) -> Rows:
    """Turn one sheet into records, rejects and its submissions row."""
    sf, sh = where.source_file, st.source_sheet
    rows = st.row_lists
    out = Rows()
    if st.n_read == 0 and st.message in ("", EMPTY_SHEET):
        return out  # an empty sheet holds nothing to account for
    sub = submission(sf, sh, rows_read=st.n_read, received_at=where.received_at, template=where.template)
    out.submissions.append(sub)
    if st.message == tables.TEMPLATE_ASIDE:  # netmedia's own stamp, instructions or lists: no return data
        sub.update(status="skipped", message=st.message, unit=where.file_unit)
        return out

    def reject_all(reason: str, status_: str) -> Rows:
        if st.n_read == 0:
            out.reject(sf, sh, None, reason, None)
        for r, raw in zip(rows.source_row, rows.text, strict=True):
            out.reject(sf, sh, r, reason, raw)
        sub.update(rows_rejected=st.n_read, status=status_, message=reason, unit=where.file_unit)
        return out

    if st.message and st.n_read == 0:
        return reject_all(st.message, "rejected")
    if st.hidden:
        return reject_all("hidden sheet", "hidden")
    if st.layout is not None:
        annex_no, smap = _layout_columns(st)
    else:
        annex_no, smap = _columns(st, ctx) if st.header_row else (None, None)
    if smap is not None:
        sub["column_map"] = smap.to_json(st.header_row)
    if annex_no is None or smap is None:
        header = st.header if st.header_row else where.generic_header(sh)
        found = " | ".join(h for h in header if h) or "none"
        return reject_all(f"not an Annex 2/3/4 table (header found: {found})", "rejected")

    table = annex.ANNEX_TABLE[annex_no]
    cmap, scale, account_label = smap.cmap, smap.scale(st.data_lists.columns), roles.account_label(smap)
    unit = where.file_unit or ctx.matcher.match(unit_named_in(rows)) or ctx.matcher.find_in(sh)
    if unit is None and ctx.matcher.empty:
        unit = unit_named_in(rows)
    sub.update(annex=annex_no, unit=unit)

    kept = getattr(out, table)
    dl = st.data_lists
    reasons = dict.fromkeys(dl.source_row, EMPTY_ROW)  # why a data row is no record (asked of those only)
    raw = {c: dl.columns[j] for j, c in cmap.items()}  # field -> its raw cells, one per data row
    for j, u in scale.items():
        raw[cmap[j]] = [roles.scaled(v, u) for v in raw[cmap[j]]]
    unit_cells = next((dl.columns[j] for j, c in cmap.items() if c == "unit"), ())
    consolidated = row_units.is_consolidated(unit_cells, ctx.matcher)
    if consolidated:  # many units in one sheet: a unit the file name gave is not the sheet's
        sub.update(unit=None)
    content = [raw[c] for c in annex.CONTENT_COLUMNS[table] if c in raw]  # a row blank in all: no record
    keep = [i for i, cells in enumerate(zip(*content, strict=True)) if not all(map(is_blank, cells))]
    if len(keep) < len(dl.source_row):
        raw = {c: [cells[i] for i in keep] for c, cells in raw.items()}
    n = len(keep)
    units = row_units.units_of(raw, n, unit, consolidated, ctx.matcher)  # None: kept, R-unit's row
    if table == "groups":
        columns = group_columns(raw, units)
    else:
        hint_of = {s: _hint(s, sh, account_label) for s in set(dl.section)}
        hints = [hint_of[dl.section[i]] for i in keep]
        columns = record_columns(table, raw, units, [ctx.roster_kind.get(u) for u in units], hints,
                                 ctx.config.institution.domains)
    columns.update(source_file=[sf] * n, source_sheet=[sh] * n, source_row=[dl.source_row[i] for i in keep])
    kept.extend(dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True))

    clean = {rec["source_row"] for rec in kept}
    for r, kind, line in zip(rows.source_row, rows.kind, rows.text, strict=True):
        if r not in clean:
            reason = reasons.get(r, "unparseable data row") if kind == "data" else KIND_REASON.get(kind, f"{kind} row")
            out.reject(sf, sh, r, reason, line)
    sub.update(rows_clean=len(clean), rows_rejected=st.n_read - len(clean),
               status="ok" if clean or unit is not None else "rejected",
               message="; ".join([NO_UNIT] * (unit is None) + smap.conflicts))
    return out


def _hint(section: str | None, sheet: str, account_label: str) -> str:
    """What the sheet says of a row's platform (brief decision 4): its section label, else the sheet name, and the
    account column's label (微信号, 抖音号)."""
    return " ".join(x for x in (text(section) or sheet, account_label) if x)


def _columns(st: tables.SheetTable, ctx: Context) -> tuple[str | None, roles.SheetMap]:
    """Which annex a sheet with a header is, and its columns (:func:`netmedia.transform.roles.decide`): header
    labels and values combined, the sheet name / section labels / account label as the platform-type hint."""
    rows, dl = st.row_lists, st.data_lists
    hint_text = " ".join(_texts(rows, ("title",))) + " " + st.source_sheet
    sections = set(dl.section)
    by_section = bool(sections) and None not in sections and all(roles.hint_names_type(x) for x in sections)
    return roles.decide(st.header_parts, st.header, dl.columns, hint_text, st.source_sheet, ctx.lookups,
                        by_section)


def _layout_columns(st: tables.SheetTable) -> tuple[str | None, roles.SheetMap | None]:
    """The annex and columns of a stamped sheet as its stamp lays them out (basis ``stamp``): the header is not
    guessed. Its labels are checked against the stamp's (:func:`netmedia.extract.stamp.located_layout`): a unit
    retyping one label changes nothing, a column inserted, deleted or moved is followed by its label, and a field
    whose label is gone is absent, never guessed."""
    lay = located_layout(st.layout, st.header) if st.layout is not None else None
    annex_of = {t: a for a, t in annex.ANNEX_TABLE.items()}
    if lay is None or lay.table not in annex_of:
        return None, None
    cols = [roles.Column(j, st.header[j] if j < len(st.header) else "", f, basis="stamp", score=1.0)
            for j, f in enumerate(lay.columns)]
    return annex_of[lay.table], roles.SheetMap(lay.table, cols, ok=True)


def _normalised(raw: Mapping[str, Sequence[object]], n: int) -> Callable[[str, Callable], list]:
    """``column(field, normaliser)``: the normaliser applied to each of the field's ``n`` raw cells in ``raw``
    (a sheet without the field: to a blank cell, for every row)."""
    def column(name: str, normaliser: Callable[[object], object]) -> list:
        cells = raw.get(name)
        return list(map(normaliser, cells)) if cells is not None else [normaliser(None)] * n
    return column


def record_columns(table: str, raw: Mapping[str, Sequence[object]], units: list[str | None],
                   unit_kinds: list[str | None], hints: list[str], domains: tuple[str, ...]) -> dict[str, list]:
    """The clean records of the data rows of a ``platforms`` or ``personal_accounts`` sheet, as columns (field ->
    one value per row): ``raw`` gives each field's raw cells (a field the sheet lacks is blank), ``units`` each
    row's unit. Each field's normaliser runs over its column at once; only what depends on other fields of the
    row (the url/account swap, the category, the class, the owner's kind) is decided row by row.

    ``hints`` (the text the sheet gives: section label, else sheet name, and the account column's label)
    stand for the platform type when neither the typed type nor the address names one; ``unit_kinds`` (the
    roster's 单位类别) tell student organisations. An account cell holding an address moves to ``url`` when
    the url cell is blank.
    """
    n = len(units)
    column = _normalised(raw, n)
    type_raw, name, url, acc = (column("platform_type_raw", text), column("platform_name", text), column("url", text),
                                column("account_id", account_id))
    for i, (u, a) in enumerate(zip(url, acc, strict=True)):
        if u is None and platform_urls.looks_like_url(a):
            url[i], acc[i] = a, None
    decided = list(map(platform_category, type_raw, url, acc, hints, repeat(domains)))
    category = [c for c, _ in decided]
    out = {
        "unit": units,
        "platform_type_raw": type_raw,
        "platform_name": name,
        "account_id": acc,
        "url": url,
        "followers": column("followers", count),
        "last_updated_on": column("last_updated_on", date),
        "remarks": column("remarks", text),
        "category": category,
        "category_source": [s for _, s in decided],
        "record_id": column("record_id", text),
        "round_status": column("round_status", partial(coded, "round_status")),
    }
    if table == "platforms":
        status_raw = column("status", text)
        out.update(
            owner_kind=list(map(owner_kind, raw.get("owner_kind", [None] * n), name, unit_kinds)),
            platform_class=list(map(platform_class, category, url, repeat(domains))),
            supervisor=column("supervisor", person),
            supervisor_title=column("supervisor_title", text),
            operator=column("operator", person),
            operator_phone=column("operator_phone", phone),
            opened_on=column("opened_on", date),
            status=list(map(status, status_raw)),
            status_raw=status_raw,
        )
    else:
        out.update(holder_name=column("holder_name", person), holder_role=column("holder_role", holder_role),
                   phone=column("phone", phone))
    return out


def group_columns(raw: Mapping[str, Sequence[object]], units: list[str | None]) -> dict[str, list]:
    """The clean records of the data rows of an Annex 4 (groups) sheet, as columns (field -> one value per row;
    ``raw`` gives each field's raw cells, ``units`` each row's unit): the typed platform kept beside its code, the
    kind and still-needed answers as their codes."""
    column = _normalised(raw, len(units))
    platform_raw = column("group_platform_raw", text)
    return {
        "unit": units,
        "group_name": column("group_name", text),
        "group_platform_raw": platform_raw,
        "group_platform": list(map(group_platform, platform_raw)),
        "purpose": column("purpose", text),
        "group_kind": column("group_kind", partial(coded, "group_kind")),
        "owner": column("owner", person),
        "owner_role": column("owner_role", holder_role),
        "member_count": column("member_count", count),
        "created_on": column("created_on", date),
        "end_on": column("end_on", date),
        "still_needed": column("still_needed", partial(coded, "still_needed")),
        "remarks": column("remarks", text),
        "record_id": column("record_id", text),
        "round_status": column("round_status", partial(coded, "round_status")),
    }


def platform_category(type_raw: str | None, url: str | None, acc: str | None, hint: str | None,
                      domains: tuple[str, ...]) -> tuple[str, str]:
    """(category, what decided it): the typed type when it names a category (``type``), else the address
    (``url``: a platform's host, or any other address = a website; ``account_id``: an id of a known shape),
    else the sheet's hint (``hint``), else ``other`` (``none``). A website is placed campus/external by the
    row's address against ``domains``. A typed type its address contradicts keeps the typed category:
    R-category flags it."""
    typed = type_category(type_raw) if type_raw else "other"
    if typed != "other":
        return _placed(typed, url, acc, domains), "type"
    found = platform_urls.evidence(url, acc)
    if found is not None:
        return found.category, found.source
    site = platform_urls.row_url(url, acc)
    if site is not None:
        return normalize.website_category(site, domains), "url"
    hinted = type_category(hint) if hint else "other"
    if hinted != "other":
        return _placed(hinted, None, None, domains), "hint"
    return "other", "none"


#: The categories whose class is their address's (class 1 on the school's domains, 2 elsewhere).
WEBSITE_CATEGORIES = ("website_campus", "website_external")


def platform_class(category: str, url: str | None, domains: tuple[str, ...]) -> int | None:
    """The notice's class of a row: its category's, except that a website's is its address's: class 1 when the
    URL's host is on ``domains``, else 2 (issue 13: the class comes from the host). A website typed 校外网站 on
    the school's domain is class 1 and keeps its typed category; R-category flags the contradiction."""
    if category in WEBSITE_CATEGORIES and normalize.url_host(url) is not None:
        return schema.class_of(normalize.website_category(url, domains))
    return schema.class_of(category)


def _placed(category: str, url: str | None, acc: str | None, domains: tuple[str, ...]) -> str:
    """A plain website placed by the row's address's host (no address: campus); any other category as it is."""
    if category != "website":
        return category
    return normalize.website_category(platform_urls.row_url(url, acc), domains)


# ------------------------------------------------------------------ rosters
ROSTER_PERSONS = ("party_head", "admin_head", "name")


def roster_rows(path: Path, table: str, config: Config) -> list[dict]:
    """A roster (units.xlsx / staff.xlsx) as one dict per non-empty row, read with the returns' header tolerance.

    Sheets without a header naming the unit or the person are skipped; a missing roster gives no rows.
    """
    if not path.exists():
        return []
    names = schema.column_names(table)

    def scorer(cells: list[str]) -> float:
        return annex.header_score(cells, (table,))

    out: list[dict] = []
    for st in tables.read_tables(path, name=path.name, header_scorer=scorer, limits=config.limits):
        if st.hidden or st.header_row is None:
            continue
        cmap = annex.map_columns(table, st.header_parts)
        if "unit" not in cmap.values() and "name" not in cmap.values():
            continue
        dl = st.data_lists
        for i in range(len(dl.source_row)):
            cells = {c: dl.columns[j][i] for j, c in cmap.items()}
            rec = {c: (person if c in ROSTER_PERSONS else text)(cells.get(c)) for c in names}
            if rec.get("staff_id"):
                rec["staff_id"] = account_id(cells["staff_id"])  # 20080123.0 typed as a number: its digits
            if any(rec.values()):
                out.append(rec)
    return out
