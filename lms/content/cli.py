"""`flask content check` and `flask content sync`: the trainers' commands."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from lms.content.parse import check_tree, collect_warnings, summarise
from lms.extensions import db

content_cli = AppGroup("content", help="Periksa dan muat modul Markdown.")


def _check(path: str | None):
    """Check the tree and print every error, then every warning, one `file:line: message` per line."""
    target = path or current_app.config["CONTENT_DIR"]
    modules, errors = check_tree(target)
    for error in errors:
        click.echo(str(error), err=False)
    warnings = collect_warnings(modules)
    for warning in warnings:
        click.echo(str(warning), err=False)
    return target, modules, errors, warnings


def _echo_warning_count(warnings: list) -> None:
    if warnings:
        click.echo(f"{len(warnings)} peringatan: modul tetap dapat dimuat, tetapi sebaiknya diperbaiki.")


@content_cli.command("check")
@click.argument("path", required=False)
def check_command(path: str | None) -> None:
    """Periksa folder konten (atau satu folder modul) dan laporkan setiap kesalahan dan peringatan dengan baris.

    Kesalahan menggagalkan pemeriksaan (kode keluar 1); peringatan saja tidak (kode keluar 0).
    """
    _, modules, errors, warnings = _check(path)
    if errors:
        click.echo(f"{len(errors)} kesalahan ditemukan.", err=True)
        sys.exit(1)
    click.echo(summarise(modules).ok_line())
    _echo_warning_count(warnings)


@content_cli.command("sync")
@click.argument("path", required=False)
def sync_command(path: str | None) -> None:
    """Periksa lalu muat modul ke basis data dalam satu transaksi; tidak ada yang berubah bila ada kesalahan."""
    started = time.perf_counter()
    target, modules, errors, warnings = _check(path)
    if errors:
        click.echo(f"{len(errors)} kesalahan ditemukan; tidak ada yang dimuat.", err=True)
        sys.exit(1)
    # Syncing the whole content folder archives modules whose folder is gone; one module never does.
    whole_tree = path is None or len(modules) != 1 or not _is_single_module(target)
    from lms.content.services import sync_modules  # Markdown and nh3: loaded by the command, never by a request

    try:
        report = sync_modules(modules, archive_missing=whole_tree)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        cause = getattr(exc, "orig", None) or exc
        raise click.ClickException(
            f"Gagal menyimpan ke basis data; tidak ada yang berubah. ({type(exc).__name__}: {cause})"
        ) from None
    s = summarise(modules)
    click.echo(
        f"OK: {s.modules} modules, {s.lessons} lessons, {s.questions} questions — "
        f"{len(report.added)} baru, {len(report.updated)} diperbarui, {len(report.unchanged)} tetap, "
        f"{len(report.archived)} diarsipkan ({time.perf_counter() - started:.2f} detik)"
    )
    _echo_warning_count(report.warnings)


def _is_single_module(target: str) -> bool:
    from pathlib import Path

    return (Path(target) / "module.md").is_file()
