"""netmedia.report.xlsx: formula safety, text fidelity and the presentation options the reports rely on.

Workbooks are read back with openpyxl (values, cell types, formats, widths) and, where openpyxl is known to
read a file differently from Excel, with calamine.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from netmedia.report.xlsx import EXCEL_MAX_CHARS, SheetSpec, clean_text, sheet_name, write_workbook

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "=1+1",
    "{=1+1}",
    "http://evil.example/x",
    "mailto:a@b.c",
    "0012345",
    "13800000360",
    "1E5",
]
# the ones Excel would turn into a formula on F2-Enter: they carry the quote prefix (by hand)
QUOTED = {'=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "=1+1"}
LONG = "长" * 40_000
CONTROL = "a\x00b\x01c\x07d\x0be\x1ff\x7fg\th\ni\r\nj 😀 _x000D_ 华水\rk"
CONTROL_STORED = "abcdefg\th\ni\nj 😀 _x000D_ 华水\nk"  # by hand: controls gone, CR and CRLF become LF


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
    df["obj"] = pd.Series([*HOSTILE, LONG, CONTROL], dtype=object)  # the same text in an object column
    sheets = {
        "=evil": SheetSpec(df, headers={"name": "=平台名称"}, title="+标题"),
        # the same text in a formatted column and a row with its own format
        "fmt": SheetSpec(df, column_formats={"name": {"bold": True}}, row_formats={0: {"italic": True}}, wrap=True),
    }
    return write_workbook(tmp_path / "h.xlsx", sheets)


def test_hostile_strings_stay_text(hostile_xlsx):
    wb = openpyxl.load_workbook(hostile_xlsx)
    ws = wb.worksheets[0]
    assert ws.title == "=evil"
    assert ws["A1"].value == "+标题" and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["A2"].value == "=平台名称" and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    for sheet, first in ((ws, 3), (wb["fmt"], 2)):
        for col in (1, 3):
            for i, text in enumerate(HOSTILE):
                cell = sheet.cell(row=first + i, column=col)
                assert (cell.value, cell.data_type, cell.hyperlink) == (text, "s", None), (sheet.title, cell)
                assert bool(cell.quotePrefix) is (text in QUOTED), (sheet.title, cell, text)


def test_no_formulas_anywhere(hostile_xlsx):
    for _sheet, c in _all_cells(hostile_xlsx):
        assert c.data_type != "f", c.coordinate
    # and at the XML level: no <f> element in any sheet, no hyperlink relationship
    with zipfile.ZipFile(hostile_xlsx) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(n) and b"<f " not in z.read(n) and b"hyperlink" not in z.read(n)


def test_long_string_cut_to_excel_limit(hostile_xlsx, tmp_path):
    """Excel's limit is 32,767 UTF-16 units: 32,767 CJK characters, 16,383 emoji (each counts two)."""
    ws = openpyxl.load_workbook(hostile_xlsx).worksheets[0]
    v = ws.cell(row=3 + len(HOSTILE), column=1).value
    assert len(v) == EXCEL_MAX_CHARS and v == LONG[:EXCEL_MAX_CHARS]
    emoji = "😀" * 20_000
    assert clean_text(LONG) == LONG[:EXCEL_MAX_CHARS] and clean_text(emoji) == "😀" * 16_383
    # a long text that looked like rich-text XML before the cut is written too (as the cut text)
    texts = [emoji, "<r>" + emoji + "</r>", "a" + emoji]
    path = write_workbook(tmp_path / "long.xlsx", {"s": pd.DataFrame({"t": texts})})
    got = [row[0] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()[1:]]
    assert got == ["😀" * 16_383, "<r>" + "😀" * 16_382, "a" + "😀" * 16_383]


def test_control_characters_removed_emoji_kept(hostile_xlsx):
    """Decision: C0 controls except tab/newline (and DEL) are removed, CR/CRLF become LF; the rest is kept.

    Read with calamine: the literal ``_x000D_`` is stored escaped as the format requires (``_x005F_x000D_``),
    which Excel and calamine read back as typed; openpyxl 3.1 undoes that escape only in shared strings, not in
    the inline strings written here, so it would show the escape."""
    assert clean_text(CONTROL) == CONTROL_STORED
    rows = CalamineWorkbook.from_path(str(hostile_xlsx)).get_sheet_by_name("=evil").to_python()
    row = rows[3 + len(HOSTILE)]
    assert row[0] == row[2] == CONTROL_STORED
    assert row[1] == len(HOSTILE) + 1


def test_text_that_looks_like_rich_text_xml_stays_text(tmp_path):
    """xlsxwriter writes a string starting with <r> and ending with </r> as raw rich-text XML; an account name
    typed like that must come back as the text the unit typed, and the file must stay readable."""
    texts = ["<r>rich-looking</r>", "<r><t>x</t></r>", "<r>&</r>", "<r></r>"]
    df = pd.DataFrame({"t": pd.Series(texts, dtype="str"), "o": pd.Series(texts, dtype=object)})
    sheets = {
        "s": df,
        "formatted": SheetSpec(df, font_size=9, column_formats={"t": {"bg_color": "#FFF2CC"}}, title="<r>x</r>"),
    }
    path = write_workbook(tmp_path / "r.xlsx", sheets)
    wb = openpyxl.load_workbook(path)
    assert [[c.value for c in row] for row in wb["s"].iter_rows(min_row=2)] == [[t, t] for t in texts]
    ws = wb["formatted"]
    assert ws["A1"].value == "<r>x</r>"
    assert [c.value for c in ws["A"][2:]] == texts
    assert ws["A3"].fill.fgColor.rgb.endswith("FFF2CC") and ws["B3"].font.sz == 9
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()
    assert [row[0] for row in calamine[1:]] == texts


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
        header_height=30,
        tab_color="#FF0000",
    )
    p = write_workbook(tmp_path / "p.xlsx", {"s": spec})
    ws = openpyxl.load_workbook(p)["s"]
    assert ws["A1"].value == "标题" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].value == "请于2023年5月10日前回复。" and ws["A2"].alignment.wrap_text
    assert ws.row_dimensions[1].height == 24 and ws.row_dimensions[2].height == 30
    assert ws.row_dimensions[3].height == 30
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "A2:D2"} <= merged
    assert [c.value for c in ws[3]] == ["单位", "n", "d", "reply"]
    assert ws["A3"].font.b and ws["A3"].fill.fgColor.rgb.endswith("DDEBF7") and ws["A3"].alignment.horizontal == "center"
    assert ws.freeze_panes == "B4"
    assert ws.auto_filter.ref == "A3:D5"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.sheet_properties.tabColor.rgb.endswith("FF0000")
    assert ws.column_dimensions["D"].width == pytest.approx(40, abs=1)
    assert ws["D4"].fill.fgColor.rgb.endswith("FFF2CC") and ws["D5"].fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["D5"].font.b and ws["D5"].border.left.style == "thin"  # the row format on top of the column's
    assert ws["A5"].font.b and not ws["A4"].font.b
    assert ws["B4"].value == 3 and ws["B4"].data_type == "n"
    assert ws["C4"].is_date and ws["C4"].value == dt.datetime(2023, 1, 5) and ws["C4"].number_format == "yyyy-mm-dd"
    assert ws["A4"].alignment.wrap_text and ws["A4"].alignment.vertical == "top"
    assert ws["A4"].border.left.style == "thin"
    assert len(ws.conditional_formatting) == 1
    assert "第 &P 页" in ws.oddFooter.center.text


def test_plain_frame_and_empty_frame(tmp_path):
    p = write_workbook(tmp_path / "e.xlsx", {"a": pd.DataFrame({"x": [1.5, float("nan")]}), "b": pd.DataFrame()})
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["a", "b"]
    assert wb["a"]["A2"].value == 1.5 and wb["a"]["A3"].value is None
    assert wb["a"].freeze_panes == "A2" and wb["a"].auto_filter.ref == "A1:A3"
    assert wb["a"].oddFooter.center.text is None  # page footer only on landscape sheets
    assert wb["b"].max_row == 1 and wb["b"]["A1"].value is None


def test_headers_only_frame(tmp_path):
    df = pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.array([], dtype="Int64")})
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "h.xlsx", {"s": SheetSpec(df, title="空表")}))["s"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["空表", None], ["a", "b"]]
    assert ws.auto_filter.ref == "A2:B2"


# Every column kind a report frame holds, with what each cell must read back as (by hand): value, openpyxl
# data type, number format.
TZ_TIME = pd.Timestamp("2023-05-01 08:15", tz="Asia/Shanghai")
KINDS = {
    "text": (pd.Series(["平台 😀", None, "  padded  ", "a\x01b\r\nc"], dtype="str"),
             [("平台 😀", "s", "General"), (None, "n", "General"), ("  padded  ", "s", "General"),
              ("ab\nc", "s", "General")]),
    "count": (pd.array([1, None, -7, 2**40], dtype="Int64"),
              [(1, "n", "General"), (None, "n", "General"), (-7, "n", "General"), (2**40, "n", "General")]),
    "plain_int": (pd.Series([0, 5, 10, -3], dtype="int64"),
                  [(0, "n", "General"), (5, "n", "General"), (10, "n", "General"), (-3, "n", "General")]),
    "x": ([1.5, float("nan"), -0.25, 1e20],
          [(1.5, "n", "General"), (None, "n", "General"), (-0.25, "n", "General"), (1e20, "n", "General")]),
    "day": (pd.to_datetime(["2023-03-05", None, "2024-02-29", "1999-12-31"]),
            [(dt.datetime(2023, 3, 5), "d", "yyyy-mm-dd"), (None, "n", "yyyy-mm-dd"),  # a blank keeps the format
             (dt.datetime(2024, 2, 29), "d", "yyyy-mm-dd"), (dt.datetime(1999, 12, 31), "d", "yyyy-mm-dd")]),
    # one value with a time of day: the whole column shows times
    "when": (pd.to_datetime(["2023-03-05 14:30", "2023-03-06", None, "2023-03-07 00:00:45"], format="ISO8601"),
             [(dt.datetime(2023, 3, 5, 14, 30), "d", "yyyy-mm-dd hh:mm"),
              (dt.datetime(2023, 3, 6), "d", "yyyy-mm-dd hh:mm"), (None, "n", "yyyy-mm-dd hh:mm"),
              (dt.datetime(2023, 3, 7, 0, 0, 45), "d", "yyyy-mm-dd hh:mm")]),
    "aware": (pd.Series([TZ_TIME] * 4),  # wall-clock time kept, zone dropped
              [(dt.datetime(2023, 5, 1, 8, 15), "d", "yyyy-mm-dd hh:mm")] * 4),
    "flag": ([True, False, True, False], [(True, "b", "General"), (False, "b", "General")] * 2),
    "maybe": (pd.array([True, None, False, None], dtype="boolean"),
              [(True, "b", "General"), (None, "n", "General"), (False, "b", "General"), (None, "n", "General")]),
    "obj_dates": ([dt.date(2023, 1, 2), None, dt.datetime(2023, 1, 2, 9, 5), pd.Timestamp("2023-01-03")],
                  [(dt.datetime(2023, 1, 2), "d", "yyyy-mm-dd hh:mm"), (None, "n", "yyyy-mm-dd hh:mm"),
                   (dt.datetime(2023, 1, 2, 9, 5), "d", "yyyy-mm-dd hh:mm"),
                   (dt.datetime(2023, 1, 3), "d", "yyyy-mm-dd hh:mm")]),
    "mixed": ([1, "1", True, "=1+1"], [(1, "n", "General"), ("1", "s", "General"), (True, "b", "General"),
                                       ("=1+1", "s", "General")]),
    "empty_text": (pd.Series(["", "x", None, ""], dtype="str"),  # "" is an empty cell, like a missing value
                   [(None, "n", "General"), ("x", "s", "General"), (None, "n", "General"), (None, "n", "General")]),
    "reply": (pd.Series([None] * 4, dtype="str"), [(None, "n", "General")] * 4),
}


def test_every_column_kind_reads_back_as_written(tmp_path):
    df = pd.DataFrame({name: values for name, (values, _) in KINDS.items()})
    spec = SheetSpec(df, column_formats={"reply": {"bg_color": "#FFF2CC"}, "x": {"bold": True}})
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "k.xlsx", {"s": spec}))["s"]
    assert [c.value for c in ws[1]] == list(KINDS)
    for j, (name, (_, expected)) in enumerate(KINDS.items(), start=1):
        for i, (value, data_type, number_format) in enumerate(expected, start=2):
            cell = ws.cell(row=i, column=j)
            got = (cell.value, cell.data_type, cell.number_format)
            assert got == (value, data_type, number_format), (name, i, got)
            assert type(cell.value) is type(value), (name, i, cell.value)
            assert bool(cell.font.b) == (name == "x")
            assert cell.fill.fgColor.rgb.endswith("FFF2CC") == (name == "reply")  # blanks of a formatted column


def test_blank_cells_stored_only_with_a_format(tmp_path):
    """An empty cell is not written at all unless its column (or row) has a format: the sheet holds no empty
    cells beyond the table's formatted ones."""
    df = pd.DataFrame({"a": pd.Series([None, "x"], dtype="str"), "b": pd.Series([None, None], dtype="str")})
    path = write_workbook(tmp_path / "b.xlsx", {"s": SheetSpec(df, column_formats={"b": {"bg_color": "#FFF2CC"}})})
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'r="A2"' not in xml and 'r="A3"' in xml and 'r="B2"' in xml and 'r="B3"' in xml


def _widths(ws, n: int) -> list[float]:
    """The widths of the first ``n`` columns (openpyxl keys a run of equal columns by its first letter)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for k in range(dim.min, dim.max + 1):
            out[k] = dim.width
    return [out[k] for k in range(1, n + 1)]


def test_column_widths(tmp_path):
    """Fixed widths as given; fitted widths from the header and the values' 95th percentile (CJK counts two), plus
    two, at least 6 and at most ``max_width``; otherwise from the header alone (x1.1 + 2, between 8 and 40).
    openpyxl reads the width xlsxwriter stores (a little more than asked: Excel's cell padding)."""
    df = pd.DataFrame({
        "fixed": ["a"] * 40,
        "cjk": ["水利学院水利学院"] * 40,  # 16 wide
        "odd": ["x"] * 39 + ["y" * 80],  # one odd value does not widen
        "capped": ["z" * 100] * 40,
        "narrow": ["v"] * 40,
    })
    fitted = SheetSpec(df, widths={"fixed": 33}, autofit=True, max_width=45, headers={"narrow": "n"})
    plain = SheetSpec(df, headers={"cjk": "平台名称" * 5})
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", {"fitted": fitted, "plain": plain}))
    widths = {ws.title: _widths(ws, 5) for ws in wb.worksheets}
    want = {
        "fitted": [33, 16 + 2, 6, 45, 6],  # odd: header "odd" 3 + 2 = 5, raised to 6; narrow: 1 + 2 -> 6
        "plain": [8, 40, 8, 6 * 1.1 + 2, 6 * 1.1 + 2],  # header width x 1.1 + 2: "fixed" 7.5 -> 8, CJK 46 -> 40
    }
    for sheet, expected in want.items():
        for got, w in zip(widths[sheet], expected, strict=True):
            assert 0.5 <= got - w <= 0.75, (sheet, widths[sheet], expected)  # xlsxwriter adds the cell padding


def test_pandas_to_excel_is_not_changed(tmp_path):
    """Writing with netmedia.report.xlsx changes nothing for other xlsxwriter users in the process: pandas'
    ``to_excel`` still turns a string starting with ``=`` into a formula, as xlsxwriter's defaults say."""
    write_workbook(tmp_path / "ours.xlsx", {"s": pd.DataFrame({"t": ["=1+1"]})})
    pd.DataFrame({"t": ["=1+1"]}).to_excel(tmp_path / "pandas.xlsx", engine="xlsxwriter", index=False)
    assert openpyxl.load_workbook(tmp_path / "pandas.xlsx").active["A2"].data_type == "f"
    assert openpyxl.load_workbook(tmp_path / "ours.xlsx").active["A2"].data_type == "s"
