"""netmedia.report.registry: the department's consolidated registry workbooks (Annex 2 and Annex 3)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from netmedia import schema
from netmedia.config import load_config
from netmedia.report.registry import (
    PERSONAL_FILE,
    PLATFORMS_FILE,
    class_sheet_name,
    platform_class_of,
    summary_frame,
    write_registry,
)
from netmedia.transform.returns import typed_frame

F = "2023/{}/附件2.xlsx"


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A clean-table frame: every output column, typed by the ingest's own ``typed_frame``."""
    return typed_frame(table, rows)


def _p(unit, category, name, row, **kw):
    return dict(
        unit=unit,
        owner_kind=kw.pop("owner_kind", "unit"),
        platform_type_raw=kw.pop("raw", schema.category_zh(category) if category else "其它"),
        platform_class=schema.class_of(category) if category else None,
        category=category,
        platform_name=name,
        supervisor="王建国",
        operator="李明",
        operator_phone=kw.pop("phone", "13800000360"),
        last_updated_on="2023-04-01",
        status=kw.pop("status", "running"),
        source_file=F.format(unit),
        source_sheet="Sheet1",
        source_row=row,
        **kw,
    )


@pytest.fixture
def tables():
    p = [
        _p("水利学院", "website_campus", "水利学院官网", 5, url="https://slxy.ncwu.edu.cn"),
        _p("水利学院", "wechat_official", "华水水利", 6),
        _p("水利学院", "wechat_official", '=HYPERLINK("http://x","y")', 7),
        _p("水利学院", "douyin", "华水水利青年", 8, owner_kind="student_org"),
        _p("电力学院", "wechat_official", "电力青年", 4, owner_kind="student_org", status="stopped"),
        _p("电力学院", "bilibili", "华水电力B站", 5),
        _p("电力学院", "website_external", "电力学院校友网", 6, url="http://dlxy-alumni.com"),
        _p("党委宣传部", "weibo", "华北水利水电大学官方微博", 3, phone="0371-69127000"),
        _p("党委宣传部", "news_app", "华水头条号", 4),
        _p("党委宣传部", "live_streaming", "华水直播间", 5),
        _p("党委宣传部", "tieba", "华北水利水电大学吧", 6, status="closed"),
        _p("信息工程学院", None, "信工e站", 9, raw="其它平台"),  # unclassified
        _p(None, "xiaohongshu", "华水小红书", 10),  # unit missing
    ]
    a = [
        dict(
            unit="信息工程学院",
            holder_name="陈晨",
            holder_role="student",
            platform_type_raw="小红书",
            category="xiaohongshu",
            platform_name="华水信工er",
            phone="15011112222",
            source_file=F.format("信息工程学院"),
            source_sheet="附件3",
            source_row=3,
        ),
        dict(
            unit="水利学院",
            holder_name="张三",
            holder_role="staff",
            platform_type_raw="抖音",
            category="douyin",
            platform_name="华水张老师",
            source_file=F.format("水利学院"),
            source_sheet="附件3",
            source_row=4,
        ),
        dict(
            unit="水利学院",
            holder_name="李四",
            holder_role="student",
            platform_type_raw="B站",
            category="bilibili",
            platform_name="NCWU李四",
            source_file=F.format("水利学院"),
            source_sheet="附件3",
            source_row=5,
        ),
    ]
    units = pd.DataFrame({"unit": ["水利学院", "电力学院", "党委宣传部", "信息工程学院", "国际教育学院"]})
    return {"platforms": _frame("platforms", p), "personal_accounts": _frame("personal_accounts", a), "units": units}


@pytest.fixture
def written(tmp_path, tables):
    return write_registry(tables, tmp_path, load_config())


def _rows(ws, header_row=2):
    headers = [c.value for c in ws[header_row]]
    return headers, [
        dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=header_row + 1)
    ]


def test_files_and_sheet_names(tmp_path, written):
    assert [p.name for p in written] == [PLATFORMS_FILE, PERSONAL_FILE]
    wb = openpyxl.load_workbook(tmp_path / PLATFORMS_FILE)
    assert wb.sheetnames == [
        "汇总",
        "1-学校域名网站",
        "2-校外域名网站",
        "3-新媒体平台",
        "4-论坛平台",
        "5-移动客户端",
        "6-视频平台",
        "7-网络直播平台",
        "未分类",
    ]
    assert openpyxl.load_workbook(tmp_path / PERSONAL_FILE).sheetnames[:2] == ["汇总", "1-学校域名网站"]


# Rows per class sheet of the fixture, counted by hand from categories.toml (weibo, wechat_official and
# xiaohongshu are class 3, douyin and bilibili 6, ...); the platform with no category is 未分类.
CLASS_ROWS = {
    PLATFORMS_FILE: {1: 1, 2: 1, 3: 5, 4: 1, 5: 1, 6: 2, 7: 1, "未分类": 1},
    PERSONAL_FILE: {1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 2, 7: 0},
}


def test_class_sheets_match_input_counts(tmp_path, written, tables):
    for fname, table in ((PLATFORMS_FILE, "platforms"), (PERSONAL_FILE, "personal_accounts")):
        wb = openpyxl.load_workbook(tmp_path / fname)
        got = {n: wb[class_sheet_name(n)].max_row - 2 for n in range(1, 8)}  # title + header
        if "未分类" in wb.sheetnames:
            got["未分类"] = wb["未分类"].max_row - 2
        assert got == CLASS_ROWS[fname]
        assert sum(got.values()) == len(tables[table])


def test_class_sheet_layout(tmp_path, written):
    ws = openpyxl.load_workbook(tmp_path / PLATFORMS_FILE)["3-新媒体平台"]
    assert ws["A1"].value == "华北水利水电大学网络媒体平台备案信息汇总表（2023年度） — 3-新媒体平台"
    headers, rows = _rows(ws)
    assert headers[:4] == ["序号", "单位名称", "主体类型", "平台类型"]
    assert "平台分类" in headers and "平台名称" in headers and "联系电话" in headers and "来源文件" in headers
    assert "平台类别" not in headers  # the sheet is the class
    assert all(h and not h.isascii() or h == "账号ID" for h in headers)
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(headers))}{ws.max_row}"
    assert [r["序号"] for r in rows] == list(range(1, len(rows) + 1))
    # sorted by unit (pinyin: 党委宣传部 < 电力学院 < 水利学院 < (no unit) last) then name
    assert [r["单位名称"] for r in rows] == ["党委宣传部", "电力学院", "水利学院", "水利学院", None]
    assert [r["平台名称"] for r in rows][2:4] == ['=HYPERLINK("http://x","y")', "华水水利"]
    assert {r["平台分类"] for r in rows} == {"微博", "微信公众号", "小红书"}
    assert rows[1]["主体类型"] == "学生组织" and rows[1]["运行状态"] == "停用"
    # internal registry: phones in full
    assert rows[0]["联系电话"] == "0371-69127000" and rows[1]["联系电话"] == "13800000360"
    assert rows[0]["最近更新时间"] == dt.datetime(2023, 4, 1)
    assert ws.cell(row=5, column=headers.index("平台名称") + 1).data_type == "s"


def test_summary_totals(tmp_path, written, tables):
    ws = openpyxl.load_workbook(tmp_path / PLATFORMS_FILE)["汇总"]
    headers, rows = _rows(ws, header_row=3)  # title, note, header
    assert headers[0] == "单位名称" and headers[-1] == "合计"
    assert headers[1:8] == [class_sheet_name(n) for n in range(1, 8)] and headers[8] == "未分类"
    by_unit = {r["单位名称"]: r for r in rows}
    assert list(by_unit)[-1] == "合计"
    assert by_unit["合计"]["合计"] == len(tables["platforms"]) == 13
    assert by_unit["国际教育学院"]["合计"] == 0  # roster unit that filed nothing
    assert by_unit["（未填写单位）"]["合计"] == 1
    assert by_unit["水利学院"]["3-新媒体平台"] == 2 and by_unit["水利学院"]["合计"] == 4
    for h in headers[1:]:
        assert by_unit["合计"][h] == sum(r[h] for u, r in by_unit.items() if u != "合计")
    for u, r in by_unit.items():
        assert r["合计"] == sum(r[h] for h in headers[1:-1]), u
    assert ws.freeze_panes == "B4"
    assert ws.cell(row=ws.max_row, column=1).font.b


def test_personal_registry(tmp_path, written, tables):
    wb = openpyxl.load_workbook(tmp_path / PERSONAL_FILE)
    assert "未分类" not in wb.sheetnames
    headers, rows = _rows(wb["6-视频平台"])
    assert headers[:4] == ["序号", "所在单位", "姓名", "身份"]
    assert [(r["姓名"], r["身份"]) for r in rows] == [("李四", "学生"), ("张三", "教职工")]  # NCWU李四 < 华水张老师
    _h, summary = _rows(wb["汇总"], header_row=3)
    assert summary[-1]["单位名称"] == "合计" and summary[-1]["合计"] == len(tables["personal_accounts"])


# The words the registry showed for each code before they were read from categories.toml, written by hand.
SHOWN = {"owner_kind": {"unit": "单位", "student_org": "学生组织"},
         "status": {"running": "正常运行", "stopped": "停用", "closed": "已注销", "unknown": "未知"},
         "holder_role": {"staff": "教职工", "student": "学生"}}


def test_codes_shown_as_their_words(tmp_path):
    """Every code of 主体类型, 运行状态 and 身份 is shown as the same word as before (unknown as 未知)."""
    codes = [(k, s) for k in SHOWN["owner_kind"] for s in SHOWN["status"]]
    p = [_p("水利学院", "weibo", f"平台{i}", i, owner_kind=k, status=s) for i, (k, s) in enumerate(codes, 1)]
    a = [dict(unit="水利学院", holder_name=f"张{i}", holder_role=r, platform_type_raw="微博", category="weibo",
              platform_name=f"账号{i}", source_file=F.format("水利学院"), source_sheet="附件3", source_row=i)
         for i, r in enumerate(SHOWN["holder_role"], 1)]
    tables = {"platforms": _frame("platforms", p), "personal_accounts": _frame("personal_accounts", a)}
    write_registry(tables, tmp_path, load_config())
    _h, rows = _rows(openpyxl.load_workbook(tmp_path / PLATFORMS_FILE)["3-新媒体平台"])
    assert sorted((r["主体类型"], r["运行状态"]) for r in rows) == \
        sorted((SHOWN["owner_kind"][k], SHOWN["status"][s]) for k, s in codes)
    _h, rows = _rows(openpyxl.load_workbook(tmp_path / PERSONAL_FILE)["3-新媒体平台"])
    assert sorted(r["身份"] for r in rows) == sorted(SHOWN["holder_role"].values())


def test_summary_frame_and_empty_tables(tmp_path, tables):
    s = summary_frame(tables["platforms"].iloc[0:0])
    assert list(s["unit"]) == ["合计"] and int(s["合计"].iloc[0]) == 0
    empty = {t: tables[t].iloc[0:0] for t in ("platforms", "personal_accounts")}
    paths = write_registry(empty, tmp_path, load_config())
    wb = openpyxl.load_workbook(paths[0])
    assert wb["1-学校域名网站"].max_row == 2
    assert write_registry({}, tmp_path / "none", load_config()) == []


def test_platform_class_falls_back_to_category():
    df = pd.DataFrame(
        {
            "platform_class": pd.array([3, None, 9, None], dtype="Int64"),
            "category": pd.Series(["wechat_official", "douyin", "weibo", "nonsense"], dtype="str"),
        }
    )
    assert platform_class_of(df).tolist() == [3, 6, 3, pd.NA]


def test_registry_keeps_phones_and_the_scanner_sees_them(tmp_path, written):
    from netmedia.report.privacy import scan_for_personal_data

    hits = {m for _p, m in scan_for_personal_data(tmp_path, suffixes=[".xlsx"])}
    assert {"13800000360", "15011112222"} <= hits  # internal registry: not for sharing
