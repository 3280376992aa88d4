"""Personal data never committed: data folders ignored, notebooks without outputs, the package not ignored."""

import json
import shutil
import subprocess
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
