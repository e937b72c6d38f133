"""Tests share helpers only through tests/support/, never by importing each other."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SHARED = "tests.support"


def _imports_from_tests(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            yield node.lineno, "." * node.level + (node.module or "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _borrowed(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for lineno, module in _imports_from_tests(tree):
        relative = module.startswith(".")
        if relative or module == "tests" or module.startswith("tests."):
            if not (module == SHARED or module.startswith(SHARED + ".")):
                yield f"{path.relative_to(TESTS.parent)}:{lineno} imports {module}"


@pytest.mark.parametrize(
    "path", sorted(TESTS.rglob("*.py")), ids=lambda p: str(p.relative_to(TESTS))
)
def test_a_test_module_imports_shared_helpers_only_from_tests_support(path):
    borrowed = list(_borrowed(path))
    assert not borrowed, "move what is shared into tests/support/:\n" + "\n".join(borrowed)
