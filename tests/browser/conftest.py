"""Browser fixtures: a live server on a free loopback port, Debian's Chromium through Playwright, axe-core.

Nothing is downloaded: Chromium is /usr/bin/chromium (skipped with a reason where it is missing, a
failure in CI) and axe-core is vendored in tests/browser/vendor/.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import service_unavailable

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(os.environ.get("LMS_SCREENSHOTS", "/tmp/shots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(scope="module")
def live_server(app) -> Iterator[str]:
    """The test app served by werkzeug in a thread on 127.0.0.1 and a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        service_unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        service_unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium):
    """new_page('phone' | 'desktop', javascript=True) → a page in a fresh context (own cookies).

    CSP is bypassed only so that the test can inject axe-core; Lentera's pages carry no script of
    their own that would need it.
    """
    contexts = []

    def _open(viewport: str, *, javascript: bool = True):
        context = chromium.new_context(
            **VIEWPORTS[viewport], bypass_csp=True, java_script_enabled=javascript, locale="id-ID"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page; fail on any serious or critical violation, naming rule and elements."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe-core on {name} ({page.url}):\n" + json.dumps(bad, indent=2, ensure_ascii=False)


def screenshot(page, viewport: str, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{viewport}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visit(page, viewport: str, name: str) -> None:
    """Check the page as it is now: nothing wider than the screen, axe-core, and a screenshot."""
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport}"
    screenshot(page, viewport, name)
    check_accessibility(page, name)
