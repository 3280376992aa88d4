"""When pytest runs the notebooks (nbval), point them at a scratch season, never at data_raw/.

The kernel inherits these variables; notebook 01 finds the raw folder empty and
writes the synthetic demo season there, as `make run` does on a fresh clone.
"""

import os
import tempfile
from pathlib import Path


def pytest_configure(config):
    base = Path(tempfile.mkdtemp(prefix="netmedia-nbval-"))
    for name, sub in (("NETMEDIA_DATA_RAW", "data_raw"), ("NETMEDIA_DATA_CLEAN", "data_clean"),
                      ("NETMEDIA_REPORTS", "reports")):
        (base / sub).mkdir()
        os.environ[name] = str(base / sub)
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ["NETMEDIA_STRICT"] = "1"  # a sheet whose processing raises fails the notebook (tests/conftest.py)
