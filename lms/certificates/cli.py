"""`flask certificates ...`: export PDFs to a ZIP, issue pending certificates, set an HR account's scope."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from lms.accounts import services as account_services
from lms.accounts.models import Opd
from lms.accounts.services import find_user_by_nip
from lms.certificates import queries, services
from lms.certificates.archive import write_zip
from lms.content.models import Module
from lms.extensions import db
from lms.params import parse_id

certificates_cli = AppGroup("certificates", help="Sertifikat: ekspor ZIP, penerbitan tertunda, cakupan akun HR.")


def _find_opd(value: str) -> Opd:
    opd_id = parse_id(value)
    opd = db.session.get(Opd, opd_id) if opd_id is not None else None
    opd = opd or db.session.scalar(select(Opd).where(func.lower(Opd.name) == " ".join(value.split()).lower()))
    if opd is None:
        raise click.ClickException(f"OPD {value!r} tidak ditemukan (gunakan nama lengkap atau nomor id-nya).")
    return opd


@certificates_cli.command("export")
@click.option("--opd", "opd_value", help="Nama atau id OPD (OPD peserta saat sertifikat terbit).")
@click.option("--module", "module_slug", help="Slug modul, misalnya literasi-digital.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Tahun selesai.")
@click.option("--status", type=click.Choice(sorted(queries.STATUS_FILTERS)), help="Hanya status ini.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(opd_value: str | None, module_slug: str | None, year: int | None, status: str | None, out: Path):
    """Write every matching certificate's PDF into OUT (a ZIP), with a progress bar.

    The file appears only when complete (written next to it, then renamed); nothing matching is an error.
    """
    opd_id = _find_opd(opd_value).id if opd_value else None
    module_id = None
    if module_slug:
        module_id = db.session.scalar(select(Module.id).where(Module.slug == module_slug))
        if module_id is None:
            raise click.ClickException(f"Modul {module_slug!r} tidak ditemukan.")
    filters = queries.CertificateFilters(opd_id=opd_id, module_id=module_id, year=year, status=status or "")
    total = queries.count_certificates(None, filters)
    if total == 0:
        raise click.ClickException("Tidak ada sertifikat yang cocok; berkas ZIP tidak dibuat.")
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as handle, click.progressbar(length=total, label="Menulis sertifikat") as bar:
            written = write_zip(queries.search_certificates(None, filters), handle, on_entry=lambda: bar.update(1))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"{written} sertifikat ditulis ke {out}.")


@certificates_cli.command("issue-missing")
def issue_missing_command():
    """Issue the certificates of completions that have none (after names were corrected)."""
    issued, refused = services.issue_missing()
    db.session.commit()
    for certificate in issued:
        click.echo(f"terbit: {certificate.number} · {certificate.nip} · {certificate.module_title}")
    for message in refused:
        click.echo(f"tertunda: {message}", err=True)
    click.echo(f"{len(issued)} sertifikat diterbitkan, {len(refused)} masih tertunda.")


@certificates_cli.command("hr-scope")
@click.argument("nip")
@click.option("--opd", "opd_value", help="Batasi akun HR ini ke satu OPD (nama atau id).")
@click.option("--city", is_flag=True, help="Jadikan akun HR ini berlaku untuk seluruh kota (BKPP).")
def hr_scope_command(nip: str, opd_value: str | None, city: bool):
    """Limit an HR account to one OPD's people and certificates, or make it city-wide."""
    if bool(opd_value) == bool(city):
        raise click.UsageError("Pilih salah satu: --opd NAMA atau --city.")
    user = find_user_by_nip("".join(nip.split()))
    if user is None:
        raise click.ClickException(f"Pengguna dengan NIP {nip} tidak ditemukan.")
    if not user.has_role("hr"):
        raise click.ClickException(f"{user.name} tidak memiliki peran HR; berikan perannya dulu di menu Pengguna.")
    opd = _find_opd(opd_value) if opd_value else None
    account_services.set_hr_scope(user, opd)
    db.session.commit()
    click.echo(f"{user.name}: HR untuk {opd.name if opd else 'seluruh kota'}.")
