"""The README's layout table matches the tree (issue 12): every stage package lists exactly its modules.

The table is the newcomer's map. A row whose path is a package folder (``lib/netmedia/extract/``…) names its
modules in backticks; this test reads those names and compares them with the ``.py`` files in the folder, so
a module added, removed or renamed without the README fails here. Every other path in the table must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from netmedia import paths

ROOT = paths.ROOT
ROW = re.compile(r"^\|\s*`(?P<path>[^`]+)`\s*\|(?P<what>.*)\|\s*$")
NAME = re.compile(r"`([a-z_][a-z0-9_]*)`")
NOT_LISTED = {"__init__", "__main__"}


def layout_rows() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return {m["path"]: m["what"] for line in section.splitlines() if (m := ROW.match(line))}


def modules_in(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.py")} - NOT_LISTED


def test_every_path_in_the_layout_table_exists() -> None:
    rows = layout_rows()
    assert len(rows) >= 8, rows
    missing = [p for p in rows if not (ROOT / p.rstrip("/")).exists()]
    assert not missing, f"README layout names paths that do not exist: {missing}"


def test_each_stage_package_lists_exactly_its_modules() -> None:
    rows = layout_rows()
    packages = ["lib/netmedia/"] + [f"lib/netmedia/{p.name}/" for p in sorted(paths.PACKAGE_DIR.iterdir())
                                    if (p / "__init__.py").exists()]
    for pkg in packages:
        assert pkg in rows, f"README layout has no row for {pkg}"
        listed = set(NAME.findall(rows[pkg]))
        actual = modules_in(ROOT / pkg)
        assert listed == actual, f"{pkg}: README lists {sorted(listed - actual)} not in the tree, " \
                                 f"and misses {sorted(actual - listed)}"


def test_the_stages_are_packages() -> None:
    for stage in ("extract", "transform", "validate", "report"):
        assert (paths.PACKAGE_DIR / stage / "__init__.py").exists(), stage
