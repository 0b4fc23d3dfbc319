"""`flask users ...` and `flask setup`: accounts from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.accounts import csv_import, queries, services
from lms.accounts.models import ADMIN, PESERTA
from lms.accounts.nip import normalise_nip
from lms.errors import ValidationError
from lms.extensions import db

users_cli = AppGroup("users", help="Kelola akun pengguna.")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Periksa saja; tidak ada yang disimpan.")
@click.option(
    "--codes-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tulis kode aktivasi ke berkas CSV ini (bawaan: layar).",
)
def import_command(csv_file: Path, dry_run: bool, codes_out: Path | None) -> None:
    """Impor akun ASN dari CSV (kolom: nip, nama, email, opd, jabatan, peran)."""
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Berkas tidak dapat dibaca: {exc.strerror}") from None
    try:
        preview = csv_import.parse_import_csv(data, queries.existing_nips)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    if preview.errors:
        for line, message in preview.errors:
            click.echo(f"{csv_file}:{line}: {message}", err=True)
        raise click.ClickException(f"{len(preview.errors)} masalah ditemukan; tidak ada akun yang diimpor.")
    if dry_run:
        click.echo(f"OK: {len(preview.rows)} akun siap diimpor (uji coba, tidak ada yang disimpan).")
        return
    issued = csv_import.import_rows(preview.rows, actor=None)
    rows = [(i.user.nip, i.user.name, i.code, i.expires_on.isoformat()) for i in issued]
    body = csv_import.codes_csv(rows)
    if codes_out:
        try:
            codes_out.write_text(body, encoding="utf-8")
        except OSError as exc:
            db.session.rollback()
            raise click.ClickException(
                f"Berkas kode tidak dapat ditulis: {exc.strerror}; tidak ada yang diimpor."
            ) from None
    db.session.commit()
    if not codes_out:
        click.echo(body.lstrip("\ufeff"), nl=False)
    click.echo(f"{len(issued)} akun diimpor.", err=bool(not codes_out))


@users_cli.command("create-admin")
@click.option("--nip", required=True, help="NIP admin (18 digit).")
@click.option("--name", default="Administrator Lentera", show_default=True)
def create_admin_command(nip: str, name: str) -> None:
    """Buat akun admin; kata sandi dibaca dari prompt atau stdin."""
    if sys.stdin.isatty():
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = services.find_user_by_nip(normalise_nip(nip))
        if user is None:
            user = services.create_user(nip=nip, name=name, roles=(ADMIN, PESERTA), password=password)
        else:
            services.set_roles(user, user.roles | {ADMIN}, actor=user)
            services.change_password(user, password, current_password=None, require_current=False)
    except ValidationError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Admin {user.nip} siap.")


@users_cli.command("anonymise")
@click.argument("nip")
@click.option("--reason", required=True, help="Alasan penghapusan, misalnya nomor surat permohonan.")
@click.option("--actor-nip", required=True, help="NIP admin yang menjalankan penghapusan (dicatat di audit).")
def anonymise_command(nip: str, reason: str, actor_nip: str) -> None:
    """Hapus data pribadi akun nonaktif atas permintaan pemiliknya (UU PDP); tidak dapat dibatalkan."""
    user = services.find_user_by_nip(normalise_nip(nip))
    if user is None:
        raise click.ClickException(f"Akun dengan NIP {nip} tidak ditemukan.")
    actor = services.find_user_by_nip(normalise_nip(actor_nip))
    if actor is None or ADMIN not in actor.roles or not actor.is_active_account:
        raise click.ClickException(f"NIP {actor_nip} bukan akun admin yang aktif.")
    try:
        services.anonymise_user(user, actor=actor, reason=reason)
    except ValidationError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Data pribadi akun dihapus; akun kini tercatat sebagai {user.nip}.")


@click.command("setup")
def setup_command() -> None:
    """Isi data OPD awal dan buat admin pertama bila belum ada (aman dijalankan berulang)."""
    added = services.seed_opds()
    try:
        issued = services.ensure_first_admin(current_app.config["LMS_ADMIN_NIP"])
    except ValidationError as exc:
        db.session.rollback()
        raise click.ClickException(f"LMS_ADMIN_NIP tidak sah: {exc.message}") from None
    db.session.commit()
    if added:
        click.echo(f"{added} OPD ditambahkan.")
    if issued:
        click.echo("=" * 60)
        click.echo("Admin pertama dibuat. Catat sekarang — kata sandi ini hanya ditampilkan sekali:")
        click.echo(f"  NIP        : {issued.user.nip}")
        click.echo(f"  Kata sandi : {issued.code}")
        click.echo("Setelah login Anda akan diminta membuat kata sandi baru.")
        click.echo("=" * 60)
