"""`flask mail send` (one pass, for cron), `flask mail worker` (keeps sending) and `flask mail test`."""

from __future__ import annotations

import signal

import click
from flask import current_app
from flask.cli import AppGroup

from lms.extensions import db

mail_cli = AppGroup("mail", help="Kirim email dari kotak keluar.")


def _require_enabled() -> None:
    if not current_app.config.get("LMS_MAIL_ENABLED"):
        raise click.ClickException(
            "Email tidak aktif (LMS_MAIL_ENABLED=0, atau produksi tanpa MAIL_SERVER): tidak ada yang dikirim."
        )


@mail_cli.command("send")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=None, help="Paling banyak sekian pesan (bawaan MAIL_BATCH_SIZE)."
)
def send_command(limit: int | None) -> None:
    """Send the messages that are due, once, and exit (for cron)."""
    from lms.mail.sender import send_pass

    _require_enabled()
    result = send_pass(limit=limit)
    click.echo(f"Email: {result.summary()}.")
    for error in result.errors[:5]:
        click.echo(f"  {error}", err=True)
    if result.outage:
        raise SystemExit(75)  # EX_TEMPFAIL: cron's mail or the timer's status shows it; nothing is lost


@mail_cli.command("worker")
@click.option(
    "--interval",
    type=click.IntRange(1, 3600),
    default=None,
    help="Detik antara dua putaran (bawaan MAIL_WORKER_INTERVAL).",
)
def worker_command(interval: int | None) -> None:
    """Keep sending: a pass every few seconds until SIGTERM or Ctrl-C."""
    from lms.mail.sender import Worker

    _require_enabled()
    seconds = interval or current_app.config["MAIL_WORKER_INTERVAL"]
    worker = Worker(seconds, report=lambda result: click.echo(f"Email: {result.summary()}."))
    previous = {sig: signal.signal(sig, worker.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Pengirim email berjalan (setiap {seconds} detik); hentikan dengan Ctrl-C atau SIGTERM.")
    try:
        worker.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Pengirim email berhenti.")


@mail_cli.command("test")
@click.argument("address")
def test_command(address: str) -> None:
    """Queue a test message to ADDRESS (then `flask mail send` sends it): checks the SMTP setup."""
    from lms.dates import now
    from lms.errors import ValidationError
    from lms.mail.services import queue_mail

    _require_enabled()
    moment = now()
    try:
        message = queue_mail(
            to=address, template="test", context={"moment": moment}, event_key=f"test:{moment.isoformat()}"
        )
    except ValidationError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    if message is None:
        raise click.ClickException("Pesan uji yang sama sudah ada di kotak keluar.")
    click.echo(f"Pesan uji #{message.id} untuk {message.recipient} masuk kotak keluar; kirim dengan `flask mail send`.")
