"""The season's circular (情况通报): ``reports/情况通报.docx``, written from the clean tables and the findings.

When the season ends the department reports it to the Party committee and to the units: the headline figures
(units that submitted and on time, platforms by class, zombie platforms, findings), the red and black lists
of units with their ranking rule, the main charts, the rectification deadline and, as an appendix, the
findings of each unit. The wording and layout are the .docx template's (package data
``circular_template.docx``, made by ``docs/templates/make_templates.py``, or a school's own:
``[documents] circular_template``); this module only computes the figures the template shows.

Every fact is read, never re-coded: zombies are :func:`netmedia.validate.derive.is_zombie`, lateness is
``derive``'s ``is_late``, a unit's submission is ``derive``'s ``has_submission`` (through
:func:`netmedia.report.charts.missing_unit_list`), the ranking is the dashboard's
(:func:`netmedia.report.charts.unit_ranking_table`) and the rule's sentence and list length are config
(``[documents.ranking]``), the groups' facts are :func:`netmedia.validate.derive.derive_groups`' (``counted``,
``must_dissolve``) and their platforms' words the word list's (:func:`netmedia.report.charts.group_platform_label`);
the groups section's chart (:data:`GROUPS_CHART`) counts the same rows as its table
(:func:`netmedia.report.charts.group_platform_counts`).
Only units, categories and counts reach the circular: it is shareable (no group name, no owner).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from netmedia import schema
from netmedia.config import Config, ConfigError
from netmedia.report import charts
from netmedia.report.documents import Settings
from netmedia.report.rectification import UNKNOWN_UNIT, reply_deadline_for
from netmedia.report.registry import platform_class_of
from netmedia.report.zh import zh_date
from netmedia.validate import derive
from netmedia.validate.findings import rule_name

CIRCULAR_FILE = "情况通报.docx"
UNCLASSIFIED = "未分类"
IMAGE_WIDTH = Mm(160)  # the text width of an A4 page with 2.5 cm margins
IMAGE_MAX_HEIGHT = Mm(200)
#: The groups section's chart (a :data:`netmedia.report.charts.CHARTS` name): shown when groups were registered.
GROUPS_CHART = "groups_scope_by_platform"


def rate(part: int, whole: int) -> str:
    """``57/60`` as ``95.0%``; ``—`` when there is nothing to divide by."""
    return f"{part / whole:.1%}" if whole else "—"


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else pd.DataFrame()


def submission_figures(tables: Mapping[str, pd.DataFrame], config: Config) -> dict[str, object]:
    """Roster units, those that submitted (``has_submission``), those none of whose returns came after the
    deadline (``is_late``), and the units still missing."""
    units, subs = _table(tables, "units"), _table(tables, "submissions")
    roster = charts.roster_units(units)
    missing = charts.missing_unit_list(subs, units, derive.return_records(tables))
    submitted = set(roster) - set(missing)
    late: set[str] = set()
    if len(subs) and "unit" in subs.columns:
        d = derive.derive_submissions(subs, config)
        late = set(d.loc[d["is_late"].fillna(False).astype(bool), "unit"].dropna())
    on_time = submitted - late
    return {"n_units": len(roster), "n_submitted": len(submitted), "submission_rate": rate(len(submitted), len(roster)),
            "n_on_time": len(on_time), "on_time_rate": rate(len(on_time), len(roster)),
            "missing_units": "、".join(missing)}


def class_counts(platforms: pd.DataFrame) -> list[dict[str, object]]:
    """Platforms per class 1-7 (every class, zeros included), then 未分类 when some rows have no class."""
    classes = platform_class_of(platforms) if len(platforms) else pd.Series(dtype="Int64")
    counts = classes.value_counts()
    rows = [{"number": n, "name": name, "count": int(counts.get(n, 0))} for n, name in sorted(schema.class_names().items())]
    if classes.isna().any():
        rows.append({"number": "—", "name": UNCLASSIFIED, "count": int(classes.isna().sum())})
    return rows


def finding_figures(findings: pd.DataFrame) -> dict[str, int]:
    sev = findings["severity"] if len(findings) else pd.Series(dtype="str")
    return {"n_findings": len(findings), "n_violations": int((sev == "violation").sum()),
            "n_warnings": int((sev == "warning").sum()),
            "n_units_with_findings": int(findings["unit"].nunique()) if len(findings) else 0}


def group_platform_rows(d: pd.DataFrame) -> list[dict[str, object]]:
    """Per group platform present (in the word list's order, then 未填): groups registered, those counted
    (R-group-size's ``counted``) and those to dissolve (R-dissolve's ``must_dissolve``), from derived groups
    (:func:`netmedia.report.charts.group_platform_counts`, the numbers of the section's chart)."""
    t = charts.group_platform_counts(d)
    return [{"name": r["platform"], "count": int(r["count"]), "counted": int(r["counted"]),
             "dissolve": int(r["dissolve"])} for r in t.to_dict("records")]


def group_figures(groups: pd.DataFrame, config: Config) -> dict[str, object]:
    """The circular's groups section: registered groups (``n_groups``, 0 for a season without Annex 4) and the
    units that registered any; those with ``group_min_members`` members or more (counted), fewer, or no count;
    the rows by platform; the groups to dissolve and, per unit (most first), how many. Units only, no owner."""
    figures: dict[str, object] = {"group_min_members": config.thresholds.group_min_members, "n_groups": len(groups),
                                  "n_group_units": 0, "n_groups_counted": 0, "n_groups_small": 0,
                                  "n_groups_no_count": 0, "group_platforms": [], "n_dissolve": 0, "dissolve_units": []}
    if not len(groups):
        return figures  # every tag has a value: a school's own template may show them outside {% if n_groups %}
    d = derive.derive_groups(groups, config)
    counted, dissolve = d["counted"], d["must_dissolve"].eq(True).fillna(False).astype(bool)
    per_unit = d.loc[dissolve, "unit"].fillna(UNKNOWN_UNIT).value_counts()
    return {**figures, "n_group_units": int(d["unit"].dropna().nunique()),
            "n_groups_counted": int(counted.eq(True).fillna(False).sum()),
            "n_groups_small": int(counted.eq(False).fillna(False).sum()), "n_groups_no_count": int(counted.isna().sum()),
            "group_platforms": group_platform_rows(d), "n_dissolve": int(dissolve.sum()),
            "dissolve_units": [{"unit": u, "count": int(n)}
                               for u, n in sorted(per_unit.items(), key=lambda un: (-un[1], un[0]))]}


def red_black(platforms: pd.DataFrame, findings: pd.DataFrame, top: int) -> tuple[list[dict], list[dict]]:
    """The red list (best ``top``) and black list (worst ``top``) of the dashboard's ranking, no unit on both:
    as the ranking chart splits it."""
    rank = charts.unit_ranking_table(platforms, findings)
    n = len(rank)
    n_best = min(top, math.ceil(n / 2))
    n_worst = min(top, n - n_best)

    def rows(part: pd.DataFrame) -> list[dict]:
        return [{"rank": i, "unit": r.unit, "platforms": int(r.platforms), "findings": int(r.findings),
                 "per_platform": f"{r.per_platform:.2f}"} for i, r in enumerate(part.itertuples(index=False), 1)]

    return rows(rank.head(n_best)), rows(rank.iloc[::-1].head(n_worst))


def appendix(findings: pd.DataFrame) -> list[dict[str, object]]:
    """Per unit with findings (most first): violations, warnings and each rule's name with its count."""
    if not len(findings):
        return []
    f = findings.assign(unit=findings["unit"].fillna(UNKNOWN_UNIT))
    out = []
    for unit, part in f.groupby("unit"):
        by_rule = part["rule"].value_counts()
        out.append({"unit": unit, "violations": int((part["severity"] == "violation").sum()),
                    "warnings": int((part["severity"] == "warning").sum()), "total": len(part),
                    "rules": "、".join(f"{rule_name(r)}{n}条" for r, n in by_rule.sort_index().items())})
    return sorted(out, key=lambda r: (-r["total"], r["unit"]))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"not a PNG: {path}")
    return struct.unpack(">II", head[16:24])


def chart_images(doc: DocxTemplate, charts_dir: Path, names: tuple[str, ...]) -> list[dict[str, object]]:
    """The PNGs of ``names`` under ``charts_dir`` as inline images (page width; tall ones capped in height),
    each with its chart title. A chart that is not on disk is an error: the dashboard step writes them."""
    titles = {s.name: s.title for s in charts.CHARTS}
    out = []
    for name in names:
        if name not in titles:
            raise ConfigError(f"[documents] charts: unknown chart {name!r}; one of: {', '.join(titles)}")
        path = Path(charts_dir) / f"{name}.png"
        if not path.is_file():
            raise FileNotFoundError(f"chart image missing (the dashboard writes it): {path}")
        w, h = _png_size(path)
        size = {"width": IMAGE_WIDTH} if IMAGE_WIDTH * h / w <= IMAGE_MAX_HEIGHT else {"height": IMAGE_MAX_HEIGHT}
        out.append({"image": InlineImage(doc, str(path), **size), "title": titles[name]})
    return out


def circular_context(tables: Mapping[str, pd.DataFrame], findings: pd.DataFrame, config: Config,
                     settings: Settings, today: dt.date | None = None) -> dict[str, object]:
    """Every tag of the circular template but the charts: names and dates, the figures, the lists, the appendix."""
    platforms = _table(tables, "platforms")
    ins, rnd = config.institution, config.round
    red, black = red_black(platforms, findings, settings.ranking.top)
    zombies = int(derive.is_zombie(platforms, config.zombie_cutoff).sum()) if len(platforms) else 0
    return {
        "school": ins.name_zh, "department": ins.department, "year": rnd.year,
        "notice_date": zh_date(rnd.notice_date), "deadline": zh_date(rnd.deadline),
        "reference_date": zh_date(rnd.reference_date), "zombie_cutoff": zh_date(config.zombie_cutoff),
        "reply_deadline": zh_date(reply_deadline_for(config)), "date": zh_date(today or dt.date.today()),
        **submission_figures(tables, config),
        "n_platforms": len(platforms), "classes": class_counts(platforms), "n_zombie": zombies,
        **finding_figures(findings), **group_figures(_table(tables, "groups"), config),
        "ranking_rule": settings.ranking.rule, "red": red, "black": black, "appendix": appendix(findings),
    }


def write_circular(tables: Mapping[str, pd.DataFrame], findings: pd.DataFrame, out: Path, config: Config,
                   settings: Settings, charts_dir: Path) -> Path:
    """``out/情况通报.docx`` from the template of ``settings`` with the charts of ``charts_dir``: the configured
    ones (``charts``) and, when groups were registered, the groups section's (``groups_chart``, :data:`GROUPS_CHART`;
    None without groups, so the section keeps its one sentence)."""
    doc = DocxTemplate(str(settings.circular_template))
    ctx = circular_context(tables, findings, config, settings)
    ctx["charts"] = chart_images(doc, charts_dir, settings.charts)
    ctx["groups_chart"] = chart_images(doc, charts_dir, (GROUPS_CHART,))[0] if ctx["n_groups"] else None
    doc.render(ctx, autoescape=True)
    path = Path(out) / CIRCULAR_FILE
    doc.save(path)
    return path
