"""Project paths, anchored on this file so notebooks and CLIs agree whatever the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
ROOT = Path(os.environ.get("NETMEDIA_ROOT", PACKAGE_DIR.parent.parent)).resolve()

CONFIG_DIR = ROOT / "config"
INSTITUTION_TOML = CONFIG_DIR / "institution.toml"
DATA_RAW = ROOT / "data_raw"
REFERENCE_DIR_NAME = "reference"
DATA_CLEAN = ROOT / "data_clean"
REPORTS = ROOT / "reports"
OUTBOX = ROOT / "outbox"  # what goes out to units (templates, mail drafts): personal data, git-ignored
EXPECTATIONS = ROOT / "expectations"
NOTEBOOKS = ROOT / "notebooks"
