"""Same clean tables before and after a change: seasons written once, ingested by two versions, compared.

The refactor of issue 12 had to keep the six clean tables equal (same rows, same values) on the demo season,
a 1,000-workbook season and the hostile season. This script makes those seasons once (outside the repo: they
hold generated personal data), ingests them through the ``netmedia ingest`` command of whatever version is
installed, and compares two snapshots table by table.

    python benchmarks/same_tables.py seasons /tmp/seasons            # demo, season_1000, hostile
    python benchmarks/same_tables.py snapshot /tmp/seasons /tmp/before   # run with the old version installed
    python benchmarks/same_tables.py snapshot /tmp/seasons /tmp/after    # run with the new version
    python benchmarks/same_tables.py compare /tmp/before /tmp/after

The one difference allowed: a reject that the old version gave as ``sheet failed: ...`` (a crash hidden by a
catch-all) may carry another reason now; its file, sheet, row and raw text must still be the same.
Exit status 1 when any table differs otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
TABLES = ("platforms", "personal_accounts", "groups", "submissions", "rejects", "units", "staff", "record_history", "replies")
SEASONS = ("demo", "season_1000", "hostile")
REAL_WORKBOOKS = HERE.parent.parent / "shared" / "real-workbooks"
OLD_CRASH = "sheet failed"


def make_seasons(out: Path) -> None:
    """The three seasons under ``out``: written once, then read by every version compared."""
    from netmedia.samples import generate

    out.mkdir(parents=True, exist_ok=True)
    demo = out / "demo"
    if not demo.exists():
        generate(demo, n_units=60, seed=0)
    big = out / "season_1000"
    if not big.exists():
        _copies(demo, big, 1_000)
    hostile = out / "hostile"
    if not hostile.exists():
        _hostile(hostile)


def _copies(base: Path, root: Path, n: int) -> None:
    """At least ``n`` workbooks: copies of ``base``'s returns under ``cNNNN/`` with its rosters."""
    files = [p for p in base.rglob("*") if p.is_file() and p.relative_to(base).parts[0] != "reference"]
    (root / "reference").mkdir(parents=True)
    for p in (base / "reference").iterdir():
        shutil.copy2(p, root / "reference" / p.name)
    for k in range(-(-n // len(files))):
        for p in files:
            dst = root / f"c{k:04d}" / p.relative_to(base)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, dst)


def _hostile(root: Path) -> None:
    """A small generated season plus every hostile file (tests/hostile) and the real workbooks, if present."""
    sys.path.insert(0, str(HERE.parent / "tests" / "hostile"))
    from hostile_corpus import hostile_cases  # noqa: I001  (tests/hostile is not a package)

    from netmedia.samples import generate

    generate(root, n_units=8, seed=7, violations=True)
    unit = "水利学院"
    for case in hostile_cases(unit).values():
        for rel, data in case.files.items():
            dst = root / Path(rel.replace("..", "__").lstrip("/"))
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
    if REAL_WORKBOOKS.is_dir():
        (root / "real").mkdir()
        for p in sorted(REAL_WORKBOOKS.iterdir()):
            if p.suffix.lower() in {".xls", ".xlsx", ".xlsm"}:
                shutil.copy2(p, root / "real" / p.name)


def snapshot(seasons: Path, out: Path) -> None:
    """Ingest every season with the installed ``netmedia`` command into ``out/<season>/``."""
    exe = Path(sys.executable).with_name("netmedia")
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
    for name in SEASONS:
        dst = out / name
        shutil.rmtree(dst, ignore_errors=True)
        subprocess.run([str(exe), "ingest", str(seasons / name), "--out", str(dst), "--no-progress"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        print(f"{name}: ingested into {dst}")


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order (provenance first), so that the order the files were read in does not count."""
    keys = [c for c in ("source_file", "source_sheet", "source_row", "unit", "name", "staff_id") if c in df.columns]
    rest = [c for c in df.columns if c not in keys]
    return df.sort_values(keys + rest, kind="stable", na_position="last").reset_index(drop=True)


def compare_table(name: str, before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What differs between two versions of one table, in words (empty: equal)."""
    if list(before.columns) != list(after.columns):
        return [f"{name}: columns {list(before.columns)} != {list(after.columns)}"]
    if name == "rejects":
        crashed = before["reason"].fillna("").str.startswith(OLD_CRASH)
        keys = ["source_file", "source_sheet", "source_row"]
        b_old = _sorted(before[crashed])
        a_same = after.merge(b_old[keys], on=keys, how="inner")
        problems = []
        if len(a_same) != len(b_old):
            problems.append(f"rejects: {len(b_old)} rows were 'sheet failed', {len(a_same)} of them found after")
        elif not _sorted(a_same).drop(columns="reason").equals(b_old.drop(columns="reason")):
            problems.append("rejects: the former 'sheet failed' rows differ beyond their reason")
        if after.loc[after["reason"].fillna("").str.startswith(OLD_CRASH)].shape[0]:
            problems.append("rejects: 'sheet failed' still appears after")
        before = before[~crashed]
        after = after.merge(b_old[keys], on=keys, how="left", indicator=True)
        after = after[after["_merge"] == "left_only"].drop(columns="_merge")
        if not _sorted(before).equals(_sorted(after)):
            problems.append(_diff(name, before, after))
        return problems
    if name == "submissions":
        # a sheet whose processing crashed was 'rejected' with the crash as its message: those rows may change
        crashed = before["message"].fillna("").str.contains(OLD_CRASH)
        before, after = _without_crashed(before, after, crashed)
    return [] if _sorted(before).equals(_sorted(after)) else [_diff(name, before, after)]


def _without_crashed(before: pd.DataFrame, after: pd.DataFrame, crashed: pd.Series) -> tuple[pd.DataFrame, ...]:
    keys = ["source_file", "source_sheet"]
    gone = before.loc[crashed, keys]
    after = after.merge(gone, on=keys, how="left", indicator=True)
    return before[~crashed], after[after["_merge"] == "left_only"].drop(columns="_merge")


def _diff(name: str, before: pd.DataFrame, after: pd.DataFrame) -> str:
    b, a = _sorted(before), _sorted(after)
    if len(b) != len(a):
        return f"{name}: {len(b)} rows before, {len(a)} after"
    cols = [c for c in b.columns if not b[c].equals(a[c])]
    first = cols[0]
    i = int((b[first].astype("object").fillna("<NA>") != a[first].astype("object").fillna("<NA>")).idxmax())
    return f"{name}: columns differ {cols}; first at row {i}: {b.loc[i, first]!r} != {a.loc[i, first]!r}"


def compare(before: Path, after: Path) -> int:
    bad = 0
    for season in SEASONS:
        for name in TABLES:
            problems = compare_table(name, pd.read_parquet(before / season / f"{name}.parquet"),
                                     pd.read_parquet(after / season / f"{name}.parquet"))
            n = len(pd.read_parquet(after / season / f"{name}.parquet"))
            print(f"{season:12s} {name:18s} {n:7d} rows  " + ("equal" if not problems else "; ".join(problems)))
            bad += bool(problems)
    print("SAME TABLES" if not bad else f"{bad} tables differ")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("seasons").add_argument("out", type=Path)
    s = sub.add_parser("snapshot")
    s.add_argument("seasons", type=Path)
    s.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    a = p.parse_args(argv)
    if a.cmd == "seasons":
        make_seasons(a.out)
        return 0
    if a.cmd == "snapshot":
        snapshot(a.seasons, a.out)
        return 0
    return compare(a.before, a.after)


if __name__ == "__main__":
    sys.exit(main())
