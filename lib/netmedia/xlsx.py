"""One safe way to write Excel outputs.

Every workbook the tool writes goes through here so that a hostile account
name such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` stays text (xlsxwriter
with ``strings_to_formulas`` off), URLs are not auto-linked, over-long strings
are cut to Excel's cell limit, and tables get the frozen header and filters an
analyst expects.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

EXCEL_MAX_CHARS = 32_767
EXCEL_MAX_SHEETNAME = 31
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class SheetSpec:
    """A sheet to write: a frame plus presentation details."""

    df: pd.DataFrame
    headers: Mapping[str, str] | None = None  # column -> header shown (Chinese)
    title: str | None = None  # optional title row above the header
    widths: Mapping[str, float] = field(default_factory=dict)
    landscape: bool = False
    wrap: bool = False


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """An Excel-legal, unique sheet name (31 chars, no []:*?/\\)."""
    base = (str(name).translate(_BAD_SHEET_CHARS).strip("'") or "Sheet")[:EXCEL_MAX_SHEETNAME]
    out, i = base, 2
    while taken is not None and out.lower() in {t.lower() for t in taken}:
        suffix = f"({i})"
        out = base[: EXCEL_MAX_SHEETNAME - len(suffix)] + suffix
        i += 1
    if taken is not None:
        taken.add(out)
    return out


def cell_value(v: object) -> object:
    """Convert a pandas value to something xlsxwriter writes verbatim (no formulas, no NaN)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, str):
        return v[:EXCEL_MAX_CHARS]
    if hasattr(v, "item") and not isinstance(v, dt.date):  # numpy scalar
        return v.item()
    return v


def write_workbook(path: str | Path, sheets: Mapping[str, SheetSpec | pd.DataFrame]) -> Path:
    """Write ``sheets`` (name -> frame or SheetSpec) to ``path`` with frozen headers, filters and dates as dates."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "nan_inf_to_errors": True},
    )
    head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    wrap_fmt = wb.add_format({"text_wrap": True, "valign": "top"})
    taken: set[str] = set()
    for name, spec in sheets.items():
        if isinstance(spec, pd.DataFrame):
            spec = SheetSpec(spec)
        ws = wb.add_worksheet(sheet_name(name, taken))
        df = spec.df
        cols = list(df.columns)
        top = 0
        if spec.title:
            ws.write_string(0, 0, spec.title, title_fmt)
            top = 1
        for j, c in enumerate(cols):
            label = (spec.headers or {}).get(c, str(c))
            ws.write_string(top, j, label, head_fmt)
            width = spec.widths.get(c) or min(max(len(str(label)) * 2.2, 8), 40)
            ws.set_column(j, j, width)
        for i, row in enumerate(df.itertuples(index=False, name=None), start=top + 1):
            for j, v in enumerate(row):
                v = cell_value(v)
                if v is None:
                    continue
                if isinstance(v, str):
                    ws.write_string(i, j, v, wrap_fmt if spec.wrap else None)
                elif isinstance(v, dt.datetime):
                    if v.tzinfo is not None:
                        v = v.replace(tzinfo=None)
                    ws.write_datetime(i, j, v, dt_fmt if (v.hour or v.minute) else date_fmt)
                elif isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, int | float):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v)[:EXCEL_MAX_CHARS])
        ws.freeze_panes(top + 1, 0)
        if cols:
            ws.autofilter(top, 0, top + max(len(df), 0), len(cols) - 1)
        if spec.landscape:
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(top)
    wb.close()
    return path
