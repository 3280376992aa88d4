"""Findings: the frame of rule failures, their Chinese detail text, and writing them out.

One finding per failing record per rule. ``detail`` says specifically what is
wrong with that record (values quoted); ``message_zh`` is the rule's sentence
for units (from the expectation's meta, placeholders filled from the run's
parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from netmedia import schema

FINDING_COLUMNS = (
    "rule",
    "severity",
    "unit",
    "table",
    "platform_name",
    "account_id",
    "source_file",
    "source_sheet",
    "source_row",
    "detail",
    "message_zh",
)

FINDING_HEADERS_ZH = {
    "rule": "规则",
    "severity": "严重程度",
    "unit": "单位名称",
    "table": "数据表",
    "platform_name": "平台名称",
    "account_id": "账号ID",
    "source_file": "来源文件",
    "source_sheet": "工作表",
    "source_row": "行号",
    "detail": "问题说明",
    "message_zh": "整改要求",
}

SEVERITY_ZH = {"violation": "违规", "warning": "提示"}
_ZH_NUM = "零一二三四五六七八九十"


def zh_number(n: int) -> str:
    """0-99 in Chinese numerals (3 -> 三, 12 -> 十二)."""
    if 0 <= n <= 10:
        return _ZH_NUM[n]
    if n < 20:
        return "十" + (_ZH_NUM[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_NUM[n // 10] + "十" + (_ZH_NUM[n % 10] if n % 10 else "")
    return str(n)


def empty_findings() -> pd.DataFrame:
    cols = {c: pd.Series([], dtype="str") for c in FINDING_COLUMNS}
    cols["source_row"] = pd.Series([], dtype="Int64")
    return pd.DataFrame(cols)


def _s(v: object) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def _get(sub: pd.DataFrame, col: str) -> list:
    if col in sub.columns:
        return sub[col].tolist()
    return [None] * len(sub)


def _date(v: object) -> str:
    if v is None or v is pd.NaT or v is pd.NA:
        return ""
    return pd.Timestamp(v).strftime("%Y-%m-%d")


def render_details(
    rule: str, table: str, sub: pd.DataFrame, fields: Sequence[Sequence[str]] | None, params: Mapping[str, str]
) -> list[str]:
    """Chinese detail text for each row of ``sub`` (the failing rows of ``table`` for ``rule``)."""
    n = len(sub)
    if rule == "R-required":
        zh = schema.zh_headers(table)
        return ["缺少必填项：" + "、".join(zh.get(f, f) for f in fs) for fs in (fields or [[]] * n)]
    if rule == "R-category":
        out = []
        for raw, cat, cls, ok, cons, url, dom in zip(
            _get(sub, "platform_type_raw"),
            _get(sub, "category"),
            _get(sub, "platform_class"),
            _get(sub, "category_class_ok"),
            _get(sub, "url_class_consistent"),
            _get(sub, "url"),
            _get(sub, "url_domain_class"),
            strict=True,
        ):
            parts = []
            if ok is False or (ok is not True and not _s(cat)):
                if not _s(cat):
                    parts.append(f"平台类型“{_s(raw)}”无法归入规定的平台类别")
                elif cat not in schema.category_codes():
                    parts.append(f"平台类型“{_s(raw)}”（{_s(cat)}）不在规定的平台分类中")
                else:
                    parts.append(
                        f"平台类别 {_s(cls)} 与平台分类“{schema.category_zh(cat)}”（第{schema.class_of(cat)}类）不符"
                    )
            if cons is False:
                where = "属于学校域名" if _s(dom) == "1" else "不属于学校域名"
                parts.append(f"网址 {_s(url)} {where}，但填报为“{schema.category_zh(_s(cat))}”")
            out.append("；".join(parts) or f"平台类型“{_s(raw)}”与规定的平台类别不符")
        return out
    if rule == "R-zombie":
        cutoff = params.get("cutoff", "")
        return [f"最近更新时间 {_date(d)} 早于 {cutoff}" for d in _get(sub, "last_updated_on")]
    if rule == "R-closed":
        return [
            f"运行状态为“{_s(raw) or '停用'}”：已不再使用但未注销或关停" for raw in _get(sub, "status_raw")
        ]
    if rule == "R-leader":
        out = []
        for u, sup, ph, ah in zip(
            _get(sub, "unit"), _get(sub, "supervisor"), _get(sub, "unit_party_head"), _get(sub, "unit_admin_head"),
            strict=True,
        ):
            if not _s(ph) and not _s(ah):
                out.append(f"主管领导 {_s(sup)} 无法核实为党政主要负责人（单位“{_s(u)}”不在单位名册中或名册无负责人）")
            else:
                out.append(
                    f"主管领导 {_s(sup)} 不是本单位党政主要负责人（党组织书记 {_s(ph) or '—'}，行政负责人 {_s(ah) or '—'}）"
                )
        return out
    if rule == "R-operator":
        return [
            f"运营管理负责人 {_s(op)} 不是在职教职工（{_s(st) or '不在教职工名册'}）"
            for op, st in zip(_get(sub, "operator"), _get(sub, "operator_roster_status"), strict=True)
        ]
    if rule == "R-naming":
        out = []
        for name, w, t, txt in zip(
            _get(sub, "platform_name"),
            _get(sub, "name_defamatory_word"),
            _get(sub, "name_homophone_of"),
            _get(sub, "name_homophone_text"),
            strict=True,
        ):
            parts = []
            if _s(w):
                parts.append(f"含污名化词语“{_s(w)}”")
            if _s(t):
                parts.append(f"中“{_s(txt)}”与“{_s(t)}”谐音")
            out.append(f"账号名称“{_s(name)}”" + "；".join(parts))
        return out
    if rule == "R-scope":
        return [f"账号名称“{_s(name)}”不含学校或单位的名称（全称、简称）" for name in _get(sub, "platform_name")]
    if rule == "R-duplicate":
        out = []
        for cat, key, cnt in zip(_get(sub, "category"), _get(sub, "duplicate_key"), _get(sub, "duplicate_count"), strict=True):
            k = _s(key).split("|", 1)[-1]
            out.append(f"与另外 {int(cnt) - 1 if _s(cnt) else 1} 条记录重复（{schema.category_zh(_s(cat))}：{k}）")
        return out
    if rule == "R-phone":
        col = "operator_phone" if table == "platforms" else "phone"
        return [f"联系电话 {_s(p)} 格式不正确" for p in _get(sub, col)]
    if rule == "R-complete":
        return [f"单位“{_s(u)}”未报送任何备案材料" for u in _get(sub, "unit")]
    if rule == "R-deadline":
        dl = params.get("deadline", "")
        return [
            f"报送时间 {pd.Timestamp(t).strftime('%Y-%m-%d %H:%M') if _s(t) else ''} 晚于截止日期 {dl}"
            for t in _get(sub, "received_at")
        ]
    return [f"不符合规则 {rule}"] * n


def write_findings(findings: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    """Write ``findings.parquet`` and ``findings.xlsx`` (Chinese headers, via netmedia.report.xlsx) into ``out_dir``."""
    from netmedia.report.xlsx import SheetSpec, write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pq = out / "findings.parquet"
    findings.to_parquet(pq, index=False)
    view = findings.copy()
    view["severity"] = view["severity"].map(SEVERITY_ZH).fillna(view["severity"]).astype("str")
    xl = write_workbook(
        out / "findings.xlsx",
        {
            "问题清单": SheetSpec(
                view,
                headers=FINDING_HEADERS_ZH,
                title="网络媒体平台备案检查问题清单",
                widths={"detail": 60, "message_zh": 60, "source_file": 36, "platform_name": 24, "unit": 20},
                wrap=True,
                landscape=True,
            )
        },
    )
    return {"parquet": pq, "xlsx": xl}
