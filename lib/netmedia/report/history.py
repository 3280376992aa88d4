"""The dynamic archive (动态管理档案): each round's clean tables kept, and rounds compared.

A platform is followed across rounds by ``derive.duplicate_key`` (its category
and account id, or its URL when it has no id, or its name as a last resort) —
the key of the duplicate rule, so one platform is one key in every round — and
a round's zombies are ``derive.is_zombie`` with the cutoff the round was
archived with. No rule is coded here.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pandas as pd

from netmedia.config import Config
from netmedia.validate.derive import duplicate_key, is_zombie

ARCHIVED = ("platforms", "personal_accounts", "groups", "submissions", "units", "record_history", "replies")
#: Archived since a later session: an archive made before lacks the file, and reads as the table without rows.
ARCHIVED_LATER = ("replies",)
SUPERSEDED = re.compile(r"\.\d{8}T\d{6}(-\d+)?$")
CHANGES_ZH = {
    "new": "新增",
    "closed": "已注销/不再报送",
    "renamed": "更名",
    "still_zombie": "持续僵尸",
    "not_closed_as_told": "要求关停未关停",
    "unchanged": "无变化",
}


def rounds_dir(clean_dir: str | Path) -> Path:
    return Path(clean_dir) / "rounds"


def supersede(clean_dir: str | Path, round_name: str) -> Path | None:
    """Keep an existing archive of ``round_name`` as ``<round>.<timestamp>`` (when it was archived), so a
    round's archive is written once and a re-run never overwrites it; the new name, or None if there was none."""
    dest = rounds_dir(clean_dir) / str(round_name)
    if not dest.exists():
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(dest.stat().st_mtime))
    kept, n = dest.with_name(f"{dest.name}.{stamp}"), 1
    while kept.exists():
        kept, n = dest.with_name(f"{dest.name}.{stamp}-{n}"), n + 1
    dest.rename(kept)
    return kept


def archive_round(clean_dir: str | Path, config: Config, round_name: str | None = None) -> Path:
    """Copy this round's clean tables (:data:`ARCHIVED`: the records, submissions, roster, record history and
    the units' replies to their rectification lists) to ``<clean_dir>/rounds/<round>/`` with the round's dates
    and the tables copied in ``round.json``.

    An archive is written once: an earlier archive of the same round is first kept aside by :func:`supersede`
    (never overwritten, never listed as a round). The zombie cutoff is stored so a later round compares
    against the rule as it stood then, and the previous round, the one its record history was made against.
    """
    src = Path(clean_dir)
    name = str(round_name or config.round.name)
    supersede(src, name)
    dest = rounds_dir(src) / name
    dest.mkdir(parents=True)
    tables = [t for t in ARCHIVED if (src / f"{t}.parquet").exists()]
    for table in tables:
        shutil.copyfile(src / f"{table}.parquet", dest / f"{table}.parquet")
    meta = {"round": name, "previous": config.round.previous, "reference_date": config.round.reference_date.isoformat(),
            "zombie_cutoff": config.zombie_cutoff.isoformat(), "deadline": config.round.deadline.isoformat(),
            "tables": tables}
    (dest / "round.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return dest


def is_superseded(name: str) -> bool:
    """An archive kept aside by :func:`supersede` (``<round>.<YYYYmmddTHHMMSS>``), not a round of its own."""
    return SUPERSEDED.search(name) is not None


def round_cutoff(clean_dir: str | Path, round_name: str) -> pd.Timestamp:
    """The zombie cutoff a round was archived with."""
    meta = json.loads((rounds_dir(clean_dir) / str(round_name) / "round.json").read_text(encoding="utf-8"))
    return pd.Timestamp(meta["zombie_cutoff"])


def list_rounds(clean_dir: str | Path) -> list[str]:
    d = rounds_dir(clean_dir)
    return sorted(p.name for p in d.iterdir()
                  if (p / "platforms.parquet").exists() and not is_superseded(p.name)) if d.exists() else []


def load_round(clean_dir: str | Path, round_name: str, table: str = "platforms") -> pd.DataFrame:
    """A table of an archived round. A table of :data:`ARCHIVED_LATER` missing from an archive made before it
    was archived reads as that table without rows (its columns and types): the archive cannot tell what came
    in then, so a reader finds nothing rather than failing; ``round.json``'s ``tables`` (when present) says
    which tables an archive holds."""
    path = rounds_dir(clean_dir) / str(round_name) / f"{table}.parquet"
    if table in ARCHIVED_LATER and not path.exists() and path.parent.is_dir():
        from netmedia.transform.returns import typed_frame

        return typed_frame(table, [])
    return pd.read_parquet(path)


def compare_rounds(current: pd.DataFrame, previous: pd.DataFrame, current_cutoff: object,
                   previous_cutoff: object) -> pd.DataFrame:
    """One row per platform key seen in either round, with its change (see CHANGES_ZH).

    ``not_closed_as_told``: a zombie or stopped platform last round (which the
    notice says must be closed) that is still listed and not closed now.
    """
    cur_cut, prev_cut = pd.Timestamp(current_cutoff), pd.Timestamp(previous_cutoff)
    cur = current.assign(key=duplicate_key(current), zombie=is_zombie(current, cur_cut))
    prev = previous.assign(key=duplicate_key(previous), zombie=is_zombie(previous, prev_cut))
    cols = ["key", "unit", "category", "platform_class", "platform_name", "status", "zombie"]
    cur = cur.drop_duplicates("key")[cols]
    prev = prev.drop_duplicates("key")[cols]
    m = cur.merge(prev, on="key", how="outer", suffixes=("", "_prev"), indicator=True)
    for c in ("unit", "category", "platform_class"):
        m[c] = m[c].fillna(m[f"{c}_prev"])
    told = m["zombie_prev"].fillna(False).astype(bool) | (m["status_prev"] == "stopped").fillna(False)
    change = pd.Series("unchanged", index=m.index, dtype="str")
    both = m["_merge"] == "both"
    change[m["_merge"] == "left_only"] = "new"
    change[(m["_merge"] == "right_only") | (both & (m["status"] == "closed") & (m["status_prev"] != "closed"))] = "closed"
    renamed = both & (m["platform_name"].fillna("") != m["platform_name_prev"].fillna(""))
    change[renamed & (change == "unchanged")] = "renamed"
    not_closed = both & told & (m["status"] != "closed")
    change[not_closed] = "not_closed_as_told"
    change[not_closed & m["zombie"].fillna(False).astype(bool) & m["zombie_prev"].fillna(False).astype(bool)] = "still_zombie"
    m["change"] = change
    m["change_zh"] = change.map(CHANGES_ZH)
    m["renamed"] = renamed
    out = m[["key", "unit", "category", "platform_class", "platform_name_prev", "platform_name",
             "status_prev", "status", "zombie_prev", "zombie", "renamed", "change", "change_zh"]]
    return out.sort_values(["change", "unit", "key"]).reset_index(drop=True)


def counts_over_rounds(clean_dir: str | Path) -> pd.DataFrame:
    """Platforms per class in every archived round (rows: round, columns: class)."""
    rows = []
    for r in list_rounds(clean_dir):
        df = load_round(clean_dir, r)
        counts = df.groupby("platform_class").size()
        rows.append({"round": r, "total": len(df), **{int(k): int(v) for k, v in counts.items()}})
    return pd.DataFrame(rows).fillna(0)

