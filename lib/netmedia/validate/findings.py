"""Findings: the rule catalogue (``data/rules.toml``), each failing record's Chinese detail text, and writing them out.

One finding per failing record per rule. ``detail`` says specifically what is
wrong with that record (values quoted), from the rule's detail template in
rules.toml filled with the record's derived columns; ``message_zh`` is the
rule's requirement sentence for units (rules.toml, placeholders filled from the
run's parameters). No rule is coded here: a new rule is a rules.toml entry, a
derived column and an expectation.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from netmedia import paths, schema
from netmedia.transform.text import fold
from netmedia.validate.derive import IDENTITY_KEYS, identity_key

FINDING_COLUMNS = (
    "rule",
    "severity",
    "unit",
    "table",
    "platform_name",
    "account_id",
    "source_file",
    "source_sheet",
    "source_row",
    "detail",
    "message_zh",
    "finding_id",
)

FINDING_HEADERS_ZH = {
    "rule": "规则",
    "severity": "严重程度",
    "unit": "单位名称",
    "table": "数据表",
    "platform_name": "平台名称",
    "account_id": "账号ID",
    "source_file": "来源文件",
    "source_sheet": "工作表",
    "source_row": "行号",
    "detail": "问题说明",
    "message_zh": "整改要求",
    "finding_id": "问题编号",
}

FAILED_COLUMNS = "failed_columns"  # detail placeholder: Chinese headers of the columns whose check failed
ANY_VALUE = "*"  # a clause's `when` value meaning "has any value"
_ZH_NUM = "零一二三四五六七八九十"


def zh_number(n: int) -> str:
    """0-99 in Chinese numerals (3 -> 三, 12 -> 十二)."""
    if 0 <= n <= 10:
        return _ZH_NUM[n]
    if n < 20:
        return "十" + (_ZH_NUM[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_NUM[n // 10] + "十" + (_ZH_NUM[n % 10] if n % 10 else "")
    return str(n)


def empty_findings() -> pd.DataFrame:
    cols = {c: pd.Series([], dtype="str") for c in FINDING_COLUMNS}
    cols["source_row"] = pd.Series([], dtype="Int64")
    return pd.DataFrame(cols)


# --------------------------------------------------------------------------- finding identity

#: Tables whose findings are about the unit itself (R-complete, R-deadline), which every finding id holds.
UNIT_LEVEL_TABLES = ("units", "submissions")
RECORD_ID = "record_id"
FINDING_ID_PREFIX = "F"


def _key_text(v: object) -> str:
    return "" if _missing(v) else fold(str(v), keep_punctuation=True)


def finding_id(rule: str, table: str, unit: object, identity: str) -> str:
    """``F`` + 10 hex digits: a hash of the rule, the table, the unit and the record's identity. Never the
    source file or row: the same fact keeps its id when a unit sends its rows again, in another order or file."""
    key = "\x1f".join((rule, table, _key_text(unit), identity))
    return FINDING_ID_PREFIX + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def record_identities(table: str, rows: pd.DataFrame) -> list[str]:
    """The identity of each row of ``rows`` (a derived table's failing rows): its ``record_id`` when it has one,
    else derive's identity key of its table (:data:`netmedia.validate.derive.IDENTITY_KEYS`), else (a table
    without one) all its schema columns; nothing for a finding about the unit itself."""
    if table in UNIT_LEVEL_TABLES:
        facts = [""] * len(rows)
    elif table in IDENTITY_KEYS:
        facts = [_key_text(v) for v in identity_key(table, rows).tolist()]
    else:
        facts = record_contents(table, rows)
    ids = rows[RECORD_ID].tolist() if RECORD_ID in rows.columns else [None] * len(rows)
    return ["id:" + _key_text(rid) if _key_text(rid) else fact for rid, fact in zip(ids, facts, strict=True)]


def record_contents(table: str, rows: pd.DataFrame) -> list[str]:
    """Each row's own values (its schema columns, no provenance): what tells apart two findings whose identity is
    one (a platform filed twice), in an order that does not depend on where the rows were filed."""
    values = [rows[c].tolist() for c in _own_columns(table, rows)]
    return ["\x1f".join(_key_text(v[i]) for v in values) for i in range(len(rows))]


def _own_columns(table: str, rows: pd.DataFrame) -> tuple[str, ...]:
    """The schema columns of ``table`` that ``rows`` has (none for a table the schema does not know)."""
    try:
        names = schema.column_names(table)
    except KeyError:
        names = ()
    return tuple(c for c in names if c in rows.columns)


def unique_finding_ids(ids: Sequence[str], order: Sequence[str]) -> list[str]:
    """``ids`` made unique: where findings share an id (two rows of one identity), the first by ``order``
    (their contents and details) keeps it and the others get ``-2``, ``-3``…; so the suffixes follow the
    facts, not the order the rows came in."""
    groups: dict[str, list[int]] = {}
    for i, fid in enumerate(ids):
        groups.setdefault(fid, []).append(i)
    out = list(ids)
    for fid, members in groups.items():
        for n, i in enumerate(sorted(members, key=lambda k: order[k]), start=1):
            out[i] = fid if n == 1 else f"{fid}-{n}"
    return out


# --------------------------------------------------------------------------- texts with placeholders


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _shown(value: object, spec: str = "") -> str:
    """A value as a text shows it: empty when missing, dates as YYYY-MM-DD unless ``spec`` is a strftime
    format, anything else through ``format(value, spec)``."""
    if _missing(value):
        return ""
    if hasattr(value, "strftime"):
        return pd.Timestamp(value).strftime(spec or "%Y-%m-%d")
    return format(value, spec)


@dataclass(frozen=True)
class Template:
    """A text of rules.toml, parsed once: ``{name}``, ``{name:spec}``, ``{name|fallback}`` (fallback when
    the value shows empty); ``{{`` and ``}}`` are literal braces."""

    text: str
    parts: tuple[tuple[str, str, str, str | None], ...]  # (literal, name, spec, fallback)

    @classmethod
    def parse(cls, text: str) -> Template:
        parts = []
        for literal, field, spec, _conversion in string.Formatter().parse(text):
            name, bar, fallback = (field or "").partition("|")
            parts.append((literal, name, spec or "", fallback if bar else None))
        return cls(text, tuple(parts))

    @property
    def names(self) -> set[str]:
        return {name for _lit, name, _spec, _fb in self.parts if name}

    def render(self, values: Mapping[str, object]) -> str:
        out = []
        for literal, name, spec, fallback in self.parts:
            out.append(literal)
            if name:
                text = _shown(values.get(name), spec)
                out.append(fallback if fallback is not None and text == "" else text)
        return "".join(out)


# --------------------------------------------------------------------------- the rule catalogue


@dataclass(frozen=True)
class Clause:
    """One part of a detail text, used where every ``when`` column holds its value."""

    when: Mapping[str, object]
    text: Template

    def holds(self, row: Mapping[str, object]) -> bool:
        return all(_holds(row.get(col), want) for col, want in self.when.items())


def _holds(value: object, want: object) -> bool:
    if want == ANY_VALUE:
        return _shown(value) != ""
    if _missing(value):
        return False
    if isinstance(want, bool):
        return isinstance(value, bool) and value is want
    return value == want


@dataclass(frozen=True)
class RuleOnTable:
    """A rule on one table: the derived columns it reads and how its texts are made."""

    reads: tuple[str, ...]
    requirement: Template
    prefix: Template
    clauses: tuple[Clause, ...]
    otherwise: Template

    @property
    def names(self) -> set[str]:
        """Every column or parameter the detail text uses."""
        return set().union(self.prefix.names, self.otherwise.names, *(c.text.names | set(c.when) for c in self.clauses))


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # 问题类型
    severity: str  # violation | warning
    order: int
    requirement: Template  # 整改要求 (for the tables that do not replace it)
    tables: Mapping[str, RuleOnTable]
    needs_roster: str | None = None  # "units" | "staff": not checked when that roster has no rows


@cache
def _rules_toml() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "rules.toml").read_text(encoding="utf-8"))


def _on_table(rule: Mapping, table: Mapping) -> RuleOnTable:
    """A ``[rules.<id>.<table>]`` section; the texts it does not give are the rule's own."""

    def field(key: str, default: object = "") -> object:
        return table.get(key, rule.get(key, default))

    detail = field("detail", ())
    if isinstance(detail, str):
        detail = [{"text": detail}]
    return RuleOnTable(
        reads=tuple(table.get("reads", ())),
        requirement=Template.parse(str(field("requirement"))),
        prefix=Template.parse(str(field("detail_prefix"))),
        clauses=tuple(Clause(dict(c.get("when", {})), Template.parse(str(c["text"]))) for c in detail),
        otherwise=Template.parse(str(field("detail_otherwise"))),
    )


@cache
def rules() -> dict[str, Rule]:
    """Rule id -> :class:`Rule`, from ``data/rules.toml`` (the one place for what a finding says)."""
    out: dict[str, Rule] = {}
    for rid, raw in _rules_toml()["rules"].items():
        tables = {t: _on_table(raw, v) for t, v in raw.items() if isinstance(v, Mapping)}
        requirement = Template.parse(str(raw["requirement"]))
        out[rid] = Rule(rid, str(raw["name"]), str(raw["severity"]), int(raw["order"]), requirement, tables,
                        raw.get("needs_roster"))
    return out


NOT_CHECKED = "未检查（缺少名册）"
ROSTER_ZH = {"units": "单位名册（reference/units.xlsx）", "staff": "教职工名册（reference/staff.xlsx）"}


def not_checked(missing_rosters: Sequence[str]) -> dict[str, str]:
    """Rule id -> why it was not checked, for every rule whose roster (rules.toml ``needs_roster``) is among
    ``missing_rosters`` (missing, or a header and no rows): such a rule neither passes nor fails."""
    return {
        r.id: f"{NOT_CHECKED}：{ROSTER_ZH.get(r.needs_roster, r.needs_roster)}缺失或没有数据行"
        for r in sorted(rules().values(), key=lambda r: r.order)
        if r.needs_roster in missing_rosters
    }


def rule_name(rule: object) -> str:
    """The Chinese name of a rule id (the id itself when unknown)."""
    r = rules().get(str(rule))
    return r.name if r else str(rule)


def severity_label(severity: object) -> str:
    """violation -> 必须整改, warning -> 请核实 (the value itself when unknown)."""
    return str(_rules_toml()["severity"].get(str(severity), severity))


def severity_rank(severity: object) -> int:
    """Listing order of a severity: its position in rules.toml ``[severity]`` (violations first)."""
    order = list(_rules_toml()["severity"])
    return order.index(severity) if severity in order else len(order)


def requirement(rule: str, table: str, params: Mapping[str, str]) -> str:
    """The rule's requirement sentence on ``table`` with run parameters filled in ("" for an unknown rule)."""
    r = rules().get(rule)
    if r is None:
        return ""
    return (r.tables[table].requirement if table in r.tables else r.requirement).render(params)


# --------------------------------------------------------------------------- detail texts


def render_details(
    rule: str,
    table: str,
    sub: pd.DataFrame,
    failed: Sequence[Sequence[str]] | None,
    params: Mapping[str, str],
) -> list[str]:
    """Chinese detail text for each row of ``sub`` (the failing rows of ``table`` for ``rule``), from the
    rule's template in rules.toml: the texts of the clauses that hold, joined with "；" after the prefix,
    or the ``otherwise`` text. ``failed``: per row, the columns whose check failed (``{failed_columns}``)."""
    spec = rules()[rule].tables.get(table) if rule in rules() else None
    n = len(sub)
    if spec is None or not spec.clauses:
        return [f"不符合规则 {rule}"] * n
    cols = sorted(spec.names - set(params) - {FAILED_COLUMNS})
    values = [sub[c].tolist() if c in sub.columns else [None] * n for c in cols]
    zh = schema.zh_headers(table)
    failed = failed if failed is not None else [[]] * n
    row: dict[str, object] = dict(params)
    out = []
    for i in range(n):
        row.update((c, v[i]) for c, v in zip(cols, values, strict=True))
        row[FAILED_COLUMNS] = "、".join(zh.get(f, f) for f in failed[i])
        body = "；".join(c.text.render(row) for c in spec.clauses if c.holds(row)) or spec.otherwise.render(row)
        out.append(spec.prefix.render(row) + body)
    return out


def write_findings(findings: pd.DataFrame, out_dir: str | Path,
                   unchecked: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Write ``findings.parquet`` and ``findings.xlsx`` (Chinese headers, via netmedia.report.xlsx) into ``out_dir``;
    ``unchecked`` (rule id -> why, :func:`not_checked`) becomes the workbook's sheet 未检查的规则."""
    from netmedia.report.xlsx import SheetSpec, write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pq = out / "findings.parquet"
    findings.to_parquet(pq, index=False)
    view = findings.copy()
    view["severity"] = view["severity"].map(severity_label).astype("str")
    sheets = {
        "问题清单": SheetSpec(
            view,
            headers=FINDING_HEADERS_ZH,
            title="网络媒体平台备案检查问题清单",
            widths={"detail": 60, "message_zh": 60, "source_file": 36, "platform_name": 24, "unit": 20},
            wrap=True,
            landscape=True,
        )
    }
    if unchecked:
        rows = pd.DataFrame({"rule": list(unchecked), "name": [rule_name(r) for r in unchecked],
                             "why": list(unchecked.values())}, dtype="str")
        sheets["未检查的规则"] = SheetSpec(rows, headers={"rule": "规则", "name": "问题类型", "why": "说明"},
                                       title="未检查的规则", widths={"name": 22, "why": 60}, wrap=True)
    xl = write_workbook(out / "findings.xlsx", sheets)
    return {"parquet": pq, "xlsx": xl}
