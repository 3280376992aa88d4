"""The season the document tests share (``test_annex1``, ``test_circular``): a 12-unit demo season run through
every step (ingest, check, dashboard, documents), built once per test process (it takes a minute: chart export
and LibreOffice), in a scratch folder removed at exit."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from netmedia import samples, season
from netmedia.config import Config, load_config
from netmedia.report.documents import Written


@cache
def documents_season() -> tuple[Path, Path, Config, Written]:
    """(clean, reports, config, what the documents step wrote); PDFs too when LibreOffice is installed."""
    base = Path(tempfile.mkdtemp(prefix="netmedia-docs-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    raw, clean, reports = base / "raw", base / "clean", base / "reports"
    config = load_config()
    samples.generate(raw, n_units=12, seed=3, config=config)
    season.ingest(raw, clean, config)
    season.check_season(clean, reports, config, data_docs=False)
    season.dashboard_step(clean, reports, config)
    return clean, reports, config, season.documents_step(clean, reports, config)
