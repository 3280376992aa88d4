"""Hostile inputs fed in among a normal season: every one is a named reject (or its good rows are in), the rest
of the season comes out exactly as without it, and nothing is written outside the output folder (issues 2, 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import Run, run_ingest
from hostile_corpus import (
    FORMULA_NAMES,
    HostileCase,
    hostile_cases,
    million_rows_xlsx,
    sparse_corners_xlsx,
    wide_xlsx,
)

from netmedia.config import load_config

CASES = sorted(hostile_cases("水利学院"))
SEASON_TABLES = ("platforms", "personal_accounts")


@pytest.fixture(scope="session")
def corpus(season) -> dict[str, HostileCase]:
    _, units = season
    return hostile_cases(units[0])


@pytest.fixture(scope="session")
def baseline(season, test_config, tmp_path_factory) -> Run:
    root, _ = season
    return run_ingest(tmp_path_factory.mktemp("baseline"), root, {}, test_config)


@pytest.fixture(scope="session")
def hostile_run(season, corpus, test_config, tmp_path_factory) -> Run:
    root, _ = season
    extra = {rel: data for case in corpus.values() for rel, data in case.files.items()}
    return run_ingest(tmp_path_factory.mktemp("hostile"), root, extra, test_config)


def _file_msgs(run: Run, rel: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = run.t
    return t["rejects"][t["rejects"]["source_file"] == rel], t["submissions"][t["submissions"]["source_file"] == rel]


def _season_rows(run: Run, baseline: Run, table: str) -> pd.DataFrame:
    files = set(baseline.t["submissions"]["source_file"])
    df = run.t[table]
    df = df[df["source_file"].isin(files)]
    keys = [c for c in ("source_file", "source_sheet", "source_row") if c in df.columns]
    return df.sort_values(keys, na_position="first", kind="stable").reset_index(drop=True)


def test_baseline_season_ingests(baseline):
    t = baseline.t
    assert len(t["platforms"]) >= 20
    assert (t["submissions"]["status"] == "ok").sum() >= 5, t["submissions"]
    assert baseline.written_outside == []


@pytest.mark.parametrize("name", CASES)
def test_each_hostile_file_is_accounted(hostile_run, corpus, name):
    case = corpus[name]
    for rel in case.files:
        if rel.endswith((".zip", ".eml")):
            continue
        rej, sub = _file_msgs(hostile_run, rel)
        if case.expect == "reject":
            assert len(sub) == 1 and sub["status"].iloc[0] == "rejected", sub
            assert case.reason.lower() in str(sub["message"].iloc[0]).lower(), sub["message"].iloc[0]
            assert len(rej) >= 1 and rej["reason"].str.lower().str.contains(case.reason.lower(), regex=False).all()
            assert not (hostile_run.t["platforms"]["source_file"] == rel).any()
        else:
            assert (sub["status"] == "ok").any(), sub
    if case.expect == "rows":
        plat = hostile_run.t["platforms"]
        mine = plat[plat["source_file"].str.startswith(tuple(case.files))]
        assert set(case.platform_names) <= set(mine["platform_name"]), sorted(set(mine["platform_name"]))


def test_rest_of_season_unaffected(hostile_run, baseline):
    for table in SEASON_TABLES:
        pd.testing.assert_frame_equal(_season_rows(hostile_run, baseline, table), _season_rows(baseline, baseline, table))
    for table in ("submissions", "rejects"):
        pd.testing.assert_frame_equal(_season_rows(hostile_run, baseline, table), _season_rows(baseline, baseline, table))
    assert len(hostile_run.t["units"]) == len(baseline.t["units"])


def test_no_sheet_failed_in_the_hostile_season(hostile_run, baseline):
    """Hostile files are named rejects, never crashes: no "sheet failed" reason and no error log (strict mode,
    on for every test, would have stopped the run at the first crash)."""
    for run in (hostile_run, baseline):
        assert not run.t["rejects"]["reason"].str.startswith("sheet failed").any()
        assert not run.t["submissions"]["message"].fillna("").str.contains("sheet failed").any()
        assert run.result.errors == [] and not (run.out / "ingest_errors.log").exists()


def test_nothing_written_outside_the_output_folder(hostile_run):
    assert hostile_run.written_outside == []
    raw = hostile_run.raw
    for p in (raw / "x.xlsx", raw.parent / "x.xlsx", raw.parent.parent / "x.xlsx", raw / "hostile" / "x.xlsx",
              Path("/tmp/abs_x.xlsx"), raw / "tmp" / "abs_x.xlsx"):
        assert not p.exists(), p
    outputs = {p.name for p in hostile_run.out.iterdir()}
    assert "clean_tables.xlsx" in outputs and "rejects.parquet" in outputs


def test_issue2_acceptance(hostile_run, corpus, baseline):
    """Corrupt, encrypted, .txt renamed .xlsx, empty workbook, title only: each rejected with a clear message."""
    wanted = {"corrupt": "corrupt", "encrypted": "encrypted", "txt": "not a workbook", "empty_workbook": "empty",
              "title_only": "header found: none"}
    for name, word in wanted.items():
        [rel] = corpus[name].files
        rej, sub = _file_msgs(hostile_run, rel)
        assert corpus[name].issue2
        assert len(rej) and len(sub), name
        assert (sub["status"] == "rejected").all(), (name, sub)
        assert word in " ".join(sub["message"].astype(str)).lower(), (name, sub["message"].tolist())
    assert len(_season_rows(hostile_run, baseline, "platforms")) == len(baseline.t["platforms"]) > 0


def test_zip_bomb_refused_by_size_guard(hostile_run, corpus, test_config):
    [rel] = corpus["zip_bomb"].files
    _, sub = _file_msgs(hostile_run, rel)
    msg = sub["message"].iloc[0]
    assert "too large" in msg and str(test_config.limits.max_uncompressed_bytes) in msg, msg


def test_title_only_rows_are_rejected_not_lost(hostile_run, corpus):
    [rel] = corpus["title_only"].files
    rej, sub = _file_msgs(hostile_run, rel)
    assert rej["source_row"].tolist() == [1]
    assert sub["rows_read"].iloc[0] == 1 and sub["rows_rejected"].iloc[0] == 1


def test_formula_text_stays_text(hostile_run, corpus):
    [rel] = corpus["formulas"].files
    plat = hostile_run.t["platforms"]
    names = plat.loc[plat["source_file"] == rel, "platform_name"].tolist()
    assert set(FORMULA_NAMES) | {"缓存值"} == set(names)  # a real formula cell gives its cached value, never the code
    wb = openpyxl.load_workbook(hostile_run.out / "clean_tables.xlsx")
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in FORMULA_NAMES:
                    seen[c.value] = c.data_type
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert set(seen) == set(FORMULA_NAMES) and set(seen.values()) == {"s"}, seen


def test_control_chars_emoji_and_32767_char_strings(hostile_run, corpus):
    [rel] = corpus["weird_text"].files
    plat = hostile_run.t["platforms"]
    mine = plat[plat["source_file"] == rel].sort_values("source_row")
    assert len(mine) == 3
    names = mine["platform_name"].tolist()
    assert "😀📱" in names[1]
    assert len(names[2]) == 32_767 and len(mine["remarks"].iloc[2]) == 32_767
    # Control characters: kept verbatim or stripped in the clean table (normalize.text keeps them today) ...
    assert names[0] in ("控制\x01字符\x07平台", "控制字符平台")
    wb = openpyxl.load_workbook(hostile_run.out / "clean_tables.xlsx", read_only=True)
    values = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("😀📱" in v for v in values)
    assert any(len(v) == 32_767 for v in values)
    # ... but never reach the workbook (an XML 1.0 control character makes Excel refuse the file).
    assert "控制字符平台" in values
    assert not any(ch in v for v in values for ch in "\x01\x07")


def test_merged_header(hostile_run, corpus):
    [rel] = corpus["merged_header"].files
    plat = hostile_run.t["platforms"]
    mine = plat[plat["source_file"] == rel]
    assert set(mine["platform_name"]) == {"合并表头平台甲", "合并表头平台乙"}
    assert set(mine["supervisor"]) == {"王建国"} and set(mine["operator"]) == {"李明"}


def test_fifty_sheets(hostile_run, corpus, test_config):
    [rel] = corpus["fifty_sheets"].files
    rej, sub = _file_msgs(hostile_run, rel)
    assert len(sub) == 50
    limit = test_config.limits.max_sheets
    not_read = sub[sub["source_sheet"].isin(corpus["fifty_sheets"].notes["not_read"])]
    assert len(not_read) == 50 - limit and (not_read["status"] == "rejected").all()
    assert not_read["message"].str.contains(f"more than {limit} sheets").all()
    assert set(rej.loc[rej["reason"].str.contains("sheets"), "source_sheet"]) == set(not_read["source_sheet"])


def test_same_file_name_in_two_folders(hostile_run, corpus):
    rels = list(corpus["same_name"].files)
    plat = hostile_run.t["platforms"]
    got = plat[plat["platform_name"] == "同名文件平台"]
    assert sorted(got["source_file"]) == sorted(rels)


@pytest.mark.parametrize("name", ["zip_traversal", "eml_traversal"])
def test_traversal_member_names_are_provenance_only(hostile_run, corpus, name):
    case = corpus[name]
    [container] = case.files
    plat = hostile_run.t["platforms"]
    got = set(plat.loc[plat["platform_name"] == "穿越平台", "source_file"])
    assert {f"{container}!{m}" for m in case.notes["members"]} <= got
    assert hostile_run.written_outside == []


# ------------------------------------------------------------------------------------------ huge sheets
@pytest.mark.parametrize("name", ["million_rows", "wide_16384"])
def test_huge_sheets_rejected_in_bounded_time_and_memory(season, tmp_path, name):
    """Production limits: a million rows / 16,384 columns -> the sheet is rejected with a reason, fast."""
    root, _ = season
    data = million_rows_xlsx() if name == "million_rows" else wide_xlsx()
    rel = f"hostile/{name}.xlsx"
    run = run_ingest(tmp_path, root, {rel: data}, load_config())
    rej, sub = _file_msgs(run, rel)
    word = "too many rows" if name == "million_rows" else "too many columns"
    assert len(sub) == 1 and sub["status"].iloc[0] == "rejected" and word in sub["message"].iloc[0], sub
    assert len(rej) == 1 and word in rej["reason"].iloc[0]
    assert run.seconds < 20, run.seconds
    assert run.peak_rss_growth < 1.5e9, run.peak_rss_growth
    assert len(run.t["platforms"]) > 0 and run.written_outside == []


def test_sparse_far_corner_cells_do_not_kill_the_run(tmp_path):
    """Three cells at A1, XFD1 and A100000 (a 400-byte file): the ingest must reject it, not abort."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "corner.xlsx").write_bytes(sparse_corners_xlsx())
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from netmedia.season import ingest
        res = ingest({str(raw)!r}, None, workers=1, progress=False)
        print(res.tables["submissions"][["source_file", "status", "message"]].to_json(orient="records"))
    """)
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stderr[-500:]
    assert "rejected" in p.stdout and "too many" in p.stdout
