"""The season's circular (issue 15): its figures equal the clean tables and findings (recomputed here with plain
pandas), its red and black lists follow the stated rule, its internet-groups section's figures equal the groups
table (the season's, and one written by hand here; a season without groups gets one sentence), it embeds the
configured charts as PNG, holds no personal data, and converts to a PDF that renders.

Uses the season of ``documents_season`` (a 12-unit demo season through every step), as ``test_annex1`` does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import tomllib
from pathlib import Path

import docx
import pandas as pd
import pytest
from documents_season import documents_season
from test_annex1 import dark_share, needs_office

from netmedia.config import load_config
from netmedia.report import charts, circular, documents, privacy
from netmedia.validate import checks


@pytest.fixture
def season_docs():
    return documents_season()


def circular_text(reports: Path) -> tuple[str, list[list[list[str]]]]:
    d = docx.Document(str(reports / "情况通报.docx"))
    text = "\n".join(p.text for p in d.paragraphs)
    tables = [[[c.text.strip() for c in row.cells] for row in t.rows] for t in d.tables]
    return text, tables


def headed(tables: list[list[list[str]]], first_cell: str) -> list[list[list[str]]]:
    """The tables whose header row starts with ``first_cell``, in document order."""
    return [t for t in tables if t[0][0] == first_cell]


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%"


def test_headline_figures_equal_the_clean_tables(season_docs):
    clean, reports, config, _ = season_docs
    text, tables = circular_text(reports)
    units = set(pd.read_parquet(clean / "units.parquet")["unit"].dropna())
    subs = pd.read_parquet(clean / "submissions.parquet")
    p = pd.read_parquet(clean / "platforms.parquet")
    a = pd.read_parquet(clean / "personal_accounts.parquet")
    sent = units & (set(subs["unit"].dropna()) | set(p["unit"].dropna()) | set(a["unit"].dropna()))
    day = pd.to_datetime(subs["received_at"]).dt.normalize()
    late = set(subs.loc[day > pd.Timestamp("2023-04-25"), "unit"].dropna())  # the round's deadline, by hand
    on_time = sent - late
    assert late & sent and len(sent) < len(units)  # the demo has late and missing units: not vacuous
    assert f"全校应报送单位{len(units)}个，已报送{len(sent)}个，报送率{pct(len(sent), len(units))}" in text
    assert f"按期报送{len(on_time)}个，按期报送率{pct(len(on_time), len(units))}" in text
    assert f"未报送的单位：{'、'.join(sorted(units - sent))}" in text
    assert f"共登记网络媒体平台{len(p)}个" in text
    by_class = {row[0]: int(row[2]) for row in tables[0][1:-1]}
    want = p["platform_class"].value_counts()
    assert {int(k): v for k, v in by_class.items() if v} == {int(k): int(v) for k, v in want.items()}
    assert tables[0][-1][0] == "合计" and tables[0][-1][2] == str(len(p))
    # zombie: not closed, last update before the reference date minus 3 months (2023-01-25)
    zombie = (p["status"] != "closed") & (p["last_updated_on"] < pd.Timestamp("2023-01-25"))
    assert zombie.sum() > 0
    assert f"“僵尸”平台{int(zombie.sum())}个" in text
    f = pd.read_parquet(reports / "findings.parquet")
    assert (f"检查共发现问题{len(f)}条，其中违规{(f['severity'] == 'violation').sum()}条、"
            f"提示{(f['severity'] == 'warning').sum()}条，涉及{f['unit'].nunique()}个单位") in text
    reply_days = tomllib.loads(config.path.read_text(encoding="utf-8"))["rectification"]["reply_days"]
    by = pd.Timestamp("2023-04-25") + pd.Timedelta(days=reply_days)
    assert f"请于{by.year}年{by.month}月{by.day}日前完成整改" in text


def test_red_and_black_lists_follow_the_stated_rule(season_docs):
    clean, reports, config, _ = season_docs
    text, tables = circular_text(reports)
    rank_cfg = tomllib.loads(config.path.read_text(encoding="utf-8"))["documents"]["ranking"]
    assert f"排名规则：{rank_cfg['rule']}" in text
    p = pd.read_parquet(clean / "platforms.parquet")
    f = pd.read_parquet(reports / "findings.parquet")
    per = pd.DataFrame({"platforms": p["unit"].value_counts(),
                        "findings": f.loc[f["table"] == "platforms", "unit"].value_counts()}).fillna(0)
    per = per[per["platforms"] > 0]
    per["ratio"] = per["findings"] / per["platforms"]
    order = sorted(per.index, key=lambda u: (per.at[u, "ratio"], -per.at[u, "platforms"], u))
    top = min(rank_cfg["top"], (len(order) + 1) // 2)
    red, black = order[:top], order[::-1][:min(rank_cfg["top"], len(order) - top)]
    red_table, black_table = headed(tables, "名次")
    assert [row[1] for row in red_table[1:]] == red
    assert [row[1] for row in black_table[1:]] == black
    assert not set(red) & set(black)
    for row in black_table[1:]:
        u = row[1]
        assert row[2:] == [str(int(per.at[u, "platforms"])), str(int(per.at[u, "findings"])),
                           f"{per.at[u, 'ratio']:.2f}"]


def test_appendix_lists_the_findings_of_each_unit(season_docs):
    _, reports, _, _ = season_docs
    _, tables = circular_text(reports)
    f = pd.read_parquet(reports / "findings.parquet")
    f["unit"] = f["unit"].fillna("未识别单位")
    want = {u: (str((g["severity"] == "violation").sum()), str((g["severity"] == "warning").sum()))
            for u, g in f.groupby("unit")}
    rows = tables[-1][1:]
    assert {row[1]: (row[2], row[3]) for row in rows} == want
    assert [row[0] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
    totals = [int(r[2]) + int(r[3]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    for row in rows:  # each rule's count: 《name》N条 adds up to the unit's findings
        assert sum(int(n) for n in re.findall(r"(\d+)条", row[4])) == int(row[2]) + int(row[3])


GROUPS_CHART = "groups_scope_by_platform"  # the groups section's chart, by its file name under reports/charts/


def test_the_configured_charts_are_embedded_as_png(season_docs):
    """The configured charts, and the groups section's one (the demo season has groups), as their PNG files."""
    _, reports, config, _ = season_docs
    names = tomllib.loads(config.path.read_text(encoding="utf-8"))["documents"]["charts"]
    d = docx.Document(str(reports / "情况通报.docx"))
    assert len(d.inline_shapes) == len(names) + 1 and len(names) >= 3
    images = [rel.target_part for rel in d.part.rels.values() if rel.reltype.endswith("/image")]
    assert {i.content_type for i in images} == {"image/png"}
    digest = {hashlib.sha256(i.blob).hexdigest() for i in images}
    assert digest == {hashlib.sha256((reports / "charts" / f"{n}.png").read_bytes()).hexdigest()
                      for n in [*names, GROUPS_CHART]}


def test_the_circular_holds_no_personal_data(season_docs):
    clean, reports, _, _ = season_docs
    staff, phones = privacy.season_personal_data(clean)
    assert privacy.scan_for_personal_data([reports / "情况通报.docx"], set(staff), known_phones=phones) == []
    text, _ = circular_text(reports)
    assert "{{" not in text and "{%" not in text


@needs_office
def test_the_circular_converts_to_pdf_and_renders(season_docs, tmp_path):
    _, reports, _, made = season_docs
    pdf = reports / "情况通报.pdf"
    assert pdf in made.pdfs and pdf.read_bytes()[:5] == b"%PDF-"
    assert 0.01 < dark_share(pdf, tmp_path / "circular") < 0.5
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("情况的通报", "红黑榜", "整改要求"):
        assert words in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages)[1]) >= 3


# --------------------------------------------------------------------------- internet groups (Annex 4)

REFERENCE_DATE = pd.Timestamp("2023-04-25")  # the round's reference date, by hand
MIN_MEMBERS = 10  # the notice: groups of 10 members or more are counted


def groups_section(text: str) -> str:
    """The circular's text from the groups heading to the next heading."""
    return text[text.index("二、互联网群组情况"):text.index("三、红黑榜")]


def test_groups_section_equals_the_seasons_groups_table(season_docs):
    clean, reports, _, _ = season_docs
    text, tables = circular_text(reports)
    section = groups_section(text)
    g = pd.read_parquet(clean / "groups.parquet")
    counted = g["member_count"] >= MIN_MEMBERS
    small = g["member_count"] < MIN_MEMBERS
    temporary = g["group_kind"] == "temporary"
    dissolve = temporary & ((g["end_on"] < REFERENCE_DATE) | (g["still_needed"] == "no"))
    assert small.sum() > 0 and dissolve.sum() > 1 and g["group_platform"].nunique() > 1  # not vacuous
    assert (f"共登记工作、学习类互联网群组{len(g)}个，涉及{g['unit'].nunique()}个单位。其中成员{MIN_MEMBERS}人及以上、"
            f"计入统计范围的{int(counted.sum())}个，成员不足{MIN_MEMBERS}人、不计入统计的{int(small.sum())}个") in section
    assert ("未填写成员人数" in section) == bool(g["member_count"].isna().any())
    words = {"wechat": "微信群", "wecom": "企业微信群", "qq": "QQ群", "dingtalk": "钉钉群", "feishu": "飞书群",
             "weibo": "微博群", "other": "其他"}
    (table,) = headed(tables, "群组类型")
    want = {words[code]: [str(len(part)), str(int(counted[part.index].sum())), str(int(dissolve[part.index].sum()))]
            for code, part in g.groupby("group_platform")}
    assert {row[0]: row[1:] for row in table[1:-1]} == want
    assert table[-1] == ["合计", str(len(g)), str(int(counted.sum())), str(int(dissolve.sum()))]
    per_unit = g.loc[dissolve, "unit"].value_counts()
    assert f"应予解散的群组{int(dissolve.sum())}个，涉及{len(per_unit)}个单位：" in section
    named = re.findall(r"([^：、（]+)（(\d+)个）", section.split("涉及")[-1])
    assert {u: int(n) for u, n in named} == per_unit.to_dict()
    # the findings say the same: one R-dissolve finding per group to dissolve, R-group-size per small group
    f = pd.read_parquet(reports / "findings.parquet")
    assert f.loc[f["rule"] == "R-dissolve", "unit"].value_counts().to_dict() == per_unit.to_dict()
    assert (f["rule"] == "R-group-size").sum() == small.sum()
    for owner in g["owner"].dropna():
        assert owner not in text


def hand_written_groups() -> pd.DataFrame:
    """Eight groups of three units and one without, each row an edge of a rule (see the comments)."""
    rows = [  # unit, platform code, kind, members, end, still needed, owner
        ("化学学院", "wechat", "temporary", 10, "2023-03-01", "yes", "郑一鸣"),  # exactly 10: counted; ended: dissolve
        ("化学学院", "qq", "long_term", 9, None, "no", "钱二丽"),  # 9: small; long-term marked not needed: kept
        ("化学学院", "wechat", "temporary", 40, "2023-04-25", "yes", "孙三强"),  # ends on the reference date: kept
        ("物理学院", "dingtalk", "temporary", 200, "2023-12-31", "no", "李四海"),  # not needed any more: dissolve
        ("物理学院", "dingtalk", "temporary", 3, "2023-01-01", None, "周五洋"),  # small and ended: dissolve
        ("后勤处", "other", "long_term", None, None, "yes", "吴六顺"),  # no member count
        ("后勤处", "wechat", "long_term", 500, None, None, "冯七星"),
        ("  ", "weibo", "temporary", 12, "2023-02-01", "yes", "褚八方"),  # no unit (blank): named 未识别单位
    ]
    df = pd.DataFrame(rows, columns=["unit", "group_platform", "group_kind", "member_count", "end_on", "still_needed",
                                     "owner"])
    raw = {"wechat": "微信群", "qq": "QQ", "dingtalk": "钉钉", "other": "抖音粉丝群", "weibo": "微博群"}
    return df.assign(group_name=[f"工作群{i}" for i in range(len(df))], group_platform_raw=df["group_platform"].map(raw),
                     purpose="工作通知", member_count=df["member_count"].astype("Int64"),
                     end_on=pd.to_datetime(df["end_on"]))


def render(season_docs, out: Path, groups: pd.DataFrame | None) -> tuple[str, list[list[list[str]]]]:
    """The circular of the documents season with ``groups`` as its Annex 4 (None: no Annex 4), no charts."""
    clean, reports, config, _ = season_docs
    tables = {k: v for k, v in checks.load_clean_tables(clean).items() if k != "groups"}
    if groups is not None:
        tables["groups"] = groups
    settings = dataclasses.replace(documents.settings(config), charts=())
    circular.write_circular(tables, pd.read_parquet(reports / "findings.parquet"), out, config, settings,
                            reports / "charts")
    return circular_text(out)


def images(out: Path) -> int:
    return len(docx.Document(str(out / "情况通报.docx")).inline_shapes)


def test_groups_section_of_a_hand_written_groups_table(season_docs, tmp_path):
    text, tables = render(season_docs, tmp_path, hand_written_groups())
    section = groups_section(text)
    assert ("各单位共登记工作、学习类互联网群组8个，涉及3个单位。其中成员10人及以上、计入统计范围的5个，"
            "成员不足10人、不计入统计的2个，未填写成员人数的1个。") in section
    (table,) = headed(tables, "群组类型")
    assert table == [["群组类型", "登记群组（个）", "计入统计（个）", "应解散（个）"],
                     ["微信群", "3", "3", "1"], ["QQ群", "1", "0", "0"], ["钉钉群", "2", "1", "2"], ["微博群", "1", "1", "1"],
                     ["其他", "1", "0", "0"], ["合计", "8", "5", "4"]]
    assert ("应予解散的群组4个，涉及3个单位：物理学院（2个）、化学学院（1个）、未识别单位（1个）。"
            "请上述单位于2023年5月10日前解散相关群组"
            in section)
    for owner in hand_written_groups()["owner"]:
        assert owner not in text


def test_groups_section_without_groups_to_dissolve(season_docs, tmp_path):
    kept = hand_written_groups().iloc[[1, 2, 5, 6]]
    text, tables = render(season_docs, tmp_path, kept)
    section = groups_section(text)
    assert "共登记工作、学习类互联网群组4个，涉及2个单位" in section
    assert "暂未发现应解散的临时群组" in section and "应予解散" not in section
    assert headed(tables, "群组类型")[0][-1] == ["合计", "4", "2", "0"]


@pytest.mark.parametrize("groups", ["absent", "empty"])
def test_a_season_without_groups_says_none_were_registered(season_docs, tmp_path, groups):
    empty = pd.read_parquet(season_docs[0] / "groups.parquet").iloc[0:0]
    text, tables = render(season_docs, tmp_path, None if groups == "absent" else empty)
    assert groups_section(text).splitlines()[1:] == ["本轮各单位均未登记互联网群组。"]
    assert headed(tables, "群组类型") == []
    assert "{{" not in text and "{%" not in text
    assert len(headed(tables, "名次")) == 2  # the rest of the circular is there


def test_the_groups_section_gets_its_chart_only_with_groups(season_docs, tmp_path):
    """No configured chart: the circular holds one image (the groups chart, in the groups section, numbered 图1)
    when groups were registered, none when none were (absent or empty table)."""
    for name in ("with", "none", "empty"):
        (tmp_path / name).mkdir()
    text, _ = render(season_docs, tmp_path / "with", hand_written_groups())
    assert images(tmp_path / "with") == 1
    assert "图1　互联网群组：登记、计入统计与应解散（按群组类型）" in groups_section(text)
    text, _ = render(season_docs, tmp_path / "none", None)
    assert images(tmp_path / "none") == 0 and "图1" not in text
    render(season_docs, tmp_path / "empty", pd.read_parquet(season_docs[0] / "groups.parquet").iloc[0:0])
    assert images(tmp_path / "empty") == 0


def test_groups_chart_traces_on_a_hand_written_table():
    """Six groups counted by hand: per platform (the word list's order, a group with no platform last as 未填),
    registered / 10 members or more / to dissolve (temporary, and ended before 2023-04-25 or not needed)."""
    rows = [  # platform, kind, members, end, still needed
        ("wechat", "temporary", 10, "2023-01-01", "yes"),  # counted; ended: dissolve
        ("wechat", "long_term", 50, None, None),  # counted
        ("qq", "temporary", 8, None, "no"),  # small; not needed: dissolve
        ("qq", "temporary", 30, "2023-05-31", "yes"),  # counted; ends later: kept
        (None, "long_term", 12, None, None),  # counted; no platform
        ("feishu", "long_term", None, None, None),  # no member count: not counted
    ]
    g = pd.DataFrame(rows, columns=["group_platform", "group_kind", "member_count", "end_on", "still_needed"])
    g = g.assign(unit="化学学院", group_name=[f"群{i}" for i in range(len(g))],
                 member_count=g["member_count"].astype("Int64"), end_on=pd.to_datetime(g["end_on"]))
    config = load_config()
    fig = charts.groups_scope_by_platform(g, config)
    got = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
    assert got == {"登记群组": {"微信群": 2, "QQ群": 2, "飞书群": 1, "未填": 1},
                   "计入统计（10人及以上）": {"微信群": 2, "QQ群": 1, "飞书群": 0, "未填": 1},
                   "应解散": {"微信群": 1, "QQ群": 1, "飞书群": 0, "未填": 0}}
    assert [list(t.x) for t in fig.data] == [["微信群", "QQ群", "飞书群", "未填"]] * 3
    assert [list(t.text) for t in fig.data] == [["2", "2", "1", "1"], ["2", "1", "0", "1"], ["1", "1", "0", "0"]]
    empty = charts.groups_scope_by_platform(g.iloc[0:0], config)
    assert not empty.data and empty.layout.annotations[0].text == charts.NO_DATA
