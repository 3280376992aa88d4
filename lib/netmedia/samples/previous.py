"""A previous round for the demo, derived from this round's clean platforms.

The history notebook needs two rounds to compare; a real department has last
year's archive, a demo does not. This makes one, deterministically (seeded):
about a tenth of this round's platforms did not exist yet, some had another
name, some platforms existed then and are gone now, this round's zombies were
already zombies, and every date is a year earlier.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

from netmedia.config import Config


def previous_round(platforms: pd.DataFrame, *, seed: int = 0, new_share: float = 0.1, renamed_share: float = 0.05,
                   gone_share: float = 0.05) -> pd.DataFrame:
    """Last year's platforms table, consistent with ``platforms`` (this year's)."""
    rng = random.Random(seed)
    prev = platforms.copy()
    n = len(prev)
    order = list(range(n))
    rng.shuffle(order)
    n_new, n_ren, n_gone = int(n * new_share), int(n * renamed_share), int(n * gone_share)
    new_idx = set(order[:n_new])
    renamed_idx = order[n_new:n_new + n_ren]
    gone_src = order[n_new + n_ren:n_new + n_ren + n_gone]
    for c in ("last_updated_on", "opened_on"):
        prev[c] = pd.to_datetime(prev[c]) - pd.DateOffset(years=1)
    names = prev["platform_name"].astype("object")
    for i in renamed_idx:
        names.iat[i] = f"{names.iat[i]}（原名）"
    prev["platform_name"] = names.astype("str")
    gone = prev.iloc[gone_src].copy()
    gone["account_id"] = [f"old{seed}{k:05d}" for k in range(len(gone))]
    gone["url"] = None
    gone["platform_name"] = gone["platform_name"].astype("object") + "（已停办）"
    gone["status"] = "running"
    keep = [i for i in range(n) if i not in new_idx]
    out = pd.concat([prev.iloc[keep], gone], ignore_index=True)
    for c in ("platform_name", "account_id", "url", "status"):
        out[c] = out[c].astype("str")
    return out


def write_previous_round(clean_dir: str | Path, config: Config, *, seed: int = 0) -> Path:
    """Archive a derived previous round under ``rounds/<config.round.previous>/`` for the demo."""
    from netmedia.report import history

    clean = Path(clean_dir)
    cur = pd.read_parquet(clean / "platforms.parquet")
    name = config.round.previous or str(config.round.year - 1)
    dest = history.rounds_dir(clean) / name
    dest.mkdir(parents=True, exist_ok=True)
    previous_round(cur, seed=seed).to_parquet(dest / "platforms.parquet", index=False)
    cutoff = (pd.Timestamp(config.zombie_cutoff) - pd.DateOffset(years=1)).date()
    meta = {"round": name, "zombie_cutoff": cutoff.isoformat(), "demo": True}
    (dest / "round.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return dest
