"""`netmedia ingest` on real Chinese office workbooks that are not Annex 2/3 returns: each named, none merged,
none crashing. The workbooks are read where they are (``../shared/real-workbooks``), never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netmedia import paths
from netmedia.config import load_config
from netmedia.season import ingest

REAL = Path(os.environ.get("NETMEDIA_REAL_WORKBOOKS") or Path(paths.ROOT).parent / "shared" / "real-workbooks")
pytestmark = [pytest.mark.realworkbooks,
              pytest.mark.skipif(not REAL.is_dir(), reason=f"real workbooks not found at {REAL} "
                                                           "(set NETMEDIA_REAL_WORKBOOKS)")]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return ingest(REAL, tmp_path_factory.mktemp("clean"), load_config(), workers=1, progress=False)


def test_ingest_reports_each_real_workbook_as_not_an_annex_table(result):
    files = sorted(p.name for p in REAL.iterdir() if p.suffix.lower() in (".xls", ".xlsx"))
    assert len(files) == 10
    t = result.tables
    assert len(t["platforms"]) == 0 and len(t["personal_accounts"]) == 0
    subs = t["submissions"]
    read = subs[subs["status"] != "skipped"]
    assert set(read["source_file"]) == set(files)
    # skipped: the notes file, and the rosters this folder lacks (reported as missing, their rules not checked)
    assert set(subs.loc[subs["status"] == "skipped", "source_file"]) <= {"SOURCES.md", "reference/units.xlsx",
                                                                          "reference/staff.xlsx"}
    # every sheet with content is named as not an annex table, with the header it found
    named = subs[subs["message"].str.startswith("not an Annex 2/3/4 table", na=False)]
    assert set(named["source_file"]) == set(files)
    assert (subs["rows_read"] == subs["rows_clean"] + subs["rows_rejected"]).all()
    lists = named[named["source_file"].str.startswith("01-")]["message"].iloc[0]
    assert "学校名称" in lists and "学校标识码" in lists  # the header it found, file 01 row 3
    # every non-empty row of every sheet is a reject with that reason
    rej = t["rejects"]
    assert rej["reason"].notna().all()
    assert len(rej) == subs["rows_rejected"].sum()


def test_no_sheet_failed_on_the_real_workbooks(result):
    """Strict mode (on in the tests) stops at a crash; a reason or message saying "sheet failed" fails too."""
    t = result.tables
    assert not t["rejects"]["reason"].str.startswith("sheet failed").any()
    assert not t["submissions"]["message"].fillna("").str.contains("sheet failed").any()
    assert result.errors == [] and result.error_log is None
