"""Arrows point one way: blueprints -> web/services -> models, and nothing imports in a circle:
no module, and no package of services/."""

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


# The packages of services/ in layers, bottom first (each top-level services/*.py module is a
# node of its own). A package imports only from its own layer or those below, and never in a
# circle. The README's layout section draws the same picture.
SERVICE_LAYERS = (
    # personal data, dates, links and signed tokens, a request's history, the queues' machinery
    {"privacy", "dates", "tokens", "links", "events", "queues"},
    {"mail"},  # the outbox, one function per email, reply addresses, per-mailbox limits
    {"accounts", "staff", "content", "reports"},
    {"community"},  # the platform connectors and provisioning
    {"membership"},  # a request's life: the state machine, screening, invitations, opt-outs
    {"inbound", "demo"},  # mail coming back lands on requests; demo seeds every package
    # what runs everything: the job registry, the worker, the schedules, the retention purge
    # (which reaches into every package), and the health and metrics that read the worker
    {"jobs", "health", "monitoring"},
)

def _package_graph(graph):
    """Who imports whom among services/ packages (and top-level services modules), from the
    module graph; an arrow within one package is no arrow."""
    def node(module):
        parts = module.split(".")
        return parts[1] if parts[0] == "services" and len(parts) > 1 else None

    packages = {}
    for module, imported in graph.items():
        if node(module) is None:
            continue
        arrows = packages.setdefault(node(module), set())
        arrows.update(node(other) for other in imported if node(other) not in {None, node(module)})
    return {package: sorted(arrows) for package, arrows in packages.items()}


def test_services_packages_import_one_another_without_cycles():
    cycle = _cycle(_package_graph(_graph()))
    assert cycle is None, " -> ".join(cycle)


def test_services_packages_import_only_their_layer_or_below():
    layer_of = {package: n for n, layer in enumerate(SERVICE_LAYERS) for package in layer}
    graph = _package_graph(_graph())
    assert set(graph) <= set(layer_of), f"place these in SERVICE_LAYERS: {set(graph) - set(layer_of)}"
    upward = [
        f"{package} -> {other}"
        for package, arrows in sorted(graph.items())
        for other in arrows
        if layer_of[other] > layer_of[package]
    ]
    assert not upward, upward


def test_the_cycle_finder_finds_a_package_cycle():
    # No module cycle, but a package one: a.x -> b.y and b.z -> a.w.
    modules = {"services.a.x": ["services.b.y"], "services.b.y": [], "services.b.z": ["services.a.w"],
               "services.a.w": [], "services.c": ["services.a.x"], "web.v": ["services.c"]}
    assert _cycle(modules) is None
    assert _package_graph(modules) == {"a": ["b"], "b": ["a"], "c": ["a"]}
    assert _cycle(_package_graph(modules)) == ["a", "b", "a"]


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
