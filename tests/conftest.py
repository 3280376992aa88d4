"""Every test runs in strict mode: a sheet whose processing raises stops the ingest instead of becoming rejects.

Set for the whole session (before any session-scoped fixture ingests a season) and inherited by the
subprocesses the tests start (``netmedia ingest``, notebooks).
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def strict_ingest():
    old = os.environ.get("NETMEDIA_STRICT")
    os.environ["NETMEDIA_STRICT"] = "1"
    yield
    if old is None:
        del os.environ["NETMEDIA_STRICT"]
    else:
        os.environ["NETMEDIA_STRICT"] = old
