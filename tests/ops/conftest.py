"""Fixtures for the operations tests: apps of their own on a file SQLite database or a throwaway PostgreSQL one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from lms import create_app
from lms.extensions import db


def make_app(url: str, **settings: Any) -> Flask:
    """An app of its own on `url` with its tables created (the session `app` fixture is left alone)."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    for name, value in settings.items():
        setattr(Config, name, value)
    app = create_app(Config)
    with app.app_context():
        db.create_all()
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_file_app(tmp_path) -> Iterator[Callable[..., Flask]]:
    """sqlite_file_app(**settings) → an app on a fresh SQLite file (WAL) under tmp_path."""
    apps: list[Flask] = []

    def _make(**settings: Any) -> Flask:
        app = make_app(f"sqlite:///{tmp_path / f'ops-{len(apps)}.sqlite'}", **settings)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        dispose(app)


def _drop_stale_databases(conn) -> None:
    """Databases left by runs that were killed (their process is gone) are dropped."""
    names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'lentera\\_ops\\_%'")).scalars()
    for name in list(names):
        pid = name.split("_")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def admin_url(pg_url: str) -> str:
    return make_url(pg_url).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture
def throwaway_pg(pg_url) -> Iterator[str]:
    """A PostgreSQL database made for this test and dropped after it (its URL)."""
    name = f"lentera_ops_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url(pg_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _drop_stale_databases(conn)
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - reported as a skip (a failure in CI)
        admin.dispose()
        from tests.conftest import service_unavailable

        service_unavailable(f"cannot create a throwaway PostgreSQL database: {exc}")
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
