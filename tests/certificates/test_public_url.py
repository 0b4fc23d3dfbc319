"""The address in QR codes: LMS_PUBLIC_URL, or in development (unset) the address actually served.

Every certificate keeps the address it was issued with, so `PORT=8000 make run` must not issue QR codes
that lead to port 5000, where nothing runs; production refuses to start without a real address (see
tests/test_app.py).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from lms.certificates import services
from tests.certificates.factories import issued, make_asn
from tests.conftest import Browser, RequestIsolatedClient, create_user

ROOT = Path(__file__).resolve().parents[2]
SERVED = "http://127.0.0.1:8000"


def pdf_text(certificate) -> str:
    return " ".join(PdfReader(io.BytesIO(services.pdf_bytes(certificate))).pages[0].extract_text().split())


@pytest.fixture
def development(app, monkeypatch):
    """The test app as development runs it: no LMS_PUBLIC_URL configured."""
    monkeypatch.setitem(app.config, "LMS_PUBLIC_URL", None)
    return app


class ServedAt8000(RequestIsolatedClient):
    """A browser talking to `flask run --port 8000`: every request goes to http://127.0.0.1:8000."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", SERVED)
        return super().open(*args, **kwargs)


def test_development_issues_qr_codes_with_the_address_the_request_came_to(db, development):
    with development.test_request_context("/", base_url=SERVED):
        certificate = issued()
    assert f"{SERVED}/verifikasi/{certificate.verification_code}" in pdf_text(certificate)
    assert "127.0.0.1:5000" not in pdf_text(certificate)


def test_development_hr_pages_link_to_the_address_served(db, development, monkeypatch):
    certificate = issued()
    monkeypatch.setattr(development, "test_client_class", ServedAt8000)
    hr = create_user(roles=("hr",))
    browser = Browser(development.test_client())
    assert browser.login(hr.nip).status_code == 302
    expected = f"{SERVED}/verifikasi/{certificate.verification_code}"
    assert expected in browser.get(f"/hr/sertifikat/{certificate.id}").get_data(as_text=True)
    assert expected in browser.get("/hr/sertifikat?format=csv").get_data(as_text=True)


def test_development_outside_a_request_uses_flask_runs_default_address(db, development):
    certificate = issued()  # as `flask certificates issue-missing` would, with no request
    assert f"http://127.0.0.1:5000/verifikasi/{certificate.verification_code}" in pdf_text(certificate)


def test_a_configured_public_url_wins_over_the_address_served(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_PUBLIC_URL", "https://lentera.semarangkota.go.id/")
    with app.test_request_context("/", base_url=SERVED):
        certificate = issued(make_asn())
    text = pdf_text(certificate)
    assert f"https://lentera.semarangkota.go.id/verifikasi/{certificate.verification_code}" in text
    assert SERVED not in text


def test_development_has_no_fixed_public_url_by_default(tmp_path):
    """A fresh development app, configured only from the environment as `make run` starts it."""
    env = {key: value for key, value in os.environ.items() if key not in ("LMS_PUBLIC_URL", "LMS_ENV", "FLASK_DEBUG")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'dev.sqlite'}"
    script = (
        "import json\n"
        "from lms import create_app\n"
        "from lms.urls import public_url\n"
        "app = create_app()\n"
        "with app.test_request_context('/', base_url='http://127.0.0.1:8000'):\n"
        "    served = public_url()\n"
        "with app.app_context():\n"
        "    command_line = public_url()\n"
        "print(json.dumps([app.config['ENV_NAME'], app.config['LMS_PUBLIC_URL'], served, command_line]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "development",
        None,
        "http://127.0.0.1:8000",
        "http://127.0.0.1:5000",
    ]
