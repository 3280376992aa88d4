"""Every data sheet of the workbooks people print (pre-filled templates, rectification lists, registries) prints on
A4 landscape, one page wide and as many tall as needed, its header row on every page, narrow margins, the page
number in the footer. Read back with openpyxl from a small generated season; the header row of each sheet is
written here by hand (and its first label, so a repeated row that is not the header fails)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from netmedia import samples, season
from netmedia.config import load_config

CLASS_SHEETS = ["1-学校域名网站", "2-校外域名网站", "3-新媒体平台", "4-论坛平台", "5-移动客户端", "6-视频平台",
                "7-网络直播平台"]
# sheet -> (1-based header row, its first label); every visible sheet of the workbook but those in NOT_DATA
TEMPLATE = {"附件2 网络媒体平台": (2, "单位名称"), "附件3 个人网络媒体平台": (2, "所在单位"), "附件4 互联网群组": (2, "所在单位")}
RECTIFICATION = {"整改清单": (4, "序号"), "问题汇总": (2, "问题类型")}
REGISTRY = {"汇总": (3, "单位名称"), **{s: (2, "序号") for s in CLASS_SHEETS}}
NOT_DATA = {"填表说明"}  # the template's instructions: one wide text column, printed as Excel likes
A4 = 9


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, list[Path]]:
    base = tmp_path_factory.mktemp("print")
    config = load_config()
    samples.generate(base / "raw", n_units=6, seed=11, config=config)
    season.ingest(base / "raw", base / "clean", config)
    season.check_season(base / "clean", base / "reports", config, data_docs=False)
    season.templates_step(base / "clean", base / "templates", config)
    reports = base / "reports"
    return {
        "template": sorted((base / "templates").glob("*.xlsx")),
        "rectification": sorted((reports / "整改清单").glob("*.xlsx")),
        "registry": [reports / "网络媒体平台备案信息汇总表.xlsx", reports / "师生网络媒体平台备案信息汇总表.xlsx"],
    }


def _check_sheet(ws, header_row: int, first_label: str) -> None:
    where = ws.title
    ps = ws.page_setup
    assert ps.orientation == "landscape", where
    assert int(ps.paperSize) == A4, where
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, where
    # ECMA-376: an absent fitToWidth is 1 (xlsxwriter writes the attribute only when it is not)
    assert (1 if ps.fitToWidth is None else int(ps.fitToWidth)) == 1, where
    assert int(ps.fitToHeight) == 0, where  # as many pages tall as needed
    assert ws.print_title_rows == f"${header_row}:${header_row}", where
    assert ws.cell(header_row, 1).value == first_label, where
    m = ws.page_margins
    assert (m.left, m.right) == (0.25, 0.25) and m.top <= 0.75 and m.bottom <= 0.75, where
    footer = ws.oddFooter.center.text or ""
    assert "&P" in footer and "&N" in footer, where


@pytest.mark.parametrize("kind, expected", [("template", TEMPLATE), ("rectification", RECTIFICATION),
                                            ("registry", REGISTRY)])
def test_every_data_sheet_prints_one_page_wide(written, kind, expected):
    assert written[kind], f"no {kind} workbook written"
    for path in written[kind]:
        wb = openpyxl.load_workbook(path)
        visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible" and ws.title not in NOT_DATA]
        assert set(visible) <= set(expected), f"{path.name}: a data sheet with no expected print setup"
        assert visible, path.name
        for name in visible:
            _check_sheet(wb[name], *expected[name])
