"""Word documents to PDF with LibreOffice, in one ``soffice`` run for many files.

LibreOffice starts slowly (seconds), so files are converted many at a time by one ``soffice --headless
--convert-to pdf`` call: at most :data:`BATCH_FILES` per call (LibreOffice 7.4 was seen to stop without a word,
exit 0, after about 250 files of one call, the rest unconverted). Its ``--outdir`` is a single folder, and forms
of different units may share a name, so the files are linked under unique names into a scratch folder,
converted there, and each PDF is moved beside its .docx. The calls have their own LibreOffice profile
(``-env:UserInstallation``) in that scratch folder: two runs side by side would otherwise share
``~/.config/libreoffice`` and one of them would fail or wait.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

SOFFICE = "soffice"
TIMEOUT_SECONDS = 1800  # per call
BATCH_FILES = 100


class PdfError(RuntimeError):
    """LibreOffice did not write a PDF for every document."""


def available() -> bool:
    """LibreOffice's ``soffice`` is on PATH."""
    return shutil.which(SOFFICE) is not None


def convert(files: Sequence[Path]) -> tuple[list[Path], float]:
    """A PDF beside each of ``files`` (``x.docx`` -> ``x.pdf``), by as few LibreOffice calls as
    :data:`BATCH_FILES` allows; returns the PDFs and the seconds the calls took. Raises :class:`PdfError` when a
    PDF is missing."""
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
        profile = (Path(tmp) / "profile").as_uri()
        t0 = time.perf_counter()
        errors = []
        for start in range(0, len(names), BATCH_FILES):
            cmd = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                   "--outdir", str(done), *map(str, names[start:start + BATCH_FILES])]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
            if proc.returncode:
                errors.append(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
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
