"""``clean_tables.xlsx``: the clean tables in one workbook for people to look at (the Parquet files are canonical)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netmedia import schema
from netmedia.report.xlsx import SheetSpec, write_workbook

FILE_NAME = "clean_tables.xlsx"


def write_clean_workbook(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """One sheet per table, each column headed by its Chinese name above its canonical name."""
    path = Path(out_dir) / FILE_NAME
    write_workbook(path, {
        name: SheetSpec(df, headers={c: f"{zh}\n{c}" for c, zh in schema.zh_headers(name).items()})
        for name, df in tables.items()
    })
    return path
