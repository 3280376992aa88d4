"""GX Data Docs as a static site that works offline.

GX's page templates load bootstrap, jquery, vega, font-awesome ... from CDNs
and a logo from a remote bucket. After GX builds the site, every page is
rewritten: CDN URLs point at ``static/vendor/`` (copied from the assets
``python -m netmedia.report.vendor`` fetched at install time), remote images and
CSS ``url()``s are dropped. If the vendored assets are missing, the remote
tags are dropped instead (pages unstyled, still offline) and a warning logged.
The site is then checked with :mod:`netmedia.report.offline`; a request left is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from netmedia.report import offline, vendor
from netmedia.report.privacy import mask_personal_text

log = logging.getLogger(__name__)

SITE_NAME = "netmedia"
_PARTIAL = 20
_DROP_KEYS = ("unexpected_list", "unexpected_index_list", "unexpected_index_query", "unexpected_rows")

# What make_offline rewrites (the check afterwards is netmedia.report.offline's, the one for every HTML output).
_EXTERNAL = r"(?:https?:)?//[^\s\"'<>)]+"
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*[\"']?(?P<u>" + _EXTERNAL + ")", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*[\"']?(?P<u>" + _EXTERNAL + r")[\"']?\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+[\"'](?P<u>" + _EXTERNAL + ")", re.IGNORECASE)


def external_asset_refs(site_dir: Path) -> list[tuple[str, str]]:
    """(file, URL) for every request to another host in the site's pages, stylesheets and scripts, as
    :func:`netmedia.report.offline.external_refs` finds them (``src``, ``<link href>``, CSS ``url()``/``@import``,
    ``fetch``/XHR/dynamic imports, protocol-relative ``//host``). Not counted: ``<a href>`` navigation links and
    URLs that are only text (a platform's address in the data, a schema id inside a JS library)."""
    return [(r.file, r.url) for r in offline.external_refs(site_dir)]


def _slim(result):
    """A copy of a suite result without the COMPLETE lists (pages show the partial lists only)."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

    rs = []
    for r in result.results:
        res = {k: v for k, v in (r.result or {}).items() if k not in _DROP_KEYS}
        for k in ("partial_unexpected_list", "partial_unexpected_index_list", "partial_unexpected_counts"):
            if isinstance(res.get(k), list):
                res[k] = res[k][:_PARTIAL]
        # the pages leave the department: a quoted value (a duplicated account id that is a mobile) is masked
        if isinstance(res.get("partial_unexpected_list"), list):
            res["partial_unexpected_list"] = [mask_personal_text(v) for v in res["partial_unexpected_list"]]
        if isinstance(res.get("partial_unexpected_counts"), list):
            res["partial_unexpected_counts"] = [
                {**c, "value": mask_personal_text(c.get("value"))} for c in res["partial_unexpected_counts"]
            ]
        rs.append(
            ExpectationValidationResult(
                success=r.success,
                expectation_config=r.expectation_config,
                result=res,
                meta=r.meta,
                exception_info=r.exception_info,
            )
        )
    return ExpectationSuiteValidationResult(
        success=result.success,
        results=rs,
        suite_name=result.suite_name,
        suite_parameters=result.suite_parameters,
        statistics=result.statistics,
        meta=result.meta,
        batch_id=result.batch_id,
    )


def build_data_docs(eng, results: dict[str, Any], out_dir: Path, *, run_name: str = "netmedia") -> Path:
    """Build the GX site for ``results`` (suite name -> suite result) into ``out_dir``; returns index.html."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    ctx = eng.context
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if SITE_NAME in (ctx.config.data_docs_sites or {}):
        ctx.update_data_docs_site(SITE_NAME, site)
    else:
        ctx.add_data_docs_site(SITE_NAME, site)
    store = ctx.validation_results_store
    for key in list(store.list_keys()):  # earlier runs of this process
        store.remove_key(key)
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
    keys = []
    for name, res in results.items():
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name), run_id, res.batch_id)
        store.set(key, _slim(res))
        keys.append(key)
    ctx.build_data_docs(site_names=[SITE_NAME])
    make_offline(out_dir)
    remaining = external_asset_refs(out_dir)
    if remaining:  # a GX template this module does not know yet: say so, the pages still open
        log.warning("Data Docs: %d requests to other hosts left (not offline): %s", len(remaining), remaining[:5])
    return out_dir / "index.html"


def _rel(from_file: Path, target: Path) -> str:
    return Path(os.path.relpath(target, from_file.parent)).as_posix()


def make_offline(site_dir: Path, vendor_dir: Path = vendor.VENDOR_DIR) -> None:
    """Point CDN assets at ``static/vendor/`` and drop remote images, in every page of ``site_dir``."""
    site_dir = Path(site_dir)
    have_vendor = not vendor.missing(vendor_dir)
    local_root = site_dir / "static" / "vendor"
    if have_vendor:
        shutil.copytree(vendor_dir, local_root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(vendor.MANIFEST))
    else:
        log.warning("Data Docs: vendored assets missing (run `python -m netmedia.report.vendor`); dropping CDN tags")
    url_map = sorted(((a.url_prefix, a.local) for a in vendor.ASSETS if a.url_prefix), key=lambda x: -len(x[0]))
    for page in site_dir.rglob("*.htm*"):
        text = page.read_text(encoding="utf-8")
        if have_vendor:
            for prefix, local in url_map:
                pat = re.compile(re.escape(prefix) + r"(?:[?#][^\"'\s>]*)?(?=[\"'\s>])")
                text = pat.sub(_rel(page, local_root / local), text)
        text = _drop_remote(text)
        page.write_text(text, encoding="utf-8")
    for css in site_dir.rglob("*.css"):
        if local_root in css.parents:
            continue
        text = css.read_text(encoding="utf-8")
        new = _CSS_IMPORT.sub("", _CSS_URL.sub("none", text))
        if new != text:
            css.write_text(new, encoding="utf-8")


def _drop_remote(text: str) -> str:
    # remote <img>/<script>/... tags, <link> tags to other hosts, CSS url()s and @imports
    text = re.sub(
        r"<(script|iframe|audio|video)\b[^>]*?\bsrc\s*=\s*[\"']?" + _EXTERNAL + r"[^>]*>.*?</\1\s*>",
        "",
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )
    text = re.sub(r"<(?:img|source|embed|script)\b[^>]*?\bsrc\s*=\s*[\"']?" + _EXTERNAL + r"[^>]*>", "", text, flags=re.I)
    text = _LINK_TAG.sub(lambda m: "" if _HREF.search(m.group(0)) else m.group(0), text)
    text = _CSS_URL.sub("none", text)
    text = _CSS_IMPORT.sub("", text)
    return text
