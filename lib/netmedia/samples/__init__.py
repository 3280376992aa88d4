"""Deterministic synthetic registration season (网络媒体平台备案) with a truth file.

``generate(out_dir, n_units=60, seed=0)`` writes, under ``out_dir``::

    reference/units.xlsx    单位名称 | 别名 | 单位类别 | 党组织书记 | 行政负责人
    reference/staff.xlsx    姓名 | 工号 | 所在单位 | 人员状态
    reference/truth.json    what the ingest must recover and the checks must find (below)
    备案信息汇总+<unit>.xlsx, 附件2-备案信息汇总+<unit>.xlsx, 备案信息汇总+<unit>.zip,
    mail/NNNN.eml, 其他/备案表NNN.xlsx   the units' returns, in every variant

Only ``random.Random(seed)`` is used: the same arguments give a byte-identical truth.json and the
same workbook cells. All people, phones and account ids are invented.

truth.json keys:

- ``seed n_units violations_planted messy round cutoff deadline reference_date`` (the spec's boolean
  ``violations`` flag is renamed: ``violations`` is the list of findings)
- ``variants``: {variant: times applied}; ``rates``: the probabilities behind them
- ``units``: one per roster unit: unit, kind, aliases, submitted, late, received_at (latest), files
- ``submissions``: one per workbook: source_file, unit, tables, received_at (eml Date, else 填表日期, else
  null), late
- ``sheets``: one per visible data sheet: source_file, source_sheet, table, header_rows (1-based), columns
  {letter: canonical column or null}. For a two-row header a child cell maps by itself, else as
  parent+child (主管领导 + 姓名 -> supervisor; 运营管理负责人 + 联系电话 -> operator_phone).
- ``groups``: the internet groups (Annex 4) as ``platforms`` below: group_platform / group_kind / owner_role /
  still_needed as codes (wechat…, long_term/temporary, staff/student, yes/no), member_count an int
- ``platforms`` / ``personal_accounts``: canonical values (names without spaces, phones as digits or
  0371-69127000, ISO dates, followers as int, status running/stopped/closed/unknown, ``unit`` the
  roster name even when an alias was written) plus source_file/source_sheet/source_row
- ``non_data_rows`` (kind title/header/instruction/example/section/footer) and ``hidden_rows``: every
  other non-empty row, visible or in a hidden sheet
- ``violations``: rule, severity, table, unit, source_file/sheet/row, platform_name, account_id, kind;
  ``violation_counts``: {rule: findings}

source_file is relative to out_dir (POSIX); a zip member is ``<zip>!<member>``, a mail attachment
``<eml>!<attachment file name>``; source_row is the 1-based Excel row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
from collections import Counter
from pathlib import Path

import xlsxwriter

from netmedia.config import Config, load_config

from ._season import Builder, Season
from ._write import FIXED_TIME, RATES, Writer

__all__ = ["generate", "main"]


def _roster(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"created": FIXED_TIME})
    ws = wb.add_worksheet("Sheet1")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, headers, bold)
    for i, row in enumerate(rows, start=1):
        for j, val in enumerate(row):
            if val:
                ws.write_string(i, j, val)
    wb.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def _write_rosters(season: Season, out: Path, rng: random.Random, messy: bool) -> None:
    rows = []
    for i, u in enumerate(season.units):
        sep = rng.choice(("、", ",", ";", "，")) if messy else "、"
        mailbox = "" if i % 9 == 4 else f"unit{i + 1:03d}@example.com"  # a few units without one (mail drafts)
        rows.append([u.name, sep.join(u.aliases), u.kind, u.party_head, u.admin_head, mailbox])
    _roster(out / "reference" / "units.xlsx", ["单位名称", "别名", "单位类别", "党组织书记", "行政负责人", "邮箱"], rows)
    people = [[p.name, p.staff_id or "", p.unit, p.status or ""] for p in season.people]
    _roster(out / "reference" / "staff.xlsx", ["姓名", "工号", "所在单位", "人员状态"], people)


def generate(out_dir: str | Path, *, n_units: int = 60, seed: int = 0, violations: bool = True, messy: bool = True,
             rows_per_unit: tuple[int, int] = (3, 12), personal_per_unit: tuple[int, int] = (0, 5),
             config: Config | None = None, round_name: str | None = None, previous_of: Path | None = None) -> Path:
    """Write a synthetic season under ``out_dir``; returns the path of ``reference/truth.json``.

    ``previous_of``: the truth.json (or season folder) of an earlier generated round; the units, rosters
    and a share of its platforms are carried over (same unit, category, account id and name).
    """
    if n_units < 1:
        raise ValueError("n_units must be >= 1")
    cfg = config or load_config()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    builder = Builder(cfg, rng, n_units=n_units, violations=violations, messy=messy,
                      rows_per_unit=rows_per_unit, personal_per_unit=personal_per_unit,
                      group_rng=random.Random(f"groups:{seed}"))
    if previous_of:
        _carry_over(builder, previous_of)
    season = builder.build()
    _write_rosters(season, out, rng, messy)
    w = Writer(season, out, rng, messy=messy, seed=seed)
    late_kind = {}
    for i, name in enumerate(season.late):
        late_kind[name] = "eml" if messy and i % 2 == 0 else "fill_date"
    evening = None
    if messy:
        candidates = [u.name for u in season.units if u.name in season.recs and u.name not in late_kind]
        evening = rng.choice(candidates) if candidates else None
    for u in season.units:
        if u.name in season.recs:
            w.unit_return(u, season.recs[u.name], late_kind.get(u.name), u.name == evening)
    found = w.violations()
    variants = Counter(w.v) + _row_variants(season, cfg)
    late_units = {s["unit"] for s in w.submissions if s["late"]}
    by_unit: dict[str, list[dict]] = {}
    for s in w.submissions:
        by_unit.setdefault(s["unit"], []).append(s)
    units = []
    for u in season.units:
        subs = by_unit.get(u.canon, [])
        times = sorted(s["received_at"] for s in subs if s["received_at"])
        units.append({"unit": u.canon, "roster_name": u.name, "kind": u.kind, "aliases": list(u.aliases),
                      "party_head": u.party_head, "admin_head": u.admin_head, "submitted": bool(subs),
                      "late": u.canon in late_units, "received_at": times[-1] if times else None,
                      "files": w.unit_files.get(u.canon, [])})
    truth = {
        "seed": seed, "n_units": n_units, "violations_planted": violations, "messy": messy,
        "round": round_name or cfg.round.name, "cutoff": cfg.zombie_cutoff.isoformat(),
        "deadline": cfg.round.deadline.isoformat(), "reference_date": cfg.round.reference_date.isoformat(),
        "variants": dict(sorted(variants.items())), "rates": RATES if messy else {},
        "violation_counts": dict(sorted(Counter(f["rule"] for f in found).items())),
        "units": units, "submissions": w.submissions, "sheets": w.sheets,
        "platforms": w.platforms, "personal_accounts": w.personal, "groups": w.groups,
        "non_data_rows": w.non_data, "hidden_rows": w.hidden, "violations": found,
        "students": sorted(builder.students),
    }
    path = out / "reference" / "truth.json"
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1, default=_json_default) + "\n", encoding="utf-8")
    return path


def _row_variants(season: Season, cfg: Config) -> Counter:
    """Edge cases counted on the rows actually written."""
    c: Counter = Counter(season.tags)
    en = tuple(n.lower() for n in cfg.institution.short_en)
    for rows in season.recs.values():
        for rec in rows:
            v = rec.v
            if rec.table == "platforms" and not rec.rules and v["status"] == "closed" \
                    and v["last_updated_on"] and v["last_updated_on"] < cfg.zombie_cutoff:
                c["closed_with_old_update"] += 1
            if rec.table == "personal_accounts" and not rec.rules:
                name = v["platform_name"]
                if "華" in name:
                    c["traditional_script_name"] += 1
                if any(e in name.lower() for e in en) and not any(e.upper() in name for e in en):
                    c["english_mixed_case_name"] += 1
                elif any(e in name.lower() for e in en):
                    c["english_name"] += 1
            if not rec.rules:
                for t in rec.tags:
                    c[t] += 1
    return c


def _json_default(o: object) -> object:
    if isinstance(o, dt.date):
        return o.isoformat()
    raise TypeError(type(o))


def _carry_over(builder: Builder, previous_of: Path) -> int:
    """Reuse an earlier round's platforms (same units only) as pre-made clean rows of this round."""
    p = Path(previous_of)
    if p.is_dir():
        p = p / "reference" / "truth.json"
    prev = json.loads(p.read_text(encoding="utf-8"))
    planted = {(v["source_file"], v["source_sheet"], v["source_row"]) for v in prev.get("violations", [])}
    keep, seen = [], set()
    for r in prev.get("platforms", []):
        key = (r["category"], str(r.get("account_id") or "").lower())
        if not key[1] or key in seen or (r["source_file"], r["source_sheet"], r["source_row"]) in planted:
            continue
        seen.add(key)
        if builder.rng.random() < 0.7:
            keep.append(r)
            builder.used_ids.add(key[1])
    builder.carry = keep
    return len(keep)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m netmedia.samples", description="write a synthetic registration season")
    ap.add_argument("out", help="output folder (e.g. data_raw)")
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rows", type=int, nargs=2, default=(3, 12), metavar=("MIN", "MAX"), help="platform rows per unit")
    ap.add_argument("--personal", type=int, nargs=2, default=(0, 5), metavar=("MIN", "MAX"))
    ap.add_argument("--clean", action="store_true", help="official layout only, no planted violations")
    ap.add_argument("--no-violations", action="store_true")
    ap.add_argument("--no-mess", action="store_true")
    ap.add_argument("--config", default=None, help="institution TOML (default config/institution.toml)")
    a = ap.parse_args(argv)
    cfg = load_config(a.config) if a.config else None
    path = generate(a.out, n_units=a.units, seed=a.seed, violations=not (a.clean or a.no_violations),
                    messy=not (a.clean or a.no_mess), rows_per_unit=tuple(a.rows), personal_per_unit=tuple(a.personal),
                    config=cfg)
    truth = json.loads(path.read_text(encoding="utf-8"))
    print(f"{path}: {len(truth['platforms'])} platforms, {len(truth['personal_accounts'])} personal accounts, "
          f"{len(truth['violations'])} planted findings")
    return 0
