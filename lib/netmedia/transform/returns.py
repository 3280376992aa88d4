"""Read every unit's returned workbook into rows of the clean tables, one file at a time, over a process pool.

Each top-level file under the season's folder is read whole: its workbooks (itself, zip members, mail
attachments: :mod:`netmedia.extract.sources`) are read by :func:`netmedia.extract.tables.read_tables`, and each
sheet becomes rows by :func:`netmedia.transform.records.sheet_rows`. A share of consecutive files becomes typed
frames (:func:`typed_frame`) in the process that read it; the parent concatenates the shares. Every non-empty row
ends either in a clean table or in ``rejects`` with a reason.

A sheet whose processing raises is a bug in this code. In strict mode (the tests) the exception stops the run;
otherwise the sheet's rows are rejected as "sheet failed: …" and its traceback is kept for the error log.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import traceback
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from netmedia import schema
from netmedia.extract import sources, tables
from netmedia.extract.stamp import Stamp
from netmedia.transform import annex, records, replies
from netmedia.transform.records import Context, Rows

RETURN_TABLES = ("platforms", "personal_accounts", "groups", "rejects", "submissions", "replies")  # the tables the returns make
REJECT_COLUMNS = ("source_file", "source_sheet", "source_row", "reason", "raw")  # not in the schema


def ingest_source(src: sources.Source, ctx: Context, file_time: dt.datetime | None = None) -> Rows:
    """Everything one workbook (or one file that is no workbook, or unreadable) contributes. ``file_time``: the
    modification time of the file under the season's folder (a returned list's reply time when not mailed)."""
    if src.skipped:
        out = Rows()
        out.submissions.append(records.submission(src.source_file, None, status="skipped", message=src.skipped,
                                                  received_at=src.received_at))
        return out
    if src.error:
        return records.rejected_file(src.source_file, src.error)
    name = src.source_file.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    try:
        sheets = ctx.reader(src.data, name=name, header_scorer=annex.header_score, limits=ctx.config.limits)
    except tables.UnreadableFile as e:
        return records.rejected_file(src.source_file, e.reason)
    except Exception as e:  # a bug in the reader: stops a strict run, else reported and logged
        if ctx.strict:
            raise
        out = records.rejected_file(src.source_file, f"unreadable workbook: {type(e).__name__}: {e}")
        out.errors.append(f"{src.source_file}\n{''.join(traceback.format_exception(e))}")
        return out
    stamp = next((s.stamp for s in sheets if s.stamp is not None), None)  # netmedia's own workbook come back
    if stamp is not None and replies.is_returned_list(stamp):  # a rectification list: replies, no return
        return _returned_list(src, sheets, stamp, src.received_at or file_time)
    if not any(s.n_read for s in sheets) and all(s.message in ("", records.EMPTY_SHEET) for s in sheets):
        return records.rejected_file(src.source_file, "empty workbook")
    visible = [s for s in sheets if s.n_read and not s.hidden]

    generic: dict[str, list[str]] = {}

    def generic_header(sheet: str) -> list[str]:
        """The header the reader finds without the annex vocabulary (for the message of a sheet that is none),
        read once per workbook, when first asked."""
        if not generic:
            generic.update({s.source_sheet: s.header if s.header_row else []
                            for s in ctx.reader(src.data, name=name, limits=ctx.config.limits)})
        return generic.get(sheet, [])

    # a template's unit is the one it was made for
    unit = (ctx.matcher.match(stamp.unit) or stamp.unit) if stamp else _file_unit(name, src.label, visible, ctx)
    where = records.SheetSource(src.source_file, unit, src.received_at or _form_time(visible), generic_header,
                                stamp.label if stamp else None)
    out = Rows()
    for st in sheets:
        try:
            out.add(records.sheet_rows(st, where, ctx))
        except Exception as e:
            if ctx.strict:
                raise
            out.add(records.failed_sheet(src.source_file, st, e))
    return out


def _returned_list(src: sources.Source, sheets: list[tables.SheetTable], stamp: Stamp,
                   at: dt.datetime | None) -> Rows:
    """A returned rectification list: its replies (a reply whose finding id is gone: a reject) and one submissions
    row. The row has no annex, unit or time: a reply is no return (it neither counts as the unit's submission nor
    can be late); its message names the unit."""
    out = Rows()
    out.replies.extend(replies.reply_rows(src.source_file, sheets, stamp, at))
    for sheet, row, reason, text in replies.list_rejects(sheets, stamp):
        out.reject(src.source_file, sheet, row, reason, text)
    n, bad = len(out.replies), len(out.rejects)
    out.submissions.append(records.submission(src.source_file, None, rows_read=n + bad, rows_clean=n,
                                              rows_rejected=bad, status="ok",
                                              message=f"整改清单回复（{stamp.unit}）：{n} 条"))
    return out


def _file_unit(name: str, label: str, sheets: list[tables.SheetTable], ctx: Context) -> str | None:
    """The roster unit a workbook is from: its file name, the mail subject or container name, else the first
    填报单位 line of its sheets."""
    unit = ctx.matcher.find_in(name) or (ctx.matcher.find_in(label) if label else None)
    for s in sheets:
        unit = unit or ctx.matcher.match(records.unit_named_in(s.row_lists))
    return unit


def _form_time(sheets: list[tables.SheetTable]) -> dt.datetime | None:
    """When a workbook not received by mail was filled in: the first 填表日期 line of its sheets."""
    for s in sheets:
        d = records.form_date(s.row_lists)
        if d:
            return dt.datetime(d.year, d.month, d.day)
    return None


def ingest_file(path: Path, root: Path, ctx: Context) -> Rows:
    """Every workbook inside one file under ``root`` (itself, its zip members or its mail attachments)."""
    out = Rows()
    try:
        mtime: dt.datetime | None = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:  # expand reports the unreadable file
        mtime = None
    for src in sources.expand(path, root, ctx.config.limits):
        out.add(ingest_source(src, ctx, mtime))
    return out


# ------------------------------------------------------------------ the pool
@dataclass
class Returns:
    """What the returns make: their tables (:data:`RETURN_TABLES`, typed by :func:`typed_frame`, rows in file
    order) and the tracebacks of the sheets that failed (non-strict runs only)."""

    tables: dict[str, pd.DataFrame]
    errors: list[str]


def read_share(files: list[Path], root: Path, ctx: Context, bar: tqdm | None = None) -> Returns:
    """The tables of ``files`` (under ``root``), read one file after another (``bar``: advanced per file)."""
    rows = Rows()
    for f in files:
        rows.add(ingest_file(f, root, ctx))
        if bar is not None:
            bar.update()
    return Returns(frames(rows), rows.errors)


_WORKER: tuple[Path, Context] | None = None  # (root, context) of this worker process, set by _start_worker


def _start_worker(root: Path, ctx: Context) -> None:
    global _WORKER
    _WORKER = (root, ctx)
    schema.use_vocabulary(ctx.config.vocabulary)  # a spawned worker does not inherit the parent's words


def _worker_share(files: list[Path]) -> Returns:
    assert _WORKER is not None, "_start_worker runs first in every worker"
    return read_share(files, *_WORKER)


def read_returns(files: list[Path], root: Path, ctx: Context, *, workers: int = 1,
                 progress: bool | None = None) -> Returns:
    """The tables of every file of ``files`` (under ``root``), rows in file order, read by ``workers`` processes.

    ``progress``: show a progress bar (None: when stderr is a terminal). With several workers the files are
    cut into one share of consecutive files per worker, of about equal bytes (:func:`shares`); each worker reads
    its share and types its tables itself, and the parent concatenates them in file order. Typed tables travel
    between processes several times cheaper than the rows as dicts, and the typing runs in parallel instead of
    after the pool (``docs/performance.md``, sessions 8 and 10).

    The objects alive when the read starts (modules, configuration, rosters: ~80,000 the collector tracks) are
    frozen (:func:`gc.freeze`) until it ends: the rows it makes trigger full garbage collections, which would
    otherwise walk them all each time (~50 ms each, two or three per process at 1,000 workbooks) and, in a forked
    worker, write into every page of the memory it shares with the parent.
    """
    gc.freeze()
    try:
        with tqdm(total=len(files), desc="ingest", unit="file", disable=None if progress is None else not progress,
                  leave=False) as bar:
            parts = _read(files, root, ctx, workers, bar)
    finally:
        gc.unfreeze()
    return Returns({t: concat([p.tables[t] for p in parts]) for t in RETURN_TABLES},
                   [e for p in parts for e in p.errors])


def _read(files: list[Path], root: Path, ctx: Context, workers: int, bar: tqdm) -> list[Returns]:
    cut = shares(files, workers) if workers > 1 else [files]
    if len(cut) <= 1:
        return [read_share(files, root, ctx, bar)]
    out = []
    with multiprocessing.Pool(len(cut), initializer=_start_worker, initargs=(root, ctx)) as pool:
        for share, part in zip(cut, pool.imap(_worker_share, cut), strict=True):
            out.append(part)
            bar.update(len(share))
    return out


def shares(files: list[Path], n: int) -> list[list[Path]]:
    """``files`` cut into at most ``n`` shares of consecutive files (file order kept) holding about equal bytes.

    One share per worker: a share handed back costs a worker ~0.03 s and the pool's typing fixed costs, and a
    second round of smaller shares per worker only balanced files that all cost alike. Bytes, not file counts,
    make the shares even when one file (a consolidated registry of thousands of rows, a mail with many
    attachments) weighs as much as many returns."""
    sizes = [_size(f) for f in files]
    total = sum(sizes) or 1
    out: list[list[Path]] = [[] for _ in range(min(n, len(files)))]
    before = 0
    for f, size in zip(files, sizes, strict=True):
        middle = 2 * before + size  # twice the file's middle byte: a file goes to the share its middle falls in
        out[min(len(out) - 1, middle * len(out) // (2 * total))].append(f)
        before += size
    return [s for s in out if s]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # read_share reports the unreadable file
        return 0


# ------------------------------------------------------------------ frames
_DTYPE = {"str": "str", "int": "Int64", "date": "datetime64[us]", "datetime": "datetime64[us]"}


def typed_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (one dict each; a missing key is a missing value) as a frame with the table's column order and the schema's pandas dtypes
    (text is pandas' ``str``, counts ``Int64``, dates and times ``datetime64[us]``)."""
    cols = list(REJECT_COLUMNS if table == "rejects" else schema.output_columns(table))
    specs = {c.name: c.dtype for c in (*schema.columns(table), *schema.provenance_columns())}
    df = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    for c in cols:
        dtype = _DTYPE[specs.get(c, "str")]
        if dtype.startswith("datetime"):
            df[c] = pd.to_datetime(df[c], errors="coerce").astype(dtype)
        elif dtype == "Int64":
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
        elif df[c].dtype != dtype:  # text: a column of strings already comes as ``str``; a missing value stays one
            df[c] = df[c].astype(dtype)
    return df


def frames(rows: Rows) -> dict[str, pd.DataFrame]:
    """The tables the returns make (:data:`RETURN_TABLES`), typed."""
    return {t: typed_frame(t, getattr(rows, t)) for t in RETURN_TABLES}


def concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Typed frames of one table, one after another (a new 0-based index; their dtypes, which are the same)."""
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)

