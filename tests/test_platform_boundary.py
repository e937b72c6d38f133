"""The platform stays behind its connector: one is built, and nobody else names the platform."""

import ast
import re
from pathlib import Path

from services import community
from tests.support.community_fixtures import set_platform
from tests.support.fake_circle import circle_config
from tests.support.fake_discourse import discourse_config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("app.py", "blueprints", "commands", "services", "web", "settings.py", "setting_checks.py")
# The settings declare and check the platform's settings; services/community is the connector.
MAY_NAME_THE_PLATFORM = ("settings.py", "setting_checks.py", "services/community/")
# A platform's name (not an SVG <circle> element) or the setting that picks it.
PLATFORM_NAME = re.compile(r"(?<![</\w])(circle|discourse)|COMMUNITY_PLATFORM", re.IGNORECASE)


def _files(*roots, suffixes=(".py",)):
    for root in roots:
        path = ROOT / root
        found = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in found:
            if file.is_file() and file.suffix in suffixes:
                yield file.relative_to(ROOT).as_posix(), file


def test_only_the_connector_names_the_platform():
    named = [
        f"{name}:{number}: {line.strip()}"
        for name, file in _files("templates", "blueprints", "services", "web",
                                 suffixes=(".py", ".html", ".txt"))
        if not name.startswith(MAY_NAME_THE_PLATFORM)
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1)
        if PLATFORM_NAME.search(line)
    ]
    assert named == [], "ask services.community.connector() instead:\n" + "\n".join(named)


def test_the_platform_name_check_sees_a_name():
    assert PLATFORM_NAME.search('{% if platform == "circle" %}')
    assert PLATFORM_NAME.search('config["COMMUNITY_PLATFORM"]')
    assert PLATFORM_NAME.search("config.DISCOURSE_URL")
    assert not PLATFORM_NAME.search('<circle class="ab-dot" cx="20"/>')


def _calls_of(function_name):
    for name, file in _files(*PRODUCTION):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                    node.func, "id", None)
                if called == function_name:
                    yield f"{name}:{node.lineno}"


def test_the_connector_is_built_in_one_place():
    calls = list(_calls_of("connector_for"))
    assert len(calls) == 1 and calls[0].startswith("services/community/__init__.py:"), calls
    assert "community.init_app(app)" in (ROOT / "app.py").read_text(encoding="utf-8")


def test_each_use_has_its_own_timeout_and_deadline(app, fake_circle):
    set_platform(app, circle_config(fake_circle, COMMUNITY_TIMEOUT=3, COMMUNITY_WORKER_TIMEOUT=30))
    with app.app_context():
        web, worker = community.connector(), community.connector(worker=True)
        assert (web.timeout, worker.timeout) == (3, 30)
        with web.attempt() as first, worker.attempt() as second:
            assert (first.seconds, second.seconds) == (3, 30)
        assert web is not community.connector()  # a view per use: calls are counted per use
        assert community.connector().api_url == fake_circle.url  # the settings, read once


def test_the_way_in_comes_from_the_connector(app, fake_circle, fake_discourse):
    with app.app_context():
        assert community.connector().way_in() == community.WayIn()  # no platform: nothing to add
        assert community.connector().redirect_target == app.config["COMMUNITY_URL"]
    set_platform(app, circle_config(fake_circle))
    with app.app_context():
        assert community.connector().way_in() == community.WayIn(
            new_account=True, password_emailed=True)
        assert community.connector().way_in(already_member=True) == community.WayIn(
            already_member=True)
    set_platform(app, discourse_config(fake_discourse))
    with app.app_context():
        connector = community.connector()
        assert connector.way_in(link=f"{fake_discourse.url}/invites/x") == community.WayIn(
            link=f"{fake_discourse.url}/invites/x")
        assert connector.redirect_target == fake_discourse.url
