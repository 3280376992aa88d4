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
