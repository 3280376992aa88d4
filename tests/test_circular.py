"""The season's circular (issue 15): its figures equal the clean tables and findings (recomputed here with plain
pandas), its red and black lists follow the stated rule, it embeds the configured charts as PNG, holds no personal
data, and converts to a PDF that renders.

Uses the season of ``documents_season`` (a 12-unit demo season through every step), as ``test_annex1`` does.
"""

from __future__ import annotations

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

from netmedia.report import privacy


@pytest.fixture
def season_docs():
    return documents_season()


def circular_text(reports: Path) -> tuple[str, list[list[list[str]]]]:
    d = docx.Document(str(reports / "情况通报.docx"))
    text = "\n".join(p.text for p in d.paragraphs)
    tables = [[[c.text.strip() for c in row.cells] for row in t.rows] for t in d.tables]
    return text, tables


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
    red_table, black_table = tables[1], tables[2]
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


def test_the_configured_charts_are_embedded_as_png(season_docs):
    _, reports, config, _ = season_docs
    names = tomllib.loads(config.path.read_text(encoding="utf-8"))["documents"]["charts"]
    d = docx.Document(str(reports / "情况通报.docx"))
    assert len(d.inline_shapes) == len(names) >= 3
    images = [rel.target_part for rel in d.part.rels.values() if rel.reltype.endswith("/image")]
    assert {i.content_type for i in images} == {"image/png"}
    digest = {hashlib.sha256(i.blob).hexdigest() for i in images}
    assert digest == {hashlib.sha256((reports / "charts" / f"{n}.png").read_bytes()).hexdigest() for n in names}


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
