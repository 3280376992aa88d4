"""The vocabulary report: the words of a season the vocabulary did not know, for the analyst to teach it.

Two kinds of word, each counted once per folded text (:func:`netmedia.transform.text.fold`: 運行狀態 and
运行状态 are one word) with where it was first seen:

- 未识别表头: a header label that named no column (``column`` null in ``submissions.column_map``), or whose
  column only its values decided (basis ``values``): the header vocabulary does not know the label either way.
  Labels in ``ignore_headers`` and the package's row-number labels (序号) are left out.
- 未归类平台类型: a typed platform type that named no category (``category_source`` other than ``type``; before
  that column existed: category ``other``), whatever then decided the row's category.

The analyst adds each word to ``config/vocabulary.toml`` under what it means (the column 加入位置 says where) and
runs the ingest again: the word is then matched and leaves the report. The report is the sheet 词汇报告 of
``clean_tables.xlsx`` and is shown in notebook 01.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from netmedia import schema
from netmedia.schema import Vocabulary
from netmedia.transform.text import fold, line

SHEET_NAME = "词汇报告"
HEADER, TYPE = "未识别表头", "未归类平台类型"
COLUMNS = ("类别", "文本", "次数", "加入位置", "来源文件", "工作表", "行号", "列")
_SECTION = {"2": "platforms", "3": "personal_accounts"}  # a sheet's annex -> its [headers.<table>]


def vocabulary_report(tables: Mapping[str, pd.DataFrame], vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """The report (columns :data:`COLUMNS`, Chinese) of the clean ``tables``: the unknown header labels, then the
    unclassified platform types, each kind by count (most first), then by first appearance.

    ``vocabulary``: the words in use, for its ``ignore_headers`` (default: the installed ones,
    :func:`netmedia.schema.vocabulary`).
    """
    vocab = vocabulary if vocabulary is not None else schema.vocabulary()
    ignored = {fold(w) for w in (*vocab.ignore_headers, *schema.row_number_labels())}
    seen: dict[tuple[str, str], dict] = {}
    for entry in (*_header_words(tables.get("submissions"), ignored), *_type_words(tables)):
        key = (entry["类别"], fold(entry["文本"]))
        if key in seen:
            seen[key]["次数"] += 1
        else:
            seen[key] = {**entry, "次数": 1}
    df = pd.DataFrame(list(seen.values()), columns=list(COLUMNS))
    df["次数"] = df["次数"].astype("int64")
    df["行号"] = df["行号"].astype("Int64")
    order = df["类别"].map({HEADER: 0, TYPE: 1})
    df = df.assign(_k=order).sort_values(["_k", "次数"], ascending=[True, False], kind="stable")
    return df.drop(columns="_k").reset_index(drop=True)


def _header_words(subs: pd.DataFrame | None, ignored: set[str]) -> Iterator[dict]:
    """One entry per sheet column whose label the header vocabulary does not know (``submissions.column_map``)."""
    if subs is None or "column_map" not in subs.columns:
        return
    for file, sheet, annex, cmap in subs[["source_file", "source_sheet", "annex", "column_map"]].itertuples(
            index=False):
        for col in _entries(cmap):
            label = line(str(col.get("label") or ""))
            if not fold(label) or fold(label) in ignored:
                continue
            column = col.get("column")
            if column is not None and col.get("basis") != "values":
                continue
            section = _SECTION.get(str(annex))
            where = (f"[headers.{section}] {column or '<列名>'}" if section
                     else "[headers.platforms] 或 [headers.personal_accounts]")
            yield {"类别": HEADER, "文本": label, "加入位置": where, "来源文件": file, "工作表": sheet,
                   "行号": col.get("row"), "列": col.get("col")}


def _entries(cmap: object) -> list[dict]:
    """The column objects of one ``column_map`` cell (JSON text; blank: none)."""
    if not isinstance(cmap, str) or not cmap.strip():
        return []
    return json.loads(cmap)


def _type_words(tables: Mapping[str, pd.DataFrame]) -> Iterable[dict]:
    """One entry per record row whose typed platform type named no category."""
    for name in schema.RECORD_TABLES:
        df = tables.get(name)
        if df is None or df.empty:
            continue
        typed = df["platform_type_raw"].map(lambda v: isinstance(v, str) and fold(v) != "").astype(bool)
        if "category_source" in df.columns:
            unnamed = df["category_source"].astype("str") != "type"
        else:
            unnamed = df["category"] == "other"
        for rec in df.loc[typed & unnamed, ["platform_type_raw", *schema.PROVENANCE]].itertuples(index=False):
            yield {"类别": TYPE, "文本": rec.platform_type_raw, "加入位置": "[platform_types] <分类代码>",
                   "来源文件": rec.source_file, "工作表": rec.source_sheet, "行号": rec.source_row, "列": None}
