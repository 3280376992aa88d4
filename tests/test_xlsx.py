"""netmedia.report.xlsx: formula safety, text fidelity and the presentation options the reports rely on."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest

from netmedia.report.xlsx import EXCEL_MAX_CHARS, SheetSpec, clean_text, sheet_name, write_workbook

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


def _mixed_frame() -> pd.DataFrame:
    """Every column kind the block path converts by dtype, plus an object column it converts cell by cell."""
    text = [
        '=HYPERLINK("http://x","y")',
        None,
        "平台 😀",
        "a\x01b\r\nc",
        "",
        "  padded  ",
        "_x000D_",
        "平台 😀",
        "+1",
        "0012345",
    ]
    n = len(text)
    return pd.DataFrame(
        {
            "text": pd.Series(text, dtype="str"),
            "count": pd.array([1, None, 3, 0, -7, 2**40, None, 5, 6, 7], dtype="Int64"),
            "when": pd.to_datetime(
                [
                    "2023-03-05",
                    None,
                    "2023-03-05 14:30",
                    "2023-03-05 00:00:45",  # seconds only: still a date
                    "1900-01-01 06:00",
                    "1900-02-28 12:00",
                    "1900-03-01",
                    "2024-02-29 23:59:59.5",
                    "1999-12-31",
                    None,
                ],
                format="ISO8601",
            ),
            "aware": pd.Series(pd.to_datetime(["2023-05-01 08:15"] * n)).dt.tz_localize("Asia/Shanghai"),
            "flag": [True, False] * (n // 2),
            "maybe": pd.array([True, None] * (n // 2), dtype="boolean"),
            "x": [1.5, float("nan"), -0.25, 1e-300, 123456789.123, 0.1, 2.0, float("nan"), 1e20, 3.0],
            "mixed": [1, "1", 1.0, True, dt.date(2023, 1, 2), dt.datetime(2023, 1, 2, 9, 5), None, "=1+1", 2, 2.5],
            "reply": pd.Series([None] * n, dtype="str"),
        }
    )


def _cells(path):
    """Every data cell of the first sheet as (value, data type, number format, bold, fill colour)."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [
        [(c.value, c.data_type, c.number_format, bool(c.font.b), c.fill.fgColor.rgb) for c in row]
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=ws.max_column)
    ]


def _expected(v: object) -> tuple[object, str, str]:
    """What a frame value should read back as: value, openpyxl data type, number format."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None, "n", "General"
    if isinstance(v, str):
        return clean_text(v), "s", "General"
    if isinstance(v, dt.datetime):
        v = v.replace(tzinfo=None)
        return v, "d", "yyyy-mm-dd hh:mm" if (v.hour or v.minute) else "yyyy-mm-dd"
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day), "d", "yyyy-mm-dd"
    if isinstance(v, bool):
        return v, "b", "General"
    return v, "n", "General"


def test_block_path_writes_every_cell_as_the_cell_by_cell_path(tmp_path, monkeypatch):
    """The fast block path must write what the frame says, and the same cells (values, types, formats, styles)
    as xlsxwriter's cell-by-cell path, which is the reference."""
    import netmedia.report.xlsx as xlsx

    df = _mixed_frame()
    spec = SheetSpec(df, column_formats={"reply": {"bg_color": "#FFF2CC"}, "x": {"bold": True}})
    built = []
    real_block = xlsx._block
    monkeypatch.setattr(xlsx, "_block", lambda *a: built.append(real_block(*a)) or built[-1])
    fast = _cells(write_workbook(tmp_path / "fast.xlsx", {"s": spec}))
    assert built and built[0] is not None  # the block path really was taken
    monkeypatch.setattr(xlsx, "_block", lambda *a: None)
    slow = _cells(write_workbook(tmp_path / "slow.xlsx", {"s": spec}))
    assert len(fast) == len(slow) == len(df)
    for i, (frow, srow) in enumerate(zip(fast, slow, strict=True)):
        for j, (f, s) in enumerate(zip(frow, srow, strict=True)):
            assert f == s, (i, df.columns[j], f, s)
            v = df.iat[i, j]
            v = v.to_pydatetime() if isinstance(v, pd.Timestamp) else v.item() if hasattr(v, "item") else v
            value, data_type, number_format = _expected(v)
            got = f[0]
            if isinstance(value, dt.datetime) and value.year == 1900 and value.month < 3:
                pass  # openpyxl reads Excel's serials before 1900-03-01 its own way; equality with slow is the check
            elif isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-15), (i, df.columns[j])
            else:
                assert got == value and type(got) is type(value), (i, df.columns[j], got, value)
            assert (f[1], f[2]) == (data_type, number_format), (i, df.columns[j], f)
            assert f[3] == (df.columns[j] == "x")
            assert f[4].endswith("FFF2CC") == (df.columns[j] == "reply")  # blanks of a formatted column are styled


def test_shared_strings_unique_and_all_used(tmp_path):
    """Strings registered column by column: no duplicate entries, the counts right, every index used exists."""
    import re as _re
    from xml.etree import ElementTree as ET

    df = _mixed_frame()
    df["copy"] = df["text"]  # the same strings again in another column
    p = write_workbook(tmp_path / "s.xlsx", {"a": df, "b": df[["copy", "mixed"]]})
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(p) as z:
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        sheets = [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/worksheets/sheet")]
    texts = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in sst.findall("m:si", ns)]
    assert len(texts) == len(set(texts)) == int(sst.get("uniqueCount"))
    used = [int(m) for xml in sheets for m in _re.findall(r'<c r="[A-Z]+\d+"[^>]* t="s"><v>(\d+)</v>', xml)]
    assert int(sst.get("count")) == len(used)
    assert set(used) == set(range(len(texts)))


def test_zip_level_only_for_netmedia_workbooks(tmp_path):
    """Other xlsxwriter users keep zipfile's default level; write_workbook's files are valid zips."""
    import xlsxwriter.workbook

    with xlsxwriter.workbook.ZipFile(tmp_path / "z.zip", "w") as z:
        assert z.compresslevel is None
    p = write_workbook(tmp_path / "w.xlsx", {"a": _mixed_frame()})
    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None


@pytest.mark.parametrize("texts", [
    ["平台名称", "a & b < c > d", "账号\n换行", "emoji 😀", "引号\"'"],  # the one-join path
    ["平台名称", " leading", "trailing ", "_x0041_ look-alike", "tab\tinside"],  # per string
])
def test_shared_strings_xml_is_xlsxwriters(tmp_path, monkeypatch, texts):
    """sharedStrings.xml is byte for byte what xlsxwriter's own writer makes for the same strings, whether the
    one-join path or xlsxwriter's per-string path writes it."""
    import re as _re
    import zipfile

    import netmedia.report.xlsx as nx

    df = pd.DataFrame({"t": texts})
    fast = nx.write_workbook(tmp_path / "fast.xlsx", {"s": df})
    monkeypatch.setattr(nx, "_SST_SPECIAL", _re.compile(r"(?s).|^$"))  # every string takes xlsxwriter's path
    stock = nx.write_workbook(tmp_path / "stock.xlsx", {"s": df})

    def sst(p):
        with zipfile.ZipFile(p) as z:
            return z.read("xl/sharedStrings.xml")

    assert sst(fast) == sst(stock)
    assert [c.value for c in openpyxl.load_workbook(fast)["s"]["A"][1:]] == texts


def test_text_that_looks_like_rich_text_xml_stays_text(tmp_path):
    """xlsxwriter writes a string starting with <r> and ending with </r> as raw XML into sharedStrings.xml; an
    account name typed like that must come back as the text the unit typed."""
    texts = ["<r>rich-looking</r>", "<r><t>x</t></r>", "<r>&</r>"]
    path = write_workbook(tmp_path / "r.xlsx", {"s": pd.DataFrame({"t": texts})})
    assert [c.value for c in openpyxl.load_workbook(path)["s"]["A"][1:]] == texts


def _rows_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "name": pd.array([f"平台{i % 7}" if i % 5 else None for i in range(n)], dtype="str"),
        "count": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
        "gap": pd.array([None] * n, dtype="str"),  # a column that stores nothing
        "day": pd.to_datetime([f"2023-03-{1 + i % 28:02d}" if i % 4 else None for i in range(n)]).astype(
            "datetime64[us]"),
    })


def _member(path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def test_rows_rendered_ahead_in_slices_or_at_the_end_are_the_same_xml(tmp_path, monkeypatch):
    """A sheet's rows come out as the same XML whether rendered ahead in the thread, at write time, or in slices
    of a few rows (row spans and empty rows included), and read back as the frame."""
    import netmedia.report.xlsx as nx

    n = 101  # not a multiple of the slice: the last slice is short
    df = _rows_frame(n)
    df.loc[40:60, ["name", "count", "day"]] = None  # rows storing nothing (the formatted column aside)
    spec = SheetSpec(df, column_formats={"count": {"bg_color": "#FFF2CC"}})
    taken: list[bool] = []
    start = nx._BlockWorksheet.start_rendering

    def recording(self):
        start(self)
        taken.append(self.block.rendering is not None)

    monkeypatch.setattr(nx._BlockWorksheet, "start_rendering", recording)
    ahead = write_workbook(tmp_path / "ahead.xlsx", {"s": spec})
    monkeypatch.setattr(nx, "PRERENDER_ROWS", 0)
    at_end = write_workbook(tmp_path / "end.xlsx", {"s": spec})
    monkeypatch.setattr(nx, "RENDER_SLICE", 7)
    sliced = write_workbook(tmp_path / "sliced.xlsx", {"s": spec})
    assert taken == [True, False, False]
    for name in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
        assert _member(ahead, name) == _member(at_end, name) == _member(sliced, name)
    back = pd.read_excel(ahead, engine="calamine")
    assert back.iloc[:, 0].fillna("").tolist() == df["name"].fillna("").tolist()
    assert back.iloc[:, 1].fillna(-1).tolist() == df["count"].fillna(-1).tolist()


@pytest.mark.parametrize("above", [{}, {"title": "标题", "notes": ["说明一", "说明二"]}])
def test_block_sheet_row_spans_and_dimension_are_xlsxwriters(tmp_path, monkeypatch, above):
    """Row spans and the sheet's dimension are what xlsxwriter computes cell by cell: for the rows above the
    data (header, and title and notes: xlsxwriter's own loop, which only visits the rows it stores) merged with
    the block's, for the data, rows storing nothing and a short last group of 16 included."""
    import re as _re

    import netmedia.report.xlsx as nx

    first = 1 + 3 * bool(above)  # sheet row (0-based) of the first data row
    df = _rows_frame(100)
    df.loc[: 15 - first, ["name", "count"]] = None  # the header's group: data spans 4:4, the header's 1:4
    df.loc[20:40, ["name", "count", "day"]] = None  # whole row groups storing nothing
    df.loc[80 - first : 95 - first, ["name", "count"]] = None  # rows 80-95, a group storing its last column only
    spec = SheetSpec(df, **above)
    fast = write_workbook(tmp_path / "fast.xlsx", {"s": spec})
    monkeypatch.setattr(nx, "_block", lambda *a: None)
    slow = write_workbook(tmp_path / "slow.xlsx", {"s": spec})

    def layout(path):
        xml = _member(path, "xl/worksheets/sheet1.xml").decode()
        return _re.findall(r'<dimension ref="[^"]+"/>', xml), _re.findall(r'<row r="\d+"[^>]*>', xml)

    dims, rows = layout(fast)
    assert (dims, rows) == layout(slow)
    assert len(rows) == first + int(df.notna().any(axis=1).sum())
    spans = [_re.search(r'spans="([^"]+)"', r)[1] for r in rows]
    assert spans[0] == "1:4" and spans[-1] == "1:4" and "4:4" in spans


def test_rows_with_their_own_tags_write_the_same_cells(tmp_path, monkeypatch):
    """A sheet whose rows need xlsxwriter's own row tags (here: an Excel 2010 data bar) writes, row by row, the
    cells the plain path writes, and the cells of the cell-by-cell reference."""
    import netmedia.report.xlsx as nx

    df = _rows_frame(23)
    bars = SheetSpec(df, conditional_formats=[("count", {"type": "data_bar", "data_bar_2010": True})])
    monkeypatch.setattr(nx, "RENDER_SLICE", 5)
    tagged = write_workbook(tmp_path / "tagged.xlsx", {"s": bars})
    plain = write_workbook(tmp_path / "plain.xlsx", {"s": SheetSpec(df)})
    monkeypatch.setattr(nx, "_block", lambda *a: None)
    reference = write_workbook(tmp_path / "ref.xlsx", {"s": bars})
    assert b"x14:" in _member(tagged, "xl/worksheets/sheet1.xml")  # the 2010 extension really is there

    def cells(path):
        return [[c.value for c in row] for row in openpyxl.load_workbook(path).worksheets[0].iter_rows()]

    assert cells(tagged) == cells(plain) == cells(reference)


def test_members_deflated_by_isal_are_the_same_file_content(tmp_path, monkeypatch):
    """Every member of our workbooks is deflated by ISA-L and inflates (CRC checked) to the bytes zipfile's own
    path writes; openpyxl and calamine read the file."""
    import zipfile

    import netmedia.report.xlsx as nx

    df = pd.DataFrame({"t": pd.array([f"平台{i}" for i in range(3000)], dtype="str"), "n": range(3000)})
    calls = []
    real = nx.isal_zlib.compressobj
    monkeypatch.setattr(nx.isal_zlib, "compressobj", lambda *a: calls.append(a) or real(*a))
    ours = write_workbook(tmp_path / "ours.xlsx", {"s": df})
    monkeypatch.setattr(nx._LevelledZipFile, "write", zipfile.ZipFile.write)
    stock = write_workbook(tmp_path / "stock.xlsx", {"s": df})
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(stock) as b:
        assert a.testzip() is None
        assert len(calls) == len(a.namelist()) and all(c[0] == nx.ISAL_LEVEL for c in calls)
        assert {i.compress_type for i in a.infolist()} == {zipfile.ZIP_DEFLATED}
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
        assert a.getinfo("xl/worksheets/sheet1.xml").file_size > 100_000
    assert pd.read_excel(ours, engine="calamine")["t"].tolist() == df["t"].tolist()
    assert pd.read_excel(ours, engine="openpyxl")["n"].tolist() == list(range(3000))
