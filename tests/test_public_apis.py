"""No private part of another library is used, and no other library is patched (issue 12).

The test parses every module under ``lib/`` and follows what each name is bound to: a name imported from a
third-party package, or an object made by calling, subclassing or attribute access on one. It fails on

- reading, calling or assigning an attribute whose name starts with ``_`` (but not a dunder such as
  ``__name__``) on anything reached from a third-party import, ``self`` of a class that subclasses a third-party
  class included;
- importing a ``_private`` name or module from a third-party package (``from zipfile import _EndRecData``,
  ``import xlsxwriter._x``);
- assigning an attribute of a third-party module, class or object reached from one (monkeypatching).

There is no allow-list: our own modules (``netmedia.*``) may use their own underscore names; nobody else's.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from netmedia import paths

LIB = paths.PACKAGE_DIR
FIRST_PARTY = {"netmedia"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _third_party(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] not in FIRST_PARTY and not module.startswith(".")


class _Scan(ast.NodeVisitor):
    """Collects uses of private attributes of third-party objects in one module."""

    def __init__(self, path: Path):
        self.path = path
        self.foreign: set[str] = set()  # names bound to third-party modules/objects
        self.imported: set[str] = set()  # names bound by importing from a third-party package
        self.problems: list[str] = []

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(LIB.parent)}:{getattr(node, 'lineno', 0)}"

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if _third_party(a.name):
                if any(_private(part) for part in a.name.split(".")):
                    self.problems.append(f"{self.where(node)} imports private module {a.name}")
                self.foreign.add((a.asname or a.name).split(".")[0])
                self.imported.add((a.asname or a.name).split(".")[0])
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and _third_party(node.module):
            if any(_private(part) for part in node.module.split(".")):
                self.problems.append(f"{self.where(node)} imports from private module {node.module}")
            for a in node.names:
                if _private(a.name):
                    self.problems.append(f"{self.where(node)} imports private name {node.module}.{a.name}")
                self.foreign.add(a.asname or a.name)
                self.imported.add(a.asname or a.name)
        self.generic_visit(node)

    def _reaches_foreign(self, node: ast.AST) -> bool:
        """The expression is built from a third-party name (``zipfile.ZipFile(f).x``, ``ws.y``…)."""
        while True:
            if isinstance(node, ast.Name):
                return node.id in self.foreign
            if isinstance(node, ast.Attribute | ast.Subscript):
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            else:
                return False

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = set(self.foreign)
        self.foreign.discard("self")
        if any(self._reaches_foreign(b) for b in node.bases):
            self.foreign.add("self")  # inside a subclass of a library class, self is the library's object
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and _private(item.name):
                    self.problems.append(f"{self.where(item)} overrides private method {item.name} of a library class")
        self.generic_visit(node)
        self.foreign = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._assigned(t)
        self._bind(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned(node.target)
        if node.value is not None:
            self._bind([node.target], node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assigned(node.target)
        self.generic_visit(node)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind([item.optional_vars], item.context_expr)
        self.generic_visit(node)

    def _bind(self, targets: list[ast.expr], value: ast.expr) -> None:
        if self._reaches_foreign(value):
            for t in targets:
                names = t.elts if isinstance(t, ast.Tuple | ast.List) else [t]
                self.foreign.update(n.id for n in names if isinstance(n, ast.Name))

    def _assigned(self, target: ast.expr) -> None:
        """Monkeypatching: an attribute of an imported module or class (``xlsxwriter.workbook.ZipFile = …``).

        Setting a public attribute of an object a library made (``df.index.name = …``) is ordinary use; a
        private one is caught by :meth:`visit_Attribute`."""
        if not isinstance(target, ast.Attribute):
            return
        base = target.value
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and base.id in self.imported:
            self.problems.append(f"{self.where(target)} assigns {ast.unparse(target)} on a library module or class")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _private(node.attr) and self._reaches_foreign(node.value):
            self.problems.append(f"{self.where(node)} uses private {ast.unparse(node)}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        # setattr(lib_obj, ...) / getattr(lib_obj, "_x") are the same thing spelt differently
        if isinstance(node.func, ast.Name) and node.func.id in {"setattr", "getattr", "delattr"} and node.args:
            target = node.args[0]
            name = node.args[1] if len(node.args) > 1 else None
            if self._reaches_foreign(target):
                if node.func.id != "getattr":
                    self.problems.append(f"{self.where(node)} {node.func.id} on a library object")
                elif isinstance(name, ast.Constant) and isinstance(name.value, str) and _private(name.value):
                    self.problems.append(f"{self.where(node)} getattr of private {name.value}")
        self.generic_visit(node)


def scan(path: Path) -> list[str]:
    s = _Scan(path)
    s.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return s.problems


def lib_modules() -> list[Path]:
    return sorted(LIB.rglob("*.py"))


def test_lib_uses_no_private_part_of_another_library() -> None:
    problems = [p for path in lib_modules() for p in scan(path)]
    assert not problems, "private parts of other libraries used:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, expected", [
    ("import zipfile\nzipfile.ZipFile('a')._didModify = True\n", "private"),
    ("import zipfile\nzipfile.ZipInfo.compress_type = 8\n", "assigns"),
    ("import zipfile\nz = zipfile.ZipFile('a')\nz._writecheck(1)\n", "private"),
    ("from xlsxwriter.worksheet import Worksheet\nclass W(Worksheet):\n    def _write_rows(self):\n        pass\n",
     "overrides private"),
    ("import xlsxwriter\nxlsxwriter.Workbook = object\n", "assigns"),
    ("from pypinyin.constants import RE_HANS\nimport great_expectations.validator.v1_validator as v\nv._x\n", "private"),
    ("from zipfile import _EndRecData\n", "private name"),
    ("import pandas as pd\nsetattr(pd, 'read_excel', None)\n", "setattr"),
    ("import zipfile\nwith zipfile.ZipFile('a') as z:\n    z._extract_member\n", "private"),
])
def test_the_scan_finds_each_kind_of_use(tmp_path: Path, source: str, expected: str) -> None:
    f = LIB / "_probe_never_written.py"  # a path under lib for the messages; the file is written to tmp
    probe = tmp_path / "m.py"
    probe.write_text(source)
    s = _Scan(f)
    s.visit(ast.parse(source))
    assert any(expected in p for p in s.problems), (source, s.problems)


@pytest.mark.parametrize("source", [
    "import zipfile\nz = zipfile.ZipFile('a')\nz.infolist()\n",
    "from netmedia.transform import normalize\nnormalize._vocab()\n",
    "class A:\n    def _x(self):\n        self._y = 1\n",
    "from xlsxwriter.worksheet import Worksheet\nclass W(Worksheet):\n    pass\nclass A:\n    def f(self):\n        self._y = 1\n",
    "import pandas as pd\ndf = pd.DataFrame()\ndf.index.name = 'unit'\n",
    "import pandas as pd\ndf = pd.DataFrame()\ndf.__class__\n",
])
def test_the_scan_lets_public_and_own_uses_pass(source: str) -> None:
    s = _Scan(LIB / "probe.py")
    s.visit(ast.parse(source))
    assert not s.problems


if __name__ == "__main__":  # list the uses: python tests/test_public_apis.py
    for path in lib_modules():
        for p in scan(path):
            print(p)
    sys.exit(0)
