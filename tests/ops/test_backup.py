"""`flask backup`: a consistent copy of a live SQLite database, clear messages when it cannot be made."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from lms.accounts.models import Opd
from lms.extensions import db
from tests.conftest import create_user


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_backup_of_a_live_database_while_it_is_written(sqlite_file_app, tmp_path):
    app = sqlite_file_app()
    with app.app_context():
        for n in range(20):
            create_user(name=f"Peserta Cadangan {n}")
    source = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))

    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        with app.app_context():
            n = 0
            while not stop.is_set():
                db.session.add(Opd(name=f"OPD tulis {n}"))
                db.session.commit()
                written.append(n)
                n += 1
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:  # the writer is really going before the copy starts
            time.sleep(0.01)
        before = len(written)
        out = tmp_path / "cadangan.sqlite"
        result = app.test_cli_runner().invoke(args=["backup", str(out)])
        after = len(written)
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()

    assert result.exit_code == 0, result.output
    assert "Cadangan selesai" in result.output
    assert out.is_file() and not list(tmp_path.glob(".*.partial"))
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert _count(out, "users") == 20
    # One snapshot taken while the writer ran: everything committed before it started, nothing torn.
    assert before <= _count(out, "opd") <= after + 1
    assert _count(source, "opd") == len(written)  # the writer was never blocked into failing


def test_backup_into_a_folder_makes_a_timestamped_file(sqlite_file_app, tmp_path):
    app = sqlite_file_app()
    with app.app_context():
        create_user()
    folder = tmp_path / "cadangan"
    folder.mkdir()
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    [made] = folder.glob("lentera-*.sqlite")
    assert _count(made, "users") == 1


def test_backup_refuses_a_missing_folder_and_an_existing_file(sqlite_file_app, tmp_path):
    runner = sqlite_file_app().test_cli_runner()

    missing = runner.invoke(args=["backup", str(tmp_path / "tidak-ada" / "x.sqlite")])
    assert missing.exit_code == 1
    assert "Folder tujuan tidak ada" in missing.output
    assert isinstance(missing.exception, SystemExit)  # a clean exit with a message, no traceback

    existing = tmp_path / "sudah-ada.sqlite"
    existing.write_bytes(b"jangan ditimpa")
    refused = runner.invoke(args=["backup", str(existing)])
    assert refused.exit_code == 1
    assert "sudah ada" in refused.output
    assert existing.read_bytes() == b"jangan ditimpa"


def test_backup_on_postgresql_points_to_pg_dump():
    """No connection is needed to know that: the URL says it."""
    from config import TestingConfig
    from lms import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://lentera@db.example:5432/lentera"

    result = create_app(Config).test_cli_runner().invoke(args=["backup", "/tmp/x.sqlite"])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert "Traceback" not in result.output


def test_backup_of_an_in_memory_database_is_refused():
    from config import TestingConfig
    from lms import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    result = create_app(Config).test_cli_runner().invoke(args=["backup", "/tmp/x.sqlite"])
    assert result.exit_code == 1
    assert "memori" in result.output
