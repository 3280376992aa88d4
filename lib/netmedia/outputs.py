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

The lock is a file beside the folder (``.<name>.lock``) held with ``fcntl.flock``: the kernel releases it
when its process dies, even by SIGKILL, so a stale lock never blocks; the file names the holder's pid for
the message a second run prints, and is removed when the run ends well.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

HOLDER_ENV = "NETMEDIA_LOCK_HOLDER"  # set by ``netmedia run`` for its notebook kernels, which work under its lock
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


class LockedError(RuntimeError):
    """Another netmedia process is writing the same folders."""


def _sibling(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}.{suffix}"


def staging_dir(target: Path) -> Path:
    return _sibling(Path(target), "new")


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
    """Undo what a killed run left beside ``target``: restore the previous folder, drop unfinished staging."""
    target = Path(target)
    old, new = _sibling(target, "old"), staging_dir(target)
    if old.exists():
        if target.exists():
            shutil.rmtree(old)
        else:
            os.rename(old, target)
    if new.exists():
        shutil.rmtree(new)


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
