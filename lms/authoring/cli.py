"""`flask content sync`: check a content folder and load it, each change kept as a version (origin disk)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from lms.content.cli import check_and_print, echo_warning_count
from lms.extensions import db


@click.command("sync")
@click.argument("path", required=False)
@with_appcontext
@click.option("--force", is_flag=True, help="Muat juga modul yang sudah diubah di peramban (menimpa versinya).")
def sync_command(path: str | None, force: bool) -> None:
    """Periksa lalu muat modul ke basis data dalam satu transaksi; tidak ada yang berubah bila ada kesalahan.

    Modul yang sudah diubah di peramban sejak dimuat dari folder tidak dimuat (disebutkan berkas yang
    berbeda), kecuali dengan --force.
    """
    started = time.perf_counter()
    target, modules, errors, _ = check_and_print(path)
    if errors:
        click.echo(f"{len(errors)} kesalahan ditemukan; tidak ada yang dimuat.", err=True)
        sys.exit(1)
    # Syncing the whole content folder archives modules whose folder is gone; one module never does.
    whole_tree = path is None or len(modules) != 1 or not (Path(target) / "module.md").is_file()
    from lms.authoring.services import sync_from_disk  # Markdown and nh3: loaded by the command, never by a request

    try:
        result = sync_from_disk(modules, whole_tree=whole_tree, force=force)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        cause = getattr(exc, "orig", None) or exc
        raise click.ClickException(
            f"Gagal menyimpan ke basis data; tidak ada yang berubah. ({type(exc).__name__}: {cause})"
        ) from None
    from lms.content.parse import summarise

    report = result.report
    s = summarise(modules)
    click.echo(
        f"OK: {s.modules} modules, {s.lessons} lessons, {s.questions} questions — "
        f"{len(report.added)} baru, {len(report.updated)} diperbarui, {len(report.unchanged)} tetap, "
        f"{len(report.archived)} diarsipkan ({time.perf_counter() - started:.2f} detik)"
    )
    echo_warning_count(report.warnings)
    for slug, files in sorted(result.refused.items()):
        click.echo(
            f"{slug}: TIDAK dimuat — modul ini sudah diubah di peramban sejak dimuat dari folder; berkas yang "
            f"berbeda: {', '.join(files)}. Unduh versi terbarunya dari Lentera, atau jalankan ulang dengan "
            "--force untuk menimpanya dengan isi folder.",
            err=True,
        )
    if result.refused:
        sys.exit(1)
