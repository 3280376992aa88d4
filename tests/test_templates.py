"""Pre-filled templates (issue 14 item 1) and reading them back (the reading half of item 2).

The clean tables are written here by hand; the expected cells, dropdown lists and read-back values are written
out literally below, not taken from the schema or the vocabulary the code uses.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter

from netmedia import cli, season
from netmedia.config import load_config
from netmedia.extract.stamp import STAMP_SHEET, SheetLayout, Stamp, read_stamp
from netmedia.report import templates
from netmedia.report.registry import PLATFORMS_FILE, write_registry
from netmedia.transform.returns import typed_frame

P2, P3, P4 = "附件2 网络媒体平台", "附件3 个人网络媒体平台", "附件4 互联网群组"
UNITS = ["水利学院", "图书馆", "外国语学院"]  # 外国语学院 registered nothing

PLATFORMS = [
    dict(unit="水利学院", platform_type_raw="微信公众号", category="wechat_official", platform_name="水利青年",
         account_id="slqn2020", supervisor="张三", supervisor_title="党委书记", operator="李四",
         operator_phone="13800000360", last_updated_on=dt.date(2023, 3, 1), followers=1200, status="running",
         status_raw="更新中",
         record_id="P0000000001", round_status="unchanged"),
    dict(unit="水利学院", platform_type_raw="微博", category="weibo", platform_name="水利学院微博", account_id="5512345678",
         supervisor="张三", operator="王五", operator_phone="13900000001", status="stopped", status_raw="停用",
         record_id="P0000000002"),
    dict(unit="水利学院", platform_type_raw="抖音", category="douyin", platform_name="水院抖音", account_id="sydy",
         supervisor="张三", operator="赵六", operator_phone="13700000002", status="unknown", record_id="P0000000003"),
    dict(unit="水利学院", platform_type_raw="快手", category="kuaishou", platform_name="已关的快手", account_id="ks1",
         supervisor="张三", operator="赵六", operator_phone="13700000002", status="closed", record_id="P0000000004",
         round_status="closed"),  # closed this round: not carried forward
    dict(unit="图书馆", platform_type_raw="网站", category="website_campus", platform_name="图书馆主页",
         url="lib.ncwu.edu.cn", supervisor="孙七", operator="周八", operator_phone="0371-69126000", status="running",
         record_id="P0000000005"),
    dict(unit=None, platform_type_raw="微博", platform_name="无主微博", record_id="P0000000006"),  # no roster unit
]
ACCOUNTS = [
    dict(unit="水利学院", holder_name="吴九", holder_role="staff", platform_type_raw="抖音", category="douyin",
         platform_name="=吴老师讲水利", account_id="wls", record_id="A0000000001"),
    dict(unit="水利学院", holder_name="郑十", holder_role="student", platform_type_raw="bilibili", category="bilibili",
         platform_name="郑同学", record_id="A0000000002"),
]


def _tables() -> dict[str, pd.DataFrame]:
    return {"platforms": typed_frame("platforms", PLATFORMS),
            "personal_accounts": typed_frame("personal_accounts", ACCOUNTS),
            "units": typed_frame("units", [{"unit": u, "kind": "学院"} for u in UNITS])}


@pytest.fixture
def config():
    return load_config()


@pytest.fixture
def made(tmp_path, config) -> Path:
    out = tmp_path / "templates"
    templates.write_templates(_tables(), out, config)
    return out


def _table(ws) -> tuple[list[str], list[dict]]:
    """Header (row 2) and the data rows under it as header -> value."""
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True) if any(r)]
    return header, rows


def _letter(ws, label: str) -> str:
    return get_column_letter([c.value for c in ws[2]].index(label) + 1)


def _validations(ws) -> dict[str, object]:
    """First cell of each validation's range -> the validation."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


# ------------------------------------------------------------------ writing
def test_one_file_per_roster_unit_blank_ones_included(made):
    assert sorted(p.name for p in made.iterdir()) == sorted(f"{u}.xlsx" for u in UNITS)
    blank = openpyxl.load_workbook(made / "外国语学院.xlsx")
    for sheet in (P2, P3):
        header, rows = _table(blank[sheet])
        assert rows == [] and ("平台名称" in header or "平台(账号)名称" in header)
        assert "本轮状态" in header and "记录编号" in header


def test_prefilled_values_and_hidden_record_id(made):
    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    header, rows = _table(ws)
    # only the columns a unit types: no derived ones
    assert not {"平台类别", "平台分类代码", "分类依据", "运行状态（原文）"} & set(header)
    got = [(r["平台名称"], r["运营管理负责人"], r["联系电话"], r["运行状态"], r["记录编号"], r["本轮状态"]) for r in rows]
    assert got == [("水利青年", "李四", "13800000360", "更新中", "P0000000001", "无变化"),  # status as typed
                   ("水利学院微博", "王五", "13900000001", "停用", "P0000000002", "无变化"),
                   ("水院抖音", "赵六", "13700000002", None, "P0000000003", "无变化")]
    assert rows[0]["最近更新时间"] == dt.datetime(2023, 3, 1) and rows[0]["粉丝数"] == 1200
    assert ws.column_dimensions[_letter(ws, "记录编号")].hidden
    assert not ws.column_dimensions[_letter(ws, "本轮状态")].hidden
    a = wb[P3]
    _, rows3 = _table(a)
    assert [(r["姓名"], r["身份"], r["平台类型"], r["平台(账号)名称"], r["记录编号"]) for r in rows3] == [
        ("吴九", "教职工", "抖音", "=吴老师讲水利", "A0000000001"),
        ("郑十", "学生", "bilibili", "郑同学", "A0000000002")]  # the type as typed, the role as its word
    name_cell = a.cell(3, [c.value for c in a[2]].index("平台(账号)名称") + 1)
    assert name_cell.data_type == "s" and name_cell.quotePrefix  # stays text when edited
    _, lib_rows = _table(openpyxl.load_workbook(made / "图书馆.xlsx")[P2])
    assert [r["平台名称"] for r in lib_rows] == ["图书馆主页"]


def test_data_validations(made):
    ws = openpyxl.load_workbook(made / "水利学院.xlsx")[P2]
    dvs = _validations(ws)
    status = dvs[f"{_letter(ws, '本轮状态')}3"]
    assert status.type == "list" and status.formula1 == '"无变化,有变更,已注销,新增"'
    assert dvs[f"{_letter(ws, '运行状态')}3"].formula1 == '"正常运行,停用,已注销"'
    types = dvs[f"{_letter(ws, '平台类型')}3"].formula1.strip('"').split(",")
    assert {"微信公众号", "微博", "抖音", "校内网站", "其他"} <= set(types)
    assert str(status.sqref).endswith(str(3 + 3 + 300 - 1))  # three pre-filled rows + the blank rows
    assert dvs[f"{_letter(ws, '最近更新时间')}3"].promptTitle == "日期"
    assert dvs[f"{_letter(ws, '联系电话')}3"].prompt
    a = openpyxl.load_workbook(made / "水利学院.xlsx")[P3]
    assert _validations(a)[f"{_letter(a, '身份')}3"].formula1 == '"教职工,学生"'


def test_long_list_goes_to_hidden_list_sheet(tmp_path):
    words = tuple(f"很长的选项名称第{i:02d}项" for i in range(30))  # 30 x 12 characters: beyond Excel's 255
    short = ("甲", "乙")
    path = tmp_path / "lists.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("data")
        lists = templates.ListSheet(wb, "下拉列表")
        assert lists.source("short", short) == ["甲", "乙"]
        ws.data_validation(2, 0, 50, 0, {"validate": "list", "source": lists.source("long", words)})
        lists.write()
    wb = openpyxl.load_workbook(path)
    assert wb["下拉列表"].sheet_state == "hidden"
    assert [c.value for c in wb["下拉列表"]["A"]][1:] == list(words)
    (dv,) = wb["data"].data_validations.dataValidation
    assert dv.formula1 == "'下拉列表'!$A$2:$A$31"


def test_protection(made):
    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    assert ws.protection.sheet
    assert ws.protection.insertRows is False  # False: inserting rows is not protected
    assert ws["A2"].protection.locked and ws["A1"].protection.locked  # header and title
    assert not ws["A3"].protection.locked and not ws[f"{_letter(ws, '本轮状态')}3"].protection.locked
    assert ws[f"{_letter(ws, '记录编号')}3"].protection.locked
    assert wb[STAMP_SHEET].sheet_state == "hidden"
    assert "填表说明" in wb.sheetnames and wb.sheetnames[0] == "填表说明"


def test_stamp(made, config):
    stamp = read_stamp(made / "水利学院.xlsx")
    assert (stamp.kind, stamp.unit, stamp.round, stamp.source_round) == ("template", "水利学院", "2024", "2023")
    assert stamp.sheets[P2].table == "platforms" and stamp.sheets[P2].header_row == 2
    assert stamp.sheets[P3].columns[-2:] == ("record_id", "round_status")
    assert "填表说明" in stamp.aside


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_a_template_to_pdf(made, tmp_path):
    out = tmp_path / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), str(made / "水利学院.xlsx")], check=True, timeout=240,
                   capture_output=True)
    pdf = out / "水利学院.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"


# ------------------------------------------------------------------ reading back
def _roster(raw: Path) -> None:
    (raw / "reference").mkdir(parents=True)
    with xlsxwriter.Workbook(str(raw / "reference" / "units.xlsx")) as wb:
        ws = wb.add_worksheet("单位")
        for r, row in enumerate([["单位名称", "单位类别"], *([u, "学院"] for u in UNITS)]):
            ws.write_row(r, 0, row)


def _returned(made: Path, raw: Path) -> None:
    """水利学院's template edited as a unit would, saved under a name that names no unit."""
    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    col = {c.value: c.column for c in ws[2]}
    ws.cell(3, col["运营管理负责人"], "钱十")  # 水利青年: operator changed
    ws.cell(3, col["本轮状态"], "有变更")
    ws.cell(4, col["本轮状态"], "已注销")  # 水利学院微博 closed
    ws.cell(2, col["运营管理负责人"], "管理员是谁")  # a renamed header: the layout still says operator
    ws.delete_rows(5)  # 水院抖音 deleted without a word
    new = {"单位名称": "水利学院", "平台类型": "小红书", "平台名称": "水利红书", "账号ID": "slhs", "主管领导": "张三",
           "运营管理负责人": "李四", "联系电话": "13800000360", "本轮状态": "新增"}
    for label, v in new.items():
        ws.cell(5, col[label], v)
    for sheet in (P2, P3):
        wb[sheet]["A1"] = "网络媒体平台备案表"  # no unit named anywhere but in the stamp
    wb.save(raw / "回执.xlsx")


def test_returned_template_ingests_by_its_layout(made, tmp_path, config):
    raw = tmp_path / "raw"
    _roster(raw)
    _returned(made, raw)
    res = season.ingest(raw, None, config)
    p = res.tables["platforms"]
    got = {r.platform_name: (r.unit, r.operator, "minted" if r.platform_name == "水利红书" and re.fullmatch(
        r"P[0-9a-f]{10}", r.record_id) else r.record_id, r.round_status) for r in p.itertuples()}
    assert got == {"水利青年": ("水利学院", "钱十", "P0000000001", "changed"),
                   "水利学院微博": ("水利学院", "王五", "P0000000002", "closed"),
                   "水利红书": ("水利学院", "李四", "minted", "new")}  # no id typed: the ingest mints one (changes14)
    a = res.tables["personal_accounts"]
    assert a[["holder_name", "holder_role", "record_id", "round_status"]].values.tolist() == [
        ["吴九", "staff", "A0000000001", "unchanged"], ["郑十", "student", "A0000000002", "unchanged"]]
    assert p.set_index("platform_name").loc["水利青年", "status"] == "running"
    rej = res.tables["rejects"]
    assert sorted(set(rej["reason"])) == ["header row", "title row"]  # the title and header of each data sheet
    assert set(rej["source_sheet"]) == {P2, P3, P4}  # the groups sheet: blank, its title and header only
    subs = res.tables["submissions"]
    mine = subs[subs["source_file"] == "回执.xlsx"].set_index("source_sheet")
    assert set(mine.loc[["填表说明", STAMP_SHEET], "status"]) == {"skipped"}
    assert mine.loc[P2, "rows_clean"] == 3 and mine.loc[P2, "unit"] == "水利学院"
    assert set(mine["template"]) == {"template 1 2024"}
    assert '"basis": "stamp"' in mine.loc[P2, "column_map"] and "管理员是谁" in mine.loc[P2, "column_map"]
    assert subs.loc[subs["source_file"].str.startswith("reference/"), "template"].isna().all()


RUNNING = "正常运行"  # the notice's, the registry's and Annex 1's word for a running platform, written by hand


def test_status_dropdown_word_is_the_registry_word(made, tmp_path, config):
    """The word a unit picks for a running platform in its template's 运行状态 dropdown is the word the registry
    shows for it (one word for one fact), and a returned template's old word 正常 still reads as running."""
    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    offered = _validations(ws)[f"{_letter(ws, '运行状态')}3"].formula1.strip('"').split(",")
    assert offered[0] == RUNNING
    col = {c.value: c.column for c in ws[2]}
    ws.cell(3, col["运行状态"], "正常")  # 水利青年: an old return's word
    ws.cell(4, col["运行状态"], offered[0])  # 水利学院微博: picked from the dropdown
    raw = tmp_path / "raw"
    _roster(raw)
    wb.save(raw / "回执.xlsx")
    tables = season.ingest(raw, None, config).tables
    p = tables["platforms"].set_index("platform_name")
    assert p.loc[["水利青年", "水利学院微博"], "status"].tolist() == ["running", "running"]
    write_registry(tables, tmp_path / "registry", config)
    sheet = openpyxl.load_workbook(tmp_path / "registry" / PLATFORMS_FILE)["3-新媒体平台"]
    header = [c.value for c in sheet[2]]
    shown = {r[header.index("平台名称")]: r[header.index("运行状态")] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert shown["水利青年"] == shown["水利学院微博"] == RUNNING


def test_free_form_return_has_no_record_identity(tmp_path, config):
    """A workbook without a stamp is read as before: no round_status, and a record_id minted by the ingest."""
    raw = tmp_path / "raw"
    _roster(raw)
    with xlsxwriter.Workbook(str(raw / "水利学院.xlsx")) as wb:
        ws = wb.add_worksheet("附件2")
        for r, row in enumerate([["单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话"],
                                 ["水利学院", "微博", "水利微博", "5512345678", "张三", "李四", "13800000360"]]):
            ws.write_row(r, 0, row)
    res = season.ingest(raw, None, config)
    p = res.tables["platforms"]
    assert len(p) == 1 and p["round_status"].isna().all()
    assert p["record_id"].str.fullmatch(r"P[0-9a-f]{10}").all()  # none read: minted by the ingest (changes14)
    assert res.tables["submissions"]["template"].isna().all()


def test_rectification_reply_is_no_return(tmp_path, config):
    raw = tmp_path / "raw"
    _roster(raw)
    stamp = Stamp("rectification", "1", "2023", "水利学院",
                  {"整改清单": SheetLayout("findings", 2, ("unit", "detail", "reply"))})
    with xlsxwriter.Workbook(str(raw / "整改清单回执.xlsx")) as wb:
        ws = wb.add_worksheet("整改清单")
        for r, row in enumerate([["水利学院整改清单"], ["单位名称", "问题", "单位回复"],
                                 ["水利学院", "僵尸账号", "已整改"]]):
            ws.write_row(r, 0, row)
        st = wb.add_worksheet(STAMP_SHEET)
        for r, row in enumerate(stamp.rows()):
            st.write_row(r, 0, row)
        st.hide()
    res = season.ingest(raw, None, config)
    # no return: no platform row; its one reply has no 问题编号 column to say what it answers, so it is set aside
    assert res.tables["platforms"].empty and res.tables["replies"].empty
    assert res.tables["rejects"][["source_row", "raw"]].values.tolist() == [[3, "已整改"]]
    subs = res.tables["submissions"]
    reply = subs[subs["source_file"] == "整改清单回执.xlsx"]
    assert len(reply) == 1 and reply["annex"].isna().all() and reply["unit"].isna().all()


# ------------------------------------------------------------------ CLI
def test_cli_exit_codes(tmp_path, capsys):
    clean = tmp_path / "clean"
    out = tmp_path / "outbox" / "templates"
    assert cli.main(["templates", str(tmp_path / "nowhere"), "--out", str(out)]) == cli.EXIT_USAGE
    clean.mkdir()
    assert cli.main(["templates", str(clean), "--out", str(out)]) == cli.EXIT_USAGE  # no clean tables
    for name, df in _tables().items():
        df.to_parquet(clean / f"{name}.parquet")
    assert cli.main(["--config", str(tmp_path / "none.toml"), "templates", str(clean), "--out", str(out)]) == 2
    assert cli.main(["templates", str(clean), "--out", str(out)]) == cli.EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{u}.xlsx" for u in UNITS)


def _plant(template: Path, phone: str, to: Path) -> None:
    """``template`` with ``phone`` typed into an empty cell of its platforms sheet (an analyst's slip), saved as
    ``to``."""
    wb = openpyxl.load_workbook(template)
    ws = wb[P2]
    ws.cell(ws.max_row + 1, 1, phone)
    to.parent.mkdir(parents=True, exist_ok=True)
    wb.save(to)


def test_cli_runs_the_outbox_gate_on_the_templates(tmp_path, capsys):
    """`netmedia templates` passes what it wrote through the outbox privacy gate: a generated season passes
    (exit 0, said so); another unit's phone in a unit's template fails the gate naming the file, and a leaking
    workbook left in the folder fails the command (exit 1), nothing deleted."""
    from netmedia import samples

    config = load_config()
    raw, clean, out = tmp_path / "raw", tmp_path / "clean", tmp_path / "outbox" / "templates"
    samples.generate(raw, n_units=4, seed=5, config=config)
    season.ingest(raw, clean, config, workers=1, progress=False)
    assert cli.main(["templates", str(clean), "--out", str(out)]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "隐私检查通过" in printed and "DO NOT SEND" not in printed
    assert season.check_outbox(clean, out) is None

    # plain pandas: a unit U with a template and a mobile of another unit V that is none of U's phones
    p = pd.read_parquet(clean / "platforms.parquet")
    p = p[p["unit"].notna() & p["operator_phone"].str.fullmatch(r"1\d{10}").fillna(False)]
    u, v = sorted(p["unit"].unique())[:2]
    phone = next(x for x in p.loc[p["unit"] == v, "operator_phone"] if x not in set(p.loc[p["unit"] == u].stack()))
    _plant(out / f"{u}.xlsx", phone, out / f"{u}.xlsx")
    failed = season.check_outbox(clean, out)
    assert failed is not None and f"{u}.xlsx" in failed
    assert not any(f"{w}.xlsx" in failed for w in p["unit"].unique() if w != u)

    _plant(out / f"{u}.xlsx", phone, out / "手工修改" / f"{u}.xlsx")  # kept by the rewrite, scanned by the gate
    assert cli.main(["templates", str(clean), "--out", str(out)]) == cli.EXIT_FINDINGS
    printed = capsys.readouterr().out
    assert "DO NOT SEND" in printed and f"手工修改/{u}.xlsx" in printed
    assert (out / "手工修改" / f"{u}.xlsx").exists() and (out / f"{u}.xlsx").exists()


# ------------------------------------------------------------------ columns changed in a returned template
def _columns_changed(made: Path, raw: Path) -> None:
    """水利学院's template with its sheet's protection lifted (no password: Excel's 撤销工作表保护), a column 说明
    inserted before 平台名称 and 联系电话 cut and inserted before 平台类型."""
    wb = openpyxl.load_workbook(made / "水利学院.xlsx")
    ws = wb[P2]
    ws.protection.sheet = False
    col = {c.value: c.column for c in ws[2]}
    ws.insert_cols(col["平台名称"])
    ws.cell(2, col["平台名称"], "说明")
    ws.cell(3, col["平台名称"], "单位自加说明")
    phone = col["联系电话"] + 1  # shifted by the inserted column
    cells = [ws.cell(r, phone).value for r in range(1, ws.max_row + 1)]
    ws.delete_cols(phone)
    ws.insert_cols(col["平台类型"])
    for r, v in enumerate(cells, start=1):
        ws.cell(r, col["平台类型"], v)
    wb.save(raw / "回执.xlsx")


def test_template_forbids_column_changes_but_protection_binds_no_one(made):
    ws = openpyxl.load_workbook(made / "水利学院.xlsx")[P2]
    assert ws.protection.sheet and ws.protection.insertColumns and ws.protection.deleteColumns  # True: forbidden
    assert not ws.protection.password  # lifted with one click; LibreOffice, WPS or a script ignore it anyway


def test_template_columns_located_by_label(made, tmp_path):
    from netmedia.extract.stamp import located_layout
    from netmedia.extract.tables import read_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    _columns_changed(made, raw)
    st = next(s for s in read_tables(raw / "回执.xlsx") if s.source_sheet == P2)
    lay = located_layout(st.layout, st.header)
    assert lay is not None
    got = {f: st.data_lists.columns[j][0] for j, f in enumerate(lay.columns) if f}  # 水利青年's row
    assert got["platform_name"] == "水利青年" and got["operator"] == "李四"
    assert got["operator_phone"] == "13800000360" and got["platform_type_raw"] == "微信公众号"
    assert got["record_id"] == "P0000000001" and "单位自加说明" not in got.values()


def test_returned_template_with_changed_columns_ingests_by_label(made, tmp_path, config):
    raw = tmp_path / "raw"
    _roster(raw)
    _columns_changed(made, raw)
    p = season.ingest(raw, None, config).tables["platforms"].set_index("platform_name")
    assert p.loc["水利青年", ["operator", "operator_phone", "record_id"]].tolist() == ["李四", "13800000360",
                                                                                    "P0000000001"]
    assert set(p.index) == {"水利青年", "水利学院微博", "水院抖音"}
