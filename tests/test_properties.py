"""Row accounting, as a property: every non-empty input row ends exactly once in a clean table or in rejects.

For every sheet ``rows_read == rows_clean + rows_rejected``, and the (source_file, source_sheet, source_row)
keys of the clean rows and the rejects are exactly the non-empty rows of the input, each once. Non-empty rows
are counted with openpyxl, independently of the code under test (which reads with python-calamine). A sheet
or file refused as a whole (sheet limit, encrypted, corrupt...) is accounted by one reject without a row.

Checked over the hostile corpus and over >= 200 seeded random mutations of generated workbooks (cells swapped,
rows duplicated/deleted, blank rows inserted, headers misspelt, types scrambled), calling
``netmedia.transform.returns.ingest_source`` on bytes in strict mode: it must never raise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from hostile_corpus import Sheet, hostile_cases, rows_xml, xlsx  # noqa: E402

from netmedia.config import load_config  # noqa: E402
from netmedia.extract import sources, tables  # noqa: E402
from netmedia.transform import records, returns  # noqa: E402
from netmedia.transform.units import UnitMatcher  # noqa: E402

_INVISIBLE = str.maketrans("", "", "\u200b\ufeff")


def _nonempty(v: object) -> bool:
    if v is None:
        return False
    if isinstance(v, str):
        s = v.replace("_x000D_", "").replace("_x000d_", "").translate(_INVISIBLE).replace("\xa0", " ")
        return bool(s.strip())
    return True


def nonempty_rows(data: bytes) -> dict[str, list[int]] | None:
    """Sheet name -> 1-based rows holding a non-empty cell (openpyxl); None when openpyxl cannot open it."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return None
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [r for r, row in enumerate(ws.iter_rows(values_only=True), 1) if any(map(_nonempty, row))]
    wb.close()
    return out


def grid_rows(sheets: list[tuple[str, bool, list[list[object]]]]) -> dict[str, list[int]]:
    """Non-empty rows of the cell grids a mutated workbook is written from (the test's own model of it)."""
    return {n: [r for r, row in enumerate(g, 1) if any(map(_nonempty, row))] for n, _, g in sheets}


def expected_refusal(index: int, rows: list[int], limits) -> str | None:
    """Why the reader must refuse the ``index``-th sheet (0-based) with non-empty ``rows`` as a whole, or None.

    Written from the limits in the config (docs/ingest: a workbook's first ``max_sheets`` sheets are read,
    a sheet with more than ``max_sheet_rows`` rows is not): the hostile corpus and the mutations hold
    neither chart sheets nor sheets too wide, so those refusals would fail the check until added here.
    """
    if index >= limits.max_sheets:
        return f"not read: more than {limits.max_sheets} sheets in the workbook"
    if rows and rows[-1] > limits.max_sheet_rows:
        return f"too many rows: {rows[-1]} (limit {limits.max_sheet_rows})"
    return None


def check_accounting(src: sources.Source, res: records.Rows, truth: dict[str, list[int]] | None = None) -> None:
    """The invariant for one source's result (``truth``: non-empty rows per sheet; default: counted by openpyxl).

    A sheet whose processing raised is a failure here too (``res.errors``), so the check holds in a
    non-strict run as well: "sheet failed" rejects account for every row but hide a crash.
    """
    f = src.source_file
    assert not res.errors, res.errors[:1]
    recs = res.platforms + res.personal_accounts + res.groups + res.rejects
    assert all(r["source_file"] == f for r in recs + res.submissions), f
    keyed = [(r["source_sheet"], r["source_row"]) for r in res.platforms + res.personal_accounts + res.groups]
    keyed += [(r["source_sheet"], r["source_row"]) for r in res.rejects if r["source_row"] is not None]
    dup = [k for k, n in Counter(keyed).items() if n > 1]
    assert not dup, f"rows accounted twice in {f}: {dup[:5]}"
    whole = [r for r in res.rejects if r["source_row"] is None]
    file_level = [r for r in whole if r["source_sheet"] is None]
    for sub in res.submissions:
        if sub["source_sheet"] is not None:
            assert sub["rows_read"] == sub["rows_clean"] + sub["rows_rejected"], sub
    if src.data is None or file_level:
        # Refused as a whole: one reject naming the file, nothing else from it.
        assert len(file_level) == 1 and not keyed and len(whole) == 1, (f, res.rejects[:3])
        assert file_level[0]["reason"]
        return
    truth = truth if truth is not None else nonempty_rows(src.data)
    assert truth is not None, f"ingest read {f} but openpyxl cannot open it"
    by_sheet: dict[str, set[int]] = {}
    for sheet, row in keyed:
        by_sheet.setdefault(sheet, set()).add(row)
    whole_sheets = {r["source_sheet"] for r in whole}
    subs = {s["source_sheet"]: s for s in res.submissions if s["source_sheet"] is not None}
    limits = load_config().limits
    for index, (sheet, rows) in enumerate(truth.items()):
        got = by_sheet.get(sheet, set())
        refusal = expected_refusal(index, rows, limits)
        assert (sheet in whole_sheets) == (refusal is not None), (f, sheet, refusal, subs.get(sheet))
        if refusal is not None:
            # Refused as a whole, for the reason the test expects: one reject without a row, nothing else.
            mine = [r for r in res.rejects if r["source_sheet"] == sheet]
            assert not got and [(r["source_row"], r["reason"]) for r in mine] == [(None, refusal)], (f, sheet, mine)
            sub = subs[sheet]
            assert (sub["status"], sub["message"]) == ("rejected", refusal), (f, sheet, sub)
            assert (sub["rows_read"], sub["rows_clean"], sub["rows_rejected"]) == (0, 0, 0), (f, sheet, sub)
            continue
        assert got == set(rows), (f, sheet, sorted(set(rows) - got)[:5], sorted(got - set(rows))[:5])
        if rows:
            # a sheet holding two tables (a header repeated in another column order) has a submission per table
            read = sum(s["rows_read"] for s in res.submissions if s["source_sheet"] == sheet)
            assert read == len(rows), (f, sheet, [s for s in res.submissions if s["source_sheet"] == sheet])
    assert set(by_sheet) <= set(truth), (f, set(by_sheet) - set(truth))


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def season(tmp_path_factory):
    from netmedia.samples import generate

    root = tmp_path_factory.mktemp("prop") / "raw"
    generate(root, n_units=8, seed=7, violations=True)
    cfg = load_config()
    units = returns.typed_frame("units", records.roster_rows(root / "reference" / "units.xlsx", "units", cfg))
    ctx = records.Context(cfg, UnitMatcher(units, cfg.thresholds.unit_match_score),
                          dict(zip(units["unit"], units["kind"], strict=True)), strict=True)
    srcs = [s for p in sources.candidate_files(root) for s in sources.expand(p, root, cfg.limits)]
    books = [(s, _grid(s.data)) for s in srcs if s.data is not None]
    assert len(books) >= 4
    return root, ctx, srcs, books


def test_generated_season_accounts_for_every_row(season):
    _, ctx, srcs, _ = season
    for src in srcs:
        check_accounting(src, returns.ingest_source(src, ctx))


def test_hostile_corpus_accounts_for_every_row(season, tmp_path):
    _, ctx, _, _ = season
    cases = hostile_cases("水利学院")
    n = 0
    for case in cases.values():
        for rel, data in case.files.items():
            p = tmp_path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    for p in sources.candidate_files(tmp_path):
        for src in sources.expand(p, tmp_path, ctx.config.limits):
            res = returns.ingest_source(src, ctx)
            check_accounting(src, res)
            n += 1
    assert n >= len(cases)


# ------------------------------------------------------------------------------------------ mutations
def _grid(data: bytes) -> list[tuple[str, bool, list[list[object]]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return [(ws.title, ws.sheet_state != "visible", [list(r) for r in ws.iter_rows(values_only=True)])
            for ws in wb.worksheets]


SCRAMBLE = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                     st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)).map(str),
                     st.text(max_size=30), st.sampled_from(["", " ", "\xa0", "=1+1", "-", "@", "示例", "合计",
                                                             "填表人：张三", "一、网站类", "平台名称", "13800000000"]))


def _misspell(s: str, k: int) -> str:
    if not s:
        return "名称"
    k %= len(s)
    return [s[:k] + s[k + 1:], s[:k] + "x" + s[k:], s[::-1], s + "（必填）"][k % 4] or "x"


@st.composite
def mutated(draw, books):
    src, grid = draw(st.sampled_from(books))
    sheets = [(n, h, [list(r) for r in g]) for n, h, g in grid]
    for _ in range(draw(st.integers(1, 6))):
        name, hidden, g = sheets[draw(st.integers(0, len(sheets) - 1))]
        if not g:
            g.append([])
        width = max(1, max(len(r) for r in g))
        i = draw(st.integers(0, len(g) - 1))
        row = g[i]
        op = draw(st.sampled_from(["swap", "dup", "misspell", "scramble", "delete", "blank", "blank_cells"]))
        if op == "swap":
            i2, j, j2 = draw(st.integers(0, len(g) - 1)), draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            for r in (row, g[i2]):
                r.extend([None] * (width - len(r)))
            row[j], g[i2][j2] = g[i2][j2], row[j]
        elif op == "dup":
            g.insert(i + 1, list(row))
        elif op == "misspell":
            # Headers sit in the first rows: misspell a text cell there.
            h = g[draw(st.integers(0, min(len(g), 8) - 1))]
            texts = [j for j, v in enumerate(h) if isinstance(v, str)]
            if texts:
                j = draw(st.sampled_from(texts))
                h[j] = _misspell(h[j], draw(st.integers(0, 99)))
        elif op == "scramble":
            j = draw(st.integers(0, width - 1))
            row.extend([None] * (width - len(row)))
            row[j] = draw(SCRAMBLE)
        elif op == "delete":
            del g[i]
        elif op == "blank":
            g.insert(i, [None] * width)
        else:
            for j in range(len(row)):
                if draw(st.booleans()):
                    row[j] = None
    data = xlsx([Sheet(n, b"".join(rows_xml(g)), hidden=h) for n, h, g in sheets])
    return sources.Source(src.source_file, data, src.received_at, src.label), grid_rows(sheets)


def accounting_property(ctx: records.Context, books, max_examples: int = 200):
    """The row-accounting property over seeded random mutations of ``books``, read with ``ctx``."""

    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(books))
    def prop(case):
        src, truth = case
        res = returns.ingest_source(src, ctx)  # never raises (strict: a crash fails the test)
        check_accounting(src, res, truth)
        assert res.submissions

    return prop


def test_mutations_account_for_every_row(season):
    _, ctx, _, books = season
    assert ctx.strict  # a crash while reading raises out of ingest_source instead of becoming rejects

    # The model agrees with openpyxl on the unmutated books.
    for src, grid in books:
        data = xlsx([Sheet(n, b"".join(rows_xml(g)), hidden=h) for n, h, g in grid])
        assert nonempty_rows(data) == grid_rows(grid) == nonempty_rows(src.data)

    accounting_property(ctx, books)()


class ReaderBug(Exception):
    """The crash the broken readers below inject."""


def _reader_that_raises(data: bytes, **kwargs) -> list:
    raise ReaderBug("the reader crashed")


def _reader_whose_sheets_crash(data: bytes, **kwargs) -> list:
    """The real reader, but each sheet's data rows broken so that turning the sheet into records raises."""
    return [dataclasses.replace(st, data_lists=None) for st in tables.read_tables(data, **kwargs)]


@pytest.mark.parametrize("reader", [_reader_that_raises, _reader_whose_sheets_crash])
@pytest.mark.parametrize("strict", [True, False])
def test_a_crash_while_reading_fails_the_property(season, reader, strict):
    """The "never raises" check can fail: a crash injected through ``Context.reader`` raises out of a strict
    ingest, and in a non-strict one the "sheet failed"/"unreadable workbook" rejects it becomes still fail
    the accounting (``res.errors``)."""
    _, ctx, _, books = season
    broken = dataclasses.replace(ctx, reader=reader, strict=strict)
    expected = (ReaderBug if reader is _reader_that_raises else AttributeError) if strict else AssertionError
    with pytest.raises(expected):
        accounting_property(broken, books, max_examples=5)()
