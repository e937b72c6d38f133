"""Arrows point one way: blueprints -> services -> models, and the models need nothing above them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported(path):
    """Every module a file imports, at any depth (function-level imports too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("module", ["models.py", "clock.py"])
def test_the_models_import_no_services_or_blueprints(module):
    found = [name for name in _imported(ROOT / module) if name.split(".")[0] in {"services", "blueprints"}]
    assert not found, f"{module} imports {found}"


def test_services_never_import_blueprints():
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "services").rglob("*.py"))
        for name in _imported(path)
        if name.split(".")[0] == "blueprints"
    ]
    assert not found, found
