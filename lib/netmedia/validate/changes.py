"""Record identity across rounds (``record_id``) and one round's record history (issue 14).

Every row of a record table (platforms, personal accounts, groups) gets a ``record_id``:

1. the id it came with: a returned template carries the pre-filled rows' ids in a hidden column (the template
   reader puts it in ``record_id``; the first row with an id keeps it, a copied row's repeat does not);
2. else the id of the previous round's record with the same unit and identity key
   (:data:`netmedia.validate.derive.IDENTITY_KEYS`: ``duplicate_key`` for platforms, holder + category + account
   id or name for personal accounts) that no row of this round claims by id: rows of an old-style return, and
   rows a unit typed again instead of keeping the pre-filled one;
3. else a new id: the table's letter (schema.toml ``[tables.record_history] id_prefix``) and 10 hex digits of
   the SHA-1 of table, unit and identity key (of the row's file, sheet and row when it has no identity), with
   ``-2``, ``-3`` for the second and third row that would get the same id. The same rows get the same ids in
   every run, and an archive written before record ids existed gets the ids it would have got.

The record history compares each record with its previous-round record (by ``record_id``):

- ``closed``: a previous record marked 已注销 in the template's 本轮状态, or whose 运行状态 became closed;
- ``new``: no previous record, whatever 本轮状态 says (a row marked 新增 that is a previous record by identity
  key is compared like any other, and that record is not missing; one marked 已注销 is a new, closed record);
- ``changed``: one row per field whose value differs (schema columns but ``not_compared``; old and new as text);
- ``unchanged``: none differs (本轮状态 无变化 / 有变更 is not taken on trust: the fields are compared);
- ``missing``: a previous record, not closed then, of a unit that returned something this round, that no row of
  this round carries. For a unit that returned the template it is the pre-filled row deleted without being
  marked closed, a finding (R-complete, :func:`netmedia.validate.derive.derive_record_history`); for a unit that
  sent an old-style return it is a record its return no longer lists, reported in the history only (the unit
  was never shown the record to mark). A unit that returned nothing is R-complete's 未报送 finding: its previous
  records are not in the history. A record closed in the previous round and not listed again is simply gone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from netmedia import schema
from netmedia.validate import derive

HISTORY = "record_history"
RECORD_TABLES = ("platforms", "personal_accounts", "groups")  # the tables whose rows have a record_id
CHANGES = ("unchanged", "changed", "closed", "new", "missing")
CLOSED = "closed"  # the round_status and the status of a closed record


def _prefix(table: str) -> str:
    return str(schema.table_setting(HISTORY, "id_prefix", {})[table])


def compared_fields(table: str) -> tuple[str, ...]:
    """The columns of ``table`` compared between rounds: its schema columns but ``not_compared``
    (schema.toml ``[tables.record_history]``)."""
    skip = set(schema.table_setting(HISTORY, "not_compared", ()))
    return tuple(c for c in schema.column_names(table) if c not in skip)


def _text(values: pd.Series) -> pd.Series:
    """Cells as the history shows them: text, dates as YYYY-MM-DD, counts as integers, blank as NA."""
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.strftime("%Y-%m-%d")
    else:
        out = values.astype("str")
        out = out.str.strip()
    return out.mask(out == "").astype("str")


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(pd.NA, index=df.index, dtype="str")


def _minted(table: str, records: pd.DataFrame, taken: set[str]) -> pd.Series:
    """New ids for ``records`` (see the module docstring), none of them in ``taken`` (which they are added to)."""
    key = derive.identity_key(table, records)
    keyless = key.isna()
    if keyless.any():  # the row's place stands for the identity it lacks
        rows = records[keyless]
        key = key.fillna("row:" + _column(rows, "source_file").fillna("") + "|"
                         + _column(rows, "source_sheet").fillna("") + "|"
                         + _column(rows, "source_row").astype("str").fillna(""))
    head = f"{table}\x1f"
    prefix, ids = _prefix(table), []
    tried: dict[str, int] = {}  # base -> the suffix to try next (a record copied n times does not retry 1..n)
    for unit, k in zip(_column(records, "unit").fillna("").tolist(), key.tolist(), strict=True):
        base = prefix + hashlib.sha1(f"{head}{unit}\x1f{k}".encode()).hexdigest()[:10]
        n = tried.get(base, 1)
        rid = base if n == 1 else f"{base}-{n}"
        while rid in taken:
            n += 1
            rid = f"{base}-{n}"
        tried[base] = n + 1
        taken.add(rid)
        ids.append(rid)
    return pd.Series(ids, index=records.index, dtype="str")


def with_ids(table: str, records: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """``records`` with every ``record_id`` filled (kept, matched in ``previous``, else new; module docstring).
    ``previous``: the previous round's rows of the table, with their ids (:func:`with_ids` of the archive)."""
    out = records.reset_index(drop=True)
    ids = _column(out, "record_id").astype("str")
    ids = ids.mask(ids.str.strip() == "")
    ids = ids.mask(ids.duplicated() & ids.notna())  # a copied pre-filled row: the first keeps the id
    if previous is not None and len(previous) and ids.isna().any():
        free = previous[~previous["record_id"].isin(set(ids.dropna()))]
        todo = out[ids.isna()]
        left = pd.DataFrame({"unit": _column(todo, "unit").fillna(""), "key": derive.identity_key(table, todo),
                             "row": todo.index})
        right = pd.DataFrame({"unit": _column(free, "unit").fillna(""), "key": derive.identity_key(table, free),
                              "record_id": free["record_id"].to_numpy()})
        left, right = left[left["key"].notna()], right[right["key"].notna()]
        # the n-th row of a (unit, key) takes the n-th free previous record of it (a platform filed twice)
        left["n"] = left.groupby(["unit", "key"]).cumcount()
        right["n"] = right.groupby(["unit", "key"]).cumcount()
        m = left.merge(right, on=["unit", "key", "n"], how="inner")
        ids.loc[m["row"].to_numpy()] = m["record_id"].to_numpy()
    if ids.isna().any():
        ids[ids.isna()] = _minted(table, out[ids.isna()], set(ids.dropna()))
    out["record_id"] = ids.astype("str")
    return out


def assign_record_ids(tables: Mapping[str, pd.DataFrame],
                      previous_tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with a ``record_id`` on every row of its record tables (others unchanged); ``previous_tables``:
    the previous round's archived tables (empty for none; their ids are :func:`previous_with_ids`)."""
    out = dict(tables)
    previous = previous_with_ids(previous_tables)
    for table in RECORD_TABLES:
        if table in tables:
            out[table] = with_ids(table, tables[table], previous.get(table))
    return out


def previous_with_ids(previous_tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The previous round's record tables with their ids (an archive from before record ids gets them minted)."""
    return {t: with_ids(t, df) for t, df in previous_tables.items() if t in RECORD_TABLES}


def _closed(records: pd.DataFrame) -> pd.Series:
    """Closed: its 运行状态 says so, or its 本轮状态 (a template row marked 已注销 and left 正常 is closed too)."""
    return ((_column(records, "status") == CLOSED) | (_column(records, "round_status") == CLOSED)).fillna(False)


def _changes(table: str, cur: pd.DataFrame, prev: pd.DataFrame | None, round_name: str,
             returning: set[str]) -> pd.DataFrame:
    if prev is None or not len(prev):  # no previous round: every record is new (text columns kept as text)
        ids = cur["record_id"].reset_index(drop=True)
        same = {c: pd.Series(v, index=ids.index, dtype="str")
                for c, v in (("table", table), ("round", round_name), ("change", "new"))}
        return pd.DataFrame({"record_id": ids, "unit": _column(cur, "unit").reset_index(drop=True), **same})
    fields = [f for f in compared_fields(table) if f in cur.columns and f in prev.columns]
    before = prev.drop_duplicates("record_id")[["record_id", *fields]].rename(columns={f: f"{f}_prev" for f in fields})
    before["closed_prev"] = _closed(prev.drop_duplicates("record_id")).astype(bool).to_numpy()
    m = cur.reset_index(drop=True).merge(before, on="record_id", how="left", indicator=True)
    had = (m["_merge"] == "both").astype(bool)
    marked = (_column(m, "round_status") == CLOSED).fillna(False).astype(bool)
    became = (_column(m, "status") == CLOSED).fillna(False).astype(bool) & ~m["closed_prev"].fillna(False).astype(bool)
    closed = had & (marked | became)
    change = pd.Series("unchanged", index=m.index, dtype="str")
    change[~had] = "new"
    change[closed] = CLOSED
    differs = {}
    kept = m[had & ~closed]  # the fields of the records in both rounds, not closed now, are compared
    for f in fields:
        old, new = _text(kept[f"{f}_prev"]), _text(kept[f])
        differs[f] = (old.fillna("\x00") != new.fillna("\x00")).reindex(m.index, fill_value=False), old, new
    any_diff = pd.Series(False, index=m.index)
    for d, _old, _new in differs.values():
        any_diff |= d
    change[any_diff] = "changed"
    rows = []
    base = pd.DataFrame({"record_id": m["record_id"], "unit": _column(m, "unit"), "table": table,
                         "round": round_name, "change": change, "_pos": range(len(m)), "_f": -1})
    rows.append(base[change != "changed"])
    for i, (f, (d, old, new)) in enumerate(differs.items()):
        rows_changed = base.index[d.to_numpy()]  # old, new are indexed by the rows compared: aligned here
        part = base.loc[rows_changed].assign(field=f, old=old.reindex(rows_changed), new=new.reindex(rows_changed),
                                             _f=i)
        rows.append(part)
    gone = prev[~prev["record_id"].isin(set(m["record_id"])) & ~_closed(prev).astype(bool)
                & _column(prev, "unit").isin(returning).fillna(False).astype(bool)]
    rows.append(pd.DataFrame({"record_id": gone["record_id"], "unit": _column(gone, "unit"), "table": table,
                              "round": round_name, "change": "missing", "_pos": range(len(m), len(m) + len(gone)),
                              "_f": -1}))
    out = pd.concat([r for r in rows if len(r)], ignore_index=True) if any(len(r) for r in rows) else base.iloc[0:0]
    return out.sort_values(["_pos", "_f"], kind="stable").drop(columns=["_pos", "_f"])


def record_history(tables: Mapping[str, pd.DataFrame], previous_tables: Mapping[str, pd.DataFrame],
                   round_name: str) -> pd.DataFrame:
    """The record history of round ``round_name`` (columns of schema.toml ``[tables.record_history]``): the
    records of ``tables`` (with their ids, :func:`assign_record_ids`) against ``previous_tables`` (the previous
    round's archive; empty for none: every record ``new``). Rows in table order, then the records' order (a
    changed record's fields in schema order), then the missing records in the previous round's order."""
    previous = previous_with_ids(previous_tables)
    # the one definition of a unit that returned something; needed only to tell the missing records
    returning = derive.returned_units_of(tables) if previous else set()
    parts = [_changes(t, tables[t], previous.get(t), str(round_name), returning)
             for t in RECORD_TABLES if t in tables]
    cols = list(schema.column_names(HISTORY))
    frames = [p.reindex(columns=cols) for p in parts if len(p)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    return out.astype("str")


# ------------------------------------------------------------------ the previous round, from the archive


def load_previous(clean_dir: str | Path | None, previous_round: str) -> dict[str, pd.DataFrame]:
    """The record tables archived for ``previous_round`` under ``<clean_dir>/rounds/`` (empty when there is no
    such round, no ``clean_dir`` or no name: a first round, every record new)."""
    from netmedia.report import history

    if clean_dir is None or not previous_round:
        return {}
    where = history.rounds_dir(clean_dir) / str(previous_round)
    return {t: pd.read_parquet(where / f"{t}.parquet") for t in RECORD_TABLES if (where / f"{t}.parquet").exists()}


PREVIOUS_LABELS = {"platform_name": "previous_platform_name", "account_id": "previous_account_id"}


def with_previous_labels(history: pd.DataFrame, clean_dir: str | Path) -> pd.DataFrame:
    """``history`` plus the name and account id each missing record had in the previous round
    (:data:`PREVIOUS_LABELS`; NA for the other rows), from the archive the history was made against: the
    ``previous`` of the history round's ``round.json``. The finding of a deleted row names its platform."""
    from netmedia.report import history as archive

    out = history.copy()
    for col in PREVIOUS_LABELS.values():
        out[col] = pd.Series(pd.NA, index=out.index, dtype="str")
    rounds = set(out["round"].dropna())
    if len(rounds) != 1 or not (out["change"] == "missing").any():
        return out
    meta = archive.rounds_dir(clean_dir) / rounds.pop() / "round.json"
    previous = json.loads(meta.read_text(encoding="utf-8")).get("previous", "") if meta.exists() else ""
    for table, df in previous_with_ids(load_previous(clean_dir, previous)).items():
        rows = df.drop_duplicates("record_id").set_index("record_id")
        on = (out["table"] == table) & (out["change"] == "missing")
        for field, col in PREVIOUS_LABELS.items():
            if field in rows.columns:
                out.loc[on, col] = out.loc[on, "record_id"].map(rows[field]).astype("str")
    return out
