"""Returns nobody here generated (issue 13, item 7): small workbooks built from literal cells in
``tests/returns/cases.py``, each ingested through the public entry point (:func:`netmedia.season.ingest`) on its
own season folder with hand-written rosters, and compared exactly with the rows an analyst reads in it.

The expectations are written by hand (see the conventions in ``tests/returns/cases.py``); nothing here computes
them with netmedia's schema, normalisers or categories. Per return there are separate tests for the clean rows,
the ``category_source`` column, the rejects and row accounting, and R-category, so a failure says which part is
wrong.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from returns import build, rosters
from returns.cases import CASES, Case, Row

from netmedia import season
from netmedia.config import load_config
from netmedia.validate import checks

CONFIG = load_config()
BY_KEY = {c.key: c for c in CASES}
RECORD_TABLES = ("platforms", "personal_accounts")
ROSTER_RULES = {"units": ("R-leader", "R-complete"), "staff": ("R-operator",)}
NOT_CHECKED = "未检查（缺少名册）"


def write_season(c: Case, raw: Path) -> None:
    for book in c.books:
        build.write_book(book, raw)
    ref = raw / "reference"
    build.write_roster(ref / "units.xlsx", build.UNITS_HEADER, rosters.UNITS if c.units_roster == "full" else [])
    build.write_roster(ref / "staff.xlsx", build.STAFF_HEADER, rosters.STAFF if c.staff_roster == "full" else [])


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """key -> the ingest's tables for that return (each return ingested once, in its own folder)."""
    done: dict[str, dict[str, pd.DataFrame]] = {}

    def get(key: str) -> dict[str, pd.DataFrame]:
        if key not in done:
            raw = tmp_path_factory.mktemp(key)
            write_season(BY_KEY[key], raw)
            done[key] = season.ingest(raw, config=CONFIG, workers=1, progress=False).tables
        return done[key]

    return get


@pytest.fixture(scope="module")
def checked(ingested):
    done: dict[str, checks.CheckResult] = {}

    def get(key: str) -> checks.CheckResult:
        if key not in done:
            done[key] = checks.run_checks(ingested(key), CONFIG)
        return done[key]

    return get


def value(v: object) -> object:
    """A clean-table cell as a plain Python value (NA -> None, timestamps -> dates, Int64 -> int)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


FIELDS = ("table", "unit", "platform_name", "category", "platform_class", "url", "account_id", "opened_on",
          "last_updated_on", "followers")


def expected_fields(r: Row) -> dict:
    return {f: getattr(r, f) for f in FIELDS}


def got_rows(tables: dict[str, pd.DataFrame]) -> dict[tuple, dict]:
    out = {}
    for table in RECORD_TABLES:
        for rec in tables[table].to_dict("records"):
            key = (rec["source_file"], rec["source_sheet"], value(rec["source_row"]))
            out[key] = {"table": table, **{f: value(rec.get(f)) for f in FIELDS if f != "table"},
                        "category_source": value(rec.get("category_source"))}
            if table == "personal_accounts":
                out[key]["platform_class"] = None  # Annex 3 has no class
                out[key]["opened_on"] = None
    return out


def where(r: Row) -> tuple[str, str, int]:
    return (r.file, r.sheet, r.row)


KEYS = [c.key for c in CASES]


# ---------------------------------------------------------------------------------------------- the test data
def test_at_least_thirty_returns_each_with_rows():
    assert len(CASES) >= 30 and len(set(KEYS)) == len(KEYS)
    assert all(c.rows for c in CASES)


def test_the_builder_and_the_data_do_not_import_netmedia():
    for p in sorted((Path(__file__).parent / "returns").glob("*.py")):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "netmedia" for n in names), (p.name, names)


@pytest.mark.parametrize("key", KEYS)
def test_expected_rows_point_at_their_cells(key):
    """The hand-written row numbers are right: the expected platform name is typed in that row of the literal."""
    c = BY_KEY[key]
    sheets = {(b.file, s.name): s for b in c.books for s in b.sheets}
    for r in c.rows:
        cells = sheets[(r.file, r.sheet)].rows[r.row - 1]
        assert r.platform_name in cells, (r.file, r.sheet, r.row, r.platform_name)


# ---------------------------------------------------------------------------------------------- the ingest
@pytest.mark.parametrize("key", KEYS)
def test_clean_rows_exactly(key, ingested):
    """Every row, its table, unit, name, category, class, URL, account id, dates and followers, exactly."""
    c = BY_KEY[key]
    got = {k: {f: v[f] for f in FIELDS} for k, v in got_rows(ingested(key)).items()}
    want = {where(r): expected_fields(r) for r in c.rows}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = {k: {f: (got[k][f], want[k][f]) for f in FIELDS if got[k][f] != want[k][f]}
             for k in sorted(set(want) & set(got))}
    wrong = {k: v for k, v in wrong.items() if v}
    assert not missing and not extra and not wrong, (
        f"{c.covers}\n missing rows: {missing}\n rows not expected: {extra}\n wrong values (got, want): {wrong}")


@pytest.mark.parametrize("key", KEYS)
def test_category_source(key, ingested):
    """What decided each row's category: type, url, account_id, hint (or none)."""
    c = BY_KEY[key]
    tables = ingested(key)
    assert all("category_source" in tables[t].columns for t in RECORD_TABLES), "no category_source column"
    got = {k: v["category_source"] for k, v in got_rows(tables).items()}
    want = {where(r): r.category_source for r in c.rows}
    assert {k: got.get(k) for k in want} == want, c.covers


@pytest.mark.parametrize("key", KEYS)
def test_rejects_and_row_accounting(key, ingested):
    """The rows that are no record, by reason kind; every non-empty row written is clean or rejected, once."""
    c = BY_KEY[key]
    tables = ingested(key)
    rej = tables["rejects"]
    kinds = Counter(str(r).split(":")[0].split(" (")[0].strip() for r in rej["reason"])
    assert dict(kinds) == c.rejects, (f"got {dict(kinds)}, want {c.rejects}\n"
                                      + rej[["source_file", "source_sheet", "source_row", "reason"]].to_string())
    for book in c.books:
        for sheet in book.sheets:
            written = build.nonempty_rows(sheet)
            clean = [value(r) for t in RECORD_TABLES for r in tables[t].loc[
                (tables[t]["source_file"] == book.file) & (tables[t]["source_sheet"] == sheet.name), "source_row"]]
            rejected = [value(r) for r in rej.loc[(rej["source_file"] == book.file)
                                                  & (rej["source_sheet"] == sheet.name), "source_row"]]
            assert sorted(clean + rejected) == written, (book.file, sheet.name, sorted(clean), sorted(rejected))


@pytest.mark.parametrize("key", KEYS)
def test_r_category_flags_exactly_the_contradictions(key, checked):
    """R-category: a typed type its URL contradicts is flagged; nothing else in these returns is."""
    c = BY_KEY[key]
    f = checked(key).findings
    f = f[f["rule"] == "R-category"]
    got = {(r.source_file, r.source_sheet, value(r.source_row)) for r in f.itertuples()}
    assert got == set(c.r_category), f[["source_file", "source_sheet", "source_row", "detail"]].to_string()


@pytest.mark.parametrize("key", [c.key for c in CASES if "empty" in (c.units_roster, c.staff_roster)])
def test_rules_needing_a_missing_roster_are_not_checked(key, checked):
    """An empty roster: the rules that need it find nothing and are reported as not checked."""
    c = BY_KEY[key]
    res = checked(key)
    empty = [name for name, how in (("units", c.units_roster), ("staff", c.staff_roster)) if how == "empty"]
    rules = {r for name in empty for r in ROSTER_RULES[name]}
    found = res.findings[res.findings["rule"].isin(rules)]
    assert found.empty, found[["rule", "unit", "detail"]].to_string()
    assert set(res.not_checked) == rules, res.not_checked  # exactly the rules that need the empty roster
    assert all(why.startswith(NOT_CHECKED) for why in res.not_checked.values()), res.not_checked
