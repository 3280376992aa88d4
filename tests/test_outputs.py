"""Outputs that survive a crash (issue 16, items 6 and 7).

- Fault injection: ``netmedia ingest`` and ``netmedia check`` are killed with SIGKILL at seeded random moments;
  after each kill ``data_clean/`` (tables and ``rounds/``) and ``reports/`` hold exactly the previous complete
  outputs or the new complete ones, and the next run succeeds.
- A round's archive is written once; a second run keeps the earlier one as ``<round>.<timestamp>`` and says so.
- The lock: a second run on the same folders stops with a clear message, or waits with ``--wait``; a lock left
  by a killed process does not block.
- Vendoring without npm says so and exits 0.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from netmedia import outputs, samples
from netmedia.report import history

EXE = [sys.executable, "-m", "netmedia"]
ROUND = "2023"  # config/institution.toml's round
SUPERSEDED_NAME = r"^2023\.\d{8}T\d{6}(-\d+)?$"
RUN_ID = re.compile(r"\d{8}T\d{6}\.\d+Z")


def _run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout)


_DIGESTS: dict[tuple, str] = {}


def _digest(path: Path) -> str:
    """A file's content: a parquet file by its table (columns, dtypes, values), anything else by its bytes.
    Remembered by inode and mtime: outputs are never rewritten in place, and carried files are hard links."""
    st = path.stat()
    key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    if key not in _DIGESTS:
        _DIGESTS[key] = _content_digest(path)
    return _DIGESTS[key]


def _content_digest(path: Path) -> str:
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
        return hashlib.sha256((repr(list(df.dtypes.items())) + df.to_csv(index=False)).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): _digest(p) for p in sorted(path.rglob("*")) if p.is_file()}


def clean_state(clean: Path) -> dict:
    """data_clean/ as what a run must leave: the top-level tables, the round's archive, the kept earlier archives
    of the round (by content: their names are times), the other rounds' archives."""
    rounds = history.rounds_dir(clean)
    archives = sorted(p for p in rounds.iterdir() if p.name != ROUND) if rounds.is_dir() else []
    kept = [p for p in archives if re.match(SUPERSEDED_NAME, p.name)]
    return {
        "top": {p.name: _digest(p) for p in sorted(clean.iterdir()) if p.is_file()},
        "round": _folder(rounds / ROUND) if (rounds / ROUND).is_dir() else None,
        "kept": sorted(tuple(sorted(_folder(p).items())) for p in kept),
        "others": {p.name: _folder(p) for p in archives if p not in kept},
    }


def reports_state(reports: Path) -> dict:
    """reports/ as what a run must leave: its files (Data Docs' run ids masked: they are times), the findings
    table, every workbook a whole xlsx."""
    files = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file())
    broken = [f for f in files if f.endswith(".xlsx") and not zipfile.is_zipfile(reports / f)]
    assert not broken, f"half-written workbooks: {broken}"
    return {"files": sorted(RUN_ID.sub("<run>", f) for f in files), "findings": _digest(reports / "findings.parquet")}


def _written_since(folder: Path, since: float) -> bool:
    """Anything but a lock file (taken before the run reads its input) written under ``folder`` since then."""
    for top, dirs, files in os.walk(folder):  # os.walk skips what vanishes while it looks
        for name in dirs + [f for f in files if not f.endswith(".lock")]:
            try:
                if os.stat(os.path.join(top, name)).st_mtime > since:
                    return True
            except FileNotFoundError:
                continue
    return False


def _start(args: list, watch: Path, log: Path) -> tuple[subprocess.Popen, float, float | None]:
    """Start ``netmedia *args`` (its stderr into ``log``); wait until it writes anything under ``watch`` (or
    ends): the process, its start time and the time it first wrote (None if it ended first)."""
    since, t0 = time.time(), time.monotonic()
    with log.open("w") as err:
        p = subprocess.Popen([*EXE, *map(str, args)], stdout=subprocess.DEVNULL, stderr=err)
    while p.poll() is None:
        if _written_since(watch, since):
            return p, t0, time.monotonic()
        time.sleep(0.005)
    return p, t0, None


def _kill(p: subprocess.Popen, at: float) -> int | None:
    """SIGKILL ``p`` at monotonic time ``at`` if it is still running; its return code, or None when killed."""
    try:
        p.wait(timeout=max(0.0, at - time.monotonic()))
        return p.returncode
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return None


@pytest.mark.slow
def test_sigkill_leaves_previous_or_new_outputs(tmp_path):
    rng = random.Random(16)
    raws = {k: tmp_path / f"raw_{k}" for k in "AB"}
    for seed, raw in enumerate(raws.values(), start=1):
        samples.generate(raw, n_units=6, seed=seed)
    out = tmp_path / "out"  # where the runs write: watched to aim half the kills at the writing
    clean, reports = out / "data_clean", out / "reports"
    clean.mkdir(parents=True)
    log = tmp_path / "stderr.log"
    (clean / "README.md").write_text("kept across runs\n", encoding="utf-8")

    def command(kind: str, season: str) -> list:
        return (["ingest", raws[season], "--out", clean, "--no-progress"] if kind == "ingest"
                else ["check", clean, "--out", reports])

    def complete(kind: str, season: str) -> tuple[float, float]:
        """Run to the end; how long it took, and how long it wrote (from its first write to its end)."""
        p, t0, first = _start(command(kind, season), out, log)
        p.wait(timeout=600)
        assert p.returncode in (0, 1), log.read_text()[-3000:]  # check: 1 = violations found (seasons have some)
        end = time.monotonic()
        return end - t0, end - (first or end)

    took = {"ingest": complete("ingest", "A"), "check": complete("check", "A")}
    complete("ingest", "B")
    season, checked = "B", "A"  # the season data_clean/ holds, and the one reports/ were made from
    kills = ["ingest"] * 16 + ["check"] * 4
    rng.shuffle(kills)
    for i, kind in enumerate(kills):
        if kind == "ingest":
            season = "A" if season == "B" else "B"  # the new outputs differ from the previous ones
            before = clean_state(clean)
        else:
            if checked == season:  # make the clean tables differ from those the reports were made from
                season = "A" if season == "B" else "B"
                complete("ingest", season)
            before = reports_state(reports)
        total, writing = took[kind]
        p, t0, first = _start(command(kind, season), out, log)
        # Half the kills while it writes, the others anywhere in the run (a moment before its first write is
        # taken at that write: until then nothing has changed).
        if i % 2 and first is not None:
            at = first + rng.uniform(0.0, writing * 1.1)
        else:
            at = t0 + rng.uniform(0.0, total * 1.1)
        rc = _kill(p, at)
        killed = clean_state(clean) if kind == "ingest" else reports_state(reports)
        complete(kind, season)  # the next run succeeds
        after = clean_state(clean) if kind == "ingest" else reports_state(reports)
        if kind == "ingest":
            # a completed run kept the round's earlier archive aside: the next run keeps one more
            assert after["kept"] == sorted([*killed["kept"], tuple(sorted(killed["round"].items()))])
            assert after["top"] != before["top"]
            new = {"top": after["top"], "round": after["round"], "others": after["others"],
                   "kept": sorted([*before["kept"], tuple(sorted(before["round"].items()))])}
        else:
            checked = season
            assert after["findings"] != before["findings"]
            new = after
        assert killed in (before, new), f"kill {i} ({kind}) at {at - t0:.2f}s (rc {rc}): neither previous nor new"
    assert (clean / "README.md").read_text(encoding="utf-8") == "kept across runs\n"


def test_round_archive_is_written_once(tmp_path):
    raws = [tmp_path / "raw1", tmp_path / "raw2"]
    for seed, raw in enumerate(raws, start=1):
        samples.generate(raw, n_units=4, seed=seed)
    clean = tmp_path / "clean"
    first = _run("ingest", raws[0], "--out", clean, "--no-progress")
    assert first.returncode == 0, first.stderr[-2000:]
    archived = _folder(clean / "rounds" / ROUND)
    assert "归档" not in first.stdout
    second = _run("ingest", raws[1], "--out", clean, "--no-progress")
    assert second.returncode == 0, second.stderr[-2000:]
    kept = [p for p in (clean / "rounds").iterdir() if p.name != ROUND]
    assert len(kept) == 1 and pd.Series([kept[0].name]).str.match(SUPERSEDED_NAME).all()
    assert _folder(kept[0]) == archived  # the earlier archive, untouched
    assert _folder(clean / "rounds" / ROUND) != archived
    assert _digest(clean / "rounds" / ROUND / "platforms.parquet") == _digest(clean / "platforms.parquet")
    assert kept[0].name in second.stdout and "归档只写一次" in second.stdout
    assert history.list_rounds(clean) == [ROUND]  # a kept archive is not a round of its own


HOLD = """
import os, signal, sys, time
from netmedia import outputs
with outputs.lock([sys.argv[1]]):
    print("locked", flush=True)
    if sys.argv[2] == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(sys.argv[2]))
"""


def _holder(folder: Path, arg: str) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), arg], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    return p


def test_second_run_stops_or_waits_and_a_dead_holder_does_not_block(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    samples.generate(raw, n_units=3, seed=5)
    holder = _holder(clean, "4")
    stopped = _run("ingest", raw, "--out", clean, "--no-progress")
    assert stopped.returncode == 2
    assert f"pid {holder.pid}" in stopped.stderr and "另一个 netmedia 进程" in stopped.stderr
    assert not clean.exists()  # it wrote nothing
    waited = _run("ingest", raw, "--out", clean, "--no-progress", "--wait", "60")
    assert waited.returncode == 0, waited.stderr[-2000:]
    assert holder.wait() == 0
    dead = _holder(clean, "die")
    assert dead.wait() == -signal.SIGKILL
    assert outputs.lock_path(clean).read_text(encoding="utf-8") == str(dead.pid)  # its pid is still written
    again = _run("ingest", raw, "--out", clean, "--no-progress")
    assert again.returncode == 0, again.stderr[-2000:]


def test_lock_recovers_a_swap_cut_between_two_renames(tmp_path):
    """Where no atomic exchange exists the swap is two renames; a run killed between them left the previous
    folder as ``.<name>.old`` and the staged one as ``.<name>.new``: the next lock puts the previous one back."""
    target = tmp_path / "reports"
    old, new = tmp_path / ".reports.old", tmp_path / ".reports.new"
    old.mkdir()
    (old / "findings.parquet").write_text("previous", encoding="utf-8")
    new.mkdir()
    (new / "findings.parquet").write_text("new, maybe half", encoding="utf-8")
    with outputs.lock([target]):
        assert (target / "findings.parquet").read_text(encoding="utf-8") == "previous"
    assert not old.exists() and not new.exists()


def test_failed_step_leaves_previous_folder(tmp_path):
    target = tmp_path / "clean"
    target.mkdir()
    (target / "t.txt").write_text("previous", encoding="utf-8")
    with pytest.raises(ZeroDivisionError), outputs.staged(target) as new:
        (new / "t.txt").write_text("half", encoding="utf-8")
        1 / 0  # noqa: B018
    assert _folder(target) == {"t.txt": hashlib.sha256(b"previous").hexdigest()}
    assert not outputs.staging_dir(target).exists()


def test_vendor_without_npm_says_so_and_goes_on(tmp_path):
    dest, empty = tmp_path / "vendor", tmp_path / "no-npm-here"
    empty.mkdir()
    p = subprocess.run([sys.executable, "-m", "netmedia.report.vendor", "--dest", str(dest),
                        "--npm-search-path", str(empty)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "未找到 npm" in p.stderr and "make sysdeps" in p.stderr
    assert "Traceback" not in p.stderr
    assert not dest.exists() or not any(dest.rglob("*.js"))


TXN = """
import os, signal, sys
from pathlib import Path
from netmedia import outputs
targets, stop = [Path(a) for a in sys.argv[1:3]], sys.argv[3]
with outputs.lock(targets):
    txn = outputs.Transaction(targets, fresh={t: ["t.txt"] for t in targets})  # rewritten: not carried
    for t in targets:
        (txn[t] / "t.txt").write_text("new " + t.name, encoding="utf-8")
    commit_file = txn.prepare()
    if stop == "committed":
        txn.mark_committed(commit_file)
    elif stop == "half-swapped":  # the commit point, then the first folder's swap only
        txn.mark_committed(commit_file)
        outputs.recover(targets[0])
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize(("stop", "expected"), [("prepared", "previous"), ("committed", "new"),
                                                ("half-swapped", "new")])
def test_a_killed_transaction_ends_all_previous_or_all_new(tmp_path, stop, expected):
    """Two folders staged as one: killed before the commit point both stay previous; killed after it (even with
    one folder swapped and the other not) the next lock finishes both swaps."""
    targets = [tmp_path / "a" / "data_clean", tmp_path / "b" / "reports"]
    for t in targets:
        t.mkdir(parents=True)
        (t / "t.txt").write_text("previous " + t.name, encoding="utf-8")
        (t / "kept.txt").write_text("carried", encoding="utf-8")
    p = subprocess.run([sys.executable, "-c", TXN, *map(str, targets), stop], capture_output=True, text=True)
    assert p.returncode == -signal.SIGKILL, p.stderr
    if stop == "half-swapped":  # a reader between the kill and the next lock sees each folder whole
        assert (targets[0] / "t.txt").read_text(encoding="utf-8") == "new data_clean"
        assert (targets[1] / "t.txt").read_text(encoding="utf-8") == "previous reports"
    with outputs.lock(targets[1:]):  # a command writing only reports/ finishes (or undoes) its part
        pass
    with outputs.lock(targets):
        pass
    for t in targets:
        assert _folder(t) == {"t.txt": hashlib.sha256(f"{expected} {t.name}".encode()).hexdigest(),
                              "kept.txt": hashlib.sha256(b"carried").hexdigest()}
    assert sorted(p.name for p in tmp_path.rglob("*") if p.name.startswith(".")) == []  # nothing left beside


def test_a_transaction_set_aside_keeps_the_previous_outputs(tmp_path):
    targets = [tmp_path / "clean", tmp_path / "reports"]
    for t in targets:
        t.mkdir()
        (t / "t.txt").write_text("previous", encoding="utf-8")
    with outputs.lock(targets), outputs.staged_together(targets) as txn:
        (txn[targets[1]] / "t.txt").unlink()  # carried as a link: unlinking it leaves the live file alone
        (txn[targets[1]] / "t.txt").write_text("rejected", encoding="utf-8")
        kept = txn.set_aside()
    assert [(t / "t.txt").read_text(encoding="utf-8") for t in targets] == ["previous", "previous"]
    assert (kept[targets[1].resolve()] / "t.txt").read_text(encoding="utf-8") == "rejected"
    assert kept[targets[1].resolve()] == outputs.rejected_dir(targets[1].resolve())


PARENT = """
import os, signal, subprocess, sys
from netmedia import outputs
env = dict(os.environ, **{outputs.HOLDER_ENV: str(os.getpid()), "JPY_PARENT_PID": str(os.getpid())})
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
assert child.stdout.readline().strip() == "ready"
print(child.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
KERNEL = """
import time
import netmedia.season  # what a notebook of ``netmedia run`` does first
print("ready", flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux")
def test_a_kernel_of_a_killed_run_dies_with_it():
    """A notebook kernel is a child the SIGKILL of ``netmedia run`` does not reach: importing netmedia.season in
    it asks Linux to kill it with the run, so it cannot write into the run's staging folders afterwards."""
    p = subprocess.run([sys.executable, "-c", PARENT, KERNEL], capture_output=True, text=True, timeout=60)
    assert p.returncode == -signal.SIGKILL, p.stderr
    kernel = int(p.stdout.split()[0])
    deadline = time.monotonic() + 5
    while _alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = _alive(kernel)
    if survived:
        os.kill(kernel, signal.SIGKILL)
    assert not survived, "the kernel of a killed run lives on"
