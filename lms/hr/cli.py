"""`flask reminders send`: queue the mandatory-module reminders and the HR weekly digest (hourly, cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from lms.extensions import db

reminders_cli = AppGroup("reminders", help="Pengingat modul wajib dan ringkasan mingguan HR.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Hitung saja apa yang akan dikirim; tidak ada yang disimpan.")
def send_command(dry_run: bool) -> None:
    """Queue the reminders and digests that are due now (safe to run every hour: never one twice)."""
    from lms.hr.reminders import send_reminders

    if not current_app.config.get("LMS_MAIL_ENABLED"):
        raise click.ClickException(
            "Email tidak aktif (LMS_MAIL_ENABLED=0, atau produksi tanpa MAIL_SERVER): tidak ada pengingat."
        )
    try:
        result = send_reminders(dry_run=dry_run, batch=None if dry_run else db.session.commit)
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
        click.echo(f"Uji coba: {result.summary()}. Tidak ada yang disimpan.")
        return
    db.session.commit()
    click.echo(f"Pengingat: {result.summary()}.")
    if result.no_address:
        click.echo(f"{result.no_address} peserta yang perlu diingatkan tidak punya alamat email.", err=True)
