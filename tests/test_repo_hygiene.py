"""Personal data never committed: data folders ignored, notebooks without outputs, the package not ignored.

And the notebooks are tests: plain `python -m pytest` (what `make test` and `.ci/run` call) runs them, and each
asserts its key figures against the files on disk.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netmedia import paths

ROOT = paths.ROOT
git = shutil.which("git")
pytestmark = pytest.mark.skipif(git is None or not (ROOT / ".git").exists(), reason="not a git checkout")


def _ignored(rel: str) -> bool:
    return subprocess.run([git, "check-ignore", "-q", rel], cwd=ROOT).returncode == 0


@pytest.mark.parametrize("folder", ["data_raw", "data_clean", "reports"])
def test_data_folders_are_ignored_but_their_readme_is_not(folder):
    assert _ignored(f"{folder}/备案信息汇总+水利学院.xlsx")
    assert _ignored(f"{folder}/sub/clean_tables.xlsx")
    assert not _ignored(f"{folder}/README.md")
    assert not _ignored(f"{folder}/.gitkeep")


def test_package_is_not_ignored():
    # the standard Python .gitignore ignores lib/: this project must not
    assert not _ignored("lib/netmedia/__init__.py")
    assert not _ignored("lib/netmedia/data/schema.toml")


def test_nothing_under_data_folders_is_tracked():
    tracked = subprocess.run([git, "ls-files", "data_raw", "data_clean", "reports"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(t).name in {"README.md", ".gitkeep"} for t in tracked), tracked


def test_committed_notebooks_carry_no_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for nb in notebooks:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, nb.name
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells), f"{nb.name}: no parameters cell"


def _code(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_every_notebook_asserts_against_the_files_on_disk():
    # without outputs nbval compares nothing: only a notebook's own asserts can fail it
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert any("assert " in src and "read_parquet(" in src for src in _code(nb)), f"{nb.name}: no assert cell"


@pytest.mark.slow
def test_plain_pytest_runs_the_notebooks():
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    ran = {line.split("::")[0] for line in collected.splitlines() if re.match(r"notebooks/.+\.ipynb::Cell \d+$", line)}
    assert ran == {f"notebooks/{nb.name}" for nb in (ROOT / "notebooks").glob("*.ipynb")}, collected[-2000:]
    assert re.search(r"^tests/test_repo_hygiene\.py::", collected, re.M)


def test_make_test_and_ci_run_call_plain_pytest():
    recipe = re.search(r"^test:.*\n\t(.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe and recipe.group(1).strip() == "$(BIN)/python -m pytest"
    assert re.search(r"^exec \.venv/bin/python -m pytest$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)
