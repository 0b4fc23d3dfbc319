"""Issuing, revoking and reissuing certificates, and HR scopes.

Each function adds/flushes in the caller's transaction and raises; the view or command commits once.
`issue_certificate` is the one place a certificate is created from a completion; it runs when
`module_completed` fires, inside the transaction that records the completion.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields as dataclass_fields
from datetime import datetime

from flask import current_app, flash, has_request_context
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import dates
from lms.accounts.models import User
from lms.accounts.personal_data import register_personal_data
from lms.accounts.services import record_audit
from lms.certificates.models import (
    JP_EFFECTS,
    REISSUED,
    REVOKE_CATEGORIES,
    REVOKED,
    VALID,
    VOIDS,
    Certificate,
    CertificateCounter,
    CertificateFile,
)
from lms.certificates.numbering import format_number, new_verification_code
from lms.certificates.pdf import CertificateSettings, CertificateSnapshot, check_printable, clean_text
from lms.certificates.pdf import render_certificate_pdf as _render
from lms.certificates.signing import SigningError, current_signer
from lms.content.models import Module
from lms.database import utcnow
from lms.errors import Conflict, ValidationError
from lms.extensions import db
from lms.learning.models import Completion
from lms.learning.services import void_completion
from lms.learning.signals import module_completed
from lms.urls import public_url

SNAPSHOT_FIELDS = frozenset(field.name for field in dataclass_fields(CertificateSnapshot))


def certificate_settings() -> CertificateSettings:
    """The LMS_CERT_* settings of the running app, with the public address of `public_url`."""
    return CertificateSettings.from_config(current_app.config, current_app.instance_path, public_url=public_url())


def _insert(model):
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL both do)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def take_number(year: int) -> int:
    """The next sequence number of `year`: no duplicates and no gaps, however many issue at once.

    The year's counter row is created when missing (a concurrent creator is ignored), then read with
    SELECT ... FOR UPDATE, so on PostgreSQL every other issuer waits on that row until this
    transaction commits or rolls back; SQLite runs writing transactions one at a time (BEGIN
    IMMEDIATE, see lms.database). A rolled-back issue rolls its increment back with it: no gap.
    """
    db.session.execute(
        _insert(CertificateCounter)
        .values(year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=[CertificateCounter.year])
    )
    counter = db.session.execute(
        select(CertificateCounter)
        .where(CertificateCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    counter.last_seq += 1
    db.session.flush()
    return counter.last_seq


def _identity(user: User) -> dict:
    """The learner's particulars as they are now, cleaned as they will be printed."""
    return {
        "name": clean_text(user.name),
        "nip": user.nip,
        "pangkat_golongan": clean_text(user.pangkat_golongan) or None,
        "jabatan": clean_text(user.jabatan) or None,
        "unit_kerja": clean_text(user.unit_kerja) or None,
        "opd": clean_text(user.opd.name) if user.opd else None,
        "opd_id": user.opd_id,
    }


def _store_pdf(certificate: Certificate, settings: CertificateSettings) -> None:
    """Render the PDF and, when a signing key is configured, sign it (once: this file is what is served),
    recording on the certificate when it was signed and by which signing certificate (both stay None
    when it is issued unsigned).

    Raises SigningError when the key cannot sign (it expired since the app started): the certificate
    is then not issued, rather than issued without the signature its office relies on.
    """
    signer = current_signer()
    data = _render(certificate.snapshot(), settings, signed=signer is not None)
    if signer is not None:
        signed_at = utcnow()
        data = signer.sign(
            data, reason=f"Penerbitan sertifikat pelatihan {certificate.number}", location=certificate.place
        )
        certificate.signed_at, certificate.signature_subject = signed_at, signer.subject[:200]
    certificate.file = CertificateFile(sha256=hashlib.sha256(data).hexdigest(), size=len(data), pdf=data)


def _new_certificate(
    *,
    completion: Completion,
    issue_no: int,
    identity: dict,
    facts: dict,
    issued_at: datetime,
    settings: CertificateSettings,
) -> Certificate:
    """Check the snapshot prints, take a number, add the certificate with its PDF (in a savepoint).

    Raises ValidationError (nothing written, no number taken) when a field holds characters the
    certificate fonts lack; SigningError (a ValidationError: likewise nothing written, the number
    rolled back with the savepoint) when a configured signing key cannot sign; IntegrityError when
    this (completion, issue_no) exists already.
    """
    defaults = settings.snapshot_defaults()
    fields = {
        **identity,
        **facts,
        "instansi": clean_text(defaults["instansi"]),
        "place": clean_text(defaults["place"]),
        "signer_title": clean_text(defaults["signer_title"]),
        "signer_name": clean_text(defaults["signer_name"]) or None,
        "signer_nip": defaults["signer_nip"],
        "issued_at": issued_at,
        "issued_on": dates.local_date(issued_at, settings.timezone),
    }
    check_printable(
        CertificateSnapshot(
            number="-", verification_code="-", **{k: v for k, v in fields.items() if k in SNAPSHOT_FIELDS}
        )
    )
    with db.session.begin_nested():
        # Numbered in the year of issue at the office: 00:30 WIB on 1 January starts the new year's sequence.
        year = fields["issued_on"].year
        seq = take_number(year)
        certificate = Certificate(
            completion_id=completion.id,
            issue_no=issue_no,
            user_id=completion.user_id,
            module_id=completion.module_id,
            opd_id=fields["opd_id"],
            number=format_number(settings.prefix, year, seq),
            year=year,
            seq=seq,
            verification_code=new_verification_code(),
            status=VALID,
            name=fields["name"],
            nip=fields["nip"],
            pangkat_golongan=fields["pangkat_golongan"],
            jabatan=fields["jabatan"],
            unit_kerja=fields["unit_kerja"],
            opd_name=fields["opd"],
            instansi=fields["instansi"],
            module_slug=facts["module_slug"],
            module_title=fields["module_title"],
            module_version=fields["module_version"],
            jp=fields["jp"],
            score=fields["score"],
            organiser=fields["organiser"],
            started_on=fields["started_on"],
            completed_on=fields["completed_on"],
            issued_on=fields["issued_on"],
            issued_at=issued_at,
            place=fields["place"],
            signer_title=fields["signer_title"],
            signer_name=fields["signer_name"],
            signer_nip=fields["signer_nip"],
            valid_until=fields["valid_until"],
        )
        _store_pdf(certificate, settings)
        db.session.add(certificate)
        db.session.flush()
    return certificate


def issue_certificate(
    completion: Completion, *, issued_at: datetime | None = None, settings: CertificateSettings | None = None
) -> Certificate | None:
    """Issue the completion's certificate — once: the schema's unique (completion, issue_no 1) key
    refuses a second, and then None is returned and nothing else changes.

    The snapshot is taken now, from the learner and module as they are at completion. Raises
    ValidationError when her data holds characters the certificate cannot print, SigningError when
    the configured signing key cannot sign.
    """
    settings = settings or certificate_settings()
    issued_at = issued_at or utcnow()
    module: Module = completion.module
    user: User = completion.user
    completed_on = dates.local_date(completion.completed_at, settings.timezone)
    facts = {
        "module_slug": module.slug,
        "module_title": clean_text(module.title),
        "module_version": completion.module_version,
        "jp": completion.jp,
        "score": completion.score,
        "organiser": clean_text(settings.organiser),
        "started_on": dates.local_date(completion.started_at, settings.timezone),
        "completed_on": completed_on,
        # The completion's validity, fixed when it was recorded (recertification opens after it).
        "valid_until": completion.valid_until,
    }
    try:
        return _new_certificate(
            completion=completion,
            issue_no=1,
            identity=_identity(user),
            facts=facts,
            issued_at=issued_at,
            settings=settings,
        )
    except IntegrityError:
        if db.session.scalar(
            select(Certificate.id).where(Certificate.completion_id == completion.id, Certificate.issue_no == 1)
        ):
            return None
        raise


PENDING_MESSAGE = (
    "Modul selesai dan sudah tercatat, tetapi sertifikatnya belum dapat diterbitkan. {reason} "
    "Sertifikat akan diterbitkan setelah data Anda diperbaiki."
)
SIGNING_PENDING_MESSAGE = (
    "Modul selesai dan sudah tercatat, tetapi sertifikatnya belum dapat diterbitkan karena tanda tangan "
    "elektroniknya sedang bermasalah. Sertifikat akan diterbitkan setelah admin memperbaikinya; "
    "Anda tidak perlu mengulang modul."
)


def on_module_completed(completion: Completion) -> None:
    """`module_completed` receiver: issue the certificate inside the completion's transaction.

    When her data cannot be printed, or the signing key cannot sign, the completion still stands: the
    refusal is logged in the audit trail, told to her, and the certificate waits for `issue_missing`
    once the data (or the key) is corrected.
    """
    try:
        issue_certificate(completion)
    except ValidationError as error:
        current_app.logger.warning("certificate for completion %s refused: %s", completion.id, error.message)
        record_audit(
            None,
            "certificate.refused",
            completion.user,
            f"Sertifikat modul {completion.module.title} belum dapat diterbitkan: {error.message}",
            completion_id=completion.id,
        )
        if has_request_context():
            if isinstance(error, SigningError):
                flash(SIGNING_PENDING_MESSAGE, "error")
            else:
                flash(PENDING_MESSAGE.format(reason=error.message), "error")


def connect_signals() -> None:
    """Subscribe to the learning domain's signal (idempotent: blinker keeps one connection per receiver)."""
    module_completed.connect(on_module_completed)


def issue_missing(*, user_id: int | None = None, opd_id: int | None = None) -> tuple[list[Certificate], list[str]]:
    """Issue the certificates of completions that have none (their data could not be printed before).

    Returns the new certificates and, for those still refused, a message each.
    """
    stmt = (
        select(Completion)
        .join(User, Completion.user_id == User.id)
        .where(~select(Certificate.id).where(Certificate.completion_id == Completion.id).exists())
        .order_by(Completion.completed_at, Completion.id)
    )
    if user_id is not None:
        stmt = stmt.where(Completion.user_id == user_id)
    if opd_id is not None:
        stmt = stmt.where(User.opd_id == opd_id)
    issued, refused = [], []
    settings = certificate_settings()
    for completion in db.session.scalars(stmt).all():
        try:
            certificate = issue_certificate(completion, settings=settings)
        except ValidationError as error:
            refused.append(f"{completion.user.nip} · {completion.module.title}: {error.message}")
            continue
        if certificate is not None:
            issued.append(certificate)
    return issued, refused


def revoke_certificate(certificate: Certificate, *, actor: User | None, category: str, reason: str) -> None:
    """Revoke with a category (shown publicly) and a reason (kept in the record and the audit log).

    The category's JP effect (`JP_EFFECTS`) applies in the same transaction: *tidak sah* voids the
    completion, which then leaves every JP total, the SIASN export and the recap.

    Raises ValidationError for an unknown category or an empty reason; Conflict when it is revoked
    already (also when another HR officer revoked it a moment ago: the update is conditional).
    """
    if category not in REVOKE_CATEGORIES:
        raise ValidationError("Pilih kategori alasan pencabutan.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Alasan pencabutan wajib diisi.")
    now = utcnow()
    result = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.status == VALID)
        .values(
            status=REVOKED,
            revoked_at=now,
            revoke_category=category,
            revoke_reason=reason[:2000],
            revoked_by_id=actor.id if actor else None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("Sertifikat ini sudah dicabut.")
    db.session.refresh(certificate)
    voided = JP_EFFECTS[category] == VOIDS and void_completion(certificate.completion, at=now)
    record_audit(
        actor,
        "certificate.revoke",
        certificate.user,
        f"Mencabut sertifikat {certificate.number} ({REVOKE_CATEGORIES[category]}): {reason}"
        + (" — penyelesaian dibatalkan, JP-nya tidak dihitung." if voided else ""),
        certificate_id=certificate.id,
        number=certificate.number,
        category=category,
        completion_voided=voided,
    )


def reissue_certificate(old: Certificate, *, actor: User | None, reason: str) -> Certificate:
    """Issue a corrected certificate in place of `old`: a new number and code, the learner's current
    (corrected) particulars, the same module, dates, JP and score; `old` is revoked (when it was
    still valid) and linked to its replacement.

    Raises ValidationError for an empty reason or unprintable data; Conflict when `old` has been
    replaced already (the unique (completion, issue_no) key also stops two concurrent reissues).
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Alasan penerbitan ulang wajib diisi.")
    if old.replaced_by_id is not None:
        raise Conflict("Sertifikat ini sudah diterbitkan ulang; buka sertifikat penggantinya.")
    if old.completion.is_void:
        raise Conflict(
            "Penyelesaian modul ini dinyatakan tidak sah, sehingga sertifikatnya tidak dapat diterbitkan ulang. "
            "Peserta dapat mengikuti modul ini lagi."
        )
    settings = certificate_settings()
    completion = old.completion
    identity = _identity(old.user)
    facts = {
        "module_slug": old.module_slug,
        "module_title": old.module_title,
        "module_version": old.module_version,
        "jp": old.jp,
        "score": old.score,
        "organiser": old.organiser,
        "started_on": old.started_on,
        "completed_on": old.completed_on,
        "valid_until": old.valid_until,
    }
    try:
        new = _new_certificate(
            completion=completion,
            issue_no=old.issue_no + 1,
            identity=identity,
            facts=facts,
            issued_at=utcnow(),
            settings=settings,
        )
    except IntegrityError:
        raise Conflict("Sertifikat ini baru saja diterbitkan ulang oleh petugas lain.") from None
    if old.status == VALID:
        revoke_certificate(old, actor=actor, category=REISSUED, reason=f"Diganti dengan {new.number}: {reason}")
    old.replaced_by_id = new.id
    db.session.flush()
    record_audit(
        actor,
        "certificate.reissue",
        old.user,
        f"Menerbitkan ulang sertifikat {old.number} sebagai {new.number}: {reason}",
        old_certificate_id=old.id,
        new_certificate_id=new.id,
        old_number=old.number,
        new_number=new.number,
    )
    return new


def pdf_bytes(certificate: Certificate) -> bytes:
    """The PDF as issued (signed, when it was signed at issue); rendered again from the snapshot
    (byte-identical, unsigned) only if no copy is stored — never signed a second time."""
    stored = db.session.scalar(select(CertificateFile.pdf).where(CertificateFile.certificate_id == certificate.id))
    if stored is not None:
        return stored
    return _render(certificate.snapshot(), certificate_settings())


def personal_data(user: User) -> list[dict]:
    """Her certificates, for the PDP export: number, module, dates, JP, status, electronic signature."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at, Certificate.id)
    )
    return [
        {
            "nomor": c.number,
            "modul": c.module_title,
            "selesai": c.completed_on.isoformat(),
            "terbit": dates.local_iso(c.issued_at),
            "jp": c.jp,
            "nilai": c.score,
            "status": "dicabut" if c.is_revoked else "berlaku",
            "nama_tercetak": c.name,
            "opd_tercetak": c.opd_name,
            "ditandatangani_elektronik": dates.local_iso(c.signed_at),
            "penanda_tangan_elektronik": c.signature_subject,
        }
        for c in rows
    ]


register_personal_data("sertifikat", personal_data)
