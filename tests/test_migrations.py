"""`flask db upgrade` builds the schema from an empty database, on SQLite and on PostgreSQL, matching the models."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from config import TestingConfig
from lms import create_app
from lms.extensions import db


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """Alembic's env.py calls logging.config.fileConfig, which disables every existing logger; undo it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {
        name: (lg.disabled, lg.level)
        for name, lg in logging.Logger.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (disabled, lvl) in loggers.items():
        lg = logging.getLogger(name)
        lg.disabled, lg.level = disabled, lvl


def app_on(url: str):
    class MigrationConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_STORAGE_URI = "memory://"

    return create_app(MigrationConfig)


def schema_differences(application) -> list:
    """What `flask db migrate` would generate: nothing, when the migrations match the models."""
    migrate_args = application.extensions["migrate"].configure_args
    with application.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": migrate_args.get("compare_type", True)})
        return compare_metadata(context, db.metadata)


def upgrade_from_empty(application) -> None:
    runner = application.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)

    with application.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        assert "alembic_version" in tables
        script = ScriptDirectory.from_config(application.extensions["migrate"].migrate.get_config())
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        assert current == set(script.get_heads())
    assert schema_differences(application) == []

    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output + repr(check.exception)

    # running it again changes nothing
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output


def test_upgrade_from_an_empty_sqlite_database(tmp_path):
    path = tmp_path / "kosong.sqlite"
    application = app_on(f"sqlite:///{path}")
    try:
        upgrade_from_empty(application)
        with application.app_context():
            # the constraints the models name are really there
            checks = {c["name"] for c in inspect(db.engine).get_check_constraints("users")}
            assert {"ck_users_nip_length", "ck_users_employee_type"} <= checks
            uniques = {c["name"] for c in inspect(db.engine).get_unique_constraints("users")}
            assert "uq_users_nip" in uniques
    finally:
        with application.app_context():
            db.engine.dispose()


def test_downgrade_to_empty_and_up_again_on_sqlite(tmp_path):
    application = app_on(f"sqlite:///{tmp_path / 'naik-turun.sqlite'}")
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        down = runner.invoke(args=["db", "downgrade", "base"])
        assert down.exit_code == 0, down.output + repr(down.exception)
        with application.app_context():
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade_from_empty(application)
    finally:
        with application.app_context():
            db.engine.dispose()


def test_sqlite_upgrade_detects_a_model_the_migrations_lack(tmp_path):
    """The comparison above can fail: a table only in the models is reported."""
    from sqlalchemy import Column, Integer, MetaData, Table

    application = app_on(f"sqlite:///{tmp_path / 'kurang.sqlite'}")
    try:
        assert application.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        extra = MetaData()
        for table in db.metadata.tables.values():
            table.to_metadata(extra)
        Table("tabel_baru_tanpa_migrasi", extra, Column("id", Integer, primary_key=True))
        with application.app_context(), db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), extra)
        assert [d[0] for d in diffs] == ["add_table"]
    finally:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def empty_pg_database(pg_url) -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    url = make_url(pg_url)
    name = f"lentera_migrasi_{uuid.uuid4().hex[:10]}"
    admin_conninfo = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_upgrade_from_an_empty_postgresql_database(empty_pg_database):
    application = app_on(empty_pg_database)
    try:
        upgrade_from_empty(application)
        with application.app_context():
            checks = {c["name"] for c in inspect(db.engine).get_check_constraints("users")}
            assert {"ck_users_nip_length", "ck_users_employee_type"} <= checks
            foreign_keys = {fk["name"] for fk in inspect(db.engine).get_foreign_keys("user_roles")}
            assert "fk_user_roles_user_id_users" in foreign_keys
    finally:
        with application.app_context():
            db.engine.dispose()


@pytest.mark.postgres
def test_downgrade_to_empty_and_up_again_on_postgresql(empty_pg_database):
    application = app_on(empty_pg_database)
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        down = runner.invoke(args=["db", "downgrade", "base"])
        assert down.exit_code == 0, down.output + repr(down.exception)
        with application.app_context():
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade_from_empty(application)
    finally:
        with application.app_context():
            db.engine.dispose()


REBUILD_USERS = '''"""A later migration that rebuilds the users table, as SQLite batch migrations do."""
from alembic import op

revision = "9999_rebuild_users"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", recreate="always"):
        pass


def downgrade():
    pass
'''


def test_a_migration_that_rebuilds_a_table_on_sqlite_keeps_the_rows_that_point_at_it(tmp_path):
    """Rebuilding `users` drops the old table; with foreign keys on, ON DELETE CASCADE would empty
    user_roles. env.py turns them off while migrating, checks them after, and on again."""
    import shutil

    from flask_migrate import Migrate
    from sqlalchemy import func, select, text

    from lms.accounts.models import UserRole
    from tests.conftest import create_user

    directory = tmp_path / "migrations"
    shutil.copytree(Path(__file__).resolve().parents[1] / "migrations", directory)
    head = ScriptDirectory(str(directory)).get_current_head()
    (directory / "versions" / "9999_rebuild_users.py").write_text(REBUILD_USERS.format(head=head), encoding="utf-8")
    application = app_on(f"sqlite:///{tmp_path / 'bangun-ulang.sqlite'}")
    Migrate().init_app(application, db, directory=str(directory), render_as_batch=True, compare_type=True)
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", head]).exit_code == 0
        with application.app_context():
            create_user(roles=("peserta", "hr"))
            create_user(roles=("admin",))
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        with application.app_context():
            assert db.session.scalar(select(func.count()).select_from(UserRole)) == 3
            # and the app's connections enforce foreign keys again afterwards
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        with application.app_context():
            db.engine.dispose()
