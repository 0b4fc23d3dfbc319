"""The database briefly out of reach: friendly 503 pages, /healthz 503, and recovery without a restart.

On SQLite "busy" never becomes a 500: writers wait on busy_timeout, and only a lock held longer than
that turns into the 503 page. On PostgreSQL the test's own database refuses connections for a while.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms.extensions import db
from tests.conftest import Browser, create_user
from tests.ops.conftest import admin_url, dispose, make_app

UNAVAILABLE_TITLE = "Layanan sedang tidak tersedia"
# Logged-in pages that need the database (the user is loaded from it on every request).
PAGES = ["/", "/akun", "/akun/kata-sandi"]


def logged_in(app: Flask) -> tuple[Browser, str]:
    with app.app_context():
        nip = create_user().nip
    browser = Browser(app.test_client())
    assert browser.login(nip).status_code == 302
    return browser, nip


def assert_unavailable(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:300]
    assert UNAVAILABLE_TITLE in body
    assert "/static/css/lentera.css" in body  # the friendly page in its layout, not the bare fallback
    assert "Traceback" not in body
    assert response.headers.get("Retry-After") == "5"


def assert_health(app: Flask, status: int) -> None:
    """/healthz as a load balancer sees it: no cookie, JSON."""
    health = app.test_client().get("/healthz")
    assert health.status_code == status
    assert health.get_json()["database"] == ("ok" if status == 200 else "error")


def assert_available(browser: Browser) -> None:
    for url in PAGES:
        response = browser.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
    assert_health(browser.client.application, 200)


def sqlite_path(app: Flask) -> Path:
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


class HeldWriteLock:
    """Another process's write transaction on the SQLite file (a long import, a maintenance job)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def __enter__(self) -> HeldWriteLock:
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")


# --- SQLite -----------------------------------------------------------------------------------------


def test_sqlite_writer_waits_for_a_short_lock_instead_of_failing(sqlite_file_app):
    app = sqlite_file_app(SQLITE_BUSY_TIMEOUT_MS=5000)
    with app.app_context():
        nip = create_user().nip
    browser = Browser(app.test_client())
    lock = HeldWriteLock(sqlite_path(app))
    with lock:
        threading.Timer(0.4, lock.release).start()
        started = time.monotonic()
        response = browser.login(nip)  # a login writes last_login_at: it must wait, then succeed
        waited = time.monotonic() - started
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert waited >= 0.3  # it really waited on the lock
    with app.app_context():
        from lms.accounts.models import User

        assert db.session.execute(db.select(User.last_login_at).filter_by(nip=nip)).scalar() is not None


def test_sqlite_lock_longer_than_busy_timeout_is_a_503_not_a_500_and_passes(sqlite_file_app):
    app = sqlite_file_app(SQLITE_BUSY_TIMEOUT_MS=200)
    browser, _nip = logged_in(app)
    with HeldWriteLock(sqlite_path(app)):
        # Reading pages go on in WAL mode; the write waits 200 ms, then gets the friendly page.
        assert browser.get("/akun").status_code == 200
        page = browser.get("/akun")
        token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = browser.client.post("/bahasa", data={"csrf_token": token, "lang": "en", "next": "/akun"})
        assert_unavailable(response)
    # The lock is gone: the same request now goes through, with no restart.
    response = browser.client.post("/bahasa", data={"csrf_token": token, "lang": "en", "next": "/akun"})
    assert response.status_code == 302
    assert_available(browser)


def test_sqlite_file_out_of_reach_then_back(sqlite_file_app, tmp_path):
    """The folder holding the file disappears (an unmounted disk) and comes back.

    An open SQLite connection keeps its file open, so only new connections notice; the test drops the
    pool first, as a restarted worker would start without one.
    """
    folder = tmp_path / "data"
    folder.mkdir()
    app = make_app(f"sqlite:///{folder / 'lms.sqlite'}")
    try:
        browser, _nip = logged_in(app)
        assert_available(browser)

        moved = tmp_path / "data-away"
        shutil.move(folder, moved)
        with app.app_context():
            db.engine.dispose()
        for url in PAGES:
            assert_unavailable(browser.get(url))
        assert_health(app, 503)

        shutil.move(moved, folder)
        assert_available(browser)  # the same session cookie works again
    finally:
        dispose(app)


# --- PostgreSQL -------------------------------------------------------------------------------------


class DatabaseGate:
    """Refuse and then allow connections to one PostgreSQL database (as a failover or restart would)."""

    def __init__(self, url: str, pg_url: str) -> None:
        self.name = make_url(url).database
        self.admin = create_engine(admin_url(pg_url), isolation_level="AUTOCOMMIT")

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": self.name}
            )

    def open(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))

    def dispose(self) -> None:
        self.admin.dispose()


@pytest.mark.postgres
def test_postgresql_unreachable_then_back(throwaway_pg, pg_url):
    app = make_app(throwaway_pg)
    gate = DatabaseGate(throwaway_pg, pg_url)
    try:
        browser, nip = logged_in(app)
        assert_available(browser)

        gate.close()
        try:
            for url in PAGES:
                assert_unavailable(browser.get(url))
            assert_health(app, 503)
            anonymous = Browser(app.test_client())
            assert_unavailable(anonymous.login(nip))
        finally:
            gate.open()

        assert_available(browser)  # no restart: the pool reconnects on its own
        assert Browser(app.test_client()).login(nip).status_code == 302
    finally:
        gate.dispose()
        dispose(app)
