"""netmedia.validate.checks: the GX suites run for real on hand-made frames; findings point at the right rows."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from netmedia import paths
from netmedia.config import load_config
from netmedia.transform.returns import typed_frame
from netmedia.validate import checks, derive, gx_runner
from netmedia.validate.findings import FAILED_COLUMNS, FINDING_COLUMNS, render_details, rules


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A clean-table frame: every output column, typed by the ingest's own ``typed_frame``."""
    return typed_frame(table, rows)

SRC = "备案信息汇总+水利学院.xlsx"
SHEET = "附件2"


def prow(row: int, **kw) -> dict:
    """A valid Annex 2 row at Excel row ``row``, overridden by ``kw``."""
    base = {
        "unit": "水利学院",
        "owner_kind": "unit",
        "platform_type_raw": "微博",
        "platform_class": 3,
        "category": "weibo",
        "platform_name": f"水利学院平台{row}",
        "account_id": f"acc{row}",
        "supervisor": "张三",
        "operator": "孙八",
        "operator_phone": "13812345678",
        "last_updated_on": "2023-04-01",
        "status": "running",
        "status_raw": "正常",
        "source_file": SRC,
        "source_sheet": SHEET,
        "source_row": row,
    }
    return base | kw


def arow(row: int, **kw) -> dict:
    base = {
        "unit": "水利学院",
        "holder_name": "孙八",
        "platform_type_raw": "抖音",
        "category": "douyin",
        "platform_name": f"华水日常{row}",
        "phone": "13812345678",
        "source_file": "附件3+水利学院.xlsx",
        "source_sheet": "附件3",
        "source_row": row,
    }
    return base | kw


def grow(row: int, **kw) -> dict:
    """A valid Annex 4 (groups) row at Excel row ``row``, overridden by ``kw`` (reference date 2023-04-25)."""
    base = {
        "unit": "水利学院",
        "group_name": f"水利学院工作群{row}",
        "group_platform_raw": "微信群",
        "group_platform": "wechat",
        "purpose": "工作通知",
        "group_kind": "long_term",
        "owner": "孙八",
        "owner_role": "staff",
        "member_count": 50,
        "source_file": SRC,
        "source_sheet": "附件4",
        "source_row": row,
    }
    return base | kw


PLATFORMS = [
    prow(4),  # clean
    prow(5, last_updated_on="2023-01-25"),  # exactly on the cutoff: passes
    prow(6, last_updated_on="2023-01-24"),  # one day before: R-zombie
    prow(7, last_updated_on="2022-01-01", status="closed", status_raw="已注销"),  # closed: exempt
    prow(8, last_updated_on="2022-12-01", status="stopped", status_raw="停用"),  # R-zombie + R-closed
    prow(9, supervisor="孙八"),  # R-leader (not a head)
    prow(10, operator="赵六"),  # R-operator (退休)
    prow(11, supervisor="张三", operator="张三"),  # head who is also operator, on the roster: passes
    prow(12, supervisor="李四", operator="李四"),  # head as operator, not on the staff roster: R-operator only
    prow(13, supervisor=None, operator_phone=None, last_updated_on=None),  # R-required, one finding
    prow(14, operator_phone="1381234"),  # R-phone
    prow(15, account_id="dup1"),  # R-duplicate within the unit
    prow(16, account_id="dup1"),
    prow(17, account_id="DUP2"),  # R-duplicate across units
    prow(18, unit="电力学院", account_id="dup2", supervisor="王五", source_file="电力学院.xlsx", source_row=4),
    prow(19, platform_type_raw="网站", category="website_external", platform_class=2, url="http://news.ncwu.edu.cn"),
    prow(20, platform_class=6),  # R-category: class does not match weibo
]

ACCOUNTS = [
    arow(3),  # clean
    arow(4, platform_name="華水小助手"),  # traditional: in scope
    arow(5, platform_name="NcWu Vlog"),  # English short name, mixed case: in scope
    arow(6, platform_name="滑水之家"),  # homophone: R-naming, in scope
    arow(7, platform_name="画水日常"),  # tone-only homophone: R-naming
    arow(8, platform_name="华水垃圾"),  # defamatory: R-naming
    arow(9, platform_name="我的日常"),  # R-scope (warning)
    arow(10, holder_name=None, phone="abc"),  # R-required + R-phone
]


GROUPS = [
    grow(3),  # clean
    grow(4, member_count=9),  # R-group-size (warning)
    grow(5, member_count=10),  # exactly the threshold: counted
    grow(6, group_kind="temporary", end_on="2023-04-24"),  # ended the day before the reference date: R-dissolve
    grow(7, group_kind="temporary", end_on="2023-04-25", still_needed="yes"),  # ends on it: passes
    grow(8, group_kind="temporary", still_needed="no"),  # no longer needed: R-dissolve
    grow(9, still_needed="no", end_on="2022-01-01"),  # long-term: never R-dissolve
    grow(10, owner=None, member_count=None),  # R-required (one finding), no R-group-size without a count
    grow(11, group_kind="temporary", end_on="2023-03-01", still_needed="no", member_count=3),  # both rules
]


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def gx_engine():
    """Import GX and load the suites once per test session."""
    return gx_runner.engine()


def tables() -> dict[str, pd.DataFrame]:
    units = frame(
        "units",
        [
            {"unit": "水利学院", "aliases": "水院", "kind": "学院", "party_head": "张三", "admin_head": "李四"},
            {"unit": "电力学院", "aliases": None, "kind": "学院", "party_head": "王五", "admin_head": "周九"},
            {"unit": "艺术学院", "aliases": None, "kind": "学院", "party_head": "吴十", "admin_head": None},
        ],
    )
    staff = frame(
        "staff",
        [
            {"name": "张三", "staff_id": "1", "unit": "水利学院", "status": "在职"},
            {"name": "孙八", "staff_id": "2", "unit": "水利学院", "status": "在职"},
            {"name": "赵六", "staff_id": "3", "unit": "水利学院", "status": "退休"},
        ],
    )
    subs = frame(
        "submissions",
        [
            {"source_file": SRC, "source_sheet": SHEET, "unit": "水利学院", "annex": "2", "received_at": "2023-04-25 18:00"},
            {"source_file": "电力学院.xlsx", "source_sheet": "附件2", "unit": "电力学院", "annex": "2",
             "received_at": "2023-04-27 09:00"},
            {"source_file": "电力学院.xlsx", "source_sheet": "附件3", "unit": "电力学院", "annex": "3",
             "received_at": "2023-04-27 09:00"},
        ],
    )
    return {
        "platforms": frame("platforms", PLATFORMS),
        "personal_accounts": frame("personal_accounts", ACCOUNTS),
        "groups": frame("groups", GROUPS),
        "units": units,
        "staff": staff,
        "submissions": subs,
        "record_history": frame(
            "record_history",
            [
                {"record_id": "P0123456789", "unit": "水利学院", "table": "platforms", "round": "2023", "change": "new"},
                # a record an old-style return no longer lists: in the history, not a finding (no template returned)
                {"record_id": "P9876543210", "unit": "电力学院", "table": "platforms", "round": "2023",
                 "change": "missing"},
            ],
        ),
    }


@pytest.fixture(scope="module")
def result(gx_engine, config):
    return checks.run_checks(tables(), config)


def rows(result, rule: str, table: str | None = None) -> list[int]:
    f = result.findings
    f = f[f["rule"] == rule]
    if table:
        f = f[f["table"] == table]
    return sorted(int(x) for x in f["source_row"].dropna())


def test_findings_frame_shape(result):
    f = result.findings
    assert tuple(f.columns) == FINDING_COLUMNS
    assert str(f["source_row"].dtype) == "Int64"
    assert str(f["rule"].dtype) == "str"
    assert not result.ok
    assert set(result.stats["suite"]) == set(gx_runner.SUITE_ORDER)


def test_zombie_boundary_and_closed_exempt(result):
    assert rows(result, "R-zombie") == [6, 8]
    f = result.findings
    d = f[(f["rule"] == "R-zombie") & (f["source_row"] == 6)].iloc[0]
    assert d["detail"] == "最近更新时间 2023-01-24 早于 2023-01-25"
    assert "2023-01-25" in d["message_zh"] and "三个月" in d["message_zh"]
    assert d["source_file"] == SRC and d["source_sheet"] == SHEET and d["unit"] == "水利学院"


def test_closed(result):
    assert rows(result, "R-closed") == [8]


def test_leader_and_operator(result):
    assert rows(result, "R-leader") == [9]
    assert rows(result, "R-operator") == [10, 12]
    f = result.findings
    d = f[(f["rule"] == "R-operator") & (f["source_row"] == 10)]["detail"].iloc[0]
    assert "赵六" in d and "退休" in d


def test_required_one_finding_per_row(result):
    assert rows(result, "R-required", "platforms") == [13]
    f = result.findings
    d = f[(f["rule"] == "R-required") & (f["table"] == "platforms")]["detail"].iloc[0]
    assert d == "缺少必填项：主管领导、联系电话、最近更新时间"
    assert rows(result, "R-required", "personal_accounts") == [10]
    assert rows(result, "R-required", "groups") == [10]


def test_group_size_and_dissolve(result):
    assert rows(result, "R-group-size", "groups") == [4, 11]
    assert rows(result, "R-dissolve", "groups") == [6, 8, 11]


def test_phone_duplicate_category(result):
    assert rows(result, "R-phone", "platforms") == [14]
    assert rows(result, "R-phone", "personal_accounts") == [10]
    f = result.findings
    dup = f[f["rule"] == "R-duplicate"]
    assert sorted(zip(dup["source_file"], dup["source_row"].astype(int), strict=True)) == [
        (SRC, 15), (SRC, 16), (SRC, 17), ("电力学院.xlsx", 4)
    ]
    assert rows(result, "R-category") == [19, 20]


def test_naming_and_scope(result):
    assert rows(result, "R-naming") == [6, 7, 8]
    assert rows(result, "R-scope") == [9]
    f = result.findings
    assert set(f.loc[f["rule"] == "R-scope", "severity"]) == {"warning"}
    d = f[(f["rule"] == "R-naming") & (f["source_row"] == 6)]["detail"].iloc[0]
    assert "滑水" in d and "华水" in d


def test_complete_and_deadline(result):
    f = result.findings
    comp = f[f["rule"] == "R-complete"]
    assert comp["unit"].tolist() == ["艺术学院"]
    assert comp["source_file"].isna().all() and comp["source_row"].isna().all()
    late = f[f["rule"] == "R-deadline"]
    assert late["source_file"].tolist() == ["电力学院.xlsx"]  # one per file, not per sheet
    assert set(late["severity"]) == {"warning"}
    assert "2023-04-27" in late["detail"].iloc[0]


def test_no_unexpected_findings(result):
    f = result.findings
    assert set(f["rule"]) == {
        "R-zombie", "R-closed", "R-leader", "R-operator", "R-required", "R-phone", "R-duplicate",
        "R-category", "R-naming", "R-scope", "R-complete", "R-deadline", "R-group-size", "R-dissolve",
    }
    clean_platform_rows = {4, 5, 7, 11}
    pf = f[(f["table"] == "platforms") & (f["source_file"] == SRC)]
    assert not clean_platform_rows & set(pf["source_row"].astype(int))


# Every detail text of the fixture, written out by hand from docs/rules.md.
DETAILS = {
    ("R-category", "platforms", 19): "网址 http://news.ncwu.edu.cn 属于学校域名，但填报为“校外网站”",
    ("R-category", "platforms", 20): "平台类别 6 与平台分类“微博”（第3类）不符",
    ("R-closed", "platforms", 8): "运行状态为“停用”：已不再使用但未注销或关停",
    ("R-complete", "units", None): "单位“艺术学院”未报送任何备案材料",
    ("R-duplicate", "platforms", 15): "与另外 1 条记录重复（微博：dup1）",
    ("R-duplicate", "platforms", 16): "与另外 1 条记录重复（微博：dup1）",
    ("R-duplicate", "platforms", 17): "与另外 1 条记录重复（微博：dup2）",
    ("R-duplicate", "platforms", 4): "与另外 1 条记录重复（微博：dup2）",
    ("R-leader", "platforms", 9): "主管领导 孙八 不是本单位党政主要负责人（党组织书记 张三，行政负责人 李四）",
    ("R-naming", "personal_accounts", 6): "账号名称“滑水之家”中“滑水”与“华水”谐音",
    ("R-naming", "personal_accounts", 7): "账号名称“画水日常”中“画水”与“华水”谐音",
    ("R-naming", "personal_accounts", 8): "账号名称“华水垃圾”含污名化词语“垃圾”",
    ("R-operator", "platforms", 10): "运营管理负责人 赵六 不是在职教职工（退休）",
    ("R-operator", "platforms", 12): "运营管理负责人 李四 不是在职教职工（不在教职工名册）",
    ("R-phone", "platforms", 14): "联系电话 1381234 格式不正确",
    ("R-phone", "personal_accounts", 10): "联系电话 abc 格式不正确",
    ("R-required", "platforms", 13): "缺少必填项：主管领导、联系电话、最近更新时间",
    ("R-required", "personal_accounts", 10): "缺少必填项：姓名",
    ("R-zombie", "platforms", 6): "最近更新时间 2023-01-24 早于 2023-01-25",
    ("R-zombie", "platforms", 8): "最近更新时间 2022-12-01 早于 2023-01-25",
    ("R-deadline", "submissions", None): "报送时间 2023-04-27 09:00 晚于截止日期 2023-04-25",
    ("R-scope", "personal_accounts", 9): "账号名称“我的日常”不含学校或单位的名称（全称、简称）",
    ("R-required", "groups", 10): "群组“水利学院工作群10”缺少必填项：群主、成员人数",
    ("R-group-size", "groups", 4): "群组“水利学院工作群4”成员 9 人，少于 10 人，不计入统计",
    ("R-group-size", "groups", 11): "群组“水利学院工作群11”成员 3 人，少于 10 人，不计入统计",
    ("R-dissolve", "groups", 6): "临时群组“水利学院工作群6”（群主 孙八）结束时间 2023-04-24 已过",
    ("R-dissolve", "groups", 8): "临时群组“水利学院工作群8”（群主 孙八）已标注不再需要",
    ("R-dissolve", "groups", 11): "临时群组“水利学院工作群11”（群主 孙八）结束时间 2023-03-01 已过；已标注不再需要",
}


def test_detail_texts(result):
    f = result.findings
    got = {
        (r.rule, r.table, None if pd.isna(r.source_row) else int(r.source_row)): r.detail
        for r in f.itertuples(index=False)
    }
    assert got == DETAILS
    sev = dict(zip(f["rule"], f["severity"], strict=True))
    assert {r for r, s in sev.items() if s == "warning"} == {"R-scope", "R-deadline", "R-group-size"}


def test_detail_clauses_on_hand_made_rows():
    """The clause branches the fixture does not reach: unmapped type, a category outside the code list,
    a unit without heads, both naming clauses, an empty status text, no clause at all, an unknown rule."""
    p = pd.DataFrame({
        "platform_type_raw": ["飞书", "网站"], "category": [None, "website"], "category_problem": ["unmapped", "not_a_code"],
        "url_class_consistent": pd.array([None, None], dtype="boolean"),
    })
    assert render_details("R-category", "platforms", p, None, {}) == [
        "平台类型“飞书”无法归入规定的平台类别", "平台类型“网站”（website）不在规定的平台分类中"]
    lead = pd.DataFrame({"supervisor": ["孙八"], "unit": ["不存在学院"], "unit_heads_known": pd.array([False]),
                         "unit_party_head": [None], "unit_admin_head": [None]})
    assert render_details("R-leader", "platforms", lead, None, {}) == [
        "主管领导 孙八 无法核实为党政主要负责人（单位“不存在学院”不在单位名册中或名册无负责人）"]
    lead2 = lead.assign(unit_heads_known=pd.array([True]), unit_party_head=["张三"])
    assert render_details("R-leader", "platforms", lead2, None, {}) == [
        "主管领导 孙八 不是本单位党政主要负责人（党组织书记 张三，行政负责人 —）"]
    n = pd.DataFrame({"platform_name": ["滑水垃圾", "我的"], "name_defamatory_word": ["垃圾", None],
                      "name_homophone_of": ["华水", None], "name_homophone_text": ["滑水", None]})
    assert render_details("R-naming", "personal_accounts", n, None, {}) == [
        "账号名称“滑水垃圾”含污名化词语“垃圾”；中“滑水”与“华水”谐音", "账号名称“我的”"]
    c = pd.DataFrame({"status_raw": [None, "不再使用"]})
    assert render_details("R-closed", "platforms", c, None, {}) == [
        "运行状态为“停用”：已不再使用但未注销或关停", "运行状态为“不再使用”：已不再使用但未注销或关停"]
    req = pd.DataFrame({"unit": [None]})
    assert render_details("R-required", "personal_accounts", req, [["unit", "platform_name"]], {}) == [
        "缺少必填项：所在单位、平台(账号)名称"]
    assert render_details("R-new", "platforms", req, None, {}) == ["不符合规则 R-new"]


def test_parameters_come_from_config(gx_engine, config):
    """A later reference date moves the cutoff: the row on the old cutoff becomes a zombie."""
    later = dataclasses.replace(config, round=dataclasses.replace(config.round, reference_date=pd.Timestamp("2023-04-26").date()))
    r = checks.run_checks(tables(), later)
    assert rows(r, "R-zombie") == [5, 6, 8]
    assert r.parameters["cutoff"] == "2023-01-26"
    f = r.findings
    assert f.loc[(f["rule"] == "R-zombie") & (f["source_row"] == 5), "detail"].tolist() == [
        "最近更新时间 2023-01-25 早于 2023-01-26"]


def test_suite_files_load_completely(gx_engine):
    for name, spec in gx_engine.suite_specs.items():
        assert len(gx_engine.suites[name].expectations) == len(spec["expectations"]) > 0
        for e in spec["expectations"]:
            assert set(e["meta"]) == {"rule"}, (name, e["type"])  # severity and texts: rules.toml


# ----------------------------------------------------------------- each rule in one place


def _expectation_uses(concern: str) -> dict[tuple[str, str], set[str]]:
    """(rule, table) -> the columns its expectations check, from the suite files of one concern."""
    uses: dict[tuple[str, str], set[str]] = {}
    for p in paths.EXPECTATIONS.glob(f"*.{concern}.json"):
        spec = json.loads(p.read_text(encoding="utf-8"))
        table = spec["meta"]["table"]
        for e in spec["expectations"]:
            cols = uses.setdefault((e["meta"]["rule"], table), set())
            cols |= {e["kwargs"]["column"]} if "column" in e["kwargs"] else set()
    return uses


def test_every_rule_has_one_complete_rules_toml_entry(config):
    import tomllib

    raw = tomllib.loads((paths.PACKAGE_DATA / "rules.toml").read_text(encoding="utf-8"))["rules"]
    structure = _expectation_uses("structure")  # the clean table's own columns (schema.toml), table-level texts
    uses = _expectation_uses("compliance")
    assert {r for r, _t in uses | structure} == set(raw)  # every rule of the suites has an entry, none orphaned
    assert {r for r, _t in structure} == {"R-structure"}
    derived = derive.derive_all(tables(), config)
    params = set(checks.display_parameters(config))
    for rule, table in uses:
        spec = rules()[rule]
        assert spec.severity in ("violation", "warning") and spec.name and spec.requirement, rule
        assert table in spec.tables, (rule, table)
        on = spec.tables[table]
        assert uses[rule, table] <= set(on.reads), (rule, table, "checks a column it does not declare")
        assert set(on.reads) <= set(derived[table].columns), (rule, table, "reads a column derive does not make")
        assert on.names <= set(on.reads) | params | {FAILED_COLUMNS}, (rule, table, on.names - set(on.reads) - params)
        for text in [spec.requirement, on.requirement]:
            assert text.names <= params, (rule, text.text)
    assert rules()["R-zombie"].tables["platforms"].reads == ("is_zombie", "last_updated_on")


def test_derived_columns_list_is_what_derive_adds(config):
    """checks strips DERIVED_COLUMNS before the structure suites: the list must be exactly what derive adds."""
    t = tables()
    derived = derive.derive_all(t, config)
    for table, frame_ in derived.items():
        assert set(frame_.columns) - set(t[table].columns) == set(derive.DERIVED_COLUMNS[table]), table


def test_unknown_expectation_type_is_an_error(gx_engine, tmp_path):
    spec = {"name": "platforms.compliance", "meta": {"table": "platforms"}, "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "unit"}, "meta": {"rule": "R-required"}},
        {"type": "expect_this_does_not_exist", "kwargs": {"column": "unit"}, "meta": {"rule": "R-x"}},
    ]}
    (tmp_path / "platforms.compliance.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(gx_runner.SuiteLoadError, match="1 of 2"):
        gx_runner.engine(tmp_path)


def test_structure_missing_column(gx_engine, config):
    t = tables()
    t["platforms"] = t["platforms"].drop(columns=["operator_phone"])
    r = checks.run_checks(t, config)
    f = r.findings
    s = f[(f["rule"] == "R-structure") & (f["table"] == "platforms")]
    assert any("operator_phone" in d for d in s["detail"])
    # the compliance suite still runs: the missing column counts as empty
    assert 4 in rows(r, "R-required", "platforms")


def test_mistyped_columns_fail_structure(gx_engine, config):
    t = tables()
    n = len(t["platforms"])
    t["platforms"]["remarks"] = pd.Series(range(n), dtype="Int64")  # text column holding integers
    t["platforms"]["followers"] = pd.Series(["1"] * n, dtype="str")  # integer column holding text
    r = checks.run_checks(t, config)
    f = r.findings
    details = " ".join(f.loc[(f["rule"] == "R-structure") & (f["table"] == "platforms"), "detail"])
    assert "remarks" in details and "followers" in details
    assert len(f[f["rule"] == "R-structure"]) == 2


def test_write_findings(result, tmp_path):
    out = checks.write_findings(result.findings, tmp_path)
    assert out["parquet"].exists() and out["xlsx"].exists()
    back = pd.read_parquet(out["parquet"])
    assert len(back) == len(result.findings) and tuple(back.columns) == FINDING_COLUMNS


def test_load_clean_tables(tmp_path):
    t = tables()
    for name, df in t.items():
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    back = checks.load_clean_tables(tmp_path)
    assert set(back) == set(t)
    assert str(back["platforms"]["unit"].dtype) == "str"


# --------------------------------------------------------------------------- acceptance (generated season)


def _keys(df: pd.DataFrame) -> set[tuple]:
    out = set()
    for x in df.to_dict("records"):
        if x["rule"] == "R-complete":
            out.add((x["rule"], x["unit"]))
        elif x["rule"] == "R-deadline":
            out.add((x["rule"], x["source_file"]))
        else:
            row = None if pd.isna(x["source_row"]) else int(x["source_row"])
            out.add((x["rule"], x["source_file"], x["source_sheet"], row))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 5])
def test_generated_season_precision_recall(gx_engine, config, tmp_path, seed):
    from netmedia import samples, season

    truth_path = samples.generate(tmp_path / "raw", n_units=40, seed=seed, violations=True, config=config)
    res = season.ingest(tmp_path / "raw", tmp_path / "clean", config, workers=1, progress=False)
    r = checks.run_checks(res.tables, config)
    truth = pd.DataFrame(json.loads(Path(truth_path).read_text(encoding="utf-8"))["violations"])
    t, f = _keys(truth), _keys(r.findings)
    for rule in sorted({k[0] for k in t | f}):
        tr, fr = {k for k in t if k[0] == rule}, {k for k in f if k[0] == rule}
        assert not (tr - fr), f"{rule}: missed {sorted(tr - fr)[:5]}"
        assert not (fr - tr), f"{rule}: spurious {sorted(fr - tr)[:5]}"
    assert len(t) > 0


@pytest.mark.slow
def test_clean_generated_season_is_ok(gx_engine, config, tmp_path):
    from netmedia import samples, season

    samples.generate(tmp_path / "raw", n_units=30, seed=3, violations=False, config=config)
    res = season.ingest(tmp_path / "raw", tmp_path / "clean", config, workers=1, progress=False)
    r = checks.run_checks(res.tables, config)
    assert r.ok, r.findings[r.findings["severity"] == "violation"].head(10).to_string()
    assert not (r.findings["severity"] == "violation").any()
