"""netmedia.report.rectification: one masked, printable rectification list per unit with findings."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from netmedia.config import load_config
from netmedia.report.rectification import (
    LIST_COLUMNS,
    rectification_frame,
    reply_deadline_for,
    safe_filename,
    write_rectification_lists,
)
from netmedia.transform.returns import typed_frame

F1 = "2023/水利学院/附件2 网络媒体平台备案汇总表.xlsx"
F2 = "2023/电力学院.zip!附件2-电力学院.xlsx"
F3 = "2023/信息工程学院/附件3.xlsx"

RAW_PHONES = ["13800000360", "13912345678", "1385556666", "0371-69127000", "15011112222", "196abcd8218"]
F4 = "2023/马克思主义学院/附件2.xlsx"

# Phones as units type them, each on a 马克思主义学院 row that has a finding, with its masked form written out
# by hand (a mobile keeps its first 3 and last 4 digits, a landline its area code and last 4 digits).
MASKED_PHONES = {
    "0371-65790001": "0371-****0001",
    "(0371)65790002": "0371-****0002",
    "0371 6579 0003": "0371-****0003",
    "+86 371 6579 0004": "0371-****0004",
    "010-62751234": "010-****1234",
    "138-0013-8005": "138****8005",
    "139 0013 8006": "139****8006",
    "+86 150 0013 8007": "150****8007",
    "+8615100138008": "151****8008",
}
# A landline typed without its area code: only its last 4 digits may show.
NO_AREA_CODE = {"65790005": "****0005"}
# Phones written into the free text of a finding (its detail), other than the row's own phone.
DETAIL_PHONES = {"0371 6579 0099": "0371-****0099", "+86 186-0000-1111": "186****1111",
                 "(010)62750000": "010-****0000"}


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A clean-table frame: every output column, typed by the ingest's own ``typed_frame``."""
    return typed_frame(table, rows)


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    p = [
        dict(
            unit="水利学院",
            platform_type_raw="微信公众号",
            platform_class=3,
            category="wechat_official",
            platform_name="华水水利学院",
            account_id="ncwu_slxy",
            supervisor="王建国",
            operator="李 明",
            operator_phone="13800000360",
            last_updated_on="2022-10-01",
            status="running",
            source_file=F1,
            source_sheet="Sheet1",
            source_row=5,
        ),
        dict(
            unit="水利学院",
            platform_type_raw="学院网站",
            platform_class=1,
            category="website_campus",
            platform_name="水利学院官网",
            url="https://slxy.ncwu.edu.cn",
            supervisor="王建国",
            operator="刘洋",
            operator_phone="0371-69127000",
            last_updated_on="2023-04-01",
            status="running",
            source_file=F1,
            source_sheet="Sheet1",
            source_row=6,
        ),
        dict(
            unit="水利学院",
            platform_type_raw="抖音",
            platform_class=6,
            category="douyin",
            platform_name='=HYPERLINK("http://x","水利青年")',
            account_id="13912345678",
            supervisor="赵四",
            operator="学生小王",
            operator_phone="13912345678",
            last_updated_on="2023-03-30",
            source_file=F1,
            source_sheet="Sheet1",
            source_row=7,
        ),
        dict(
            unit="电力学院",
            platform_type_raw="B站",
            platform_class=6,
            category="bilibili",
            platform_name="电力学院团委",
            account_id="3461577",
            supervisor="孙红",
            operator="周杰",
            operator_phone="1385556666",
            last_updated_on="2023-02-01",
            source_file=F2,
            source_sheet="附件2",
            source_row=4,
        ),
    ]
    a = [
        dict(
            unit="信息工程学院",
            holder_name="陈晨",
            holder_role="学生",
            platform_type_raw="小红书",
            category="xiaohongshu",
            platform_name="滑水信息er",
            account_id="xhs_998",
            phone="15011112222",
            source_file=F3,
            source_sheet="个人账号",
            source_row=3,
        ),
    ]
    p.append(
        dict(
            unit="马克思主义学院",
            platform_type_raw="微信公众号",
            platform_name="华水马院",
            supervisor="钱进",
            operator="孙丽",
            operator_phone="196abcd8218",
            source_file=F4,
            source_sheet="Sheet1",
            source_row=6,
        )
    )
    for k, phone in enumerate([*MASKED_PHONES, *NO_AREA_CODE]):
        p.append(dict(unit="马克思主义学院", platform_type_raw="微博", platform_name=f"马院微博{k}", supervisor="钱进",
                      operator=f"学生{k}", operator_phone=phone, source_file=F4, source_sheet="Sheet1", source_row=7 + k))
    return {"platforms": _frame("platforms", p), "personal_accounts": _frame("personal_accounts", a)}


def _finding(rule, severity, unit, table, source_file=None, sheet=None, row=None, detail=None, msg=None, name=None):
    return dict(
        rule=rule,
        severity=severity,
        unit=unit,
        table=table,
        platform_name=name,
        account_id=None,
        source_file=source_file,
        source_sheet=sheet,
        source_row=row,
        detail=detail,
        message_zh=msg,
    )


@pytest.fixture
def findings() -> pd.DataFrame:
    rows = [
        _finding(
            "R-scope",
            "warning",
            "信息工程学院",
            "personal_accounts",
            F3,
            "个人账号",
            3,
            "名称未含学校或单位名称",
            "账号名称未含学校或单位名称，请核实是否属于备案范围。",
        ),
        _finding(
            "R-naming",
            "violation",
            "信息工程学院",
            "personal_accounts",
            F3,
            "个人账号",
            3,
            "谐音：滑水 ~ 华水",
            "个人账号名称使用学校名称谐音，请更名或注销。",
        ),
        _finding(
            "R-zombie",
            "violation",
            "水利学院",
            "platforms",
            F1,
            "Sheet1",
            5,
            "最近更新 2022-10-01，早于 2023-01-25",
            "该平台超过3个月未更新，属僵尸账号，请注销关停。",
        ),
        _finding(
            "R-leader",
            "violation",
            "水利学院",
            "platforms",
            F1,
            "Sheet1",
            7,
            "主管领导“赵四”不是本单位党政一把手",
            "主管领导应为本单位党政一把手。",
        ),
        _finding(
            "R-operator",
            "violation",
            "水利学院",
            "platforms",
            F1,
            "Sheet1",
            7,
            "“学生小王”不在在职教职工名单中；联系电话13912345678",
            "运营管理负责人应为在职教职工。",
        ),
        _finding(
            "R-phone",
            "violation",
            "电力学院",
            "platforms",
            F2,
            "附件2",
            4,
            "operator_phone='1385556666' 不是手机或座机号码",
            "联系电话格式不正确，请更正。",
        ),
        _finding(
            "R-deadline",
            "warning",
            "电力学院",
            "submissions",
            F2,
            "附件2",
            None,
            "报送时间 2023-04-27，晚于截止日期 2023-04-25",
            "备案材料逾期报送。",
        ),
        _finding(
            "R-complete",
            "violation",
            "国际教育学院",
            "units",
            None,
            None,
            None,
            "未收到该单位的任何备案材料",
            "请按通知要求报送附件2、附件3。",
        ),
        _finding(
            "R-required",
            "violation",
            "后勤管理处/后勤服务中心:*",
            "platforms",
            "2023/hq.xlsx",
            "Sheet1",
            9,
            "缺少：联系电话",
            None,
            name="后勤服务",
        ),  # not in the clean table; no message_zh
    ]
    rows.append(
        _finding(
            "R-phone",
            "violation",
            "马克思主义学院",
            "platforms",
            F4,
            "Sheet1",
            6,
            "联系电话“196abcd8218”不是有效的手机或座机号码",
            "联系电话格式不正确，请更正。",
        )
    )
    details = iter(DETAIL_PHONES)
    for k, _phone in enumerate([*MASKED_PHONES, *NO_AREA_CODE]):
        other = next(details, None)
        rows.append(_finding("R-operator", "violation", "马克思主义学院", "platforms", F4, "Sheet1", 7 + k,
                             f"“学生{k}”不在在职教职工名单中" + (f"；另一联系人电话{other}" if other else ""),
                             "运营管理负责人应为在职教职工。"))
    return pd.DataFrame(rows)


@pytest.fixture
def config():
    return load_config()


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("后勤管理处/后勤服务中心:*", "后勤管理处后勤服务中心"),
        ('a\\b:c*d?e"f<g>h|i', "abcdefghi"),
        ("  水利学院.  ", "水利学院"),
        ("CON", "_CON"),
        ("", "未识别单位"),
        (None, "未识别单位"),
    ],
)
def test_safe_filename(name, stem):
    assert safe_filename(name) == stem


def test_one_workbook_per_unit_with_findings(tmp_path, findings, tables, config):
    paths_ = write_rectification_lists(findings, tables, tmp_path, config)
    assert len(paths_) == findings["unit"].nunique() == 6
    assert {p.parent for p in paths_} == {tmp_path / "整改清单"}
    assert sorted(p.name for p in (tmp_path / "整改清单").glob("*.xlsx")) == sorted(p.name for p in paths_)
    assert (tmp_path / "整改清单" / "后勤管理处后勤服务中心.xlsx") in paths_
    # a second run with fewer findings leaves no stale list behind
    again = write_rectification_lists(findings[findings["unit"] == "水利学院"], tables, tmp_path, config)
    assert [p.name for p in (tmp_path / "整改清单").glob("*.xlsx")] == [p.name for p in again] == ["水利学院.xlsx"]


def test_sheet_layout_and_print_setup(tmp_path, findings, tables, config):
    write_rectification_lists(findings, tables, tmp_path, config, reply_deadline=dt.date(2023, 5, 12))
    wb = openpyxl.load_workbook(tmp_path / "整改清单" / "水利学院.xlsx")
    assert wb.sheetnames == ["整改清单", "问题汇总", "netmedia_stamp"]
    assert wb["netmedia_stamp"].sheet_state == "hidden"
    ws = wb["整改清单"]
    assert ws["A1"].value == "华北水利水电大学网络媒体平台备案整改清单（2023年度）— 水利学院"
    assert "2023年5月12日" in ws["A2"].value and "党委宣传部" in ws["A2"].value
    headers = [c.value for c in ws[4]]
    assert headers == [zh for zh, _w in LIST_COLUMNS.values()]
    assert headers[:5] == ["序号", "问题类型", "严重程度", "整改要求", "具体情况"]
    assert headers[-3:] == ["单位回复/整改情况", "问题编号", "规则"]
    assert ws.column_dimensions["Q"].hidden and ws.column_dimensions["R"].hidden
    assert not ws.column_dimensions["P"].hidden
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows.replace("$", "") == "4:4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.column_dimensions["P"].width >= 30
    col = {h: i + 1 for i, h in enumerate(headers)}
    data = [[ws.cell(row=r, column=j).value for j in range(1, len(headers) + 1)] for r in range(5, ws.max_row + 1)]
    assert len(data) == 3
    assert [r[0] for r in data] == [1, 2, 3]
    assert [r[col["问题类型"] - 1] for r in data] == ["僵尸账号", "主管领导不符合要求", "运营负责人不符合要求"]
    assert {r[col["严重程度"] - 1] for r in data} == {"必须整改"}
    z = data[0]
    assert z[col["平台名称"] - 1] == "华水水利学院" and z[col["账号ID"] - 1] == "ncwu_slxy"
    assert z[col["平台类型"] - 1] == "微信公众号" and z[col["主管领导"] - 1] == "王建国"
    assert z[col["运营管理负责人"] - 1] == "李 明"  # as in the clean table
    assert z[col["联系电话"] - 1] == "138****0360"
    assert z[col["最近更新时间"] - 1] == dt.datetime(2022, 10, 1)
    assert (z[col["来源文件"] - 1], z[col["工作表"] - 1], z[col["行号"] - 1]) == (F1, "Sheet1", 5)
    assert z[col["整改要求"] - 1].startswith("该平台超过3个月未更新")
    # hostile platform name stays text; reply cells are empty but filled
    h = ws.cell(row=6, column=col["平台名称"])
    assert h.value == '=HYPERLINK("http://x","水利青年")' and h.data_type == "s"
    reply = ws.cell(row=5, column=col["单位回复/整改情况"])
    assert reply.value is None and reply.fill.fgColor.rgb.endswith("FFF2CC")
    assert all(c.data_type != "f" for c in _cells(tmp_path / "整改清单" / "水利学院.xlsx"))
    s = wb["问题汇总"]
    assert [c.value for c in s[2]] == ["问题类型", "严重程度", "条数", "说明"]
    assert s.cell(row=s.max_row, column=1).value == "合计" and s.cell(row=s.max_row, column=3).value == 3


def test_violations_before_warnings(tmp_path, findings, tables, config):
    write_rectification_lists(findings, tables, tmp_path, config)
    for unit, expected in [("信息工程学院", ["必须整改", "请核实"]), ("电力学院", ["必须整改", "请核实"])]:
        ws = openpyxl.load_workbook(tmp_path / "整改清单" / f"{unit}.xlsx")["整改清单"]
        assert [ws.cell(row=r, column=3).value for r in range(5, ws.max_row + 1)] == expected
    ws = openpyxl.load_workbook(tmp_path / "整改清单" / "信息工程学院.xlsx")["整改清单"]
    assert ws.cell(row=5, column=2).value == "账号名称不规范"
    assert ws.cell(row=5, column=10).value == "陈晨"  # holder of a personal account in 运营管理负责人
    assert ws.cell(row=5, column=11).value == "150****2222"


def test_unit_without_submission_and_unmatched_rows(tmp_path, findings, tables, config):
    write_rectification_lists(findings, tables, tmp_path, config)
    ws = openpyxl.load_workbook(tmp_path / "整改清单" / "国际教育学院.xlsx")["整改清单"]
    assert ws.max_row == 5 and ws["B5"].value == "未报送备案材料" and ws["M5"].value is None
    ws = openpyxl.load_workbook(tmp_path / "整改清单" / "后勤管理处后勤服务中心.xlsx")["整改清单"]
    assert ws["A1"].value.endswith("— 后勤管理处/后勤服务中心:*")
    assert ws["F5"].value == "后勤服务"  # from the finding when the row is not in the clean table
    assert ws["D5"].value is None  # no requirement is invented for a finding without one


def test_no_raw_phone_anywhere(tmp_path, findings, tables, config):
    paths_ = write_rectification_lists(findings, tables, tmp_path, config)
    for p in paths_:
        texts = [str(c.value) for c in _cells(p)]
        with zipfile.ZipFile(p) as z:
            xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
        for phone in [*RAW_PHONES, *MASKED_PHONES, *DETAIL_PHONES]:  # 0371-69127000 (水利学院 row 6) has no finding
            assert not any(phone in t for t in texts), (p.name, phone)
            assert phone not in xml, (p.name, phone)
    ws = openpyxl.load_workbook(tmp_path / "整改清单" / "电力学院.xlsx")["整改清单"]
    assert ws["K5"].value == "****6666" and "****6666" in ws["E5"].value  # malformed phone masked in detail
    ws = openpyxl.load_workbook(tmp_path / "整改清单" / "水利学院.xlsx")["整改清单"]
    assert ws["G6"].value == "139****5678"  # a mobile used as account id is masked too
    assert ws["K5"].value == "138****0360" and ws["K6"].value == "139****5678"


def _list_rows(path) -> list[dict]:
    ws = openpyxl.load_workbook(path)["整改清单"]
    headers = [c.value for c in ws[4]]
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=5)]


@pytest.mark.parametrize(("typed", "masked"), [
    *MASKED_PHONES.items(),
    *NO_AREA_CODE.items(),
])
def test_every_phone_form_masked_on_a_row_with_a_finding(tmp_path, findings, tables, config, typed, masked):
    """Mobiles and landlines typed with dashes, spaces, brackets or +86 (and without area code) sit on rows
    with a finding: each shows only as its hand-written masked form, and no raw digits of it anywhere."""
    write_rectification_lists(findings, tables, tmp_path, config)
    path = tmp_path / "整改清单" / "马克思主义学院.xlsx"
    rows = {r["行号"]: r for r in _list_rows(path)}
    k = [*MASKED_PHONES, *NO_AREA_CODE].index(typed)
    assert rows[7 + k]["联系电话"] == masked
    texts = [str(c.value) for c in _cells(path)]
    with zipfile.ZipFile(path) as z:
        texts += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    assert not any(phones_in(t, {typed}) for t in texts)


def test_phones_in_free_text_masked(tmp_path, findings, tables, config):
    write_rectification_lists(findings, tables, tmp_path, config)
    path = tmp_path / "整改清单" / "马克思主义学院.xlsx"
    details = "\n".join(r["具体情况"] or "" for r in _list_rows(path))
    for typed, masked in DETAIL_PHONES.items():
        assert masked in details, typed
    texts = [str(c.value) for c in _cells(path)]
    assert not any(phones_in(t, set(DETAIL_PHONES)) for t in texts)


# Digits with at most one separator between them: 13800000360, 138 0000 0360, 138-0000-0360, +86 138..., 0371-6912 7000
_DIGIT_RUN = re.compile(r"\d(?:[-\s.()（）]?\d)*")



def phones_in(text: str, phones: set[str]) -> set[str]:
    """The ``phones`` (as typed) that ``text`` shows unmasked, in any grouping: as typed, by their digits inside a
    run of digits and separators (a ``+86`` before them included), and a landline's local number on its own.
    A plain scan, independent of netmedia.transform.phones and the privacy scanner."""
    digits = {re.sub(r"\D", "", p): p for p in phones}
    national = {d[2:] if p.lstrip().startswith("+86") else d: p for d, p in digits.items()}
    digits |= national
    local = {}  # a landline (national number 0 + area + 7-8 digits, area 10, 2x or xxx) -> its local number
    for d, p in national.items():
        d = d.removeprefix("0")
        if d and d[0] != "1" or d.startswith("10"):
            area = 2 if d[0] in "12" else 3
            if len(d) - area in (7, 8):
                local[d[area:]] = p
    lengths = {len(d) for d in digits}
    found = {p for p in phones if p in text}
    for m in _DIGIT_RUN.finditer(text):
        d = re.sub(r"\D", "", m.group())
        found |= {digits[d[i:i + n]] for n in lengths for i in range(len(d) - n + 1) if d[i:i + n] in digits}
        if d in local:
            found.add(local[d])
    return found


@pytest.mark.parametrize(("shown", "expected"), [
    ("电话 138 0000 0360。", "13800000360"), ("+86-138-0000-0360", "13800000360"), ("13800000360", "+86 138 0000 0360"),
    ("(0371)69127000", "0371-69127000"), ("0371 6912 7000", "0371-69127000"), ("座机69127000", "0371-69127000"),
    ("6912 7000", "+86 371 6912 7000"), ("1385556666", "1385556666"),
])
def test_phones_in_finds_every_grouping(shown, expected):
    assert phones_in(shown, {expected, "15011112222"}) == {expected}


def test_phones_in_ignores_masked_forms_and_other_numbers():
    phones = {"13800000360", "0371-69127000", "+86 150 1111 2222"}
    assert phones_in("138****0360, 0371-****7000, 150****2222, 2023-04-25, 3461577", phones) == set()


def test_frame_unmasked_for_internal_use(findings, tables):
    fr = rectification_frame(findings, tables, mask=False)
    assert len(fr) == len(findings)
    assert "13800000360" in set(fr["phone"].dropna())
    assert list(fr.columns[:3]) == ["unit", "rule", "severity"]


def test_no_findings_writes_nothing(tmp_path, tables, config):
    assert write_rectification_lists(pd.DataFrame(), tables, tmp_path, config) == []


def test_reply_deadline_from_config(tmp_path, config):
    assert reply_deadline_for(config) == config.round.deadline + dt.timedelta(days=15)
    base = re.sub(r"(?ms)^\[rectification\].*?(?=^\[|\Z)", "", config.path.read_text("utf-8"))
    p = tmp_path / "i.toml"
    p.write_text(base + "\n[rectification]\nreply_days = 10\n", "utf-8")
    assert reply_deadline_for(load_config(p)) == config.round.deadline + dt.timedelta(days=10)
    p.write_text(base + "\n[rectification]\nreply_deadline = 2023-06-01\n", "utf-8")
    assert reply_deadline_for(load_config(p)) == dt.date(2023, 6, 1)


def test_privacy_scanner_finds_nothing_in_lists(tmp_path, findings, tables, config):
    from netmedia.report.privacy import scan_for_personal_data

    paths_ = write_rectification_lists(findings, tables, tmp_path, config)
    assert scan_for_personal_data(tmp_path / "整改清单", {"20080123"}, suffixes=[".xlsx"]) == []
    assert scan_for_personal_data(paths_) == []
