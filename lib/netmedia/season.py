"""The season as steps the notebooks and the CLI share: ingest, check, dashboard, history, run.

Notebooks stay thin by calling these; ``netmedia run`` executes the notebooks
in order with papermill, so the CLI and JupyterLab produce the same reports.
Folders come from the caller, else from environment overrides
(``NETMEDIA_DATA_RAW``, ``NETMEDIA_DATA_CLEAN``, ``NETMEDIA_REPORTS``,
``NETMEDIA_CONFIG``), else from ``netmedia.paths``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netmedia import paths
from netmedia.config import Config, load_config

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
    from netmedia.extract.sources import candidate_files

    return raw.is_dir() and bool(candidate_files(raw))


def ensure_demo(raw: Path, config: Config, *, n_units: int = DEMO_UNITS, seed: int = 0) -> bool:
    """Write a synthetic demo season into an empty ``raw`` so the job always has something real to chew."""
    if has_returns(raw):
        return False
    from netmedia import samples

    raw.mkdir(parents=True, exist_ok=True)
    samples.generate(raw, n_units=n_units, seed=seed, config=config)
    return True


# ------------------------------------------------------------------ ingest
def ingest_step(raw: Path, clean: Path, config: Config):
    """Ingest ``raw`` into ``clean`` and archive the round under ``clean/rounds/<round>/``."""
    from netmedia.report import history
    from netmedia.transform.returns import ingest

    res = ingest(raw, clean, config)
    history.archive_round(clean, config)
    return res


def submission_status(tables: dict[str, pd.DataFrame], config: Config) -> pd.DataFrame:
    """Per roster unit: annexes received, when, and whether on time (Chinese column names, for people)."""
    subs = tables["submissions"]
    got = subs[subs["annex"].notna() & subs["unit"].notna()]
    agg = got.groupby("unit").agg(
        annex2=("annex", lambda a: (a == "2").any()),
        annex3=("annex", lambda a: (a == "3").any()),
        received_at=("received_at", "max"),
        rows=("rows_clean", "sum"),
    )
    units = tables["units"][["unit", "kind"]].drop_duplicates("unit").set_index("unit")
    out = units.join(agg, how="outer")
    deadline = pd.Timestamp(config.round.deadline) + pd.Timedelta(days=1)
    state = pd.Series("按时报送", index=out.index, dtype="str")
    state[out["received_at"].isna() & out["annex2"].fillna(False).astype(bool)] = "已报送（时间不详）"
    state[out["received_at"] >= deadline] = "逾期报送"
    state[out["annex2"].isna() & out["annex3"].isna()] = "未报送"
    out["state"] = state
    out = out.reset_index().rename(columns={"index": "unit"})
    return out.rename(columns={"unit": "单位", "kind": "单位类别", "annex2": "附件2", "annex3": "附件3",
                               "received_at": "报送时间", "rows": "有效行数", "state": "报送状态"})


def rejects_by_reason(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How many rows were set aside and why, with the files concerned."""
    rej = tables["rejects"]
    reason = rej["reason"].fillna("").str.replace(r"\s*\(header found:.*", "", regex=True)
    g = rej.assign(reason=reason).groupby("reason")
    return pd.DataFrame({"行数": g.size(), "文件数": g["source_file"].nunique()}).sort_values("行数", ascending=False)


# ------------------------------------------------------------------ check
@dataclass
class CheckReport:
    findings: pd.DataFrame
    ok: bool
    out: Path
    outputs: dict[str, object] = field(default_factory=dict)

    def summary(self) -> str:
        f = self.findings
        lines = [f"netmedia check: {len(f)} findings "
                 f"({(f['severity'] == 'violation').sum()} violations, {(f['severity'] == 'warning').sum()} warnings)"]
        if len(f):
            by_rule = f.groupby(["rule", "severity"]).agg(findings=("rule", "size"), units=("unit", "nunique"))
            for (rule, sev), row in by_rule.iterrows():
                lines.append(f"  {rule:<13} {sev:<9} {row['findings']:6d} findings  {row['units']:4d} units")
        lines.append(f"  units affected: {f['unit'].nunique()}")
        for name, where in self.outputs.items():
            lines.append(f"  {name}: {where}")
        lines.append("  result: " + ("PASS (no violation)" if self.ok else "FAIL (violations to rectify)"))
        return "\n".join(lines)


def check_season(clean: Path, out: Path, config: Config, *, data_docs: bool = True) -> CheckReport:
    """Run the suites on the clean tables; write findings, rectification lists, registry workbooks, Data Docs."""
    from netmedia.report import rectification, registry
    from netmedia.validate import checks

    tables = checks.load_clean_tables(clean)
    out.mkdir(parents=True, exist_ok=True)
    result = checks.run_checks(tables, config, data_docs_dir=(out / "data_docs") if data_docs else None)
    findings = result.findings
    written = checks.write_findings(findings, out)
    lists = rectification.write_rectification_lists(findings, tables, out, config)
    reg = registry.write_registry(tables, out, config)
    outputs: dict[str, object] = {
        "findings": written.get("xlsx", out) if isinstance(written, dict) else out,
        "rectification lists": f"{len(lists)} workbooks in {out / '整改清单'}",
        "registry": ", ".join(str(p) for p in reg),
    }
    if data_docs:
        outputs["data docs"] = out / "data_docs" / "index.html"
    return CheckReport(findings, result.ok, out, outputs)


# ------------------------------------------------------------------ run
def run_season(raw: Path, config: Config, *, reports: Path, clean: Path, kernel: str | None = None) -> int:
    """Execute the notebooks in order with papermill into ``reports/notebooks/`` and say where the outputs are."""
    import papermill as pm

    made = ensure_demo(raw, config)
    if made:
        print(f"data_raw was empty: wrote a synthetic demo season of {DEMO_UNITS} units to {raw}")
    nb_out = reports / "notebooks"
    nb_out.mkdir(parents=True, exist_ok=True)
    params = {"raw_dir": str(raw.resolve()), "clean_dir": str(clean.resolve()), "reports_dir": str(reports.resolve()),
              "config_path": str(Path(config.path or paths.INSTITUTION_TOML).resolve())}
    env_backup = dict(os.environ)
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    try:
        for nb in NOTEBOOKS:
            print(f"running {nb} ...", flush=True)
            pm.execute_notebook(str(paths.NOTEBOOKS / nb), str(nb_out / nb), parameters=params,
                                kernel_name=kernel or "python3", progress_bar=False, cwd=str(paths.NOTEBOOKS))
    except pm.PapermillExecutionError as e:
        print(f"netmedia run: notebook failed: {e.ename}: {e.evalue}", file=sys.stderr)
        return 1
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    print("\n".join([
        "season done:",
        f"  dashboard:            {reports / 'dashboard.html'}",
        f"  charts (PNG+SVG):     {reports / 'charts'}",
        f"  data docs:            {reports / 'data_docs' / 'index.html'}",
        f"  consolidated tables:  {reports / '网络媒体平台备案信息汇总表.xlsx'}, {reports / '师生网络媒体平台备案信息汇总表.xlsx'}",
        f"  rectification lists:  {reports / '整改清单'}",
        f"  findings:             {reports / 'findings.xlsx'}",
        f"  clean tables:         {clean / 'clean_tables.xlsx'}",
        f"  executed notebooks:   {nb_out}",
    ]))
    return 0


def config_for(path: str | Path | None) -> Config:
    return load_config(path)


def is_demo(raw: Path) -> bool:
    """The season under ``raw`` was written by the generator (its truth file is there)."""
    return (Path(raw) / "reference" / "truth.json").exists()


def demo_previous_round(clean: Path, config: Config) -> Path:
    """Archive a derived previous round so the history notebook has two rounds to compare (demo only)."""
    from netmedia.samples.previous import write_previous_round

    return write_previous_round(clean, config)
