"""Arrows point one way: blueprints -> web/services -> models, and nothing imports in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Our own code: every module outside tests, migrations, the bench and the virtualenv.
OWN_TOP = ("app", "clock", "db", "dev", "extensions", "gunicorn.conf", "settings", "wsgi")
OWN_PACKAGES = ("blueprints", "commands", "models", "services", "web")


def _imported(path):
    """Every module a file imports, at any depth (function-level imports too).

    `from a import b` names both `a` and `a.b`, since b may be a module.
    """
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _imported_names(path):
    """(module, name) of every `from module import name` in a file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield from ((node.module, alias.name) for alias in node.names)


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _own_modules():
    paths = [ROOT / f"{name}.py" for name in OWN_TOP]
    for package in OWN_PACKAGES:
        paths += sorted((ROOT / package).rglob("*.py"))
    return {_module_name(path): path for path in paths if path.exists()}


def _top(name):
    return name.split(".")[0]


# package -> the packages it must never import
FORBIDDEN = {
    "models": {"services", "web", "blueprints", "commands", "app"},
    "clock": {"services", "web", "blueprints", "commands", "app"},
    "services": {"web", "blueprints", "commands", "app"},
    "web": {"blueprints", "commands", "app"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_arrows_point_one_way(package):
    found = [
        f"{name}: {imported}"
        for name, path in _own_modules().items()
        if _top(name) == package
        for imported in _imported(path)
        if _top(imported) in FORBIDDEN[package]
    ]
    assert not found, found


def test_services_never_read_the_request_or_the_session():
    found = [
        f"{name}: {module}.{imported}"
        for name, path in _own_modules().items()
        if _top(name) == "services"
        for module, imported in _imported_names(path)
        if module == "flask" and imported in {"request", "session", "g"}
    ]
    found += [
        f"{name}: {imported}"
        for name, path in _own_modules().items()
        if _top(name) == "services"
        for imported in _imported(path)
        if imported in {"flask.request", "flask.session", "flask.g"}
    ]
    assert not found, found


def _graph():
    """Who imports whom among our modules.

    A module naming its own package is left out: that is Flask's blueprint idiom
    (`blueprints/<area>/__init__.py` makes `bp`, then imports its routes, which
    take `bp` from it), well defined because the package is already in sys.modules.
    """
    modules = _own_modules()
    return {
        name: sorted(
            imported
            for imported in set(_imported(path))
            if imported in modules and imported != name and not name.startswith(imported + ".")
        )
        for name, path in modules.items()
    }


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}  # module -> 1 while on the path, 2 when done

    def visit(node, path):
        state[node] = 1
        path.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None


def test_our_modules_import_one_another_without_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert _cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_no_module_outside_tests_is_over_300_lines():
    paths = list(_own_modules().values()) + sorted((ROOT / "bench").rglob("*.py"))
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for path in paths
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300
    ]
    assert not long, long


def test_only_db_py_knows_where_the_request_session_is_kept():
    """db.py keeps the request's session on g under a key of its own; everything else asks
    db.py (get_session, request_has_session, rollback_request_session)."""
    found = [
        str(path.relative_to(ROOT))
        for path in [*_own_modules().values(), *sorted((ROOT / "tests").rglob("*.py"))]
        if path.name != "db.py" and path != Path(__file__)
        and '"db_session"' in path.read_text(encoding="utf-8")
    ]
    assert found == []
