"""On a shared PC, the Back button after "Keluar" shows nothing private — with the browser's back/forward
cache switched on, as it is in every Chrome (Playwright switches it off unless told otherwise)."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS, log_in, log_out
from tests.certificates.factories import issued, make_asn, make_module
from tests.conftest import service_unavailable

pytestmark = pytest.mark.browser

# Records whether each shown page came from the back/forward cache (pageshow's `persisted`).
RECORD_RESTORES = """
window.addEventListener('pageshow', event => {
    if (event.persisted) document.documentElement.dataset.restored = 'yes';
});
"""


@pytest.fixture
def page_with_bfcache(live_server):
    if not os.access(CHROMIUM, os.X_OK):
        service_unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_default_args=["--disable-back-forward-cache"]
        )
        context = browser.new_context(**VIEWPORTS["desktop"], locale="id-ID")
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_RESTORES)
        try:
            yield context.new_page()
        finally:
            browser.close()


def go_back(page) -> None:
    """Back, as the button does; a page restored from the cache fires no "load", so wait for less."""
    page.go_back(wait_until="commit")
    page.wait_for_function("document.readyState === 'complete'")


def restored(page) -> bool:
    return page.evaluate("document.documentElement.dataset.restored === 'yes'")


@pytest.fixture
def learner(app):
    with app.app_context():
        user = make_asn(name="Sri Rahayu Wulandari")
        issued(user, make_module(title="Etika Digital bagi ASN"))
        return user.nip


def test_back_after_logout_shows_the_login_page_not_the_private_page(live_server, page_with_bfcache, learner):
    page, base = page_with_bfcache, live_server

    # The cache works in this browser: a public page comes back from it.
    page.goto(f"{base}/kebijakan-privasi")
    page.goto(f"{base}/login")
    go_back(page)
    assert page.url == f"{base}/kebijakan-privasi"
    assert restored(page), "the back/forward cache is off: this test would prove nothing"

    log_in(page, base, learner)
    page.goto(f"{base}/riwayat")
    assert page.get_by_text("Etika Digital bagi ASN").is_visible()
    log_out(page)

    go_back(page)
    assert not restored(page), "Riwayat was shown again from the back/forward cache after logging out"
    assert page.url.startswith(f"{base}/login")
    assert page.get_by_text("Etika Digital bagi ASN").count() == 0
    assert page.get_by_text("Sri Rahayu Wulandari").count() == 0
