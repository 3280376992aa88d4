"""Which column of a sheet is which field: the header labels and the values under them, combined.

Units rename columns (媒体形式, 运维人员, 分管校领导, 最近发文日期…): a label the schema does not know says nothing,
but its values still do. Each *role* a column's values can show is one small detector (a predicate on one
non-blank cell, :mod:`netmedia.transform.detectors`); a column's role is the one most of its values show. Header and values then combine:

- a label that names a column plainly (a synonym, or a synonym of 3+ characters inside it) **wins**: values that
  clearly show another field are reported as a conflict (a Chinese sentence in the column map and in the
  submissions message), never silently followed;
- a *weak* label (only a 2-character synonym inside a longer label: 用户类型, 认证类型) gives way to values that
  clearly show another field (also reported); for a field whose values speak for themselves (types, phones,
  dates, URLs, counts, statuses, 教职工/学生) it also needs its values to confirm it: 用户类型 over 政务/媒体 is
  no platform type, and stays unmapped for the analyst to see;
- an unknown label takes the role its values show; the platform's name is the text column left over once every
  other field is placed.

The sheet itself can name the platform type: a 微信 / 微博 sheet, a 微信号 / 抖音号 column label (the *hint*:
section label or sheet name, plus the account column's label). Such a hint stands for the type column when the
annex is chosen (:mod:`netmedia.transform.annex`).

Values are looked at only where needed: at most :data:`VALUE_SAMPLE` per column; a label's own role is checked
first on a few (the other detectors run only when it fails, or for unknown labels); a sheet whose labels settle
its annex has only that annex mapped; each cell's role and each sheet's decision (per header, hint and values
sample) are remembered for the copies of a return that come back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice

from netmedia import schema
from netmedia.transform import annex, normalize
from netmedia.transform.detectors import CELL_DETECTORS, Lookups, is_account, is_number, is_row_number_label, is_text

#: At most this many non-blank values of a column are looked at.
VALUE_SAMPLE = 40
#: Values decide a column's role (unknown label) when at least this share of its values show that role.
VALUE_MIN_SHARE = 0.6
#: A label's own role is confirmed by its values ("both") at this share of its first AGREE_SAMPLE values (the
#: other detectors, which run only when it is not, look at all VALUE_SAMPLE).
AGREE_SHARE = 0.5
AGREE_SAMPLE = 6
#: Values contradict a label (a conflict) only when at least this share of them clearly show another field.
CLEAR_SHARE = 0.8
#: A follower count under a label giving its unit (粉丝量（万）) is read in that unit while its plain numbers
#: stay below this (a university's largest accounts have a few million followers).
LABEL_UNIT_BELOW = 1000
#: Header scores: a label equal to a synonym, one holding a synonym of 3+ characters, one holding a 2-character one.
SCORE_EXACT, SCORE_CONTAINS, SCORE_WEAK = 1.0, 0.8, 0.5

ROLE_ORDER = ("row_number", "phone", "date", "url", "count", "yes_no", "type", "status", "holder_role", "job_title",
              "unit", "person", "account", "text")
"""Every role, in the order that breaks ties between equal shares (the more specific first)."""
#: Roles whose values are unmistakable: only these can contradict a label.
CLEAR_ROLES = ("phone", "date", "url", "count", "type", "status", "holder_role")

#: Field (canonical column) -> the role its values should show; fields without one hold free text.
FIELD_ROLE = {
    "unit": "unit", "platform_type_raw": "type", "account_id": "account", "url": "url",
    "supervisor": "person", "operator": "person", "holder_name": "person", "operator_phone": "phone",
    "phone": "phone", "opened_on": "date", "last_updated_on": "date", "followers": "count", "status": "status",
    "holder_role": "holder_role", "platform_name": "text", "supervisor_title": "job_title", "owner_kind": "text",
    # Annex 4 (groups)
    "group_name": "text", "owner": "person", "owner_role": "holder_role", "member_count": "count",
    "created_on": "date", "end_on": "date", "still_needed": "yes_no",
}
#: Roles a field's values may show besides its own without contradicting the label: an account id may be a URL
#: (decision 3), a phone or digits; a platform is often named after its unit or its type; remarks hold anything.
COMPATIBLE = {
    "account_id": {"url", "phone", "count", "row_number"},
    "platform_name": {"type", "unit", "person", "account"},
    "remarks": set(CLEAR_ROLES),
    "supervisor_title": {"status", "text"},
    "owner_kind": {"type", "unit"},
    # a date typed as Excel's serial number (45123: a cell without date format) reads as a count, and is a date
    "opened_on": {"count"},
    "last_updated_on": {"count"},
    "created_on": {"count"},
    "end_on": {"count"},
    # a group is often named after its unit; its platform (微信群, QQ群) reads as a platform type
    "group_name": {"type", "unit", "person", "account"},
    "group_platform_raw": {"type", "text"},
    "purpose": set(CLEAR_ROLES),  # free text: 学生事务通知 holds 学生
}
#: Field -> the roles whose values confirm a plain label: its own first (most values show it, and the other
#: detectors are not asked about them), then the compatible ones.
ACCEPTED = {fld: (own, *sorted(COMPATIBLE.get(fld, ()), key=ROLE_ORDER.index)) for fld, own in FIELD_ROLE.items()}
#: Role -> the field it gives in each record table (person and date roles are placed by :func:`_place`).
ROLE_FIELD = {
    "platforms": {"type": "platform_type_raw", "url": "url", "account": "account_id", "phone": "operator_phone",
                  "count": "followers", "status": "status", "unit": "unit", "job_title": "supervisor_title"},
    "personal_accounts": {"type": "platform_type_raw", "url": "url", "account": "account_id", "phone": "phone",
                          "count": "followers", "holder_role": "holder_role", "unit": "unit",
                          "person": "holder_name"},
    "groups": {"count": "member_count", "holder_role": "owner_role", "unit": "unit", "person": "owner"},
}
#: What a platform's name may look like: any text, a person's or a unit's name, an id, a type word (水利之声,
#: 华水水利, 水利学院, hsxw1951, 水利学院抖音号).
NAME_ROLES = ("text", "person", "unit", "account", "type")
#: Chinese names of the roles, for the conflict sentences.
ROLE_ZH = {"yes_no": "是/否", "phone": "电话号码", "date": "日期", "url": "网址", "count": "数量", "type": "平台类型", "status": "运行状态",
           "holder_role": "身份（教职工/学生）", "job_title": "职务", "unit": "单位名称", "person": "人名", "account": "账号",
           "text": "文字", "row_number": "序号"}

#: A count column whose label gives its unit: 粉丝量（万）, 关注数(千人): plain numbers under it are in that unit.
_LABEL_UNIT = re.compile(r"[（(]\s*(?P<u>万|千|亿)\s*[人个]?\s*[)）]|单位\s*[:：]?\s*(?P<v>万|千|亿)")


def _is_row_number(values: list[object]) -> bool:
    """1, 2, 3… (序号): a column of consecutive integers from 1 or 0, two or more."""
    return len(values) >= 2 and all(is_number(v) and v == i + values[0] for i, v in enumerate(values)) \
        and values[0] in (0, 1)


def _role_shares(values: list[object], look: Lookups) -> dict[str, float]:
    """Role -> the share of ``values`` (non-blank) showing it; ``row_number`` for a 1, 2, 3… column."""
    if not values:
        return {}
    if _is_row_number(values):
        return {"row_number": 1.0}
    counts = Counter(map(look.role_of, values))
    return {role: n / len(values) for role, n in counts.items()}


def _best(got: dict[str, float], roles: Sequence[str] = ROLE_ORDER) -> tuple[str | None, float]:
    """The role of ``roles`` with the largest share (ties to the more specific, :data:`ROLE_ORDER`)."""
    candidates = [r for r in roles if got.get(r)]
    if not candidates:
        return None, 0.0
    role = max(candidates, key=lambda r: (got[r], -ROLE_ORDER.index(r)))
    return role, got[role]


class SheetValues:
    """A sheet's data columns as the detectors see them: each column's first :data:`VALUE_SAMPLE` non-blank
    values and the share of each role among them, computed once for both annexes' maps."""

    def __init__(self, columns: Sequence[Sequence[object]], look: Lookups) -> None:
        # the reader gives a blank cell as None; a column is sampled once, for every map and detector
        self.columns = [list(islice((v for v in column if v is not None), VALUE_SAMPLE)) for column in columns]
        self.look = look
        self._det: dict[str, Callable[[object], bool]] = {
            **dict(CELL_DETECTORS), "unit": look.is_unit, "person": look.is_person, "account": is_account,
            "text": is_text}
        self._shares: dict[int, dict[str, float]] = {}

    def values(self, j: int) -> list[object]:
        """Column ``j``'s first non-blank values."""
        return self.columns[j] if j < len(self.columns) else []

    def shares(self, j: int) -> dict[str, float]:
        if j not in self._shares:
            self._shares[j] = _role_shares(self.values(j), self.look)
        return self._shares[j]

    def share(self, j: int, roles: Iterable[str]) -> float:
        """The share of column ``j``'s values showing one of ``roles``."""
        got = self.shares(j)
        return sum(got.get(r, 0.0) for r in set(roles))

    def accepts(self, j: int, roles: Iterable[str]) -> float:
        """The share of column ``j``'s values that one of ``roles``' detectors accepts (whether or not a more
        specific role would claim them): a label's own check, run before (and mostly instead of) :meth:`shares`."""
        values = self.values(j)[:AGREE_SAMPLE]
        if not values:
            return 0.0
        dets = [self._det[r] for r in roles if r in self._det]
        n = 0
        for v in values:
            for det in dets:
                if det(v):
                    n += 1
                    break
        if "row_number" in roles and n < len(values) and _is_row_number(values):
            return 1.0
        return n / len(values)

    def best(self, j: int, roles: Sequence[str] = ROLE_ORDER) -> tuple[str | None, float]:
        """The role most of column ``j``'s values show among ``roles``, and its share."""
        return _best(self.shares(j), roles)


# ------------------------------------------------------------------ one sheet
@dataclass
class Column:
    """One sheet column as decided: its label, the field it gives in the chosen table, how and how sure."""

    j: int
    label: str
    field: str | None = None
    basis: str = "none"
    score: float = 0.0
    conflict: str | None = None
    role: str | None = None  # what the values show (None: not looked at)
    header: float = 0.0  # how plainly the label names ``field`` (:func:`netmedia.transform.annex.header_match`)


@dataclass
class SheetMap:
    """A sheet's columns as decided for one record table, and whether that table fits (:func:`annex.fits`)."""

    table: str
    columns: list[Column]
    hint_type: bool = False
    ok: bool = False
    conflicts: list[str] = field(default_factory=list)

    @property
    def cmap(self) -> dict[int, str]:
        """Sheet column -> field, as :func:`netmedia.transform.annex.map_columns` gives it."""
        return {c.j: c.field for c in self.columns if c.field}

    def scale(self, columns: Sequence[list[object]]) -> dict[int, str]:
        """Sheet column -> the unit (万/千/亿) its label gives to the plain numbers of a follower count.

        Only while every plain number under it is below :data:`LABEL_UNIT_BELOW`: 3329 under 粉丝数（万） would be
        33 million followers, so such a column was typed in plain numbers whatever its label says.
        """
        out = {}
        for c in self.columns:
            m = _LABEL_UNIT.search(c.label) if c.field == "followers" else None
            if m and c.j < len(columns):
                plain = [normalize.count(v) for v in columns[c.j] if _plain_number(v)]
                if all(n is not None and n < LABEL_UNIT_BELOW for n in plain):
                    out[c.j] = m["u"] or m["v"]
        return out

    @cached_property
    def entries(self) -> tuple[tuple[str, str, str | None, str, float, str | None], ...]:
        """The columns as the column map shows them (letter, label, field, basis, score, conflict), worked out
        once: the map of a return comes from :func:`decide`'s cache for every copy of it, and is not changed."""
        return tuple((col_letter(c.j), c.label, c.field, c.basis, round(c.score, 2), c.conflict)
                     for c in self.columns if c.label or c.field)

    def to_json(self, header_row: int | None) -> str:
        """The column map as stored in ``submissions.column_map`` (brief decision 5)."""
        return _column_map_json(self.entries, header_row)


@lru_cache(maxsize=4096)  # copies of one template give the same map: its JSON is written once
def _column_map_json(entries: tuple[tuple[str, str, str | None, str, float, str | None], ...],
                     header_row: int | None) -> str:
    return json.dumps([{"col": col, "row": header_row, "label": label, "column": field_, "basis": basis, "score": score,
                        "conflict": conflict} for col, label, field_, basis, score, conflict in entries],
                      ensure_ascii=False)


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _plain_number(v: object) -> bool:
    """A number, or text that is only a number (no unit of its own)."""
    return is_number(v) or (isinstance(v, str) and bool(_PLAIN_NUMBER.fullmatch(v.strip())))


def scaled(v: object, unit: str) -> object:
    """A follower count under a label giving its unit (粉丝量（万）): a plain number becomes ``1.2万`` for
    :func:`netmedia.transform.normalize.count`; a cell with its own unit (``3000人``, ``1.2万``) is left as typed."""
    if _plain_number(v):
        return f"{v.strip() if isinstance(v, str) else normalize.text(v)}{unit}"
    return v


def col_letter(j: int) -> str:
    """0-based column -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _conflict(label: str, fld: str, role: str, won: bool) -> str:
    said = ROLE_ZH.get(FIELD_ROLE.get(fld, ""), "文字") if fld else "文字"
    end = "按取值识别。" if won else "按表头识别，请核对。"
    return f"“{label}”列：表头表示{said}，但取值多为{ROLE_ZH[role]}；{end}"


def map_sheet(table: str, header_parts: Sequence[tuple[str, ...]], labels: Sequence[str],
              sv: SheetValues) -> SheetMap:
    """The columns of one sheet for ``table``: header first, values where the label is unknown, weak or
    contradicted.

    A labelled column's values are checked against the label's own role first (one detector); the other
    detectors run only when they do not confirm it, and on the columns no label names.
    """
    out: list[Column] = []
    width = max(len(header_parts), len(sv.columns))
    taken: set[str] = set()
    undecided: list[Column] = []
    weak: dict[int, str] = {}  # weak labels the values did not confirm -> their field, if the values place nothing
    plan = _header_plan(table, tuple(map(tuple, header_parts)))
    for j in range(width):
        label = labels[j] if j < len(labels) else ""
        col = Column(j, label)
        out.append(col)
        fld, strength = plan[j] if j < len(plan) else (None, 0.0)
        if fld in taken:
            fld = None  # a column named twice keeps its first position
        has_values = bool(sv.values(j))
        if fld is None:
            if has_values and not is_row_number_label(label):
                undecided.append(col)
            continue
        own = FIELD_ROLE.get(fld)
        # values compatible with a plain label confirm it (a URL under 账号); a weak label needs its own role
        # the label's own role first: most values show it, and the other detectors are not asked about them
        accepted = (own,) if strength <= SCORE_WEAK else ACCEPTED.get(fld, ())
        agree = sv.accepts(j, accepted) if own and has_values else 0.0
        if agree >= AGREE_SHARE:
            col.field, col.basis, col.score, col.header, col.role = fld, "both", 1 - (1 - strength) * (1 - agree), \
                strength, own
        elif strength <= SCORE_WEAK and has_values:
            weak[j] = fld
            undecided.append(col)
            continue
        else:
            col.field, col.basis, col.score, col.header = fld, "header", strength, strength
            if has_values and fld != "remarks":
                role = _contradiction(table, fld, j, sv)
                if role:
                    col.conflict, col.role = _conflict(label, fld, role, won=False), role
        taken.add(fld)
    _place(table, undecided, sv, taken, weak)
    for c in out:
        fld = weak.get(c.j)
        if fld is None:
            continue
        if c.field is None and fld not in taken and FIELD_ROLE.get(fld) not in CLEAR_ROLES:
            c.field, c.basis, c.score, c.header = fld, "header", SCORE_WEAK, SCORE_WEAK
            taken.add(fld)
        elif c.field and c.role in CLEAR_ROLES and c.role != FIELD_ROLE.get(fld):
            c.conflict = _conflict(c.label, fld, c.role, won=True)
    return SheetMap(table, out, conflicts=[c.conflict for c in out if c.conflict])


@schema.vocabulary_cache
@lru_cache(maxsize=4096)
def _header_plan(table: str, header_parts: tuple[tuple[str, ...], ...]) -> tuple[tuple[str | None, float], ...]:
    """Each header cell's field and strength in ``table`` (:func:`netmedia.transform.annex.header_match`), per
    template: the same headers come back in every return."""
    return tuple(annex.header_match(table, tuple(filter(None, parts))) if any(parts) else (None, 0.0)
                 for parts in header_parts)


def _contradiction(table: str, fld: str, j: int, sv: SheetValues) -> str | None:
    """The unmistakable role (:data:`CLEAR_ROLES`) that at least :data:`CLEAR_SHARE` of a labelled column's values
    show instead of the label's field, if any."""
    own = FIELD_ROLE.get(fld)
    other = [r for r in CLEAR_ROLES if r != own and r not in COMPATIBLE.get(fld, ())]
    role, share = sv.best(j, other)
    return role if role and share >= CLEAR_SHARE and _field_for(table, role, fld) != fld else None


def _field_for(table: str, role: str, current: str | None) -> str | None:
    """The field a value role gives in ``table`` (dates and persons: any of theirs, the current one if it is)."""
    if role == "date":
        return current if current in ("opened_on", "last_updated_on") else "last_updated_on"
    if role == "person" and table == "platforms":
        return current if current in ("supervisor", "operator") else "operator"
    return ROLE_FIELD[table].get(role)


def _place(table: str, cols: list[Column], sv: SheetValues, taken: set[str], weak: dict[int, str]) -> None:
    """Give the unlabelled columns the fields their values show, where still free.

    Dates: two date columns are the opening (the earlier) and the last update; one is the last update (the
    notice requires it). Persons on Annex 2: two are the supervisor (left, as in the notice's form) and the
    operator; one is the operator. The platform name is the left-over text column with the most distinct
    values (ties: the leftmost). A column with a weak label (``weak``) is placed by its values only when they
    are unmistakable (:data:`CLEAR_ROLES`), or as the name.
    """
    by_role: dict[str, list[Column]] = {}
    best: dict[int, tuple[str | None, float]] = {}
    for c in cols:
        best[c.j] = role, share = sv.best(c.j)
        c.role = role
        if c.j in weak and role not in CLEAR_ROLES:
            continue
        if role and share >= VALUE_MIN_SHARE:
            by_role.setdefault(role, []).append(c)

    def give(c: Column, fld: str | None) -> None:
        if fld and fld not in taken and c.field is None:
            c.field, c.basis, c.score = fld, "values", best[c.j][1]
            taken.add(fld)

    for role, group in by_role.items():
        if role == "date":
            _place_dates(table, group, sv, give)
        elif role == "person" and table == "platforms":
            free = [f for f in ("supervisor", "operator") if f not in taken]
            for c, fld in zip(group[-len(free):] if free else [], free[-len(group):], strict=False):
                give(c, fld)
        elif role not in ("text", "row_number", "yes_no"):
            for c in group:
                give(c, ROLE_FIELD[table].get(role))
    name_field = annex.NAME_COLUMN[table]
    if name_field not in taken:
        texts = [c for c in cols if c.field is None and sv.share(c.j, NAME_ROLES) >= VALUE_MIN_SHARE]
        if texts:
            name = max(texts, key=lambda c: (len(set(sv.values(c.j))), -c.j))
            give(name, name_field)
            name.score = sv.share(name.j, NAME_ROLES)
    for c in cols:
        if c.field is None:
            c.score = 0.0


def _place_dates(table: str, group: list[Column], sv: SheetValues, give: Callable[[Column, str], None]) -> None:
    def median(c: Column) -> dt.date:
        return statistics.median_low([d for d in map(normalize.date, sv.values(c.j)) if d])

    if table not in ("platforms", "personal_accounts"):
        return  # a group's dates (created, ends) cannot be told apart by their values: only labels place them
    ordered = sorted(group, key=median)
    if len(ordered) == 1 or table != "platforms":  # Annex 3 has no opening date
        give(ordered[-1], "last_updated_on")
        if table == "platforms":
            give(ordered[0], "opened_on")
    else:
        give(ordered[0], "opened_on")
        give(ordered[-1], "last_updated_on")


def account_label(sheet: SheetMap) -> str:
    """The label of the column giving the account id ("" when none): 微信号 or 抖音号 names the platform."""
    return next((c.label for c in sheet.columns if c.field == "account_id"), "")


def hint_names_type(hint: str) -> bool:
    """Whether the sheet's own text (sheet name, section label, account label) names a platform type."""
    return normalize.type_category(hint) != "other"


def plain_fields(sheet: SheetMap) -> set[str]:
    """The identifying fields a sheet names plainly: by a plain label, or by values that are clearly platform
    types or URLs (an account id's shape is too loose to make a sheet an annex on its own)."""
    out = set()
    for c in sheet.columns:
        if c.field in annex.IDENTIFYING and (c.header >= annex.PLAIN or (
                c.basis == "values" and c.field in ("platform_type_raw", "url") and c.score >= VALUE_MIN_SHARE)):
            out.add(c.field)
    return out


def decide(header_parts: Sequence[tuple[str, ...]], labels: Sequence[str], columns: Sequence[list[object]],
           hint_text: str, hint: str, look: Lookups, sections_name_type: bool = False) -> tuple[str | None, SheetMap]:
    """Which annex a sheet is ('2', '3', '4' or None) and its columns for it (for None: for the annex it came closest
    to, so that its column map can still be shown).

    ``hint_text``: the title rows and sheet name (附件3 / 师生 / 个人 break a tie); ``hint``: the sheet's own
    text naming a platform (section label or sheet name); with the account column's label it stands for the
    type column (``sections_name_type``: every data row's section label names a platform type).

    The decision depends on the header, the hints and each column's first :data:`VALUE_SAMPLE` values only, so
    it is remembered for those (:func:`_decide`): copies of one return come back (a mail forwarded twice, a zip
    re-sent, one template filled in by many units). Don't change the map returned.
    """
    return _decide(tuple(map(tuple, header_parts)), tuple(labels), tuple(map(_sample, columns)), hint, annex.hint3(hint_text),
                   sections_name_type, look)


Sample = tuple[tuple[object, ...], tuple[type, ...]]


def _sample(column: Sequence[object]) -> Sample:
    """A column's first :data:`VALUE_SAMPLE` non-blank values and their types (1, 1.0 and True are equal values,
    and different cells): what :func:`decide` depends on, as a key of its cache."""
    values = tuple([v for v in column if v is not None][:VALUE_SAMPLE])
    return values, tuple(map(type, values))


@schema.vocabulary_cache
@lru_cache(maxsize=4096)
def _decide(header_parts: tuple[tuple[str, ...], ...], labels: tuple[str, ...], samples: tuple[Sample, ...],
            hint: str, h3: bool, sections_name_type: bool, look: Lookups) -> tuple[str | None, SheetMap]:
    """:func:`decide` on each column's sample (:func:`_sample`)."""
    sv = SheetValues([list(values) for values, _ in samples], look)
    columns = sv.columns
    plain = _plainly_one_annex(tuple(map(tuple, header_parts)), tuple(j for j in range(len(columns)) if sv.values(j)),
                               h3)
    if plain is not None:
        sm = map_sheet(annex.ANNEX_TABLE[plain], header_parts, labels, sv)
        sm.ok = True
        return plain, sm
    ranked = []
    for no, table in annex.ANNEX_TABLE.items():
        sm = map_sheet(table, header_parts, labels, sv)
        sm.hint_type = sections_name_type or hint_names_type(f"{hint} {account_label(sm)}")
        cmap = sm.cmap
        sm.ok = annex.fits(table, cmap, plain_fields(sm), sm.hint_type)
        # Between two fitting annexes the labels speak first, then the title (附件3 / 师生 / 个人), then the
        # distinctive fields the values gave (教职工/学生: Annex 3; two persons, an opening date, a status: Annex 2);
        # a full tie goes to Annex 2.
        labelled = {c.j: c.field for c in sm.columns if c.field and c.basis in ("header", "both")}
        ranked.append((*annex.rank(no, labelled, sm.ok, h3), annex.rank(no, cmap, sm.ok, h3)[1], no == "2", no, sm))
    ranked.sort(key=lambda r: r[:-2], reverse=True)
    no, sm = ranked[0][-2:]
    return (no if sm.ok else None), sm


@schema.vocabulary_cache
@lru_cache(maxsize=4096)
def _plainly_one_annex(header_parts: tuple[tuple[str, ...], ...], valued: tuple[int, ...], h3: bool) -> str | None:
    """The annex a sheet is whatever its values say, if its labels settle it; else None (values are needed).

    Settled: every column holding values is named plainly (or is a 序号), each field once, the annex fits by its
    labels alone and outranks every other annex by its labels (values only confirm labels there, or report a
    conflict: they change no field). Most returns are such sheets: the other annexes' maps are then not built.
    """
    keys = {}
    for no, table in annex.ANNEX_TABLE.items():
        found = _header_plan(table, header_parts)
        cmap = {j: f for j, (f, strength) in enumerate(found) if f and strength > SCORE_WEAK}
        named = all((j < len(found) and found[j][1] > SCORE_WEAK)
                    or (j < len(header_parts) and is_row_number_label("".join(header_parts[j]))) for j in valued)
        once = len(set(cmap.values())) == len(cmap)
        plain = {f for j, f in cmap.items() if f in annex.IDENTIFYING and found[j][1] >= annex.PLAIN}
        ok = named and once and annex.fits(table, cmap, plain)
        keys[no] = (ok, annex.rank(no, {j: f for j, (f, _) in enumerate(found) if f}, True, h3)[1:])
    for no, (ok, key) in keys.items():
        if ok and all(key > other for o, (_, other) in keys.items() if o != no):
            return no
    return None
