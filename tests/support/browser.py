"""Browser tests' kit: Debian's Chromium driven by Playwright, pages checked with axe-core.

They skip, saying why, when Chromium is not installed, unless E2E=1, which makes
its absence a failure (CI sets it).
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def _chromium_available():
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.e2e)
        if not _chromium_available() and os.environ.get("E2E") != "1":
            item.add_marker(
                pytest.mark.skip(
                    reason=f"Chromium not found at {CHROMIUM}: apt-get install -y chromium "
                    "(set E2E=1 to make this a failure)"
                )
            )


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        pytest.fail(f"E2E=1 but Chromium is missing at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The test app served over HTTP on a free loopback port."""
    app.config["SITE_URL"] = "http://127.0.0.1"  # fixed below once the port is known
    with LiveServer(app) as server:
        app.config["SITE_URL"] = server.url
        yield server


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page at desktop width that fails the test on console errors."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def assert_accessible(page, label=""):
    """Run axe-core on the page; fail on serious or critical findings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in bad
    )
    assert not bad, f"axe-core found serious problems on {label or page.url}:\n{details}"


def assert_accessible_at_all_widths(page, label=""):
    """axe-core clean at desktop and at phone width."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"{label or page.url} at {size['width']}px")
    page.set_viewport_size(DESKTOP)
