"""`flask content check`, the trainers' command; `flask content sync` (a version per change) is lms/authoring/cli.py."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from lms.content.parse import check_tree, collect_warnings, summarise

content_cli = AppGroup("content", help="Periksa dan muat modul Markdown.")


def check_and_print(path: str | None):
    """Check the tree and print every error, then every warning, one `file:line: message` per line."""
    target = path or current_app.config["CONTENT_DIR"]
    modules, errors = check_tree(target)
    for error in errors:
        click.echo(str(error), err=False)
    warnings = collect_warnings(modules)
    for warning in warnings:
        click.echo(str(warning), err=False)
    return target, modules, errors, warnings


def echo_warning_count(warnings: list) -> None:
    if warnings:
        click.echo(f"{len(warnings)} peringatan: modul tetap dapat dimuat, tetapi sebaiknya diperbaiki.")


@content_cli.command("check")
@click.argument("path", required=False)
def check_command(path: str | None) -> None:
    """Periksa folder konten (atau satu folder modul) dan laporkan setiap kesalahan dan peringatan dengan baris.

    Kesalahan menggagalkan pemeriksaan (kode keluar 1); peringatan saja tidak (kode keluar 0).
    """
    _, modules, errors, warnings = check_and_print(path)
    if errors:
        click.echo(f"{len(errors)} kesalahan ditemukan.", err=True)
        sys.exit(1)
    click.echo(summarise(modules).ok_line())
    echo_warning_count(warnings)
