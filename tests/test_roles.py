"""Columns known by their values as well as their labels, and registry sheets that name their platform only in the
sheet name or the account column's label (issue 13, items 1 and 6).

Every input is a literal cell table written here (None = blank cell), turned into a workbook by openpyxl; every
expected value is written by hand.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from workbooks import book

from netmedia.config import load_config
from netmedia.extract import sources
from netmedia.transform import detectors, returns, roles
from netmedia.transform.records import Context, Rows
from netmedia.transform.units import UnitMatcher

ROSTER = ["水利学院", "党委宣传部", "电力学院"]




def _ctx(units: list[str] = ROSTER) -> Context:
    roster = pd.DataFrame({"unit": units, "aliases": [None] * len(units)}, dtype=object)
    return Context(load_config(), UnitMatcher(roster), strict=True)


def _ingest(file_name: str, data: bytes, ctx: Context | None = None) -> Rows:
    out = returns.ingest_source(sources.Source(file_name, data), ctx or _ctx())
    for sub in out.submissions:  # nothing lost: every non-empty row read is clean or rejected
        assert sub["rows_read"] == sub["rows_clean"] + sub["rows_rejected"]
    assert sum(s["rows_clean"] for s in out.submissions) == len(out.platforms) + len(out.personal_accounts)
    assert sum(s["rows_rejected"] for s in out.submissions) == len(out.rejects)
    return out


def _best_role(values: list[object], look: detectors.Lookups) -> str | None:
    """The role most of ``values`` show, as the sheet reader judges one column of them."""
    return roles.SheetValues([values], look).best(0)[0]


def _map(sub: dict) -> dict[str, dict]:
    """The submission's column map by column letter."""
    return {c["col"]: c for c in json.loads(sub["column_map"])}


def _fields(sub: dict) -> dict[str, tuple[str | None, str]]:
    return {col: (c["column"], c["basis"]) for col, c in _map(sub).items()}


# ---------------------------------------------------------------------------------------------- every label new
NEW_LABELS = ["形态", "号名", "入口", "把关人", "看管人", "联络", "起始", "最新动态", "人气", "归口"]
NEW_ROWS = [
    ["微信公众号", "华水水利", "https://mp.weixin.qq.com/s/AbCd", "李强", "张伟", 13812345678,
     dt.date(2018, 3, 1), dt.date(2024, 4, 2), 1200, "水利学院"],
    ["新浪微博", "水利青年之声", "weibo.com/u/5566778899", "李强", "王芳", "0371-69127000",
     dt.date(2019, 5, 1), dt.date(2024, 4, 1), "3.5万", "水利学院"],
    ["抖音", "水利学院抖音号", "https://www.douyin.com/user/ncwu_sl", "李强", "赵敏", "139 0000 1111",
     dt.date(2020, 6, 1), dt.date(2024, 3, 30), 800, "水利学院"],
]


def test_a_sheet_whose_labels_are_all_new_is_read_by_its_values() -> None:
    data = book(("Sheet1", [["附件2"], NEW_LABELS, *NEW_ROWS]))
    out = _ingest("备案表.xlsx", data)
    (sub,) = out.submissions
    assert sub["annex"] == "2" and sub["rows_clean"] == 3
    assert _fields(sub) == {
        "A": ("platform_type_raw", "values"), "B": ("platform_name", "values"), "C": ("url", "values"),
        "D": ("supervisor", "values"), "E": ("operator", "values"), "F": ("operator_phone", "values"),
        "G": ("opened_on", "values"), "H": ("last_updated_on", "values"), "I": ("followers", "values"),
        "J": ("unit", "values"),
    }
    assert all(c["row"] == 2 and c["conflict"] is None and 0.6 <= c["score"] <= 1 for c in _map(sub).values())
    got = [{k: r[k] for k in ("unit", "platform_type_raw", "platform_name", "url", "supervisor", "operator",
                              "operator_phone", "opened_on", "last_updated_on", "followers", "category")}
           for r in out.platforms]
    assert got == [
        {"unit": "水利学院", "platform_type_raw": "微信公众号", "platform_name": "华水水利",
         "url": "https://mp.weixin.qq.com/s/AbCd", "supervisor": "李强", "operator": "张伟",
         "operator_phone": "13812345678", "opened_on": dt.date(2018, 3, 1), "last_updated_on": dt.date(2024, 4, 2),
         "followers": 1200, "category": "wechat_official"},
        {"unit": "水利学院", "platform_type_raw": "新浪微博", "platform_name": "水利青年之声",
         "url": "weibo.com/u/5566778899", "supervisor": "李强", "operator": "王芳",
         "operator_phone": "0371-69127000", "opened_on": dt.date(2019, 5, 1), "last_updated_on": dt.date(2024, 4, 1),
         "followers": 35000, "category": "weibo"},
        {"unit": "水利学院", "platform_type_raw": "抖音", "platform_name": "水利学院抖音号",
         "url": "https://www.douyin.com/user/ncwu_sl", "supervisor": "李强", "operator": "赵敏",
         "operator_phone": "13900001111", "opened_on": dt.date(2020, 6, 1), "last_updated_on": dt.date(2024, 3, 30),
         "followers": 800, "category": "douyin"},
    ]
    assert [r["reason"] for r in out.rejects] == ["title row", "header row"]


def test_new_labels_on_a_two_row_header_under_merged_parents() -> None:
    rows = [
        ["序号", "归口", "账号信息", None, None, "管理情况", None, "人气"],
        [None, None, "形态", "号名", "入口", "看管人", "联络", None],
        [1, "电力学院", "微信视频号", "电力青年", "https://channels.weixin.qq.com/x", "孙丽", 13700000001, 15000],
        [2, "电力学院", "哔哩哔哩", "电力学院B站", "https://space.bilibili.com/123456", "周杰", 13700000002, 320],
    ]
    out = _ingest("电力学院.xlsx", book(("S", rows), merges={"S": ["C1:E1", "F1:G1"]}))
    (sub,) = out.submissions
    assert sub["annex"] == "2" and sub["rows_clean"] == 2
    fields = {col: f for col, (f, _) in _fields(sub).items()}
    assert fields == {"A": None, "B": "unit", "C": "platform_type_raw", "D": "platform_name", "E": "url",
                      "F": "operator", "G": "operator_phone", "H": "followers"}
    cmap = _map(sub)
    assert cmap["C"]["label"] == "账号信息 形态" and cmap["C"]["basis"] == "values"
    # 账号信息 over 形态 reads as an account; the values are platform types, and they were followed: said so
    assert "账号信息 形态" in cmap["C"]["conflict"] and "按取值" in cmap["C"]["conflict"]
    assert [(r["platform_name"], r["operator"], r["operator_phone"], r["followers"]) for r in out.platforms] == [
        ("电力青年", "孙丽", "13700000001", 15000), ("电力学院B站", "周杰", "13700000002", 320)]


def test_an_annex_3_sheet_with_new_labels_and_no_title_is_told_by_its_values() -> None:
    """教职工/学生 and one person per row: personal accounts, though no label or title says so."""
    rows = [["主人", "师或生", "形态", "号名", "识别码"],
            ["张伟", "教职工", "抖音", "张老师讲水利", "zw_hydro"],
            ["王芳", "学生", "微信视频号", "芳芳的水利日常", "wf2024"],
            ["赵敏", "研究生", "哔哩哔哩", "赵敏学长", "zm_ncwu"]]
    out = _ingest("水利学院.xlsx", book(("Sheet1", rows)))
    (sub,) = out.submissions
    assert sub["annex"] == "3" and out.platforms == []
    assert {col: f for col, (f, _) in _fields(sub).items()} == {
        "A": "holder_name", "B": "holder_role", "C": "platform_type_raw", "D": "platform_name", "E": "account_id"}
    assert [(r["unit"], r["holder_name"], r["holder_role"], r["platform_name"], r["account_id"], r["category"])
            for r in out.personal_accounts] == [
        ("水利学院", "张伟", "staff", "张老师讲水利", "zw_hydro", "douyin"),
        ("水利学院", "王芳", "student", "芳芳的水利日常", "wf2024", "wechat_channels"),
        ("水利学院", "赵敏", "student", "赵敏学长", "zm_ncwu", "bilibili")]


# ---------------------------------------------------------------------------------------------- label vs values
def test_a_known_label_whose_values_disagree_is_reported_and_the_label_kept() -> None:
    phones_are_dates = [
        ["单位名称", "平台类型", "平台名称", "账号ID", "运营负责人", "联系电话"],
        ["水利学院", "微信公众号", "华水水利", "hsxw1951", "张伟", dt.date(2024, 4, 1)],
        ["水利学院", "微博", "水利青年", "slqn2020", "王芳", dt.date(2024, 3, 1)],
    ]
    types_are_statuses = [
        ["单位名称", "类型", "平台名称", "网址"],
        ["水利学院", "正常运行", "水利学院网站", "http://slxy.ncwu.edu.cn"],
        ["水利学院", "已停用", "水利学院旧网站", "http://old.ncwu.edu.cn"],
    ]
    out = _ingest("水利学院.xlsx", book(("电话", phones_are_dates), ("类型", types_are_statuses)))
    phone_sub, type_sub = out.submissions
    f = _map(phone_sub)["F"]
    assert (f["column"], f["basis"]) == ("operator_phone", "header")
    assert "联系电话" in f["conflict"] and "日期" in f["conflict"] and "按表头" in f["conflict"]
    assert f["conflict"] in phone_sub["message"]
    assert [r["operator_phone"] for r in out.platforms[:2]] == ["2024-04-01", "2024-03-01"]
    b = _map(type_sub)["B"]
    assert (b["column"], b["basis"]) == ("platform_type_raw", "header")
    assert "类型" in b["conflict"] and "运行状态" in b["conflict"] and b["conflict"] in type_sub["message"]
    assert [r["platform_type_raw"] for r in out.platforms[2:]] == ["正常运行", "已停用"]
    # a label and values that agree: no conflict, basis both
    assert _map(phone_sub)["B"] == {"col": "B", "row": 1, "label": "平台类型", "column": "platform_type_raw",
                                     "basis": "both", "score": 1.0, "conflict": None}


# ---------------------------------------------------------------------------------------------- registries
def test_a_wechat_registry_sheet_takes_its_type_from_the_sheet_name() -> None:
    rows = [["单位名称", "账号名称", "微信号"],
            ["水利学院", "华水水利", "hsxw1951"],
            ["电力学院", "华水电力", "ncwudl"]]
    out = _ingest("registry.xlsx", book(("微信", rows)))
    (sub,) = out.submissions
    assert sub["annex"] == "2" and sub["rows_clean"] == 2
    assert [(r["unit"], r["platform_name"], r["account_id"], r["category"]) for r in out.platforms] == [
        ("水利学院", "华水水利", "hsxw1951", "wechat_official"), ("电力学院", "华水电力", "ncwudl", "wechat_official")]


def test_an_account_label_names_the_platform_on_a_plain_sheet() -> None:
    rows = [["单位名称", "账号名称", "抖音号"], ["水利学院", "华水水利", "ncwu_sl"]]
    out = _ingest("registry.xlsx", book(("Sheet1", rows)))
    assert out.submissions[0]["annex"] == "2"
    assert [(r["platform_name"], r["account_id"], r["category"]) for r in out.platforms] == [
        ("华水水利", "ncwu_sl", "douyin")]


def test_a_weibo_registry_of_official_accounts_is_annex_2() -> None:
    rows = [["UID", "昵称", "认证信息", "用户类型"],
            [1234567890, "华北水利水电大学党委宣传部", "华北水利水电大学党委宣传部官方微博", "政务"],
            [2234567891, "华水宣传", "华北水利水电大学党委宣传部官方微博", "政务"]]
    out = _ingest("党委宣传部.xlsx", book(("微博", rows)))
    (sub,) = out.submissions
    assert sub["annex"] == "2"  # no holder column: no personal account
    assert out.personal_accounts == []
    fields = {col: f for col, (f, _) in _fields(sub).items()}
    # 认证信息 is the account's description; 用户类型 holds 政务, no platform type: unmapped, the sheet name says 微博
    assert fields == {"A": "account_id", "B": "platform_name", "C": "remarks", "D": None}
    assert [(r["unit"], r["platform_name"], r["account_id"], r["category"]) for r in out.platforms] == [
        ("党委宣传部", "华北水利水电大学党委宣传部", "1234567890", "weibo"),
        ("党委宣传部", "华水宣传", "2234567891", "weibo")]


def test_a_sheet_without_type_hint_or_type_column_is_still_no_annex() -> None:
    """単位/账号名称/账号 on a sheet named Sheet1: nothing says which platform; the sheet stays rejected."""
    rows = [["单位名称", "账号名称", "账号"], ["水利学院", "华水水利", "hsxw1951"]]
    out = _ingest("x.xlsx", book(("Sheet1", rows)))
    assert out.submissions[0]["annex"] is None and out.platforms == []
    assert out.submissions[0]["message"].startswith("not an Annex 2/3/4 table")


# ---------------------------------------------------------------------------------------------- layouts
def test_two_tables_pasted_one_under_another_with_another_column_order() -> None:
    rows = [
        ["序号", "单位名称", "平台类型", "平台名称", "账号ID", "联系电话"],
        [1, "水利学院", "微信公众号", "华水水利", "hsxw1951", 13812345678],
        [2, "水利学院", "微博", "水利青年", "slqn2020", 13812345679],
        [],
        ["序号", "平台名称", "平台类型", "单位名称", "联系电话", "账号ID"],
        [1, "电力青年", "抖音", "电力学院", 13700000001, "dlqn"],
        [2, "电力学院网站", "网站", "电力学院", 13700000002, "dlxy"],
    ]
    out = _ingest("汇总.xlsx", book(("S", rows)))
    assert [s["source_sheet"] for s in out.submissions] == ["S", "S"]
    assert [(r["source_row"], r["unit"], r["platform_name"], r["account_id"], r["operator_phone"])
            for r in out.platforms] == [
        (2, "水利学院", "华水水利", "hsxw1951", "13812345678"), (3, "水利学院", "水利青年", "slqn2020", "13812345679"),
        (6, "电力学院", "电力青年", "dlqn", "13700000001"), (7, "电力学院", "电力学院网站", "dlxy", "13700000002")]
    assert [(r["source_row"], r["reason"]) for r in out.rejects] == [(1, "header row"), (5, "header row")]
    assert [_map(s)["B"]["label"] for s in out.submissions] == ["单位名称", "平台名称"]
    assert [_map(s)["B"]["row"] for s in out.submissions] == [1, 5]


def test_an_empty_roster_breaks_nothing() -> None:
    """No roster rows (a roster file with its header only): unit names are told by how they end, the unit cells
    are kept as typed, and the new labels are still read."""
    data = book(("Sheet1", [NEW_LABELS, *NEW_ROWS]))
    out = _ingest("备案表.xlsx", data, _ctx([]))
    (sub,) = out.submissions
    assert sub["annex"] == "2" and sub["rows_clean"] == 3
    fields = _fields(sub)
    assert fields["J"] == ("unit", "values") and fields["D"] == ("supervisor", "values")
    assert [r["unit"] for r in out.platforms] == ["水利学院"] * 3


# ---------------------------------------------------------------------------------------------- the detectors
@pytest.mark.parametrize(("values", "role"), [
    (["微信公众号", "抖音", "新浪微博"], "type"),
    (["13812345678", "0371-69127000", 13900001111], "phone"),
    ([dt.date(2024, 1, 1), "2023年3月", "2022.5.6"], "date"),
    (["https://weibo.com/u/1", "www.ncwu.edu.cn", "mp.weixin.qq.com/s/x"], "url"),
    ([1200, "3.5万", "10万+", 0], "count"),
    ([1, 2, 3, 4], "row_number"),
    (["正常运行", "已停用", "停更"], "status"),
    (["教职工", "学生", "研究生"], "holder_role"),
    (["是", "否", "是"], "yes_no"),
    (["张伟", "欧阳娜娜", "王芳"], "person"),
    (["gh_0123456789ab", "hsxw1951", "ncwu_sl"], "account"),
    (["华北水利水电大学校史馆官方账号", "水利学院新闻中心网站", "电力学院学生会工作平台"], "text"),
])
def test_a_column_role_is_what_most_of_its_values_show(values: list[object], role: str) -> None:
    assert _best_role(values, detectors.Lookups()) == role


def test_unit_names_are_known_by_the_roster_or_by_how_they_end() -> None:
    units = ["青年志愿者联合会", "后勤保障集团", "资产经营公司"]
    assert _best_role(units, detectors.Lookups(unit=dict(zip(units, units, strict=True)).get)) == "unit"
    assert _best_role(units, detectors.Lookups()) == "text"
    assert _best_role(["水利学院", "党委宣传部", "图书馆"], detectors.Lookups()) == "unit"  # no roster needed


def test_staff_names_count_as_persons_whatever_their_length() -> None:
    look = detectors.Lookups(staff_names=frozenset({"买买提·艾力", "John Smith"}))
    assert _best_role(["买买提·艾力", "John Smith"], look) == "person"
    assert _best_role(["John Smith", "Mary Jones"], detectors.Lookups()) == "text"


def test_column_letters() -> None:
    assert [roles.col_letter(j) for j in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_leaders_titles_are_no_persons() -> None:
    """院长 and 党委书记 are two to four Han characters like a name: under an unknown label they are the
    supervisor's title, and the unknown label beside them holding names is the supervisor."""
    rows = [["单位名称", "平台类型", "平台名称", "审核人", "职位", "运营管理负责人", "联系电话", "最近更新时间"],
            ["水利学院", "微信公众号", "华水水利", "刘洋", "院长", "张伟", 13812345678, dt.date(2024, 4, 2)],
            ["水利学院", "微博", "水利青年", "陈静", "党委书记", "王芳", 13912345678, dt.date(2024, 4, 1)],
            ["水利学院", "抖音", "水利抖音", "陈静", "副院长", "赵敏", 13712345678, dt.date(2024, 3, 30)]]
    out = _ingest("水利学院.xlsx", book(("附件2", rows)))
    fields = _fields(out.submissions[0])
    assert fields["D"] == ("supervisor", "values") and fields["E"] == ("supervisor_title", "values")
    assert [(p["supervisor"], p["supervisor_title"], p["operator"]) for p in out.platforms] == [
        ("刘洋", "院长", "张伟"), ("陈静", "党委书记", "王芳"), ("陈静", "副院长", "赵敏")]


def test_dates_typed_as_serial_numbers_are_no_conflict() -> None:
    """A date cell without date format holds Excel's serial number (45383 = 2024-04-01): under a date label that
    is a date, not a count contradicting the label."""
    rows = [["单位名称", "平台类型", "平台名称", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
            ["水利学院", "微信公众号", "华水水利", "刘洋", "张伟", 13812345678, 45383],
            ["水利学院", "微博", "水利青年", "陈静", "王芳", 13912345678, 45382]]
    out = _ingest("水利学院.xlsx", book(("附件2", rows)))
    assert _map(out.submissions[0])["G"]["conflict"] is None
    assert [p["last_updated_on"] for p in out.platforms] == [dt.date(2024, 4, 1), dt.date(2024, 3, 31)]
