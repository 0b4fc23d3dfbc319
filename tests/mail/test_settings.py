"""Mail settings at start: production refuses mail on without an SMTP server, or says mail is off."""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig
from lms import create_app
from lms.extensions import db as _db

STRONG_KEY = secrets.token_urlsafe(48)
PUBLIC_URL = "https://lentera.semarangkota.go.id"
ROOT = Path(__file__).resolve().parents[2]


def production(tmp_path, **settings):
    attrs = {
        "SECRET_KEY": STRONG_KEY,
        "LMS_PUBLIC_URL": PUBLIC_URL,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        **settings,
    }
    return type("Prod", (ProductionConfig,), attrs)


def start(config):
    application = create_app(config)
    with application.app_context():
        _db.engine.dispose()
    return application


def test_production_refuses_mail_on_without_an_smtp_server(tmp_path):
    with pytest.raises(RuntimeError) as excinfo:
        create_app(production(tmp_path, LMS_MAIL_ENABLED=True, MAIL_SERVER=None, MAIL_DEFAULT_SENDER="a@b.id"))
    message = str(excinfo.value)
    assert message.startswith("Konfigurasi produksi ditolak: MAIL_SERVER kosong padahal email aktif")
    assert "LMS_MAIL_ENABLED=0" in message and "docs/deploy.md" in message  # says both ways out


def test_production_refuses_mail_without_a_sender_or_with_both_tls_kinds(tmp_path):
    settings = {"LMS_MAIL_ENABLED": True, "MAIL_SERVER": "smtp.semarangkota.go.id", "MAIL_DEFAULT_SENDER": None}
    with pytest.raises(RuntimeError, match="MAIL_DEFAULT_SENDER wajib diisi"):
        create_app(production(tmp_path, **settings))
    settings.update(MAIL_DEFAULT_SENDER="Lentera <lentera@semarangkota.go.id>", MAIL_USE_TLS=True, MAIL_USE_SSL=True)
    with pytest.raises(RuntimeError, match="MAIL_USE_TLS .*MAIL_USE_SSL"):
        create_app(production(tmp_path, **settings))


def test_production_starts_with_an_smtp_server(tmp_path):
    application = start(
        production(
            tmp_path,
            LMS_MAIL_ENABLED=True,
            MAIL_SERVER="smtp.semarangkota.go.id",
            MAIL_DEFAULT_SENDER="Lentera <lentera@semarangkota.go.id>",
        )
    )
    assert application.extensions["mail"].server == "smtp.semarangkota.go.id"


def test_production_without_mail_says_that_mail_is_off(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        application = start(production(tmp_path, LMS_MAIL_ENABLED=False, MAIL_SERVER=None))
    assert "e-mail is off" in caplog.text
    client = application.test_client()
    page = client.get("/lupa-kata-sandi", base_url="https://lentera.semarangkota.go.id").get_data(as_text=True)
    assert "tidak mengirim email" in page and 'name="nip"' not in page


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "False"), ({"MAIL_SERVER": "smtp.semarangkota.go.id"}, "True"), ({"LMS_MAIL_ENABLED": "1"}, "True")],
)
def test_production_turns_mail_on_when_a_server_is_named(environment, expected):
    """Read in a process of its own: the settings are read from the environment when config.py is imported."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAIL_SERVER", "LMS_MAIL_ENABLED")} | environment
    probe = "import config; print(config.ProductionConfig.LMS_MAIL_ENABLED)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected
