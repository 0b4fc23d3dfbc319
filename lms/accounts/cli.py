"""`flask users ...` and `flask setup`: accounts from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from lms.accounts import csv_import, roster, services
from lms.accounts.models import ADMIN, PESERTA
from lms.accounts.nip import normalise_nip
from lms.errors import ValidationError
from lms.extensions import db

users_cli = AppGroup("users", help="Kelola akun pengguna.")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Periksa dan tampilkan rencana per orang; tidak ada yang disimpan.")
@click.option(
    "--full-roster",
    is_flag=True,
    help="Roster lengkap: nonaktifkan akun aktif di OPD dalam berkas yang tidak tercantum (bukan admin).",
)
@click.option("--yes", is_flag=True, help="Jangan tanya lagi sebelum menonaktifkan akun (untuk cron/skrip).")
@click.option(
    "--codes-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tulis kode aktivasi ke berkas CSV ini (bawaan: layar).",
)
@click.option(
    "--codes",
    "delivery",
    type=click.Choice(services.CODE_DELIVERIES),
    default="show",
    show_default=True,
    help="Kode aktivasi akun baru: show (layar/--codes-out), email (dikirim; yang tanpa email ke layar), both.",
)
def import_command(
    csv_file: Path, dry_run: bool, full_roster: bool, yes: bool, codes_out: Path | None, delivery: str
) -> None:
    """Impor atau perbarui akun ASN dari CSV roster (kolom wajib: nip, nama, opd; lihat docs/cli.md)."""
    if delivery != "show" and not current_app.config.get("LMS_MAIL_ENABLED"):
        raise click.ClickException(
            "Email tidak aktif (LMS_MAIL_ENABLED=0, atau produksi tanpa MAIL_SERVER): pakai --codes show."
        )
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Berkas tidak dapat dibaca: {exc.strerror}") from None
    parsed = csv_import.parse_roster_csv(data)
    plan = roster.build_plan(parsed, actor=roster.actor_for(None), full_roster=full_roster)
    if plan.errors:
        for line, message in plan.errors:
            click.echo(f"{csv_file}:{line}: {message}", err=True)
        raise click.ClickException(f"{len(plan.errors)} masalah ditemukan; tidak ada akun yang diimpor.")
    summary = (
        f"{len(plan.creations)} akun baru, {len(plan.changes)} diperbarui, {plan.unchanged} tidak berubah, "
        f"{len(plan.deactivations)} dinonaktifkan, {len(plan.skipped)} dilewati (admin)"
    )
    if dry_run:
        for line in _plan_lines(plan):
            click.echo(line)
        click.echo(f"OK: {summary} (uji coba, tidak ada yang disimpan).")
        return
    if plan.deactivations and not yes:
        click.echo(f"{len(plan.deactivations)} akun akan dinonaktifkan (roster lengkap):", err=True)
        for d in plan.deactivations:
            click.echo(f"  {d.nip} {d.name} ({plan.opd_names.get(d.opd_id)})", err=True)
        if not click.confirm("Lanjutkan?", err=True):
            raise click.ClickException("Dibatalkan; tidak ada yang disimpan.")
    try:
        issued = roster.apply_plan(plan, actor=None)
    except (roster.RosterChanged, IntegrityError):
        db.session.rollback()
        raise click.ClickException(
            "Data akun berubah selama impor (diubah orang lain); tidak ada yang disimpan. Jalankan lagi."
        ) from None
    try:
        emailed, without = services.email_codes(issued) if delivery != "show" else ([], issued)
    except ValidationError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message} Tidak ada yang diimpor.") from None
    shown = issued if delivery != "email" else without
    rows = [(i.user.nip, i.user.name, i.code, i.expires_on.isoformat()) for i in shown]
    if codes_out:
        try:
            codes_out.write_text(csv_import.codes_csv(rows), encoding="utf-8")
        except OSError as exc:
            db.session.rollback()
            raise click.ClickException(
                f"Berkas kode tidak dapat ditulis: {exc.strerror}; tidak ada yang diimpor."
            ) from None
    db.session.commit()
    if rows and not codes_out:
        click.echo(csv_import.codes_csv(rows).lstrip("\ufeff"), nl=False)
    if delivery != "show":
        click.echo(
            f"{len(emailed)} kode aktivasi dikirim lewat email (kotak keluar); "
            f"{len(without)} akun baru tanpa email"
            + (": serahkan kodenya (di atas atau di berkas kode)." if without and delivery == "email" else "."),
            err=True,
        )
    click.echo(f"{len(issued)} akun diimpor. {summary}.", err=bool(rows and not codes_out))


def _plan_lines(plan: roster.RosterPlan) -> list[str]:
    """The plan, one line per person: BARU, UBAH (field: old → new), NONAKTIF, LEWATI."""
    lines = [f"BARU     {c.nip} {c.name} ({plan.show('opd_id', c.opd_id)})" for c in plan.creations]
    for change in plan.changes:
        what = "; ".join(
            f"{roster.FIELD_LABELS[f]}: {plan.show(f, old)} → {plan.show(f, new)}" for f, old, new in change.changes
        )
        lines.append(f"UBAH     {change.nip} {change.name}: {what}")
    lines += [f"NONAKTIF {d.nip} {d.name} ({plan.show('opd_id', d.opd_id)})" for d in plan.deactivations]
    lines += [f"LEWATI   {nip} {name} (akun admin)" for _, nip, name in plan.skipped]
    return lines


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
            services.change_password(user, password, current_password=None, require_current=False, how="command")
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
