"""Find where our code reaches into another library's private names.

A name is private when it starts with an underscore and is not a dunder
(`_list`, `_get_current_object`, the mangled `_Limiter__release_context`). Found:

- imports of a private module or name from outside the project
  (`from flask_limiter._extension import X`, `from flask_limiter import _x`);
- attribute reads and writes `x._name` (and `getattr(x, "_name")` with its
  siblings, `monkeypatch.setattr(x, "_name", ...)`, `"_name" in x.__dict__`) where `_name` is not one of ours: either `x`
  comes from an import of another library (`request._get_current_object()`), or
  nothing in the project defines `_name` (a function, class, variable or an
  attribute set on `self`/`cls`), so it can only belong to a library's object.

The standard library counts as another library too. The check reads the source
(ast), so it costs no import and sees every file, scripts included.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", ".git", "node_modules", "__pycache__", "instance"}
# Directories whose scripts put the directory itself on sys.path (bench/speed.py
# imports `harness`): their entries are project modules too.
SCRIPT_DIRS = ("bench",)
# Functions that take (object, "attribute name"): the builtins, pytest's
# monkeypatch.setattr/delattr and unittest.mock's patch.object.
ATTRIBUTE_FUNCTIONS = {"getattr", "hasattr", "setattr", "delattr", "object"}


@dataclass(frozen=True)
class Access:
    path: str
    line: int
    what: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.what}"


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def project_files(root=ROOT):
    """Every .py file of the project, outside virtualenvs, caches and instance data."""
    for path in sorted(root.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            yield path


def project_roots(root=ROOT):
    """Top-level names an import of one of our own modules starts with."""
    roots = set()
    for directory in (root, *(root / name for name in SCRIPT_DIRS)):
        for entry in directory.iterdir():
            if entry.name in SKIPPED_DIRS:
                continue
            if entry.suffix == ".py":
                roots.add(entry.stem)
            elif entry.is_dir() and any(entry.rglob("*.py")):
                roots.add(entry.name)
    return roots


def defined_names(tree):
    """Private names the code in `tree` defines: functions, classes, variables, and
    attributes it sets on self or cls (with their mangled form inside a class)."""
    names = set()

    def visit(node, class_name):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                _add(names, child.name, class_name)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                _add(names, child.id, class_name)
            elif (isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Store)
                  and isinstance(child.value, ast.Name) and child.value.id in {"self", "cls"}):
                _add(names, child.attr, class_name)
            visit(child, child.name if isinstance(child, ast.ClassDef) else class_name)

    visit(tree, None)
    return names


def _add(names, name, class_name):
    if is_private(name):
        names.add(name)
        if class_name and name.startswith("__"):
            names.add(f"_{class_name.lstrip('_')}{name}")


def private_accesses(tree, path, ours, roots, allowed=frozenset()):
    """Every use of another library's private name in one parsed file.

    `ours`: the private names the project defines; `roots`: the top-level names of
    the project's modules; `allowed`: (module, name, attribute) triples let through.
    """
    imported = _imported_names(tree, roots)
    found = []

    def report(node, what):
        found.append(Access(path, node.lineno, what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in roots and _has_private_part(alias.name):
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".")[0] in roots:
                continue
            if _has_private_part(module):
                report(node, f"from {module} import ...")
            for alias in node.names:
                if is_private(alias.name):
                    report(node, f"from {module} import {alias.name}")
        else:
            for receiver, name in _attribute_uses(node):
                source = imported.get(_root_name(receiver))
                if source is not None and (*source, name) in allowed:
                    continue
                if source is not None or name not in ours:
                    report(node, f"{ast.unparse(receiver)}.{name}")
    return found


def _has_private_part(dotted):
    return any(is_private(part) for part in dotted.split("."))


def _imported_names(tree, roots):
    """{local name: (module, name)} for names this file imports from other libraries."""
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in roots:
                    local = alias.asname or alias.name.split(".")[0]
                    imported[local] = (alias.name, "")
        elif isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            if module.split(".")[0] not in roots:
                for alias in node.names:
                    imported[alias.asname or alias.name] = (module.split(".")[0], alias.name)
    return imported


def _attribute_uses(node):
    """(receiver, private name) pairs this one node makes, if any."""
    if isinstance(node, ast.Attribute) and is_private(node.attr):
        yield node.value, node.attr
    elif (isinstance(node, ast.Call) and _called_name(node.func) in ATTRIBUTE_FUNCTIONS
          and len(node.args) >= 2 and _private_string(node.args[1])):
        yield node.args[0], node.args[1].value
    elif (isinstance(node, ast.Compare) and _private_string(node.left)
          and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)):
        for container in node.comparators:
            if isinstance(container, ast.Attribute) and container.attr == "__dict__":
                yield container.value, node.left.value
    elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
          and node.value.attr == "__dict__" and _private_string(node.slice)):
        yield node.value.value, node.slice.value


def _called_name(func):
    """`getattr` for getattr(...), `setattr` for monkeypatch.setattr(...)."""
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _private_string(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and is_private(node.value)


def _root_name(node):
    """The name an expression such as `a.b().c[0]` starts from, or None."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None


def scan_project(root=ROOT, allowed=frozenset()):
    """Every use of another library's private name in the project's .py files."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
             for path in project_files(root)}
    ours = set().union(*(defined_names(tree) for tree in trees.values()))
    roots = project_roots(root)
    found = []
    for path, tree in trees.items():
        found += private_accesses(tree, str(path.relative_to(root)), ours, roots, allowed)
    return found
