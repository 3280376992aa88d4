"""The ingest on a generated season: every planted row recovered, nothing invented, every row accounted for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from netmedia import samples  # a broken generator fails these tests: it must never turn them into skips
from netmedia import season as ns
from netmedia.config import load_config
from netmedia.transform import annex, records, returns


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    truth_path = samples.generate(raw, n_units=60, seed=7)
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    res = ns.ingest(raw, tmp_path_factory.mktemp("clean"), load_config(), workers=1, progress=False)
    return raw, truth, res


def _keys(records, cols):
    return {tuple(None if pd.isna(r.get(c)) else str(r.get(c)) for c in cols) for r in records}


@pytest.mark.parametrize("table", ["platforms", "personal_accounts"])
def test_every_planted_row_recovered_and_nothing_invented(season, table):
    _, truth, res = season
    cols = ["unit", "platform_name", "account_id"]
    want = _keys(truth[table], cols)
    got = _keys(res.tables[table].to_dict("records"), cols)
    assert want, "the generator planted no rows"
    missing, extra = want - got, got - want
    assert not missing, f"rows not recovered: {sorted(missing)[:5]}"
    assert not extra, f"rows invented: {sorted(extra)[:5]}"
    assert len(res.tables[table]) == len(truth[table])


@pytest.mark.parametrize("table", ["platforms", "personal_accounts"])
def test_provenance_points_at_the_row_the_unit_typed(season, table):
    _, truth, res = season
    prov = ["source_file", "source_sheet", "source_row"]
    want = {(t["source_file"], t["source_sheet"], int(t["source_row"])) for t in truth[table]}
    df = res.tables[table]
    got = set(zip(df["source_file"], df["source_sheet"], df["source_row"].astype(int), strict=True))
    assert got == want
    assert df[prov].notna().all().all()


def test_values_normalised_as_truth_says(season):
    _, truth, res = season
    df = res.tables["platforms"].set_index(["source_file", "source_sheet", "source_row"])
    fields = ["category", "platform_class", "owner_kind", "supervisor", "operator", "operator_phone",
              "last_updated_on", "status", "followers"]
    mismatches = []
    for t in truth["platforms"]:
        row = df.loc[(t["source_file"], t["source_sheet"], t["source_row"])]
        for f in fields:
            if f not in t:
                continue
            got, want = row[f], t[f]
            if f == "last_updated_on":
                got = None if pd.isna(got) else got.date().isoformat()
            elif pd.isna(got):
                got = None
            elif f in ("platform_class", "followers"):
                got = int(got)
            if got != want:
                mismatches.append((t["source_file"], t["source_row"], f, got, want))
    assert not mismatches, mismatches[:10]


def test_row_accounting_holds_for_every_sheet(season):
    _, truth, res = season
    subs, rej = res.tables["submissions"], res.tables["rejects"]
    assert (subs["rows_read"] == subs["rows_clean"] + subs["rows_rejected"]).all()
    clean = pd.concat([res.tables[t][["source_file", "source_sheet", "source_row"]]
                       for t in ("platforms", "personal_accounts", "groups")])
    for (f, s), sub in subs.groupby(["source_file", "source_sheet"], dropna=True):
        n_clean = ((clean["source_file"] == f) & (clean["source_sheet"] == s)).sum()
        n_rej = ((rej["source_file"] == f) & (rej["source_sheet"] == s)).sum()
        assert sub["rows_clean"].sum() == n_clean and sub["rows_rejected"].sum() == n_rej, (f, s)
    # every non-data row the generator wrote is a reject with a reason, and hidden sheets are not merged
    rej_keys = set(zip(rej["source_file"], rej["source_sheet"], rej["source_row"].astype("Int64"), strict=True))
    for r in truth["non_data_rows"]:
        assert (r["source_file"], r["source_sheet"], r["source_row"]) in rej_keys, r
    hidden = rej[rej["reason"] == "hidden sheet"]
    assert len(hidden) == len(truth["hidden_rows"])
    assert rej["reason"].notna().all()


def test_no_sheet_failed_on_a_generated_season(season):
    """No sheet of a generated season makes the ingest raise (strict mode would stop the run), and no reject or
    submission says "sheet failed"; the Annex 3 sheets of units without personal accounts are among them."""
    _, truth, res = season
    rej, subs = res.tables["rejects"], res.tables["submissions"]
    assert not rej["reason"].str.startswith("sheet failed").any()
    assert not subs["message"].fillna("").str.contains("sheet failed").any()
    assert res.errors == [] and res.error_log is None
    annex3 = subs[(subs["annex"] == "3") & (subs["status"] == "ok")]
    empty = annex3[annex3["rows_clean"] == 0]
    assert len(empty) > 0, "the generated season has no Annex 3 sheet without data rows"
    assert (empty["rows_read"] == empty["rows_rejected"]).all()


def test_units_and_received_dates(season):
    _, truth, res = season
    missing = sorted(u["unit"] for u in truth["units"] if not u["submitted"])
    assert sorted(res.units_missing) == missing and missing
    subs = res.tables["submissions"]
    for u in truth["units"]:
        if not u["submitted"]:
            continue
        got = subs.loc[subs["unit"] == u["unit"], "received_at"].dropna()
        if u["received_at"] is None:
            assert got.empty, u
        else:
            assert pd.Timestamp(u["received_at"]) in set(got), u


def test_outputs_written(season, tmp_path):
    """Parquet per table, the round archived, no error log; the workbook for people is the report stage's."""
    raw, _, _ = season
    out = tmp_path / "clean"
    out.mkdir()
    (out / "ingest_errors.log").write_text("from an earlier run", encoding="utf-8")
    config = load_config()
    res = ns.ingest(raw, out, config, workers=1, progress=False)
    names = ("platforms", "personal_accounts", "groups", "submissions", "rejects", "units", "staff", "replies", "record_history")
    assert tuple(res.tables) == names
    for t in names:
        back = pd.read_parquet(out / f"{t}.parquet")
        assert list(back.columns) == list(res.tables[t].columns)
        assert len(back) == len(res.tables[t])
        archived = out / "rounds" / str(config.round.name) / f"{t}.parquet"
        assert archived.exists() == (t in ("platforms", "personal_accounts", "groups", "submissions", "units",
                                           "record_history", "replies")), t  # replies archived since session 9
    assert not (out / "clean_tables.xlsx").exists()
    assert not (out / "ingest_errors.log").exists()  # a stale log is removed: nothing failed this time


def test_pool_and_serial_agree(season, tmp_path):
    """Two workers reading shares of the files give the very tables one process gives: same rows, same order."""
    raw, _, serial = season
    pooled = ns.ingest(raw, None, load_config(), workers=2, progress=False)
    assert set(pooled.tables) == set(serial.tables)
    for t, frame in serial.tables.items():
        pd.testing.assert_frame_equal(frame, pooled.tables[t], obj=t)


@pytest.mark.parametrize(("sizes", "n", "expected"), [
    ([10, 10, 10, 10], 2, ["ab", "cd"]),
    ([100, 1, 1, 1, 1], 2, ["a", "bcde"]),  # one big file weighs as much as the rest
    ([1, 1, 1, 100], 2, ["abc", "d"]),
    ([5, 5, 5], 4, ["a", "b", "c"]),  # never more shares than files
    ([0, 0, 0, 0], 2, ["abcd"]),  # nothing to weigh: one share
])
def test_shares_are_consecutive_and_weigh_alike(tmp_path, sizes, n, expected):
    files = []
    for name, size in zip("abcdef", sizes, strict=False):
        (tmp_path / name).write_bytes(b"x" * size)
        files.append(tmp_path / name)
    assert ["".join(p.name for p in share) for share in returns.shares(files, n)] == expected


def test_cli_exit_codes_and_summary(season, tmp_path):
    raw, _, _ = season
    exe = [sys.executable, "-m", "netmedia"]
    ok = subprocess.run([*exe, "ingest", str(raw), "--out", str(tmp_path / "o"), "--no-progress"],
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    for line in ("files read", "platforms:", "personal_accounts:", "rejects:", "units with no submission: 1"):
        assert line in ok.stdout
    assert "ERRORS" not in ok.stdout
    # the command does what notebook 01 does: tables and the round's archive
    round_dir = tmp_path / "o" / "rounds" / str(load_config().round.name)
    assert (round_dir / "platforms.parquet").exists() and (round_dir / "round.json").exists()
    missing = subprocess.run([*exe, "ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "o2")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "not found" in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[institution\n", encoding="utf-8")
    badcfg = subprocess.run([*exe, "--config", str(bad), "ingest", str(raw), "--out", str(tmp_path / "o3")],
                            capture_output=True, text=True)
    assert badcfg.returncode == 2 and "config" in badcfg.stderr
    assert not (tmp_path / "o3").exists()


def test_unit_from_filled_in_cell_when_file_name_says_nothing(tmp_path):
    """A workbook called 附件2.xlsx is attributed from its 填报单位 cell; an unknown unit is no guess: the row is
    kept without a unit (R-unit), not rejected."""
    import openpyxl

    (tmp_path / "reference").mkdir()
    for name, rows in {
        "units.xlsx": [["单位名称", "别名", "单位类别", "党组织书记", "行政负责人"], ["水利学院", "水院", "学院", "王一", "李二"]],
        "staff.xlsx": [["姓名", "工号", "所在单位", "人员状态"], ["张三", "1001", "水利学院", "在职"]],
    }.items():
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(tmp_path / "reference" / name)
    header = ["序号", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"]
    for fname, unit in (("附件2.xlsx", "水院"), ("附件2(1).xlsx", "外星学院")):
        d = tmp_path / fname.split(".")[0]
        d.mkdir()
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["附件2"])
        ws.append([f"填报单位（盖章）：{unit}"])
        ws.append(header)
        ws.append([1, "公众号", "华水水利", "slxy", "王一", "张三", "13800000360", "2023-04-01"])
        wb.save(d / fname)
    res = ns.ingest(tmp_path, None, load_config(), workers=1, progress=False)
    p = res.tables["platforms"].sort_values("source_file")
    assert p["source_file"].tolist() == ["附件2(1)/附件2(1).xlsx", "附件2/附件2.xlsx"]
    assert pd.isna(p["unit"].iloc[0]) and p["unit"].iloc[1] == "水利学院"
    assert not res.tables["rejects"]["reason"].str.contains("unit").any()


def test_absurd_follower_counts_do_not_stop_the_run(tmp_path, season):
    """A count no audience has (1e20 typed as a number, 400 digits typed as text) used to overflow the Int64
    column and stop the whole ingest: the row is clean with no count, and the rest of the season is unaffected."""
    import openpyxl

    src, _, before = season
    raw = tmp_path / "raw"
    shutil.copytree(src, raw)
    header = ["序号", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "粉丝数"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    ws.append([1, "公众号", "巨量平台", "huge1", "王一", "张三", "13800000360", 1e20])
    ws.append([2, "微博", "长数平台", "huge2", "王一", "张三", "13800000360", "1" * 400])
    ws.append([3, "抖音", "正常平台", "fine3", "王一", "张三", "13800000360", "1.2万"])
    wb.save(raw / f"备案信息汇总+{before.tables['units']['unit'].iloc[0]}-补充.xlsx")
    res = ns.ingest(raw, None, load_config(), workers=2, progress=False)
    p = res.tables["platforms"].set_index("platform_name")
    assert p["followers"].isna()["巨量平台"] and p["followers"].isna()["长数平台"]
    assert p.loc["正常平台", "followers"] == 12000
    assert len(res.tables["platforms"]) == len(before.tables["platforms"]) + 3


def test_map_columns_two_row_header_prefers_the_child():
    parts = [("序号",), ("平台名称",), ("运营管理负责人", "姓名"), ("运营管理负责人", "联系电话"), ("主管领导", "姓名"),
             ("主管领导", "职务"), ("最近\n更新时间",), ("粉丝数*",)]
    cmap = annex.map_columns("platforms", parts)
    assert cmap == {1: "platform_name", 2: "operator", 3: "operator_phone", 4: "supervisor", 5: "supervisor_title",
                    6: "last_updated_on", 7: "followers"}
    annex_no, _ = annex.choose_annex([("序号",), ("姓名",), ("身份",), ("平台类型",), ("账号名称",), ("粉丝数",)])
    assert annex_no == "3"
    annex_no, _ = annex.choose_annex([("学校名称",), ("学校标识码",), ("主管部门",), ("所在地",)])
    assert annex_no is None


def test_missing_rosters_do_not_stop_the_run(tmp_path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    res = ns.ingest(tmp_path, None, load_config(), workers=1, progress=False)
    assert res.files == 0 and len(res.tables["platforms"]) == 0


# ------------------------------------------------------------------ one workbook, by hand
HEADER2 = ["序号", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"]


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for k, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        for r in rows:
            ws.append(r)
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def _context(**kw) -> records.Context:
    from netmedia.transform.units import UnitMatcher

    units = pd.DataFrame({"unit": ["水利学院"], "aliases": [""], "kind": ["学院"], "party_head": [""], "admin_head": [""]})
    return records.Context(load_config(), UnitMatcher(units), {"水利学院": "学院"}, **kw)


def test_annex3_sheet_without_data_rows_gives_each_row_its_reason():
    """The bug of issue 12: an Annex 3 sheet holding only its title, header, a note and the signature line (a unit
    with no personal accounts) raised IndexError and every row became "sheet failed". Each row now has its reason,
    and the sheet counts as the unit's Annex 3."""
    from netmedia.extract import sources

    data = _workbook({
        "附件2": [["附件2"], HEADER2, [1, "公众号", "华水水利", "slxy", "王一", "张三", "13800000360", "2023-04-01"]],
        "附件3": [["附件3"], ["师生个人网络媒体平台备案信息汇总表"],
                  ["序号", "姓名", "身份", "平台类型", "平台(账号)名称", "账号ID", "网址/链接", "粉丝数", "联系电话"],
                  ["注：本表由各单位汇总填报，请勿改变表格格式。"],
                  ["单位负责人签字（盖章）：", None, "填表人：张三", None, "日期：    年   月   日"]],
    })
    res = returns.ingest_source(sources.Source("备案信息汇总+水利学院.xlsx", data), _context(strict=True))
    got = {(r["source_sheet"], r["source_row"]): r["reason"] for r in res.rejects}
    assert got == {("附件2", 1): "title row", ("附件2", 2): "header row",
                   ("附件3", 1): "title row", ("附件3", 2): "title row", ("附件3", 3): "header row",
                   ("附件3", 4): "instruction row", ("附件3", 5): "signature row"}
    sub = {s["source_sheet"]: s for s in res.submissions}["附件3"]
    assert (sub["annex"], sub["unit"], sub["status"]) == ("3", "水利学院", "ok")
    assert (sub["rows_read"], sub["rows_clean"], sub["rows_rejected"]) == (5, 0, 5)
    assert [r["platform_name"] for r in res.platforms] == ["华水水利"] and res.personal_accounts == []


def _failing_reader(source, **kw):
    """The real reader, except that the data of the sheet called 坏表 loses its last column (a broken reader):
    processing that sheet raises IndexError at its first row."""
    from netmedia.extract import tables

    sheets = tables.read_tables(source, **kw)
    for st in sheets:
        if st.source_sheet == "坏表":
            st.data_lists.columns.pop()
    return sheets


def _good_and_bad(folder: Path) -> Path:
    rows = [HEADER2] + [[i + 1, "公众号", f"平台{i}", f"id{i}", "王一", "张三", "13800000360", "2023-04-01"]
                        for i in range(3)]
    (folder / "reference").mkdir(parents=True)
    (folder / "reference" / "units.xlsx").write_bytes(_workbook({"单位": [["单位名称", "单位类别"], ["水利学院", "学院"]]}))
    (folder / "水利学院.xlsx").write_bytes(_workbook({"好表": rows, "坏表": rows}))
    return folder


def test_strict_mode_raises_on_a_failing_sheet(tmp_path):
    """Strict (the tests' mode: NETMEDIA_STRICT=1 from tests/conftest.py) lets a crash in a sheet stop the run."""
    raw = _good_and_bad(tmp_path / "raw")
    assert ns.is_strict()
    with pytest.raises(IndexError):
        ns.ingest(raw, None, load_config(), workers=1, progress=False, reader=_failing_reader)
    with pytest.raises(IndexError):
        ns.ingest(raw, tmp_path / "out", load_config(), workers=2, progress=False, strict=True, reader=_failing_reader)
    assert not (tmp_path / "out").exists()


def test_a_failing_sheet_in_a_users_run_is_rejected_and_logged(tmp_path):
    """Not strict (a user's run): the failing sheet's rows are rejects "sheet failed: …", the workbook's other
    sheet is kept, the traceback is written beside the outputs and the summary points at it."""
    raw = _good_and_bad(tmp_path / "raw")
    out = tmp_path / "out"
    res = ns.ingest(raw, out, load_config(), workers=1, progress=False, strict=False, reader=_failing_reader)
    assert res.tables["platforms"]["source_sheet"].tolist() == ["好表"] * 3
    rej = res.tables["rejects"]
    bad = rej[rej["source_sheet"] == "坏表"]
    assert bad["source_row"].tolist() == [1, 2, 3, 4]
    assert set(bad["reason"]) == {"sheet failed: IndexError: list index out of range"}
    subs = res.tables["submissions"].set_index("source_sheet")
    assert subs.loc["坏表", "status"] == "rejected" and subs.loc["坏表", "rows_rejected"] == 4
    assert subs.loc["好表", "rows_clean"] == 3
    log = (out / "ingest_errors.log").read_text(encoding="utf-8")
    assert res.error_log == out / "ingest_errors.log"
    assert "水利学院.xlsx [坏表]" in log and "Traceback (most recent call last)" in log and "IndexError" in log
    assert "好表" not in log
    assert "ERRORS: 1 sheets or workbooks failed" in res.summary() and str(out / "ingest_errors.log") in res.summary()


def test_sheets_are_told_apart_by_their_header():
    cmap = annex.map_columns("personal_accounts", [("序号",), ("姓名",), ("身份",), ("平台类型",), ("账号名称",)])
    assert cmap == {1: "holder_name", 2: "holder_role", 3: "platform_type_raw", 4: "platform_name"}
    # Both annexes fit a header equally (负责人: Annex 2's operator, Annex 3's holder): the title decides.
    both = [("序号",), ("平台类型",), ("平台名称",), ("账号ID",), ("网址",), ("负责人",)]
    assert annex.choose_annex(both, "附件2 网络媒体平台")[0] == "2"
    assert annex.choose_annex(both, "附件3 师生个人网络平台")[0] == "3"
    # Annex 3 needs a column naming the account's holder: without one the sheet is Annex 2 whatever its title
    assert annex.choose_annex(both[:-1], "附件3 师生个人网络平台")[0] == "2"
    assert annex.header_score(["序号", "平台类型", "平台名称", "账号ID", "", "备注"]) == pytest.approx(4 / 5)
    assert annex.header_score(["华水水利", "公众号", "2023-04-01"]) == 0.0


def test_owner_kind_per_row():
    """A platform is a student organisation's when the unit is one (roster kind), or its 主体类别 cell or its name
    says so; otherwise the unit's."""
    cells = ["学生组织", None, "学院", "团 委", 1, "学院"]
    names = ["华水青年", "水利学院团委", "学生工作部", "华水之声", "华水之声", "新闻 中心"]
    kinds = ["学院", "学院", "学院", "学院", "学生组织", None]
    got = []
    for cell, name, kind in zip(cells, names, kinds, strict=True):
        raw = {"owner_kind": [cell], "platform_name": [name]}  # a one-row sheet
        got.append(records.record_columns("platforms", raw, ["水利学院"], [kind], ["Sheet1"], ())["owner_kind"][0])
    # 团 委 typed with a space is 团委: every word is compared folded (issue 13, item 3)
    assert got == ["student_org", "student_org", "unit", "student_org", "student_org", "unit"]


def test_record_columns_decide_each_row_by_its_own_cells():
    """The records of a sheet made column by column are the records of its rows made one by one: the url/account
    swap, the category and the owner's kind of a row follow that row's cells only; a field the sheet lacks is
    blank in every row."""
    raw = {"platform_name": ["华水青年", "水利之声", "新闻中心"], "account_id": ["https://weibo.com/ncwu", "gh_1", None],
           "url": [None, None, "www.ncwu.edu.cn"], "platform_type_raw": [None, "公众号", "网站"],
           "followers": ["1.2万", 300, None], "owner_kind": ["学生组织", None, None]}
    units, kinds, hints = ["水利学院", None, "新闻中心"], ["学院", None, "学生组织"], ["微博", "Sheet1", "Sheet1"]
    domains = ("ncwu.edu.cn",)
    columns = records.record_columns("platforms", raw, units, kinds, hints, domains)
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    one_by_one = []
    for i in range(3):  # each row as a one-row sheet
        alone = records.record_columns("platforms", {c: [cells[i]] for c, cells in raw.items()}, [units[i]], [kinds[i]],
                                       [hints[i]], domains)
        one_by_one.append({c: values[0] for c, values in alone.items()})
    assert rows == one_by_one
    assert [(r["url"], r["account_id"]) for r in rows] == [("https://weibo.com/ncwu", None), (None, "gh_1"),
                                                          ("www.ncwu.edu.cn", None)]
    assert [r["owner_kind"] for r in rows] == ["student_org", "unit", "student_org"]
    assert [r["followers"] for r in rows] == [12000, 300, None] and {r["supervisor"] for r in rows} == {None}


def test_empty_rows_are_those_blank_in_every_content_column():
    """A row blank in the first content column is kept when a later one is filled; blank in all -> empty row."""
    from netmedia.extract import sources

    data = _workbook({"附件2": [
        ["序号", "平台类型", "账号ID", "网址", "平台名称"],
        [1, "微博", None, None, None],
        [2, None, "号1", None, None],
        [3, None, None, "  ", None],
        [4, None, None, "http://x.cn", None],
        [5, None, None, None, "华水之声"],
    ]})
    res = returns.ingest_source(sources.Source("水利学院.xlsx", data), _context(strict=True))
    assert [r["source_row"] for r in res.platforms] == [2, 3, 5, 6]
    assert [(r["source_row"], r["reason"]) for r in res.rejects] == [(1, "header row"),
                                                                     (4, "empty row (no platform fields)")]


def test_form_date_from_the_rows_that_are_not_data():
    """The received date comes from the first non-data row holding one (填表日期 or 填报时间)."""
    import datetime as dt

    from netmedia.extract import tables

    rows = tables.RowLists([1, 2, 3, 4], ["title", "data", "footer", "footer"],
                           ["附件2 2023年度", "填表日期：2023年1月1日", "填表人：张三", "填报时间：2023.4.26"], [None] * 4)
    assert records.form_date(rows) == dt.date(2023, 4, 26)
    assert records.form_date(tables.RowLists([1], ["title"], ["周期 1"], [None])) is None


def test_roster_rows_normalise_each_column(tmp_path):
    """Rosters: names without spaces, numeric staff ids as their digits, text elsewhere, empty rows dropped."""
    import datetime as dt

    (tmp_path / "staff.xlsx").write_bytes(_workbook({"Sheet": [
        ["姓名", "工号", "所在单位", "人员状态"],
        ["张  三", 20080123, " 水利学院 ", "在职"],
        [None, None, None, None],
        ["Li Ming", "A-7", "电力学院", dt.date(2023, 1, 1)],
        [None, 1.0, None, True],
    ]}))
    df = returns.typed_frame("staff", records.roster_rows(tmp_path / "staff.xlsx", "staff", load_config()))
    rows = [[None if pd.isna(v) else v for v in r] for r in df[["name", "staff_id", "unit", "status"]].to_numpy()]
    assert rows == [["张三", "20080123", "水利学院", "在职"], ["Li Ming", "A-7", "电力学院", "2023-01-01"],
                    [None, "1", None, "是"]]


def test_typed_frame_gives_the_schema_dtypes():
    import datetime as dt

    from netmedia import schema

    df = returns.typed_frame("platforms", [
        {"unit": "水利学院", "platform_name": "甲", "followers": 12000, "last_updated_on": dt.date(2023, 3, 1),
         "source_row": 5},
        {"unit": "水利学院", "platform_name": None, "followers": None, "last_updated_on": None, "source_row": 6},
    ])
    assert list(df.columns) == list(schema.output_columns("platforms"))
    assert str(df["followers"].dtype) == "Int64" and df["followers"].tolist()[0] == 12000
    assert str(df["last_updated_on"].dtype) == "datetime64[us]"
    assert df["platform_name"].tolist()[0] == "甲" and pd.isna(df["platform_name"].iloc[1])
    # text is pandas' str, also a column no row gives (url) and the columns of a frame without rows
    assert [str(df[c].dtype) for c in ("unit", "platform_name", "url")] == ["str", "str", "str"]
    assert df["url"].isna().all()
    empty = returns.typed_frame("rejects", [])
    assert len(empty) == 0 and [str(t) for t in empty.dtypes] == ["str", "str", "Int64", "str", "str"]


def test_the_runtime_does_not_import_the_generator():
    """``netmedia.samples`` is imported only when a demo season is written."""
    code = "import sys, netmedia.season, netmedia.cli; assert 'netmedia.samples' not in sys.modules"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-1000:]


def test_arrow_buffers_use_the_system_allocator():
    """netmedia gives Arrow the C library's allocator (pyarrow's mimalloc added 0.15-0.3 s of system time to
    two ingests in five, docs/performance.md); a user's ARROW_DEFAULT_MEMORY_POOL still decides."""
    code = "import netmedia, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "system"
    env["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "jemalloc"


def test_units_that_sent_nothing_usable_are_listed_as_no_return(tmp_path):
    """The ingest's "no return from" list on real files: a unit whose only sheet is no annex table, or whose only
    file is unreadable, returned nothing (:func:`netmedia.validate.derive.returned_units`); a unit whose file
    names it by its alias returned its Annex 2. The submission status and R-complete's fact say the same."""
    import openpyxl

    from netmedia.validate import derive

    (tmp_path / "reference").mkdir()
    roster = [["单位名称", "别名", "单位类别", "党组织书记", "行政负责人"], ["水利学院", "水院", "学院", "王一", "李二"],
              ["电力学院", None, "学院", None, None], ["档案馆", None, "直属单位", None, None],
              ["图书馆", None, "直属单位", None, None]]
    for name, rows in {"units.xlsx": roster, "staff.xlsx": [["姓名", "工号", "所在单位", "人员状态"],
                                                             ["张三", "1001", "水利学院", "在职"]]}.items():
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(tmp_path / "reference" / name)
    returns_dir = tmp_path / "returns"
    returns_dir.mkdir()
    (returns_dir / "水院.xlsx").write_bytes(_workbook({"附件2": [
        ["填报单位：水院"], HEADER2, [1, "公众号", "华水水利", "slxy", "王一", "张三", "13800000360", "2023-04-01"]]}))
    (returns_dir / "档案馆.xlsx").write_bytes(_workbook({"Sheet1": [
        ["序号", "姓名", "借阅日期", "归还日期"], [1, "李四", "2023-04-01", "2023-04-09"]]}))
    (returns_dir / "电力学院.xlsx").write_bytes(b"this is no workbook at all")
    res = ns.ingest(tmp_path, None, load_config(), workers=1, progress=False)
    subs = res.tables["submissions"]
    assert set(subs.loc[subs["status"] == "rejected", "source_file"]) == {"returns/档案馆.xlsx", "returns/电力学院.xlsx"}
    assert res.units_missing == ["电力学院", "档案馆", "图书馆"]  # roster order
    status = ns.submission_status(res.tables, load_config())
    assert dict(zip(status["单位"], status["报送状态"], strict=True)) == {
        "水利学院": "已报送（时间不详）",  # neither a mail nor a 填表日期 dates it
        "电力学院": "未报送", "档案馆": "未报送", "图书馆": "未报送"}
    units = derive.derive_units(res.tables["units"], subs, [res.tables["platforms"]])
    assert units["has_submission"].tolist() == [True, False, False, False]
