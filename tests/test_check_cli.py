"""`netmedia check` gates a season: exit 0 on a clean season, 1 when a violation is found, 2 on usage errors."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from netmedia import samples
from netmedia.config import load_config
from netmedia.season import ingest

pytestmark = pytest.mark.slow
EXE = [sys.executable, "-m", "netmedia"]


def _season(tmp_path, violations: bool):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    samples.generate(raw, n_units=20, seed=11, violations=violations)
    ingest(raw, clean, load_config(), workers=1, progress=False)
    return clean


@pytest.mark.parametrize(("violations", "code"), [(False, 0), (True, 1)])
def test_exit_code_and_summary(tmp_path, violations, code):
    clean = _season(tmp_path, violations)
    out = tmp_path / "reports"
    p = subprocess.run([*EXE, "check", str(clean), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert p.returncode == code, p.stdout + p.stderr[-2000:]
    assert "netmedia check:" in p.stdout and "units affected" in p.stdout
    assert len(p.stdout.splitlines()) <= 30  # one screen
    assert (out / "findings.parquet").exists() and (out / "网络媒体平台备案信息汇总表.xlsx").exists()
    if violations:
        assert "R-zombie" in p.stdout and "FAIL" in p.stdout
        assert any((out / "整改清单").glob("*.xlsx"))
    else:
        assert "PASS" in p.stdout
    assert "Calculating Metrics" not in p.stderr  # GX progress bars are off


def test_usage_errors_exit_2(tmp_path):
    p = subprocess.run([*EXE, "check", str(tmp_path / "nothing"), "--out", str(tmp_path / "r")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "no clean tables" in p.stderr
    p = subprocess.run([*EXE, "check"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2


def _no_pdf_config(tmp_path):
    """A copy of the institution TOML without PDFs (LibreOffice is slow and beside the point here)."""
    from netmedia.paths import INSTITUTION_TOML

    text = INSTITUTION_TOML.read_text(encoding="utf-8")
    assert "\npdf = true\n" in text
    path = tmp_path / "institution.toml"
    path.write_text(text.replace("\npdf = true\n", "\npdf = false\n"), encoding="utf-8")
    shutil.copy(INSTITUTION_TOML.parent / "vocabulary.toml", tmp_path / "vocabulary.toml")
    shutil.copy(INSTITUTION_TOML.parent / "mail.toml", tmp_path / "mail.toml")
    return path


def test_check_alone_removes_the_documents_made_from_the_previous_findings(tmp_path):
    """Season A through every step (check, dashboard, documents), then season B ingested and `netmedia check`
    run alone: the circular, the Annex 1 forms, the dashboard and its charts were made from A's findings, so they
    must not stay beside B's findings looking current; the summary names what went and how to remake it."""
    from netmedia import season

    config_path = _no_pdf_config(tmp_path)
    config = load_config(config_path)
    clean, reports = tmp_path / "clean", tmp_path / "reports"
    samples.generate(tmp_path / "raw_a", n_units=6, seed=1)
    samples.generate(tmp_path / "raw_b", n_units=4, seed=7)
    ingest(tmp_path / "raw_a", clean, config, workers=1, progress=False)
    season.check_season(clean, reports, config, data_docs=False)
    season.dashboard_step(clean, reports, config)
    season.documents_step(clean, reports, config)
    made_from_a = ["dashboard.html", "charts", "情况通报.docx", "附件1"]  # by hand: what the two later steps write
    assert all((reports / name).exists() for name in made_from_a)
    units_a = {p.name for p in (reports / "附件1").iterdir() if p.is_dir()}

    ingest(tmp_path / "raw_b", clean, config, workers=1, progress=False)
    p = subprocess.run([*EXE, "--config", str(config_path), "check", str(clean), "--out", str(reports)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode in (0, 1), p.stdout + p.stderr[-2000:]
    left = [name for name in made_from_a if (reports / name).exists()]
    assert left == [], f"made from the previous findings, still in reports/: {left}"
    assert (reports / "findings.parquet").exists() and (reports / "整改清单").is_dir()  # the check's own outputs
    for name in made_from_a:
        assert name in p.stdout, p.stdout
    assert len(p.stdout.splitlines()) <= 30  # still one screen

    # the later steps remake them from B's findings: the forms are B's units' (A had units B has not)
    season.dashboard_step(clean, reports, config)
    season.documents_step(clean, reports, config)
    units_b = {p.name for p in (reports / "附件1").iterdir() if p.is_dir()}
    assert units_b and units_b != units_a
    b_units = set(pd.read_parquet(clean / "platforms.parquet")["unit"].dropna())
    assert units_b <= b_units

    # a second check with nothing stale to remove says nothing about removing
    p = subprocess.run([*EXE, "--config", str(config_path), "check", str(clean), "--out", str(reports)],
                       capture_output=True, text=True, timeout=600)
    assert "情况通报.docx" in p.stdout  # the documents B's dashboard and documents steps made: stale again
    p = subprocess.run([*EXE, "--config", str(config_path), "check", str(clean), "--out", str(reports)],
                       capture_output=True, text=True, timeout=600)
    assert "情况通报.docx" not in p.stdout and "附件1" not in p.stdout
