"""GX Data Docs: built for a small run, offline (no asset request to another host), assets vendored."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from netmedia.config import load_config
from netmedia.report import datadocs, vendor
from netmedia.validate import checks, gx_runner


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if vendor.missing():
        if not shutil.which("npm"):
            pytest.skip("vendored Data Docs assets missing and npm unavailable (run python -m netmedia.report.vendor)")
        vendor.fetch(quiet=True)
    gx_runner.engine()
    # a small run with findings; the ncwu.edu.cn URL is data, not an asset request
    from test_checks import tables

    out = tmp_path_factory.mktemp("reports") / "data_docs"
    r = checks.run_checks(tables(), load_config(), data_docs_dir=out)
    assert r.data_docs_index == out / "index.html"
    return out


def test_site_built(site):
    assert (site / "index.html").is_file()
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 1 + 2 * len(gx_runner.SUITE_ORDER)  # index, suite pages, validation pages
    assert list((site / "validations").rglob("*.html"))


def test_no_external_asset_requests(site):
    assert datadocs.external_asset_refs(site) == []
    # and no CDN or asset-bucket host is named anywhere in the pages or stylesheets
    for p in site.rglob("*"):
        if p.suffix in (".html", ".css") and "vendor" not in p.parts:
            text = p.read_text(encoding="utf-8")
            for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "bootstrapcdn.com",
                         "code.jquery.com", "great-expectations-web-assets"):
                assert host not in text, (p, host)


def test_local_assets_resolve(site):
    """Every script/stylesheet/image a page loads exists in the site."""
    pat = re.compile(r"<(?:script|img)\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE)
    checked = 0
    for page in site.rglob("*.html"):
        for m in pat.finditer(page.read_text(encoding="utf-8")):
            ref = (m.group(1) or m.group(2)).split("?")[0].split("#")[0]
            if not ref or ref.startswith(("data:", "javascript:")) or "://" in ref:
                continue
            if "static/vendor/" in ref:
                assert (page.parent / ref).resolve().is_file(), (page, ref)
                checked += 1
    assert checked > 0


def test_fontawesome_webfonts_vendored(site):
    css = site / "static" / "vendor" / "fontawesome" / "css" / "all.min.css"
    assert css.is_file()
    for font in re.findall(r"url\(\.\./webfonts/([^)\"']+)\)", css.read_text(encoding="utf-8")):
        assert (css.parent.parent / "webfonts" / font).is_file(), font


def test_scanner_counts_asset_requests_only(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.com/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.com/y.css">'
        '<img src="http://img.example.com/logo.png">'
        '<a href="https://www.ncwu.edu.cn/">学校主页</a>'
        "<td>https://news.ncwu.edu.cn</td>"
        "<style>.x{background:url('https://img.example.com/bg.png')}</style>",
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text("@import 'https://fonts.example.com/f.css'; .y{src:url(../webfonts/a.woff2)}")
    (tmp_path / "c.js").write_text('const s = "https://vega.github.io/schema/"; import("https://cdn.example.com/m.js")')
    found = sorted(u for _, u in datadocs.external_asset_refs(tmp_path))
    assert found == sorted([
        "https://cdn.example.com/x.js", "//cdn.example.com/y.css", "http://img.example.com/logo.png",
        "https://img.example.com/bg.png", "https://fonts.example.com/f.css", "https://cdn.example.com/m.js",
    ])


def test_make_offline_without_vendor_drops_remote_tags(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<head><script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<link href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css" rel="stylesheet"></head>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">',
        encoding="utf-8",
    )
    datadocs.make_offline(tmp_path, vendor_dir=tmp_path / "no-vendor")
    assert datadocs.external_asset_refs(tmp_path) == []
