"""`flask backup`: a consistent copy of a live SQLite database through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from lms import dates


class BackupError(Exception):
    """A backup that cannot be made; the message is for the operator (Bahasa Indonesia)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int


def default_backup_name(now: datetime | None = None) -> str:
    """'lentera-20270101-003000.sqlite': named by the office's clock (LMS_TIMEZONE), not the server's."""
    moment = dates.local_datetime(now) if now is not None else dates.now()
    return f"lentera-{moment.strftime('%Y%m%d-%H%M%S')}.sqlite"


def resolve_target(out: Path) -> Path:
    """OUT may be a file to create or an existing folder (a timestamped file is made inside it).

    Refuses to overwrite an existing file and a folder that does not exist.
    """
    if out.is_dir():
        out = out / default_backup_name()
    if out.exists():
        raise BackupError(f"Berkas tujuan sudah ada: {out}. Pilih nama lain atau hapus berkas itu dulu.")
    if not out.parent.is_dir():
        raise BackupError(f"Folder tujuan tidak ada: {out.parent}. Buat foldernya dulu (mkdir -p).")
    return out


def backup_sqlite(source: Path, out: Path, busy_timeout_ms: int = 15000) -> BackupResult:
    """Copy the database at `source` to `out` while it is in use, as one consistent snapshot.

    The copy is taken in a single backup step, so it holds one read snapshot: in WAL mode writers go on
    meanwhile and nothing restarts the copy. It is written next to `out` under a temporary name,
    switched to a single self-contained file (journal_mode=DELETE), checked, and only then renamed to
    `out`, so a failed backup never leaves a half-written file under the final name.
    Raises BackupError with a message for the operator.
    """
    if not source.is_file():
        raise BackupError(f"Basis data SQLite tidak ditemukan: {source}")
    target = resolve_target(out)
    partial = target.with_name(f".{target.name}.partial")
    try:
        src = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    except sqlite3.Error as exc:
        raise BackupError(f"Basis data tidak dapat dibuka: {source} ({exc})") from None
    try:
        try:
            dest = sqlite3.connect(partial)
        except sqlite3.Error as exc:
            raise BackupError(f"Berkas tujuan tidak dapat ditulis: {target} ({exc})") from None
        try:
            src.backup(dest)  # pages=-1: everything in one step, one snapshot
            dest.execute("PRAGMA journal_mode=DELETE")
            problems = dest.execute("PRAGMA quick_check").fetchone()[0]
            if problems != "ok":
                raise BackupError(f"Salinan tidak lolos pemeriksaan integritas: {problems}")
            tables = dest.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        except sqlite3.Error as exc:
            raise BackupError(f"Pencadangan gagal: {exc}") from None
        finally:
            dest.close()
        os.replace(partial, target)
    except (BackupError, OSError) as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupError(f"Berkas tujuan tidak dapat ditulis: {target} ({exc.strerror})") from None
        raise
    finally:
        src.close()
    return BackupResult(path=target, size_bytes=target.stat().st_size, tables=tables)


@click.command("backup")
@click.argument("out", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Cadangkan basis data SQLite ke OUT (berkas baru, atau folder: nama bercap waktu dibuat di dalamnya).

    Aman dijalankan saat aplikasi melayani pengguna. Untuk PostgreSQL gunakan pg_dump.
    """
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        click.echo(
            f"Basis data ini {url.get_backend_name()}, bukan SQLite: `flask backup` hanya untuk SQLite.\n"
            f"Untuk PostgreSQL gunakan pg_dump, misalnya:\n"
            f"  pg_dump --format=custom --file=lentera-$(date +%Y%m%d-%H%M).dump "
            f"--host={url.host or 'localhost'} --username={url.username or 'postgres'} {url.database or ''}\n"
            f"Lihat docs/deploy.md bagian Cadangan.",
            err=True,
        )
        sys.exit(1)
    if url.database in (None, "", ":memory:"):
        raise click.ClickException("Basis data SQLite ini ada di memori, tidak ada berkas untuk dicadangkan.")
    try:
        result = backup_sqlite(
            Path(url.database), out, busy_timeout_ms=current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000)
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Cadangan selesai: {result.path} ({result.size_bytes / 1024:.0f} KiB, {result.tables} tabel).")
