"""Run the rule suites (expectations/*.json) on the clean tables and turn GX's results into findings.

    tables = load_clean_tables("data_clean")
    result = run_checks(tables, load_config(), data_docs_dir=Path("reports/data_docs"))
    write_findings(result.findings, "reports")

Findings come from GX's own COMPLETE results: each failing expectation's
``unexpected_index_list`` holds index labels of the derived frame, which has a
RangeIndex, so a label is the row's position. An expectation's meta names only
its rule; severity, requirement and detail text come from ``data/rules.toml``
(``netmedia.validate.findings.rules``). Institution values (cutoff, deadline)
are applied in ``derive`` (``is_zombie``, ``is_late``) and shown in the texts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmedia import schema
from netmedia.config import Config
from netmedia.validate import derive
from netmedia.validate.findings import (
    FINDING_COLUMNS,
    empty_findings,
    finding_id,
    not_checked,
    record_contents,
    record_identities,
    render_details,
    requirement,
    rules,
    severity_rank,
    unique_finding_ids,
    write_findings,
    zh_number,
)
from netmedia.validate.gx_runner import ExpectationRunError, engine, raised

__all__ = [
    "CLEAN_TABLES",
    "CheckResult",
    "display_parameters",
    "load_clean_tables",
    "missing_rosters",
    "run_checks",
    "write_findings",
]

CLEAN_TABLES = schema.CLEAN_TABLES
# Rules judged per file or per unit rather than per record row.
FILE_LEVEL_RULES = {"R-deadline"}


@dataclass
class CheckResult:
    findings: pd.DataFrame
    stats: pd.DataFrame  # one row per suite
    validation_results: dict[str, Any] = field(default_factory=dict, repr=False)
    parameters: dict[str, str] = field(default_factory=dict)  # the run's values shown in the texts
    data_docs_index: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    not_checked: dict[str, str] = field(default_factory=dict)  # rule id -> 未检查（缺少名册）：… (no roster rows)

    @property
    def ok(self) -> bool:
        """No violation-severity finding (warnings allowed)."""
        return not (self.findings["severity"] == "violation").any()


def load_clean_tables(clean_dir: str | Path) -> dict[str, pd.DataFrame]:
    """``<clean_dir>/<table>.parquet`` for each clean table present (platforms, personal_accounts, ...); the record
    history with the previous round's name and account id of each missing record, from the archive
    (:func:`netmedia.validate.changes.with_previous_labels`), so that its finding names the record."""
    from netmedia.validate.changes import HISTORY, with_previous_labels

    d = Path(clean_dir)
    out: dict[str, pd.DataFrame] = {}
    for t in CLEAN_TABLES:
        p = d / f"{t}.parquet"
        if p.exists():
            out[t] = pd.read_parquet(p)
    if HISTORY in out:
        out[HISTORY] = with_previous_labels(out[HISTORY], d)
    return out


ROSTERS = ("units", "staff")


def missing_rosters(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The rosters (units, staff) missing from ``tables`` or without a row: the rules that compare with them
    are not checked (:func:`netmedia.validate.findings.not_checked`); derive leaves their facts unknown."""
    return [r for r in ROSTERS if tables.get(r) is None or tables[r].empty]


def display_parameters(config: Config) -> dict[str, str]:
    """Values for the run-parameter placeholders of the requirement and detail texts (rules.toml)."""
    return {
        "cutoff": config.zombie_cutoff.isoformat(),
        "deadline": config.round.deadline.isoformat(),
        "zombie_months": str(config.thresholds.zombie_months),
        "zombie_months_zh": zh_number(config.thresholds.zombie_months),
        "group_min_members": str(config.thresholds.group_min_members),
        "reference_date": config.round.reference_date.isoformat(),
        "school": config.institution.name_zh,
    }


def _suite_columns(spec: dict) -> list[str]:
    """Columns the suite's expectations name, in first-use order."""
    cols: list[str] = []
    for e in spec.get("expectations", []):
        kw = e.get("kwargs", {})
        for c in (kw.get("column"), kw.get("column_A"), kw.get("column_B"), *(kw.get("column_list") or ())):
            if c and c not in cols:
                cols.append(c)
    return cols


def _slim(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Only the columns a compliance suite reads (GX filters whole frames per expectation, so fewer
    columns is much faster); a missing column is added as all-NA text (the structure suite reports it).
    The RangeIndex is kept, so GX's unexpected index labels are still row positions."""
    have = [c for c in cols if c in df.columns]
    out = df[have]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        out = out.copy()
        for c in missing:
            out[c] = pd.Series(pd.NA, index=df.index, dtype="str")
    return out


def run_checks(
    tables: dict[str, pd.DataFrame],
    config: Config,
    *,
    data_docs_dir: Path | None = None,
    expectations_dir: Path | None = None,
) -> CheckResult:
    """Derive rule columns, validate every suite with GX, and collect one finding per failing record per rule."""
    t0 = time.perf_counter()
    eng = engine(expectations_dir)
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    derived = derive.derive_all(tables, config)
    t_derive = time.perf_counter() - t1
    shown = display_parameters(config)
    catalogue = rules()

    hits: list[dict] = []  # one entry per failing expectation
    table_level: list[dict] = []
    stats_rows = []
    results: dict[str, Any] = {}
    t2 = time.perf_counter()
    for name, spec in eng.suite_specs.items():
        meta = spec.get("meta") or {}
        table = meta.get("table") or name.split(".", 1)[0]
        concern = meta.get("concern") or name.split(".", 1)[-1]
        if table not in derived:
            stats_rows.append({"suite": name, "table": table, "rows": 0, "skipped": True})
            continue
        df = derived[table]
        if concern == "structure":
            base = [c for c in df.columns if c not in derive.DERIVED_COLUMNS.get(table, ())]
            df = df[base]
        else:
            df = _slim(df, _suite_columns(spec))
        ts = time.perf_counter()
        res = eng.validate(name, table, df, {})
        secs = time.perf_counter() - ts
        results[name] = res
        n_fail = 0
        for r in res.results:
            cfg = r.expectation_config
            m = dict(cfg.meta or {})
            rule = m.get("rule", cfg.type)
            sev = catalogue[rule].severity if rule in catalogue else "violation"
            msg = requirement(rule, table, shown)
            err = raised(r)
            if err is not None:
                if concern == "structure":
                    table_level.append(
                        _table_finding(rule, sev, table, f"无法检查（{cfg.kwargs.get('column', '')}）：{err}", msg)
                    )
                    n_fail += 1
                    continue
                raise ExpectationRunError(f"{name}: {cfg.type} {dict(cfg.kwargs)} raised: {err}")
            if r.success:
                continue
            n_fail += 1
            idx = (r.result or {}).get("unexpected_index_list")
            if idx is None:
                table_level.append(_table_finding(rule, sev, table, _table_detail(cfg, r, table), msg))
                continue
            hits.append(
                {
                    "rule": rule,
                    "severity": sev,
                    "table": table,
                    "pos": np.asarray(idx, dtype=np.int64),
                    "column": cfg.kwargs.get("column"),
                    "message_zh": msg,
                }
            )
        st = res.statistics
        stats_rows.append(
            {
                "suite": name,
                "table": table,
                "rows": len(df),
                "skipped": False,
                "expectations": st.get("evaluated_expectations"),
                "successful": st.get("successful_expectations"),
                "unsuccessful": st.get("unsuccessful_expectations"),
                "success_percent": st.get("success_percent"),
                "failed_expectations": n_fail,
                "seconds": round(secs, 3),
            }
        )
    t_gx = time.perf_counter() - t2

    t3 = time.perf_counter()
    findings = _assemble(hits, table_level, derived, shown)
    t_find = time.perf_counter() - t3
    stats = pd.DataFrame(stats_rows)
    if not stats.empty and len(findings):
        per = findings.groupby("table").size()
        stats["findings_in_table"] = stats["table"].map(per).fillna(0).astype("Int64")

    index = None
    if data_docs_dir is not None:
        from netmedia.report.datadocs import build_data_docs

        index = build_data_docs(eng, results, Path(data_docs_dir))
    return CheckResult(
        findings=findings,
        stats=stats,
        validation_results=results,
        parameters=shown,
        data_docs_index=index,
        not_checked=not_checked(missing_rosters(tables)),
        seconds={
            "gx_engine": round(t_import, 3),
            "derive": round(t_derive, 3),
            "gx_validate": round(t_gx, 3),
            "findings": round(t_find, 3),
        },
    )


def _table_finding(rule: str, sev: str, table: str, detail: str, msg: str) -> dict:
    """A finding about a whole table (a missing column): known by its rule, table and detail."""
    return {"rule": rule, "severity": sev, "table": table, "detail": detail, "message_zh": msg,
            "finding_id": finding_id(rule, table, None, detail), "_content": detail}


def _table_detail(cfg, r, table: str) -> str:
    kw = dict(cfg.kwargs)
    obs = (r.result or {}).get("observed_value")
    zh = schema.zh_headers(table)
    if cfg.type == "expect_table_columns_to_match_set":
        missing = [c for c in kw.get("column_set", []) if c not in (obs or [])]
        return "缺少列：" + "、".join(f"{zh.get(c, c)}({c})" for c in missing)
    if cfg.type == "expect_column_values_to_be_of_type":
        c = kw.get("column")
        return f"列 {zh.get(c, c)}({c}) 的类型为 {obs}，应为 {kw.get('type_')}"
    return f"{cfg.type} 未通过（观测值：{obs}）"


def _assemble(hits: list[dict], table_level: list[dict], derived: dict[str, pd.DataFrame], shown) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    by_key: dict[tuple[str, str], list[dict]] = {}
    for h in hits:
        by_key.setdefault((h["table"], h["rule"]), []).append(h)
    for (table, rule), hs in by_key.items():
        df = derived[table]
        pos = np.concatenate([h["pos"] for h in hs])
        pos = np.unique(pos)  # one finding per row per rule, in row order
        failed: dict[int, list[str]] = {}  # row -> the columns whose check failed, in suite order
        for h in hs:
            for p in h["pos"].tolist():
                failed.setdefault(p, []).append(h["column"])
        sub = df.iloc[pos]
        out = pd.DataFrame(index=range(len(sub)))
        out["rule"] = rule
        out["severity"] = hs[0]["severity"]
        out["table"] = table
        for c in ("unit", "platform_name", "account_id", "source_file", "source_sheet"):
            out[c] = sub[c].to_numpy() if c in sub.columns else None
        out["source_row"] = sub["source_row"].to_numpy() if "source_row" in sub.columns else None
        out["detail"] = render_details(rule, table, sub, [failed[p] for p in pos.tolist()], shown)
        out["message_zh"] = hs[0]["message_zh"]
        out["finding_id"] = [finding_id(rule, table, u, ident)
                             for u, ident in zip(out["unit"], record_identities(table, sub), strict=True)]
        out["_content"] = [c + "\x1f" + d for c, d in zip(record_contents(table, sub), out["detail"], strict=True)]
        if table in ("units", "submissions"):
            out["source_row"] = None
            if table == "units":
                out["source_file"] = None
                out["source_sheet"] = None
        if rule in FILE_LEVEL_RULES:
            out["source_sheet"] = None
            out = out.drop_duplicates(["rule", "source_file"])
        parts.append(out)
    for t in table_level:
        parts.append(pd.DataFrame([t]))
    if not parts:
        return empty_findings()
    f = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else empty_findings()
    for c in FINDING_COLUMNS:
        if c not in f.columns:
            f[c] = None
    f["finding_id"] = unique_finding_ids(f["finding_id"].tolist(), f["_content"].tolist())
    f = f[list(FINDING_COLUMNS)]
    for c in FINDING_COLUMNS:
        f[c] = f[c].astype("Int64") if c == "source_row" else f[c].astype("str")
    f = f.assign(_o=f["severity"].map(severity_rank)).sort_values(
        ["_o", "rule", "unit", "source_file", "source_sheet", "source_row"], kind="stable", na_position="last"
    )
    return f.drop(columns="_o").reset_index(drop=True)
