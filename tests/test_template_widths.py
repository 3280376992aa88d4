"""A printed pre-filled template shows its values whole: each column is as wide as its header label and its
pre-filled values (within bounds), and a value wider than the widest column wraps instead of being cut off by the
next cell. The clean rows are written here by hand and every width below is counted by hand (CJK characters count
two Excel character units, others one; a fitted column gets two units of padding)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from netmedia.config import load_config
from netmedia.report import templates
from netmedia.transform.returns import typed_frame

SHEET = "附件2 网络媒体平台"
UNIT = "水利学院"
NAME = "水利学院团委青年志愿者协会"  # 13 CJK characters: 26 units
URL = "https://www.ncwu.edu.cn/slxy/tuanwei/xinmeiti/index.html"  # 8 + 15 + 5 + 8 + 9 + 11 = 56 units
REMARK = "本账号由学院团委与研究生会共同运营，主要发布志愿服务活动通知"  # 29 CJK + 1 comma (full width): 60 units
MAX_WIDTH = 30  # templates.toml [columns] max_width
MIN_WIDTH = 10  # templates.toml [columns] min_width
PADDING = 2
EXCEL_CELL_PADDING = (0.5, 0.75)  # openpyxl reads back a little more than was asked (xlsxwriter adds Excel's)

ROWS = [
    dict(unit=UNIT, platform_type_raw="微信公众号", category="wechat_official", platform_name=NAME,
         account_id="slxytw2019", url=URL, supervisor="张三", operator="李四", operator_phone="13800000360",
         last_updated_on=dt.date(2023, 3, 1), followers=1200, status="running", status_raw="更新中",
         remarks=REMARK, record_id="P0000000001"),
    dict(unit=UNIT, platform_type_raw="微博", category="weibo", platform_name="水院微博", account_id="5512345678",
         supervisor="张三", operator="王五", operator_phone="13900000001", status="running", record_id="P0000000002"),
]

# header -> (expected width before Excel's padding, whether the first row's cell wraps), counted by hand
EXPECTED = {
    "平台名称": (26 + PADDING, False),  # the long name: 28 <= 30, whole on one line
    "网址/链接": (MAX_WIDTH, True),  # 56 + 2 > 30: capped, and the URL wraps
    "备注": (MAX_WIDTH, True),  # 60 + 2 > 30
    "账号ID": (10 + PADDING, False),  # "5512345678" and "slxytw2019" are 10; the label "账号ID" 4 + 2 = 6
    "粉丝数": (MIN_WIDTH, False),  # label 6 + 2 = 8, "1200" 4 + 2: raised to the minimum
    "最近更新时间": (12 + PADDING, False),  # the label (12) is wider than "2023-03-01" (10)
}


@pytest.fixture
def sheet(tmp_path):
    tables = {"platforms": typed_frame("platforms", ROWS),
              "units": typed_frame("units", [{"unit": UNIT}])}
    path: Path = templates.write_templates(tables, tmp_path, load_config())[0]
    return openpyxl.load_workbook(path)[SHEET]


def _column(ws, label: str) -> int:
    return [c.value for c in ws[2]].index(label) + 1


def _width(ws, j: int) -> float:
    for dim in ws.column_dimensions.values():
        if dim.min <= j <= dim.max:
            return dim.width
    raise AssertionError(f"column {j} has no width")


def test_columns_fitted_to_content_within_bounds(sheet):
    low, high = EXCEL_CELL_PADDING
    for label, (width, wraps) in EXPECTED.items():
        j = _column(sheet, label)
        got = _width(sheet, j)
        assert low <= got - width <= high, (label, got, width)
        assert bool(sheet.cell(3, j).alignment.wrap_text) is wraps, label


def test_long_values_kept_whole(sheet):
    """The values are written as they were (wrapping changes the look, not the text)."""
    assert sheet.cell(3, _column(sheet, "网址/链接")).value == URL
    assert sheet.cell(3, _column(sheet, "平台名称")).value == NAME
    assert sheet.cell(3, _column(sheet, "备注")).value == REMARK


def _shown_width(text: str) -> int:
    """An independent count: characters from the CJK blocks and full-width forms count two."""
    return sum(2 if ("\u2e80" <= ch <= "\ua4cf" or "\uac00" <= ch <= "\ud7a3" or "\uf900" <= ch <= "\ufaff"
                     or "\ufe30" <= ch <= "\ufe4f" or "\uff00" <= ch <= "\uff60") else 1 for ch in text)


def test_nothing_hidden_by_the_next_cell(sheet):
    """Every pre-filled text cell fits its column or wraps."""
    low, _ = EXCEL_CELL_PADDING
    for row in sheet.iter_rows(min_row=3, max_row=4):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            room = _width(sheet, cell.column) - low - PADDING
            assert _shown_width(cell.value) <= room or cell.alignment.wrap_text, (
                get_column_letter(cell.column), cell.value)


def test_wrapped_row_as_tall_as_its_text(sheet):
    """Neither Excel nor LibreOffice grows a stored row by itself: the first row is set three lines tall (the
    remark's 60 units in 30 - 2 = 28 per line: 28 + 28 + 4), one line being 15 points; the short second row keeps
    the default height."""
    assert sheet.row_dimensions[3].height == 3 * 15
    assert sheet.row_dimensions[4].height is None
