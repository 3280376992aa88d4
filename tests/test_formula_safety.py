"""Formula-safe text in every workbook (issue 16, item 3).

Text that Excel would turn into a formula when a user edits its cell (F2, Enter) is stored as text AND carries the
quote prefix in its cell style (``quotePrefix="1"``). Checked on hand-written values, then on every workbook a
season run writes (the clean tables, findings, registry, rectification lists), with a hostile platform name on a
row that gets a finding.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from netmedia import samples, season
from netmedia.config import load_config
from netmedia.report.xlsx import SheetSpec, write_workbook

HOSTILE_NAME = "=cmd|' /C calc'!A0"
# (value written, text stored, quote prefix expected): written by hand, not derived from the writer's rule
CASES = [
    (HOSTILE_NAME, HOSTILE_NAME, True),
    ("+1", "+1", True),
    ("-2", "-2", True),
    ("@SUM(A1)", "@SUM(A1)", True),
    ("\tx", "\tx", True),
    ("\rx", "\nx", True),  # CR is stored as LF; the cell still gets the prefix
    ("=1+1", "=1+1", True),
    ("-", "-", True),
    ("平台名称", "平台名称", False),
    ("a=b", "a=b", False),
    ("x-1", "x-1", False),
    (" =1", " =1", False),  # Excel reads a leading space as text
    ("13800000360", "13800000360", False),
    ("邮箱 a@b.c", "邮箱 a@b.c", False),
    ("", None, False),
]
# Leading characters that make an edited cell a formula (or hide one): from the issue, not from netmedia.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def unsafe_cells(path: Path) -> list[tuple[str, str, object]]:
    """(sheet, cell, value) of every formula and every formula-like text cell without the quote prefix."""
    wb = openpyxl.load_workbook(path)
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (c.data_type == "s" and isinstance(c.value, str)
                                          and c.value.startswith(TRIGGERS) and not c.quotePrefix):
                    bad.append((ws.title, c.coordinate, c.value))
    return bad


def test_formula_like_text_gets_the_quote_prefix(tmp_path):
    values = [v for v, _, _ in CASES]
    df = pd.DataFrame({"text": pd.Series(values, dtype="str"), "n": [-1, 2, 0, 3.5, -0.5] * 3})
    df["obj"] = pd.Series(values, dtype=object)
    path = write_workbook(tmp_path / "q.xlsx", {
        "plain": df,
        # formatted columns, a row with its own format, a title and notes: the prefix joins each format
        "fmt": SheetSpec(df, title="=标题", notes=["-说明", "说明"], headers={"text": "@名称", "n": "数量"},
                         column_formats={"text": {"bold": True}}, row_formats={0: {"italic": True}}, wrap=True,
                         borders=True),
    })
    wb = openpyxl.load_workbook(path)
    for name, first in (("plain", 2), ("fmt", 5)):
        ws = wb[name]
        for i, (_, stored, prefixed) in enumerate(CASES):
            for col in ("A", "C"):
                c = ws[f"{col}{first + i}"]
                assert c.value == stored, (name, c.coordinate)
                assert c.data_type != "f"
                if stored is not None:
                    assert c.data_type == "s"
                    assert bool(c.quotePrefix) is prefixed, (name, c.coordinate, stored)
            n = ws[f"B{first + i}"]  # numbers, negative ones included, are numbers without the prefix
            assert isinstance(n.value, int | float) and not n.quotePrefix
    ws = wb["fmt"]
    assert ws["A1"].value == "=标题" and ws["A1"].quotePrefix and ws["A1"].font.b  # title keeps its format
    assert ws["A2"].quotePrefix and not ws["A3"].quotePrefix  # notes
    assert ws["A4"].value == "@名称" and ws["A4"].quotePrefix and not ws["B4"].quotePrefix  # header row
    assert ws["A5"].font.b and ws["A5"].font.i and ws["A5"].border.left.style == "thin"  # the formats are kept
    assert unsafe_cells(path) == []
    with zipfile.ZipFile(path) as z:  # in the file: quotePrefix="1" on a cell style, no formula anywhere
        assert 'quotePrefix="1"' in z.read("xl/styles.xml").decode()
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_checker_catches_a_missing_prefix(tmp_path):
    """The season check below is only as good as ``unsafe_cells``: a workbook without the prefix fails it."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["A2"] = "=SUM(1)"  # a formula
    wb.active["A3"] = "+1"  # text, no prefix
    wb.active["A4"] = -1
    wb.save(tmp_path / "bad.xlsx")
    assert [c for _, c, _ in unsafe_cells(tmp_path / "bad.xlsx")] == ["A2", "A3"]


def _put_hostile_name(raw: Path, findings: pd.DataFrame) -> None:
    """Write HOSTILE_NAME into the platform-name cell of a return row that got a finding not about the name."""
    hit = findings[findings["rule"].isin(["R-closed", "R-zombie", "R-phone", "R-operator", "R-leader"])
                   & findings["platform_name"].notna() & findings["source_file"].str.endswith(".xlsx")
                   & ~findings["source_file"].str.contains("!")]
    for _, f in hit.iterrows():
        wb = openpyxl.load_workbook(raw / f["source_file"])
        for c in wb[f["source_sheet"]][int(f["source_row"])]:
            if c.value == f["platform_name"]:
                c.value = HOSTILE_NAME
                c.data_type = "s"  # openpyxl would store it as a formula; a unit's return holds it as text
                wb.save(raw / f["source_file"])
                return
    raise AssertionError("no return row with a finding found to carry the hostile name")


@pytest.fixture(scope="module")
def season_outputs(tmp_path_factory):
    base = tmp_path_factory.mktemp("formula_season")
    raw, clean, reports = base / "data_raw", base / "data_clean", base / "reports"
    config = load_config()
    samples.generate(raw, n_units=12, seed=3, config=config)
    season.ingest(raw, clean, config)
    _put_hostile_name(raw, season.check_season(clean, reports, config, data_docs=False).findings)
    season.ingest(raw, clean, config)
    report = season.check_season(clean, reports, config, data_docs=False)
    return clean, reports, report


def test_every_season_workbook_is_formula_safe(season_outputs):
    clean, reports, report = season_outputs
    assert (pd.read_parquet(clean / "platforms.parquet")["platform_name"] == HOSTILE_NAME).sum() == 1
    assert (report.findings["platform_name"] == HOSTILE_NAME).any()  # its row got a finding
    books = sorted({*reports.rglob("*.xlsx"), *clean.rglob("*.xlsx")})
    names = {p.name for p in books}
    assert {"findings.xlsx", "clean_tables.xlsx", "网络媒体平台备案信息汇总表.xlsx"} <= names
    assert list((reports / "整改清单").glob("*.xlsx"))
    carrying = []
    for book in books:
        assert unsafe_cells(book) == [], book
        wb = openpyxl.load_workbook(book)
        if any(c.value == HOSTILE_NAME and c.quotePrefix for ws in wb.worksheets for r in ws.iter_rows() for c in r):
            carrying.append(book.relative_to(reports.parent).as_posix())
    # the hostile name reached the findings, the clean tables' workbook, the registry and its unit's rectification list
    assert "reports/findings.xlsx" in carrying, carrying
    assert any(b.endswith("clean_tables.xlsx") for b in carrying), carrying
    assert any(b.endswith("网络媒体平台备案信息汇总表.xlsx") for b in carrying), carrying
    assert any("整改清单" in b for b in carrying), carrying
