"""The consolidated registry (备案信息汇总表): the department's own workbooks of every filed platform.

``write_registry`` writes two workbooks in the official layout:

- ``网络媒体平台备案信息汇总表.xlsx`` (Annex 2, ``platforms``): a 汇总 sheet of counts by
  unit x platform class (totals row and column), then one sheet per class 1-7 named
  ``<n>-<class name>`` (``1-学校域名网站`` ...), plus ``未分类`` when some rows have no valid class.
- ``师生网络媒体平台备案信息汇总表.xlsx`` (Annex 3, ``personal_accounts``): the same layout.

Class sheets have 序号, Chinese headers (``schema.toml`` ``zh``; codes shown as Chinese:
平台分类, 主体类型, 运行状态, 身份), frozen header and filters, rows sorted by unit then name
(pinyin order). Every clean row appears on exactly one class sheet, so the class sheets add
up to the input and the summary's grand total equals its length.

**Phones are NOT masked here**: the registry is the department's internal dynamic
management archive (动态管理档案) and needs the operators' numbers. Do not publish these
workbooks; shareable outputs go through :mod:`netmedia.report.privacy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from netmedia import schema
from netmedia.config import Config
from netmedia.report.xlsx import SheetSpec, write_workbook

PLATFORMS_FILE = "网络媒体平台备案信息汇总表.xlsx"
PERSONAL_FILE = "师生网络媒体平台备案信息汇总表.xlsx"
SUMMARY_SHEET = "汇总"
UNCLASSIFIED = "未分类"
NO_UNIT = "（未填写单位）"
TOTAL = "合计"

# Codes in the clean tables -> the words shown in the registry, the Annex 1 forms and the charts: the first word of
# each code in data/categories.toml.
OWNER_KIND_ZH = dict(schema.choice_words("owner_kind_words"))  # 单位 / 学生组织
# 正常运行 / 停用 / 已注销, and 未知 for a status no word names
STATUS_ZH = dict(schema.choice_words("status") + schema.choice_words("status_unknown"))
HOLDER_ROLE_ZH = dict(schema.choice_words("holder_role"))  # 教职工 / 学生
_CODE_MAPS = {"owner_kind": OWNER_KIND_ZH, "status": STATUS_ZH, "holder_role": HOLDER_ROLE_ZH,
              "round_status": dict(schema.choice_words("round_status"))}  # 无变化 / 有变更 / 已注销 / 新增

# Columns shown on class sheets (clean column order minus what the sheet itself says).
_HIDDEN = {"platform_class"}
_HEADER_OVERRIDES = {"category": "平台分类"}
_FIXED_WIDTHS = {"seq": 6, "source_row": 7, "followers": 10, "last_updated_on": 12, "opened_on": 12}

TITLES = {
    "platforms": "{name}网络媒体平台备案信息汇总表（{year}年度）",
    "personal_accounts": "{name}师生网络媒体平台备案信息汇总表（{year}年度）",
}


@cache
def _pinyin_key(s: str) -> str:
    try:
        from pypinyin import lazy_pinyin

        return " ".join(lazy_pinyin(s))
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        return s


def _sort_key(values: pd.Series) -> pd.Series:
    return values.map(
        lambda v: "\uffff" if v is None or (not isinstance(v, str) and pd.isna(v)) else _pinyin_key(str(v))
    )


def platform_class_of(df: pd.DataFrame) -> pd.Series:
    """Platform class 1-7 of each row (Int64, NA when unknown): ``platform_class`` when valid, else from ``category``."""
    valid = set(schema.class_names())
    out = pd.Series(pd.NA, index=df.index, dtype="Int64")
    if "platform_class" in df.columns:
        pc = pd.to_numeric(df["platform_class"], errors="coerce").astype("Int64")
        out = pc.where(pc.isin(valid))
    if "category" in df.columns:
        from_cat = df["category"].map(lambda c: schema.class_of(c) if isinstance(c, str) else None, na_action="ignore")
        from_cat = pd.to_numeric(from_cat, errors="coerce").astype("Int64")
        out = out.fillna(from_cat)
    return out.where(out.isin(valid)).astype("Int64")


def class_sheet_name(n: int) -> str:
    """``1-学校域名网站`` for class 1."""
    return f"{n}-{schema.class_names()[n]}"


def _units_column(df: pd.DataFrame) -> pd.Series:
    if "unit" not in df.columns:
        return pd.Series(NO_UNIT, index=df.index, dtype=object)
    return df["unit"].astype(object).map(lambda u: u if isinstance(u, str) and u.strip() else NO_UNIT)


def _display_frame(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows sorted unit then name, codes shown in Chinese, with 序号; plus column -> Chinese header."""
    zh = schema.zh_headers(table)
    cols = [c for c in schema.output_columns(table) if c in df.columns and c not in _HIDDEN]
    out = df[cols].copy()
    if "category" in out.columns:
        out["category"] = out["category"].map(schema.category_zh, na_action="ignore")
    for c, mapping in _CODE_MAPS.items():
        if c in out.columns:
            out[c] = out[c].map(lambda v, m=mapping: m.get(v, v), na_action="ignore")
    keys = pd.DataFrame(
        {
            "u": _sort_key(out["unit"]) if "unit" in out.columns else "",
            "n": _sort_key(out["platform_name"]) if "platform_name" in out.columns else "",
            "f": out["source_file"].astype(object).fillna("") if "source_file" in out.columns else "",
            "r": pd.to_numeric(out["source_row"], errors="coerce") if "source_row" in out.columns else 0,
        },
        index=out.index,
    )
    order = keys.sort_values(["u", "n", "f", "r"], kind="stable", na_position="last").index
    out = out.loc[order].reset_index(drop=True)
    out.insert(0, "seq", pd.array(range(1, len(out) + 1), dtype="Int64"))
    headers = {"seq": "序号", **{c: _HEADER_OVERRIDES.get(c, zh.get(c, c)) for c in cols}}
    return out, headers


def summary_frame(df: pd.DataFrame, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts by unit (rows) x platform class (columns ``<n>-<name>``), with a 合计 column and a 合计 row.

    Roster units (``units``) with no row appear with zeros, so a unit that filed nothing shows up.
    A 未分类 column is added only when some rows have no valid class.
    """
    classes = platform_class_of(df)
    unit = _units_column(df)
    label = classes.map(lambda n: class_sheet_name(int(n)), na_action="ignore").astype(object).fillna(UNCLASSIFIED)
    class_cols = [class_sheet_name(n) for n in sorted(schema.class_names())]
    if (label == UNCLASSIFIED).any():
        class_cols.append(UNCLASSIFIED)
    counts = pd.crosstab(unit, label) if len(df) else pd.DataFrame()
    counts = counts.reindex(columns=class_cols, fill_value=0)
    counts.columns.name = None
    roster = []
    if units is not None and "unit" in units.columns:
        roster = [u for u in units["unit"].dropna().astype(str) if u.strip()]
    all_units = list(dict.fromkeys([*counts.index.astype(str), *roster]))
    all_units.sort(key=lambda u: (u == NO_UNIT, _pinyin_key(u)))
    counts = counts.reindex(all_units, fill_value=0)
    counts[TOTAL] = counts.sum(axis=1)
    counts.loc[TOTAL] = counts.sum(axis=0)
    counts = counts.astype("Int64")
    counts.index.name = "unit"
    return counts.reset_index()


def _class_sheet_spec(frame: pd.DataFrame, headers: Mapping[str, str], title: str) -> SheetSpec:
    return SheetSpec(
        frame,
        headers=headers,
        title=title,
        autofit=True,
        max_width=40,
        widths={c: w for c, w in _FIXED_WIDTHS.items() if c in frame.columns},
        freeze_cols=0,
        column_formats={"seq": {"align": "center"}},
        landscape=True,
    )


def _summary_spec(summary: pd.DataFrame, title: str, noun: str) -> SheetSpec:
    headers = {"unit": "单位名称", TOTAL: TOTAL}
    widths = {"unit": 28, **{c: max(10, len(c) * 2 + 2) for c in summary.columns if c != "unit"}}
    return SheetSpec(
        summary,
        headers=headers,
        title=title,
        notes=[f"各单位{noun}数量（按平台类别）；最后一行、最后一列为合计。"],
        widths=widths,
        borders=True,
        landscape=True,
        freeze_cols=1,
        header_height=30,
        column_formats={TOTAL: {"bold": True, "bg_color": "#F2F2F2"}},
        row_formats={len(summary) - 1: {"bold": True, "bg_color": "#F2F2F2"}},
        autofilter=False,
    )


def registry_sheets(
    table: str, df: pd.DataFrame, config: Config, units: pd.DataFrame | None = None
) -> dict[str, SheetSpec]:
    """The sheets of one registry workbook: 汇总, then one per class 1-7 (and 未分类 if needed)."""
    noun = "网络媒体平台" if table == "platforms" else "师生个人网络媒体平台"
    title = TITLES[table].format(name=config.institution.name_zh, year=config.round.year)
    sheets: dict[str, SheetSpec] = {SUMMARY_SHEET: _summary_spec(summary_frame(df, units), title + " — 汇总", noun)}
    classes = platform_class_of(df)
    for n in sorted(schema.class_names()):
        name = class_sheet_name(n)
        frame, headers = _display_frame(table, df[classes == n].reset_index(drop=True) if len(df) else df)
        sheets[name] = _class_sheet_spec(frame, headers, f"{title} — {name}")
    rest = classes.isna()
    if rest.any():
        frame, headers = _display_frame(table, df[rest.to_numpy()].reset_index(drop=True))
        sheets[UNCLASSIFIED] = _class_sheet_spec(frame, headers, f"{title} — {UNCLASSIFIED}（平台类型无法识别）")
    return sheets


def write_registry(tables: Mapping[str, pd.DataFrame], out_dir: str | Path, config: Config) -> list[Path]:
    """Write the consolidated registry workbooks to ``out_dir``; returns their paths.

    ``tables``: clean tables by name; ``platforms`` -> :data:`PLATFORMS_FILE`, ``personal_accounts``
    -> :data:`PERSONAL_FILE` (a workbook is written for each table present, even if empty);
    ``units`` (optional roster) adds units with no rows to the summaries.

    Phones are written in full (NOT masked): this is the department's internal registry.
    """
    out = Path(out_dir)
    units = tables.get("units")
    written: list[Path] = []
    for table, fname in (("platforms", PLATFORMS_FILE), ("personal_accounts", PERSONAL_FILE)):
        df = tables.get(table)
        if df is None:
            continue
        written.append(write_workbook(out / fname, registry_sheets(table, df, config, units)))
    return written
