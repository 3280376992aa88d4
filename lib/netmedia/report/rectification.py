"""Rectification lists (整改清单): what the department sends back to each unit.

One workbook per unit with findings, ``<out_dir>/整改清单/<unit>.xlsx``. Each
lists the unit's findings, violations (必须整改) before warnings (请核实), with
the rule's Chinese name and requirement, the row as the unit filed it (joined
from the clean table on source_file + source_sheet + source_row), where it was
filed, and an empty, filled column for the unit's reply. Sheets print on A4
landscape, one page wide, header row repeated.

These workbooks leave the department, so phones are masked (``138****0360``):
the phone column, and any phone inside the free-text columns (a mobile used as
an account id, a malformed phone quoted in a finding's detail).

Each list row carries its finding's ``finding_id`` (and rule id) in hidden columns, and the workbook the hidden
stamp (:mod:`netmedia.extract.stamp`, kind ``rectification``, the list sheet's layout): a list a unit sends back
is recognised by the ingest and read by that layout into the ``replies`` table (:mod:`netmedia.transform.replies`).

Rule names, listing order and severity labels come from ``data/rules.toml``
through ``netmedia.validate.findings``; the requirement sentence is the
finding's ``message_zh`` (made from rules.toml by the checks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from netmedia.config import Config
from netmedia.extract.stamp import SheetLayout, Stamp
from netmedia.report.privacy import PersonalDataMasker, mask_phone
from netmedia.report.xlsx import SheetSpec, write_workbook
from netmedia.report.zh import zh_date
from netmedia.validate.findings import FINDING_COLUMNS, rule_name, rules, severity_label, severity_rank
from netmedia.validate.rectification_status import DEFAULT_REPLY_DAYS, reply_deadline_for

__all__ = ["DEFAULT_REPLY_DAYS", "LIST_COLUMNS", "LIST_SHEET", "LIST_TABLE", "LIST_VERSION", "SUBDIR",
           "rectification_frame", "reply_deadline_for", "safe_filename", "write_rectification_lists"]

SUBDIR = "整改清单"
UNKNOWN_UNIT = "未识别单位"
REPLY_FILL = "#FFF2CC"
LIST_SHEET = "整改清单"  # the sheet units fill in
LIST_TABLE = "findings"  # the stamp's table of that sheet: one finding per row
LIST_VERSION = "1"  # the list's layout version (its stamp): a change of LIST_COLUMNS changes it
HIDDEN = ("finding_id", "rule")  # written but hidden: the returned list is read back by them


# Column of the list -> (Chinese header, width)
LIST_COLUMNS: dict[str, tuple[str, float]] = {
    "seq": ("序号", 5),
    "rule_zh": ("问题类型", 12),
    "severity_zh": ("严重程度", 9),
    "requirement": ("整改要求", 28),
    "detail": ("具体情况", 22),
    "platform_name": ("平台名称", 16),
    "account_id": ("账号ID", 13),
    "platform_type": ("平台类型", 10),
    "supervisor": ("主管领导", 8),
    "operator": ("运营管理负责人", 9),
    "phone": ("联系电话", 13),
    "last_updated_on": ("最近更新时间", 11),
    "source_file": ("来源文件", 18),
    "source_sheet": ("工作表", 9),
    "source_row": ("行号", 6),
    "reply": ("单位回复/整改情况", 32),
    "finding_id": ("问题编号", 14),
    "rule": ("规则", 10),
}

# What each record table contributes to the "row as filed" columns (list column -> table column).
_ROW_FIELDS: dict[str, dict[str, str]] = {
    "platforms": {
        "platform_name": "platform_name",
        "account_id": "account_id",
        "platform_type": "platform_type_raw",
        "supervisor": "supervisor",
        "operator": "operator",
        "phone": "operator_phone",
        "last_updated_on": "last_updated_on",
    },
    "personal_accounts": {
        "platform_name": "platform_name",
        "account_id": "account_id",
        "platform_type": "platform_type_raw",
        "operator": "holder_name",  # the person who runs a personal account
        "phone": "phone",
        "last_updated_on": "last_updated_on",
    },
    "groups": {  # an internet group: its owner is named only here, in the unit's own list
        "platform_name": "group_name",
        "platform_type": "group_platform_raw",
        "operator": "owner",
    },
}
_KEY = ["table", "source_file", "source_sheet", "source_row"]
_FREE_TEXT = ("requirement", "detail", "platform_name", "account_id", "supervisor", "operator")


def _rule_order(rule: object) -> int:
    r = rules().get(str(rule))
    return r.order if r else 99


# --- file names ---------------------------------------------------------------------------------

_WIN_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_WIN_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: object, default: str = UNKNOWN_UNIT, max_len: int = 100) -> str:
    """A file-name stem Windows accepts: no \\/:*?"<>| or control characters, no trailing dot or
    space, not a reserved device name, at most ``max_len`` characters."""
    s = "" if name is None or pd.isna(name) else str(name)
    s = _WIN_BAD.sub("", s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(". ").lstrip(" ")
    s = s[:max_len].rstrip(". ")
    if not s:
        s = default
    if _WIN_RESERVED.match(s):
        s = "_" + s
    return s


# --- the list -----------------------------------------------------------------------------------


def _text(v: object) -> object:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    s = str(v).strip()
    return s or None


def _row_lookup(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for table, fields in _ROW_FIELDS.items():
        df = tables.get(table)
        if df is None or not len(df):
            continue
        have = {out: col for out, col in fields.items() if col in df.columns}
        part = pd.DataFrame({out: df[col].astype(object) for out, col in have.items()})
        for c in ("source_file", "source_sheet"):
            part[c] = df[c].astype(object) if c in df.columns else None
        part["source_row"] = pd.to_numeric(df.get("source_row"), errors="coerce").astype("Int64")
        part["table"] = table
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[*_KEY, *LIST_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out = out.dropna(subset=["source_file", "source_row"])
    return out.drop_duplicates(subset=_KEY, keep="first")


def rectification_frame(
    findings: pd.DataFrame, tables: Mapping[str, pd.DataFrame], *, mask: bool = True
) -> pd.DataFrame:
    """All findings as rectification-list rows: a ``unit`` column plus :data:`LIST_COLUMNS` (without
    ``seq``), sorted unit, violations first, then source file/sheet/row and rule order.

    The row as filed is joined from ``tables[finding.table]`` on source_file + source_sheet +
    source_row; the finding's own platform_name/account_id fill in when the row is not found.
    With ``mask`` (the default) phones are masked everywhere in the frame.
    """
    f = findings.copy()
    for c in FINDING_COLUMNS:
        if c not in f.columns:
            f[c] = None
    f = f[list(FINDING_COLUMNS)].astype(object)
    f["source_row"] = pd.to_numeric(f["source_row"], errors="coerce").astype("Int64")
    f = f.rename(columns={"platform_name": "f_platform_name", "account_id": "f_account_id"})
    f["_pos"] = range(len(f))

    lookup = _row_lookup(tables)
    m = f.merge(lookup, how="left", on=_KEY, validate="many_to_one") if len(lookup) else f
    for c in LIST_COLUMNS:
        if c not in m.columns:
            m[c] = None
    m["platform_name"] = [_text(a) or _text(b) for a, b in zip(m["platform_name"], m["f_platform_name"], strict=True)]
    m["account_id"] = [_text(a) or _text(b) for a, b in zip(m["account_id"], m["f_account_id"], strict=True)]

    m["rule_zh"] = m["rule"].map(rule_name)
    m["severity_zh"] = m["severity"].map(severity_label)
    m["requirement"] = m["message_zh"].map(_text)
    m["detail"] = m["detail"].map(_text)
    m["unit"] = m["unit"].map(lambda u: _text(u) or UNKNOWN_UNIT)
    m["last_updated_on"] = pd.to_datetime(m["last_updated_on"], errors="coerce")

    if mask:
        raw_phones = list(m["phone"])
        staff = tables.get("staff")
        masker = PersonalDataMasker(staff["staff_id"] if staff is not None and "staff_id" in staff else ())
        for c in _FREE_TEXT:
            m[c] = [
                masker(v, extra=[p]) if v is not None else None
                for v, p in zip(m[c], raw_phones, strict=True)
            ]
        m["phone"] = m["phone"].map(lambda p: mask_phone(_text(p)) if _text(p) else None)

    m["_sev"] = m["severity"].map(severity_rank)
    m["_rule"] = m["rule"].map(_rule_order)
    m = m.sort_values(
        ["unit", "_sev", "source_file", "source_sheet", "source_row", "_rule", "_pos"],
        na_position="first",
        kind="stable",
    )
    m["reply"] = None
    m["finding_id"] = m["finding_id"].map(_text)
    cols = ["unit", "rule", "severity", *[c for c in LIST_COLUMNS if c not in ("seq", "rule")]]
    return m[cols].reset_index(drop=True)


def _sentences(texts: pd.Series) -> str | None:
    """The distinct requirement sentences of a group of findings, one per line."""
    distinct = list(dict.fromkeys(t for t in map(_text, texts) if t))
    return "\n".join(distinct) or None


def _unit_sheets(unit: str, rows: pd.DataFrame, config: Config, reply_by: dt.date) -> dict[str, SheetSpec]:
    """The list (:data:`LIST_SHEET`) and its summary by rule (问题汇总)."""
    inst = config.institution
    n = len(rows)
    n_v = int((rows["severity"] == "violation").sum())
    n_w = n - n_v
    table = rows[[c for c in LIST_COLUMNS if c != "seq"]].copy()
    table.insert(0, "seq", pd.array(range(1, n + 1), dtype="Int64"))
    title = f"{inst.name_zh}网络媒体平台备案整改清单（{config.round.year}年度）— {unit}"
    notes = [
        f"经审核，贵单位报送的网络媒体平台备案信息中有以下问题共 {n} 条"
        f"（{severity_label('violation')} {n_v} 条，{severity_label('warning')} {n_w} 条）。"
        f"请于 {zh_date(reply_by)} 前在“{LIST_COLUMNS['reply'][0]}”栏逐条填写整改情况"
        f"（如：已更正、已注销关停、情况说明），经单位党政主要负责人审核后报送{inst.department}。",
        "“行号”为该条信息在贵单位报送表格中的行号；联系电话已隐去中间四位。",
    ]
    red = {"font_color": "#C00000", "bold": True}
    amber = {"font_color": "#9C5700", "bold": True}
    main = SheetSpec(
        table,
        headers={c: zh for c, (zh, _w) in LIST_COLUMNS.items()},
        title=title,
        notes=notes,
        note_height=32,
        widths={c: w for c, (_zh, w) in LIST_COLUMNS.items()},
        landscape=True,
        wrap=True,
        borders=True,
        font_size=10,
        header_height=30,
        column_formats={
            "seq": {"align": "center"},
            "severity_zh": {"align": "center"},
            "source_row": {"align": "center"},
            "reply": {"bg_color": REPLY_FILL},
        },
        conditional_formats=[
            (
                "severity_zh",
                {"type": "cell", "criteria": "==", "value": f'"{severity_label("violation")}"', "format": red},
            ),
            (
                "severity_zh",
                {"type": "cell", "criteria": "==", "value": f'"{severity_label("warning")}"', "format": amber},
            ),
        ],
        footer=f"&L{unit}&C第 &P 页，共 &N 页&R{inst.department}",
        hidden=HIDDEN,
    )
    summary = (
        rows.groupby(["rule", "severity"], dropna=False, sort=False)
        .agg(n=("rule", "size"), basis=("requirement", _sentences))
        .reset_index()
        .assign(
            rule_zh=lambda d: d["rule"].map(rule_name),
            severity_zh=lambda d: d["severity"].map(severity_label),
            _sev=lambda d: d["severity"].map(severity_rank),
            _rule=lambda d: d["rule"].map(_rule_order),
        )
        .sort_values(["_sev", "_rule"])
    )
    summary = summary[["rule_zh", "severity_zh", "n", "basis"]].reset_index(drop=True)
    summary["n"] = summary["n"].astype("Int64")
    total = pd.DataFrame(
        {"rule_zh": ["合计"], "severity_zh": [None], "n": pd.array([n], dtype="Int64"), "basis": [None]}
    )
    summary = pd.concat([summary, total], ignore_index=True)
    side = SheetSpec(
        summary,
        headers={"rule_zh": "问题类型", "severity_zh": "严重程度", "n": "条数", "basis": "说明"},
        title=f"问题汇总 — {unit}",
        widths={"rule_zh": 22, "severity_zh": 10, "n": 8, "basis": 60},
        landscape=True,
        wrap=True,
        borders=True,
        autofilter=False,
        row_formats={len(summary) - 1: {"bold": True}},
    )
    return {LIST_SHEET: main, "问题汇总": side}


def list_stamp(unit: str, main: SheetSpec, config: Config) -> Stamp:
    """The stamp of a unit's list: kind ``rectification``, the round, the unit, and the list sheet's layout (its
    header row, the field of each column and the label written above it), by which
    :mod:`netmedia.transform.replies` reads it back."""
    columns = tuple(str(c) for c in main.df.columns)
    layout = SheetLayout(LIST_TABLE, main.header_row, columns, tuple((main.headers or {}).get(c, c) for c in columns))
    return Stamp("rectification", LIST_VERSION, str(config.round.name), unit, {LIST_SHEET: layout})


def write_rectification_lists(
    findings: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    config: Config,
    *,
    reply_deadline: dt.date | None = None,
) -> list[Path]:
    """Write one rectification workbook per unit with findings to ``<out_dir>/整改清单/<unit>.xlsx``.

    ``findings``: the findings table (columns :data:`FINDING_COLUMNS`); ``tables``: clean tables by
    name (``platforms``, ``personal_accounts``; others ignored). Findings without a unit go to
    ``未识别单位.xlsx``. Earlier ``*.xlsx`` in the 整改清单 folder are removed first so a unit whose
    problems are gone gets no stale list. Sheets: 整改清单 (the list) and 问题汇总 (counts by rule), and the
    hidden stamp (kind ``rectification``, the list's layout); each finding's ``finding_id`` is in a hidden
    column (问题编号), so a returned list is read back by id. Phones are masked. Returns the written paths,
    sorted by unit.
    """
    target = Path(out_dir) / SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.xlsx"):
        old.unlink()
    if findings is None or not len(findings):
        return []
    reply_by = reply_deadline or reply_deadline_for(config)
    frame = rectification_frame(findings, tables, mask=True)
    written: list[Path] = []
    taken: set[str] = set()
    for unit, rows in frame.groupby("unit", sort=True):
        stem = safe_filename(unit)
        base, i = stem, 2
        while stem.lower() in taken:
            stem = f"{base}({i})"
            i += 1
        taken.add(stem.lower())
        sheets = _unit_sheets(str(unit), rows, config, reply_by)
        path = write_workbook(target / f"{stem}.xlsx", sheets, list_stamp(str(unit), sheets[LIST_SHEET], config))
        written.append(path)
    return written
