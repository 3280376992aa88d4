"""The season's Word documents: the Annex 1 forms, the circular, and their PDFs, from ``[documents]`` settings.

``config/institution.toml``'s ``[documents]`` section says which templates to fill (the package's own, or a
school's: a path relative to the TOML), whether PDFs are written beside the .docx files (when LibreOffice is
installed), which charts the circular shows, and the red/black list rule (``[documents.ranking]``). It is read
here, beside the code that uses it, as ``[rectification]`` is read by the rectification lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from netmedia.config import Config, ConfigError

FORMS_DIR = "附件1"  # under reports/: the Annex 1 forms, a folder and a zip per unit
ANNEX1_TEMPLATE = "annex1_template.docx"
CIRCULAR_TEMPLATE = "circular_template.docx"
DEFAULT_CHARTS = ("platforms_by_class", "zombie_by_unit", "unit_ranking", "submission_progress")


@dataclass(frozen=True)
class Ranking:
    """The red/black lists: how many units on each, and the rule as the circular states it."""

    top: int = 10
    rule: str = ""


@dataclass(frozen=True)
class Settings:
    annex1_template: Path
    circular_template: Path
    pdf: bool = True
    charts: tuple[str, ...] = DEFAULT_CHARTS
    ranking: Ranking = field(default_factory=Ranking)


def package_template(name: str) -> Path:
    """A template shipped in ``netmedia/data``."""
    return Path(str(resources.files("netmedia") / "data" / name))


def settings(config: Config) -> Settings:
    """The ``[documents]`` section of the institution TOML (defaults where a key is missing); ConfigError when a
    key is unknown, a value has the wrong type or a named template does not exist."""
    section = config.section("documents")
    base = Path(config.path).parent if config.path is not None else Path(".")
    known = {"annex1_template", "circular_template", "pdf", "charts", "ranking"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"[documents] {', '.join(unknown)}: unknown; one of: {', '.join(sorted(known))}")

    def template(key: str, default: str) -> Path:
        value = section.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"[documents] {key}: not a path: {value!r}")
        if not value.strip():
            return package_template(default)
        p = Path(value).expanduser()
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            raise ConfigError(f"[documents] {key}: template not found: {p}")
        return p

    pdf = section.get("pdf", True)
    charts = section.get("charts", list(DEFAULT_CHARTS))
    rank = section.get("ranking", {})
    if not isinstance(pdf, bool):
        raise ConfigError(f"[documents] pdf: not true or false: {pdf!r}")
    if not isinstance(charts, list) or not all(isinstance(c, str) for c in charts):
        raise ConfigError(f"[documents] charts: not a list of chart names: {charts!r}")
    if not isinstance(rank, dict) or not isinstance(rank.get("top", 10), int) or not isinstance(rank.get("rule", ""), str):
        raise ConfigError(f"[documents.ranking]: top (a number) and rule (a text) expected: {rank!r}")
    return Settings(template("annex1_template", ANNEX1_TEMPLATE), template("circular_template", CIRCULAR_TEMPLATE),
                    pdf, tuple(charts), Ranking(int(rank.get("top", 10)), str(rank.get("rule", ""))))


@dataclass
class Written:
    """What :func:`write_documents` wrote, and how long the PDF conversion took (None: no PDF written)."""

    circular: Path
    forms: list[Path]
    zips: list[Path]
    pdfs: list[Path] = field(default_factory=list)
    pdf_seconds: float | None = None
    pdf_skipped: str = ""  # why no PDF was written, when none was

    def summary(self) -> str:
        lines = [f"情况通报: {self.circular}", f"附件1 备案表: {len(self.forms)} 份, {len(self.zips)} 个单位压缩包"]
        if self.pdf_seconds is not None:
            lines.append(f"PDF: {len(self.pdfs)} 份 ({self.pdf_seconds:.1f} s)")
        else:
            lines.append(f"PDF: 未生成（{self.pdf_skipped}）")
        return "\n".join(lines)


def write_documents(tables: dict[str, pd.DataFrame], findings: pd.DataFrame, out: Path, config: Config,
                    charts_dir: Path | None = None) -> Written:
    """The Annex 1 forms (``out/附件1/<单位>/``, a zip per unit), the circular (``out/情况通报.docx``, with the
    charts of ``charts_dir``, by default ``out/charts``) and, when ``[documents] pdf`` is on and LibreOffice is
    installed, a PDF beside each."""
    from netmedia.report import annex1, circular, pdf

    s = settings(config)
    out = Path(out)
    forms = annex1.write_forms(tables["platforms"], out, config, s.annex1_template)
    circ = circular.write_circular(tables, findings, out, config, s, charts_dir or out / "charts")
    made = Written(circ, forms, [])
    if not s.pdf:
        made.pdf_skipped = "[documents] pdf = false"
    elif not pdf.available():
        made.pdf_skipped = "LibreOffice (soffice) not installed: make sysdeps"
    else:
        made.pdfs, made.pdf_seconds = pdf.convert([circ, *forms])
    made.zips = annex1.zip_units(out)  # with the PDFs, when written
    return made
