"""netmedia.report.dashboard: offline HTML with every chart, PNG/SVG export through one kaleido browser.

The export test drives the system chromium (``make sysdeps``); it is marked ``slow`` so
``-m "not slow"`` can skip it, and it runs in ``make test``.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from netmedia import schema
from netmedia.config import load_config
from netmedia.report import charts, dashboard, offline

UNITS = [
    "水利学院", "电力学院", "土木与交通学院", "机械学院", "信息工程学院", "数学与统计学院", "外国语学院", "法学院",
    "马克思主义学院", "艺术与设计学院", "党委宣传部", "党委组织部", "学生工作部", "教务处", "科技处", "图书馆",
    "校团委", "校学生会", "研究生会", "网络信息中心", "档案馆", "工会",
]  # fmt: skip
# the one remote loader inside plotly.js: maki icons for map traces (see test_offline)
PLOTLY_MAP_ICONS = "https://cdn.jsdelivr.net/npm/@mapbox/maki@"
SECRETS = ("张伟民", "刘晓燕", "13912345678", "0371-69127000", "T2019001")


def realistic_tables(seed: int = 7) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """A small season: ~20 submitting units, a few hundred platforms, findings, two units missing."""
    rng = np.random.default_rng(seed)
    cats = [c for c in schema.categories() if c.platform_class > 0]
    weights = np.array(([3, 1, 4, 8, 2, 2, 1, 1, 1, 1, 2, 3, 2, 1, 1] + [0.5] * len(cats))[: len(cats)])
    weights = weights / weights.sum()
    ref = pd.Timestamp("2023-04-25")
    rows = []
    for unit in UNITS[:-2]:
        for _ in range(int(rng.integers(3, 20))):
            c = cats[rng.choice(len(cats), p=weights)]
            rows.append(
                {
                    "unit": unit,
                    "owner_kind": "student_org" if unit.startswith(("校团委", "校学生会", "研究生会")) else "unit",
                    "platform_type_raw": c.zh,
                    "platform_class": c.platform_class,
                    "category": c.code,
                    "platform_name": f"{unit}{c.zh}",
                    "supervisor": SECRETS[0],
                    "operator": SECRETS[1],
                    "operator_phone": SECRETS[2] if rng.random() < 0.5 else SECRETS[3],
                    "last_updated_on": None if rng.random() < 0.05 else ref - pd.Timedelta(days=int(rng.exponential(70))),
                    "followers": None if rng.random() < 0.1 else int(rng.lognormal(7, 1.8)),
                    "status": rng.choice(["running", "stopped", "closed", "unknown"], p=[0.8, 0.07, 0.08, 0.05]),
                    "remarks": SECRETS[4],
                }
            )
    p = pd.DataFrame(rows)
    p["platform_class"] = p["platform_class"].astype("Int64")
    p["followers"] = p["followers"].astype("Int64")
    p["last_updated_on"] = pd.to_datetime(p["last_updated_on"])
    for col in ("unit", "owner_kind", "platform_type_raw", "category", "platform_name", "supervisor", "operator",
                "operator_phone", "status", "remarks"):  # fmt: skip
        p[col] = p[col].astype("str")
    units = pd.DataFrame({"unit": UNITS, "kind": ["学院"] * 10 + ["机关"] * 12, "party_head": SECRETS[0]}).astype("str")
    received = [pd.Timestamp("2023-04-12") + pd.Timedelta(days=int(rng.integers(0, 16))) for _ in UNITS[:-2]]
    received[3] = pd.NaT
    subs = pd.DataFrame({"source_file": [f"{u}.xlsx" for u in UNITS[:-2]], "unit": UNITS[:-2], "annex": "2",
                         "received_at": received})  # fmt: skip
    frules = ["R-required", "R-zombie", "R-closed", "R-leader", "R-operator", "R-duplicate", "R-phone"]
    f = [
        {"rule": r, "severity": "violation", "unit": u, "table": "platforms", "detail": SECRETS[2]}
        for u in p["unit"]
        for r in frules
        if rng.random() < 0.07
    ]
    f += [{"rule": "R-complete", "severity": "violation", "unit": u, "table": "units", "detail": ""} for u in UNITS[-2:]]
    findings = pd.DataFrame(f).astype("str")
    return {"platforms": p, "submissions": subs, "units": units, "personal_accounts": pd.DataFrame()}, findings


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _check_html(text: str) -> None:
    assert text.count("plotly.js v") == 1  # the bundle's banner: embedded exactly once
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I)  # everything inline: no CDN, no MathJax
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", text, re.I)
    assert not re.search(r"<(iframe|img|object|embed)[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", text, re.I)
    # the offline checker: nothing but the map-icon loader of the plotly.js bundle (no map chart runs it)
    refs = offline.html_refs(text)
    assert all(kind == "js src" and url.startswith(PLOTLY_MAP_ICONS) for kind, url in refs), refs
    for spec in charts.CHARTS:
        assert spec.title in text, spec.title
    for secret in SECRETS:
        assert secret not in text


@pytest.fixture(scope="module")
def config():
    return load_config()


def test_html_only(tmp_path, config):
    tables, findings = realistic_tables()
    paths = dashboard.build_dashboard(tables, findings, config, tmp_path, images=False)
    text = paths.html.read_text(encoding="utf-8")
    _check_html(text)
    assert f"<title>{dashboard.page_title(config)}</title>" in text
    assert "华北水利水电大学" in text
    assert text.count('<div class="chart"') == len(charts.CHARTS)
    assert not paths.png


def test_empty_season(tmp_path, config):
    paths = dashboard.build_dashboard({}, None, config, tmp_path, images=False)
    text = paths.html.read_text(encoding="utf-8")
    assert text.count("plotly.js v") == 1
    no_data_escaped = charts.NO_DATA.encode("ascii", "backslashreplace").decode()
    assert charts.NO_DATA in text or no_data_escaped in text


def test_no_browser_is_a_clear_error(monkeypatch, tmp_path, config):
    from choreographer.browsers.chromium import Chromium

    monkeypatch.setattr(Chromium, "find_browser", classmethod(lambda cls, **kw: None))
    with pytest.raises(dashboard.ChartExportError, match="make sysdeps"):
        dashboard.build_dashboard({}, None, config, tmp_path)


@pytest.mark.slow
def test_build_dashboard_with_images(tmp_path, config):
    tables, findings = realistic_tables()
    paths = dashboard.build_dashboard(tables, findings, config, tmp_path)
    _check_html(paths.html.read_text(encoding="utf-8"))
    names = {s.name for s in charts.CHARTS}
    assert set(paths.png) == set(paths.svg) == names
    for name in names:
        png, svg = paths.png[name], paths.svg[name]
        assert png == tmp_path / "charts" / f"{name}.png" and svg == tmp_path / "charts" / f"{name}.svg"
        assert png_size(png) == charts.CHART_SIZES[name]
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")
        assert int(float(root.get("width"))) == charts.CHART_SIZES[name][0]
        svg_text = svg.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in svg_text
    assert paths.export_seconds is not None and paths.export_seconds > 0
    from netmedia.report import privacy

    assert privacy.scan_for_personal_data(tmp_path, {SECRETS[4]}) == []
