"""``clean_tables.xlsx``: the clean tables in one workbook for people to look at (the Parquet files are canonical),
with the vocabulary report (sheet 词汇报告: the words the vocabulary did not know) after them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netmedia import schema
from netmedia.report.xlsx import SheetSpec, write_workbook
from netmedia.schema import Vocabulary
from netmedia.validate.vocabulary import SHEET_NAME, vocabulary_report

FILE_NAME = "clean_tables.xlsx"


def write_clean_workbook(tables: dict[str, pd.DataFrame], out_dir: str | Path,
                         vocabulary: Vocabulary | None = None) -> Path:
    """One sheet per table, each column headed by its Chinese name above its canonical name, then the sheet
    :data:`netmedia.validate.vocabulary.SHEET_NAME` (``vocabulary``: the words in use, for ``ignore_headers``;
    default: the installed ones)."""
    path = Path(out_dir) / FILE_NAME
    sheets = {
        name: SheetSpec(df, headers={c: f"{zh}\n{c}" for c, zh in schema.zh_headers(name).items()})
        for name, df in tables.items()
    }
    sheets[SHEET_NAME] = SheetSpec(vocabulary_report(tables, vocabulary), autofit=True)
    write_workbook(path, sheets)
    return path
