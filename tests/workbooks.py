"""Workbooks written from literal cell tables, for the tests of the table reader and the column roles."""

from __future__ import annotations

import io

import openpyxl


def book(
    *sheets: tuple[str, list[list[object]]],
    merges: dict[str, list[str]] | None = None,
    states: dict[str, str] | None = None,
) -> bytes:
    """Workbook bytes: each sheet's rows from row 1 (None = blank cell, [] = blank row), its merged ranges
    (``merges[sheet]``, e.g. ``["A2:H2"]``) and its state (``states[sheet]``: ``"hidden"``)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(r, c, v)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if states and name in states:
            ws.sheet_state = states[name]
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()
