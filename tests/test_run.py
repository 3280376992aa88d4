"""`netmedia run` end to end (what `make run` does on a fresh clone): every output on disk and fit to share.

Runs the four notebooks with papermill on an empty scratch data_raw/ (so the
demo season is generated), then looks at the outputs as an analyst would.
"""

from __future__ import annotations

import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_formula_safety import unsafe_cells
from test_offline import PLOTLY_MAP_ICONS
from test_rectification import phones_in  # the plain phone scan, independent of the privacy scanner

from netmedia.config import load_config
from netmedia.report import charts, datadocs, offline, privacy
from netmedia.season import NOTEBOOKS, run_season
from netmedia.validate import derive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("season")
    raw, clean, reports = base / "data_raw", base / "data_clean", base / "reports"
    raw.mkdir()
    rc = run_season(raw, load_config(), reports=reports, clean=clean)
    assert rc == 0
    return raw, clean, reports


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_demo_season_written_and_notebooks_executed(run):
    raw, clean, reports = run
    assert (raw / "reference" / "truth.json").exists()
    for nb in NOTEBOOKS:
        assert (reports / "notebooks" / nb).stat().st_size > 10_000
    assert (clean / "rounds" / "2023" / "platforms.parquet").exists()
    assert (clean / "rounds" / "2022" / "platforms.parquet").exists()  # demo previous round for the history


def test_dashboard_holds_every_chart_and_works_offline(run):
    _, _, reports = run
    html = (reports / "dashboard.html").read_text(encoding="utf-8")
    for spec in charts.CHARTS:
        assert spec.title in html, spec.title
    assert html.count("plotly.js v") <= 2 and len(html) > 3_000_000 / 1  # the plotly.js bundle is embedded
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    # the one checker on every HTML output of the run; only plotly.js's map-icon loader (no map trace here) remains
    refs = offline.external_refs(reports)
    assert all(r.file == "dashboard.html" and r.url.startswith(PLOTLY_MAP_ICONS) for r in refs), refs


def test_every_workbook_of_the_run_is_formula_safe(run):
    """Every workbook ``make run`` writes: no formula, and formula-like text stored with the quote prefix."""
    _, clean, reports = run
    books = sorted([*reports.rglob("*.xlsx"), *clean.rglob("*.xlsx")])
    assert len(books) >= 5, books
    # the check is not vacuous: the demo's units typed remarks that begin like a formula (=暂无, +新增账号, ...)
    remarks = pd.read_parquet(clean / "platforms.parquet")["remarks"].dropna()
    assert {r[0] for r in remarks if r} >= {"=", "+", "-", "@"}, sorted(set(remarks))
    registry = openpyxl.load_workbook(reports / "网络媒体平台备案信息汇总表.xlsx")
    prefixed = [c.value for ws in registry.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")) and c.quotePrefix]
    assert prefixed, "no formula-like remark reached the registry workbook"
    assert {p.name: unsafe_cells(p) for p in books} == {p.name: [] for p in books}


def test_chart_images_decode_at_their_size(run):
    _, _, reports = run
    for spec in charts.CHARTS:
        png = reports / "charts" / f"{spec.name}.png"
        assert _png_size(png) == spec.size, spec.name
        assert png.stat().st_size > 15_000  # not a blank canvas
        root = ET.parse(reports / "charts" / f"{spec.name}.svg").getroot()
        assert root.tag.endswith("svg")


def test_data_docs_offline(run):
    _, _, reports = run
    index = reports / "data_docs" / "index.html"
    assert index.stat().st_size > 5_000
    assert len(list((reports / "data_docs").rglob("*.html"))) >= 6  # index + one page per suite run
    assert datadocs.external_asset_refs(reports / "data_docs") == []


def test_workbooks_on_disk(run):
    _, clean, reports = run
    findings = pd.read_parquet(reports / "findings.parquet")
    lists = sorted((reports / "整改清单").glob("*.xlsx"))
    assert len(lists) == findings["unit"].nunique() > 0
    platforms = pd.read_parquet(clean / "platforms.parquet")
    wb = openpyxl.load_workbook(reports / "网络媒体平台备案信息汇总表.xlsx", read_only=True)
    data_rows = sum(max(wb[s].max_row - 2, 0) for s in wb.sheetnames if s[0].isdigit())  # title + header rows
    assert data_rows == len(platforms)
    assert (reports / "师生网络媒体平台备案信息汇总表.xlsx").stat().st_size > 5_000
    assert (reports / "clean_tables.xlsx").stat().st_size > 10_000
    assert not (clean / "clean_tables.xlsx").exists()  # the report stage writes it, not the ingest
    assert not (clean / "ingest_errors.log").exists()
    assert not pd.read_parquet(clean / "rejects.parquet")["reason"].str.startswith("sheet failed").any()


def test_the_circular_and_the_annex1_forms_are_written(run):
    """`make run` writes the season's circular and one Annex 1 form per platform (a zip per unit), and PDFs
    beside them when LibreOffice is installed ([documents] pdf = true in config/institution.toml)."""
    _, clean, reports = run
    platforms = pd.read_parquet(clean / "platforms.parquet")
    assert (reports / "情况通报.docx").stat().st_size > 50_000  # the charts are in it
    forms = sorted((reports / "附件1").rglob("*.docx"))
    assert len(forms) == len(platforms)
    assert {f.parent.name for f in forms} == set(platforms["unit"].dropna())
    assert sorted(z.stem for z in (reports / "附件1").glob("*.zip")) == sorted({f.parent.name for f in forms})
    if shutil.which("soffice"):
        assert (reports / "情况通报.pdf").read_bytes()[:5] == b"%PDF-"
        assert all(f.with_suffix(".pdf").is_file() for f in forms)
    assert "附件1" not in {p.relative_to(reports).parts[0] for p in privacy.shareable_outputs(reports)}


def _shareable_files(reports: Path) -> list[Path]:
    """The outputs meant to leave the department: dashboard, charts, Data Docs, rectification lists, circular."""
    return [reports / "dashboard.html", *sorted((reports / "charts").iterdir()),
            *sorted(p for p in (reports / "data_docs").rglob("*") if p.is_file()),
            *sorted((reports / "整改清单").glob("*.xlsx")), reports / "情况通报.docx"]


def _png_text_chunks(data: bytes) -> str:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG, read by walking its chunks."""
    out, i = [], 8
    while i + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body, i = data[i + 8:i + 8 + n], i + 12 + n
        if kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            body = key + b" " + zlib.decompress(rest[1:])
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            out.append(body.decode("utf-8", errors="replace"))
    return "\n".join(out)


def _file_texts(path: Path) -> list[str]:
    """What a reader of ``path`` can see as text: cell values and the XML of a workbook, a PNG's text chunks,
    else the file decoded as UTF-8."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        cells = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                          if c.value is not None)
        with zipfile.ZipFile(path) as z:
            xml = "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
        return [cells, xml]
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return ["\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))]
    data = path.read_bytes()
    if data.startswith(b"\x89PNG"):
        return [_png_text_chunks(data)]
    return [data.decode("utf-8", errors="replace")]


def test_shareable_outputs_carry_no_phone_or_staff_id(run):
    _, clean, reports = run
    staff_ids = set(pd.read_parquet(clean / "staff.parquet")["staff_id"].dropna())
    shareable = [reports / "dashboard.html", reports / "charts", reports / "data_docs"]
    assert privacy.scan_for_personal_data(shareable, staff_ids) == []
    # the run's own gate looked for the season's phones too (malformed ones included) and found none
    staff, phone_cells = privacy.season_personal_data(clean)
    assert set(staff) == staff_ids and any(not re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}", p) for p in phone_cells)
    assert privacy.scan_shareable(reports, staff, phone_cells) == []
    hits = privacy.scan_for_personal_data(reports / "整改清单", staff_ids, suffixes=(".xlsx",))
    assert hits == []
    # Every phone of the clean tables (mobiles, landlines, malformed ones), looked for by a plain scan: none
    # may show unmasked in a shareable output; the rectification lists show them masked.
    phones = set(pd.read_parquet(clean / "platforms.parquet")["operator_phone"].dropna())
    phones |= set(pd.read_parquet(clean / "personal_accounts.parquet")["phone"].dropna())
    assert any(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones) and any("-" in p for p in phones)
    files = _shareable_files(reports)
    assert len(files) > 10
    leaks = {(f.relative_to(reports).as_posix(), p) for f in files for t in _file_texts(f) for p in phones_in(t, phones)}
    assert leaks == set()
    lists = "".join(t for f in files if f.suffix == ".xlsx" for t in _file_texts(f))
    assert re.search(r"1[3-9]\d\*{4}\d{4}", lists)  # the lists do show phones, masked


def test_chart_totals_equal_the_clean_tables(run):
    """On the season the run produced, the charts add up to the clean tables and the findings."""
    _, clean, reports = run
    from netmedia.validate import checks

    tables = checks.load_clean_tables(clean)
    findings = pd.read_parquet(reports / "findings.parquet")
    config = load_config()
    figs = charts.all_charts(tables, findings, config)
    n = len(tables["platforms"])
    assert sum(sum(t.y) for t in figs["platforms_by_category"].data) == n
    assert sum(sum(t.y) for t in figs["platforms_by_class"].data) == n
    assert sum(sum(t.x) for t in figs["platforms_by_unit"].data if t.type == "bar") == n
    heat = figs["findings_heatmap"].data[0]
    assert sum(map(sum, heat.z)) == len(findings)
    zombies = derive.is_zombie(tables["platforms"], config.zombie_cutoff).sum()
    assert zombies == (findings["rule"] == "R-zombie").sum()
