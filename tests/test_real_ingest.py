"""`netmedia ingest` on real Chinese office workbooks that are not Annex 2/3 returns: each named, none merged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from netmedia import paths
from netmedia.config import load_config
from netmedia.transform.returns import ingest

REAL = Path(os.environ.get("NETMEDIA_REAL_WORKBOOKS") or Path(paths.ROOT).parent / "shared" / "real-workbooks")
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"real workbooks not found at {REAL} (set NETMEDIA_REAL_WORKBOOKS)")


def test_ingest_reports_each_real_workbook_as_not_an_annex_table(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    files = sorted(p for p in REAL.iterdir() if p.suffix.lower() in (".xls", ".xlsx"))
    assert len(files) == 10
    for p in files:  # copied into a scratch folder for the test only, never into the repo
        shutil.copyfile(p, raw / p.name)
    res = ingest(raw, tmp_path / "clean", load_config(), workers=1, progress=False)
    t = res.tables
    assert len(t["platforms"]) == 0 and len(t["personal_accounts"]) == 0
    subs = t["submissions"]
    assert set(subs["source_file"]) == {p.name for p in files}
    # every sheet with content is named as not an annex table, with the header it found
    named = subs[subs["message"].str.startswith("not an Annex 2/3 table", na=False)]
    assert set(named["source_file"]) == {p.name for p in files}
    assert (subs["rows_read"] == subs["rows_clean"] + subs["rows_rejected"]).all()
    lists = named[named["source_file"].str.startswith("01-")]["message"].iloc[0]
    assert "学校名称" in lists and "学校标识码" in lists  # the header it found, file 01 row 3
    # every non-empty row of every sheet is a reject with that reason
    rej = t["rejects"]
    assert rej["reason"].notna().all()
    assert len(rej) == subs["rows_rejected"].sum()
