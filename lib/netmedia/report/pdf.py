"""Word documents to PDF with LibreOffice: the files shared among a few ``soffice`` processes run side by side.

LibreOffice starts slowly (2-3 s a call, its profile made on the first), then converts a form in 0.13-0.35 s of one
core (reading the .docx is most of it, not writing the PDF), one file after another. So the files are split into one
share per CPU (:func:`processes`: at most :data:`PROCESSES_MAX`, never more than the files), and each share is
converted by its own ``soffice --headless --convert-to pdf`` calls, the shares at once: the wall time falls with the
idle cores (on 2 cores that something else keeps busy it stays what one process takes: 480 documents of the 60-unit
demo season, 62-85 s either way). A call converts at most :data:`BATCH_FILES` files (LibreOffice 7.4 was seen to
stop without a word, exit 0, after about 250 files of one call, the rest unconverted). Each share has its own
LibreOffice profile (``-env:UserInstallation``) in the scratch folder: two ``soffice`` processes sharing a profile
(or ``~/.config/libreoffice``) fail or wait for each other. ``--outdir`` is a single folder, and forms of different
units may share a name, so the files are linked under unique names into the scratch folder, converted there, and
each PDF is moved beside its .docx.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SOFFICE = "soffice"
TIMEOUT_SECONDS = 1800  # per call
BATCH_FILES = 100
PROCESSES_MAX = 8  # soffice processes at once: a department PC's cores; each takes a few hundred MB


class PdfError(RuntimeError):
    """LibreOffice did not write a PDF for every document."""


def available() -> bool:
    """LibreOffice's ``soffice`` is on PATH."""
    return shutil.which(SOFFICE) is not None


def processes(n_files: int) -> int:
    """How many ``soffice`` processes convert ``n_files`` files at once: one per CPU, at most
    :data:`PROCESSES_MAX`, at most one per file, at least one."""
    return max(1, min(os.cpu_count() or 1, PROCESSES_MAX, n_files))


def convert_share(names: Sequence[Path], profile: Path, outdir: Path) -> list[str]:
    """Convert ``names`` into ``outdir`` by ``soffice`` calls one after another, :data:`BATCH_FILES` files a
    call, with the LibreOffice profile ``profile`` (no other process may use it meanwhile); returns the calls'
    errors (exit status and the end of stderr), none when all exited 0."""
    errors = []
    for start in range(0, len(names), BATCH_FILES):
        cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
               "pdf", "--outdir", str(outdir), *map(str, names[start:start + BATCH_FILES])]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        if proc.returncode:
            errors.append(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return errors


def convert(files: Sequence[Path]) -> tuple[list[Path], float]:
    """A PDF beside each of ``files`` (``x.docx`` -> ``x.pdf``), by :func:`processes` ``soffice`` processes
    side by side; returns the PDFs and the wall seconds the calls took. Raises :class:`PdfError` when a PDF is
    missing, ``subprocess.TimeoutExpired`` when a call takes more than :data:`TIMEOUT_SECONDS`."""
    files = [Path(f) for f in files]
    if not files:
        return [], 0.0
    with tempfile.TemporaryDirectory(prefix="netmedia-pdf-") as tmp:
        work, done = Path(tmp) / "in", Path(tmp) / "out"
        work.mkdir()
        names = []
        for i, f in enumerate(files):
            name = work / f"{i:06d}{f.suffix}"
            try:
                os.link(f, name)
            except OSError:  # another file system: a copy
                shutil.copyfile(f, name)
            names.append(name)
        n = processes(len(names))
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:  # threads that wait for their soffice processes
            shares = [pool.submit(convert_share, names[k::n], Path(tmp) / f"profile{k}", done) for k in range(n)]
            errors = [e for share in shares for e in share.result()]
        seconds = time.perf_counter() - t0
        pdfs = []
        missing = []
        for f, name in zip(files, names, strict=True):
            made = done / f"{name.stem}.pdf"
            if not made.is_file():
                missing.append(f.name)
                continue
            target = f.with_suffix(".pdf")
            shutil.move(made, target)
            pdfs.append(target)
    if missing:
        raise PdfError(f"LibreOffice wrote no PDF for {len(missing)} of {len(files)} files "
                       f"({', '.join(missing[:5])}){': ' if errors else ''}{'; '.join(errors)}")
    return pdfs, seconds
