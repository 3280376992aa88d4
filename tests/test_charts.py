"""netmedia.report.charts on small hand-made frames: traces, totals, zombie rule, colours, empty input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from netmedia import schema
from netmedia.config import Round, load_config
from netmedia.report import charts
from netmedia.validate import derive


@pytest.fixture(scope="module")
def config():
    cfg = load_config()
    rnd = Round(
        name="2023",
        year=2023,
        notice_date=dt.date(2023, 4, 4),
        deadline=dt.date(2023, 4, 25),
        reference_date=dt.date(2023, 4, 25),
    )
    return dataclasses.replace(cfg, round=rnd)  # cutoff 2023-01-25, whatever the config file says


def _platforms(rows: list[tuple]) -> pd.DataFrame:
    """rows: (unit, owner_kind, category, status, last_updated_on, followers)."""
    df = pd.DataFrame(rows, columns=["unit", "owner_kind", "category", "status", "last_updated_on", "followers"])
    df["platform_class"] = pd.array([schema.class_of(c) for c in df["category"]], dtype="Int64")
    df["last_updated_on"] = pd.to_datetime(df["last_updated_on"])
    df["followers"] = df["followers"].astype("Int64")
    for c in ("unit", "owner_kind", "category", "status"):
        df[c] = df[c].astype("str")
    # personal data that must never reach a chart
    df["supervisor"] = "王建国"
    df["operator"] = "李秀英"
    df["operator_phone"] = "13812345678"
    df["platform_name"] = [f"账号{i}" for i in range(len(df))]
    return df


CUTOFF = "2023-01-25"


@pytest.fixture()
def platforms() -> pd.DataFrame:
    return _platforms(
        [
            ("水利学院", "unit", "wechat_official", "running", "2023-04-20", 12000),
            ("水利学院", "unit", "weibo", "running", "2022-12-01", 800),  # zombie
            ("水利学院", "student_org", "douyin", "stopped", "2022-10-01", 50),  # zombie (stopped, old)
            ("水利学院", "unit", "website_campus", "closed", "2021-01-01", None),  # closed: exempt
            ("电力学院", "unit", "wechat_official", "running", CUTOFF, 3000),  # exactly on the cutoff: active
            ("电力学院", "student_org", "wechat_official", "running", None, 0),  # NaT date
            ("电力学院", "unit", "bilibili", "unknown", "2023-01-24", 150),  # one day before: zombie
            ("校团委", "student_org", "douyin", "running", "2023-03-01", 45000),
            ("校团委", "student_org", "weibo", "stopped", "2023-04-01", 20),  # stopped, recent
            ("党委宣传部", "unit", "news_app", "running", "2023-04-24", None),
            ("党委宣传部", "unit", "live_streaming", "closed", None, 5),
        ]
    )


@pytest.fixture()
def findings() -> pd.DataFrame:
    rows = [
        ("R-zombie", "水利学院", "platforms"),
        ("R-zombie", "水利学院", "platforms"),
        ("R-closed", "水利学院", "platforms"),
        ("R-zombie", "电力学院", "platforms"),
        ("R-phone", "电力学院", "platforms"),
        ("R-naming", "电力学院", "personal_accounts"),
        ("R-complete", "图书馆", "units"),
        ("R-leader", None, "platforms"),
    ]
    df = pd.DataFrame(rows, columns=["rule", "unit", "table"]).astype("str")
    df["severity"] = "violation"
    return df


@pytest.fixture()
def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["水利学院", "电力学院", "校团委", "党委宣传部", "图书馆", "档案馆"],
            "kind": ["学院", "学院", "学生组织", "机关", "直属单位", "直属单位"],
        }
    ).astype("str")


@pytest.fixture()
def submissions() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "source_file": ["a.xlsx", "b.xlsx", "b2.xlsx", "c.xlsx", "d.xlsx"],
            "unit": ["水利学院", "电力学院", "电力学院", "校团委", "党委宣传部"],
            "annex": ["2", "2", "3", "2", "2"],
            "received_at": pd.to_datetime(["2023-04-20 09:30", "2023-04-22 10:00", "2023-04-21 08:00", None, "2023-04-27 00:00"]),
        }
    )
    for c in ("source_file", "unit", "annex"):
        df[c] = df[c].astype("str")
    return df


def _bar_sum(fig: go.Figure, axis: str = "y") -> int:
    return int(sum(sum(getattr(t, axis)) for t in fig.data if t.type == "bar"))


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


def _is_empty(fig: go.Figure) -> bool:
    return any(a.text == charts.NO_DATA for a in fig.layout.annotations)


# ---------------------------------------------------------------------------


def test_by_category_totals_and_traces(platforms):
    fig = charts.platforms_by_category(platforms)
    assert {t.type for t in fig.data} == {"bar"}
    names = [t.name for t in fig.data]
    assert names[0] == "微信公众号"  # largest first
    assert set(names) == {schema.category_zh(c) for c in platforms["category"]}
    assert _bar_sum(fig) == len(platforms)
    assert dict(zip(names, (t.y[0] for t in fig.data), strict=True))["抖音"] == 2
    assert "平台" in _title(fig) and fig.layout.yaxis.title.text


def test_by_class_all_seven(platforms):
    fig = charts.platforms_by_class(platforms)
    assert [t.name for t in fig.data] == [f"{k} {v}" for k, v in schema.class_names().items()]
    assert _bar_sum(fig) == len(platforms)
    assert fig.data[2].y[0] == 5  # class 3: 3 wechat + 2 weibo


def test_by_unit_stacks_sum_to_unit_counts(platforms):
    fig = charts.platforms_by_unit(platforms)
    assert fig.layout.barmode == "stack"
    per_unit: dict[str, int] = {}
    for t in fig.data:
        assert t.orientation == "h" and t.name.split()[1] in schema.class_names().values()
        for u, x in zip(t.y, t.x, strict=True):
            per_unit[u] = per_unit.get(u, 0) + x
    assert per_unit == platforms["unit"].value_counts().to_dict()
    # sorted: biggest unit on top (last in the category array)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1] == "水利学院" and set(order[:2]) == {"校团委", "党委宣传部"}
    assert "%{y}" in fig.data[0].hovertemplate and "%{x}" in fig.data[0].hovertemplate


def test_by_owner_kind(platforms):
    fig = charts.platforms_by_owner_kind(platforms)
    assert [t.name for t in fig.data] == ["单位", "学生组织"]
    totals = {t.name: sum(t.y) for t in fig.data}
    assert totals == {"单位": 7, "学生组织": 4}
    assert fig.layout.title.text.endswith("（单位 7 个，学生组织 4 个）")


def test_zombie_rule_and_buckets(platforms, config):
    assert config.zombie_cutoff == dt.date(2023, 1, 25)
    z = derive.is_zombie(platforms, config.zombie_cutoff).astype(bool)
    assert int(z.sum()) == 3  # weibo 2022-12-01, stopped douyin, bilibili one day before; the cutoff row is not
    on_cutoff = platforms["last_updated_on"].eq(pd.Timestamp(CUTOFF))
    assert not z[on_cutoff].any()
    b = charts.status_bucket(platforms, config.zombie_cutoff)
    assert b[on_cutoff].tolist() == [charts.ACTIVE]
    assert b.value_counts().to_dict() == {charts.ACTIVE: 4, charts.ZOMBIE: 3, charts.CLOSED: 3, charts.NO_DATE: 1}


def _custom_counts(fig: go.Figure) -> dict[str, int]:
    return {t.name: int(sum(c[0] for c in t.customdata)) for t in fig.data}


def test_zombie_by_class(platforms, config):
    fig = charts.zombie_by_class(platforms, config)
    counts = _custom_counts(fig)
    assert counts[charts.ZOMBIE] == 3  # as in test_zombie_rule_and_buckets
    assert sum(counts.values()) == len(platforms)
    # shares of each class stack to 100 %
    per_x: dict[str, float] = {}
    for t in fig.data:
        for x, y in zip(t.x, t.y, strict=True):
            per_x[x] = per_x.get(x, 0) + y
    assert all(abs(v - 100) < 1e-9 for v in per_x.values())
    assert "3 新媒体平台" in per_x


def test_zombie_by_unit(platforms, config):
    fig = charts.zombie_by_unit(platforms, config)
    assert _custom_counts(fig)[charts.ZOMBIE] == 3
    zombie_trace = next(t for t in fig.data if t.name == charts.ZOMBIE)
    per_unit = {u: c[0] for u, c in zip(zombie_trace.y, zombie_trace.customdata, strict=True)}
    assert per_unit["水利学院"] == 2 and per_unit["电力学院"] == 1 and per_unit["校团委"] == 0
    assert list(fig.layout.yaxis.categoryarray)[-1] == "水利学院"  # worst share on top (2/4 > 1/3)


def test_days_since_update(platforms, config):
    fig = charts.days_since_update(platforms, config)
    assert {t.type for t in fig.data} == {"histogram"}
    live = platforms[~platforms["status"].eq("closed")]
    dated = live["last_updated_on"].notna().sum()
    assert sum(len(t.x) for t in fig.data) == dated
    zombie = next(t for t in fig.data if t.name.startswith(charts.ZOMBIE))
    assert len(zombie.x) == 3
    active = next(t for t in fig.data if t.name.startswith(charts.ACTIVE))
    assert 90 in active.x  # the cutoff row, 90 days before 2023-04-25
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 90.5
    assert any("僵尸线" in a.text for a in fig.layout.annotations)
    assert "1 个平台未填" in fig.layout.xaxis.title.text


def test_heatmap(findings):
    fig = charts.findings_heatmap(findings)
    (hm,) = fig.data
    assert hm.type == "heatmap"
    assert sum(sum(r) for r in hm.z) == len(findings)
    assert charts.UNKNOWN_UNIT in hm.y
    assert hm.y[-1] == "水利学院" or hm.y[-1] == "电力学院"  # 3 findings each: most on top
    assert all(x.startswith("R-") for x in hm.x)
    assert "单位" in hm.hovertemplate


def test_rule_label_uses_mapping():
    assert charts.rule_label("R-zombie", {"R-zombie": "僵尸账号"}) == "R-zombie 僵尸账号"
    assert charts.rule_label("R-x", {}) == "R-x"
    assert charts.rule_label("R-zombie", {"R-zombie": "僵尸账号需关停"}, wrap=4) == "R-zombie<br>僵尸账号<br>需关停"


def test_ranking(platforms, findings):
    table = charts.unit_ranking_table(platforms, findings)
    # findings on the platforms table only, per platform of the unit
    got = {r.unit: (r.findings, r.platforms) for r in table.itertuples()}
    assert got == {"水利学院": (3, 4), "电力学院": (2, 3), "校团委": (0, 2), "党委宣传部": (0, 2)}
    assert table["unit"].tolist()[-1] == "水利学院"  # 0.75 worst, then 电力学院 0.67
    fig = charts.unit_ranking(platforms, findings)
    best, worst = fig.data
    assert (best.name, worst.name) == ("红榜", "黑榜")
    assert set(best.y).isdisjoint(worst.y)
    assert len(best.y) + len(worst.y) == 4
    assert list(worst.y) == ["电力学院", "水利学院"]  # first place on top
    assert sorted(best.y) == ["党委宣传部", "校团委"]


def test_submission_progress(submissions, units, config):
    fig = charts.submission_progress(submissions, units, config)
    line = fig.data[0]
    assert line.type == "scatter" and line.name == "累计已报送单位"
    assert list(line.y) == [1, 2, 3]  # 水利 04-20, 电力 04-21 (first file), 宣传部 04-27; 校团委 undated
    assert pd.Timestamp(line.x[1]) == pd.Timestamp("2023-04-21")
    assert fig.data[1].y[0] == len(units)
    (deadline,) = fig.layout.shapes
    assert pd.Timestamp(deadline.x0) == pd.Timestamp("2023-04-25")
    text = " ".join(a.text for a in fig.layout.annotations)
    assert "截止日期 2023-04-25" in text
    assert "未报送 2 个单位" in text and "图书馆" in text and "档案馆" in text
    assert "1 个报送时间不详" in text
    assert "%{customdata[1]}" in line.hovertemplate  # hover names the units of the day


def test_missing_units(submissions, units):
    assert charts.missing_unit_list(submissions, units) == ["图书馆", "档案馆"]
    # the same units as R-complete: a unit that submitted under its roster alias has submitted
    aliased = units.assign(aliases=pd.Series([None, None, None, None, "校图书馆", None], dtype="str"))
    by_alias = pd.concat([submissions, submissions.head(1).assign(unit="校图书馆")], ignore_index=True)
    assert charts.missing_unit_list(by_alias, aliased) == ["档案馆"]
    fig = charts.missing_units(submissions, units)
    (tbl,) = fig.data
    assert tbl.type == "table"
    assert list(tbl.cells.values[1]) == ["图书馆", "档案馆"]
    done = charts.missing_units(submissions, units[units["unit"].isin(submissions["unit"])])
    assert any("全部单位均已报送" in a.text for a in done.layout.annotations)


def test_followers(platforms):
    fig = charts.followers_by_category(platforms)
    assert {t.type for t in fig.data} == {"box"}
    assert fig.layout.yaxis.type == "log"
    positive = pd.to_numeric(platforms["followers"]).gt(0).sum()
    assert sum(len(t.y) for t in fig.data) == positive
    t = next(t for t in fig.data if t.name == "抖音")
    assert sorted(t.y) == [50.0, 45000.0] and sorted(t.hovertext) == ["校团委", "水利学院"]


def test_category_colours_consistent(platforms):
    bars = {t.name: t.marker.color for t in charts.platforms_by_category(platforms).data}
    boxes = {t.name: t.marker.color for t in charts.followers_by_category(platforms).data}
    common = set(bars) & set(boxes)
    assert {"微信公众号", "抖音", "微博"} <= common
    for name in common:
        assert bars[name] == boxes[name]
    assert bars["抖音"] == charts.CATEGORY_COLORS["douyin"]
    assert len(set(charts.CATEGORY_COLORS.values())) == len(charts.CATEGORY_COLORS)
    # class colours: the same in the class chart and the per-unit stack
    cls = {t.name: t.marker.color for t in charts.platforms_by_class(platforms).data}
    stack = {t.name: t.marker.color for t in charts.platforms_by_unit(platforms).data}
    assert all(cls[n] == c for n, c in stack.items())


def test_template_font(platforms, config):
    for fig in charts.all_charts({"platforms": platforms}, None, config).values():
        assert "Noto Sans CJK SC" in fig.layout.template.layout.font.family
        assert "Microsoft YaHei" in fig.layout.template.layout.font.family


EMPTY_CASES = [
    pd.DataFrame(),
    pd.DataFrame(columns=list(schema.output_columns("platforms"))),
]


@pytest.mark.parametrize("empty", EMPTY_CASES, ids=["no-columns", "no-rows"])
def test_empty_inputs_give_placeholder(empty, config):
    tables = {"platforms": empty, "submissions": empty, "units": empty}
    figs = charts.all_charts(tables, empty, config)
    assert set(figs) == {s.name for s in charts.CHARTS}
    for name, fig in figs.items():
        assert isinstance(fig, go.Figure)
        assert _is_empty(fig), name
        fig.to_json()  # valid


def test_all_null_columns(config):
    p = _platforms([("水利学院", "unit", "weibo", "closed", None, None)])
    assert _is_empty(charts.days_since_update(p, config))
    assert _is_empty(charts.followers_by_category(p))
    assert not _is_empty(charts.zombie_by_class(p, config))


def test_no_personal_data_in_figures(platforms, findings, submissions, units, config):
    tables = {"platforms": platforms, "submissions": submissions, "units": units}
    blob = json.dumps([f.to_plotly_json() for f in charts.all_charts(tables, findings, config).values()],
                      ensure_ascii=False, default=str)  # fmt: skip
    for secret in ("王建国", "李秀英", "13812345678", "账号0"):
        assert secret not in blob
    assert "水利学院" in blob
