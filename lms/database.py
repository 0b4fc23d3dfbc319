"""Declarative base with a constraint naming convention, UTC timestamps and SQLite tuning."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now in UTC; every stored timestamp is UTC."""
    return datetime.now(UTC)


class TZDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC on the way out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no zone: the value was stored in UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # PostgreSQL answers in the session's zone: one zone everywhere


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, nullable=False)


def mark_request_writes() -> None:
    """This read-method request is about to write: on SQLite, the next transaction takes the write lock.

    A read transaction may already be open (Flask-Login loads the user before the view runs); turning it
    into a write fails at once with SQLITE_BUSY_SNAPSHOT when another worker committed meanwhile, which
    busy_timeout cannot help. So, on SQLite, that read transaction is ended here — nothing was written, and
    loaded objects are kept as they are — and the next statement begins with BEGIN IMMEDIATE, waiting
    for the lock instead of failing.
    """
    g.lms_writes = True
    from lms.extensions import db

    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("mark_request_writes() must come before the request changes anything")
        previous, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = previous


def _transaction_writes() -> bool:
    if not has_request_context():
        return True  # CLI commands and scripts: assume a write
    return request.method not in READ_ONLY_METHODS or bool(g.get("lms_writes"))


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, enforced foreign keys, a busy timeout, and BEGIN IMMEDIATE for writing transactions.

    A deferred transaction that reads and then writes can fail at once with "database is locked"
    when another writer got in between; taking the lock at BEGIN makes it wait (busy_timeout) instead.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _transaction_writes() else "BEGIN")
