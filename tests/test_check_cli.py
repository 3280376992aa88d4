"""`netmedia check` gates a season: exit 0 on a clean season, 1 when a violation is found, 2 on usage errors."""

from __future__ import annotations

import subprocess
import sys

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
