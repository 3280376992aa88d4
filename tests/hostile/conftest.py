"""Fixtures for the hostile-input tests: a small normal season, a test config with low limits, run helpers."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil
import pytest
from hostile_corpus import A2_HEADER, Sheet, a2_row, sheet, xlsx

from netmedia import paths
from netmedia.config import Config, load_config
from netmedia.report.clean_workbook import write_clean_workbook
from netmedia.season import IngestResult, ingest

N_UNITS = 8
UNITS = [("水利学院", "学院"), ("电力学院", "学院"), ("土木与交通学院", "学院"), ("机械学院", "学院"),
         ("信息工程学院", "学院"), ("管理与经济学院", "学院"), ("党委宣传部", "机关"), ("校团委", "群团")]
# Limits for the hostile runs: low enough that the zip bomb (30 MB of padding) is refused by the size guard,
# the rest as in production.
TEST_LIMITS = {"max_uncompressed_bytes": 20_000_000}


def _handmade_season(root: Path) -> list[str]:
    """A tiny valid season (used while netmedia.samples is not importable)."""
    ref = root / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    (ref / "units.xlsx").write_bytes(xlsx([sheet("单位", [["单位名称", "单位类别", "别名"],
                                                          *[[u, k, None] for u, k in UNITS]])]))
    (ref / "staff.xlsx").write_bytes(xlsx([sheet("教职工", [["姓名", "工号", "所在单位", "人员状态"],
                                                            ["王建国", "19990001", UNITS[0][0], "在职"],
                                                            ["李明", "20100002", UNITS[0][0], "在职"]])]))
    for i, (u, _) in enumerate(UNITS):
        data = [a2_row(k, f"{u}平台{k}", f"u{i}") for k in range(1, 4 + i % 3)]
        rows = [["附件2"], ["华北水利水电大学网络媒体平台备案信息汇总表"], [f"填报单位（盖章）：{u}"], A2_HEADER,
                *data, ["填表人：张三", None, None, "联系电话：13800000000"]]
        a3 = [["附件3"], ["师生个人网络平台备案信息表"],
              ["序号", "姓名", "身份", "平台类型", "账号名称", "账号ID", "粉丝数", "联系电话"],
              [1, "赵六", "教职工", "抖音", f"{u}赵老师说", f"dy{i}001", 300, "13900000001"]]
        (root / f"附件2+{u}.xlsx").write_bytes(xlsx([sheet("附件2", rows, ("A2:N2",)), sheet("附件3", a3)]))
    return [u for u, _ in UNITS]


def build_season(root: Path) -> list[str]:
    """A normal season under ``root``; returns the roster unit names. netmedia.samples when available."""
    try:
        from netmedia.samples import generate
    except ImportError:
        return _handmade_season(root)
    generate(root, n_units=N_UNITS, seed=7, violations=True)
    truth = json.loads((root / "reference" / "truth.json").read_text(encoding="utf-8"))
    units = truth["units"]
    return [u["unit"] for u in units if u["submitted"]] + [u["unit"] for u in units if not u["submitted"]]


@pytest.fixture(scope="session")
def season(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("season") / "raw"
    root.mkdir()
    units = build_season(root)
    return root, units


@pytest.fixture(scope="session")
def test_config(tmp_path_factory) -> Config:
    """config/institution.toml with a lower [limits]."""
    text = paths.INSTITUTION_TOML.read_text(encoding="utf-8")
    for key, value in TEST_LIMITS.items():
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        assert n == 1, key
    p = tmp_path_factory.mktemp("config") / "institution.toml"
    p.write_text(text, encoding="utf-8")
    cfg = load_config(p)
    for key, value in TEST_LIMITS.items():
        assert getattr(cfg.limits, key) == value
    return cfg


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``roots`` -> (size, mtime_ns)."""
    out: dict[str, tuple[int, int]] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for n in dirnames + filenames:
                p = Path(dirpath) / n
                try:
                    st = p.lstat()
                except FileNotFoundError:
                    continue
                out[str(p)] = (st.st_size if n in filenames else 0, st.st_mtime_ns if n in filenames else 0)
    return out


@dataclass
class Run:
    result: IngestResult
    raw: Path
    out: Path
    seconds: float
    peak_rss_growth: int  # bytes, sampled every 10 ms
    written_outside: list[str]

    @property
    def t(self) -> dict[str, pd.DataFrame]:
        return self.result.tables


class RssSampler:
    """Peak RSS of this process (and children) above the starting value, sampled in a thread."""

    def __init__(self, interval: float = 0.01):
        self.proc = psutil.Process()
        self.interval = interval
        self.base = self._rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for c in self.proc.children(recursive=True):
            try:
                total += c.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth(self) -> int:
        return self.peak - self.base


def run_ingest(workdir: Path, season_root: Path, extra: dict[str, bytes], config: Config,
               watch: tuple[Path, ...] = ()) -> Run:
    """Copy the season to ``workdir/raw``, add ``extra`` files, ingest into ``workdir/out`` from a scratch cwd, and
    write the tables' workbook there as the report stage does (hostile text must survive it too).

    Records what appeared or changed anywhere under ``workdir``, the season's parent folders and ``watch``
    outside ``workdir/out``.
    """
    raw, out, scratch = workdir / "raw", workdir / "out", workdir / "cwd"
    shutil.copytree(season_root, raw)
    for rel, data in extra.items():
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    scratch.mkdir()
    roots = (workdir, workdir.parent, *watch)
    before = snapshot(*roots)
    old = os.getcwd()
    os.chdir(scratch)
    try:
        with RssSampler() as rss:
            t0 = time.perf_counter()
            result = ingest(raw, out, config, workers=1, progress=False)
            seconds = time.perf_counter() - t0
            write_clean_workbook(result.tables, out)  # what the report stage writes from these tables
    finally:
        os.chdir(old)
    after = snapshot(*roots)
    outside = sorted(p for p in set(after) - set(before) | {p for p in before if p in after and after[p] != before[p]}
                     if not (p == str(out) or p.startswith(str(out) + os.sep)))
    return Run(result, raw, out, seconds, rss.growth, outside)


__all__ = ["Run", "Sheet", "run_ingest", "snapshot", "build_season", "RssSampler"]
