"""Internet groups (scope 4, Annex 4; issue 15): read from the returns, checked (R-group-size, R-dissolve,
R-required), counted on the dashboard, and kept out of shared outputs but for the unit's own rectification list.

Hand-written workbooks (literal cells) have their expected records written out by hand; the generated season's
groups are compared with its truth.json; the dashboard's counts with a count made here from the clean table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from workbooks import book

from netmedia import samples, season
from netmedia.config import load_config
from netmedia.extract import sources
from netmedia.report import charts, dashboard, privacy
from netmedia.transform import annex, returns
from netmedia.transform.records import EMPTY_ROW, Context, Rows
from netmedia.transform.units import UnitMatcher
from netmedia.validate import checks

CFG = load_config()
ROSTER = ["水利学院", "党委宣传部", "电力学院"]
# The platforms' Chinese names as the department reads them, written out by hand.
PLATFORM_ZH = {"wechat": "微信群", "wecom": "企业微信群", "qq": "QQ群", "dingtalk": "钉钉群", "feishu": "飞书群",
               "weibo": "微博群", "other": "其他"}


def _ingest(file_name: str, data: bytes) -> Rows:
    roster = pd.DataFrame({"unit": ROSTER, "aliases": [None] * len(ROSTER)}, dtype=object)
    out = returns.ingest_source(sources.Source(file_name, data), Context(CFG, UnitMatcher(roster), strict=True))
    for sub in out.submissions:  # nothing lost: every non-empty row read is clean or rejected
        assert sub["rows_read"] == sub["rows_clean"] + sub["rows_rejected"]
    clean = len(out.platforms) + len(out.personal_accounts) + len(out.groups)
    assert sum(s["rows_clean"] for s in out.submissions) == clean
    assert sum(s["rows_rejected"] for s in out.submissions) == len(out.rejects)
    return out


# A unit's groups sheet as units drift from the template: renamed labels, 126人, 2023.3.31, a spaced name, a row
# holding only its 序号, a signature line; beside it the unit's Annex 2 sheet.
GROUPS_SHEET = [
    ["附件4"],
    ["互联网群组统计表"],
    ["序号", "群聊名字", "所用群平台", "用途", "长期或临时", "群主(管理员)", "师生类别", "群内人数", "建群日期",
     "计划结束时间", "仍需保留与否", "备注"],
    [1, "水利学院2022级新生群", "微信群", "新生入学通知", "临时", "张 三", "辅导员", "126人", dt.datetime(2022, 8, 20),
     "2023.3.31", "否", None],
    [2, "水利学院教职工群", "企业微信", "工作通知", "长期", "李四", "教职工", 85, "2019年3月1日", None, "是", None],
    [3, "毕业设计讨论", "钉钉", "毕业设计指导", "临时", "王小五", "学生", 6, None, dt.datetime(2023, 6, 30), None, "小组"],
    [4],
    ["单位负责人签字（盖章）：", None, None, None, None, None, "填表人：赵六"],
]
PLATFORM_SHEET = [
    ["单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
    ["水利学院", "微信公众号", "水利之声", "gh_1a2b3c4d5e6f", "孙八", "周九", "13812345678", dt.datetime(2023, 4, 1)],
]
EXPECTED_GROUPS = [  # by hand, from the cells above
    {"unit": "水利学院", "group_name": "水利学院2022级新生群", "group_platform_raw": "微信群", "group_platform": "wechat",
     "purpose": "新生入学通知", "group_kind": "temporary", "owner": "张三", "owner_role": "staff", "member_count": 126,
     "created_on": dt.date(2022, 8, 20), "end_on": dt.date(2023, 3, 31), "still_needed": "no", "remarks": None,
     "source_sheet": "附件4", "source_row": 4},
    {"unit": "水利学院", "group_name": "水利学院教职工群", "group_platform_raw": "企业微信", "group_platform": "wecom",
     "purpose": "工作通知", "group_kind": "long_term", "owner": "李四", "owner_role": "staff", "member_count": 85,
     "created_on": dt.date(2019, 3, 1), "end_on": None, "still_needed": "yes", "remarks": None,
     "source_sheet": "附件4", "source_row": 5},
    {"unit": "水利学院", "group_name": "毕业设计讨论", "group_platform_raw": "钉钉", "group_platform": "dingtalk",
     "purpose": "毕业设计指导", "group_kind": "temporary", "owner": "王小五", "owner_role": "student",
     "member_count": 6, "created_on": None, "end_on": dt.date(2023, 6, 30), "still_needed": None, "remarks": "小组",
     "source_sheet": "附件4", "source_row": 6},
]


def _plain(v: object) -> object:
    """A clean-table cell as the hand-written values write it (dates as dates, NA as None)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.date() if isinstance(v, dt.datetime) else v


def test_a_drifted_groups_sheet_is_read_as_annex_4():
    out = _ingest("备案信息汇总+水利学院.xlsx", book(("附件2", PLATFORM_SHEET), ("附件4", GROUPS_SHEET)))
    frame = returns.typed_frame("groups", out.groups)
    got = [{k: _plain(r[k]) for k in EXPECTED_GROUPS[0]} for r in frame.to_dict("records")]
    assert got == EXPECTED_GROUPS
    assert frame["record_id"].isna().all() and frame["round_status"].isna().all()  # free-form return
    assert [p["platform_name"] for p in out.platforms] == ["水利之声"]
    annexes = {s["source_sheet"]: s["annex"] for s in out.submissions}
    assert annexes == {"附件2": "2", "附件4": "4"}
    rejected = {r["source_row"]: r["reason"] for r in out.rejects if r["source_sheet"] == "附件4"}
    assert set(rejected) == {1, 2, 3, 7, 8} and rejected[7] == EMPTY_ROW


def test_groups_and_platform_headers_are_told_apart():
    """A platform sheet's generic labels (名称, 类型, 负责人, 人数) never read as groups; a group sheet never as Annex 2."""
    platform = [("名称",), ("类型",), ("账号",), ("负责人",), ("关注人数",)]
    groups = [("群名称",), ("群类型",), ("群主",), ("成员人数",), ("用途",)]
    assert annex.choose_annex(platform)[0] == "2"
    got, cmap = annex.choose_annex(groups)
    assert got == "4"
    assert cmap == {0: "group_name", 1: "group_platform_raw", 2: "owner", 3: "member_count", 4: "purpose"}


def test_the_threshold_is_configuration():
    """R-group-size reads ``[thresholds] group_min_members``: a 10-member group is counted at 10, not at 12."""
    rows = [dict(EXPECTED_GROUPS[1], member_count=10, source_file="x.xlsx")]
    t = {"groups": returns.typed_frame("groups", rows)}
    assert checks.run_checks(t, CFG).findings.empty
    higher = dataclasses.replace(CFG, thresholds=dataclasses.replace(CFG.thresholds, group_min_members=12))
    f = checks.run_checks(t, higher).findings
    assert f["rule"].tolist() == ["R-group-size"]
    assert f["detail"].tolist() == ["群组“水利学院教职工群”成员 10 人，少于 12 人，不计入统计"]


# ---------------------------------------------------------------------------------- the generated season


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("groups")
    truth = json.loads(samples.generate(root / "raw", n_units=30, seed=7, config=CFG).read_text(encoding="utf-8"))
    res = season.ingest(root / "raw", root / "clean", CFG, workers=1, progress=False)
    return root, truth, res


def _where(r: dict) -> tuple:
    return r["source_file"], r["source_sheet"], int(r["source_row"])


def test_the_generator_plants_every_kind_of_group(generated):
    """Counted from truth.json's values here: groups below 10 members, temporary groups past their end date or
    marked not needed, long-term ones; on several platforms."""
    _, truth, _ = generated
    ref = truth["reference_date"]
    g = truth["groups"]
    assert sum(r["member_count"] is not None and r["member_count"] < 10 for r in g) >= 2
    assert sum(r["group_kind"] == "temporary" and r["end_on"] is not None and r["end_on"] < ref for r in g) >= 2
    assert sum(r["group_kind"] == "temporary" and r["still_needed"] == "no" for r in g) >= 1
    assert sum(r["group_kind"] == "long_term" for r in g) >= 5
    assert len({r["group_platform"] for r in g}) >= 3
    assert any(s["table"] == "groups" for s in truth["sheets"])


def test_ingest_recovers_the_groups_exactly(generated):
    _, truth, res = generated
    keys = [k for k in truth["groups"][0] if k not in ("source_file", "source_sheet", "source_row")]

    def value(v: object) -> object:
        v = _plain(v)
        return v.isoformat() if isinstance(v, dt.date) else v

    got = {_where(r): {k: value(r[k]) for k in keys} for r in res.tables["groups"].to_dict("records")}
    want = {_where(r): {k: r[k] for k in keys} for r in truth["groups"]}
    assert got.keys() == want.keys()
    diff = [(k, got[k], want[k]) for k in want if got[k] != want[k]]
    assert not diff, diff[:3]


@pytest.mark.parametrize("rule", ["R-group-size", "R-dissolve", "R-required"])
def test_group_rules_find_exactly_what_was_planted(generated, rule):
    """Precision and recall 1.0 of the groups suite's findings against the truth."""
    _, truth, res = generated
    f = checks.run_checks(res.tables, CFG).findings
    f = f[(f["rule"] == rule) & (f["table"] == "groups")]
    got = {_where(r) for r in f.to_dict("records")}
    want = {_where(v) for v in truth["violations"] if v["rule"] == rule and v["table"] == "groups"}
    assert want, rule
    assert got == want


def test_dashboard_counts_equal_the_clean_table(generated):
    """The traces of the groups charts and the dissolve list, against counts made here."""
    _, truth, res = generated
    g = res.tables["groups"]
    n = g["member_count"]
    counted, small = g[n.ge(10).fillna(False)], g[n.lt(10).fillna(False)]
    by_unit = charts.groups_by_unit(g, CFG)
    traces = {t.name: dict(zip(t.y, t.x, strict=True)) for t in by_unit.data}
    assert traces["计入统计"] == dict(Counter(counted["unit"]))
    assert traces["不足统计人数"] == dict(Counter(small["unit"]))
    by_platform = {t.name: dict(zip(t.x, t.y, strict=True)) for t in charts.groups_by_platform(g, CFG).data}
    assert by_platform["计入统计"] == dict(Counter(counted["group_platform"].map(PLATFORM_ZH)))
    ref = pd.Timestamp(CFG.round.reference_date)
    temporary = g["group_kind"] == "temporary"
    dissolve = g[temporary & (g["end_on"].lt(ref).fillna(False) | g["still_needed"].eq("no").fillna(False))]
    table = charts.dissolve_list(g, CFG).data[0]
    assert list(table.header.values) == ["单位", "群组名称", "群组类型", "结束时间", "应解散原因"]
    assert sorted(zip(table.cells.values[0], table.cells.values[1], strict=True)) == sorted(
        zip(dissolve["unit"], dissolve["group_name"], strict=True))
    assert len(dissolve) == sum(v["rule"] == "R-dissolve" for v in truth["violations"])


def test_group_charts_on_hand_made_rows():
    """Four groups of two units, counted by hand: 水利学院 two counted (企业微信群, QQ群), 电力学院 one counted
    (企业微信群) and one of 9 members (企业微信群) that is temporary and ended: the one group to dissolve."""
    base = dict(EXPECTED_GROUPS[1], source_file="x.xlsx", source_sheet="附件4")
    rows = [dict(base, source_row=3), dict(base, group_platform="qq", group_platform_raw="QQ群", source_row=4),
            dict(base, unit="电力学院", group_name="电院群", source_row=5),
            dict(base, unit="电力学院", group_name="电院临时群", member_count=9, group_kind="temporary",
                 end_on=dt.date(2023, 1, 1), source_row=6)]
    g = returns.typed_frame("groups", rows)
    traces = {t.name: dict(zip(t.y, t.x, strict=True)) for t in charts.groups_by_unit(g, CFG).data}
    assert traces == {"计入统计": {"水利学院": 2, "电力学院": 1}, "不足统计人数": {"电力学院": 1}}
    traces = {t.name: dict(zip(t.x, t.y, strict=True)) for t in charts.groups_by_platform(g, CFG).data}
    assert traces == {"计入统计": {"企业微信群": 2, "QQ群": 1}, "不足统计人数": {"企业微信群": 1}}
    cells = charts.dissolve_list(g, CFG).data[0].cells.values
    assert [list(c) for c in cells] == [["电力学院"], ["电院临时群"], ["企业微信群"], ["2023-01-01"], ["已过结束时间"]]


def test_no_groups_table_no_groups_figures():
    empty = returns.typed_frame("groups", [])
    assert charts.groups_by_unit(empty, CFG).layout.annotations[0].text == charts.NO_DATA
    assert not charts.dissolve_list(empty, CFG).data


def _text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix in (".xlsx", ".docx"):
        return privacy.zip_text(data)
    if path.suffix == ".png":
        return privacy.png_text(data)
    text = data.decode("utf-8", errors="replace")  # plotly writes its JSON with \uXXXX escapes
    return html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text))


def test_owner_names_stay_in_the_units_own_rectification_list(generated):
    """Shared outputs (dashboard, charts, Data Docs, rectification lists) show group counts; an owner's name is
    only in the rectification list of the owner's unit (its R-dissolve / R-required detail and row)."""
    root, _, res = generated
    t = res.tables
    others = set()  # names that are in the season for another reason (operators, holders, staff, heads)
    for table, cols in (("platforms", ("supervisor", "operator")), ("personal_accounts", ("holder_name",)),
                        ("staff", ("name",)), ("units", ("party_head", "admin_head"))):
        for c in cols:
            others |= set(t[table][c].dropna())
    g = t["groups"].dropna(subset=["owner"])
    owners = {o: set(us) for o, us in g.groupby("owner")["unit"].agg(lambda s: set(s.dropna())).items()}
    assert len(set(owners) - others) > 5  # owners named nowhere else (students): a leak of theirs cannot hide
    reports = root / "reports"
    report = season.check_season(root / "clean", reports, CFG)
    dashboard.build_dashboard(t, report.findings, CFG, reports, images=False)
    shared = privacy.shareable_outputs(reports)
    assert any(p.name == "dashboard.html" for p in shared) and any(p.parent.name == "整改清单" for p in shared)
    seen_in_lists = 0
    for path in shared:
        text = _text(path)
        for owner, units in owners.items():
            if owner not in text:
                continue
            if path.parent.name == "整改清单" and path.stem in units:
                seen_in_lists += 1
            else:  # elsewhere only as an operator, holder, staff member or head, never as a group's owner
                assert owner in others, (path.relative_to(reports), owner)
    assert seen_in_lists > 0  # the lists do name the owners of the groups to dissolve
    page = _text(reports / "dashboard.html")
    assert "互联网群组" in page and "应解散的临时群组" in page
    assert not [o for o in owners if o in page]  # the dashboard names no owner at all, staff or student
