"""Excel export benchmark: ``write_workbook`` against xlsxwriter's own row loop (``make bench``; not in ``make test``).

The six clean tables of a 1,000-workbook season are written to one workbook twice, in interleaved rounds:

  ours   ``netmedia.report.xlsx.write_workbook`` with the sheets ``clean_tables.xlsx`` has (Chinese headers):
         frames in, file out, conversion of the columns included
  bare   xlsxwriter alone, the same workbook options: ``write_row`` of the header and of every row, the rows
         converted to Python lists (the same cell values) before the clock starts

Target (issue 12): ours <= 1.5x bare, as the median of the per-round ratios (on a shared VM the speed drifts
within minutes, so each ratio is taken within one round). The season is the one ``benchmarks/same_tables.py``
makes (60 generated units, copied to 1,000 workbooks) ingested by the ``netmedia ingest`` command, made under
``benchmarks/work/`` when ``--tables`` is not given. Results: ``benchmarks/results/export.json``; exit status 1
when the target is missed.

    python benchmarks/bench_export.py
    python benchmarks/bench_export.py --tables /work/before/season_1000 --rounds 9
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import xlsxwriter

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "export"
RESULTS = HERE / "results"
TABLES = ("platforms", "personal_accounts", "submissions", "rejects", "units", "staff")
WORKBOOKS = 1_000
TARGET = 1.5


def season_tables() -> Path:
    """The clean tables of a 1,000-workbook season, made once under ``benchmarks/work/export/``."""
    clean = WORK / "clean"
    if all((clean / f"{t}.parquet").exists() for t in TABLES):
        return clean
    from same_tables import _copies

    from netmedia.samples import generate

    demo, raw = WORK / "demo", WORK / "season_1000"
    if not demo.exists():
        generate(demo, n_units=60, seed=0)
    if not raw.exists():
        _copies(demo, raw, WORKBOOKS)
    exe = Path(sys.executable).with_name("netmedia")
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
    subprocess.run([str(exe), "ingest", str(raw), "--out", str(clean), "--no-progress"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return clean


def load(clean: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(clean / f"{name}.parquet") for name in TABLES}


def headers(name: str) -> dict[str, str]:
    """The header row of ``clean_tables.xlsx``: Chinese name over the column name."""
    from netmedia import schema

    return {c: f"{zh}\n{c}" for c, zh in schema.zh_headers(name).items()}


def _timed(fn, *args) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``fn(*args)`` (CPU time is less disturbed by the VM's other tenants)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def write_ours(frames: dict[str, pd.DataFrame], path: Path) -> None:
    from netmedia.report.xlsx import SheetSpec, clean_text, write_workbook

    clean_text.cache_clear()  # as in a run: the export happens once per process
    write_workbook(path, {name: SheetSpec(df, headers=headers(name)) for name, df in frames.items()})


def bare_rows(frames: dict[str, pd.DataFrame]) -> dict[str, list[list[object]]]:
    """Each table as the header row plus its rows as lists of the cell values ``write_workbook`` writes."""
    from netmedia.report.xlsx import column_cells

    out = {}
    for name, df in frames.items():
        head = headers(name)
        columns = [column_cells(df[c]) for c in df.columns]
        out[name] = [[head.get(c, c) for c in df.columns], *(list(r) for r in zip(*columns, strict=True))]
    return out


def write_bare(rows: dict[str, list[list[object]]], path: Path) -> None:
    from netmedia.report.xlsx import WORKBOOK_OPTIONS

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    for name, table in rows.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(table):
            ws.write_row(i, 0, row)
    wb.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=Path, help="folder with the six clean tables (.parquet); default: made here")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS / "export.json")
    a = ap.parse_args(argv)
    clean = a.tables or season_tables()
    frames = load(clean)
    rows = bare_rows(frames)
    cells = sum(df.size for df in frames.values())
    times: dict[str, list[float]] = {"ours": [], "bare": [], "ours_cpu": [], "bare_cpu": []}
    with tempfile.TemporaryDirectory() as tmp:
        ours_path, bare_path = Path(tmp) / "ours.xlsx", Path(tmp) / "bare.xlsx"
        write_ours(frames, ours_path)  # warm-up: imports, first-use costs
        write_bare(rows, bare_path)
        for k in range(a.rounds):
            runs = [("ours", write_ours, frames, ours_path), ("bare", write_bare, rows, bare_path)]
            for name, fn, data, path in runs[:: 1 - 2 * (k % 2)]:  # alternate which goes first
                wall, cpu = _timed(fn, data, path)
                times[name].append(wall)
                times[f"{name}_cpu"].append(cpu)
            o, b = times["ours"][-1], times["bare"][-1]
            print(f"round {k + 1}: write_workbook {o:.3f} s  bare write_row loop {b:.3f} s  ratio {o / b:.2f}  "
                  f"(CPU {times['ours_cpu'][-1] / times['bare_cpu'][-1]:.2f})", flush=True)
        sizes = {"ours": ours_path.stat().st_size, "bare": bare_path.stat().st_size}
    ratios = [o / b for o, b in zip(times["ours"], times["bare"], strict=True)]
    cpu_ratios = [o / b for o, b in zip(times["ours_cpu"], times["bare_cpu"], strict=True)]
    ratio = statistics.median(ratios)
    met = ratio <= TARGET
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "xlsxwriter": xlsxwriter.__version__},
        "tables": str(clean.resolve().relative_to(HERE.parent)) if clean.resolve().is_relative_to(HERE.parent) else str(clean),
        "rows": {name: len(df) for name, df in frames.items()},
        "cells": cells,
        "rounds": a.rounds,
        "seconds": times,
        "median_seconds": {k: statistics.median(v) for k, v in times.items()},
        "ratios": ratios,
        "median_ratio": ratio,
        "cpu_ratios": cpu_ratios,
        "median_cpu_ratio": statistics.median(cpu_ratios),
        "file_bytes": sizes,
        "target": TARGET,
        "met": met,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1))
    print(f"{cells:,} cells; median write_workbook {result['median_seconds']['ours']:.3f} s, bare loop "
          f"{result['median_seconds']['bare']:.3f} s")
    print(f"target write_workbook <= {TARGET}x the bare write_row loop: median ratio {ratio:.2f}x  "
          f"{'met' if met else 'MISSED'} (CPU time: {result['median_cpu_ratio']:.2f}x)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
