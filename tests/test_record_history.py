"""Record ids from round to round and the round's record history (issue 14): hand-written rounds, every change.

Two rounds written out literally: the previous round 2023 (as archived: platforms with record ids, personal
accounts from an archive made before record ids existed) and this round 2024, where 水利学院 returned the
template (ids kept in the hidden column, 本轮状态 filled) and 电力学院 an old-style return (no ids: matched by
platform, account id, holder). The expected history is written by hand from what each row does.
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest

from netmedia.config import load_config
from netmedia.report import rectification
from netmedia.transform.returns import typed_frame
from netmedia.validate import changes, checks

TEMPLATE_FILE = "水利学院.xlsx"
SHEET2, SHEET3 = "附件2 网络媒体平台", "附件3 个人网络媒体平台"


def frame(table: str, rows: list[dict], **extra: list) -> pd.DataFrame:
    """A clean table typed by the ingest's own ``typed_frame``, plus columns the schema may not have yet."""
    df = typed_frame(table, rows)
    for col, values in extra.items():
        if col not in df.columns:
            df[col] = pd.Series(values, dtype="str")
        else:
            df[col] = pd.Series(values, dtype="str")
    return df


def previous_round() -> dict[str, pd.DataFrame]:
    platforms = frame("platforms", [
        {"unit": "水利学院", "category": "weibo", "platform_name": "水院微博", "account_id": "sl_weibo",
         "operator": "张三", "status": "running", "last_updated_on": "2023-03-01"},
        {"unit": "水利学院", "category": "wechat_official", "platform_name": "水院公众号", "account_id": "sl_wx",
         "operator": "李四", "status": "running", "last_updated_on": "2023-03-02"},
        {"unit": "水利学院", "category": "douyin", "platform_name": "水院抖音", "account_id": "sl_dy",
         "operator": "李四", "status": "running", "last_updated_on": "2023-03-03"},
        {"unit": "水利学院", "category": "website_campus", "platform_name": "水院旧网站", "url": "http://old.x.cn",
         "operator": "李四", "status": "closed", "last_updated_on": "2021-01-01"},
        {"unit": "电力学院", "category": "weibo", "platform_name": "电院微博", "account_id": "dl_wb",
         "operator": "王五", "status": "running", "followers": 100},
        {"unit": "电力学院", "category": "wechat_official", "platform_name": "电院公众号", "account_id": "dl_wx",
         "operator": "王五", "status": "running"},
        {"unit": "艺术学院", "category": "weibo", "platform_name": "艺院微博", "account_id": "ys_wb",
         "operator": "吴十", "status": "running"},
    ], record_id=["P1111111111", "P2222222222", "P3333333333", "P4444444444", "P5555555555", "P6666666666",
                  "P7777777777"])
    accounts = frame("personal_accounts", [  # archived before record ids: ids are minted for it
        {"unit": "水利学院", "holder_name": "孙八", "category": "douyin", "platform_name": "华水日常",
         "account_id": "hs_daily", "phone": "13812345678"},
        {"unit": "电力学院", "holder_name": "周九", "category": "bilibili", "platform_name": "电院周九",
         "phone": "13900000000"},
    ])
    return {"platforms": platforms, "personal_accounts": accounts}


def minted(prefix: str, table: str, unit: str, key: str) -> str:
    """The brief's id: letter + 10 hex digits of the SHA-1 of table, unit and identity key."""
    return prefix + hashlib.sha1(f"{table}\x1f{unit}\x1f{key}".encode()).hexdigest()[:10]


# the personal accounts' ids, as the old archive gets them (identity: holder | category | account id, else name)
SUN_BA = minted("A", "personal_accounts", "水利学院", "孙八|douyin|hs_daily")
ZHOU_JIU = minted("A", "personal_accounts", "电力学院", "周九|bilibili|电院周九")


def this_round() -> dict[str, pd.DataFrame]:
    p = {"unit": "水利学院", "source_file": TEMPLATE_FILE, "source_sheet": SHEET2}
    d = {"unit": "电力学院", "source_file": "电力学院备案表.xlsx", "source_sheet": "附件2"}
    platforms = frame("platforms", [
        # template rows: ids kept; 本轮状态 as the unit set it
        p | {"source_row": 4, "category": "weibo", "platform_name": "水院微博", "account_id": "sl_weibo",
             "operator": "赵六", "status": "running", "last_updated_on": "2023-03-01"},  # operator changed, said 无变化
        p | {"source_row": 5, "category": "wechat_official", "platform_name": "水院公众号", "account_id": "sl_wx",
             "operator": "李四", "status": "closed", "last_updated_on": "2023-03-02"},  # closed
        # (水院抖音, P3333333333, was row 6: deleted, not marked closed -> missing, a finding)
        p | {"source_row": 6, "category": "bilibili", "platform_name": "水院B站", "account_id": "sl_bili",
             "operator": "李四", "status": "running"},  # added
        p | {"source_row": 7, "category": "kuaishou", "platform_name": "水院快手", "account_id": "sl_ks",
             "operator": "李四", "status": "running"},  # added by copying row 5: its id is 5's
        # old-style return: no ids, no 本轮状态
        d | {"source_row": 3, "category": "weibo", "platform_name": "电院微博", "account_id": "dl_wb",
             "operator": "王五", "status": "running", "followers": 120},  # matched by account: followers changed
        d | {"source_row": 4, "category": "douyin", "platform_name": "电院抖音", "account_id": "dl_dy",
             "operator": "王五", "status": "running"},  # new
        # (电院公众号 no longer listed: missing, in the history only)
        {"unit": "新闻中心", "source_file": "新闻中心.xlsx", "source_sheet": "Sheet1", "source_row": 2,
         "category": "website_campus", "platform_name": "新闻网", "url": "http://news.x.cn", "status": "running"},
    ], record_id=["P1111111111", "P2222222222", None, "P2222222222", None, None, None],
        round_status=["unchanged", "closed", "new", "new", None, None, None])
    accounts = frame("personal_accounts", [
        {"unit": "水利学院", "holder_name": "孙八", "category": "douyin", "platform_name": "华水日常",
         "account_id": "hs_daily", "phone": "13812345678", "source_file": TEMPLATE_FILE, "source_sheet": SHEET3,
         "source_row": 4},
        {"unit": "电力学院", "holder_name": "周九", "category": "bilibili", "platform_name": "电院周九",
         "phone": "13900000001", "source_file": "电力学院备案表.xlsx", "source_sheet": "附件3", "source_row": 3},
    ], record_id=[SUN_BA, None], round_status=["unchanged", None])
    subs = frame("submissions", [
        {"source_file": TEMPLATE_FILE, "source_sheet": SHEET2, "unit": "水利学院", "annex": "2"},
        {"source_file": TEMPLATE_FILE, "source_sheet": SHEET3, "unit": "水利学院", "annex": "3"},
        {"source_file": "电力学院备案表.xlsx", "source_sheet": "附件2", "unit": "电力学院", "annex": "2"},
        {"source_file": "电力学院备案表.xlsx", "source_sheet": "附件3", "unit": "电力学院", "annex": "3"},
        {"source_file": "新闻中心.xlsx", "source_sheet": "Sheet1", "unit": "新闻中心", "annex": "2"},
    ], template=["template 1 2024", "template 1 2024", None, None, None])
    units = frame("units", [{"unit": u} for u in ("水利学院", "电力学院", "艺术学院", "新闻中心")])
    return {"platforms": platforms, "personal_accounts": accounts, "submissions": subs, "units": units}


ID = re.compile(r"^[PAG][0-9a-f]{10}(-\d+)?$")


@pytest.fixture(scope="module")
def with_ids() -> dict[str, pd.DataFrame]:
    return changes.assign_record_ids(this_round(), previous_round())


def test_ids_kept_matched_minted(with_ids):
    ids = with_ids["platforms"]["record_id"].tolist()
    assert ids[0] == "P1111111111" and ids[1] == "P2222222222"  # kept from the template
    assert ids[4] == "P5555555555"  # old-style row matched by category + account id
    new = [ids[2], ids[3], ids[5], ids[6]]
    assert all(ID.match(i) for i in new) and len(set(ids)) == len(ids)  # the copied id was not kept twice
    assert ids[2] == minted("P", "platforms", "水利学院", "bilibili|sl_bili")
    assert ids[6] == minted("P", "platforms", "新闻中心", "website_campus|news.x.cn")
    acc = with_ids["personal_accounts"]["record_id"].tolist()
    assert acc == [SUN_BA, ZHOU_JIU]  # the old archive's minted id, kept and matched
    assert with_ids["submissions"].equals(this_round()["submissions"])  # other tables untouched


def test_ids_stable_across_runs(with_ids):
    again = changes.assign_record_ids(this_round(), previous_round())
    for t in ("platforms", "personal_accounts"):
        assert again[t]["record_id"].tolist() == with_ids[t]["record_id"].tolist()


def test_first_round_ids_and_duplicates():
    rows = [{"unit": "水利学院", "category": "weibo", "platform_name": "水院微博", "account_id": "w"}] * 3
    rows.append({"unit": "水利学院", "category": "weibo", "source_file": "a.xlsx", "source_sheet": "S",
                 "source_row": 9})  # no identity at all: id from where it was filed
    got = changes.assign_record_ids({"platforms": frame("platforms", rows)}, {})["platforms"]["record_id"].tolist()
    base = minted("P", "platforms", "水利学院", "weibo|w")
    assert got == [base, f"{base}-2", f"{base}-3", minted("P", "platforms", "水利学院", "row:a.xlsx|S|9")]


def H(rid, unit, table, change, field=None, old=None, new=None):  # noqa: N802 (a row of the expected table)
    return {"record_id": rid, "unit": unit, "table": table, "round": "2024", "change": change, "field": field,
            "old": old, "new": new}


def expected(ids: list[str]) -> pd.DataFrame:
    pl, pa = "platforms", "personal_accounts"
    rows = [
        H("P1111111111", "水利学院", pl, "changed", "operator", "张三", "赵六"),
        H("P2222222222", "水利学院", pl, "closed"),
        H(ids[2], "水利学院", pl, "new"),
        H(ids[3], "水利学院", pl, "new"),
        H("P5555555555", "电力学院", pl, "changed", "followers", "100", "120"),
        H(ids[5], "电力学院", pl, "new"),
        H(ids[6], "新闻中心", pl, "new"),
        H("P3333333333", "水利学院", pl, "missing"),
        H("P6666666666", "电力学院", pl, "missing"),
        # P4444444444 was closed last round: gone, not missing; 艺术学院 returned nothing: not in the history
        H(SUN_BA, "水利学院", pa, "unchanged"),
        H(ZHOU_JIU, "电力学院", pa, "changed", "phone", "13900000000", "13900000001"),
    ]
    return pd.DataFrame(rows, columns=["record_id", "unit", "table", "round", "change", "field", "old", "new"],
                        dtype="str")


def test_history_every_change_exact(with_ids):
    got = changes.record_history(with_ids, previous_round(), "2024")
    want = expected(with_ids["platforms"]["record_id"].tolist())
    assert list(got.columns) == ["record_id", "unit", "table", "round", "change", "field", "old", "new"]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


def test_no_previous_round_every_record_new():
    t = changes.assign_record_ids(this_round(), {})
    got = changes.record_history(t, {}, "2024")
    assert set(got["change"]) == {"new"} and len(got) == 9
    assert got["field"].isna().all() and got["old"].isna().all() and got["new"].isna().all()


def write_clean(tmp_path, tables: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame]):
    """A clean folder as the ingest leaves it: this round's tables, its archive's round.json, the previous one."""
    for name, df in tables.items():
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    (tmp_path / "rounds" / "2024").mkdir(parents=True)
    (tmp_path / "rounds" / "2024" / "round.json").write_text(json.dumps({"round": "2024", "previous": "2023"}))
    (tmp_path / "rounds" / "2023").mkdir()
    for name, df in previous.items():
        df.to_parquet(tmp_path / "rounds" / "2023" / f"{name}.parquet", index=False)


def test_deleted_row_is_a_finding_in_the_units_list(tmp_path, with_ids):
    tables = dict(with_ids)
    tables["record_history"] = changes.record_history(with_ids, previous_round(), "2024")
    write_clean(tmp_path, tables, previous_round())
    loaded = checks.load_clean_tables(tmp_path)
    result = checks.run_checks(loaded, load_config())
    f = result.findings
    mine = f[f["table"] == "record_history"]
    assert len(mine) == 1  # 电力学院's unlisted record (an old-style return) is no finding
    row = mine.iloc[0]
    assert (row["rule"], row["unit"], row["source_file"], row["source_sheet"]) == (
        "R-complete", "水利学院", TEMPLATE_FILE, SHEET2)
    assert pd.isna(row["source_row"])  # the row was deleted: it is in no returned file
    assert row["platform_name"] == "水院抖音" and row["account_id"] == "sl_dy"
    assert row["detail"] == ("上一轮已备案的“水院抖音”（账号ID sl_dy，记录编号 P3333333333）在本轮报送的模板中被删除，"
                             "且未标注“已注销”：漏报或隐瞒")
    assert "漏报或隐瞒" in row["message_zh"]
    listed = rectification.rectification_frame(f, loaded)
    unit_rows = listed[(listed["unit"] == "水利学院") & (listed["rule"] == "R-complete")]
    assert unit_rows[["platform_name", "account_id", "source_file", "source_sheet"]].values.tolist() == [
        ["水院抖音", "sl_dy", TEMPLATE_FILE, SHEET2]]


def test_record_changes_for_people(tmp_path, with_ids):
    from netmedia import season

    tables = dict(with_ids)
    tables["record_history"] = changes.record_history(with_ids, previous_round(), "2024")
    write_clean(tmp_path, tables, previous_round())
    shown = season.record_changes(tmp_path)
    assert len(shown) == 10  # all but the one unchanged record
    missing = shown[shown["记录编号"] == "P3333333333"].iloc[0]
    assert (missing["名称"], missing["单位"]) == ("水院抖音", "水利学院")
    assert shown.loc[shown["记录编号"] == "P5555555555", "依据"].iloc[0] != missing["依据"]  # old-style vs template
    op = shown[shown["记录编号"] == "P1111111111"].iloc[0]
    assert (op["字段"], op["原值"], op["新值"]) == ("运营管理负责人", "张三", "赵六")


# ------------------------------------------------------------------ acceptance: the round trip (issue 14)
P2, P3 = "附件2 网络媒体平台", "附件3 个人网络媒体平台"
ROSTER = ["水利学院", "图书馆", "外国语学院"]
HEAD2 = ["单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间", "运行状态"]
SEASON_N = {  # season 2023: free-form returns, as units type them
    "水利学院.xlsx": {
        "附件2": [HEAD2,
                 ["水利学院", "微信公众号", "水利青年", "slqn2020", "张三", "李四", "13800000360", "2023-03-01", "正常"],
                 ["水利学院", "微博", "水利学院微博", "5512345678", "张三", "王五", "13900000001", "2023-03-02", "正常"],
                 ["水利学院", "抖音", "水院抖音", "sydy", "张三", "赵六", "13700000002", "2023-03-03", "正常"],
                 ["水利学院", "哔哩哔哩", "水院B站", "slbili", "张三", "赵六", "13700000002", "2023-03-04", "正常"]],
        "附件3": [["所在单位", "姓名", "身份", "平台类型", "平台(账号)名称", "账号ID", "联系电话"],
                 ["水利学院", "吴九", "教职工", "抖音", "华水吴老师", "wls", "13600000003"]],
    },
    "图书馆.xlsx": {
        "附件2": [HEAD2, ["图书馆", "微信公众号", "华水图书馆", "ncwulib", "孙七", "周八", "0371-69127000", "2023-03-05",
                         "正常"]],
    },
}


def _write_raw(raw, files: dict) -> None:
    import xlsxwriter

    (raw / "reference").mkdir(parents=True)
    with xlsxwriter.Workbook(str(raw / "reference" / "units.xlsx")) as wb:
        ws = wb.add_worksheet("单位")
        for r, row in enumerate([["单位名称", "单位类别"], *([u, "学院"] for u in ROSTER)]):
            ws.write_row(r, 0, row)
    for name, sheets in files.items():
        with xlsxwriter.Workbook(str(raw / name)) as wb:
            for sheet, rows in sheets.items():
                ws = wb.add_worksheet(sheet)
                for r, row in enumerate(rows):
                    ws.write_row(r, 0, row)


def _edit_as_units_would(made, raw) -> None:
    """水利学院: change an operator, close a platform, add two, delete one pre-filled row; 图书馆 and 外国语学院
    send their templates back untouched."""
    import shutil

    import openpyxl

    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    col = {c.value: c.column for c in ws[2]}
    names = [ws.cell(r, col["平台名称"]).value for r in range(3, 7)]
    assert names == ["水利青年", "水利学院微博", "水院抖音", "水院B站"]  # the pre-filled rows, in filed order
    ws.cell(3, col["运营管理负责人"], "钱十")  # 水利青年: operator changed
    ws.cell(3, col["本轮状态"], "有变更")
    ws.cell(4, col["本轮状态"], "已注销")  # 水利学院微博 closed
    ws.delete_rows(5)  # 水院抖音 deleted without a word
    added = [["水利学院", "小红书", "水利红书", "slhs", "张三", "李四", "13800000360", "新增"],
             ["水利学院", "快手", "水院快手", "slks", "张三", "赵六", "13700000002", "新增"]]
    for r, values in enumerate(added, start=6):  # under 水院B站 (now row 5)
        for label, v in zip(["单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "本轮状态"],
                            values, strict=True):
            ws.cell(r, col[label], v)
    wb.save(raw / "水利学院-2024年度备案表.xlsx")
    for unit in ("图书馆", "外国语学院"):
        shutil.copy(made / f"{unit}.xlsx", raw / f"{unit}-回执.xlsx")


def test_round_trip(tmp_path):
    """Season N ingested, its templates written, edited as units would, ingested as round N+1: the record history
    holds exactly the edits, and the deleted row is an R-complete finding in the unit's rectification list."""
    import dataclasses

    from netmedia import season

    base = load_config()
    n = dataclasses.replace(base, round=dataclasses.replace(base.round, name="2023", year=2023, previous="2022"))
    n1 = dataclasses.replace(base, round=dataclasses.replace(base.round, name="2024", year=2024, previous="2023"))
    clean, raw_n, raw_n1, made = (tmp_path / d for d in ("clean", "raw2023", "raw2024", "templates"))
    _write_raw(raw_n, SEASON_N)
    first = season.ingest(raw_n, clean, n)
    assert set(first.tables["record_history"]["change"]) == {"new"}  # no round 2022 archived: all new
    season.templates_step(clean, made, n)
    _write_raw(raw_n1, {})
    _edit_as_units_would(made, raw_n1)
    season.ingest(raw_n1, clean, n1)

    old = pd.read_parquet(clean / "rounds" / "2023" / "platforms.parquet").set_index("platform_name")["record_id"]
    cur = pd.read_parquet(clean / "platforms.parquet").set_index("platform_name")["record_id"]
    acc = pd.read_parquet(clean / "personal_accounts.parquet")["record_id"].tolist()
    assert (cur["水利青年"], cur["水利学院微博"], cur["水院B站"], cur["华水图书馆"]) == (
        old["水利青年"], old["水利学院微博"], old["水院B站"], old["华水图书馆"])  # ids kept by the templates
    pl = "platforms"
    want = pd.DataFrame([
        H(old["水利青年"], "水利学院", pl, "changed", "operator", "李四", "钱十"),
        H(old["水利学院微博"], "水利学院", pl, "closed"),
        H(old["水院B站"], "水利学院", pl, "unchanged"),
        H(cur["水利红书"], "水利学院", pl, "new"),
        H(cur["水院快手"], "水利学院", pl, "new"),
        H(old["华水图书馆"], "图书馆", pl, "unchanged"),
        H(old["水院抖音"], "水利学院", pl, "missing"),
        H(acc[0], "水利学院", "personal_accounts", "unchanged"),
    ], columns=["record_id", "unit", "table", "round", "change", "field", "old", "new"], dtype="str")
    got = pd.read_parquet(clean / "record_history.parquet")

    def ordered(df: pd.DataFrame) -> pd.DataFrame:  # the files' order is the reader's, not part of the changes
        return df.sort_values(["record_id", "field"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(got), ordered(want))

    tables = checks.load_clean_tables(clean)
    f = checks.run_checks(tables, n1).findings
    mine = f[f["table"] == "record_history"]
    assert mine[["rule", "unit", "platform_name", "account_id", "source_file", "source_sheet"]].values.tolist() == [
        ["R-complete", "水利学院", "水院抖音", "sydy", "水利学院-2024年度备案表.xlsx", P2]]
    lists = rectification.rectification_frame(f, tables)
    listed = lists[(lists["unit"] == "水利学院") & (lists["rule"] == "R-complete")]
    assert listed["platform_name"].tolist() == ["水院抖音"] and "漏报或隐瞒" in listed["detail"].iloc[0]


def test_record_changes_of_a_folder_without_history(tmp_path):
    from netmedia import season

    shown = season.record_changes(tmp_path)  # a clean folder from before record histories
    assert shown.empty and list(shown.columns)[:4] == ["单位", "数据表", "变化", "名称"]


def test_groups_followed_by_platform_and_name():
    """Groups have no account id: an old-style return's group is the previous one when its platform and name are
    the same (case and full-width folded); a renamed group is new and the old one missing from the history."""
    before = {"groups": frame("groups", [
        {"unit": "水利学院", "group_name": "2023级新生群", "group_platform": "wechat", "member_count": 120},
        {"unit": "水利学院", "group_name": "水院教工群", "group_platform": "qq", "member_count": 80},
    ], record_id=["G1111111111", "G2222222222"])}
    now = {"groups": frame("groups", [
        {"unit": "水利学院", "group_name": "２０２３级新生群", "group_platform": "wechat", "member_count": 130,
         "source_file": "水利学院.xlsx", "source_sheet": "群组", "source_row": 3},
        {"unit": "水利学院", "group_name": "水院教职工群", "group_platform": "qq", "member_count": 80,
         "source_file": "水利学院.xlsx", "source_sheet": "群组", "source_row": 4},
    ])}
    ids = changes.assign_record_ids(now, before)["groups"]["record_id"].tolist()
    assert ids[0] == "G1111111111"  # same platform and name: the previous group
    assert ids[1] not in ("G1111111111", "G2222222222") and re.fullmatch(r"G[0-9a-f]{10}", ids[1])


def test_untouched_templates_come_back_unchanged(tmp_path):
    """A generated season's templates (platforms, personal accounts and groups) returned as they were sent: every
    record comes back with its id and nothing changed; the count is every record of a unit, counted here from the
    first round's Parquet files."""
    import dataclasses
    import shutil

    from netmedia import samples, season

    config = load_config()
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    samples.generate(raw, n_units=6, seed=11, config=config)
    season.ingest(raw, clean, config)
    made = season.templates_step(clean, tmp_path / "templates", config)
    raw2 = tmp_path / "raw2"
    shutil.copytree(raw / "reference", raw2 / "reference")
    for p in made.written:
        shutil.copy(p, raw2 / p.name)
    nxt = dataclasses.replace(config, round=dataclasses.replace(
        config.round, name="2024", previous=str(config.round.name), year=config.round.year + 1))
    res = season.ingest(raw2, clean, nxt)
    first = {t: pd.read_parquet(clean / "rounds" / str(config.round.name) / f"{t}.parquet")
             for t in ("platforms", "personal_accounts", "groups")}
    open_records = sum(int(df["unit"].notna().sum()) for df in first.values())  # a row without its unit: no template
    assert len(first["groups"]) > 0 and open_records > 0
    hist = res.tables["record_history"]
    assert hist["change"].tolist() == ["unchanged"] * open_records
    for t, df in first.items():
        assert set(res.tables[t]["record_id"]) <= set(df["record_id"]), t
        assert res.tables[t]["round_status"].eq("unchanged").all(), t  # read from each sheet's 本轮状态 (无变化)
