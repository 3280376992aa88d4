"""The offline checker (netmedia.report.offline) on hand-written HTML, and on the HTML outputs of a small season:
the dashboard and the Data Docs site. The dashboard is also opened in headless Chromium: every chart drawn, and
the KPI cards equal to the clean tables."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from test_dashboard import PLOTLY_MAP_ICONS

from netmedia import samples, season
from netmedia.config import load_config
from netmedia.report import charts, dashboard, offline

# (HTML, the one request it makes): each kind of request, written by hand
CAUGHT = [
    ('<script src="https://cdn.example.com/a.js"></script>', ("src", "https://cdn.example.com/a.js")),
    ('<img src="//img.example.com/a.png">', ("src", "//img.example.com/a.png")),
    ("<iframe src='http://x.example.com/'></iframe>", ("src", "http://x.example.com/")),
    ('<audio src="http://x.example.com/a.mp3"></audio>', ("src", "http://x.example.com/a.mp3")),
    ('<video poster="https://v.example.com/p.jpg"></video>', ("poster", "https://v.example.com/p.jpg")),
    ('<img srcset="a.png 1x, https://img.example.com/b.png 2x">', ("srcset", "https://img.example.com/b.png")),
    ('<link rel="stylesheet" href="https://fonts.example.com/f.css">',
     ("link href", "https://fonts.example.com/f.css")),
    ('<link rel="icon" href="//x.example.com/i.ico">', ("link href", "//x.example.com/i.ico")),
    ('<base href="//x.example.com/">', ("base href", "//x.example.com/")),
    ('<object data="https://x.example.com/a.pdf"></object>', ("object data", "https://x.example.com/a.pdf")),
    ('<svg><image href="https://x.example.com/a.png"/></svg>', ("image href", "https://x.example.com/a.png")),
    ('<style>body { background: url("https://img.example.com/bg.png") }</style>',
     ("css url()", "https://img.example.com/bg.png")),
    ("<style>@import 'https://fonts.example.com/f.css';</style>", ("css @import", "https://fonts.example.com/f.css")),
    ("<style>@import url(//fonts.example.com/g.css);</style>", ("css url()", "//fonts.example.com/g.css")),
    ('<div style="background-image: url(&quot;https://img.example.com/x.png&quot;)">x</div>',
     ("css url()", "https://img.example.com/x.png")),
    ("<script>fetch('https://api.example.com/data').then(r => r.json())</script>",
     ("fetch", "https://api.example.com/data")),
    ('<script>fetch(`//api.example.com/d`)</script>', ("fetch", "//api.example.com/d")),
    ('<script>var x = new XMLHttpRequest(); x.open("GET", "https://api.example.com/x"); x.send()</script>',
     ("xhr", "https://api.example.com/x")),
    ('<script>import("https://cdn.example.com/m.js")</script>', ("js import", "https://cdn.example.com/m.js")),
    ('<script type="module">import x from "https://cdn.example.com/m.js";</script>',
     ("js import", "https://cdn.example.com/m.js")),
    ('<script>new WebSocket("wss://ws.example.com/s")</script>', ("js connection", "wss://ws.example.com/s")),
    ('<script>var i = new Image(); i.src = "https://t.example.com/p.gif";</script>',
     ("js src", "https://t.example.com/p.gif")),
]
SAFE = [
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<script src="static/vendor/jquery.min.js"></script>',
    '<link rel="stylesheet" href="../static/style.css">',
    '<a href="https://www.ncwu.edu.cn/">学校主页</a>',  # navigation, not a request
    "<td>https://news.ncwu.edu.cn</td><td>//www.ncwu.edu.cn</td>",  # data
    "<style>.x{background:url(data:image/svg+xml;base64,AAA=)} .y{background:url('img/a.png')}</style>",
    '<div style="background: url(img/x.png)">x</div>',
    '<script>const schema = "https://vega.github.io/schema/"; // see https://example.com\nfetch(url)</script>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use href="#a"/></svg>',
    '<img src="#frag"><a href="//www.ncwu.edu.cn/">主页</a>',
]


@pytest.mark.parametrize(("html", "ref"), CAUGHT, ids=[r[0] + " " + r[1][:30] for _, r in CAUGHT])
def test_each_kind_of_request_is_caught(html, ref):
    assert offline.html_refs(html) == [ref]


@pytest.mark.parametrize("html", SAFE)
def test_local_and_data_references_pass(html):
    assert offline.html_refs(html) == []


def test_linked_stylesheets_are_followed(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text('@import "more.css";\n.a { color: red }', encoding="utf-8")
    (tmp_path / "css" / "more.css").write_text(".b { background: url(//fonts.example.com/x.woff2) }")
    (tmp_path / "css" / "clean.css").write_text(".c { background: url(../img/c.png) }")
    page = tmp_path / "pages" / "index.html"
    page.parent.mkdir()
    page.write_text('<link rel="stylesheet" href="../css/site.css"><link rel="stylesheet" href="../css/clean.css">')
    found = offline.external_refs(page)
    assert [(r.kind, r.url) for r in found] == [("css url()", "//fonts.example.com/x.woff2")]
    assert found[0].file.endswith("css/more.css")
    # a folder: each file once, the stylesheet counted where it is
    assert [(r.file, r.url) for r in offline.external_refs(tmp_path)] == [("css/more.css", "//fonts.example.com/x.woff2")]
    (tmp_path / "css" / "more.css").write_text(".b { background: url(fonts/x.woff2) }")
    assert offline.external_refs(page) == []


@pytest.fixture(scope="module")
def small_season(tmp_path_factory):
    """A small generated season through ingest and check (with Data Docs), and its dashboard (HTML only)."""
    base = tmp_path_factory.mktemp("offline_season")
    raw, clean, reports = base / "data_raw", base / "data_clean", base / "reports"
    config = load_config()
    samples.generate(raw, n_units=12, seed=5, config=config)
    season.ingest(raw, clean, config)
    report = season.check_season(clean, reports, config)
    tables = season.dashboard_tables(clean, reports)
    dashboard.build_dashboard(tables, report.findings, config, reports, images=False)
    return clean, reports, tables, report.findings, config


# plotly.js carries one loader of remote images (PLOTLY_MAP_ICONS): the maki icons of its map traces
# (``img.src = `https://cdn.jsdelivr.net/npm/@mapbox/maki@.../${name}.svg```). It runs only for a map trace, and the
# dashboard has none.
MAP_TRACES = {"scattermap", "scattermapbox", "choroplethmap", "choroplethmapbox", "densitymap", "densitymapbox",
              "scattergeo", "choropleth"}


def test_every_html_output_of_a_season_is_offline(small_season):
    clean, reports, tables, findings, config = small_season
    pages = sorted(reports.rglob("*.html"))
    assert reports / "dashboard.html" in pages and reports / "data_docs" / "index.html" in pages
    assert len(pages) >= 6
    refs = offline.external_refs(reports)
    assert [r for r in refs if r.file != "dashboard.html"] == []  # Data Docs: pages, CSS and vendored JS
    dash = [r for r in refs if r.file == "dashboard.html"]
    assert all(r.kind == "js src" and r.url.startswith(PLOTLY_MAP_ICONS) for r in dash), dash
    traces = {t.type for fig in charts.all_charts(tables, findings, config).values() for t in fig.data}
    assert traces and not traces & MAP_TRACES


def test_checker_sees_a_request_put_into_the_real_outputs(small_season, tmp_path):
    """The season check above could pass by reading nothing: the same outputs with one request added fail."""
    _, reports, *_ = small_season
    site = tmp_path / "data_docs"
    shutil.copytree(reports / "data_docs", site)
    css = sorted(p for p in site.rglob("*.css") if "vendor" not in p.parts)
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", '<style>@import "//x.example.com/a.css";'
                                                                      "</style></head>"), encoding="utf-8")
    assert [(r.file, r.url) for r in offline.external_refs(site)] == [("index.html", "//x.example.com/a.css")]
    if css:
        css[0].write_text(css[0].read_text(encoding="utf-8") + "\n.z{background:url(https://x.example.com/z.png)}")
        assert ("css url()", "https://x.example.com/z.png") in [(r.kind, r.url) for r in offline.external_refs(site)]
    dash = tmp_path / "dashboard.html"
    text = (reports / "dashboard.html").read_text(encoding="utf-8")
    dash.write_text(text.replace("<footer>", '<footer><img src="https://x.example.com/p.gif">'), encoding="utf-8")
    assert ("src", "https://x.example.com/p.gif") in [(r.kind, r.url) for r in offline.external_refs(dash)]


CHROMIUM = "/usr/bin/chromium"


def _rendered_dom(html: Path) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--virtual-time-budget=10000", "--dump-dom", html.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True)
    return done.stdout


def _kpis_by_hand(clean: Path, reports: Path, config) -> dict[str, str]:
    """The KPI cards from the Parquet tables, by their definitions (not through netmedia's functions)."""
    p = pd.read_parquet(clean / "platforms.parquet")
    last = pd.to_datetime(p["last_updated_on"])
    zombies = ((last < pd.Timestamp(config.zombie_cutoff)) & (p["status"] != "closed")).sum()
    roster = set(pd.read_parquet(clean / "units.parquet")["unit"].dropna())
    submitted = roster & set(pd.read_parquet(clean / "submissions.parquet")["unit"].dropna())
    return {"登记平台": str(len(p)), "僵尸平台": str(int(zombies)), "已报送单位": f"{len(submitted)}/{len(roster)}",
            "检查问题": str(len(pd.read_parquet(reports / "findings.parquet")))}


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (make sysdeps installs it)")
def test_dashboard_draws_every_chart_in_chromium(small_season):
    clean, reports, tables, findings, config = small_season
    dom = _rendered_dom(reports / "dashboard.html")
    figures = re.split(r'(?=<div id="chart-)', dom)[1:]
    names = [re.match(r'<div id="chart-([^"]+)"', f)[1] for f in figures]
    assert sorted(names) == sorted(s.name for s in charts.CHARTS)
    for name, fig in zip(names, figures, strict=True):
        svg = re.search(r'<svg class="main-svg"[^>]*\bwidth="(\d+)" height="(\d+)"', fig)
        assert svg and int(svg[1]) > 100 and int(svg[2]) > 100, name  # plotly drew its main-svg
        drawn = re.findall(r'class="(?:trace [^"]*|hm|table)"', fig)  # bars/lines/pies, heatmap image, table
        assert drawn, name
    cards = dict((k, v) for v, k in re.findall(r"<div><b>([^<]*)</b>([^<]*)</div>",
                                               re.search(r'<div class="summary">(.*?)</div></div>', dom)[0]))
    assert cards == _kpis_by_hand(clean, reports, config)
    assert int(cards["僵尸平台"]) > 0 and int(cards["检查问题"]) > 0
