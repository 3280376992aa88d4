"""The ingest on a generated season: every planted row recovered, nothing invented, every row accounted for."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from netmedia.config import load_config
from netmedia.transform import returns as ing

samples = pytest.importorskip("netmedia.samples")


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    truth_path = samples.generate(raw, n_units=60, seed=7)
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    res = ing.ingest(raw, tmp_path_factory.mktemp("clean"), load_config(), workers=1, progress=False)
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
                       for t in ("platforms", "personal_accounts")])
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


def test_outputs_written(season):
    _, _, res = season
    # the module fixture wrote to a tmp folder; re-write to check the files and the xlsx for eyeballing
    out = Path(res.root).parent / "clean_out"
    ing.write_tables(res.tables, out)
    for t in ing.TABLES:
        back = pd.read_parquet(out / f"{t}.parquet")
        assert list(back.columns) == list(res.tables[t].columns)
        assert len(back) == len(res.tables[t])
    import openpyxl

    wb = openpyxl.load_workbook(out / "clean_tables.xlsx", read_only=True)
    assert set(wb.sheetnames) == set(ing.TABLES)


def test_pool_and_serial_agree(season, tmp_path):
    raw, _, serial = season
    pooled = ing.ingest(raw, None, load_config(), workers=2, progress=False)
    for t in ("platforms", "personal_accounts", "rejects", "submissions"):
        keys = ["source_file", "source_sheet"] + ([] if t == "submissions" else ["source_row"])
        a = serial.tables[t].sort_values(keys, ignore_index=True)
        b = pooled.tables[t].sort_values(keys, ignore_index=True)
        pd.testing.assert_frame_equal(a, b)


def test_cli_exit_codes_and_summary(season, tmp_path):
    raw, _, _ = season
    exe = [sys.executable, "-m", "netmedia"]
    ok = subprocess.run([*exe, "ingest", str(raw), "--out", str(tmp_path / "o"), "--no-progress"],
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    for line in ("files read", "platforms:", "personal_accounts:", "rejects:", "units with no submission: 1"):
        assert line in ok.stdout
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
    """A workbook called 附件2.xlsx is attributed from its 填报单位 cell; an unknown unit is a reject, not a guess."""
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
    res = ing.ingest(tmp_path, None, load_config(), workers=1, progress=False)
    p = res.tables["platforms"]
    assert p["unit"].tolist() == ["水利学院"]
    rej = res.tables["rejects"]
    assert (rej["reason"] == "unit not matched to the roster").sum() == 1


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
    res = ing.ingest(raw, None, load_config(), workers=2, progress=False)
    p = res.tables["platforms"].set_index("platform_name")
    assert p["followers"].isna()["巨量平台"] and p["followers"].isna()["长数平台"]
    assert p.loc["正常平台", "followers"] == 12000
    assert len(res.tables["platforms"]) == len(before.tables["platforms"]) + 3


def test_map_columns_two_row_header_prefers_the_child():
    parts = [("序号",), ("平台名称",), ("运营管理负责人", "姓名"), ("运营管理负责人", "联系电话"), ("主管领导", "姓名"),
             ("主管领导", "职务"), ("最近\n更新时间",), ("粉丝数*",)]
    cmap = ing.map_columns("platforms", parts)
    assert cmap == {1: "platform_name", 2: "operator", 3: "operator_phone", 4: "supervisor", 5: "supervisor_title",
                    6: "last_updated_on", 7: "followers"}
    annex, _ = ing.choose_annex([("序号",), ("姓名",), ("身份",), ("平台类型",), ("账号名称",), ("粉丝数",)])
    assert annex == "3"
    annex, _ = ing.choose_annex([("学校名称",), ("学校标识码",), ("主管部门",), ("所在地",)])
    assert annex is None


def test_missing_rosters_do_not_stop_the_run(tmp_path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    res = ing.ingest(tmp_path, None, load_config(), workers=1, progress=False)
    assert res.files == 0 and len(res.tables["platforms"]) == 0


def test_a_sheet_failing_half_way_leaves_only_its_rejects(monkeypatch):
    """Records a failing sheet added before the failure are taken back; its rows become rejects; the workbook's
    other sheets are kept."""
    import io

    import openpyxl

    from netmedia.extract import sources
    from netmedia.transform.units import UnitMatcher

    header = ["序号", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"]
    wb = openpyxl.Workbook()
    for k, title in enumerate(("好表", "坏表")):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for i in range(3):
            ws.append([i + 1, "公众号", f"{title}{i}", f"id{k}{i}", "王一", "张三", "13800000360", "2023-04-01"])
    bio = io.BytesIO()
    wb.save(bio)
    cfg = load_config()
    units = pd.DataFrame({"unit": ["水利学院"], "aliases": [""], "kind": ["学院"], "party_head": [""], "admin_head": [""]})
    ctx = ing.Context(cfg, UnitMatcher(units), {"水利学院": "学院"})

    def sheet_then_fail(st, src, ctx, file_unit, received, out, generic_header):
        real_sheet(st, src, ctx, file_unit, received, out, generic_header)  # records and submission added ...
        if st.source_sheet == "坏表":
            raise RuntimeError("boom")  # ... then the sheet fails

    real_sheet = ing._sheet
    monkeypatch.setattr(ing, "_sheet", sheet_then_fail)
    res = ing.ingest_source(sources.Source("水利学院.xlsx", bio.getvalue()), ctx)
    assert [r["platform_name"] for r in res.platforms] == ["好表0", "好表1", "好表2"]
    bad = [r for r in res.rejects if r["source_sheet"] == "坏表"]
    assert [r["source_row"] for r in bad] == [1, 2, 3, 4] and {r["reason"] for r in bad} == {"sheet failed: RuntimeError: boom"}
    subs = {s["source_sheet"]: s for s in res.submissions}
    assert len(res.submissions) == 2 and subs["坏表"]["status"] == "rejected" and subs["坏表"]["rows_rejected"] == 4
    assert subs["好表"]["rows_clean"] == 3


def test_arrow_parts_give_the_typed_frame(season):
    """Record columns sent from the workers as Arrow parts make exactly the frame ``typed_frame`` makes from the
    same values, also when a column holds values outside its type (kept as a list and converted the old way)."""
    import datetime as dt

    _, _, res = season
    for table in ("platforms", "personal_accounts", "rejects"):
        df = res.tables[table]
        cols = {c: [None if pd.isna(v) else v for v in df[c].astype(object)] for c in df.columns}
        for c, values in cols.items():  # back to the Python types the normalisers return
            if str(df[c].dtype).startswith("datetime"):
                cols[c] = [None if v is None else v.date() for v in values]
            elif str(df[c].dtype) == "Int64":
                cols[c] = [None if v is None else int(v) for v in values]
        half = len(df) // 2
        parts = [ing.to_arrow(table, {c: v[:half] for c, v in cols.items()}),
                 ing.to_arrow(table, {c: v[half:] for c, v in cols.items()})]
        pd.testing.assert_frame_equal(ing.frame_from_parts(table, parts), ing.typed_frame(table, cols))
        pd.testing.assert_frame_equal(ing.frame_from_parts(table, parts), df)
    odd = {c: [None, None] for c in ing.schema.output_columns("platforms")}
    odd.update(platform_name=["甲", 7], followers=[1, "很多"], opened_on=[dt.date(2023, 3, 1), "至今"], source_row=[3, 4])
    parts = [ing.to_arrow("platforms", odd)]
    assert isinstance(parts[0]["platform_name"], list) and isinstance(parts[0]["followers"], list)
    pd.testing.assert_frame_equal(ing.frame_from_parts("platforms", parts), ing.typed_frame("platforms", odd))
    assert ing.frame_from_parts("platforms", []).equals(ing.typed_frame("platforms", []))


def test_submissions_sent_as_arrow_parts_give_the_typed_frame(season):
    """A run's submissions travel as Arrow parts too (``_chunk_result``) and make the frame ``typed_frame`` makes
    from the rows: received times, counts and missing values included."""
    import datetime as dt

    _, _, res = season
    df = res.tables["submissions"]
    assert df["received_at"].notna().any() and df["annex"].isna().any()
    rows = [{c: (None if pd.isna(v) else v.to_pydatetime() if isinstance(v, pd.Timestamp)
                 else int(v) if str(df[c].dtype) == "Int64" else v) for c, v in r.items()}
            for r in df.astype(object).to_dict("records")]
    rows.append(ing._submission("x.xlsx", None, status="rejected", received_at=dt.datetime(2023, 4, 20, 9, 30)))
    half = len(rows) // 2
    chunks = []
    for part in (rows[:half], rows[half:]):
        fr = ing.FileResult()
        fr.submissions.extend(part)
        chunks.append(ing._chunk_result(fr, 1))
    got = ing.frame_from_parts("submissions", [c.tables["submissions"] for c in chunks])
    pd.testing.assert_frame_equal(got, ing.typed_frame("submissions", rows))
    pd.testing.assert_frame_equal(got.iloc[:-1], df)


def test_column_normalisers_keep_equal_keys_of_other_types_apart():
    """``_Cells`` looks columns up in plain dicts: 1, 1.0 and True are equal keys, date and datetime are not; every
    column, whatever it mixes and whatever came before, gets ``fn`` of each of its values."""
    import datetime as dt
    import random

    def kind(v):
        return f"{type(v).__name__}:{v!r}"

    cells = ing._Cells(kind)
    values = [1, 1.0, True, 0, 0.0, False, "1", "是", None, dt.date(2023, 1, 1), dt.datetime(2023, 1, 1),
              dt.datetime(2023, 1, 1, 8, 30), 2.5, 10**20, float(10**20), dt.time(8, 30), b"1"]
    rng = random.Random(5)
    for _ in range(400):
        col = rng.choices(values, k=rng.randint(0, 6))
        assert cells(col) == [kind(v) for v in col], col
    for col in ([None] * 3, [None, None, 1], [None, "a", None], [], [None]):  # all-None columns are one lookup
        assert cells(col) == [kind(v) for v in col], col
    # the text normaliser itself: True after 1 (and the reverse) in columns of one number type each
    assert ing._TEXT(["a", 1]) == ["a", "1"] and ing._TEXT(["a", True]) == ["a", "是"]
    assert ing._TEXT([True, None]) == ["是", None] and ing._TEXT([1.0, None]) == ["1", None]


def test_owner_kind_column_is_owner_kind_per_row():
    """``_records`` applies ``normalize.owner_kind`` in parts (unit kind, the cell's text, the name's text)."""
    from netmedia.transform import normalize

    cfg = load_config()
    cells = ["学生组织", None, "学院", "团 委", 1, "学院"]
    names = ["华水青年", "水利学院团委", "学生工作部", "华水之声", "华水之声", "新闻 中心"]
    kinds = ["学院", "学院", "学院", "学院", "学生组织", None]
    raw = {"owner_kind": cells, "platform_name": names}
    n = len(cells)
    recs = ing._records("platforms", lambda c: raw.get(c, [None] * n), ["水利学院"] * n, kinds, ["Sheet1"] * n,
                        ing.Context(cfg, None))  # type: ignore[arg-type]
    expected = [normalize.owner_kind(c, normalize.text(m), k) for c, m, k in zip(cells, names, kinds, strict=True)]
    assert recs["owner_kind"] == expected
    assert recs["owner_kind"] == ["student_org", "student_org", "unit", "unit", "student_org", "unit"]


def test_keep_rows_looks_at_every_content_column():
    """Rows blank in the first content column are kept when a later one is filled; blank in all -> empty row."""
    from netmedia.extract import tables

    cols = [[1, 2, 3, 4], ["微博", None, None, "  "], [None, "号1", None, None], [None, None, None, "http://x.cn"]]
    st = tables.SheetTable("Sheet1", data_lists=tables.DataLists(4, cols, [5, 6, 7, 8], [None] * 4))
    cmap = {0: "seq", 1: "platform_type_raw", 2: "account_id", 3: "url"}
    reasons: dict[int, str] = {}
    keep, units = ing._keep_rows(st, "platforms", cmap, "水利学院", None, reasons)  # type: ignore[arg-type]
    assert keep == [0, 1, 3] and units == ["水利学院"] * 3 and reasons == {7: "empty row (no platform fields)"}
    keep, _ = ing._keep_rows(st, "platforms", {0: "seq"}, "水利学院", None, reasons)  # type: ignore[arg-type]
    assert keep == []  # no content column at all: every row is empty


def test_ascii_labels_skip_the_synonym_search():
    """An ASCII label can only name a column through an ASCII synonym (id, url, …): the shortcut gives what the
    synonym search gives."""
    from netmedia import schema

    labels = ["2023-03-04", "15531935614", "159,200", "ID", "uid", "URL", "url地址", "账号ID", "Weibo", "ncwu_id",
              "http://www.ncwu.edu.cn", "ks478491819", "QQ", "x", "IDs", "curl", "*", "a url"]
    for label in labels:
        key = schema.norm_header(label)
        slow = tuple(schema.match_key(t, key) for t in ing.ANNEX_TABLE.values()) if key else None
        assert ing._label_columns(label) == slow, label


def test_form_date_from_the_rows_that_are_not_data():
    """The received date comes from the first non-data row holding one (填表日期 or 填报时间), twice the same."""
    import datetime as dt

    from netmedia.extract import tables

    rows = tables.RowLists([1, 2, 3, 4], ["title", "data", "footer", "footer"],
                           ["附件2 2023年度", "填表日期：2023年1月1日", "填表人：张三", "填报时间：2023.4.26"], [None] * 4)
    for _ in range(2):
        assert ing._form_date(rows) == dt.date(2023, 4, 26)
    assert ing._form_date(tables.RowLists([1], ["title"], ["周期 1"], [None])) is None


def test_read_roster_normalises_each_column(tmp_path):
    """Rosters: names without spaces, numeric staff ids as their digits, text elsewhere, empty rows dropped."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "工号", "所在单位", "人员状态"])
    ws.append(["张  三", 20080123, " 水利学院 ", "在职"])
    ws.append([None, None, None, None])
    ws.append(["Li Ming", "A-7", "电力学院", dt.date(2023, 1, 1)])
    ws.append([None, 1.0, None, True])
    wb.save(tmp_path / "staff.xlsx")
    df = ing.read_roster(tmp_path / "staff.xlsx", "staff", load_config())
    rows = [[None if pd.isna(v) else v for v in r] for r in df[["name", "staff_id", "unit", "status"]].to_numpy()]
    assert rows == [["张三", "20080123", "水利学院", "在职"], ["Li Ming", "A-7", "电力学院", "2023-01-01"],
                    [None, "1", None, "是"]]


def test_workers_fork_with_the_vocabularies_made():
    """``_warm_for_workers`` makes before the fork what each worker would make on its first file."""
    import sys

    from netmedia.transform import normalize

    for f in (normalize._vocab, normalize._category_synonyms, normalize._student_org_keywords, ing._ascii_synonyms,
              ing._label_vocab):
        f.cache_clear()
    ing._warm_for_workers()
    assert "email.parser" in sys.modules and "email.feedparser" in sys.modules
    for f in (normalize._vocab, normalize._category_synonyms, normalize._student_org_keywords, ing._ascii_synonyms,
              ing._label_vocab):
        assert f.cache_info().currsize == 1, f


def test_progress_bar_only_when_it_would_show(monkeypatch):
    """No tqdm when the bar would be disabled (progress False, or None off a terminal); tqdm's bar otherwise."""
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert isinstance(ing._progress_bar(3, False), ing._NoBar) and isinstance(ing._progress_bar(3, None), ing._NoBar)
    bar = ing._progress_bar(3, True)
    assert not isinstance(bar, ing._NoBar) and not bar.disable
    bar.close()
    monkeypatch.setattr("sys.stderr", Tty())
    bar = ing._progress_bar(3, None)
    assert not isinstance(bar, ing._NoBar) and not bar.disable
    bar.close()
    assert isinstance(ing._progress_bar(3, False), ing._NoBar)
