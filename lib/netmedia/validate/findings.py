"""Findings: the rule catalogue (``data/rules.toml``), each failing record's Chinese detail text, and writing them out.

One finding per failing record per rule. ``detail`` says specifically what is
wrong with that record (values quoted), from the rule's detail template in
rules.toml filled with the record's derived columns; ``message_zh`` is the
rule's requirement sentence for units (rules.toml, placeholders filled from the
run's parameters). No rule is coded here: a new rule is a rules.toml entry, a
derived column and an expectation.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from netmedia import paths, schema

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
}

SEVERITY_ZH = {"violation": "违规", "warning": "提示"}
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


# --------------------------------------------------------------------------- the rule catalogue


@dataclass(frozen=True)
class Clause:
    """One part of a detail text, used where every ``when`` column holds its value."""

    when: Mapping[str, object]
    text: str


@dataclass(frozen=True)
class RuleOnTable:
    """A rule on one table: the derived columns it reads and how its detail text is made."""

    reads: tuple[str, ...]
    requirement: str
    prefix: str
    clauses: tuple[Clause, ...]
    otherwise: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # 问题类型
    severity: str  # violation | warning
    order: int
    requirement: str  # 整改要求 (default for its tables)
    tables: Mapping[str, RuleOnTable]


@cache
def _rules_toml() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "rules.toml").read_text(encoding="utf-8"))


def _on_table(rule_requirement: str, raw: Mapping) -> RuleOnTable:
    detail = raw.get("detail", ())
    if isinstance(detail, str):
        detail = [{"text": detail}]
    return RuleOnTable(
        reads=tuple(raw.get("reads", ())),
        requirement=str(raw.get("requirement", rule_requirement)),
        prefix=str(raw.get("detail_prefix", "")),
        clauses=tuple(Clause(dict(c.get("when", {})), str(c["text"])) for c in detail),
        otherwise=str(raw.get("detail_otherwise", "")),
    )


@cache
def rules() -> dict[str, Rule]:
    """Rule id -> :class:`Rule`, from ``data/rules.toml`` (the one place for what a finding says)."""
    out: dict[str, Rule] = {}
    for rid, raw in _rules_toml()["rules"].items():
        req = str(raw["requirement"])
        tables = {t: _on_table(req, v) for t, v in raw.items() if isinstance(v, Mapping)}
        out[rid] = Rule(rid, str(raw["name"]), str(raw["severity"]), int(raw["order"]), req, tables)
    return out


def rule_name(rule: object) -> str:
    """The Chinese name of a rule id (the id itself when unknown)."""
    r = rules().get(str(rule))
    return r.name if r else str(rule)


def severity_label(severity: object) -> str:
    """violation -> 必须整改, warning -> 请核实 (the value itself when unknown)."""
    return str(_rules_toml()["severity"].get(str(severity), severity))


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def requirement(rule: str, table: str, params: Mapping[str, str]) -> str:
    """The rule's requirement sentence on ``table`` with run parameters filled in ("" for an unknown rule)."""
    r = rules().get(rule)
    if r is None:
        return ""
    text = r.tables[table].requirement if table in r.tables else r.requirement
    return text.format_map(_KeepUnknown(params))


# --------------------------------------------------------------------------- detail texts


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


class _DetailFormatter(string.Formatter):
    """``{column}`` empty when missing, dates as YYYY-MM-DD (``{column:%H:%M}`` for another format),
    ``{column|text}``: ``text`` when the column is empty."""

    def get_field(self, field_name: str, args: Sequence, kwargs: Mapping) -> tuple[object, str]:
        name, bar, fallback = field_name.partition("|")
        value = kwargs[name]
        if bar and self.format_field(value, "") == "":
            value = fallback
        return value, name

    def format_field(self, value: object, format_spec: str) -> str:
        if _missing(value):
            return ""
        if hasattr(value, "strftime"):
            return pd.Timestamp(value).strftime(format_spec or "%Y-%m-%d")
        return format(value, format_spec)


_FORMATTER = _DetailFormatter()


def placeholders(template: str) -> set[str]:
    """The column or parameter names a detail template uses (``{a|x}`` -> ``a``)."""
    return {f.partition("|")[0] for _lit, f, _spec, _conv in _FORMATTER.parse(template) if f}


def _holds(value: object, want: object) -> bool:
    if want == ANY_VALUE:
        return _FORMATTER.format_field(value, "") != ""
    if _missing(value):
        return False
    if isinstance(want, bool):
        return isinstance(value, bool) and value is want
    return value == want


def render_details(
    rule: str,
    table: str,
    sub: pd.DataFrame,
    failed: Sequence[Sequence[str]] | None,
    params: Mapping[str, str],
) -> list[str]:
    """Chinese detail text for each row of ``sub`` (the failing rows of ``table`` for ``rule``), from the
    rule's template in rules.toml. ``failed``: per row, the columns whose check failed (``{failed_columns}``)."""
    spec = rules()[rule].tables.get(table) if rule in rules() else None
    n = len(sub)
    if spec is None or not spec.clauses:
        return [f"不符合规则 {rule}"] * n
    templates = [spec.prefix, spec.otherwise, *(c.text for c in spec.clauses)]
    names = set().union(*(placeholders(t) for t in templates), *(c.when for c in spec.clauses))
    columns = {c: (sub[c].tolist() if c in sub.columns else [None] * n) for c in names - set(params) - {FAILED_COLUMNS}}
    zh = schema.zh_headers(table)
    failed = failed if failed is not None else [[]] * n
    out = []
    for i in range(n):
        row = {**params, **{c: v[i] for c, v in columns.items()}}
        row[FAILED_COLUMNS] = "、".join(zh.get(f, f) for f in failed[i])
        texts = [
            _FORMATTER.vformat(c.text, (), row)
            for c in spec.clauses
            if all(_holds(row.get(col), want) for col, want in c.when.items())
        ]
        body = "；".join(texts) or _FORMATTER.vformat(spec.otherwise, (), row)
        out.append(_FORMATTER.vformat(spec.prefix, (), row) + body)
    return out


def write_findings(findings: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    """Write ``findings.parquet`` and ``findings.xlsx`` (Chinese headers, via netmedia.report.xlsx) into ``out_dir``."""
    from netmedia.report.xlsx import SheetSpec, write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pq = out / "findings.parquet"
    findings.to_parquet(pq, index=False)
    view = findings.copy()
    view["severity"] = view["severity"].map(SEVERITY_ZH).fillna(view["severity"]).astype("str")
    xl = write_workbook(
        out / "findings.xlsx",
        {
            "问题清单": SheetSpec(
                view,
                headers=FINDING_HEADERS_ZH,
                title="网络媒体平台备案检查问题清单",
                widths={"detail": 60, "message_zh": 60, "source_file": 36, "platform_name": 24, "unit": 20},
                wrap=True,
                landscape=True,
            )
        },
    )
    return {"parquet": pq, "xlsx": xl}
