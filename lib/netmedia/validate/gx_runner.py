"""Great Expectations (GX Core 1.x) plumbing: one lazy import, one ephemeral context, suites from JSON.

GX takes 5-8 s to import, so nothing here imports it at module import time;
``engine()`` does it once per process and caches the context, the pandas
datasource and the loaded suites. No ``gx/`` folder is written: the context is
ephemeral, analytics are off, progress bars are off.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netmedia import paths

SUITE_ORDER = (
    "platforms.structure",
    "platforms.compliance",
    "personal_accounts.structure",
    "personal_accounts.compliance",
    "groups.structure",
    "groups.compliance",
    "submissions.compliance",
    "units.compliance",
    "record_history.compliance",
)


# COMPLETE keeps each failing expectation's unexpected_index_list (the findings). The unexpected_index_query GX
# would also render (a "df.filter(items=[...])" text of every failing index) is used by nothing here and costs
# ~40% of validation at 1M rows.
RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


class SuiteLoadError(RuntimeError):
    """A suite file did not load completely (GX drops expectations it does not know, silently)."""


class ExpectationRunError(RuntimeError):
    """An expectation raised instead of returning a result (a bug, not a finding)."""


def _import_gx():
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GX_DATA_CONTEXT_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    # GX logs (and swallows) each expectation it cannot build; we assert counts instead.
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    return gx


@dataclass
class Engine:
    """The GX objects of one process: the context, its pandas data source (one whole-dataframe batch definition
    per table) and the suites loaded from the expectation JSON files."""

    gx: Any
    context: Any
    datasource: Any
    suites: dict[str, Any] = field(default_factory=dict)
    suite_specs: dict[str, dict] = field(default_factory=dict)
    batch_definitions: dict[str, Any] = field(default_factory=dict)

    def batch_definition(self, table: str):
        if table not in self.batch_definitions:
            asset = self.datasource.add_dataframe_asset(name=table)
            self.batch_definitions[table] = asset.add_batch_definition_whole_dataframe(f"{table}-whole")
        return self.batch_definitions[table]

    def validate(self, suite_name: str, table: str, df: pd.DataFrame, parameters: dict[str, Any]):
        """Validate ``df`` against a loaded suite: one ExpectationSuiteValidationResult with COMPLETE results
        (each failing expectation's ``unexpected_index_list``: the frame's index labels of the failing rows)."""
        batch = self.batch_definition(table).get_batch(batch_parameters={"dataframe": df})
        return batch.validate(self.suites[suite_name], result_format=RESULT_FORMAT, expectation_parameters=parameters)


_LOCK = threading.Lock()
_ENGINES: dict[Path, Engine] = {}


def load_suite_specs(expectations_dir: Path) -> dict[str, dict]:
    """The suite JSON files of ``expectations_dir`` (name -> parsed dict), in SUITE_ORDER then alphabetical."""
    specs: dict[str, dict] = {}
    for p in sorted(Path(expectations_dir).glob("*.json")):
        spec = json.loads(p.read_text(encoding="utf-8"))
        spec.setdefault("name", p.stem)
        if spec["name"] != p.stem:
            raise SuiteLoadError(f"{p.name}: suite name {spec['name']!r} differs from the file name")
        specs[spec["name"]] = spec
    order = {n: i for i, n in enumerate(SUITE_ORDER)}
    return dict(sorted(specs.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def engine(expectations_dir: Path | None = None) -> Engine:
    """The process-wide GX engine for ``expectations_dir`` (default: the repo's expectations/)."""
    d = Path(expectations_dir or paths.EXPECTATIONS).resolve()
    with _LOCK:
        if d in _ENGINES:
            return _ENGINES[d]
        gx = _import_gx()
        from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults

        # An ephemeral context configured as GX's default one, plus the ``progress_bars`` setting of a project
        # config (great_expectations.yml's ``progress_bars: {globally: false}``): no progress bar per validation.
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=True),
            progress_bars={"globally": False, "metric_calculations": False},
            analytics_enabled=False,
        )
        context = gx.get_context(mode="ephemeral", project_config=config)
        datasource = context.data_sources.add_pandas(name="netmedia")
        eng = Engine(gx=gx, context=context, datasource=datasource)
        for name, spec in load_suite_specs(d).items():
            want = len(spec.get("expectations", []))
            suite = gx.ExpectationSuite(
                name=name, expectations=spec.get("expectations", []), meta=spec.get("meta") or None
            )
            got = len(suite.expectations)
            if got != want:
                raise SuiteLoadError(
                    f"suite {name}: {got} of {want} expectations loaded (unknown expectation type or bad kwargs?)"
                )
            eng.suites[name] = context.suites.add(suite)
            if len(eng.suites[name].expectations) != want:
                raise SuiteLoadError(f"suite {name}: context kept {len(eng.suites[name].expectations)} of {want}")
            eng.suite_specs[name] = spec
        _ENGINES[d] = eng
        return eng


def raised(result) -> str | None:
    """The exception message of one ExpectationValidationResult, or None when it ran."""
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for v in info.values():
        if isinstance(v, dict) and v.get("raised_exception"):
            return str(v.get("exception_message"))
    return None
