"""netmedia.xlsx: formula safety, text fidelity and the presentation options the reports rely on."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest

from netmedia.xlsx import EXCEL_MAX_CHARS, SheetSpec, clean_text, sheet_name, write_workbook

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "=1+1",
    "http://evil.example/x",
    "0012345",
    "13800000360",
    "1E5",
]
LONG = "长" * 40_000
CONTROL = "a\x00b\x01c\x07d\x0be\x1ff\x7fg\th\ni\r\nj 😀 _x000D_ 华水"


def _all_cells(path):
    wb = openpyxl.load_workbook(path, data_only=False)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    yield ws.title, c


@pytest.fixture
def hostile_xlsx(tmp_path):
    df = pd.DataFrame({"name": pd.Series([*HOSTILE, LONG, CONTROL], dtype="str")})
    df["n"] = pd.array(range(len(df)), dtype="Int64")
    return write_workbook(tmp_path / "h.xlsx", {"=evil": SheetSpec(df, headers={"name": "=平台名称"}, title="+标题")})


def test_hostile_strings_stay_text(hostile_xlsx):
    ws = openpyxl.load_workbook(hostile_xlsx).worksheets[0]
    assert ws.title == "=evil"
    assert ws["A1"].value == "+标题" and ws["A1"].data_type == "s"
    assert ws["A2"].value == "=平台名称" and ws["A2"].data_type == "s"
    got = [ws.cell(row=3 + i, column=1) for i in range(len(HOSTILE))]
    for text, cell in zip(HOSTILE, got, strict=True):
        assert cell.value == text
        assert cell.data_type == "s"


def test_no_formulas_anywhere(hostile_xlsx):
    for _sheet, c in _all_cells(hostile_xlsx):
        assert c.data_type != "f", c.coordinate
        if isinstance(c.value, str) and c.value.startswith("="):
            assert c.data_type == "s"
    # and at the XML level: no <f> element in any sheet
    with zipfile.ZipFile(hostile_xlsx) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(n) and b"<f " not in z.read(n)


def test_long_string_cut_to_excel_limit(hostile_xlsx):
    ws = openpyxl.load_workbook(hostile_xlsx).worksheets[0]
    v = ws.cell(row=3 + len(HOSTILE), column=1).value
    assert len(v) == EXCEL_MAX_CHARS and v == LONG[:EXCEL_MAX_CHARS]


def test_control_characters_removed_emoji_kept(hostile_xlsx):
    """Decision: C0 controls except tab/newline (and DEL) are removed, CR/CRLF become LF; the rest is kept."""
    ws = openpyxl.load_workbook(hostile_xlsx).worksheets[0]
    v = ws.cell(row=4 + len(HOSTILE), column=1).value
    assert v == "abcdefg\th\ni\nj 😀 _x000D_ 华水"
    assert v == clean_text(CONTROL)
    assert ws.cell(row=4 + len(HOSTILE), column=2).value == len(HOSTILE) + 1


def test_sheet_name_rules():
    taken: set[str] = set()
    assert sheet_name("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    long = "x" * 40
    assert sheet_name(long, taken) == "x" * 31
    assert sheet_name(long, taken) == "x" * 28 + "(2)"
    assert sheet_name("X" * 31, taken) == "X" * 28 + "(3)"  # case-insensitive uniqueness


def test_presentation_options(tmp_path):
    df = pd.DataFrame(
        {
            "单位": pd.Series(["水利学院", "合计"], dtype="str"),
            "n": pd.array([3, 3], dtype="Int64"),
            "d": [dt.date(2023, 1, 5), None],
            "reply": pd.Series([None, None], dtype="str"),
        }
    )
    spec = SheetSpec(
        df,
        title="标题",
        notes=["请于2023年5月10日前回复。"],
        note_height=30,
        landscape=True,
        wrap=True,
        borders=True,
        widths={"reply": 40},
        autofit=True,
        column_formats={"reply": {"bg_color": "#FFF2CC"}},
        row_formats={1: {"bold": True}},
        conditional_formats=[
            ("单位", {"type": "text", "criteria": "containing", "value": "合计", "format": {"font_color": "#C00000"}})
        ],
        freeze_cols=1,
    )
    p = write_workbook(tmp_path / "p.xlsx", {"s": spec})
    ws = openpyxl.load_workbook(p)["s"]
    assert ws["A1"].value == "标题"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "A2:D2"} <= merged
    assert [c.value for c in ws[3]] == ["单位", "n", "d", "reply"]
    assert ws.freeze_panes == "B4"
    assert ws.auto_filter.ref == "A3:D5"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.column_dimensions["D"].width == pytest.approx(40, abs=1)
    assert ws["D4"].fill.fgColor.rgb.endswith("FFF2CC")  # empty reply cell still filled
    assert ws["A5"].font.b and not ws["A4"].font.b
    assert ws["C4"].is_date and ws["C4"].value == dt.datetime(2023, 1, 5)
    assert ws["A4"].alignment.wrap_text and ws["A4"].border.left.style == "thin"
    assert len(ws.conditional_formatting) == 1
    assert "第 &P 页" in ws.oddFooter.center.text


def test_plain_frame_and_empty_frame(tmp_path):
    p = write_workbook(tmp_path / "e.xlsx", {"a": pd.DataFrame({"x": [1.5, float("nan")]}), "b": pd.DataFrame()})
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["a", "b"]
    assert wb["a"]["A2"].value == 1.5 and wb["a"]["A3"].value is None
    assert wb["a"].freeze_panes == "A2"
