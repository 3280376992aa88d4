"""Charts of one registration round: each chart once, each a function of the clean tables returning a plotly Figure.

Every figure shares one layout template (CJK font stack, white background) and one
palette: a category code, a platform class (1-7), a zombie status bucket and an
owner kind each get one colour, defined here once, so a category looks the same in
every chart. Titles, axes, legends and hover text are Chinese. Empty or missing
input gives a figure with the annotation "暂无数据", never an exception.

Shareable output: the charts only ever read units, categories, classes, statuses,
dates, follower counts, group names and counts, and rule ids, never operator/supervisor/group owner names,
phones or staff ids, so nothing personal can reach a chart or the dashboard.

``all_charts(tables, findings, config)`` builds every chart, in dashboard order;
``CHART_SIZES`` fixes each chart's pixel size for export.

No rule is coded here: who is a zombie (R-zombie) and which units have not
submitted (R-complete) come from ``netmedia.validate.derive``; rule names and
order from ``data/rules.toml`` (``netmedia.validate.findings.rules``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from netmedia import schema
from netmedia.config import Config
from netmedia.report.registry import OWNER_KIND_ZH
from netmedia.validate import derive
from netmedia.validate.findings import rules as rule_specs
from netmedia.validate.rectification_status import STATUS_ZH, STATUSES, progress_by_unit

# ---------------------------------------------------------------------------
# Shared look: font, template, sizes, palettes (each defined once)
# ---------------------------------------------------------------------------

FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
NO_DATA = "暂无数据"
DEFAULT_SIZE = (1200, 700)
TALL_SIZE = (1200, 1100)  # charts with one row per unit

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=14, color="#2a3f5f"),
        title=dict(font=dict(family=FONT_FAMILY, size=22), x=0.02, xanchor="left"),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=13)),
        legend=dict(font=dict(family=FONT_FAMILY, size=13)),
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor="#e5e9f0", linecolor="#aab4c3", zerolinecolor="#cfd6e0", automargin=True),
        yaxis=dict(gridcolor="#e5e9f0", linecolor="#aab4c3", zerolinecolor="#cfd6e0", automargin=True),
        margin=dict(l=80, r=40, t=90, b=70),
        colorway=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"],
    )
)

# 20 well-separated colours for the category codes, assigned in categories.toml order.
_CATEGORY_PALETTE = (
    "#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#98df8a", "#d62728", "#9467bd", "#c5b0d5",
    "#8c564b", "#e377c2", "#f7b6d2", "#bcbd22", "#17becf", "#393b79", "#e7ba52", "#637939", "#843c39",
    "#9c9ede", "#cedb9c", "#e7969c",
)  # fmt: skip
UNKNOWN_COLOR = "#9e9e9e"
UNKNOWN_CATEGORY_ZH = "未分类"

CATEGORY_COLORS: dict[str, str] = {
    c.code: _CATEGORY_PALETTE[i % len(_CATEGORY_PALETTE)] for i, c in enumerate(schema.categories())
}
CLASS_COLORS: dict[int, str] = {
    1: "#4c78a8", 2: "#72b7b2", 3: "#f58518", 4: "#b279a2", 5: "#54a24b", 6: "#e45756", 7: "#eeca3b",
}  # fmt: skip

ZOMBIE, ACTIVE, CLOSED, NO_DATE = "僵尸", "活跃", "已关停/停用", "更新时间未填"
STATUS_BUCKETS = (ZOMBIE, ACTIVE, CLOSED, NO_DATE)
STATUS_COLORS = {ZOMBIE: "#d62728", ACTIVE: "#2ca02c", CLOSED: "#7f7f7f", NO_DATE: "#f2b134"}

OWNER_KIND_COLORS = {"unit": "#1f77b4", "student_org": "#ff7f0e"}  # by code; the words are registry.OWNER_KIND_ZH
NO_OWNER_KIND = "未识别"

RANKING_COLORS = {"红榜": "#c0392b", "黑榜": "#2c3e50"}
UNKNOWN_UNIT = "（未识别单位）"


def category_color(code: object) -> str:
    """The one colour of a category code (grey for null or unknown codes)."""
    return CATEGORY_COLORS.get(code, UNKNOWN_COLOR) if isinstance(code, str) else UNKNOWN_COLOR


def category_label(code: object) -> str:
    return schema.category_zh(code) if isinstance(code, str) else UNKNOWN_CATEGORY_ZH


def class_color(cls: object) -> str:
    try:
        return CLASS_COLORS.get(int(cls), UNKNOWN_COLOR)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return UNKNOWN_COLOR


def class_label(cls: object) -> str:
    """'3 新媒体平台'; '未分类' for null/unknown classes."""
    try:
        n = int(cls)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "未分类"
    name = schema.class_names().get(n)
    return f"{n} {name}" if name else "未分类"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _usable(df: pd.DataFrame | None, *cols: str) -> bool:
    return df is not None and len(df) > 0 and all(c in df.columns for c in cols)


def _base(fig: go.Figure, title: str, size: tuple[int, int] = DEFAULT_SIZE, **layout) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=dict(text=title), height=size[1], **layout)
    return fig


def empty_figure(title: str, size: tuple[int, int] = DEFAULT_SIZE, note: str = NO_DATA) -> go.Figure:
    """A valid figure with a centred '暂无数据' annotation and hidden axes."""
    fig = _base(go.Figure(), title, size)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=note, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=28, color="#8a94a6")
    )
    return fig


def _units_col(df: pd.DataFrame) -> pd.Series:
    return df["unit"].astype("str").where(df["unit"].notna(), UNKNOWN_UNIT)


def _to_timestamp(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _dates(s: pd.Series) -> pd.Series:
    """A date column as datetime64 normalised to midnight (tolerates object/date values)."""
    return pd.to_datetime(s, errors="coerce").dt.normalize()


# ---------------------------------------------------------------------------
# Zombie status buckets (who is a zombie: netmedia.validate.derive.is_zombie)
# ---------------------------------------------------------------------------


def status_bucket(platforms: pd.DataFrame, cutoff: dt.date) -> pd.Series:
    """One label per platform: 僵尸 (R-zombie), 已关停/停用 (closed or stopped, not a zombie),
    更新时间未填 (not closed, no last update date), else 活跃."""
    zombie = derive.is_zombie(platforms, cutoff).astype(bool)
    status = platforms["status"]
    closed_or_stopped = status.isin(["closed", "stopped"]).fillna(False).astype(bool)
    no_date = _dates(platforms["last_updated_on"]).isna()
    out = pd.Series(ACTIVE, index=platforms.index, dtype="str")
    out[no_date] = NO_DATE
    out[closed_or_stopped] = CLOSED
    out[zombie] = ZOMBIE
    return out


# ---------------------------------------------------------------------------
# Rule labels (names and order from data/rules.toml)
# ---------------------------------------------------------------------------


def rule_names() -> dict[str, str]:
    """Rule id -> Chinese name."""
    return {rid: r.name for rid, r in rule_specs().items()}


def rule_label(rule: str, names: Mapping[str, str] | None = None, wrap: int = 0) -> str:
    """'R-zombie 僵尸账号' (id alone when no Chinese name); ``wrap`` > 0 puts the name on lines of that many chars."""
    names = rule_names() if names is None else names
    zh = names.get(rule)
    if not zh or zh == rule:
        return rule
    if wrap > 0:
        return rule + "<br>" + "<br>".join(zh[i : i + wrap] for i in range(0, len(zh), wrap))
    return f"{rule} {zh}"


# ---------------------------------------------------------------------------
# Platform counts
# ---------------------------------------------------------------------------

TITLE_BY_CATEGORY = "各类别平台数量"
TITLE_BY_CLASS = "按通知七类统计的平台数量"
TITLE_BY_UNIT = "各单位平台数量（按类别堆叠）"
TITLE_BY_OWNER = "单位与学生组织平台数量"


def platforms_by_category(platforms: pd.DataFrame) -> go.Figure:
    """Bar per category code (Chinese name), one trace per category in the category's colour."""
    if not _usable(platforms, "category"):
        return empty_figure(TITLE_BY_CATEGORY)
    counts = platforms["category"].astype("str").value_counts(dropna=False)  # largest first
    fig = go.Figure()
    for code, n in counts.items():
        _count_bar(fig, category_label(code), int(n), category_color(code))
    return _base(
        fig, TITLE_BY_CATEGORY, xaxis_title="平台类别", yaxis_title="平台数（个）", legend_title_text="类别",
        showlegend=False, bargap=0.3,
    )  # fmt: skip


def _count_bar(fig: go.Figure, label: str, n: int, color: str) -> None:
    """One labelled bar of a platform count (its own trace, so it takes its category's colour)."""
    fig.add_bar(
        x=[label], y=[n], name=label, marker_color=color, text=[n], textposition="outside",
        hovertemplate=f"类别：{label}<br>平台数：%{{y}}<extra></extra>",
    )  # fmt: skip


def platforms_by_class(platforms: pd.DataFrame) -> go.Figure:
    """Bar per notice class 1-7 (all seven shown, zero included), one trace per class."""
    if not _usable(platforms, "platform_class"):
        return empty_figure(TITLE_BY_CLASS)
    cls = pd.to_numeric(platforms["platform_class"], errors="coerce").astype("Int64")
    counts = cls.value_counts(dropna=False)
    fig = go.Figure()
    keys: list = list(schema.class_names())
    if cls.isna().any():
        keys.append(pd.NA)
    for k in keys:
        n = int(cls.isna().sum()) if k is pd.NA else int(counts.get(k, 0))
        _count_bar(fig, class_label(k), n, class_color(k))
    return _base(
        fig, TITLE_BY_CLASS, xaxis_title="平台类别（通知第一项1–7类）", yaxis_title="平台数（个）", showlegend=False,
        bargap=0.3,
    )  # fmt: skip


def platforms_by_unit(platforms: pd.DataFrame) -> go.Figure:
    """Horizontal bars, one row per unit sorted by total (largest on top), stacked by class."""
    if not _usable(platforms, "unit", "platform_class"):
        return empty_figure(TITLE_BY_UNIT, TALL_SIZE)
    df = pd.DataFrame(
        {"unit": _units_col(platforms), "cls": pd.to_numeric(platforms["platform_class"], errors="coerce")}
    )
    df["cls"] = df["cls"].astype("Int64")
    totals = df["unit"].value_counts()
    order = sorted(totals.index, key=lambda u: (int(totals[u]), u), reverse=True)[::-1]  # bottom -> top
    fig = go.Figure()
    keys: list = list(schema.class_names())
    if df["cls"].isna().any():
        keys.append(pd.NA)
    for k in keys:
        sub = df[df["cls"].isna()] if k is pd.NA else df[df["cls"].eq(k).fillna(False)]
        if sub.empty:
            continue
        c = sub["unit"].value_counts()
        units = [u for u in order if u in c.index]
        label = class_label(k)
        fig.add_bar(
            y=units, x=[int(c[u]) for u in units], orientation="h", name=label, marker_color=class_color(k),
            customdata=[[int(totals[u])] for u in units],
            hovertemplate=f"单位：%{{y}}<br>{label}：%{{x}} 个<br>单位合计：%{{customdata[0]}} 个<extra></extra>",
        )  # fmt: skip
    fig.update_yaxes(categoryorder="array", categoryarray=order, tickfont=dict(size=11))
    return _base(
        fig, TITLE_BY_UNIT, TALL_SIZE, barmode="stack", xaxis_title="平台数（个）", yaxis_title="",
        legend_title_text="平台类别",
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", traceorder="normal"),
        margin=dict(t=130),
    )  # fmt: skip


def platforms_by_owner_kind(platforms: pd.DataFrame) -> go.Figure:
    """Grouped bars per class: platforms run by units vs by student organisations."""
    if not _usable(platforms, "owner_kind", "platform_class"):
        return empty_figure(TITLE_BY_OWNER)
    kind = platforms["owner_kind"].map(OWNER_KIND_ZH, na_action="ignore").astype("str").fillna(NO_OWNER_KIND)
    cls = pd.to_numeric(platforms["platform_class"], errors="coerce").astype("Int64")
    labels = [class_label(k) for k in schema.class_names()]
    cls_label = cls.map(lambda v: class_label(v) if pd.notna(v) else "未分类")
    if cls.isna().any():
        labels.append("未分类")
    fig = go.Figure()
    colors = {OWNER_KIND_ZH[code]: color for code, color in OWNER_KIND_COLORS.items()}
    for kz in (*OWNER_KIND_ZH.values(), NO_OWNER_KIND):
        mask = kind.eq(kz)
        if not mask.any():
            continue
        c = cls_label[mask].value_counts()
        fig.add_bar(
            x=labels, y=[int(c.get(lab, 0)) for lab in labels], name=kz, marker_color=colors.get(kz, UNKNOWN_COLOR),
            hovertemplate=f"主体：{kz}<br>类别：%{{x}}<br>平台数：%{{y}}<extra></extra>",
        )  # fmt: skip
    totals = "，".join(f"{kz} {int(kind.eq(kz).sum())} 个" for kz in OWNER_KIND_ZH.values())
    return _base(
        fig, TITLE_BY_OWNER + f"（{totals}）",
        barmode="group", xaxis_title="平台类别", yaxis_title="平台数（个）", legend_title_text="开办主体",
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Zombie status
# ---------------------------------------------------------------------------

TITLE_ZOMBIE_CLASS = "各类别平台运行状态（僵尸/活跃/已关停）"
TITLE_ZOMBIE_UNIT = "各单位平台运行状态（按僵尸占比排序）"
TITLE_DAYS = "距最近更新天数分布（不含已关停）"


def _share_bars(keys: list[str], groups: pd.Series, buckets: pd.Series, *, horizontal: bool, what: str) -> go.Figure:
    """100% stacked bars: y/x = share (%) per bucket; counts in customdata (column 0) and text."""
    ct = pd.crosstab(groups, buckets).reindex(index=keys, columns=list(STATUS_BUCKETS), fill_value=0)
    totals = ct.sum(axis=1)
    fig = go.Figure()
    for b in STATUS_BUCKETS:
        if int(ct[b].sum()) == 0:
            continue
        counts = [int(v) for v in ct[b]]
        share = [100.0 * n / int(t) if int(t) else 0.0 for n, t in zip(counts, totals, strict=True)]
        custom = [[n, int(t)] for n, t in zip(counts, totals, strict=True)]
        hover = f"{what}：%{{{'y' if horizontal else 'x'}}}<br>{b}：%{{customdata[0]}} 个" \
                f"（%{{{'x' if horizontal else 'y'}:.1f}}%）<br>合计：%{{customdata[1]}} 个<extra></extra>"  # fmt: skip
        kw = dict(y=keys, x=share, orientation="h") if horizontal else dict(x=keys, y=share)
        fig.add_bar(
            **kw, name=b, marker_color=STATUS_COLORS[b], customdata=custom, hovertemplate=hover,
            text=[str(n) if n else "" for n in counts], textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(size=11), constraintext="none",
        )  # fmt: skip
    return fig


def zombie_by_class(platforms: pd.DataFrame, config: Config) -> go.Figure:
    """Share of 僵尸 / 活跃 / 已关停/停用 (/ 更新时间未填) per notice class; counts in hover and bar text."""
    if not _usable(platforms, "platform_class", "status", "last_updated_on"):
        return empty_figure(TITLE_ZOMBIE_CLASS)
    cls = pd.to_numeric(platforms["platform_class"], errors="coerce").astype("Int64")
    groups = cls.map(lambda v: class_label(v) if pd.notna(v) else "未分类").astype("str")
    keys = [class_label(k) for k in schema.class_names() if (cls == k).fillna(False).any()]
    if cls.isna().any():
        keys.append("未分类")
    fig = _share_bars(keys, groups, status_bucket(platforms, config.zombie_cutoff), horizontal=False, what="类别")
    n_z = int(derive.is_zombie(platforms, config.zombie_cutoff).sum())
    return _base(
        fig, f"{TITLE_ZOMBIE_CLASS}：僵尸 {n_z} 个", barmode="stack", xaxis_title="平台类别", yaxis_title="占比（%）",
        legend_title_text=f"状态（截至 {config.zombie_cutoff:%Y-%m-%d} 无更新即僵尸）",
        yaxis=dict(range=[0, 100], ticksuffix="%"),
    )  # fmt: skip


def zombie_by_unit(platforms: pd.DataFrame, config: Config) -> go.Figure:
    """Per unit, share of each status bucket; units sorted by zombie share (worst on top)."""
    if not _usable(platforms, "unit", "status", "last_updated_on"):
        return empty_figure(TITLE_ZOMBIE_UNIT, TALL_SIZE)
    units = _units_col(platforms)
    buckets = status_bucket(platforms, config.zombie_cutoff)
    z = buckets.eq(ZOMBIE).groupby(units).agg(["sum", "count"])
    z["share"] = z["sum"] / z["count"]
    order = sorted(z.index, key=lambda u: (float(z.at[u, "share"]), int(z.at[u, "sum"]), u))  # bottom -> top
    fig = _share_bars(order, units, buckets, horizontal=True, what="单位")
    fig.update_yaxes(categoryorder="array", categoryarray=order, tickfont=dict(size=11))
    return _base(
        fig, TITLE_ZOMBIE_UNIT, TALL_SIZE, barmode="stack", xaxis_title="占比（%）", yaxis_title="",
        xaxis=dict(range=[0, 100], ticksuffix="%"), legend_title_text="状态",
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", traceorder="normal"),
        margin=dict(t=130),
    )  # fmt: skip


def days_since_update(platforms: pd.DataFrame, config: Config) -> go.Figure:
    """Histogram of days from last update to the round's reference date (closed platforms left out),
    zombie and active in their status colours, with the cutoff marked by a vertical line."""
    if not _usable(platforms, "status", "last_updated_on"):
        return empty_figure(TITLE_DAYS)
    ref = _to_timestamp(config.round.reference_date)
    cutoff_days = (config.round.reference_date - config.zombie_cutoff).days
    live = platforms[~platforms["status"].eq("closed").fillna(False).astype(bool)]
    last = _dates(live["last_updated_on"])
    zombie = derive.is_zombie(live, config.zombie_cutoff).astype(bool)
    days = (ref - last).dt.days
    dated = days.notna()
    n_missing = int((~dated).sum())
    if not dated.any():
        return empty_figure(TITLE_DAYS)
    days = days.astype("Int64")
    lo, hi = int(days[dated].min()), int(days[dated].max())
    span = hi - lo + 1
    size = next((w for w in (7, 14, 30, 60, 90, 180, 365) if span / w <= 70), math.ceil(span / 70))
    # bin edges at half days, one of them at cutoff_days + 0.5, so no bin holds both active and zombie days
    first_edge = cutoff_days + 0.5 - size * math.ceil((cutoff_days + 1 - lo) / size)
    bins = dict(start=first_edge, end=hi + size, size=size)
    fig = go.Figure()
    for label, part in ((ACTIVE, days[dated & ~zombie]), (ZOMBIE, days[dated & zombie])):
        if part.empty:
            continue
        fig.add_histogram(
            x=[int(d) for d in part], name=f"{label}（{len(part)} 个）", marker_color=STATUS_COLORS[label], xbins=bins,
            bingroup="days", hovertemplate="距今天数：%{x}<br>平台数：%{y}<extra></extra>",
        )  # fmt: skip
    fig.add_shape(type="line", x0=cutoff_days + 0.5, x1=cutoff_days + 0.5, y0=0, y1=1, yref="paper",
                  line=dict(color="#d62728", width=2, dash="dash"))  # fmt: skip
    fig.add_annotation(
        x=cutoff_days + 0.5, y=1, yref="paper", xanchor="left", yanchor="top", showarrow=False, align="left",
        text=f"僵尸线：{config.thresholds.zombie_months} 个月<br>（{config.zombie_cutoff:%Y-%m-%d} 前未更新，{cutoff_days} 天）",
        font=dict(color="#d62728", size=13), bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip
    note = f"统计基准日 {config.round.reference_date:%Y-%m-%d}"
    if n_missing:
        note += f"；另有 {n_missing} 个平台未填最近更新时间"
    return _base(
        fig, TITLE_DAYS, barmode="overlay", xaxis_title=f"距最近更新天数（{note}）", yaxis_title="平台数（个）",
        legend_title_text="状态", bargap=0.05,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Compliance
# ---------------------------------------------------------------------------

TITLE_HEATMAP = "各单位检查问题数（单位 × 规则）"
TITLE_RANKING = "红黑榜：每个平台的问题数"


def findings_heatmap(findings: pd.DataFrame) -> go.Figure:
    """Heatmap of findings counts, units (rows, most findings on top) by rule (columns, id + Chinese name)."""
    if not _usable(findings, "rule", "unit"):
        return empty_figure(TITLE_HEATMAP, TALL_SIZE)
    units = _units_col(findings)
    rules = findings["rule"].astype("str").fillna("（未知规则）")
    ct = pd.crosstab(units, rules)
    row_order = sorted(ct.index, key=lambda u: (int(ct.loc[u].sum()), u))  # bottom -> top
    order = {rid: r.order for rid, r in rule_specs().items()}
    col_order = sorted(ct.columns, key=lambda r: (order.get(r, 10_000), -int(ct[r].sum()), r))
    ct = ct.reindex(index=row_order, columns=col_order)
    names = rule_names()
    wrap = 7 if len(col_order) <= 9 else 5 if len(col_order) <= 13 else 4
    labels = [rule_label(r, names, wrap=wrap) for r in col_order]
    z = ct.to_numpy().astype(int)
    fig = go.Figure(
        go.Heatmap(
            z=z.tolist(), x=labels, y=row_order, name="问题数",
            colorscale=[[0, "#ffffff"], [0.0001, "#fde0dd"], [1, "#a50f15"]], zmin=0,
            text=[[str(v) if v else "" for v in row] for row in z], texttemplate="%{text}",
            colorbar=dict(title=dict(text="问题数")), xgap=1, ygap=1,
            hovertemplate="单位：%{y}<br>规则：%{x}<br>问题数：%{z}<extra></extra>",
        )  # fmt: skip
    )
    fig.update_yaxes(tickfont=dict(size=11), showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, tickangle=0, tickfont=dict(size=12 if len(col_order) <= 9 else 11))
    return _base(fig, f"{TITLE_HEATMAP}：共 {len(findings)} 条", TALL_SIZE, xaxis_title="", yaxis_title="",
                 margin=dict(t=150))  # fmt: skip


def unit_ranking_table(platforms: pd.DataFrame, findings: pd.DataFrame | None) -> pd.DataFrame:
    """Units with at least one platform: platforms, findings on the platforms table, findings per platform.

    Sorted best first (fewest findings per platform; ties: more platforms first, then name)."""
    units = _units_col(platforms)
    n_plat = units.value_counts().rename("platforms")
    if _usable(findings, "unit", "table"):
        f = findings[findings["table"].eq("platforms").fillna(False).astype(bool)]
        n_find = _units_col(f).value_counts().rename("findings")
    else:
        n_find = pd.Series(dtype="int64", name="findings")
    out = pd.concat([n_plat, n_find], axis=1).fillna(0).astype(int)
    out = out[out["platforms"] > 0]
    out["per_platform"] = out["findings"] / out["platforms"]
    out.index.name = "unit"
    out = out.reset_index()
    return out.sort_values(["per_platform", "platforms", "unit"], ascending=[True, False, True], ignore_index=True)


def unit_ranking(platforms: pd.DataFrame, findings: pd.DataFrame | None, top: int = 10) -> go.Figure:
    """红黑榜: the best units (fewest findings per platform) and the worst, side by side, no unit in both."""
    if not _usable(platforms, "unit"):
        return empty_figure(TITLE_RANKING)
    rank = unit_ranking_table(platforms, findings)
    n = len(rank)
    n_best = min(top, math.ceil(n / 2))
    n_worst = min(top, n - n_best)
    best = rank.head(n_best)
    worst = rank.iloc[::-1].head(n_worst)
    fig = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.22,
        subplot_titles=(f"红榜（问题最少的 {n_best} 个单位）", f"黑榜（问题最多的 {n_worst} 个单位）"),
    )  # fmt: skip
    for col, (label, part) in enumerate((("红榜", best), ("黑榜", worst)), start=1):
        part = part.iloc[::-1]  # first place on top
        fig.add_bar(
            y=part["unit"].tolist(), x=part["per_platform"].round(3).tolist(), orientation="h", name=label,
            marker_color=RANKING_COLORS[label],
            customdata=part[["findings", "platforms"]].to_numpy().tolist(),
            text=[f"{r:.2f}（{f}/{p}）" for r, f, p in part[["per_platform", "findings", "platforms"]].itertuples(index=False)],
            textposition="outside", cliponaxis=False,
            hovertemplate="单位：%{y}<br>问题数：%{customdata[0]}<br>平台数：%{customdata[1]}"
                          "<br>每平台问题数：%{x:.2f}<extra></extra>",
            row=1, col=col,
        )  # fmt: skip
    xmax = float(rank["per_platform"].max()) if n else 1.0
    fig.update_xaxes(range=[0, max(xmax, 0.5) * 1.35], title_text="每个平台的问题数（问题数/平台数）")
    fig.update_yaxes(tickfont=dict(size=12))
    return _base(fig, TITLE_RANKING, showlegend=False)


# ---------------------------------------------------------------------------
# Submission progress
# ---------------------------------------------------------------------------

TITLE_PROGRESS = "报送进度：累计已报送单位数"
TITLE_MISSING = "未报送单位名单"


def roster_units(units: pd.DataFrame | None) -> list[str]:
    """Sorted unit names of the roster (empty when no roster)."""
    if not _usable(units, "unit"):
        return []
    return sorted(set(units["unit"].dropna().astype("str")))


def submitted_units(submissions: pd.DataFrame | None, units: pd.DataFrame | None = None,
                    records: Iterable[pd.DataFrame | None] = ()) -> pd.Series:
    """Unit -> first received day of its own annexes, for every unit that returned something
    (``derive.returned_units``, spelt as the roster spells it); NaT when none of its annexes carries a date or a
    consolidated registry's rows alone name it."""
    returned = derive.returned_units(submissions, records, units)
    day = pd.Series(dtype="datetime64[ns]")
    if _usable(submissions, "unit", "annex", "received_at"):
        s = submissions[submissions["unit"].notna() & submissions["annex"].notna()]
        day = _dates(s["received_at"]).groupby(derive.roster_spelling(s["unit"], units).astype("str")).min()
    return day.reindex(sorted(returned)).astype("datetime64[ns]")


def missing_unit_list(submissions: pd.DataFrame | None, units: pd.DataFrame | None,
                      records: Iterable[pd.DataFrame | None] = ()) -> list[str]:
    """Roster units that returned nothing (R-complete, ``derive.derive_units``' has_submission; ``records``: the
    record tables, whose rows name the units of a consolidated registry), sorted."""
    if not _usable(units, "unit"):
        return []
    roster = units[units["unit"].notna()]
    missing = ~derive.derive_units(roster, submissions, records)["has_submission"].fillna(False).astype(bool).to_numpy()
    return sorted(set(roster["unit"].astype("str")[missing]))


def submission_progress(submissions: pd.DataFrame | None, units: pd.DataFrame | None, config: Config,
                        records: Iterable[pd.DataFrame | None] = ()) -> go.Figure:
    """Cumulative distinct units submitted by day (step line), the deadline as a vertical line, the roster total
    as a horizontal line, and the units still missing in an annotation."""
    records = list(records)  # read twice
    first = submitted_units(submissions, units, records)
    roster = roster_units(units)
    missing = missing_unit_list(submissions, units, records)
    if first.empty and not roster:
        return empty_figure(TITLE_PROGRESS)
    dated = first.dropna()
    n_undated = int(first.isna().sum())
    fig = go.Figure()
    deadline = _to_timestamp(config.round.deadline)
    if not dated.empty:
        by_day = dated.groupby(dated).apply(lambda s: sorted(s.index))
        days = list(by_day.index)
        cum = [int(v) for v in pd.Series([len(v) for v in by_day]).cumsum()]

        def names(us: list[str]) -> str:
            return "、".join(us[:8]) + (f" 等 {len(us)} 个" if len(us) > 8 else "")

        fig.add_scatter(
            x=days, y=cum, mode="lines+markers", line_shape="hv", name="累计已报送单位",
            line=dict(color="#1f77b4", width=3),
            customdata=[[len(v), names(v)] for v in by_day],
            hovertemplate="日期：%{x|%Y-%m-%d}<br>累计已报送：%{y} 个单位<br>当日新增 %{customdata[0]} 个："
                          "%{customdata[1]}<extra></extra>",
        )  # fmt: skip
        x_all = [*days, deadline]
    else:
        x_all = [deadline]
    if roster:
        fig.add_scatter(
            x=[min(x_all) - pd.Timedelta(days=1), max(x_all) + pd.Timedelta(days=1)], y=[len(roster)] * 2,
            mode="lines", name=f"应报送单位（{len(roster)} 个）", line=dict(color="#7f7f7f", dash="dot"),
            hovertemplate="应报送单位：%{y} 个<extra></extra>",
        )  # fmt: skip
    fig.add_shape(type="line", x0=deadline, x1=deadline, y0=0, y1=1, yref="paper",
                  line=dict(color="#d62728", width=2, dash="dash"))  # fmt: skip
    fig.add_annotation(x=deadline, y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"截止日期 {config.round.deadline:%Y-%m-%d}", font=dict(color="#d62728"))  # fmt: skip
    lines = [f"已报送 {len(first)} 个单位" + (f"（其中 {n_undated} 个报送时间不详）" if n_undated else "")]
    if roster:
        missing_word = dict(schema.choice_words("submission_status_words"))["missing"]  # 未报送
        lines.append(f"{missing_word} {len(missing)} 个单位" + ("：" if missing else ""))
        for i in range(0, min(len(missing), 24), 4):
            lines.append("、".join(missing[i : i + 4]))
        if len(missing) > 24:
            lines.append(f"……等 {len(missing)} 个，详见“{TITLE_MISSING}”")
    fig.add_annotation(
        x=0.01, y=0.86, xref="paper", yref="paper", xanchor="left", yanchor="top", showarrow=False, align="left",
        text="<br>".join(lines), bgcolor="rgba(255,255,255,0.85)", bordercolor="#cfd6e0", borderwidth=1,
        font=dict(size=13),
    )  # fmt: skip
    ymax = max(len(roster), len(first), 1)
    return _base(
        fig, TITLE_PROGRESS, xaxis_title="报送日期", yaxis_title="单位数（个）", legend_title_text="",
        yaxis=dict(range=[0, ymax * 1.08]), xaxis=dict(tickformat="%m-%d"), margin=dict(t=110),
        legend=dict(orientation="h", x=1, xanchor="right", y=0.02, yanchor="bottom"),
    )  # fmt: skip


def missing_units(submissions: pd.DataFrame | None, units: pd.DataFrame | None,
                  records: Iterable[pd.DataFrame | None] = ()) -> go.Figure:
    """Table figure of roster units with no submission (unit names and roster kind only)."""
    missing = missing_unit_list(submissions, units, records)
    if not missing:
        note = NO_DATA if not roster_units(units) else "全部单位均已报送"
        return empty_figure(TITLE_MISSING, note=note)
    kind = {}
    if _usable(units, "unit", "kind"):
        kind = {str(u): (str(k) if pd.notna(k) else "") for u, k in zip(units["unit"], units["kind"], strict=True)}
    ncol = 3 if len(missing) > 20 else 1
    per = math.ceil(len(missing) / ncol)
    header, cells = [], []
    for c in range(ncol):
        part = missing[c * per : (c + 1) * per]
        header += ["序号", "单位名称", "单位类别"]
        cells += [
            [str(c * per + i + 1) for i in range(len(part))],
            part,
            [kind.get(u, "") for u in part],
        ]
    fig = go.Figure(
        go.Table(
            columnwidth=[0.4, 2.2, 1.0] * ncol,
            header=dict(values=header, fill_color="#2a3f5f", font=dict(color="white", size=14), align="center"),
            cells=dict(values=cells, align=["center", "left", "left"] * ncol, height=26, font=dict(size=13),
                       fill_color=[["#ffffff", "#f3f6fa"] * per]),  # fmt: skip
        )
    )
    return _base(fig, f"{TITLE_MISSING}（{len(missing)} 个）")


# ---------------------------------------------------------------------------
# Followers
# ---------------------------------------------------------------------------

TITLE_FOLLOWERS = "各类别平台粉丝数分布（对数坐标）"


def followers_by_category(platforms: pd.DataFrame) -> go.Figure:
    """Box per category (category colours) of followers > 0 on a log y axis; each point hovers unit and count."""
    if not _usable(platforms, "category", "followers", "unit"):
        return empty_figure(TITLE_FOLLOWERS)
    f = pd.to_numeric(platforms["followers"], errors="coerce")
    df = pd.DataFrame({"cat": platforms["category"].astype("str"), "f": f, "unit": _units_col(platforms)})
    df = df[df["f"] > 0]
    if df.empty:
        return empty_figure(TITLE_FOLLOWERS)
    med = df.groupby("cat", dropna=False)["f"].median()
    fig = go.Figure()
    for code in sorted(med.index, key=lambda c: -float(med[c])):
        part = df[df["cat"].isna()] if pd.isna(code) else df[df["cat"].eq(code).fillna(False)]
        label = category_label(code)
        fig.add_box(
            y=part["f"].astype(float).tolist(), name=label, marker_color=category_color(code),
            boxpoints="all", jitter=0.4, pointpos=0, marker=dict(size=4, opacity=0.55), line=dict(width=1.5),
            hovertext=part["unit"].tolist(),
            hovertemplate=f"类别：{label}<br>单位：%{{hovertext}}<br>粉丝数：%{{y:,}}<extra></extra>",
        )  # fmt: skip
    n_zero = int(len(platforms) - len(df))
    note = f"；另有 {n_zero} 个平台粉丝数为空或为0未计入" if n_zero else ""
    return _base(
        fig, TITLE_FOLLOWERS, xaxis_title=f"平台类别（按中位数排序{note}）", yaxis_title="粉丝数（人）",
        yaxis=dict(type="log"), showlegend=False,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Rectification progress (statuses: netmedia.validate.rectification_status)
# ---------------------------------------------------------------------------

#: The key of ``tables`` holding the findings' statuses (unit, status; ``reports/rectification_status.parquet``
#: without the reply texts, which are the units' free text).
RECTIFICATION_STATUS = "rectification_status"
TITLE_RECTIFICATION = "各单位整改进度（按问题状态堆叠）"
RECTIFICATION_COLORS = {"overdue": "#d62728", "open": "#f2b134", "replied": "#1f77b4", "resolved": "#2ca02c"}


def rectification_progress(status: pd.DataFrame) -> go.Figure:
    """Per unit with findings, its findings by status (逾期, 待整改, 已回复, 已整改), stacked; units with the most
    overdue and open findings on top."""
    if not _usable(status, "unit", "status"):
        return empty_figure(TITLE_RECTIFICATION, TALL_SIZE)
    counts = progress_by_unit(status, unknown=UNKNOWN_UNIT)
    counts = counts.sort_values(["overdue", "open", "replied"], kind="stable")  # plotly draws the first row at the bottom
    units = counts.index.tolist()
    fig = go.Figure()
    for st in sorted(STATUSES, key=list(RECTIFICATION_COLORS).index):
        fig.add_bar(y=units, x=counts[st].tolist(), name=STATUS_ZH[st], orientation="h",
                    marker_color=RECTIFICATION_COLORS[st], hovertemplate="%{y}<br>" + STATUS_ZH[st] +
                    "：%{x} 条<extra></extra>")
    return _base(fig, TITLE_RECTIFICATION, TALL_SIZE, barmode="stack", xaxis_title="问题数（条）",
                 legend=dict(orientation="h", y=-0.08))


# ---------------------------------------------------------------------------
# Internet groups (Annex 4): counts only, never an owner
# ---------------------------------------------------------------------------

TITLE_GROUPS_UNIT = "各单位互联网群组数量"
TITLE_GROUPS_PLATFORM = "互联网群组数量（按群组类型）"
TITLE_DISSOLVE = "应解散的临时群组"
TITLE_GROUPS_SCOPE = "互联网群组：登记、计入统计与应解散（按群组类型）"
GROUP_COUNTED, GROUP_SMALL, GROUP_NO_COUNT = "计入统计", "不足统计人数", "人数未填"
GROUP_BUCKET_COLORS = {GROUP_COUNTED: "#1f77b4", GROUP_SMALL: "#aec7e8", GROUP_NO_COUNT: UNKNOWN_COLOR}
#: The bars of :func:`groups_scope_by_platform`: column of :func:`group_platform_counts` -> (legend, colour);
#: ``{n}`` is ``[thresholds] group_min_members``.
GROUP_SCOPE_BARS = {"count": ("登记群组", "#9fb3c8"), "counted": ("计入统计（{n}人及以上）", "#1f77b4"),
                    "dissolve": ("应解散", "#d62728")}
#: The dissolve list's columns: what identifies a group to the department, never its owner (issue 15).
DISSOLVE_COLUMNS = {"unit": "单位", "group_name": "群组名称", "platform": "群组类型", "end_on": "结束时间",
                    "reason": "应解散原因"}


def group_platform_label(code: object) -> str:
    """A group platform code's Chinese name: the first word of its list (data/categories.toml [group_platform])."""
    words = dict(schema.package_words("group_platform"))
    return words[code][0] if isinstance(code, str) and code in words else "未填"


def group_buckets(groups: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One row per group: its unit, platform label and size bucket (计入统计: R-group-size's ``counted`` from
    :func:`netmedia.validate.derive.derive_groups`, 不足统计人数, 人数未填)."""
    d = derive.derive_groups(groups, config)
    counted = d["counted"]
    bucket = pd.Series(GROUP_NO_COUNT, index=d.index, dtype="str")
    bucket = bucket.mask(counted.eq(True).fillna(False), GROUP_COUNTED).mask(counted.eq(False).fillna(False),
                                                                               GROUP_SMALL)
    return pd.DataFrame({
        "unit": _units_col(d), "platform": d["group_platform"].map(group_platform_label).astype("str"),
        "bucket": bucket,
    })  # fmt: skip


def group_platform_counts(derived: pd.DataFrame) -> pd.DataFrame:
    """Per group platform present (in the word list's order, then 未填): ``count`` groups registered, ``counted``
    (R-group-size's ``counted``) and ``dissolve`` (R-dissolve's ``must_dissolve``), from the rows of
    :func:`netmedia.validate.derive.derive_groups`. The circular's table and its chart read these same numbers."""
    label = derived["group_platform"].map(group_platform_label)
    order = [word for _, word in schema.choice_words("group_platform")]
    names = [w for w in order if (label == w).any()] + sorted(set(label) - set(order))
    flags = pd.DataFrame({"counted": derived["counted"].eq(True).fillna(False).astype(int),
                          "dissolve": derived["must_dissolve"].eq(True).fillna(False).astype(int)})
    out = flags.groupby(label.to_numpy()).sum().reindex(names)
    out.insert(0, "count", label.value_counts().reindex(names).astype(int))
    return out.rename_axis("platform").reset_index()


def groups_scope_by_platform(groups: pd.DataFrame, config: Config) -> go.Figure:
    """Per group platform, side by side: the groups registered, those in the notice's scope (``counted``) and
    those to dissolve (``must_dissolve``), each bar labelled with its count (the circular is printed)."""
    if not _usable(groups, "group_platform"):
        return empty_figure(TITLE_GROUPS_SCOPE)
    t = group_platform_counts(derive.derive_groups(groups, config))
    fig = go.Figure()
    for col, (name, color) in GROUP_SCOPE_BARS.items():
        name = name.format(n=config.thresholds.group_min_members)
        fig.add_bar(x=t["platform"].tolist(), y=t[col].tolist(), name=name, marker_color=color, text=t[col].tolist(),
                    textposition="outside", hovertemplate=f"%{{x}}<br>{name}：%{{y}} 个<extra></extra>")
    return _base(fig, TITLE_GROUPS_SCOPE, DEFAULT_SIZE, barmode="group", xaxis_title="群组类型",
                 yaxis_title="群组数（个）", legend=dict(orientation="h", y=-0.15))


def _group_bars(df: pd.DataFrame, key: str, title: str, size: tuple[int, int], horizontal: bool) -> go.Figure:
    """Group counts per ``key`` (unit or platform), stacked by size bucket, largest total first."""
    totals = df[key].value_counts()
    order = sorted(totals.index, key=lambda k: (int(totals[k]), k), reverse=True)
    if horizontal:
        order = order[::-1]  # bottom -> top
    fig = go.Figure()
    for bucket, color in GROUP_BUCKET_COLORS.items():
        c = df.loc[df["bucket"] == bucket, key].value_counts()
        if c.empty:
            continue
        keys = [k for k in order if k in c.index]
        n = [int(c[k]) for k in keys]
        xy = {"y": keys, "x": n, "orientation": "h"} if horizontal else {"x": keys, "y": n}
        fig.add_bar(**xy, name=bucket, marker_color=color,
                    hovertemplate=f"%{{{'y' if horizontal else 'x'}}}<br>{bucket}：%{{{'x' if horizontal else 'y'}}} 个"
                                  "<extra></extra>")
    axis = dict(categoryorder="array", categoryarray=order)
    fig.update_yaxes(**axis) if horizontal else fig.update_xaxes(**axis)
    count_title = "群组数（个）"
    return _base(fig, title, size, barmode="stack", legend_title_text="成员人数",
                 **({"xaxis_title": count_title, "yaxis_title": ""} if horizontal else
                    {"yaxis_title": count_title, "xaxis_title": "群组类型"}))


def groups_by_unit(groups: pd.DataFrame, config: Config) -> go.Figure:
    """Horizontal bars, one row per unit: its groups, stacked by whether they are counted (10 members or more)."""
    if not _usable(groups, "unit", "member_count"):
        return empty_figure(TITLE_GROUPS_UNIT, TALL_SIZE)
    return _group_bars(group_buckets(groups, config), "unit", TITLE_GROUPS_UNIT, TALL_SIZE, horizontal=True)


def groups_by_platform(groups: pd.DataFrame, config: Config) -> go.Figure:
    """Bars per group platform (微信群, QQ群…), stacked by whether the groups are counted."""
    if not _usable(groups, "group_platform", "member_count"):
        return empty_figure(TITLE_GROUPS_PLATFORM)
    return _group_bars(group_buckets(groups, config), "platform", TITLE_GROUPS_PLATFORM, DEFAULT_SIZE,
                       horizontal=False)


def dissolve_table(groups: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The groups R-dissolve says must be dissolved (``must_dissolve``): unit, name, platform, end date and why,
    sorted by unit; no owner."""
    if not _usable(groups, "group_name"):
        return pd.DataFrame(columns=list(DISSOLVE_COLUMNS.values()))
    d = derive.derive_groups(groups, config)
    d = d[d["must_dissolve"].fillna(False).astype(bool)]
    why = ["；".join(w for w, on in (("已过结束时间", e), ("已标注不再需要", n)) if on)
           for e, n in zip(d["group_expired"].fillna(False), d["group_not_needed"].fillna(False), strict=True)]
    out = pd.DataFrame({
        "unit": _units_col(d), "group_name": d["group_name"].fillna("（无名称）"),
        "platform": d["group_platform"].map(group_platform_label).astype("str"),
        "end_on": _dates(d["end_on"]).dt.strftime("%Y-%m-%d").fillna("—"), "reason": why,
    })  # fmt: skip
    return out.sort_values(["unit", "group_name"], kind="stable").rename(columns=DISSOLVE_COLUMNS).reset_index(drop=True)


def dissolve_list(groups: pd.DataFrame, config: Config) -> go.Figure:
    """The dissolve list as a table figure (one row per group to dissolve)."""
    if not _usable(groups, "group_name"):
        return empty_figure(TITLE_DISSOLVE)
    t = dissolve_table(groups, config)
    if t.empty:
        return empty_figure(TITLE_DISSOLVE, note="暂无应解散的群组")
    fig = go.Figure(go.Table(
        header=dict(values=list(t.columns), fill_color="#8b1a1a", font=dict(color="white", size=14), align="left"),
        cells=dict(values=[t[c].tolist() for c in t.columns], align="left", height=26),
    ))  # fmt: skip
    return _base(fig, TITLE_DISSOLVE, DEFAULT_SIZE)


# ---------------------------------------------------------------------------
# All charts, in dashboard order
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the dashboard: its file name, section, title, export size, and how it is drawn from the
    tables, the findings and the config."""

    name: str
    section: str
    title: str
    size: tuple[int, int]
    build: Callable[[Mapping[str, pd.DataFrame], pd.DataFrame | None, Config], go.Figure]


def _t(tables: Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    df = tables.get(key)
    return df if df is not None else pd.DataFrame()


def _of_groups(chart: Callable[[pd.DataFrame, Config], go.Figure]) -> Callable[
        [Mapping[str, pd.DataFrame], pd.DataFrame | None, Config], go.Figure]:
    """A chart of the groups table (and the config) as :data:`CHARTS` draws it from the season's tables."""
    return lambda t, f, c: chart(_t(t, "groups"), c)


TITLE_ROUNDS = "各轮次备案平台数量（按类别）"


def rounds_trend(counts: pd.DataFrame) -> go.Figure:
    """Platforms per class in every archived round (the dynamic archive), stacked, total on top.

    ``counts``: ``netmedia.report.history.counts_over_rounds`` — columns round, total, and one column per class 1-7.
    """
    if not _usable(counts, "round", "total"):
        return empty_figure(TITLE_ROUNDS)
    rounds = counts["round"].astype("str").tolist()
    fig = go.Figure()
    for cls in range(1, 8):
        if cls not in counts.columns:
            continue
        y = counts[cls].fillna(0).astype(int).tolist()
        fig.add_bar(x=rounds, y=y, name=class_label(cls), marker_color=class_color(cls),
                    customdata=[class_label(cls)] * len(y),
                    hovertemplate="%{x} 年度<br>%{customdata}：%{y} 个<extra></extra>")
    fig.add_scatter(x=rounds, y=counts["total"].astype(int).tolist(), mode="text+markers", name="合计",
                    text=counts["total"].astype(int).tolist(), textposition="top center",
                    marker=dict(color="#2a3f5f", size=8), hovertemplate="%{x} 年度 合计：%{y} 个<extra></extra>")
    return _base(fig, TITLE_ROUNDS, barmode="stack", xaxis=dict(title="轮次（年度）", type="category"),
                 yaxis=dict(title="平台数量（个）"), legend=dict(orientation="h", y=-0.15))


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("platforms_by_category", "平台概况", TITLE_BY_CATEGORY, DEFAULT_SIZE,
              lambda t, f, c: platforms_by_category(_t(t, "platforms"))),
    ChartSpec("platforms_by_class", "平台概况", TITLE_BY_CLASS, DEFAULT_SIZE,
              lambda t, f, c: platforms_by_class(_t(t, "platforms"))),
    ChartSpec("platforms_by_owner_kind", "平台概况", TITLE_BY_OWNER, DEFAULT_SIZE,
              lambda t, f, c: platforms_by_owner_kind(_t(t, "platforms"))),
    ChartSpec("platforms_by_unit", "平台概况", TITLE_BY_UNIT, TALL_SIZE,
              lambda t, f, c: platforms_by_unit(_t(t, "platforms"))),
    ChartSpec("zombie_by_class", "僵尸账号", TITLE_ZOMBIE_CLASS, DEFAULT_SIZE,
              lambda t, f, c: zombie_by_class(_t(t, "platforms"), c)),
    ChartSpec("days_since_update", "僵尸账号", TITLE_DAYS, DEFAULT_SIZE,
              lambda t, f, c: days_since_update(_t(t, "platforms"), c)),
    ChartSpec("zombie_by_unit", "僵尸账号", TITLE_ZOMBIE_UNIT, TALL_SIZE,
              lambda t, f, c: zombie_by_unit(_t(t, "platforms"), c)),
    ChartSpec("unit_ranking", "合规检查", TITLE_RANKING, DEFAULT_SIZE,
              lambda t, f, c: unit_ranking(_t(t, "platforms"), f)),
    ChartSpec("findings_heatmap", "合规检查", TITLE_HEATMAP, TALL_SIZE,
              lambda t, f, c: findings_heatmap(f if f is not None else pd.DataFrame())),
    ChartSpec("submission_progress", "报送进度", TITLE_PROGRESS, DEFAULT_SIZE,
              lambda t, f, c: submission_progress(_t(t, "submissions"), _t(t, "units"), c, derive.return_records(t))),
    ChartSpec("missing_units", "报送进度", TITLE_MISSING, DEFAULT_SIZE,
              lambda t, f, c: missing_units(_t(t, "submissions"), _t(t, "units"), derive.return_records(t))),
    ChartSpec("followers_by_category", "粉丝规模", TITLE_FOLLOWERS, DEFAULT_SIZE,
              lambda t, f, c: followers_by_category(_t(t, "platforms"))),
    ChartSpec("rectification_progress", "整改进度", TITLE_RECTIFICATION, TALL_SIZE,
              lambda t, f, c: rectification_progress(_t(t, RECTIFICATION_STATUS))),
    ChartSpec("groups_by_unit", "互联网群组", TITLE_GROUPS_UNIT, TALL_SIZE, _of_groups(groups_by_unit)),
    ChartSpec("groups_by_platform", "互联网群组", TITLE_GROUPS_PLATFORM, DEFAULT_SIZE, _of_groups(groups_by_platform)),
    ChartSpec("dissolve_list", "互联网群组", TITLE_DISSOLVE, DEFAULT_SIZE, _of_groups(dissolve_list)),
    ChartSpec("groups_scope_by_platform", "互联网群组", TITLE_GROUPS_SCOPE, DEFAULT_SIZE, _of_groups(groups_scope_by_platform)),
)  # fmt: skip

CHART_SIZES: dict[str, tuple[int, int]] = {s.name: s.size for s in CHARTS}


def all_charts(
    tables: Mapping[str, pd.DataFrame], findings: pd.DataFrame | None, config: Config
) -> dict[str, go.Figure]:
    """Every chart, name -> Figure, in dashboard order. ``tables``: platforms, submissions, units (any missing: empty)."""
    return {s.name: s.build(tables, findings, config) for s in CHARTS}
