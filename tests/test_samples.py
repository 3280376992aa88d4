"""The synthetic season generator: deterministic, its truth really in the workbooks, rules planted exactly.

The rule checks here are written from docs/rules.md independently of the generator, on the truth values
and the rosters read back from the written files, so a generator bug shows up as a precision/recall miss.
"""

from __future__ import annotations

import ast
import datetime as dt
import email
import io
import json
import re
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections import Counter
from email import policy
from pathlib import Path

import pytest
import python_calamine as pc
from pypinyin import lazy_pinyin

from netmedia import paths
from netmedia.config import load_config
from netmedia.samples import generate, main

CFG = load_config()
# The notice's seven classes, written out by hand: category code -> class (1 campus website ... 7 live streaming).
CLASS = {"website_campus": 1, "website_external": 2, "weibo": 3, "wechat_official": 3, "wechat_channels": 3,
         "wechat_miniprogram": 3, "miniprogram": 3, "qq_channel": 3, "qzone": 3, "zhihu": 3, "xiaohongshu": 3,
         "tieba": 4, "news_app": 5, "bilibili": 6, "douyin": 6, "kuaishou": 6, "video_other": 6, "live_streaming": 7}
EXPECTED_60 = {"R-category": 2, "R-closed": 3, "R-complete": 1, "R-deadline": 2, "R-duplicate": 4, "R-leader": 3,
               "R-naming": 3, "R-operator": 3, "R-phone": 3, "R-required": 5, "R-scope": 2, "R-zombie": 4,
               "R-group-size": 3, "R-dissolve": 4}


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    root = tmp_path_factory.mktemp("season")
    t0 = time.perf_counter()
    path = generate(root, n_units=60, seed=3)
    elapsed = time.perf_counter() - t0
    return root, json.loads(path.read_text(encoding="utf-8")), elapsed


@pytest.fixture(scope="module")
def clean_season(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    path = generate(root, n_units=25, seed=5, violations=False, messy=False)
    return root, json.loads(path.read_text(encoding="utf-8"))


# ---- reading the written returns back ---------------------------------------------------------------
def workbooks(root: Path) -> dict[str, bytes]:
    """source_file -> xlsx bytes, opening zips and saved mails as the conventions say."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel.startswith("reference/") or not p.is_file():
            continue
        if p.suffix == ".xlsx":
            out[rel] = p.read_bytes()
        elif p.suffix == ".zip":
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    out[f"{rel}!{n}"] = z.read(n)
        elif p.suffix == ".eml":
            msg = email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for part in msg.iter_attachments():
                out[f"{rel}!{part.get_filename()}"] = part.get_content()
    return out


def sheets(data: bytes) -> dict[str, tuple[list[list], bool]]:
    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for meta in wb.sheets_metadata:
        rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        out[meta.name] = (rows, str(meta.visible).endswith("Visible"))
    return out


def nonempty(row: list) -> bool:
    return any(str(c).strip() for c in row if c is not None)


def fold(s: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def roster(root: Path, name: str) -> list[list[str]]:
    wb = pc.CalamineWorkbook.from_path(str(root / "reference" / name))
    return wb.get_sheet_by_name(wb.sheet_names[0]).to_python()


@pytest.fixture(scope="module")
def opened(season):
    root, _, _ = season
    return {f: sheets(b) for f, b in workbooks(root).items()}


# ---- determinism --------------------------------------------------------------------------------------
def test_same_seed_same_truth_and_cells(tmp_path):
    a = generate(tmp_path / "a", n_units=15, seed=11)
    b = generate(tmp_path / "b", n_units=15, seed=11)
    assert a.read_bytes() == b.read_bytes()
    wa, wb = workbooks(tmp_path / "a"), workbooks(tmp_path / "b")
    assert wa.keys() == wb.keys()
    for k in wa:
        assert sheets(wa[k]) == sheets(wb[k]), k
    for name in ("units.xlsx", "staff.xlsx"):
        assert roster(tmp_path / "a", name) == roster(tmp_path / "b", name)
    c = generate(tmp_path / "c", n_units=15, seed=12)
    assert c.read_bytes() != a.read_bytes()


# ---- planted counts -----------------------------------------------------------------------------------
def test_every_rule_planted_at_its_count(season):
    _, truth, _ = season
    assert truth["violation_counts"] == EXPECTED_60
    assert Counter(v["rule"] for v in truth["violations"]) == Counter(EXPECTED_60)
    sev = {v["rule"]: v["severity"] for v in truth["violations"]}
    assert sev["R-scope"] == sev["R-deadline"] == "warning" and sev["R-zombie"] == "violation"
    kinds = Counter(v["kind"] for v in truth["violations"])
    assert kinds["external_on_campus"] == kinds["campus_on_external"] == 1
    assert kinds["duplicate_cross_unit"] == kinds["duplicate_within_unit"] == 2
    assert truth["variants"]["on_cutoff"] == 1 and truth["variants"]["same_id_other_category"] == 1


def test_counts_scale_with_units(tmp_path):
    t = json.loads(generate(tmp_path, n_units=120, seed=1, rows_per_unit=(1, 3), personal_per_unit=(0, 2))
                   .read_text(encoding="utf-8"))
    assert t["violation_counts"] == {k: 2 * v for k, v in EXPECTED_60.items()}
    assert len({u["unit"] for u in t["units"]}) == 120


def test_clean_season_has_no_violations_and_no_bad_values(clean_season):
    root, truth = clean_season
    assert truth["violations"] == [] and truth["violation_counts"] == {}
    assert all(u["submitted"] and not u["late"] for u in truth["units"])
    found = independent_findings(root, truth)
    assert found == set(), sorted(found)[:5]
    for r in truth["platforms"]:
        assert r["operator_phone"] and r["last_updated_on"] and r["status"] in ("running", "closed", "unknown")
    # official layout only: one workbook per unit, official header labels, no mess
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    returns = [f for f in files if not f.startswith("reference/")]
    assert all(f.startswith("备案信息汇总+") and f.endswith(".xlsx") for f in returns)
    assert len(returns) == 25
    assert not truth["hidden_rows"]
    assert {r["kind"] for r in truth["non_data_rows"]} == {"title", "header"}
    zh = OFFICIAL_LABELS
    for s in truth["sheets"]:
        assert len(s["header_rows"]) == 1
        assert all(c is not None for c in s["columns"].values())
        wbs = sheets((root / s["source_file"]).read_bytes())
        header = wbs[s["source_sheet"]][0][s["header_rows"][0] - 1]
        assert [zh[s["table"]][c] for c in s["columns"].values()] == header[: len(s["columns"])]


# ---- truth is in the workbooks --------------------------------------------------------------------------
def test_every_truth_row_is_at_its_source_row(season, opened):
    _, truth, _ = season
    for table, name in (("platforms", "platform_name"), ("personal_accounts", "platform_name"),
                        ("groups", "group_name")):
        assert truth[table]
        for r in truth[table]:
            rows, visible = opened[r["source_file"]][r["source_sheet"]]
            assert visible
            cells = {fold(c) for c in rows[r["source_row"] - 1]}
            assert fold(r[name]) in cells, (r["source_file"], r["source_row"], r[name])


def test_every_nonempty_row_is_accounted_for(season, opened):
    _, truth, _ = season
    data = {(r["source_file"], r["source_sheet"], r["source_row"])
            for t in ("platforms", "personal_accounts", "groups") for r in truth[t]}
    other = {(r["source_file"], r["source_sheet"], r["source_row"]) for r in truth["non_data_rows"]}
    hidden = {(r["source_file"], r["source_sheet"], r["source_row"]) for r in truth["hidden_rows"]}
    assert not data & other and truth["hidden_rows"]
    assert {r["kind"] for r in truth["non_data_rows"]} == {"title", "header", "instruction", "example", "footer",
                                                           "section"}
    subs = {s["source_file"] for s in truth["submissions"]}
    assert subs == set(opened)
    for f, wb in opened.items():
        for name, (rows, visible) in wb.items():
            written = {(f, name, i + 1) for i, row in enumerate(rows) if nonempty(row)}
            if visible:
                assert written == {k for k in data | other if k[:2] == (f, name)}, (f, name)
            else:
                assert written == {k for k in hidden if k[:2] == (f, name)}, (f, name)


# The header labels a return may carry for each column (docs/annexes: the official label first, then the
# synonyms units type), written out by hand; None: the columns no table keeps (序号 and the extras units add).
HEADER_LABELS: dict[str, dict[str | None, set[str]]] = {
    "platforms": {
        "unit": {"单位名称", "单位", "所属单位", "填报单位", "部门", "所在单位", "部门单位", "部门/单位", "主办单位",
                 "责任单位"},
        "owner_kind": {"主体类型", "运营主体", "开办主体", "注册主体", "主体", "账号主体"},
        "platform_type_raw": {"平台类型", "类型", "平台类别", "类别", "媒体类型", "账号类型", "网络媒体类型", "平台性质"},
        "platform_name": {"平台名称", "账号名称", "名称", "网站名称", "平台账号名称", "网络媒体平台名称", "媒体名称",
                          "平台(账号)名称", "平台/账号名称"},
        "account_id": {"账号ID", "账号", "ID", "账号id", "微信号", "账号号码", "平台账号", "UID", "注册账号"},
        "url": {"网址/链接", "网址", "链接", "URL", "域名", "网址链接", "主页链接", "访问地址", "网站地址"},
        "supervisor": {"主管领导", "分管领导", "主管领导姓名", "负责领导"},
        "supervisor_title": {"主管领导职务", "职务", "领导职务"},
        "operator": {"运营管理负责人", "运营负责人", "管理员", "运维负责人", "负责人", "运营管理人", "管理负责人",
                     "账号管理员", "运营者"},
        "operator_phone": {"联系电话", "手机", "联系方式", "电话", "手机号", "手机号码", "负责人电话", "运营负责人电话"},
        "opened_on": {"开通时间", "注册时间", "开通日期", "创建时间", "上线时间", "建站时间"},
        "last_updated_on": {"最近更新时间", "最后更新时间", "最新更新时间", "更新时间", "最近更新日期", "最后更新日期",
                            "最近一次更新"},
        "followers": {"粉丝数", "关注数", "粉丝量", "关注人数", "订阅数", "用户数", "粉丝数量"},
        "status": {"运行状态", "状态", "使用状态", "运营状态", "是否在用", "目前状态"},
        "remarks": {"备注", "说明", "其他"},
        None: {"序号", "审核意见", "是否备案"},
    },
    "personal_accounts": {
        "unit": {"所在单位", "单位", "单位名称", "所属单位", "学院", "部门", "所在学院", "所在部门"},
        "holder_name": {"姓名", "开设人", "注册人", "开设人姓名", "注册人姓名", "账号所有人", "运营人", "个人姓名", "负责人"},
        "holder_role": {"身份", "人员类别", "教职工/学生", "师生类别", "类别(教职工/学生)", "人员身份", "身份类别"},
        "platform_type_raw": {"平台类型", "类型", "平台类别", "媒体类型", "账号类型"},
        "platform_name": {"平台(账号)名称", "平台名称", "账号名称", "名称", "平台/账号名称", "账号昵称", "昵称"},
        "account_id": {"账号ID", "账号", "ID", "账号id", "微信号", "UID", "平台账号"},
        "url": {"网址/链接", "网址", "链接", "URL", "主页链接"},
        "followers": {"粉丝数", "关注数", "粉丝量", "关注人数", "订阅数"},
        "last_updated_on": {"最近更新时间", "最后更新时间", "更新时间", "最近更新日期"},
        "phone": {"联系电话", "手机", "联系方式", "电话", "手机号", "手机号码"},
        "remarks": {"备注", "说明"},
        None: {"序号", "审核意见", "是否备案"},
    },
    "groups": {
        "unit": {"所在单位", "单位", "单位名称", "所属单位", "部门"},
        "group_name": {"群组名称", "群名称", "群名", "群聊名称"},
        "group_platform_raw": {"群组类型", "群类型", "群组平台", "群平台"},
        "purpose": {"用途", "建群目的", "群组用途", "主要用途"},
        "group_kind": {"群组性质", "长期/临时", "群性质"},
        "owner": {"群主", "群主姓名", "群管理员", "建群人"},
        "owner_role": {"群主身份", "身份", "人员类别"},
        "member_count": {"成员人数", "群成员数", "群人数", "人数"},
        "created_on": {"建群时间", "建群日期", "创建时间"},
        "end_on": {"结束时间", "结束日期", "截止时间"},
        "still_needed": {"是否仍需保留", "是否仍需要", "是否需要保留"},
        "remarks": {"备注", "说明"},
        None: {"序号", "审核意见", "是否备案"},
    },
}
# The official template's label of each column (what the clean, official-layout season writes).
OFFICIAL_LABELS = {
    "platforms": {"unit": "单位名称", "owner_kind": "主体类型", "platform_type_raw": "平台类型",
                  "platform_name": "平台名称", "account_id": "账号ID", "url": "网址/链接", "supervisor": "主管领导",
                  "supervisor_title": "主管领导职务", "operator": "运营管理负责人", "operator_phone": "联系电话",
                  "opened_on": "开通时间", "last_updated_on": "最近更新时间", "followers": "粉丝数",
                  "status": "运行状态", "remarks": "备注"},
    "personal_accounts": {"unit": "所在单位", "holder_name": "姓名", "holder_role": "身份",
                          "platform_type_raw": "平台类型", "platform_name": "平台(账号)名称", "account_id": "账号ID",
                          "url": "网址/链接", "followers": "粉丝数", "last_updated_on": "最近更新时间",
                          "phone": "联系电话", "remarks": "备注"},
    "groups": {"unit": "所在单位", "group_name": "群组名称", "group_platform_raw": "群组类型", "purpose": "用途",
               "group_kind": "群组性质", "owner": "群主", "owner_role": "群主身份", "member_count": "成员人数",
               "created_on": "建群时间", "end_on": "结束时间", "still_needed": "是否仍需保留", "remarks": "备注"},
}
# Labels units that rename their columns write (issue 13: real templates drift); an analyst reads each at a glance.
RENAMED_LABELS: dict[str, dict[str, set[str]]] = {
    "platforms": {
        "unit": {"院系", "所属部门"}, "platform_type_raw": {"平台", "媒体形式", "平台种类"},
        "platform_name": {"媒体名", "平台昵称"}, "account_id": {"账户", "账号/网址"}, "url": {"网页地址", "主页", "地址"},
        "supervisor": {"审核领导", "审核人"}, "supervisor_title": {"职位"},
        "operator": {"运维人员", "日常维护人", "具体管理人"}, "operator_phone": {"联络方式", "联络电话"},
        "opened_on": {"开办日期", "启用日期", "开设时间"}, "last_updated_on": {"最近发文", "最后发布日期", "最近发布时间"},
        "followers": {"关注者数量", "粉丝"}, "status": {"运行情况", "当前状态"}, "remarks": {"附注"},
    },
    "personal_accounts": {
        "unit": {"院系", "所在院系"}, "holder_name": {"开设者"}, "holder_role": {"师生身份", "教工/学生"},
        "platform_type_raw": {"平台", "开设平台", "媒体形式"}, "platform_name": {"网名", "用户名"}, "account_id": {"账户"},
        "url": {"主页地址", "个人主页"}, "followers": {"粉丝", "关注者数量"}, "last_updated_on": {"最近发文", "最后发布日期"},
        "phone": {"联络方式", "联络电话"}, "remarks": {"附注"},
    },
    "groups": {
        "unit": {"院系", "所在院系"}, "group_name": {"群聊名字", "群名（全称）"},
        "group_platform_raw": {"所用群平台", "群组类型(微信/QQ等)"}, "purpose": {"建群用途说明", "主要用途及事由"},
        "group_kind": {"群性质(长期/临时)", "长期或临时群"}, "owner": {"群主(管理员)", "建群人姓名"},
        "owner_role": {"师生类别", "教工或学生"}, "member_count": {"群内人数", "成员规模"},
        "created_on": {"群创建时间", "建群时间(年月日)"}, "end_on": {"预计结束日期", "计划结束时间"},
        "still_needed": {"是否仍需保留(是/否)", "仍需保留与否"},
    },
}
# Two-row headers: the (upper, lower) cells of the columns grouped under one parent.
TWO_ROW_LABELS = {"supervisor": ("主管领导", "姓名"), "supervisor_title": ("主管领导", "职务"),
                  "operator": ("运营管理负责人", "姓名"), "operator_phone": ("运营管理负责人", "联系电话")}


def readable_as(table: str, col: str | None) -> set[str]:
    return HEADER_LABELS[table][col] | RENAMED_LABELS[table].get(col, set())


def undecorated(label: object) -> str:
    """A header cell without the decorations units add: ``*``, ``（必填）``, spaces and line breaks."""
    return re.sub(r"\s+", "", str(label or "").replace("（必填）", "").replace("*", ""))


def column_letter(i: int) -> str:
    """Excel's name of the 0-based column ``i`` (A..Z, AA..): bijective base 26."""
    out, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_header_cells_map_back(season, opened):
    """Every header cell is a label an analyst reads as its column: a template label or a renamed one."""
    _, truth, _ = season
    two_row = renamed = 0
    for s in truth["sheets"]:
        rows, _ = opened[s["source_file"]][s["source_sheet"]]
        hdr = [rows[r - 1] for r in s["header_rows"]]
        assert list(s["columns"]) == [column_letter(i) for i in range(len(s["columns"]))], s["source_file"]
        parent = ""
        for i, col in enumerate(s["columns"].values()):
            where = (s["source_file"], s["source_sheet"], column_letter(i), col)
            top = str(hdr[0][i] or "") if i < len(hdr[0]) else ""
            child = str(hdr[1][i] or "") if len(hdr) == 2 and i < len(hdr[1]) else ""
            parent = top or parent
            if child:  # a column grouped under a parent label
                assert (parent, child) == TWO_ROW_LABELS.get(col), (*where, parent, child)
            else:
                assert undecorated(top) in readable_as(s["table"], col), (*where, top)
                renamed += undecorated(top) in RENAMED_LABELS[s["table"]].get(col, set()) - HEADER_LABELS[s["table"]][col]
        two_row += len(hdr) == 2
    assert two_row == truth["variants"]["two_row_header"] > 0
    assert renamed > 0 and truth["variants"]["header_drift"] > 0, "no unit renamed a column"


def test_the_generator_does_not_consult_the_ingest():
    """The generator's labels, types and truth are its own: it imports no ingest, schema or normaliser code and
    reads no package vocabulary file (schema.toml, categories.toml)."""
    banned = ("netmedia.schema", "netmedia.transform", "netmedia.extract", "netmedia.validate")
    for p in sorted((paths.PACKAGE_DIR / "samples").glob("*.py")):
        text = p.read_text(encoding="utf-8")
        assert "schema.toml" not in text and "categories.toml" not in text and "PACKAGE_DATA" not in text, p.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            bad = [n for n in names if n.startswith(banned) or n in ("netmedia.schema", "netmedia.paths")]
            assert not bad, (p.name, bad)


def test_units_and_submissions(season):
    root, truth, _ = season
    names = [r[0] for r in roster(root, "units.xlsx")[1:]]
    assert len(names) == 60 and len(set(names)) == 60
    aliases = [a for r in roster(root, "units.xlsx")[1:] for a in re.split(r"[、,;，]", r[1]) if a]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(names)
    staff = roster(root, "staff.xlsx")
    assert len({r[0] for r in staff[1:]}) == len(staff) - 1 and all(str(r[1]).isdigit() for r in staff[1:])
    assert not set(truth["students"]) & {r[0] for r in staff}
    late = [s for s in truth["submissions"] if s["late"]]
    assert len(late) == 2 and all(s["received_at"][:10] > truth["deadline"] for s in late)
    assert any(s["source_file"].startswith("mail/") for s in late)
    on_deadline = [s for s in truth["submissions"] if s["received_at"] and s["received_at"][:10] == truth["deadline"]]
    assert on_deadline and not any(s["late"] for s in on_deadline)
    # every file is attributable: its name, its container's name, or a 填报单位 title row
    files = {f for u in truth["units"] for f in u["files"]}
    assert files == {s["source_file"] for s in truth["submissions"]}
    for s in truth["submissions"]:
        outer = s["source_file"].split("!")[0]
        if "备案信息汇总+" in s["source_file"] or outer.endswith(".eml"):
            continue
        assert any(r["kind"] == "title" for r in truth["non_data_rows"] if r["source_file"] == s["source_file"])
    for v in ("zip", "eml", "two_files", "attributed_by_cell", "single_workbook", "hidden_sheet"):
        assert truth["variants"].get(v, 0) > 0, v


def test_fast_enough(season):
    _, _, elapsed = season
    assert elapsed < 10, f"60 units took {elapsed:.1f}s"


def test_month_precision_never_decides_a_zombie(season, opened):
    _, truth, _ = season
    cut = dt.date.fromisoformat(truth["cutoff"])
    seen = 0
    for s in truth["sheets"]:
        if s["table"] != "platforms":
            continue
        col = next((i for i, c in enumerate(s["columns"].values()) if c == "last_updated_on"), None)
        rows, _ = opened[s["source_file"]][s["source_sheet"]]
        for r in truth["platforms"]:
            if (r["source_file"], r["source_sheet"]) != (s["source_file"], s["source_sheet"]):
                continue
            cell = rows[r["source_row"] - 1][col]
            m = re.fullmatch(r"(\d{4})/(\d{1,2})", str(cell))
            if m:
                seen += 1
                first = dt.date(int(m[1]), int(m[2]), 1)
                last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                assert r["last_updated_on"] == first.isoformat()
                assert (first < cut) == (last < cut)
    assert seen > 0


def test_cli(tmp_path, capsys):
    assert main([str(tmp_path / "x"), "--units", "4", "--seed", "2", "--clean"]) == 0
    t = json.loads((tmp_path / "x" / "reference" / "truth.json").read_text(encoding="utf-8"))
    assert t["n_units"] == 4 and not t["violations"] and not t["messy"]


def test_previous_round_carries_platforms_over(tmp_path):
    generate(tmp_path / "p", n_units=10, seed=1)
    t = json.loads(generate(tmp_path / "c", n_units=10, seed=2, previous_of=tmp_path / "p").read_text("utf-8"))
    prev = json.loads((tmp_path / "p" / "reference" / "truth.json").read_text("utf-8"))
    keys = {(r["category"], r["account_id"]) for r in prev["platforms"] if r["account_id"]}
    carried = [r for r in t["platforms"] if (r["category"], r["account_id"]) in keys]
    assert carried and t["variants"]["carried_over_from_previous"] >= len(carried) // 2


# ---- the rules, re-implemented from docs/rules.md ----------------------------------------------------------
def is_phone(p: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", p) or re.fullmatch(r"0\d{2,3}-\d{7,8}", p))


TRAD = str.maketrans("華電學處與", "华电学处与")


def homophone(text: str, names: list[str]) -> bool:
    t = unicodedata.normalize("NFKC", text).translate(TRAD)
    for n in names:
        py = lazy_pinyin(n)
        for i in range(len(t) - len(n) + 1):
            sub = t[i: i + len(n)]
            if sub != n and [p.lower() for p in lazy_pinyin(sub)] == py:
                return True
    return False


def independent_findings(root: Path, truth: dict) -> set[tuple]:
    units = roster(root, "units.xlsx")[1:]
    heads = {fold(r[0]): {fold(r[3]), fold(r[4])} for r in units}
    staff = {fold(r[0]): r[3] for r in roster(root, "staff.xlsx")[1:]}
    ins = CFG.institution
    zh_names = [ins.name_zh, *ins.short_zh] + [fold(x) for r in units for x in [r[0], *re.split(r"[、,;，]", r[1])] if x]
    en = [n.lower() for n in (ins.name_en, *ins.short_en)]
    cut = dt.date.fromisoformat(truth["cutoff"])
    out = set()

    def add(rule, r):
        out.add((rule, r["source_file"], r["source_sheet"], r["source_row"]))

    keys = Counter()
    for r in truth["platforms"]:
        if any(not r.get(k) for k in ("unit", "platform_type_raw", "platform_name", "supervisor", "operator",
                                       "operator_phone", "last_updated_on")):
            add("R-required", r)
        host = re.sub(r"^[a-z]+://", "", (r["url"] or "").lower()).split("/")[0]
        campus = any(host == d or host.endswith("." + d) for d in ins.domains)
        if r["category"] not in CLASS or CLASS[r["category"]] != r["platform_class"] or (
                r["url"] and ((r["category"] == "website_external" and campus)
                              or (r["category"] == "website_campus" and not campus))):
            add("R-category", r)
        if r["status"] != "closed" and r["last_updated_on"] and dt.date.fromisoformat(r["last_updated_on"]) < cut:
            add("R-zombie", r)
        if r["status"] == "stopped":
            add("R-closed", r)
        if fold(r["supervisor"] or "") not in heads[fold(r["unit"])]:
            add("R-leader", r)
        if staff.get(fold(r["operator"] or "")) != "在职":
            add("R-operator", r)
        if r["operator_phone"] and not is_phone(r["operator_phone"]):
            add("R-phone", r)
        keys[dup_key(r)] += 1
    for r in truth["platforms"]:
        if keys[dup_key(r)] > 1:
            add("R-duplicate", r)
    for r in truth["personal_accounts"]:
        if any(not r.get(k) for k in ("unit", "holder_name", "platform_type_raw", "platform_name")):
            add("R-required", r)
        if r["category"] not in CLASS:
            add("R-category", r)
        name = unicodedata.normalize("NFKC", r["platform_name"])
        if any(w in name for w in CFG.defamatory_words) or homophone(name, zh_names):
            add("R-naming", r)
        elif not (any(n in name.translate(TRAD) for n in zh_names) or any(e in name.lower() for e in en)):
            add("R-scope", r)
        if r["phone"] and not is_phone(r["phone"]):
            add("R-phone", r)
    ref = dt.date.fromisoformat(truth["reference_date"])
    for r in truth["groups"]:  # 10 members or more are counted; a temporary group ended or not needed is dissolved
        if any(r.get(k) in (None, "") for k in ("unit", "group_name", "group_platform_raw", "purpose", "group_kind",
                                                 "owner", "member_count")):
            add("R-required", r)
        if r["member_count"] is not None and r["member_count"] < 10:
            add("R-group-size", r)
        ended = r["end_on"] is not None and dt.date.fromisoformat(r["end_on"]) < ref
        if r["group_kind"] == "temporary" and (ended or r["still_needed"] == "no"):
            add("R-dissolve", r)
    submitted = {s["unit"] for s in truth["submissions"]}
    for r in units:
        if fold(r[0]) not in submitted:
            out.add(("R-complete", None, None, None))
    for s in truth["submissions"]:
        if s["received_at"] and s["received_at"][:10] > truth["deadline"]:
            out.add(("R-deadline", s["source_file"], None, None))
    return out


def dup_key(r: dict) -> tuple:
    if r["account_id"]:
        return r["category"], fold(r["account_id"]).lower()
    if r["url"]:
        u = re.sub(r"^[a-z]+://", "", r["url"].lower())
        return r["category"], "url:" + re.sub(r"^www\.", "", u).rstrip("/")
    return r["category"], "name:" + fold(r["platform_name"]).lower()


def test_planted_findings_are_exactly_what_the_rules_find(season):
    """Per-rule precision and recall 1.0 of the truth against an independent reading of the rules."""
    root, truth, _ = season
    want = {(v["rule"], v["source_file"], v["source_sheet"], v["source_row"]) for v in truth["violations"]}
    got = independent_findings(root, truth)
    assert got - want == set(), sorted(got - want, key=str)[:5]
    assert want - got == set(), sorted(want - got, key=str)[:5]


def test_clean_rows_pass_the_rules(season):
    root, truth, _ = season
    planted = {(v["source_file"], v["source_sheet"], v["source_row"]) for v in truth["violations"]}
    cut = truth["cutoff"]
    units = {fold(r[0]): r for r in roster(root, "units.xlsx")[1:]}
    staff = {r[0]: r[3] for r in roster(root, "staff.xlsx")[1:]}
    clean = [r for r in truth["platforms"] if (r["source_file"], r["source_sheet"], r["source_row"]) not in planted]
    assert len(clean) > 300
    for r in clean:
        assert r["supervisor"] in (units[r["unit"]][3], units[r["unit"]][4])
        assert staff[r["operator"]] == "在职"
        assert is_phone(r["operator_phone"])
        assert r["last_updated_on"] >= cut or r["status"] == "closed"
        assert r["last_updated_on"] <= truth["reference_date"] or r["status"] == "closed"
    on_cut = [r for r in clean if r["last_updated_on"] == cut]
    assert on_cut, "one clean row must sit exactly on the cutoff date"


def test_owner_kind_follows_the_keywords(season):
    _, truth, _ = season
    words = ["团委", "团总支", "学生会", "研究生会", "社团", "协会", "社联", "青协", "班级", "年级", "学生组织", "学生党支部"]
    kinds = {u["unit"]: u["kind"] for u in truth["units"]}
    for r in truth["platforms"]:
        has = any(w in r["platform_name"] for w in words)
        assert r["owner_kind"] == ("student_org" if has or kinds[r["unit"]] == "学生组织" else "unit"), r
    assert {r["owner_kind"] for r in truth["platforms"]} == {"unit", "student_org"}


# ---- robustness: big units terminate, small rosters check out ---------------------------------------------
def test_large_units_terminate(tmp_path):
    """Many rows per unit (a unit's few campus URLs once ran out: the retry loop never ended)."""
    code = ("import sys; from netmedia.samples import generate; "
            "generate(sys.argv[1], n_units=2, seed=0, rows_per_unit=(60, 80), personal_per_unit=(0, 1))")
    try:
        proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "big")], capture_output=True, text=True,
                              timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("generate(n_units=2, rows_per_unit=(60, 80)) did not finish within 120 s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    t = json.loads((tmp_path / "big" / "reference" / "truth.json").read_text(encoding="utf-8"))
    campus = Counter(r["unit"] for r in t["platforms"] if r["category"] == "website_campus")
    assert max(campus.values()) > 7  # more campus sites in one unit than the common URL paths
    dups = {(v["source_file"], v["source_sheet"], v["source_row"]) for v in t["violations"] if v["rule"] == "R-duplicate"}
    keys = [dup_key(r) for r in t["platforms"] if (r["source_file"], r["source_sheet"], r["source_row"]) not in dups]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("n_units", range(1, 9))
def test_small_seasons_check_out(tmp_path, n_units):
    """Few units: every seed generates, the counts add up and the rules find exactly what was planted."""
    for seed in range(6):
        root = tmp_path / str(seed)
        t = json.loads(generate(root, n_units=n_units, seed=seed).read_text(encoding="utf-8"))
        assert t["violation_counts"] == dict(Counter(v["rule"] for v in t["violations"]))
        missing = 1 if n_units >= 3 else 0
        submitting = n_units - missing
        want = dict(EXPECTED_60, **{"R-complete": missing, "R-deadline": min(2, submitting),
                                     "R-duplicate": 4 if submitting >= 2 else 2})
        assert t["violation_counts"] == {k: v for k, v in want.items() if v}, (n_units, seed)
        assert sum(not u["submitted"] for u in t["units"]) == missing and len(t["units"]) == n_units
        assert sum(u["late"] for u in t["units"]) == min(2, submitting)
        planted = {(v["rule"], v["source_file"], v["source_sheet"], v["source_row"]) for v in t["violations"]}
        found = independent_findings(root, t)
        assert found == planted, (n_units, seed, sorted(found ^ planted, key=str)[:5])
