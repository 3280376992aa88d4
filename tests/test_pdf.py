"""LibreOffice conversion (``report/pdf.py``): the files shared among ``soffice`` processes that run at once, each
with its own profile, and every input's PDF beside it, its own content, also when two inputs share a name.

``soffice`` is found on PATH; the tests put first on PATH a wrapper that logs each call (its profile, its
files, when it started and ended) and then runs the real LibreOffice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from netmedia.report import pdf

REAL_SOFFICE = shutil.which("soffice")
needs_office = pytest.mark.skipif(not (REAL_SOFFICE and shutil.which("pdftotext")),
                                  reason="LibreOffice (soffice) or poppler-utils (pdftotext) not installed")

# (folder, file name, text): two files named 备案表.docx in different folders, with different text
DOCUMENTS = [
    ("文学院", "备案表.docx", "甲号文档文学院"),
    ("水利学院", "备案表.docx", "乙号文档水利学院"),
    ("水利学院", "情况说明.docx", "丙号文档情况说明"),
    ("", "通报.docx", "丁号文档通报"),
    ("图书馆", "备案表 (2).docx", "戊号文档图书馆"),
]
SPEC_PROCESSES_MAX = 8  # the design: one process per CPU, at most 8, at most one per file


def write_docx(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


def logging_soffice(bin_dir: Path, log: Path) -> None:
    """A ``soffice`` that logs ``start <profile> <n files>`` and ``end <profile>`` with times, around the real one."""
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        "profile=$(printf '%s\\n' \"$@\" | grep '^-env:UserInstallation=')\n"
        "files=$(printf '%s\\n' \"$@\" | grep -c '\\.docx$')\n"
        f"echo \"start $(date +%s.%N) $profile $files\" >> '{log}'\n"
        f"'{REAL_SOFFICE}' \"$@\"\n"
        "status=$?\n"
        f"echo \"end $(date +%s.%N) $profile\" >> '{log}'\n"
        "exit $status\n", encoding="utf-8")
    script.chmod(0o755)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def logged(tmp_path, monkeypatch) -> Path:
    log = tmp_path / "calls.log"
    logging_soffice(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return log


@needs_office
def test_calls_run_at_once_with_their_own_profiles_and_each_pdf_is_beside_its_input(tmp_path, logged):
    docs = tmp_path / "docs"
    inputs = [write_docx(docs / folder / name, text) for folder, name, text in DOCUMENTS]

    made, seconds = pdf.convert(inputs)

    expected = [docs / folder / name.replace(".docx", ".pdf") for folder, name, _ in DOCUMENTS]
    assert sorted(made) == sorted(expected)
    assert seconds > 0
    for (_, _, text), out in zip(DOCUMENTS, expected, strict=True):
        assert out.read_bytes()[:5] == b"%PDF-"
        assert text in pdf_text(out)  # its own document, not the other 备案表's
    assert {p.name for p in (docs / "水利学院").iterdir()} == {"情况说明.docx", "情况说明.pdf", "备案表.docx", "备案表.pdf"}

    calls = [line.split() for line in logged.read_text(encoding="utf-8").splitlines()]
    starts = [c for c in calls if c[0] == "start"]
    ends = [c for c in calls if c[0] == "end"]
    n = min(os.cpu_count() or 1, SPEC_PROCESSES_MAX, len(DOCUMENTS))
    assert len(starts) == n == len(ends)  # one call per share: each share is far below 100 files
    assert len({c[2] for c in starts}) == n  # a profile per call
    assert sum(int(c[3]) for c in starts) == len(DOCUMENTS)  # every file in exactly one call
    if n > 1:  # side by side: every call started before any ended
        assert max(float(c[1]) for c in starts) < min(float(c[1]) for c in ends)


@needs_office
def test_a_document_without_pdf_is_named_and_the_others_are_converted(tmp_path):
    good = [write_docx(tmp_path / "a" / f"好{i}.docx", f"第{i}号") for i in range(3)]
    broken = tmp_path / "b" / "坏的.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 not a zip")

    with pytest.raises(pdf.PdfError, match=r"no PDF for 1 of 4 files \(坏的\.docx\)"):
        pdf.convert([good[0], broken, *good[1:]])
    assert all(f.with_suffix(".pdf").is_file() for f in good)
    assert not broken.with_suffix(".pdf").exists()


def test_no_files_no_call():
    assert pdf.convert([]) == ([], 0.0)
