"""Writes of external training: checking a record and its PDF, recording, submitting, deciding, withdrawing.

Every change is audited (accounts' audit log). Services add and flush; the view or command commits once.
The checks are pure functions (`clean_training`, `check_pdf`), shared by the forms and the CSV import.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, select, update

from lms import dates
from lms.accounts.models import User
from lms.accounts.personal_data import register_personal_data
from lms.accounts.services import record_audit
from lms.accounts.signals import account_anonymised
from lms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lms.extensions import db
from lms.external.models import (
    APPROVED,
    JP_MAX,
    KIND_NAMES,
    KINDS,
    PENDING,
    REJECTED,
    SOURCE_HR,
    SOURCE_IMPORT,
    SOURCE_LEARNER,
    ExternalTraining,
    ExternalTrainingFile,
)

EARLIEST_YEAR = 1970  # no ASN in service trained before this; an older date is a typing error
MAX_LENGTHS = {"name": 300, "organiser": 200, "certificate_number": 100}
REASON_MAX = 1000
DEFAULT_PDF_MAX_BYTES = 5 * 1024 * 1024


# --- checking a record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingInput:
    """A checked external training, ready to store."""

    name: str
    organiser: str
    kind: str
    start_on: date
    end_on: date
    jp: int
    certificate_number: str | None


def parse_date(value: str | None) -> date | None:
    """A date as a form (YYYY-MM-DD) or a spreadsheet (DD-MM-YYYY or DD/MM/YYYY) writes it; None if not one."""
    text = (value or "").strip()
    if not text:
        return None
    for separator in ("-", "/", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            if len(parts[0]) == 4:
                year, month, day = parts
            elif len(parts[2]) == 4:
                day, month, year = parts
            else:
                return None
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


def parse_kind(value: str | None) -> str | None:
    """The kind's key from its key or its label (any case, e.g. 'seminar' or 'Seminar / webinar'); None if unknown."""
    text = " ".join((value or "").split()).lower()
    if text in KINDS:
        return text
    for key, name in KIND_NAMES.items():
        if text and text in (name.lower(), name.lower().replace(" / ", "/"), *name.lower().split(" / ")):
            return key
    return None


def clean_training(values: Mapping[str, str | None], today: date) -> tuple[TrainingInput | None, dict[str, str]]:
    """Check a training as typed: (the training, {}) when right, else (None, {field: message}).

    Rules: name and organiser required; a known kind; start and end dates that are real dates, not
    before 1970, not after today, the end not before the start; JP a whole number from 1 to JP_MAX;
    every text within its column's size.
    """
    errors: dict[str, str] = {}

    def text(key: str) -> str:
        return " ".join((values.get(key) or "").split())

    name, organiser, number = text("name"), text("organiser"), text("certificate_number")
    if not name:
        errors["name"] = "Nama pelatihan wajib diisi."
    if not organiser:
        errors["organiser"] = "Penyelenggara wajib diisi."
    for key, limit in MAX_LENGTHS.items():
        if len(text(key)) > limit and key not in errors:
            errors[key] = f"Terlalu panjang: maksimal {limit} karakter."
    kind = parse_kind(values.get("kind"))
    if kind is None:
        errors["kind"] = f"Jenis pelatihan tidak dikenal. Pilihan: {', '.join(KIND_NAMES.values())}."
    start_on, end_on = parse_date(values.get("start_on")), parse_date(values.get("end_on"))
    for key, value, label in (("start_on", start_on, "mulai"), ("end_on", end_on, "selesai")):
        raw = (values.get(key) or "").strip()
        if value is None:
            errors[key] = (
                f"Tanggal {label} tidak sah: {raw} (tulis TTTT-BB-HH atau HH-BB-TTTT)."
                if raw
                else f"Tanggal {label} wajib diisi."
            )
        elif value > today:
            errors[key] = f"Tanggal {label} belum terjadi ({value.isoformat()}): catat pelatihan setelah selesai."
        elif value.year < EARLIEST_YEAR:
            errors[key] = f"Tanggal {label} terlalu lama ({value.isoformat()}): periksa tahunnya."
    if start_on and end_on and "start_on" not in errors and "end_on" not in errors and end_on < start_on:
        errors["end_on"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
    jp_text = (values.get("jp") or "").strip()
    jp = int(jp_text) if jp_text.isdigit() and len(jp_text) <= 6 else None
    if not jp_text:
        errors["jp"] = "JP wajib diisi."
    elif jp is None or not 1 <= jp <= JP_MAX:
        errors["jp"] = f"JP harus bilangan bulat dari 1 sampai {JP_MAX}, bukan {jp_text[:20]}."
    if errors:
        return None, errors
    return (
        TrainingInput(
            name=name,
            organiser=organiser,
            kind=kind,
            start_on=start_on,
            end_on=end_on,
            jp=jp,
            certificate_number=number or None,
        ),
        {},
    )


# --- checking a PDF --------------------------------------------------------------------------------------


def pdf_max_bytes() -> int:
    return int(current_app.config.get("LMS_EXTERNAL_PDF_MAX_BYTES") or DEFAULT_PDF_MAX_BYTES)


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


def check_pdf(data: bytes, max_bytes: int) -> None:
    """A certificate PDF by its content, not its name: not empty, within `max_bytes`, starting with %PDF-
    and readable as a PDF with at least one page. Raises ValidationError saying which."""
    if not data:
        raise ValidationError("Berkas sertifikat kosong.")
    if len(data) > max_bytes:
        raise ValidationError(
            f"Berkas sertifikat terlalu besar ({megabytes(len(data))} MB): maksimal {megabytes(max_bytes)} MB."
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError("Berkas sertifikat bukan PDF. Unggah sertifikat dalam format PDF.")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    log = logging.getLogger("pypdf")  # a damaged upload would fill the log with the reader's repair notes
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except PyPdfError:
        pages = 0
    except Exception:  # noqa: BLE001 - whatever an untrusted file makes the reader fail with, it is not a usable PDF
        pages = 0
    finally:
        log.setLevel(level)
    if pages < 1:
        raise ValidationError("Berkas sertifikat rusak atau bukan PDF yang dapat dibuka. Unggah PDF aslinya.")


def safe_filename(name: str | None) -> str:
    """The uploaded file's name, kept to letters, digits and a few marks (for the download's name)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in base).strip(" .")[:150]
    if not kept.lower().endswith(".pdf"):
        kept = (kept or "sertifikat") + ".pdf"
    return kept


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def read_upload(storage, max_bytes: int | None = None) -> Upload | None:
    """A checked PDF from an uploaded file (werkzeug FileStorage), or None when none was chosen. Reads at
    most one byte past the limit, so a large file is refused without holding it all. Raises ValidationError."""
    if storage is None or not getattr(storage, "filename", None):
        return None
    limit = max_bytes if max_bytes is not None else pdf_max_bytes()
    data = storage.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"Berkas sertifikat terlalu besar: maksimal {megabytes(limit)} MB.")
    check_pdf(data, limit)
    return Upload(filename=safe_filename(storage.filename), content=data)


# --- writing -------------------------------------------------------------------------------------------------


def find_duplicate(user_id: int, name: str, end_on: date, exclude_id: int | None = None) -> ExternalTraining | None:
    """Her record (not rejected) of the same training: the same name (any case) ending the same day."""
    stmt = select(ExternalTraining).where(
        ExternalTraining.user_id == user_id,
        func.lower(ExternalTraining.name) == name.lower(),
        ExternalTraining.end_on == end_on,
        ExternalTraining.status != REJECTED,
    )
    if exclude_id is not None:
        stmt = stmt.where(ExternalTraining.id != exclude_id)
    return db.session.scalars(stmt.limit(1)).first()


def _refuse_duplicate(user: User, data: TrainingInput, exclude_id: int | None = None) -> None:
    if find_duplicate(user.id, data.name, data.end_on, exclude_id) is not None:
        raise Conflict(
            f"Pelatihan \u201c{data.name}\u201d yang selesai {data.end_on.isoformat()} sudah tercatat untuk "
            f"{user.name}."
        )


def _not_own(user_id: int, actor: User) -> None:
    """HR never decides on, records or changes its own training (as no one grants herself quiz attempts)."""
    if user_id == actor.id:
        raise PermissionDenied(
            "Data pelatihan Anda sendiri tidak dapat Anda catat atau putuskan; mintalah kepada petugas HR lain."
        )


def _describe(training: ExternalTraining) -> dict:
    return {
        "id": training.id,
        "nama": training.name,
        "penyelenggara": training.organiser,
        "jenis": training.kind,
        "mulai": training.start_on.isoformat(),
        "selesai": training.end_on.isoformat(),
        "jp": training.jp,
        "nomor_sertifikat": training.certificate_number,
        "status": training.status,
    }


def _attach(training: ExternalTraining, upload: Upload | None) -> None:
    if upload is None:
        return
    training.certificate_filename = upload.filename
    training.certificate_size = len(upload.content)
    stored = db.session.get(ExternalTrainingFile, training.id)
    if stored is None:
        db.session.add(ExternalTrainingFile(training_id=training.id, content=upload.content))
    else:
        stored.content = upload.content


def _new(user: User, data: TrainingInput, *, status: str, source: str, actor: User | None) -> ExternalTraining:
    training = ExternalTraining(
        user_id=user.id,
        name=data.name,
        organiser=data.organiser,
        kind=data.kind,
        start_on=data.start_on,
        end_on=data.end_on,
        jp=data.jp,
        certificate_number=data.certificate_number,
        status=status,
        source=source,
        submitted_by_id=actor.id if actor is not None else None,
    )
    if status == APPROVED:
        training.decided_by_id = actor.id if actor is not None else None
        training.decided_at = dates.now()
    db.session.add(training)
    db.session.flush()
    return training


def record_by_hr(user: User, data: TrainingInput, upload: Upload | None, *, actor: User) -> ExternalTraining:
    """HR records a training someone did elsewhere: approved on entry. Raises Conflict on a duplicate,
    PermissionDenied for her own."""
    _not_own(user.id, actor)
    _refuse_duplicate(user, data)
    training = _new(user, data, status=APPROVED, source=SOURCE_HR, actor=actor)
    _attach(training, upload)
    record_audit(
        actor, "external.record", user, f"Pelatihan luar dicatat: {data.name} ({data.jp} JP)", **_describe(training)
    )
    return training


def submit_by_learner(user: User, data: TrainingInput, upload: Upload | None) -> ExternalTraining:
    """She submits a training she did elsewhere, with its certificate PDF (required): pending until HR of
    her OPD or city-wide HR decides. Raises ValidationError without a PDF, Conflict on a duplicate."""
    if upload is None:
        raise ValidationError("Unggah sertifikat pelatihan (PDF) sebagai bukti.")
    _refuse_duplicate(user, data)
    training = _new(user, data, status=PENDING, source=SOURCE_LEARNER, actor=user)
    _attach(training, upload)
    record_audit(
        user, "external.submit", user, f"Pelatihan luar diajukan: {data.name} ({data.jp} JP)", **_describe(training)
    )
    return training


def _lock(training: ExternalTraining) -> ExternalTraining:
    """Read the row again, locked (PostgreSQL), so two decisions at once cannot both pass the status check."""
    fresh = db.session.scalars(
        select(ExternalTraining)
        .where(ExternalTraining.id == training.id)
        .with_for_update(of=ExternalTraining)
        .execution_options(populate_existing=True)
    ).first()
    if fresh is None:
        raise NotFound("Data pelatihan tidak ditemukan.")
    return fresh


def _must_be_pending(training: ExternalTraining) -> None:
    if training.status != PENDING:
        raise Conflict(f"Pengajuan ini sudah diputuskan ({training.status_label.lower()}); tidak ada yang diubah.")


def approve(training: ExternalTraining, *, actor: User) -> ExternalTraining:
    """HR approves a pending submission: its JP counts from now on. Raises Conflict when already decided,
    PermissionDenied for her own."""
    _not_own(training.user_id, actor)
    training = _lock(training)
    _must_be_pending(training)
    training.status = APPROVED
    training.decided_by_id = actor.id
    training.decided_at = dates.now()
    db.session.flush()
    record_audit(
        actor,
        "external.approve",
        training.user,
        f"Pelatihan luar disetujui: {training.name} ({training.jp} JP)",
        id=training.id,
    )
    return training


def reject(training: ExternalTraining, reason: str | None, *, actor: User) -> ExternalTraining:
    """HR rejects a pending submission with a reason she reads. Raises ValidationError without a reason,
    Conflict when already decided, PermissionDenied for her own."""
    _not_own(training.user_id, actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Tulis alasan penolakan; peserta akan membacanya.")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Alasan terlalu panjang: maksimal {REASON_MAX} karakter.")
    training = _lock(training)
    _must_be_pending(training)
    training.status = REJECTED
    training.rejection_reason = reason
    training.decided_by_id = actor.id
    training.decided_at = dates.now()
    db.session.flush()
    record_audit(
        actor,
        "external.reject",
        training.user,
        f"Pelatihan luar ditolak: {training.name}",
        id=training.id,
        alasan=reason,
    )
    return training


def withdraw(training: ExternalTraining, *, user: User) -> None:
    """She withdraws her own pending submission (it is deleted). Raises NotFound for another person's
    record, Conflict once decided."""
    if training.user_id != user.id:
        raise NotFound("Data pelatihan tidak ditemukan.")
    training = _lock(training)
    _must_be_pending(training)
    details = _describe(training)
    db.session.delete(training)
    db.session.flush()
    record_audit(user, "external.withdraw", user, f"Pengajuan pelatihan luar ditarik: {details['nama']}", **details)


def update_by_hr(training: ExternalTraining, data: TrainingInput, upload: Upload | None, *, actor: User) -> list[str]:
    """HR corrects a record (any status); returns the names of the fields that changed (audited with the
    values before and after). Raises Conflict when the correction makes it a duplicate, PermissionDenied
    for her own."""
    _not_own(training.user_id, actor)
    _refuse_duplicate(training.user, data, exclude_id=training.id)
    before = _describe(training)
    for key in ("name", "organiser", "kind", "start_on", "end_on", "jp", "certificate_number"):
        setattr(training, key, getattr(data, key))
    _attach(training, upload)
    db.session.flush()
    after = _describe(training)
    changed = [key for key in after if after[key] != before[key]]
    if upload is not None:
        changed.append("berkas")
    if changed:
        record_audit(
            actor,
            "external.edit",
            training.user,
            f"Pelatihan luar diubah: {training.name}",
            id=training.id,
            sebelum={k: before[k] for k in changed if k in before},
            sesudah={k: after[k] for k in changed if k in after},
        )
    return changed


def delete_by_hr(training: ExternalTraining, *, actor: User) -> None:
    """HR deletes a record (entered by mistake); audited with what it held. Raises PermissionDenied for her own."""
    _not_own(training.user_id, actor)
    details = _describe(training)
    user = training.user
    db.session.delete(training)
    db.session.flush()
    record_audit(actor, "external.delete", user, f"Pelatihan luar dihapus: {details['nama']}", **details)


def import_trainings(rows, *, actor: User) -> list[ExternalTraining]:
    """Store the checked rows of a CSV import (approved, source import) and audit the import once. Rows
    are (user, TrainingInput) pairs; the caller checked them all first (all or nothing)."""
    created = [_new(user, data, status=APPROVED, source=SOURCE_IMPORT, actor=actor) for user, data in rows]
    record_audit(
        actor,
        "external.import",
        None,
        f"{len(created)} pelatihan luar diimpor dari CSV",
        ids=[t.id for t in created],
    )
    return created


# --- personal data (UU 27/2022 PDP) ----------------------------------------------------------------------------


def personal_data(user: User) -> list[dict]:
    """Her external training records for "Unduh semua data saya" (without the PDFs' bytes)."""
    rows = db.session.scalars(
        select(ExternalTraining).where(ExternalTraining.user_id == user.id).order_by(ExternalTraining.end_on)
    )
    return [
        {
            **_describe(t),
            "sumber": t.source,
            "alasan_penolakan": t.rejection_reason,
            "berkas_sertifikat": t.certificate_filename,
            "diputuskan": dates.local_iso(t.decided_at),
            "dibuat": dates.local_iso(t.created_at),
        }
        for t in rows
    ]


register_personal_data("pelatihan_luar", personal_data)


@account_anonymised.connect
def erase_certificate_files(user: User, **_kwargs) -> None:
    """Her data erased on request (UU 27/2022 PDP): the uploaded certificate PDFs, which print her name, go
    too; the records (training, dates, JP) stay, as her learning records do."""
    ids = select(ExternalTraining.id).where(ExternalTraining.user_id == user.id)
    db.session.execute(delete(ExternalTrainingFile).where(ExternalTrainingFile.training_id.in_(ids)))
    db.session.execute(
        update(ExternalTraining)
        .where(ExternalTraining.user_id == user.id)
        .values(certificate_filename=None, certificate_size=None)
        .execution_options(synchronize_session=False)
    )
