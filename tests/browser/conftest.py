"""Browser fixtures: a live server on a free loopback port, Debian's Chromium through Playwright, axe-core,
and the checks every page must pass (`page_problems`, `visit`).

Nothing is downloaded: Chromium is /usr/bin/chromium (skipped with a reason where it is missing, a
failure in CI) and axe-core is vendored in tests/browser/vendor/.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD, service_unavailable

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
        "viewport": {"width": 360, "height": 800},
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

    CSP is bypassed only so that the test can inject axe-core (into every page of the context); Lentera's
    pages carry no script of their own that would need it.
    """
    contexts = []

    def _open(viewport: str, *, javascript: bool = True):
        context = chromium.new_context(
            **VIEWPORTS[viewport], bypass_csp=True, java_script_enabled=javascript, locale="id-ID"
        )
        context.set_default_timeout(10_000)
        if javascript:
            # Loaded into every page once per context, rather than sent over for each check.
            context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


PHONE_WIDTH = VIEWPORTS["phone"]["viewport"]["width"]

#: Roles of form controls (as Chromium's accessibility tree names them) that must have a name.
CONTROL_ROLES = frozenset(
    {"button", "checkbox", "combobox", "listbox", "radio", "searchbox", "slider", "spinbutton", "switch", "textbox"}
)

_LAYOUT_JS = """() => {
    const root = document.documentElement;
    const counts = new Map();
    for (const el of document.querySelectorAll('[id]')) counts.set(el.id, (counts.get(el.id) || 0) + 1);
    const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const wide = [];
    if (root.scrollWidth > root.clientWidth) {
        // The innermost elements that reach past the right edge: the ones to fix.
        const past = el => el.getBoundingClientRect().right > root.clientWidth + 0.5;
        const clipped = el => {  // inside a box that scrolls or clips and itself fits
            for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
                if (getComputedStyle(box).overflowX !== 'visible' && !past(box)) return true;
            }
            return false;
        };
        for (const el of document.body.querySelectorAll('*')) {
            if (!past(el) || [...el.children].some(past) || clipped(el)) continue;
            wide.push(describe(el) + ' ends at ' + Math.round(el.getBoundingClientRect().right)
                + 'px: ' + (el.textContent || '').trim().slice(0, 60));
        }
    }
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
            duplicates: [...counts].filter(([, n]) => n > 1).map(([id, n]) => id + ' (' + n + '×)'),
            wide: wide.slice(0, 5)};
}"""


def layout_problems(page, max_width: int | None = None) -> list[str]:
    """Nothing wider than the screen (or `max_width`), and no `id` used twice."""
    found = page.evaluate(_LAYOUT_JS)
    limit = max_width if max_width is not None else found["clientWidth"]
    problems = []
    if found["scrollWidth"] > limit:
        problems.append(
            f"scrollWidth {found['scrollWidth']}px > {limit}px (scrolls sideways); widest: " + "; ".join(found["wide"])
        )
    if found["duplicates"]:
        problems.append("duplicate id: " + ", ".join(found["duplicates"]))
    return problems


def unnamed_controls(page) -> list[str]:
    """Form controls without an accessible name, as Chromium computes it (label, aria-*, text, title)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        problems = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in CONTROL_ROLES:
                continue
            if str(node.get("name", {}).get("value", "")).strip():
                continue
            element = "?"
            if "backendDOMNodeId" in node:
                described = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
                attributes = described.get("attributes", [])
                pairs = dict(zip(attributes[::2], attributes[1::2], strict=False))
                element = described["localName"] + "".join(
                    f'[{k}="{pairs[k]}"]' for k in ("id", "name", "type") if k in pairs
                )
            problems.append(f"{role} without an accessible name: {element}")
        return problems
    finally:
        cdp.detach()


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations, naming rule and elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    return [f"axe {v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}" for v in bad]


def page_problems(page, max_width: int | None = None) -> list[str]:
    """Every check a page must pass: width, unique ids, named form controls, axe-core."""
    return layout_problems(page, max_width) + unnamed_controls(page) + axe_violations(page)


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page; fail on any serious or critical violation, naming rule and elements."""
    bad = axe_violations(page)
    assert not bad, f"axe-core on {name} ({page.url}):\n" + "\n".join(bad)


def screenshot(page, viewport: str, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{viewport}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visit(page, viewport: str, name: str) -> None:
    """Check the page as it is now (`page_problems`) and take a screenshot."""
    page.wait_for_load_state()
    screenshot(page, viewport, name)
    problems = page_problems(page)
    assert not problems, f"{name} ({page.url}) at {viewport}:\n" + "\n".join(problems)


def log_in(page, base: str, nip: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi atau kode aktivasi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/beranda")


def log_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state()
