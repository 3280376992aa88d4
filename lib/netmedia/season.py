"""The season as steps the notebooks and the CLI share: ingest, check, dashboard, history, run (the one orchestrator).

Notebooks stay thin by calling these; ``netmedia run`` executes the notebooks
in order with papermill, so the CLI and JupyterLab produce the same reports.
Folders come from the caller, else from environment overrides
(``NETMEDIA_DATA_RAW``, ``NETMEDIA_DATA_CLEAN``, ``NETMEDIA_REPORTS``,
``NETMEDIA_CONFIG``), else from ``netmedia.paths``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from netmedia import outputs, paths, schema
from netmedia.config import Config, load_config
from netmedia.extract import sources, tables
from netmedia.report import history
from netmedia.transform import annex, records, returns
from netmedia.transform.units import UnitMatcher
from netmedia.validate import changes, derive
from netmedia.validate.findings import NOT_CHECKED, ROSTER_ZH, not_checked

if TYPE_CHECKING:
    from netmedia.report.dashboard import DashboardPaths
    from netmedia.report.documents import Written
    from netmedia.report.mail import MailResult

outputs.die_with_run()  # in a notebook kernel of ``netmedia run``: die with the run, never write on after it

NOTEBOOKS = ("01_ingest.ipynb", "02_checks.ipynb", "03_dashboard.ipynb", "04_history.ipynb")
DEMO_UNITS = 60


@dataclass(frozen=True)
class Dirs:
    raw: Path
    clean: Path
    reports: Path
    config: Path


def default_dirs() -> Dirs:
    """The folders a notebook works on: environment overrides, else the project's folders."""
    env = os.environ.get
    return Dirs(
        raw=Path(env("NETMEDIA_DATA_RAW", str(paths.DATA_RAW))),
        clean=Path(env("NETMEDIA_DATA_CLEAN", str(paths.DATA_CLEAN))),
        reports=Path(env("NETMEDIA_REPORTS", str(paths.REPORTS))),
        config=Path(env("NETMEDIA_CONFIG", str(paths.INSTITUTION_TOML))),
    )


def has_returns(raw: Path) -> bool:
    return raw.is_dir() and bool(sources.candidate_files(raw))


def ensure_demo(raw: Path, config: Config, *, n_units: int = DEMO_UNITS, seed: int = 0) -> bool:
    """Write a synthetic demo season into an empty ``raw`` so the job always has something real to chew."""
    if has_returns(raw):
        return False
    from netmedia import samples

    raw.mkdir(parents=True, exist_ok=True)
    samples.generate(raw, n_units=n_units, seed=seed, config=config)
    return True


# ------------------------------------------------------------------ ingest
TABLES = schema.CLEAN_TABLES
ERROR_LOG = "ingest_errors.log"


@dataclass
class IngestResult:
    """The clean tables of a season, and what a person should know about how they were made."""

    tables: dict[str, pd.DataFrame]
    files: int
    units_missing: list[str]
    root: Path
    errors: list[str] = field(default_factory=list)  # tracebacks of the sheets that failed (non-strict runs)
    error_log: Path | None = None  # where they were written
    superseded: Path | None = None  # the round's earlier archive, kept aside when this run archived it again
    roster_messages: list[str] = field(default_factory=list)  # a roster missing or without rows: what goes unchecked

    def summary(self) -> str:
        """The one-screen summary printed by the CLI and the notebook."""
        t = self.tables
        lines = [f"netmedia ingest: {self.root}", f"  files read: {self.files}"]
        subs = t["submissions"]
        lines.append(f"  sheets/files reported: {len(subs)} ({(subs['status'] == 'ok').sum()} ok, "
                     f"{(subs['status'] == 'rejected').sum()} rejected, {(subs['status'] == 'skipped').sum()} skipped, "
                     f"{(subs['status'] == 'hidden').sum()} hidden)")
        for name in ("platforms", "personal_accounts", "groups", "units", "staff", "replies"):
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
        lines.extend(f"  {m}" for m in self.roster_messages)
        if changes.HISTORY in t:  # against the previous round's archive (validate.changes; notebook 04 lists them)
            counts = t[changes.HISTORY].drop_duplicates(["table", "record_id"])["change"].value_counts()
            lines.append("  record history: " + ", ".join(f"{counts.get(c, 0)} {c}" for c in changes.CHANGES))
        if self.errors:
            where = f": tracebacks in {self.error_log}" if self.error_log else ""
            lines.append(f"  ERRORS: {len(self.errors)} sheets or workbooks failed in netmedia itself (a bug, "
                         f"please report it){where}")
        if self.superseded is not None:
            lines.append(f"  本轮次此前的归档已保留为 {self.superseded}（归档只写一次，不覆盖）")
        return "\n".join(lines)


def is_strict() -> bool:
    """Strict mode (``NETMEDIA_STRICT=1``, set by the test suite): a sheet whose processing raises stops the run."""
    return os.environ.get("NETMEDIA_STRICT", "") == "1"


def ingest(raw: str | Path, out: str | Path | None = None, config: Config | None = None, *,
           workers: int | None = None, progress: bool | None = None, strict: bool | None = None,
           reader: Callable[..., list] | None = None, wait: float = 0.0) -> IngestResult:
    """Ingest every return under ``raw`` (rosters in ``raw/reference``) into the clean tables.

    With ``out``: the tables are written as ``<table>.parquet`` (the canonical clean output; the report stage
    writes the workbook for people) and the round is archived under ``out/rounds/<round>/``; the tracebacks of sheets that failed (a bug; only when not
    ``strict``) go to ``out/ingest_errors.log``. ``workers``: processes (default: up to 4 for 40 files or more).
    ``strict`` (default: :func:`is_strict`): a failing sheet raises. ``reader``: the workbook reader, by default
    :func:`netmedia.extract.tables.read_tables`. ``wait``: seconds to wait for another run writing ``out``
    (:func:`netmedia.outputs.lock`) before giving up with :class:`netmedia.outputs.LockedError`.
    """
    if out is None:
        return _ingest(raw, None, config, workers, progress, strict, reader)
    with outputs.lock([out], wait=wait):
        return _ingest(raw, Path(out), config, workers, progress, strict, reader)


def _ingest(raw: str | Path, out: Path | None, config: Config | None, workers: int | None, progress: bool | None,
            strict: bool | None, reader: Callable[..., list] | None) -> IngestResult:
    root = Path(raw).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"input folder not found: {raw}")
    config = config or load_config()
    schema.use_vocabulary(config.vocabulary)  # the analyst's words (config/vocabulary.toml) for every match
    ref = root / paths.REFERENCE_DIR_NAME
    units = returns.typed_frame("units", records.roster_rows(ref / ROSTER_FILES["units"], "units", config))
    staff = returns.typed_frame("staff", records.roster_rows(ref / ROSTER_FILES["staff"], "staff", config))
    ins = config.institution
    matcher = UnitMatcher(units, config.thresholds.unit_match_score, (ins.name_zh, *ins.short_zh))
    ctx = records.Context(config, matcher, dict(zip(units["unit"], units["kind"], strict=True)),
                          strict=is_strict() if strict is None else strict, reader=reader or tables.read_tables,
                          staff_names=frozenset(staff["name"].dropna()))  # tell a column of persons by its values
    files = sources.candidate_files(root)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(files) >= 40 else 1
    read = returns.read_returns(files, root, ctx, workers=workers, progress=progress)
    rosters = {"units": units, "staff": staff}
    messages = roster_messages(rosters)
    frames = {**read.tables, **rosters}
    skipped = [records.submission(f"{paths.REFERENCE_DIR_NAME}/{ROSTER_FILES[r]}", None, status="skipped", message=m)
               for r, m in messages.items()]
    if skipped:
        frames["submissions"] = returns.concat([frames["submissions"], returns.typed_frame("submissions", skipped)])
    # record ids and the record history against the previous round's archive (none without ``out``: all new)
    previous = changes.load_previous(out, config.round.previous)
    frames = changes.assign_record_ids(frames, previous)
    frames[changes.HISTORY] = changes.record_history(frames, previous, str(config.round.name))
    frames = {t: frames[t] for t in TABLES}
    res = IngestResult(frames, len(files), units_without_return(frames), root, read.errors,
                       roster_messages=list(messages.values()))
    if out is not None:
        res.error_log = write_ingest(res, out, config)
    return res


def units_without_return(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The roster units, in roster order, outside :func:`netmedia.validate.derive.returned_units` (the ingest
    summary's "units with no submission"; R-complete's 未报送 findings and :func:`submission_status`'s 未报送 are
    the same units)."""
    returned = derive.returned_units_of(tables)
    return [u for u in tables["units"]["unit"] if u not in returned]


ROSTER_FILES = {"units": "units.xlsx", "staff": "staff.xlsx"}  # under data_raw/reference/


def roster_messages(rosters: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Roster -> what a person must know when it is missing or has no rows: the run goes on, and the rules
    that compare with it are not checked (rules.toml ``needs_roster``). Shown in the ingest summary and kept
    as the roster's ``skipped`` row of ``submissions``."""
    out = {}
    for roster, frame in rosters.items():
        if frame.empty:
            rules = "、".join(not_checked([roster]))
            out[roster] = f"{ROSTER_ZH[roster]}缺失或没有数据行：{rules or '无规则'} {NOT_CHECKED}"
    return out


def write_ingest(res: IngestResult, out: Path, config: Config) -> Path | None:
    """The Parquet tables, the error log (only when there is something to log) and the round's archive, written
    into a staging folder swapped in at ``out`` when all is written (:func:`netmedia.outputs.staged`), so a
    killed run leaves the previous tables and archives whole. Returns the error log's path when there is one.
    Call it under :func:`netmedia.outputs.lock` (``ingest`` does)."""
    stale = (ERROR_LOG,)  # the previous run's error log is not carried over
    with outputs.staged(out, skip=stale) as new:
        for name, df in res.tables.items():
            df.to_parquet(new / f"{name}.parquet", index=False)
        if res.errors:
            (new / ERROR_LOG).write_text("\n\n".join(res.errors), encoding="utf-8")
        outputs.carry_over(out, new, skip=stale)  # rounds/ (the archives), README.md: before the new archive
        kept = history.supersede(new, str(config.round.name))
        history.archive_round(new, config)
    res.superseded = history.rounds_dir(out) / kept.name if kept else None
    return out / ERROR_LOG if res.errors else None


def submission_status_words() -> dict[str, str]:
    """The 报送状态 word of each status code (on_time, undated, late, consolidated, missing): the
    ``[submission_status_words]`` list of ``data/categories.toml``, read like every other shown word."""
    return dict(schema.choice_words("submission_status_words"))


def submission_status(tables: dict[str, pd.DataFrame], config: Config) -> pd.DataFrame:
    """Per roster unit (and per unknown unit that sent an annex): annexes received, when, and whether on time
    (Chinese column names, for people).

    Whether a unit submitted is :func:`netmedia.validate.derive.returned_units` (R-complete's fact, the ingest's
    "no return from" list and the dashboard read the same set): ``missing`` (未报送) is exactly the roster units
    outside it. A unit in it with no annex of its own was named by a consolidated registry's rows:
    ``consolidated`` (见汇总台账). The words: :func:`submission_status_words`. Lateness is
    R-deadline's fact, ``is_late``; the annexes are counted under the roster's spelling of the unit (an alias
    is the unit)."""
    units = tables["units"]
    subs = derive.derive_submissions(tables["submissions"], config)
    subs["unit"] = derive.roster_spelling(subs["unit"], units)
    got = subs[subs["annex"].notna() & subs["unit"].notna()]
    agg = got.groupby("unit").agg(
        annex2=("annex", lambda a: (a == "2").any()),
        annex3=("annex", lambda a: (a == "3").any()),
        received_at=("received_at", "max"),
        late=("is_late", "any"),
        rows=("rows_clean", "sum"),
    )
    out = units[["unit", "kind"]].drop_duplicates("unit").set_index("unit").join(agg, how="outer")
    returned = derive.returned_units_of(tables)
    word = submission_status_words()
    state = pd.Series(word["on_time"], index=out.index, dtype="str")
    own = out.index.isin(list(agg.index))  # sent an annex of its own
    state[own & out["received_at"].isna()] = word["undated"]  # no time: neither on time nor late
    state[out["late"].fillna(False).astype(bool)] = word["late"]
    state[~own & out.index.isin(list(returned))] = word["consolidated"]
    state[~out.index.isin(list(returned))] = word["missing"]
    out["state"] = state
    out = out.drop(columns="late").reset_index().rename(columns={"index": "unit"})
    return out.rename(columns={"unit": "单位", "kind": "单位类别", "annex2": "附件2", "annex3": "附件3",
                               "received_at": "报送时间", "rows": "有效行数", "state": "报送状态"})


def rejects_by_reason(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How many rows were set aside and why, with the files concerned."""
    rej = tables["rejects"]
    reason = rej["reason"].fillna("").str.replace(r"\s*\(header found:.*", "", regex=True)
    g = rej.assign(reason=reason).groupby("reason")
    return pd.DataFrame({"行数": g.size(), "文件数": g["source_file"].nunique()}).sort_values("行数", ascending=False)


#: How a column's field was decided (``submissions.column_map``'s ``basis``), for people.
BASIS_ZH = {"header": "表头", "values": "取值", "both": "表头+取值", "none": "未识别", "stamp": "模板印记"}


def column_maps(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every sheet's columns as the ingest read them, one row per column (``submissions.column_map``): its header
    label, the field it was taken for (Chinese header; blank: not used), whether the label, the values or both
    decided it, the score, and any conflict between label and values (reported, never silently resolved)."""
    subs = tables["submissions"]
    rows = []
    for sub in subs[subs["column_map"].notna()].itertuples(index=False):
        zh = schema.zh_headers(annex.ANNEX_TABLE.get(sub.annex, "platforms"))
        for c in json.loads(sub.column_map):
            rows.append({"来源文件": sub.source_file, "工作表": sub.source_sheet, "附件": sub.annex,
                         "表头行": c["row"], "列": c["col"], "表头": c["label"],
                         "识别为": zh.get(c["column"], "") if c["column"] else "",
                         "依据": BASIS_ZH.get(c["basis"], c["basis"]), "得分": c["score"],
                         "冲突": c["conflict"] or ""})
    return pd.DataFrame(rows, columns=["来源文件", "工作表", "附件", "表头行", "列", "表头", "识别为", "依据", "得分",
                                       "冲突"])


def record_changes(clean: str | Path, *, unchanged: bool = False) -> pd.DataFrame:
    """The round's record history for people (notebook 04; Chinese column names): one row per new, closed,
    missing record and per changed field (``unchanged``: the unchanged records too), with the record's name
    (this round's, or the previous round's for a missing one) and how the unit's records were followed: by the
    record ids of the template it returned, or by identity key for an old-style return."""
    from netmedia.validate import checks

    tables = checks.load_clean_tables(clean)
    hist = tables.get(changes.HISTORY)
    spec = {k: schema.table_setting(changes.HISTORY, k, {}) for k in ("change_zh", "basis_zh")}
    if hist is None:
        hist = returns.typed_frame(changes.HISTORY, [])
        hist["previous_platform_name"] = pd.Series([], dtype="str")
    if not unchanged:
        hist = hist[hist["change"] != "unchanged"]
    named = [tables[t][["record_id", "platform_name"]] for t in changes.RECORD_TABLES
             if t in tables and {"record_id", "platform_name"} <= set(tables[t].columns)]
    names = pd.concat(named) if named else pd.DataFrame({"record_id": [], "platform_name": []}, dtype="str")
    name_of = names.drop_duplicates("record_id").set_index("record_id")["platform_name"]
    subs = tables.get("submissions", pd.DataFrame())
    by_template = set(subs.loc[subs["template"].notna(), "unit"]) if "template" in subs.columns else set()
    field_zh = [schema.zh_headers(t).get(f, f) if isinstance(f, str) else f
                for t, f in zip(hist["table"], hist["field"], strict=True)]
    out = pd.DataFrame({
        "单位": hist["unit"],
        "数据表": hist["table"].map(lambda t: schema.table_setting(t, "template_sheet", t)),
        "变化": hist["change"].map(spec["change_zh"]),
        "名称": hist["record_id"].map(name_of).fillna(hist["previous_platform_name"]),
        "字段": field_zh,
        "原值": hist["old"],
        "新值": hist["new"],
        "记录编号": hist["record_id"],
        "依据": hist["unit"].isin(by_template).map({True: spec["basis_zh"]["template"],
                                                  False: spec["basis_zh"]["old_style"]}),
        "轮次": hist["round"],
    })
    return out.astype("str").reset_index(drop=True)


# ------------------------------------------------------------------ check
@dataclass
class CheckReport:
    findings: pd.DataFrame
    ok: bool
    out: Path
    outputs: dict[str, object] = field(default_factory=dict)
    not_checked: dict[str, str] = field(default_factory=dict)  # rule id -> 未检查（缺少名册）：…
    removed: list[str] = field(default_factory=list)  # the previous run's outputs made from replaced findings

    def summary(self) -> str:
        f = self.findings
        lines = [f"netmedia check: {len(f)} findings "
                 f"({(f['severity'] == 'violation').sum()} violations, {(f['severity'] == 'warning').sum()} warnings)"]
        if len(f):
            by_rule = f.groupby(["rule", "severity"]).agg(findings=("rule", "size"), units=("unit", "nunique"))
            for (rule, sev), row in by_rule.iterrows():
                lines.append(f"  {rule:<13} {sev:<9} {row['findings']:6d} findings  {row['units']:4d} units")
        for rule, why in self.not_checked.items():
            lines.append(f"  {rule:<13} {why}")
        lines.append(f"  units affected: {f['unit'].nunique()}")
        for name, where in self.outputs.items():
            lines.append(f"  {name}: {where}")
        if self.removed:
            lines.append(f"  removed, made from the previous findings (已过期，notebook 03 or `netmedia run` makes them "
                         f"anew): {', '.join(self.removed)}")
        lines.append("  result: " + ("PASS (no violation)" if self.ok else "FAIL (violations to rectify)"))
        return "\n".join(lines)


def check_season(clean: Path, out: Path, config: Config, *, data_docs: bool = True, wait: float = 0.0) -> CheckReport:
    """Run the suites on the clean tables; write findings, rectification lists, registry workbooks, Data Docs and
    the clean tables' workbook for people (``clean_tables.xlsx``: the report stage writes it once per run).

    Under the lock of ``clean`` and ``out`` (``wait``: see :func:`netmedia.outputs.lock`), into a staging folder
    swapped in at ``out`` when all is written. The previous run's outputs that the later steps made from the
    findings this check replaces (:func:`made_from_findings`) are not carried over (the report names them); the
    others (executed notebooks, anything else) are."""
    from netmedia.report import rectification, registry
    from netmedia.report.clean_workbook import write_clean_workbook
    from netmedia.validate import checks

    out = Path(out)
    with outputs.lock([clean, out], wait=wait):
        tables = checks.load_clean_tables(clean)
        sent = findings_sent(out)  # before the staging folder replaces them
        stale = {name: (out / name).is_dir() for name in made_from_findings() if (out / name).exists()}
        with outputs.staged(out, skip=list(stale)) as new:
            result = checks.run_checks(tables, config, data_docs_dir=(new / "data_docs") if data_docs else None)
            findings = result.findings
            written = checks.write_findings(findings, new, result.not_checked)
            lists = rectification.write_rectification_lists(findings, tables, new, config)
            status = rectification_status(findings, tables.get("replies"), sent, config)
            status.to_parquet(new / STATUS_FILE, index=False)
            reg = registry.write_registry(tables, new, config)
            workbook = write_clean_workbook(tables, new, config.vocabulary)
    final = {p: out / p.relative_to(new) for p in [*reg, workbook]}
    where: dict[str, object] = {
        "findings": out / Path(written["xlsx"]).name if isinstance(written, dict) and "xlsx" in written else out,
        "rectification lists": f"{len(lists)} workbooks in {out / '整改清单'}",
        "rectification status": f"{out / STATUS_FILE} ({_status_counts(status)})",
        "registry": ", ".join(str(final[p]) for p in reg),
        "clean tables": final[workbook],
    }
    if data_docs:
        where["data docs"] = out / "data_docs" / "index.html"
    removed = [f"{name}/" if is_dir else name for name, is_dir in stale.items()]
    return CheckReport(findings, result.ok, out, where, result.not_checked, removed)


def made_from_findings() -> tuple[str, ...]:
    """The entries of ``reports/`` that the steps after the check make from its findings: the dashboard step's
    (``dashboard.html``, ``charts/``) and the documents step's (``情况通报.docx`` and its PDF, ``附件1/``).

    A check does not carry them over from the previous run: they show the findings it has just replaced, and
    beside the new findings they would look current (a circular, a unit's Annex 1 forms sent from the wrong
    season). They are removed, not kept aside: each is remade whole from the tables by notebook 03 (or
    ``netmedia run``), as the check remakes its own outputs."""
    from netmedia.report.circular import CIRCULAR_FILE
    from netmedia.report.dashboard import CHARTS_DIR, HTML_FILE
    from netmedia.report.documents import FORMS_DIR

    return HTML_FILE, CHARTS_DIR, CIRCULAR_FILE, Path(CIRCULAR_FILE).with_suffix(".pdf").name, FORMS_DIR


STATUS_FILE = "rectification_status.parquet"  # under reports/: each finding's status (open, replied, …)


def findings_sent(reports: Path) -> pd.DataFrame | None:
    """The findings the previous check sent out (``findings.parquet``) and the ones it already had a status for
    (``rectification_status.parquet``, so a resolved finding stays resolved): finding_id, unit, rule."""
    parts = []
    for name in ("findings.parquet", STATUS_FILE):
        p = Path(reports) / name
        if p.exists():
            df = pd.read_parquet(p)
            if {"finding_id", "unit", "rule"} <= set(df.columns):
                parts.append(df[["finding_id", "unit", "rule"]])
    return pd.concat(parts, ignore_index=True).drop_duplicates("finding_id") if parts else None


def rectification_status(findings: pd.DataFrame, replies: pd.DataFrame | None, sent: pd.DataFrame | None,
                         config: Config) -> pd.DataFrame:
    """Each finding's status: :func:`netmedia.validate.rectification_status.rectification_status`."""
    from netmedia.validate import rectification_status as rs

    return rs.rectification_status(findings, replies, sent, config)


def _status_counts(status: pd.DataFrame) -> str:
    from netmedia.validate.rectification_status import STATUSES

    counts = status["status"].value_counts()
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)


def rectification_progress(clean: str | Path, reports: str | Path) -> pd.DataFrame:
    """Rectification progress per unit (notebook 04): how many findings are 待整改 / 已回复 / 已整改 / 逾期, from
    ``reports/rectification_status.parquet`` (written by the check step); the units of the roster in ``clean``
    with no finding are listed with zeros. Units with overdue findings first."""
    from netmedia.report.rectification import UNKNOWN_UNIT
    from netmedia.validate.rectification_status import STATUS_ZH, progress_by_unit

    status = _read_status(reports)
    units_file = Path(clean) / "units.parquet"
    roster = pd.read_parquet(units_file)["unit"].dropna().tolist() if units_file.exists() else []
    table = progress_by_unit(status, roster, UNKNOWN_UNIT).rename(columns=STATUS_ZH)
    table["合计"] = table.sum(axis=1)
    table.index.name = "单位"
    return table.sort_values(["逾期", "待整改", "合计"], ascending=False, kind="stable").reset_index()


def _read_status(reports: str | Path) -> pd.DataFrame | None:
    p = Path(reports) / STATUS_FILE
    return pd.read_parquet(p) if p.exists() else None


def dashboard_tables(clean: str | Path, reports: str | Path) -> dict[str, pd.DataFrame]:
    """What the dashboard draws (``dashboard_step``, notebook 03): the clean tables, and the findings' statuses
    when the check step wrote them (unit and status only, for the rectification progress chart: never the
    replies' texts)."""
    from netmedia.report import charts
    from netmedia.validate import checks

    tables = checks.load_clean_tables(clean)
    status = _read_status(reports)
    if status is not None:
        tables[charts.RECTIFICATION_STATUS] = status[["unit", "status"]]
    return tables


def dashboard_step(clean: Path, reports: Path, config: Config, *, wait: float = 0.0) -> DashboardPaths:
    """The dashboard (``dashboard.html``, ``charts/``) from the clean tables and ``reports/findings.parquet``,
    written into a staging folder swapped in at ``reports`` when all is written (the check step's reports
    carried over). Returns :func:`netmedia.report.dashboard.build_dashboard`'s paths, moved to ``reports``."""
    from netmedia.report import dashboard

    reports = Path(reports)
    with outputs.lock([clean, reports], wait=wait):
        tables = dashboard_tables(clean, reports)
        findings = pd.read_parquet(reports / "findings.parquet")
        with outputs.staged(reports) as new:
            made = dashboard.build_dashboard(tables, findings, config, new)

    def moved(p: Path) -> Path:
        return reports / p.relative_to(new)

    return dashboard.DashboardPaths(moved(made.html), moved(made.charts_dir),
                                    {k: moved(v) for k, v in made.png.items()},
                                    {k: moved(v) for k, v in made.svg.items()}, made.export_seconds)


TEMPLATE_NEEDS = ("units", "platforms")  # the clean tables without which no template can be made


@dataclass
class TemplatesResult:
    """What ``netmedia templates`` wrote, and what the outbox privacy gate (:func:`check_outbox`) said of it."""

    out: Path
    written: list[Path]
    blocked: str = ""  # why the gate failed: a file of ``out`` holds what its unit must not receive

    @property
    def ok(self) -> bool:
        """False when the privacy gate failed (nothing is deleted: the files stay for a person to look at)."""
        return not self.blocked

    def summary(self) -> str:
        lines = [f"netmedia templates: 下一轮模板 templates written: {len(self.written)} in {self.out}"]
        if self.blocked:
            lines.append(f"  隐私检查未通过，请勿发送 DO NOT SEND: {self.blocked}")
        else:
            lines.append("  隐私检查通过 privacy gate passed")
        return "\n".join(lines)


def templates_step(clean: Path, out: Path, config: Config, *, wait: float = 0.0) -> TemplatesResult:
    """The next round's pre-filled templates (:func:`netmedia.report.templates.write_templates`), one per roster
    unit, from the clean tables under ``clean``, written into a staging folder swapped in at ``out`` (the
    previous templates there replaced), then passed through the outbox privacy gate (:func:`check_outbox`): they
    go to units, by mail or by hand, so the step that writes them checks them. FileNotFoundError when ``clean``
    lacks the roster or the platforms."""
    from netmedia.report import templates
    from netmedia.validate import checks

    clean, out = Path(clean), Path(out)
    missing = [t for t in TEMPLATE_NEEDS if not (clean / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"no clean tables {', '.join(missing)} in {clean} (run `netmedia ingest` first)")
    with outputs.lock([clean, out], wait=wait):
        tables_ = checks.load_clean_tables(clean)
        old = [p.name for p in out.glob("*.xlsx")] if out.is_dir() else []
        with outputs.staged(out, skip=old) as new:
            made = templates.write_templates(tables_, new, config)
        blocked = check_outbox(clean, out) or ""
    return TemplatesResult(out, [out / p.name for p in made], blocked)


def documents_step(clean: Path, reports: Path, config: Config, *, wait: float = 0.0) -> Written:
    """The season's documents after the dashboard (:func:`netmedia.report.documents.write_documents`): the Annex 1
    forms (``附件1/<单位>/``, a zip per unit), the circular ``情况通报.docx`` with the dashboard's charts, and
    their PDFs when ``[documents] pdf`` is on and LibreOffice is installed. Written into a staging folder swapped
    in at ``reports`` when all is written, the other steps' reports carried over (a PDF of the previous run's
    circular is not: this run may write none). Returns what was written, with paths under ``reports``."""
    from netmedia.report import documents
    from netmedia.report.circular import CIRCULAR_FILE
    from netmedia.validate import checks

    reports = Path(reports)
    with outputs.lock([clean, reports], wait=wait):
        tables = checks.load_clean_tables(clean)
        findings = pd.read_parquet(reports / "findings.parquet")
        with outputs.staged(reports, skip=[Path(CIRCULAR_FILE).with_suffix(".pdf").name]) as new:
            made = documents.write_documents(tables, findings, new, config, charts_dir=reports / "charts")

    def moved(ps: list[Path]) -> list[Path]:
        return [reports / p.relative_to(new) for p in ps]

    return documents.Written(reports / made.circular.relative_to(new), moved(made.forms), moved(made.zips),
                             moved(made.pdfs), made.pdf_seconds, made.pdf_skipped)


# ------------------------------------------------------------------ run
def run_season(raw: Path, config: Config, *, reports: Path, clean: Path, kernel: str | None = None,
               wait: float = 0.0) -> int:
    """Execute the notebooks in order with papermill, pass the outputs through the gates, say where they are.

    The run is one transaction over ``clean`` and ``reports`` (:func:`netmedia.outputs.staged_together`): the
    notebooks get the two staging folders as their ``clean_dir`` and ``reports_dir`` (each step inside still
    stages its own writes there), papermill writes the executed notebooks into the staging ``notebooks/``
    (never carried over from the previous run: papermill rewrites its file in place, and a carried file is a
    hard link to the live one), the gates read the staged outputs, and only then are both folders swapped
    in. So a run killed at any moment leaves ``data_clean/`` (with ``rounds/``) and ``reports/`` holding all
    their previous outputs or all the new ones: never the tables of one season with the reports of another,
    the findings of this run with the dashboard of the last, or half a notebook. A run that fails (a notebook
    raises, a gate finds personal data or a request to another host) swaps nothing in: the previous outputs
    stay, and the new ones are kept beside for a look (``.<folder>.rejected``). Returns the exit code.

    The whole run holds the lock of ``clean`` and ``reports`` (``wait``: see :func:`netmedia.outputs.lock`)."""
    clean, reports = Path(clean), Path(reports)
    with outputs.lock([clean, reports], wait=wait):
        if ensure_demo(raw, config):
            print(f"data_raw was empty: wrote a synthetic demo season of {DEMO_UNITS} units to {raw}")
        with outputs.staged_together([clean, reports], fresh={reports: [NOTEBOOK_DIR]}) as txn:
            new_clean, new_reports = txn[clean], txn[reports]
            failed = (_run_notebooks(raw, config, reports=new_reports, clean=new_clean, kernel=kernel)
                      or check_outputs(new_clean, new_reports))
            if failed:
                kept = txn.set_aside()
                print(f"netmedia run: {failed}\n  上一次的输出保持不变 / the previous outputs are unchanged; "
                      f"this run's outputs are kept in {kept[txn.key(reports)]} and {kept[txn.key(clean)]}",
                      file=sys.stderr)
                return 1
            _name_final_folders(new_reports / NOTEBOOK_DIR, {new_clean: txn.key(clean), new_reports: txn.key(reports)})
    print("\n".join([
        "season done:",
        f"  dashboard:            {reports / 'dashboard.html'}",
        f"  charts (PNG+SVG):     {reports / 'charts'}",
        f"  data docs:            {reports / 'data_docs' / 'index.html'}",
        f"  consolidated tables:  {reports / '网络媒体平台备案信息汇总表.xlsx'}, {reports / '师生网络媒体平台备案信息汇总表.xlsx'}",
        f"  rectification lists:  {reports / '整改清单'}",
        f"  circular, Annex 1:    {reports / '情况通报.docx'}, {reports / '附件1'} (the forms keep phones: internal)",
        f"  findings:             {reports / 'findings.xlsx'}",
        f"  clean tables:         {clean} (Parquet), {reports / 'clean_tables.xlsx'}",
        f"  executed notebooks:   {reports / NOTEBOOK_DIR}",
        "  shareable outputs:    scanned, no unmasked phone, 身份证 number or staff id",
        "  HTML outputs:         checked offline, no request to another host",
    ]))
    return 0


NOTEBOOK_DIR = "notebooks"  # under reports/: the executed notebooks


def _run_notebooks(raw: Path, config: Config, *, reports: Path, clean: Path, kernel: str | None) -> str | None:
    """Execute the notebooks on the given folders (a run's staging folders); what failed, or None."""
    import papermill as pm

    nb_out = reports / NOTEBOOK_DIR
    nb_out.mkdir(parents=True, exist_ok=True)
    params = {"raw_dir": str(raw.resolve()), "clean_dir": str(clean.resolve()), "reports_dir": str(reports.resolve()),
              "config_path": str(Path(config.path or paths.INSTITUTION_TOML).resolve())}
    env_backup = dict(os.environ)
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ[outputs.HOLDER_ENV] = str(os.getpid())  # the kernels die with this process (outputs.die_with_run)
    try:
        for nb in NOTEBOOKS:
            print(f"running {nb} ...", flush=True)
            pm.execute_notebook(str(paths.NOTEBOOKS / nb), str(nb_out / nb), parameters=params,
                                kernel_name=kernel or "python3", progress_bar=False, cwd=str(paths.NOTEBOOKS))
    except pm.PapermillExecutionError as e:
        return f"notebook failed: {e.ename}: {e.evalue}"
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    return None


def _name_final_folders(nb_dir: Path, final: dict[Path, Path]) -> None:
    """The executed notebooks ran on the staging folders: make what they show (their parameters, the paths
    they print) name the folders the run swaps them into, so a reader sees, and a rerun in JupyterLab uses,
    the real ``data_clean/`` and ``reports/``."""
    import nbformat

    pairs = sorted(((str(a), str(b)) for a, b in final.items()), key=lambda ab: -len(ab[0]))

    def renamed(value: object) -> object:
        if isinstance(value, str):
            for staged_name, final_name in pairs:
                value = value.replace(staged_name, final_name)
            return value
        if isinstance(value, list):
            return [renamed(v) for v in value]
        if isinstance(value, dict):
            return {k: renamed(v) for k, v in value.items()}
        return value

    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        path.unlink()  # a fresh file, never rewritten in place
        nbformat.write(nbformat.from_dict(renamed(nb)), path)


def check_outputs(clean: Path, reports: Path) -> str | None:
    """The last gates before anything is shared (``netmedia run`` passes its staged outputs through them): every
    shareable output scanned for personal data (the shapes of phones and 身份证 numbers, the staff ids and the
    season's own phone cells, malformed ones included), every HTML output (and what it loads) for requests to
    another host. What failed, or None. (What goes to units, ``outbox/``, has its own gate, :func:`check_outbox`,
    run by the steps that write it.)"""
    from netmedia.report import offline, privacy

    try:
        privacy.check_shareable(reports, *privacy.season_personal_data(clean))
    except privacy.PersonalDataLeak as e:
        return f"personal data in shareable outputs, do not send them: {e}"
    try:
        offline.check_offline(reports)
    except offline.ExternalReference as e:
        return str(e)
    return None


def check_outbox(clean: Path, outbox: Path, config: Config | None = None) -> str | None:
    """The gate of what goes to units from ``outbox`` (the mail drafts ``<unit>.eml``, body and attachments, and
    the next-round templates, searched recursively): each unit's files carry no other unit's people (names,
    phones) and no unmasked phone, 身份证 number or staff id, but the unit's own phones in its own next-round
    template (:func:`netmedia.report.privacy.check_outbox`) and, given ``config``, the phones the department
    writes in its mails' wording (``config/mail.toml``). What failed, or None."""
    from netmedia.report import mail, privacy

    wording = mail.mail_toml_for(config) if config is not None else None
    text = wording.read_text(encoding="utf-8") if wording is not None and wording.exists() else ""
    try:
        privacy.check_outbox(outbox, privacy.SeasonPeople(clean, text))
    except privacy.PersonalDataLeak as e:
        return f"personal data in the outbox, do not send it: {e}"
    return None


def is_demo(raw: Path) -> bool:
    """The season under ``raw`` was written by the generator (its truth file is there)."""
    return (Path(raw) / "reference" / "truth.json").exists()


def demo_previous_round(clean: Path, config: Config) -> Path:
    """Archive a derived previous round so the history notebook has two rounds to compare (demo only); written
    like the ingest step: under the lock, in a staging folder swapped in at ``clean``."""
    from netmedia.samples.previous import write_previous_round

    clean = Path(clean)
    with outputs.lock([clean]), outputs.staged(clean) as new:
        outputs.carry_over(clean, new)
        name = config.round.previous or str(config.round.year - 1)
        shutil.rmtree(history.rounds_dir(new) / name, ignore_errors=True)  # carried as links: never rewritten
        made = write_previous_round(new, config)
    return history.rounds_dir(clean) / made.name


# ------------------------------------------------------------------ mail
def mail_step(reports: Path, out: Path, config: Config, *, clean: Path, templates: Path,
              send: bool = False) -> MailResult:
    """One ``.eml`` draft per unit into ``out`` (:mod:`netmedia.report.mail`): its rectification list from
    ``reports/整改清单/``, its next-round template from ``templates``, a reminder (催报) when its 报送状态
    (:func:`submission_status`, from the clean tables in ``clean``) calls for one. With ``send``, the drafts
    with a mailbox go out over SMTP (settings from the environment, read before anything is written), unless
    the drafts fail the privacy gate (:func:`check_outbox`): then nothing is sent and the result says why.

    MailError (a usage or input error) when ``reports`` or the clean tables are missing, or ``send`` is asked
    without an SMTP host; ConfigError when ``config/mail.toml`` is missing or malformed."""
    from netmedia.report import mail
    from netmedia.validate.checks import load_clean_tables

    reports, clean = Path(reports), Path(clean)
    if not reports.is_dir():
        raise mail.MailError(f"reports folder not found: {reports} (run `netmedia check` first)")
    tables = load_clean_tables(clean)
    if "submissions" not in tables or "units" not in tables:
        raise mail.MailError(f"no clean tables in {clean} (run `netmedia ingest` first)")
    settings = mail.smtp_settings() if send else None
    wording = mail.load_wording(mail.mail_toml_for(config))
    result = mail.write_drafts(submission_status(tables, config), tables["units"], reports, Path(templates),
                               Path(out), config, wording)
    result.blocked = check_outbox(clean, Path(out), config) or ""
    return mail.send_drafts(result, settings) if settings and not result.blocked else result
