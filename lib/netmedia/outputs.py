"""Output folders that survive a crash, and a lock so two runs never write the same folders at once.

A step writes its outputs into a temporary sibling (``.<name>.new``), then swaps it in with one atomic
rename, so a run killed at any moment leaves either the previous outputs or the new ones, never a mix.
On Linux the swap is ``renameat2(RENAME_EXCHANGE)``: the folder's path never stops existing. Elsewhere
(or on a file system without it) the swap is two renames; :func:`recover`, run whenever the lock is taken,
puts the previous folder back if a run died between them.

Entries of the previous folder that the step did not write (``rounds/``, ``README.md``, the other steps'
reports) are carried into the new folder as hard links (a copy where links are impossible), so nothing is
lost by the swap and nothing is copied twice. Writers must never rewrite a carried file in place; every
step writes fresh files in the staging folder.

Several folders that must change together (``netmedia run`` writes ``data_clean/`` and ``reports/``: the
reports describe the tables) are staged as one :class:`Transaction`: each folder is staged, then a journal
(``.<name>.txn``) beside each folder names its staging folder, then one commit file is created (the commit
point), then the folders are swapped in one by one. A run killed before the commit file exists leaves every
previous folder (the journals send :func:`recover` backwards); killed after, :func:`recover` finishes the swaps
(forwards), so the folders always hold all previous or all new outputs. A staging folder is recognised by its
inode number (in the journal), which a rename keeps: so a swap already made is never made twice.

A ``netmedia run`` executes notebooks in kernels, child processes that a SIGKILL of the run would not stop:
:func:`die_with_run` (called when a kernel imports :mod:`netmedia.season`) asks Linux to kill the kernel when
the run dies, so nothing writes into a staging folder after its run is gone.

The lock is a file beside the folder (``.<name>.lock``) held with ``fcntl.flock``: the kernel releases it
when its process dies, even by SIGKILL, so a stale lock never blocks; the file names the holder's pid for
the message a second run prints, and is removed when the run ends well.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

HOLDER_ENV = "NETMEDIA_LOCK_HOLDER"  # set by ``netmedia run`` for its notebook kernels, which work under its lock
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_PR_SET_PDEATHSIG = 1


class LockedError(RuntimeError):
    """Another netmedia process is writing the same folders."""


def _sibling(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}.{suffix}"


def staging_dir(target: Path) -> Path:
    return _sibling(Path(target), "new")


def rejected_dir(target: Path) -> Path:
    """Where a run that failed a check keeps the outputs it did not swap in (:meth:`Transaction.set_aside`)."""
    return _sibling(Path(target), "rejected")


def _journal(target: Path) -> Path:
    return _sibling(Path(target), "txn")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        rc = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    except (OSError, AttributeError):
        return False
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def carry_over(old: Path, new: Path, *, skip: Iterable[str] = ()) -> list[str]:
    """Put into ``new`` every top-level entry of ``old`` that ``new`` lacks (hard links), but those named in
    ``skip``; the names carried."""
    old, new, skip = Path(old), Path(new), set(skip)
    if not old.is_dir():
        return []
    carried = []
    for p in sorted(old.iterdir()):
        dst = new / p.name
        if p.name in skip or dst.exists() or dst.is_symlink():
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, dst, copy_function=_link_or_copy, symlinks=True)
        else:
            _link_or_copy(str(p), str(dst))
        carried.append(p.name)
    return carried


def swap_in(new: Path, target: Path) -> None:
    """Make ``new`` the folder at ``target`` in one rename; the previous folder is removed afterwards."""
    new, target = Path(new), Path(target)
    old = _sibling(target, "old")
    if old.exists():
        shutil.rmtree(old)
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # ``new`` now holds the previous outputs
        return
    os.rename(target, old)  # no atomic exchange here: two renames, undone by recover() if we die between
    os.rename(new, target)
    shutil.rmtree(old)


def recover(target: Path) -> None:
    """Undo what a killed run left beside ``target``: finish or undo its transaction (:class:`Transaction`),
    restore the previous folder, drop unfinished staging."""
    target = Path(target)
    _finish_transaction(target)
    old, new = _sibling(target, "old"), staging_dir(target)
    if old.exists():
        if target.exists():
            shutil.rmtree(old)
        else:
            os.rename(old, target)
    drop_staging(new)


def drop_staging(new: Path) -> None:
    """Remove a staging folder and what the steps writing inside it left beside it when killed (their own
    staging and swap folders, their lock files: a run's steps stage inside the run's staging folder)."""
    for path in (new, staging_dir(new), _sibling(new, "old")):
        shutil.rmtree(path, ignore_errors=True)
    _sibling(new, "lock").unlink(missing_ok=True)


@contextmanager
def staged(target: str | Path, *, skip: Iterable[str] = ()) -> Iterator[Path]:
    """Write a step's outputs into the yielded staging folder; swapped in at ``target`` only if the block ends
    without an exception, with the previous folder's other entries carried over (but those in ``skip``).
    Call it under :func:`lock`."""
    target = Path(target)
    new = staging_dir(target)
    if new.exists():
        shutil.rmtree(new)
    new.mkdir(parents=True)
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    carry_over(target, new, skip=skip)
    swap_in(new, target)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (a temporary sibling renamed over it)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _roll_forward(target: Path, staged_path: Path, ino: int) -> None:
    """Swap the staging folder numbered ``ino`` in at ``target``, unless that was done already."""
    if target.exists() and target.stat().st_ino == ino:
        shutil.rmtree(staged_path, ignore_errors=True)  # after an exchange it holds the previous outputs
        old = _sibling(target, "old")
        if old.exists():
            shutil.rmtree(old)
        return
    swap_in(staged_path, target)


def _finish_transaction(target: Path) -> None:
    """The rest of a transaction a killed run left at ``target``: forwards when it was committed, else back."""
    journal = _journal(target)
    if not journal.exists():
        return
    entry = json.loads(journal.read_text(encoding="utf-8"))
    commit_file = Path(entry["commit"])
    staged_path = Path(entry["staged"])
    if commit_file.exists():
        _roll_forward(target, staged_path, entry["ino"])
    else:
        drop_staging(staged_path)
    journal.unlink()
    for half_written in (journal, commit_file):  # killed while writing it
        half_written.with_name(half_written.name + ".tmp").unlink(missing_ok=True)
    if commit_file.exists() and not any(Path(j).exists() for j in json.loads(commit_file.read_text("utf-8"))):
        commit_file.unlink()  # every folder of the transaction is done


class Transaction:
    """Several folders staged and swapped in as one (see the module's docstring); use :func:`staged_together`.

    ``staging[target]`` is the folder to write instead of ``target``: it starts as a hard-linked copy of
    ``target`` without the entries named in ``fresh[target]`` (those the caller rewrites: a file written in
    place must never be a link to the live one). Call it under :func:`lock` of every target."""

    def __init__(self, targets: Sequence[str | Path], fresh: Mapping[Path, Iterable[str]] | None = None) -> None:
        self.targets = sorted({Path(t).resolve() for t in targets})
        self.staging = {t: staging_dir(t) for t in self.targets}
        self.done = False
        fresh = {Path(t).resolve(): set(names) for t, names in (fresh or {}).items()}
        for target, new in self.staging.items():
            drop_staging(new)
            new.mkdir(parents=True)
            carry_over(target, new, skip=fresh.get(target, ()))

    def key(self, target: str | Path) -> Path:
        """``target`` as this transaction names it (resolved)."""
        return Path(target).resolve()

    def __getitem__(self, target: str | Path) -> Path:
        """The staging folder of ``target``."""
        return self.staging[self.key(target)]

    def commit(self) -> None:
        """Swap every staging folder in: :meth:`prepare` (journals), :meth:`mark_committed` (the commit point),
        :meth:`finish` (the swaps; the journals go)."""
        self.mark_committed(self.prepare())
        self.finish()

    def prepare(self) -> Path:
        """Write the journal beside each target; the commit file they name (not written yet). Its name is new
        for each transaction: a stale one, left by a run killed between removing the last journal and the
        commit file, can never commit another transaction."""
        commit_file = _sibling(self.targets[0], f"committed-{os.getpid()}-{time.time_ns()}")
        for target in self.targets:
            new = self.staging[target]
            _write_atomically(_journal(target), json.dumps({"commit": str(commit_file), "staged": str(new),
                                                            "ino": new.stat().st_ino}))
        return commit_file

    def mark_committed(self, commit_file: Path) -> None:
        """The commit point: from here on the new outputs win, whenever the process dies."""
        _write_atomically(commit_file, json.dumps([str(_journal(t)) for t in self.targets]))

    def finish(self) -> None:
        for target in self.targets:
            _finish_transaction(target)
        self.done = True

    def abort(self) -> None:
        for new in self.staging.values():
            drop_staging(new)
        self.done = True

    def set_aside(self) -> dict[Path, Path]:
        """Keep the staged outputs beside their folders (:func:`rejected_dir`) instead of swapping them in;
        where they are, per target. The previous outputs stay."""
        kept = {}
        for target, new in self.staging.items():
            kept[target] = rejected_dir(target)
            if kept[target].exists():
                shutil.rmtree(kept[target])
            os.rename(new, kept[target])
        self.done = True
        return kept


@contextmanager
def staged_together(targets: Sequence[str | Path], *,
                    fresh: Mapping[Path, Iterable[str]] | None = None) -> Iterator[Transaction]:
    """Stage ``targets`` as one :class:`Transaction`: committed when the block ends well (unless it called
    :meth:`Transaction.set_aside`), dropped on an exception. Call it under :func:`lock` of every target."""
    txn = Transaction(targets, fresh)
    try:
        yield txn
    except BaseException:
        txn.abort()
        raise
    if not txn.done:
        txn.commit()


def die_with_run() -> None:
    """In a notebook kernel of ``netmedia run`` (its pid in ``HOLDER_ENV`` and ``JPY_PARENT_PID``): have Linux
    SIGKILL this process when the run dies, so a killed run's kernel cannot write on. A no-op anywhere else."""
    holder = os.environ.get(HOLDER_ENV)
    if (not holder or os.environ.get("JPY_PARENT_PID") != holder or not sys.platform.startswith("linux")
            or multiprocessing.parent_process() is not None):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != int(holder):  # the run died before the request: what the signal would have done
        os.kill(os.getpid(), signal.SIGKILL)


def lock_path(target: Path) -> Path:
    return _sibling(Path(target).resolve(), "lock")


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def _acquire(path: Path, target: Path, wait: float) -> int:
    """Open and flock ``path``; retried when the file was removed by its previous holder meanwhile (the lock
    must be on the file the path names now). The descriptor; closing it releases the lock."""
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"另一个 netmedia 进程（pid {_holder(path)}）正在写入 {target}；"
                    f"请等待其结束后再运行（或使用 --wait 秒数 排队等待）。锁文件: {path}") from None
            time.sleep(0.2)
            continue
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def _lock_one(target: Path, wait: float) -> Iterator[None]:
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    inherited = os.environ.get(HOLDER_ENV)
    if inherited and _holder(path) == inherited:
        yield  # a notebook kernel of ``netmedia run``, which holds the lock for it
        return
    fd = _acquire(path, Path(target).resolve(), wait)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        recover(Path(target))
        yield
    finally:
        path.unlink(missing_ok=True)  # nothing left beside the folder (a killed holder's file stays, unlocked)
        os.close(fd)  # closing releases the flock


@contextmanager
def lock(targets: Iterable[str | Path], *, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock of every folder in ``targets`` (in a fixed order, so two runs cannot deadlock).

    ``wait``: seconds to wait for another run to finish before raising :class:`LockedError`. Taking a lock
    also :func:`recover`\\ s what a killed run left beside its folder."""
    with ExitStack() as stack:
        for t in sorted({Path(t).resolve() for t in targets}):
            stack.enter_context(_lock_one(t, wait))
        yield
