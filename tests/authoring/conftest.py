"""Fixtures for authoring: a trainer, a kurator, a learner, and posting helpers."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Browser, extract_csrf


def post(browser: Browser, page_url: str, action: str, data: dict | None = None, **kwargs):
    """Post `data` to `action` with the CSRF token (and the draft revision) the page at `page_url` carries."""
    html = browser.get(page_url).get_data(as_text=True)
    payload = {"csrf_token": extract_csrf(html)}
    revision = re.search(r'name="revision" value="(\d+)"', html)
    if revision:
        payload["revision"] = revision.group(1)
    payload.update(data or {})
    return browser.client.post(action, data=payload, **kwargs)


@pytest.fixture
def trainer(login_as):
    return login_as("pelatih")


@pytest.fixture
def kurator(login_as):
    return login_as("kurator")
