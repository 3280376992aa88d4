"""Pre-filled templates for the next round: one workbook per roster unit, holding what it registered this round.

The notice asks for a dynamic archive: a unit confirms or corrects what it registered instead of typing it again.
Each unit gets ``<unit>.xlsx`` with one sheet per table that has ``template_sheet`` in ``schema.toml`` (its rows
of the clean tables pre-filled, a blank sheet when it registered nothing), a hidden, locked ``record_id`` column
(the row's identity across rounds), a 本轮状态 dropdown (pre-filled rows: 无变化), dropdowns and input messages
driven by the schema's ``choices`` and ``input`` keys, header rows protected and data rows editable (rows can be
inserted), data sheets that print one page wide (:func:`netmedia.report.xlsx.print_setup`) with columns fitted
to their header and pre-filled values within bounds (a longer value wraps, so a printed page hides nothing), a
填表说明 sheet and the hidden stamp (:mod:`netmedia.extract.stamp`) from which the ingest reads the returned
workbook by its layout, without guessing its header.

The words (title, instructions, input messages, sheet names, version) are in ``data/templates.toml``. Only
xlsxwriter's public API is used; values go through :func:`netmedia.report.xlsx.cell_value` and formula-like text
gets the quote prefix, as in every other workbook netmedia writes.

The templates keep phones in full: each goes only to the unit whose data it holds, and a masked phone returned
as 无变化 would read as a change.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from netmedia import paths, schema
from netmedia.config import Config
from netmedia.extract.stamp import STAMP_SHEET, SheetLayout, Stamp
from netmedia.report.xlsx import (
    DATE_FORMAT,
    LINE_HEIGHT,
    QUOTE_PREFIX,
    WORKBOOK_OPTIONS,
    Formats,
    RichLookAlike,
    cell_value,
    fits,
    fitted_width,
    needs_quote_prefix,
    print_setup,
    wrapped_lines,
)

#: Excel's limit on the text of an inline dropdown list (the words and their commas).
INLINE_LIST_MAX = 255
TITLE_ROW, HEADER_ROW = 0, 1  # 0-based rows of each data sheet; data from the row below the header
ROUND_STATUS = "round_status"  # the column whose pre-filled rows say 无变化 (its code below)
PREFILLED_STATUS = "unchanged"
_FILE_CHARS = str.maketrans({c: "_" for c in '\\/:*?"<>|'})

_HEAD = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter", "locked": True}
_TITLE = {"bold": True, "font_size": 13, "valign": "vcenter", "locked": True}
_DATA = {"locked": False, "valign": "top"}  # top: a row grown by a wrapped cell reads from its top line
_HIDDEN_ID = {"locked": True}
_WRAP = {"text_wrap": True}  # a pre-filled value wider than its column


@cache
def wording() -> dict:
    """The templates' words and layout numbers (``data/templates.toml``)."""
    return tomllib.loads((paths.PACKAGE_DATA / "templates.toml").read_text(encoding="utf-8"))


def next_round(config: Config) -> str:
    """The round a template made from this round's tables is for: the next number when the configured round's
    name is a number ("2023" -> "2024"), else the name with ``next_round_suffix``."""
    name = config.round.name
    return str(int(name) + 1) if name.isdigit() else name + wording()["next_round_suffix"]


def template_columns(table: str) -> tuple[schema.Column, ...]:
    """The columns a unit types in ``table``'s sheet (``template = false`` ones are derived by the ingest)."""
    return tuple(c for c in schema.columns(table) if c.template)


def header_label(c: schema.Column) -> str:
    """The label above a column of a template's sheet (the stamp keeps it, to check a returned sheet's columns)."""
    return wording()["record_id_header"] if c.template_hidden else c.zh


def stamp_for(unit: str, config: Config) -> Stamp:
    """The stamp of ``unit``'s template: made from this round, for the next."""
    w = wording()
    layouts = {sheet: SheetLayout(table, HEADER_ROW + 1, tuple(c.name for c in template_columns(table)),
                                  tuple(header_label(c) for c in template_columns(table)))
               for table, sheet in schema.template_tables().items()}
    return Stamp("template", str(w["version"]), next_round(config), unit, layouts, source_round=config.round.name,
                 aside=(w["sheets"]["instructions"], w["sheets"]["lists"]))


def file_name(unit: str) -> str:
    """``<unit>.xlsx`` with the characters a file name cannot hold replaced."""
    return f"{unit.translate(_FILE_CHARS).strip() or '_'}.xlsx"


def write_templates(tables: Mapping[str, pd.DataFrame], out_dir: str | Path, config: Config) -> list[Path]:
    """One template per roster unit (``tables["units"]``) under ``out_dir``, pre-filled with its rows of every
    template table in ``tables`` (a table not there, or a unit with no rows, gives a blank sheet). Rows marked
    closed this round are not carried forward."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    units = list(dict.fromkeys(tables["units"]["unit"].dropna()))
    frames = {t: _open_rows(tables.get(t)) for t in schema.template_tables()}
    written = []
    for unit in units:
        mine = {t: df[df["unit"] == unit] if df is not None else None for t, df in frames.items()}
        written.append(write_template(out / file_name(unit), unit, mine, config))
    return written


def _open_rows(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """The rows still registered: all but those whose 本轮状态 said closed."""
    if df is None or ROUND_STATUS not in df.columns:
        return df
    return df[df[ROUND_STATUS].ne("closed").fillna(True)]


def write_template(path: Path, unit: str, frames: Mapping[str, pd.DataFrame | None], config: Config) -> Path:
    """``unit``'s template at ``path``: instructions, one sheet per template table, the dropdown lists and the
    stamp."""
    w = wording()
    stamp = stamp_for(unit, config)
    with xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": False}) as wb:  # filled by column
        fmts = Formats(wb)
        _instructions(wb.add_worksheet(w["sheets"]["instructions"]), stamp, fmts)
        lists = ListSheet(wb, w["sheets"]["lists"])
        for sheet, layout in stamp.sheets.items():
            _data_sheet(wb.add_worksheet(sheet), sheet, layout, frames.get(layout.table), stamp, config, fmts, lists)
        lists.write()
        ws = wb.add_worksheet(STAMP_SHEET)
        for r, row in enumerate(stamp.rows()):
            for j, v in enumerate(row):
                ws.write_string(r, j, v)
        ws.hide()
    return path


class ListSheet:
    """The hidden sheet of the dropdown lists too long to be written inline, one column per list."""

    def __init__(self, wb: xlsxwriter.Workbook, name: str) -> None:
        self.wb, self.name = wb, name
        self.columns: dict[str, tuple[str, ...]] = {}

    def source(self, vocabulary: str, words: tuple[str, ...]) -> str | list[str]:
        """The ``source`` of a list validation: the words inline when short enough, else a range of this
        sheet."""
        if len(",".join(words)) <= INLINE_LIST_MAX:
            return list(words)
        self.columns.setdefault(vocabulary, words)
        j = list(self.columns).index(vocabulary)
        col = xlsxwriter.utility.xl_col_to_name(j)
        return f"='{self.name}'!${col}$2:${col}${len(words) + 1}"

    def write(self) -> None:
        if not self.columns:
            return
        ws = self.wb.add_worksheet(self.name)
        for j, (vocabulary, words) in enumerate(self.columns.items()):
            ws.write_string(0, j, vocabulary)
            for i, word in enumerate(words, start=1):
                ws.write_string(i, j, word)
        ws.hide()


def _instructions(ws: Worksheet, stamp: Stamp, fmts: Formats) -> None:
    ws.set_column(0, 0, 110)
    for r, line in enumerate(wording()["instructions"]):
        text = line.format(unit=stamp.unit, round=stamp.round, source_round=stamp.source_round)
        ws.write_string(r, 0, text, fmts.get({"text_wrap": True, "bold": r == 0}))
    ws.activate()


def _data_sheet(ws: Worksheet, sheet: str, layout: SheetLayout, df: pd.DataFrame | None, stamp: Stamp,
                config: Config, fmts: Formats, lists: ListSheet) -> None:
    """One table's sheet: title, header, the pre-filled rows, and the dropdowns, input messages and protection of
    the data rows."""
    w = wording()
    cols = template_columns(layout.table)
    n = 0 if df is None else len(df)
    first, last = HEADER_ROW + 1, HEADER_ROW + n + int(w["blank_rows"])
    title = w["title"].format(institution=config.institution.name_zh, round=stamp.round, unit=stamp.unit, sheet=sheet)
    ws.set_row(TITLE_ROW, 22)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, len(cols) - 1, cell_value(title), fmts.get(_TITLE))
    values = [_prefilled(c, df) for c in cols]
    lines = [1] * n  # lines of each pre-filled row
    for j, c in enumerate(cols):
        ws.write_string(HEADER_ROW, j, header_label(c), fmts.get(_HEAD))
        width = column_width(header_label(c), values[j])
        ws.set_column(j, j, width, fmts.get(_cell_props(c)), {"hidden": c.template_hidden})
        _validation(ws, c, first, last, j, lists)
        _write_column(ws, j, _cell_props(c), values[j], width, first, fmts)
        if not c.template_hidden:
            lines = [max(k, wrapped_lines(v, width) if v is not None else 1)
                     for k, v in zip(lines, values[j], strict=True)]
    for i, k in enumerate(lines):
        if k > 1:
            ws.set_row(first + i, LINE_HEIGHT * k)  # a wrapped row as tall as its text (no file grows it itself)
    ws.freeze_panes(first, 0)
    print_setup(ws, HEADER_ROW)
    ws.protect("", {"insert_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})


def _cell_props(c: schema.Column) -> dict[str, object]:
    """The format of a column's data cells: unlocked (a hidden one locked), dates as dates."""
    props = _HIDDEN_ID if c.template_hidden else _DATA
    return {**props, "num_format": DATE_FORMAT} if c.dtype == "date" else props


def column_width(label: str, values: list[object]) -> float:
    """A column's printed width: fitted to its header label and its pre-filled values
    (:func:`netmedia.report.xlsx.fitted_width`), between ``[columns] min_width`` and ``max_width`` of
    ``templates.toml``; a longer value wraps in its cell (:func:`_write_column`)."""
    bounds = wording()["columns"]
    return fitted_width(label, pd.Series(values, dtype=object), bounds["max_width"], bounds["min_width"])


def _prefilled(c: schema.Column, df: pd.DataFrame | None) -> list[object]:
    """A column's pre-filled cells as written (``schema.toml``: ``template_from``, else codes as their dropdown
    words; 本轮状态 as 无变化; dates as dates); none for a blank sheet."""
    if df is None:
        return []
    words = dict(schema.choice_words(c.choices)) if c.choices else {}
    if c.name == ROUND_STATUS:
        values = [words[PREFILLED_STATUS]] * len(df)
    elif c.template_from or not c.choices:
        values = list(map(cell_value, df[c.template_from or c.name]))
    else:
        values = [words.get(v) for v in map(cell_value, df[c.name])]
    if c.dtype == "date":
        values = [v.date() if isinstance(v, dt.datetime) else v for v in values]
    return values


def _write_column(ws: Worksheet, j: int, props: Mapping[str, object], values: list[object], width: float,
                  first: int, fmts: Formats) -> None:
    """Column ``j``'s pre-filled cells from row ``first``: a value wider than the column wraps (the row grows, so
    a printed page hides nothing), formula-like text gets the quote prefix."""
    for i, v in enumerate(values):
        if v is None:
            continue
        cell = {**props, **_WRAP} if not fits(v, width) else dict(props)
        fmt = fmts.get({**cell, **QUOTE_PREFIX} if needs_quote_prefix(v) else cell)
        if isinstance(v, RichLookAlike):  # xlsxwriter would store "<r>…</r>" as rich-text XML
            ws.write_rich_string(first + i, j, "<", fmt, "r>", fmt, v[3:], fmt)
        else:
            ws.write(first + i, j, v, fmt)


def _validation(ws: Worksheet, c: schema.Column, first: int, last: int, j: int, lists: ListSheet) -> None:
    """The dropdown and/or input message of column ``j`` over the data rows."""
    kind = c.input or ("date" if c.dtype == "date" else None)
    message = wording()["input_message"].get(kind) if kind else None
    opts: dict[str, object] = {"validate": "any"}
    if c.choices:
        words = tuple(word for _, word in schema.choice_words(c.choices))
        opts = {"validate": "list", "source": lists.source(c.choices, words), "error_type": "stop"}
    if message:
        opts.update(input_title=message["title"], input_message=message["message"])
    if c.choices or message:
        ws.data_validation(first, j, last, j, opts)
