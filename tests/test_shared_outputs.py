"""Masking holds in every shareable output of a season built to carry personal data where findings are.

The season is generated, then its returns are rewritten so that every filed row carries a phone in an odd
format (landlines with brackets, spaces or ``+86``; mobiles with dashes, spaces or ``+86``) and every platform
row an operator who is not on the staff roster (R-operator fires on it: the phone reaches the rectification
lists and the findings). Some remarks carry a roster staff id and a 身份证 number. After ingest, checks and the
dashboard, :func:`scan_shareable` must find nothing, and the same scanner must find the planted values in the
department's own registry workbook (proof that it sees them when they are there).
"""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from netmedia import samples, season
from netmedia.config import load_config
from netmedia.report import dashboard, rectification
from netmedia.report.privacy import scan_for_personal_data, scan_shareable, shareable_outputs
from netmedia.report.registry import PLATFORMS_FILE
from netmedia.validate import checks

pytestmark = pytest.mark.slow

UNKNOWN_OPERATOR = "欧阳未名"  # on no roster: R-operator fires on the row
ID_NUMBER = "41010519880412301X"  # 身份证-shaped: Zhengzhou region, born 1988-04-12


FORMATS = ("landline (0371)6912-7000", "landline 0371 69127000", "landline +86 371 6912 7000",
           "mobile 138-0000-0360", "mobile 138 0000 0360", "mobile +86 13800000360")


def _planted(i: int) -> dict[str, str]:
    """Row ``i``'s phone: its format, as typed, its canonical and its masked form (both written by hand)."""
    local, mobile = f"6912{7000 + i:04d}", f"1380000{i:04d}"
    kind = FORMATS[i % len(FORMATS)]
    typed = {
        FORMATS[0]: f"(0371){local[:4]}-{local[4:]}",
        FORMATS[1]: f"0371 {local}",
        FORMATS[2]: f"+86 371 {local[:4]} {local[4:]}",
        FORMATS[3]: f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        FORMATS[4]: f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        FORMATS[5]: f"+86 {mobile}",
    }[kind]
    if kind.startswith("landline"):
        return {"kind": kind, "typed": typed, "canonical": f"0371-{local}", "masked": f"0371-****{local[4:]}"}
    return {"kind": kind, "typed": typed, "canonical": mobile, "masked": f"138****{mobile[7:]}"}


def _header(ws) -> tuple[int, dict[str, int]] | None:
    for row in ws.iter_rows(min_row=1, max_row=10):
        names = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if "联系电话" in names:
            return row[0].row, names
    return None


def _odd_cells(i: int, staff_id: str) -> dict[str, str]:
    """Personal data where units put it besides the phone column: in the operator and supervisor cells (a
    name with a staff id or a phone after it) and as an account id (a WeChat id that is the holder's mobile,
    filed twice, so the duplicate check quotes it; a 身份证 number)."""
    return [
        {"运营管理负责人": f"{UNKNOWN_OPERATOR}（工号{staff_id}）"},
        {"运营管理负责人": f"{UNKNOWN_OPERATOR} 139 1234 {5000 + i}"},
        {"主管领导": f"王某 0371-6912{i:04d}"},
        {"账号ID": "13911112222"},
        {"账号ID": f"41010519880412{i % 1000:03d}X"},
    ][i % 5]


def _rewrite_returns(raw: Path, staff_id: str, *, odd: bool = False) -> list[dict[str, str]]:
    """Rewrite every return's data rows in place; returns each planted phone (:func:`_planted`). ``odd``:
    every row also gets one of :func:`_odd_cells`."""
    planted: list[dict[str, str]] = []
    for path in sorted(raw.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            found = _header(ws)
            if found is None:
                continue
            header_row, cols = found
            for r in range(header_row + 1, ws.max_row + 1):
                if ws.cell(r, 1).value is None:
                    continue
                phone = _planted(len(planted))
                ws.cell(r, cols["联系电话"]).value = phone["typed"]
                planted.append(phone)
                if "运营管理负责人" in cols:
                    ws.cell(r, cols["运营管理负责人"]).value = UNKNOWN_OPERATOR
                if len(planted) % 3 == 0:
                    ws.cell(r, cols["备注"]).value = f"经办人工号{staff_id}，身份证{ID_NUMBER}"
                for header, value in (_odd_cells(len(planted), staff_id) if odd else {}).items():
                    if header in cols:
                        ws.cell(r, cols[header]).value = value
        wb.save(path)
    return planted


def _build(root: Path, *, odd: bool = False, images: bool = True) -> dict:
    config = load_config()
    samples.generate(root / "raw", n_units=12, seed=5, violations=True, messy=False, config=config)
    staff = pd.read_excel(root / "raw" / "reference" / "staff.xlsx", dtype=str)
    staff_id = staff["工号"].dropna().iloc[0]
    planted = _rewrite_returns(root / "raw", staff_id, odd=odd)
    season.ingest(root / "raw", root / "clean", config, workers=1, progress=False)
    reports = root / "reports"
    report = season.check_season(root / "clean", reports, config)
    tables = checks.load_clean_tables(root / "clean")
    dashboard.build_dashboard(tables, report.findings, config, reports, images=images)
    return {"reports": reports, "planted": planted, "staff_ids": set(tables["staff"]["staff_id"].dropna()),
            "staff_id": staff_id, "findings": report.findings, "tables": tables}


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("carried"))


def _on_finding_rows(carried) -> list[dict[str, str]]:
    """The planted phones of the platform rows that have a finding (joined on the row's source)."""
    key = ["source_file", "source_sheet", "source_row"]
    rows = carried["findings"].query("table == 'platforms'")[key].drop_duplicates()
    platforms = carried["tables"]["platforms"].astype({"source_row": "Int64"})
    phones = set(platforms.merge(rows.astype({"source_row": "Int64"}), on=key)["operator_phone"])
    return [p for p in carried["planted"] if p["canonical"] in phones]


def test_the_season_carries_planted_values_into_findings(carried):
    """The planted phones stand on rows that have findings, in every format (else the scan proves little)."""
    on_findings = _on_finding_rows(carried)
    assert {p["kind"] for p in on_findings} == set(FORMATS)
    # the masked forms reach the rectification lists: the rows were there to leak
    lists = sorted((carried["reports"] / rectification.SUBDIR).glob("*.xlsx"))
    text = "\n".join(str(c) for p in lists for ws in openpyxl.load_workbook(p).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert [p["masked"] for p in on_findings if p["masked"] not in text] == []


def test_shareable_outputs_are_the_ones_that_leave(carried):
    reports = carried["reports"]
    names = {p.relative_to(reports).as_posix() for p in shareable_outputs(reports)}
    assert "dashboard.html" in names and "data_docs/index.html" in names
    assert any(n.startswith("charts/") and n.endswith(".png") for n in names)
    assert any(n.startswith("charts/") and n.endswith(".svg") for n in names)
    assert any(n.startswith(rectification.SUBDIR + "/") and n.endswith(".xlsx") for n in names)
    assert not {PLATFORMS_FILE, "师生网络媒体平台备案信息汇总表.xlsx", "findings.xlsx", "clean_tables.xlsx"} & names


def test_no_personal_data_in_shareable_outputs(carried):
    started = time.perf_counter()
    hits = scan_shareable(carried["reports"], carried["staff_ids"])
    seconds = time.perf_counter() - started
    assert hits == []
    assert seconds < 20, f"scan took {seconds:.1f}s"  # the dashboard inlines plotly.min.js (~4 MB)


def test_the_scanner_sees_the_planted_values_in_the_registry(carried):
    """The department's registry keeps phones, staff ids and remarks in full: the scanner finds them there."""
    registry = carried["reports"] / PLATFORMS_FILE
    hits = {hit for _, hit in scan_for_personal_data([registry], carried["staff_ids"])}
    expected = {p["canonical"] for p in _on_finding_rows(carried)}
    assert len(expected) > 20 and expected <= hits
    assert carried["staff_id"] in hits and ID_NUMBER in hits


def test_no_personal_data_in_shareable_outputs_from_odd_cells(tmp_path):
    built = _build(tmp_path, odd=True, images=False)
    assert scan_shareable(built["reports"], built["staff_ids"]) == []
