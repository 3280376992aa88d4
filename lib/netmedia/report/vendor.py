"""Vendor the JavaScript/CSS/font assets GX Data Docs pages load from CDNs, so the site works offline.

    python -m netmedia.report.vendor            # populate lib/netmedia/data/vendor/ (git-ignored)
    python -m netmedia.report.vendor --check    # exit 1 when something is missing

Without npm (``make sysdeps`` installs it) vendoring says so and exits 0, so ``make install`` goes on: the
Data Docs pages are then built without the assets (unstyled, still offline; see ``netmedia.report.datadocs``).

Assets come from the npm registry through the ordinary client (``npm pack``,
which checks each tarball's integrity); only the files the pages use are kept.
``netmedia.report.datadocs`` copies the folder into ``<site>/static/vendor/`` and
rewrites the pages' CDN URLs to it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from netmedia import paths

VENDOR_DIR = paths.PACKAGE_DATA / "vendor"


@dataclass(frozen=True)
class Asset:
    url_prefix: str  # CDN URL as GX's templates write it (query strings ignored)
    package: str  # npm spec, exact version
    member: str  # path inside the npm tarball (below package/)
    local: str  # path below the vendor folder


ASSETS: tuple[Asset, ...] = (
    Asset("https://code.jquery.com/jquery-3.7.1.min.js", "jquery@3.7.1", "dist/jquery.min.js", "jquery/jquery.min.js"),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
        "popper.js@1.12.9",
        "dist/umd/popper.min.js",
        "popper/popper.min.js",
    ),
    Asset(
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
        "bootstrap@4.3.1",
        "dist/css/bootstrap.min.css",
        "bootstrap/bootstrap.min.css",
    ),
    Asset(
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
        "bootstrap@4.3.1",
        "dist/js/bootstrap.min.js",
        "bootstrap/bootstrap.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css",
        "bootstrap-table@1.19.1",
        "dist/bootstrap-table.min.css",
        "bootstrap-table/bootstrap-table.min.css",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
        "bootstrap-table@1.19.1",
        "dist/bootstrap-table.min.js",
        "bootstrap-table/bootstrap-table.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "bootstrap-table@1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "bootstrap-table/bootstrap-table-filter-control.min.js",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "bootstrap-table@1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "bootstrap-table/bootstrap-table-filter-control.min.css",
    ),
    Asset(
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "bootstrap-table@1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "bootstrap-table/bootstrap-table-filter-control.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
        "bootstrap-datepicker@1.9.0",
        "dist/css/bootstrap-datepicker.min.css",
        "bootstrap-datepicker/bootstrap-datepicker.min.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
        "bootstrap-datepicker@1.9.0",
        "dist/js/bootstrap-datepicker.min.js",
        "bootstrap-datepicker/bootstrap-datepicker.min.js",
    ),
    Asset(
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
        "@forevolve/bootstrap-dark@1.1.0",
        "dist/css/bootstrap-prefers-dark.css",
        "bootstrap-dark/bootstrap-prefers-dark.css",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
        "@fortawesome/fontawesome-free@6.6.0",
        "css/all.min.css",
        "fontawesome/css/all.min.css",
    ),
    # The stylesheet above loads ../webfonts/*; the whole folder is vendored beside it.
    Asset("", "@fortawesome/fontawesome-free@6.6.0", "webfonts/", "fontawesome/webfonts/"),
    Asset("https://cdn.jsdelivr.net/npm/vega@5", "vega@5.33.0", "build/vega.min.js", "vega/vega.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/vega-lite@5", "vega-lite@5.23.0", "build/vega-lite.min.js", "vega/vega-lite.min.js"),
    Asset(
        "https://cdn.jsdelivr.net/npm/vega-embed@6", "vega-embed@6.29.0", "build/vega-embed.min.js", "vega/vega-embed.min.js"
    ),
)

MANIFEST = "manifest.json"


def missing(dest: Path = VENDOR_DIR) -> list[str]:
    """Local asset paths not present under ``dest``."""
    out = []
    for a in ASSETS:
        p = dest / a.local
        if a.local.endswith("/"):
            if not p.is_dir() or not any(p.iterdir()):
                out.append(a.local)
        elif not p.is_file():
            out.append(a.local)
    return out


class NpmMissing(RuntimeError):
    """npm is not installed: the assets cannot be fetched."""


def find_npm(search_path: str | None = None) -> str:
    """The npm executable on ``search_path`` (a PATH-style string; None: the environment's PATH)."""
    npm = shutil.which("npm", path=search_path)
    if not npm:
        raise NpmMissing("未找到 npm：无法下载 Data Docs 的离线资源（jquery、bootstrap、vega 等）。"
                         "请运行 `make sysdeps`（安装 Debian 软件包 npm）后再运行 "
                         "`python -m netmedia.report.vendor`；在此之前 Data Docs 页面无样式，但仍可离线打开，其余步骤照常进行。")
    return npm


def fetch(dest: Path = VENDOR_DIR, *, force: bool = False, quiet: bool = False,
          search_path: str | None = None) -> Path:
    """Download (``npm pack``) each package once and extract the files the Data Docs pages use into ``dest``.

    ``search_path``: where to look for npm (PATH-style; None: the environment's PATH). Raises
    :class:`NpmMissing` when there is none."""
    dest = Path(dest)
    if not force and not missing(dest):
        return dest
    npm = find_npm(search_path)
    dest.mkdir(parents=True, exist_ok=True)
    by_pkg: dict[str, list[Asset]] = {}
    for a in ASSETS:
        by_pkg.setdefault(a.package, []).append(a)
    with tempfile.TemporaryDirectory(prefix="netmedia-vendor-") as tmp:
        for pkg, assets in by_pkg.items():
            out = subprocess.run(
                [npm, "pack", pkg, "--silent", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
            with tarfile.open(tgz, "r:gz") as tf:
                members = {m.name: m for m in tf.getmembers() if m.isfile()}
                for a in assets:
                    want = "package/" + a.member
                    picked = [n for n in members if n.startswith(want)] if a.member.endswith("/") else [want]
                    if not picked or any(n not in members for n in picked):
                        raise RuntimeError(f"{pkg}: {a.member} not in the package")
                    for n in picked:
                        target = dest / (a.local + n[len(want) :] if a.member.endswith("/") else a.local)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with tf.extractfile(members[n]) as src:  # type: ignore[union-attr]
                            target.write_bytes(src.read())
            if not quiet:
                print(f"vendor: {pkg}", file=sys.stderr)
    (dest / MANIFEST).write_text(
        json.dumps([a.__dict__ for a in ASSETS], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m netmedia.report.vendor", description=__doc__.splitlines()[0])
    ap.add_argument("--dest", type=Path, default=VENDOR_DIR)
    ap.add_argument("--force", action="store_true", help="download again even when present")
    ap.add_argument("--check", action="store_true", help="only report missing assets (exit 1 when any)")
    ap.add_argument("--npm-search-path", default=None, metavar="PATH",
                    help="PATH-style folders to look for npm in (default: the environment's PATH)")
    args = ap.parse_args(argv)
    if args.check:
        m = missing(args.dest)
        for x in m:
            print(f"missing: {x}")
        return 1 if m else 0
    try:
        fetch(args.dest, force=args.force, search_path=args.npm_search_path)
    except NpmMissing as e:
        print(f"vendor: {e}", file=sys.stderr)
        return 0  # not fatal: the install and the season run go on without the assets
    print(f"vendor: assets in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
