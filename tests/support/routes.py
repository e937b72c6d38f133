"""Every route of the app, with sample values for its variables, for generic tests.

Tests that must cover routes added later (by any area) enumerate app.url_map
through these helpers instead of listing paths.
"""

import functools
import os
import re
import tempfile
from pathlib import Path

from werkzeug.routing import IntegerConverter, PathConverter, UUIDConverter

# A variable in a rule's path, as Werkzeug documents it: <name> or <converter(args):name>.
RULE_VARIABLE_RE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def sample_value(app, name, converter):
    """A plausible value for one URL variable (`converter` its class): a real FAQ slug
    where there is one."""
    if issubclass(converter, IntegerConverter):
        return 1
    if issubclass(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    if issubclass(converter, PathConverter):
        return "sample/path"
    if name == "slug":
        faq_dir = os.path.join(app.config["CONTENT_DIR"], "faq")
        if os.path.isdir(faq_dir):
            slugs = sorted(f[:-3] for f in os.listdir(faq_dir) if f.endswith(".md"))
            if slugs:
                return slugs[0]
    if name in {"token", "code"}:
        return "x" * 43
    return "sample"


def rule_variables(app, rule):
    """{name: converter class} of the rule's variables, read from its documented syntax."""
    converters = app.url_map.converters
    return {match["name"]: converters[match["converter"] or "default"]
            for match in RULE_VARIABLE_RE.finditer(rule.rule)}


def sample_path(app, rule):
    """The rule's path with every variable filled in."""
    values = {
        name: sample_value(app, name, converter)
        for name, converter in rule_variables(app, rule).items()
    }
    values.update(rule.defaults or {})
    return rule.build(values, append_unknown=False)[1]


def routes(app):
    """(rule, path) for every route but static files, in a stable order."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        found.append((rule, sample_path(app, rule)))
    return found


def route_id(rule):
    """A readable test id: 'GET,POST /join'."""
    return ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"})) + " " + rule.rule


@functools.cache
def collection_app():
    """An app built once at collection time, only to read its url_map."""
    from app import create_app
    from tests.support.database import base_test_config

    directory = Path(tempfile.mkdtemp(prefix="lobby-routes-"))
    return create_app(base_test_config(directory, "sqlite://"))
