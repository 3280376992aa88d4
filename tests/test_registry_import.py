"""Importing a registry the department already keeps: many units in one file, units named per row or only in an
account's name or description, rows with no findable unit kept (R-unit 单位未知), empty rosters.

Every workbook here is a literal table of cells written with openpyxl; expected values are written by hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from netmedia import season
from netmedia.config import load_config
from netmedia.transform import row_units
from netmedia.transform.units import UnitMatcher

UNITS = [
    ["单位名称", "别名", "单位类别", "党组织书记", "行政负责人"],
    ["水利学院", "水院、水利", "学院", "王书记", "李院长"],
    ["土木与交通学院", "土木学院、交通学院", "学院", "赵书记", "钱院长"],
    ["电力学院", "电力", "学院", "孙书记", "周院长"],
    ["党委宣传部", "宣传部", "职能部门", "吴部长", "郑副部长"],
]
STAFF = [
    ["姓名", "工号", "所在单位", "人员状态"],
    ["张三", "20080001", "水利学院", "在职"],
    ["李四", "20080002", "土木与交通学院", "在职"],
    ["王五", "20080003", "电力学院", "在职"],
]
# A consolidated registry: one sheet, a unit column naming three roster units (one by its alias), and a file name
# that a unit's own return would be attributed by (华北水利水电大学 holds 水利, an alias of 水利学院).
CONSOLIDATED = [
    ["序号", "单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
    [1, "水利学院", "微信公众号", "华水水利", "hwsl01", "王书记", "张三", "13800000001", "2023-04-01"],
    [2, "土木学院", "微博", "华水土木", "hwtm02", "赵书记", "李四", "13800000002", "2023-04-02"],
    [3, "电力学院", "抖音", "华水电力", "hwdl03", "孙书记", "王五", "13800000003", "2023-04-03"],
    [4, "水利学院", "网站", "水利学院网站", "hwsl04", "李院长", "张三", "13800000004", "2023-04-04"],
    [5, "外星学院", "微信公众号", "外星人之家", "wxr05", "某某", "张三", "13800000005", "2023-04-05"],
]
# One sheet per platform, as a crawler's registry has them: the 微信 sheet has a unit column and no type column,
# the 微博 sheet has no unit column: units come from 昵称 or 认证信息, and one row names none.
WECHAT = [
    ["单位名称", "账号名称", "微信号"],
    ["水利学院", "华水水利", "hwsl_wx"],
    ["党委宣传部", "华北水利水电大学", "ncwu_wx"],
]
WEIBO = [
    ["UID", "昵称", "认证信息", "用户类型"],
    ["1000000001", "华北水利水电大学水利学院团委", "华北水利水电大学水利学院团委官方微博", "蓝V"],
    ["1000000002", "华水土木人", "华北水利水电大学土木与交通学院官方微博", "蓝V"],
    ["1000000003", "华北水利水电大学", "华北水利水电大学官方微博", "蓝V"],  # the school's name alone: no unit
    ["1000000004", "华水电力青年", "电力学院学生会", "蓝V"],
]


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook of literal rows, one sheet per entry, in order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rosters(raw: Path, units: list[list] = UNITS, staff: list[list] = STAFF) -> None:
    _xlsx(raw / "reference" / "units.xlsx", {"单位": units})
    _xlsx(raw / "reference" / "staff.xlsx", {"教职工": staff})


def _records(res) -> pd.DataFrame:
    """Clean records of both tables (which annex a registry sheet is read as is not this file's concern)."""
    t = res.tables
    return pd.concat([t["platforms"], t["personal_accounts"]], ignore_index=True).sort_values(
        ["source_sheet", "source_row"], ignore_index=True)


@pytest.fixture
def matcher():
    frame = pd.DataFrame([dict(zip(("unit", "aliases", "kind"), r[:3], strict=True)) for r in UNITS[1:]])
    return UnitMatcher(frame, 88, ("华北水利水电大学", "华水"))


# ------------------------------------------------------------------ the row's unit, directly
def test_a_unit_column_naming_two_units_is_a_consolidated_registry(matcher):
    assert row_units.is_consolidated(["水利学院", "土木学院", None, 3], matcher)
    assert not row_units.is_consolidated(["水利学院", "水院", "水利学院"], matcher)  # one unit, two spellings
    assert not row_units.is_consolidated(["外星学院", "水利学院", ""], matcher)
    assert not row_units.is_consolidated([], matcher)


@pytest.mark.parametrize(
    ("cells", "sheet_unit", "consolidated", "unit"),
    [
        ({"unit": "土木学院"}, "水利学院", True, "土木与交通学院"),  # consolidated: the row's own unit wins
        ({"unit": "土木学院"}, "水利学院", False, "水利学院"),  # a unit's own return: the file's unit
        ({"unit": "土木学院"}, None, False, "土木与交通学院"),
        ({"unit": "外星学院"}, "水利学院", True, None),  # consolidated and unknown: no unit, not the file's
        ({"unit": "外星学院"}, "水利学院", False, "水利学院"),
        ({"platform_name": "华北水利水电大学水利学院团委"}, None, False, "水利学院"),
        ({"platform_name": "华水土木人", "remarks": "华北水利水电大学土木与交通学院官方微博"}, None, False,
         "土木与交通学院"),
        ({"platform_name": "华北水利水电大学", "remarks": "华北水利水电大学官方微博"}, None, False, None),
        ({"platform_name": "华水宣传部"}, None, False, "党委宣传部"),  # an alias inside the name
        ({"platform_name": "水利学院与电力学院联合会"}, None, False, None),  # two units, same length: refused
        ({"unit": "", "platform_name": "电力学院青年"}, None, False, "电力学院"),
        ({}, None, False, None),
    ],
)
def test_row_unit(matcher, cells, sheet_unit, consolidated, unit):
    assert row_units.row_unit(cells, sheet_unit, consolidated, matcher) == unit


def test_no_roster_keeps_the_unit_as_typed():
    empty = UnitMatcher(pd.DataFrame({"unit": pd.Series([], dtype="str")}), 88, ("华北水利水电大学",))
    assert row_units.row_unit({"unit": "外星学院"}, None, False, empty) == "外星学院"
    assert row_units.row_unit({"platform_name": "华北水利水电大学水利学院团委"}, None, False, empty) is None


# ------------------------------------------------------------------ through ingest
def test_consolidated_registry_of_three_units(tmp_path):
    raw = tmp_path / "raw"
    _rosters(raw)
    _xlsx(raw / "华北水利水电大学网络媒体平台台账.xlsx", {"平台": CONSOLIDATED})
    res = season.ingest(raw, None, load_config(), workers=1, progress=False)
    p = res.tables["platforms"].sort_values("source_row")
    assert p["platform_name"].tolist() == ["华水水利", "华水土木", "华水电力", "水利学院网站", "外星人之家"]
    assert p["unit"].tolist()[:4] == ["水利学院", "土木与交通学院", "电力学院", "水利学院"]
    assert pd.isna(p["unit"].tolist()[4])  # 外星学院 is on no roster: kept without a unit, not rejected
    assert not (res.tables["rejects"]["reason"].str.contains("unit")).any()
    # the three units have records: none of them is "missing"; 党委宣传部 sent nothing
    assert res.units_missing == ["党委宣传部"]
    sub = res.tables["submissions"]
    assert sub["unit"].isna().all()  # the sheet is many units' (not 水利学院's, which its file name holds)
    status = season.submission_status(res.tables, load_config()).set_index("单位")["报送状态"]
    assert status.to_dict() == {"水利学院": "见汇总台账", "土木与交通学院": "见汇总台账", "电力学院": "见汇总台账",
                                "党委宣传部": "未报送"}


def test_registry_one_sheet_per_platform_units_from_names(tmp_path):
    raw = tmp_path / "raw"
    _rosters(raw)
    _xlsx(raw / "registry.xlsx", {"微博": WEIBO})
    res = season.ingest(raw, None, load_config(), workers=1, progress=False)
    rec = _records(res)
    assert rec["platform_name"].tolist() == ["华北水利水电大学水利学院团委", "华水土木人", "华北水利水电大学", "华水电力青年"]
    units = [None if pd.isna(u) else u for u in rec["unit"]]
    assert units == ["水利学院", "土木与交通学院", None, "电力学院"]
    assert rec["remarks"].tolist()[1] == "华北水利水电大学土木与交通学院官方微博"  # 认证信息 is the description
    assert len(rec) == 4 and len(res.tables["rejects"]) == 1  # the header row only


@pytest.mark.xfail(importlib.util.find_spec("netmedia.transform.roles") is None, strict=True,
                   reason="the 微信 sheet (no type column) is an annex table only with roles13's column roles")
def test_registry_wechat_sheet_units_from_the_unit_column(tmp_path):
    raw = tmp_path / "raw"
    _rosters(raw)
    _xlsx(raw / "registry.xlsx", {"微信": WECHAT, "微博": WEIBO})
    res = season.ingest(raw, None, load_config(), workers=1, progress=False)
    rec = _records(res)
    wx = rec[rec["source_sheet"] == "微信"]
    assert wx["unit"].tolist() == ["水利学院", "党委宣传部"]
    assert wx["category"].tolist() == ["wechat_official", "wechat_official"]
    assert len(rec) == 6


def test_unknown_unit_is_a_finding_and_every_report_copes(tmp_path):
    """R-unit: the row with no unit is one warning in findings, its rectification list is 未识别单位.xlsx, and
    the registry workbooks, the dashboard and the round's archive are written."""
    raw, clean, reports = tmp_path / "raw", tmp_path / "clean", tmp_path / "reports"
    _rosters(raw)
    _xlsx(raw / "registry.xlsx", {"微博": WEIBO})
    _xlsx(raw / "华北水利水电大学网络媒体平台台账.xlsx", {"平台": CONSOLIDATED})
    config = load_config()
    season.ingest(raw, clean, config, workers=1, progress=False)
    assert (clean / "rounds" / config.round.name / "platforms.parquet").exists()
    rep = season.check_season(clean, reports, config, data_docs=False)
    f = rep.findings
    r_unit = f[f["rule"] == "R-unit"].sort_values("platform_name")
    assert r_unit["platform_name"].tolist() == ["华北水利水电大学", "外星人之家"]
    assert set(r_unit["severity"]) == {"warning"} and r_unit["unit"].isna().all()
    assert "所属单位未知" in r_unit["detail"].iloc[0]
    assert not f.loc[f["rule"] == "R-required", "detail"].str.contains("单位").any()  # R-unit's, not R-required's
    # no head to compare the supervisor with: R-leader says nothing about a row without a unit
    assert not ((f["rule"] == "R-leader") & (f["platform_name"] == "外星人之家")).any()
    assert (reports / "整改清单" / "未识别单位.xlsx").exists()
    assert "R-unit" in rep.summary()
    made = season.dashboard_step(clean, reports, config)
    assert made.html.exists()


# ------------------------------------------------------------------ empty and missing rosters
RETURN = [
    ["序号", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
    [1, "微信公众号", "华水水利", "hwsl01", "王书记", "张三", "13800000001", "2023-04-01"],
]


@pytest.mark.parametrize("rosters", ["header only", "missing"])
def test_empty_rosters_run_completes_and_roster_rules_are_not_checked(tmp_path, rosters):
    raw, clean, reports = tmp_path / "raw", tmp_path / "clean", tmp_path / "reports"
    if rosters == "header only":
        _rosters(raw, units=UNITS[:1], staff=STAFF[:1])
    _xlsx(raw / "备案信息汇总+水利学院.xlsx", {"附件2": RETURN})
    config = load_config()
    res = season.ingest(raw, clean, config, workers=1, progress=False)
    assert len(res.tables["platforms"]) == 1  # the row is kept
    summary = res.summary()
    assert "单位名册" in summary and "教职工名册" in summary and "未检查（缺少名册）" in summary
    subs = res.tables["submissions"]
    said = subs.loc[subs["source_file"].str.startswith("reference/"), ["source_file", "status", "message"]]
    assert sorted(said["source_file"]) == ["reference/staff.xlsx", "reference/units.xlsx"]
    assert set(said["status"]) == {"skipped"}
    assert said["message"].str.contains("未检查").all()
    rep = season.check_season(clean, reports, config, data_docs=False)
    assert sorted(rep.not_checked) == ["R-complete", "R-leader", "R-operator"]
    assert not rep.findings["rule"].isin(["R-complete", "R-leader", "R-operator"]).any()
    assert "R-leader" in rep.summary() and "未检查（缺少名册）" in rep.summary()
    wb = openpyxl.load_workbook(reports / "findings.xlsx", read_only=True)
    assert "未检查的规则" in wb.sheetnames
    shown = [c for row in wb["未检查的规则"].iter_rows(values_only=True) for c in row if c]
    wb.close()
    assert {"R-complete", "R-leader", "R-operator"} <= set(shown)


def test_full_rosters_check_every_roster_rule(tmp_path):
    """The other side: with rows in both rosters nothing is reported unchecked, and a supervisor who is no head
    of the unit fails R-leader."""
    raw, clean, reports = tmp_path / "raw", tmp_path / "clean", tmp_path / "reports"
    _rosters(raw)
    _xlsx(raw / "备案信息汇总+水利学院.xlsx", {"附件2": [RETURN[0], [1, "微信公众号", "华水水利", "hwsl01", "某某",
                                                                    "张三", "13800000001", "2023-04-01"]]})
    config = load_config()
    res = season.ingest(raw, clean, config, workers=1, progress=False)
    assert "未检查" not in res.summary()
    rep = season.check_season(clean, reports, config, data_docs=False)
    assert rep.not_checked == {}
    assert (rep.findings["rule"] == "R-leader").sum() == 1


# ------------------------------------------------------------------ the facts, directly
def test_derived_facts_without_a_unit_or_a_roster():
    from netmedia.validate import derive

    config = load_config()
    platforms = pd.DataFrame({"unit": ["水利学院", None, " "], "supervisor": ["王书记", "王书记", "王书记"],
                              "operator": ["张三", "张三", "张三"]}, dtype="str")
    units = pd.DataFrame([dict(zip(("unit", "aliases", "kind", "party_head", "admin_head"), r, strict=True))
                          for r in UNITS[1:]], dtype="str")
    staff = pd.DataFrame([dict(zip(("name", "staff_id", "unit", "status"), r, strict=True)) for r in STAFF[1:]],
                         dtype="str")
    full = derive.derive_platforms(platforms, units, staff, config)
    assert full["unit_known"].tolist() == [True, False, False]
    assert full["supervisor_is_unit_head"].tolist()[0] is True and full["supervisor_is_unit_head"].isna().tolist() == [
        False, True, True]  # no unit: no head to compare with (R-unit's row)
    assert full["operator_is_current_staff"].tolist() == [True, True, True]
    bare = derive.derive_platforms(platforms, units.iloc[:0], staff.iloc[:0], config)
    assert bare["supervisor_is_unit_head"].isna().all() and bare["operator_is_current_staff"].isna().all()
    # a unit named only by records (a consolidated registry's rows) has sent something
    subs = pd.DataFrame({"unit": [None]}, dtype="str")
    got = derive.derive_units(units, subs, [pd.DataFrame({"unit": ["土木学院", None]}, dtype="str")])
    assert got.set_index("unit")["has_submission"].to_dict() == {"水利学院": False, "土木与交通学院": True,
                                                                 "电力学院": False, "党委宣传部": False}
