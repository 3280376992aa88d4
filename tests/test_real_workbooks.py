"""Acceptance of netmedia.extract.tables on real workbooks found in public repositories (see SOURCES.md there).

The files are local fixtures outside the repository (no licence to redistribute most of them):
``<repo>/../shared/real-workbooks`` or the directory named by ``NETMEDIA_REAL_WORKBOOKS``. Without them
every test here is skipped with a message saying where they were looked for.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import python_calamine as pc

from netmedia import paths
from netmedia.extract.tables import SheetTable, read_tables
from netmedia.schema import norm_header

REAL = Path(os.environ.get("NETMEDIA_REAL_WORKBOOKS") or Path(paths.ROOT).parent / "shared" / "real-workbooks")

pytestmark = [
    pytest.mark.realworkbooks,
    pytest.mark.skipif(not REAL.is_dir(), reason=f"real workbooks not found at {REAL} (set NETMEDIA_REAL_WORKBOOKS)"),
]


def _file(prefix: str) -> Path:
    hits = sorted(REAL.glob(f"{prefix}-*"))
    if not hits:
        pytest.skip(f"{prefix}-* not in {REAL}")
    return hits[0]


def _nonempty_rows(path: Path) -> dict[str, list[int]]:
    """Independent count: 1-based rows with at least one cell that is not blank/whitespace, per sheet."""
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = [
            i + 1
            for i, row in enumerate(rows)
            if any(not (isinstance(v, str) and not v.replace("_x000D_", "").strip()) for v in row)
        ]
    return out


def _check_accounting(path: Path, tables: list[SheetTable]) -> None:
    expected = _nonempty_rows(path)
    assert [t.source_sheet for t in tables] == list(expected)
    for t in tables:
        assert t.rows["source_row"].tolist() == expected[t.source_sheet], t.source_sheet
        assert set(t.rows["kind"]) <= {
            "title",
            "header",
            "section",
            "instruction",
            "footer",
            "example",
            "data",
            "unrecognised",
        }
        assert len(t.data) == int((t.rows["kind"] == "data").sum())
        assert t.data["source_row"].tolist() == t.rows.loc[t.rows["kind"] == "data", "source_row"].tolist()


ALL = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]


@pytest.mark.parametrize("prefix", ALL)
def test_every_nonempty_row_is_accounted_for(prefix: str) -> None:
    path = _file(prefix)
    _check_accounting(path, read_tables(path))


@pytest.mark.parametrize(("prefix", "n_data"), [("01", 2631), ("02", 2919)])
def test_moe_lists_sections_and_counts(prefix: str, n_data: int) -> None:
    (t,) = read_tables(_file(prefix))
    assert t.header_row == 3 and t.header_rows == (3,)
    assert t.header == ["序号", "学校名称", "学校标识码", "主管部门", "所在地", "办学层次", "备注"]
    kinds = t.rows["kind"].value_counts().to_dict()
    assert kinds == {"title": 2, "header": 1, "section": 31, "data": n_data}
    assert t.rows["source_row"].iloc[:3].tolist() == [1, 2, 3]
    sections = t.rows.loc[t.rows["kind"] == "section"]
    assert sections["section"].tolist() == sections["text"].tolist()  # a section row carries its own label
    assert sections["text"].iloc[0] == "北京市（92所）"
    # Every data row lies under a province and each label's count is the number of schools beneath it.
    assert t.data["section"].notna().all()
    counts = t.data.groupby("section").size()
    assert len(counts) == 31
    for label, n in counts.items():
        assert n == int(re.search(r"（(\d+)所）", label).group(1)), label
    # 学校标识码: digits kept whole, whether the cell was numeric or text.
    codes = t.data[2]
    assert codes.map(lambda v: isinstance(v, int | str) and str(v).isdigit() and len(str(v)) == 10).all()
    assert t.data[0].iloc[0] == 1 and type(t.data[0].iloc[0]) is int


def test_03_blank_template_header_with_newlines() -> None:
    (t,) = read_tables(_file("03"))
    assert t.header_row == 3
    assert t.header[0] == "推荐排序" and t.header[4] == "项目负责人"
    assert norm_header(t.header[0]) == "推荐排序"
    assert t.rows["kind"].tolist() == ["title", "title", "header"]
    assert t.data.empty


def test_04_instruction_then_starred_header() -> None:
    (t,) = read_tables(_file("04"))
    assert t.header_row == 2
    assert t.rows["kind"].tolist() == ["instruction", "header", "data"]
    assert t.header[0] == "材质*" and norm_header(t.header[0]) == "材质"
    assert len(t.data) == 1 and t.data["source_row"].tolist() == [3]


def test_05_codes_stay_text() -> None:
    (t,) = read_tables(_file("05"))
    assert t.header_row == 2
    assert t.rows["kind"].tolist() == ["title", "header", "data"]
    row = t.data.iloc[0]
    assert row[1] == "01502200" and row[12] == "00005"
    assert "备案用商品名称" in t.header  # "备案用商品名\n称"


def test_06_vertical_merges_filled_within_range_only() -> None:
    path = _file("06")
    (t,) = read_tables(path)
    assert t.header_row == 1 and t.header[0] == "序号"
    assert len(t.data) == 56
    merges = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).merged_cell_ranges
    vertical = [m for m in merges if m[1][0] > m[0][0]]
    assert vertical
    by_row = t.data.set_index("source_row")
    for (r0, c0), (r1, c1) in vertical:
        top = by_row.loc[r0 + 1, c0]
        for r in range(r0 + 1, r1 + 2):
            for c in range(c0, c1 + 1):
                assert by_row.loc[r, c] == top, (r, c)
    # Cells outside every merge are not filled: column 9 (异常情况) stays blank where the sheet is blank.
    first_block = by_row.loc[2:9]
    assert first_block[4].tolist() == [f"{i}号" for i in range(1, 9)]
    assert all("\xa0" not in v for v in by_row[8].dropna() if isinstance(v, str))


def test_07_x000d_escape_removed() -> None:
    (t,) = read_tables(_file("07"))
    assert t.rows["text"].tolist() == ["SHZ002"]
    assert t.header_row is None and t.message.startswith("no header row found")


def test_08_three_sheets_hidden_and_merges() -> None:
    tables = read_tables(_file("08"))
    assert [t.source_sheet for t in tables] == ["导入标准表", "门店类型区域预设", "汇总表"]
    assert [t.hidden for t in tables] == [False, True, False]
    assert all(t.header_row == 1 for t in tables)
    summary = tables[2]
    assert summary.header[:4] == ["门店区域", "门店类型", "门店", "百货类别"]
    # A2:A21, B2:B21, C2:C21 are merged: every data row carries the block's values.
    assert (summary.data[0] == "主城").all() and (summary.data[2] == "重百大楼").all()


def test_09_and_10_empty_sheets() -> None:
    for prefix, header0 in (("09", "date"), ("10", "第一列")):
        tables = read_tables(_file(prefix))
        assert len(tables) == 3
        assert tables[0].header_row == 1 and tables[0].header[0] == header0
        for t in tables[1:]:
            assert t.rows.empty and t.data.empty and t.header_row is None and t.n_rows == 0
    (sheet1, *_rest) = read_tables(_file("09"))
    assert isinstance(sheet1.data[0].iloc[0], dt.datetime)
