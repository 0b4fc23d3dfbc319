"""Fixtures: an app on SQLite (or TEST_DATABASE_URL), a clean database per test, clients per role."""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from itertools import count

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from config import TestingConfig
from lms import create_app
from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db as _db
from lms.extensions import limiter

TEST_PASSWORD = "Pelatihan-Aman-2026"
# In CI (LMS_REQUIRE_SERVICES=1) a missing PostgreSQL, Redis or Chromium fails the run instead of skipping.
REQUIRE_SERVICES = os.environ.get("LMS_REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_seq = count(1)


def service_unavailable(reason: str) -> None:
    """Skip with a clear reason on a developer's machine; fail in CI, where every service must run."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (LMS_REQUIRE_SERVICES=1: CI must not skip this)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class RequestIsolatedClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as it does in production.

    A test that holds an app context open (the `db` fixture) makes Flask reuse that context for the
    requests it sends, and with it `g`: Flask-Login's cached user, Flask-WTF's CSRF token and
    "already validated" flag, Flask-Babel's locale would leak from one request, and one client, to
    the next. The database session stays shared, so the test sees what the requests wrote.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _clock() -> Iterator[None]:
    """LMS_TEST_NOW=2026-12-31T17:30:00+00:00 runs the suite as if started at that moment (the clock then
    ticks on): it must pass at any hour, e.g. at 00:30 WIB on 1 January, when UTC is still in the old year.
    Processes the tests start (servers of tests/ops) keep the real clock."""
    moment = os.environ.get("LMS_TEST_NOW")
    if not moment:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.fromisoformat(moment), tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Hash with a low scrypt cost: full cost takes ~70 ms and the suite hashes hundreds of passwords.

    Verification reads the cost from the stored hash, so only the speed changes, not the behaviour.
    """
    fast = partial(generate_password_hash, method="scrypt:1024:8:1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "generate_password_hash", fast)
        patch.setattr(services, "_DUMMY_HASH", fast("lentera-dummy-password"))
        yield


@pytest.fixture(scope="session")
def app(database_url):
    """The app on its own database; on PostgreSQL in a schema of its own, so runs never collide."""
    schema = None
    engine_options = dict(TestingConfig.SQLALCHEMY_ENGINE_OPTIONS)
    if database_url.startswith("postgresql"):
        _drop_stale_schemas(database_url)
        schema = f"pytest_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _run_pg(database_url, f"CREATE SCHEMA {schema}")
        engine_options["connect_args"] = {"options": f"-csearch_path={schema}"}

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = engine_options

    application = create_app(Config)
    application.test_client_class = RequestIsolatedClient
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if schema:
        _run_pg(database_url, f"DROP SCHEMA {schema} CASCADE")


def _drop_stale_schemas(url: str) -> None:
    """Schemas left by runs that were killed (their process is gone) are dropped."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        names = [row[0] for row in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pytest_%'")]
        for name in names:
            pid = name.split("_")[1]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _run_pg(url: str, statement: str) -> None:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(autouse=True)
def _clean_state(request) -> Iterator[None]:
    """Every test starts from empty tables and fresh rate limits; a test without the app has nothing to clean.

    DELETE in dependency order rather than TRUNCATE: on PostgreSQL a TRUNCATE of every table costs
    ~0.4 s, twenty times a DELETE of the few rows a test writes.
    """
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is None:
        return
    with app.app_context():
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()
    reset_login_counters(app)


def reset_login_counters(app) -> None:
    """Forget the login throttle's counters, as when their window has passed."""
    from lms.accounts import throttle

    throttle.reset(app)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_nip(seq: int | None = None, *, pppk: bool = False, gender: str = "1") -> str:
    """A valid NIP, different on every call: birth 1980-1999, TMT 2005-2020."""
    n = seq if seq is not None else next(_seq)
    birth = f"{1980 + n % 20}{1 + n % 12:02d}{1 + n % 28:02d}"
    start = f"{2005 + n % 15}{'21' if pppk else f'{1 + (n // 12) % 12:02d}'}"
    return f"{birth}{start}{gender}{n % 1000:03d}"


def create_user(roles=("peserta",), password: str | None = TEST_PASSWORD, **fields) -> User:
    """Create and commit a user (inside an app context); returns it with a known password."""
    fields.setdefault("nip", make_nip())
    fields.setdefault("name", f"Peserta Uji {fields['nip'][-3:]}")
    user = services.create_user(roles=roles, password=password, **fields)
    _db.session.commit()
    return user


def extract_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that reads the CSRF token from the page before posting, like a browser."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post_form(self, page_url: str, data: dict, action: str | None = None, **kwargs):
        page = self.client.get(page_url)
        payload = {"csrf_token": extract_csrf(page.get_data(as_text=True)), **data}
        return self.client.post(action or page_url, data=payload, **kwargs)

    def login(self, nip: str, password: str = TEST_PASSWORD, **kwargs):
        return self.post_form("/login", {"nip": nip, "password": password}, **kwargs)

    def logout(self):
        return self.post_form("/akun", {}, action="/logout")


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def login_as(app, db):
    """login_as('admin') → a logged-in Browser for a fresh user holding that role."""

    def _login(*roles: str, **fields) -> tuple[Browser, User]:
        user = create_user(roles=roles or ("peserta",), **fields)
        b = Browser(app.test_client())
        response = b.login(user.nip)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return b, user

    return _login


@pytest.fixture
def pg_url() -> str:
    """A reachable PostgreSQL URL, or a clear skip (a failure in CI)."""
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL is not reachable at 127.0.0.1:5432")
    return PG_URL


@pytest.fixture
def redis_url() -> str:
    if not port_open("127.0.0.1", 6379):
        service_unavailable("Redis is not reachable at 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/15"
