"""The round's dashboard: one self-contained offline HTML page plus every chart as PNG and SVG.

``build_dashboard(tables, findings, config, out_dir)`` writes

- ``out_dir/dashboard.html``: Chinese title and section headers, every chart of
  ``netmedia.report.charts``; plotly.js embedded once (first figure), no MathJax, no
  ``<script src>``/``<link href>`` to the network, so it opens on an offline PC;
- ``out_dir/charts/<name>.png`` and ``.svg``: each chart at its fixed pixel size
  (``netmedia.report.charts.CHART_SIZES``), rendered by kaleido 1.x in ONE headless
  browser for all charts, using the system chromium (``make sysdeps``); kaleido is
  never asked to download a browser.

Only units, categories, group names and counts reach these files (see ``netmedia.report.charts``).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go

from netmedia.config import Config
from netmedia.report import charts
from netmedia.validate import derive

log = logging.getLogger(__name__)

HTML_FILE = "dashboard.html"  # under reports/
CHARTS_DIR = "charts"  # under reports/: each chart as PNG and SVG
IMAGE_FORMATS = ("png", "svg")
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "locale": "zh-CN"}


class ChartExportError(RuntimeError):
    """Charts could not be exported as images (no browser, or a render failed)."""


@dataclass(frozen=True)
class DashboardPaths:
    html: Path
    charts_dir: Path
    png: dict[str, Path] = field(default_factory=dict)
    svg: dict[str, Path] = field(default_factory=dict)
    export_seconds: float | None = None


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0; background: #f5f7fa;
       color: #2a3f5f; }
header { background: #8b1a1a; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 26px; }
header p { margin: 6px 0 0; font-size: 14px; opacity: .9; }
nav { padding: 10px 32px; background: #fff; border-bottom: 1px solid #dde3ea; font-size: 14px; }
nav a { margin-right: 18px; color: #1f4e79; text-decoration: none; }
main { padding: 8px 32px 40px; }
section > h2 { border-left: 5px solid #8b1a1a; padding-left: 10px; margin: 28px 0 12px; font-size: 21px; }
.chart { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; margin: 0 0 18px; padding: 6px 10px; }
.chart h3 { margin: 8px 4px 0; font-size: 16px; font-weight: normal; color: #55627a; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 0; }
.summary div { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 18px; min-width: 120px; }
.summary b { display: block; font-size: 24px; color: #8b1a1a; }
footer { color: #8a94a6; font-size: 12px; padding: 0 32px 24px; }
"""


def page_title(config: Config) -> str:
    return f"{config.institution.name_zh}网络媒体平台备案工作看板（{config.round.name}年度）"


def _summary(tables: Mapping[str, pd.DataFrame], findings: pd.DataFrame | None, config: Config) -> list[tuple[str, str]]:
    p = tables.get("platforms")
    p = p if p is not None else pd.DataFrame()
    units = tables.get("units")
    out = [("登记平台", str(len(p)))]
    if {"status", "last_updated_on"} <= set(p.columns) and len(p):
        out.append(("僵尸平台", str(int(derive.is_zombie(p, config.zombie_cutoff).sum()))))
    roster = charts.roster_units(units)
    if roster:
        returned = derive.returned_units_of(tables)  # R-complete's set, as the ingest and the status table
        out.append(("已报送单位", f"{len(set(roster) & returned)}/{len(roster)}"))
    if findings is not None:
        out.append(("检查问题", str(len(findings))))
    return out


def render_html(figures: Mapping[str, go.Figure], config: Config, summary: list[tuple[str, str]] = ()) -> str:
    """The page: plotly.js inlined with the first figure only, no MathJax, no external URL."""
    specs = {s.name: s for s in charts.CHARTS}
    sections: dict[str, list[str]] = {}
    first = True
    for name, fig in figures.items():
        spec = specs.get(name)
        section = spec.section if spec else "其他"
        title = spec.title if spec else (fig.layout.title.text or name)
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=first,  # True: the whole bundle inline, once
            include_mathjax=False,
            config=PLOTLY_CONFIG,
            div_id=f"chart-{name}",
        )
        first = False
        sections.setdefault(section, []).append(
            f'<div class="chart" id="{html.escape(name)}"><h3>{html.escape(title)}</h3>\n{div}\n</div>'
        )
    title = page_title(config)
    nav = "".join(f'<a href="#sec-{i}">{html.escape(s)}</a>' for i, s in enumerate(sections))
    body = "\n".join(
        f'<section id="sec-{i}"><h2>{html.escape(s)}</h2>\n' + "\n".join(divs) + "\n</section>"
        for i, (s, divs) in enumerate(sections.items())
    )
    cards = "".join(f"<div><b>{html.escape(v)}</b>{html.escape(k)}</div>" for k, v in summary)
    r = config.round
    sub = (
        f"{html.escape(config.institution.department)} · 截止日期 {r.deadline:%Y-%m-%d} · "
        f"统计基准日 {r.reference_date:%Y-%m-%d} · 僵尸判定：{config.zombie_cutoff:%Y-%m-%d} 前无更新"
    )
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1><p>{sub}</p></header>
<nav>{nav}</nav>
<main>
<div class="summary">{cards}</div>
{body}
</main>
<footer>生成时间 {generated} · 本页仅含单位、类别与数量统计，不含个人信息 · 离线可用</footer>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# Images (kaleido 1.x, one browser)
# ---------------------------------------------------------------------------


def find_browser() -> str:
    """Path of a local chromium/chrome for kaleido; ChartExportError (naming `make sysdeps`) when there is none."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError as e:  # pragma: no cover - kaleido 1.x always ships choreographer
        raise ChartExportError(f"kaleido/choreographer not importable: {e}") from e
    path = Chromium.find_browser(skip_local=False)
    if not path or not Path(path).is_file():
        raise ChartExportError(
            "图表导出需要本机的 Chromium 浏览器，但未找到：请运行 `make sysdeps` 安装 chromium 和 fonts-noto-cjk "
            "(no chromium/chrome found for chart export: run `make sysdeps`; set BROWSER_PATH to use another one)"
        )
    return path


def export_images(
    figures: Mapping[str, go.Figure], charts_dir: Path, formats: tuple[str, ...] = IMAGE_FORMATS
) -> tuple[dict[str, dict[str, Path]], float]:
    """Write every figure in every format with one kaleido/browser session. Returns ({fmt: {name: path}}, seconds)."""
    import kaleido

    browser = find_browser()
    charts_dir.mkdir(parents=True, exist_ok=True)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    kopts: dict = {"path": browser, "mathjax": False, "n": 2}
    if plotly_js.is_file():
        kopts["plotlyjs"] = str(plotly_js)
    out: dict[str, dict[str, Path]] = {f: {} for f in formats}
    jobs = []
    for name, fig in figures.items():
        w, h = charts.CHART_SIZES.get(name, charts.DEFAULT_SIZE)
        for fmt in formats:
            p = charts_dir / f"{name}.{fmt}"
            out[fmt][name] = p
            jobs.append({"fig": fig, "path": p, "opts": {"format": fmt, "width": w, "height": h, "scale": 1}})
    t0 = time.perf_counter()
    try:
        kaleido.write_fig_from_object_sync(jobs, kopts=kopts, cancel_on_error=True)
    except Exception as e:
        raise ChartExportError(f"chart export failed: {type(e).__name__}: {e}") from e
    seconds = time.perf_counter() - t0
    missing = [str(p) for d in out.values() for p in d.values() if not p.is_file()]
    if missing:
        raise ChartExportError(f"chart export wrote no file for: {', '.join(missing)}")
    log.info("exported %d chart images in %.1fs", len(jobs), seconds)
    return out, seconds


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def build_dashboard(
    tables: Mapping[str, pd.DataFrame],
    findings: pd.DataFrame | None,
    config: Config,
    out_dir: str | Path,
    *,
    images: bool = True,
) -> DashboardPaths:
    """Write out_dir/dashboard.html and (``images=True``) out_dir/charts/<name>.png|svg for every chart.

    ``tables``: clean tables by name (platforms, submissions, units; missing ones count as empty).
    Raises ChartExportError when images are requested and no chromium is installed (`make sysdeps`).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = charts.all_charts(tables, findings, config)
    html_path = out / HTML_FILE
    html_path.write_text(render_html(figures, config, _summary(tables, findings, config)), encoding="utf-8")
    charts_dir = out / CHARTS_DIR
    if not images:
        return DashboardPaths(html_path, charts_dir)
    files, seconds = export_images(figures, charts_dir)
    return DashboardPaths(html_path, charts_dir, files.get("png", {}), files.get("svg", {}), seconds)
