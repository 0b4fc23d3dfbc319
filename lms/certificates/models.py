"""Certificates with their frozen snapshot, the per-year number counter, stored PDFs, and the HR scope."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.accounts.models import Opd, User
from lms.certificates.pdf import CertificateSnapshot
from lms.content.models import Module
from lms.database import TZDateTime
from lms.extensions import db
from lms.learning.models import Completion

VALID = "valid"
REVOKED = "revoked"
STATUSES = (VALID, REVOKED)


def N_(message: str) -> str:
    """Mark a label for the translation catalogue (Babel extracts N_ by default) without translating it
    here: records and exports keep the Indonesian text, pages translate it where shown with _(label)."""
    return message


# Why a certificate was revoked: the category is shown on the public verification page, the text is not.
REVOKE_CATEGORIES = {
    "data_salah": N_("Data peserta salah"),
    "tidak_sah": N_("Penyelesaian tidak sah"),
    "modul_ditarik": N_("Modul ditarik"),
    "diterbitkan_ulang": N_("Diganti dengan sertifikat baru"),
    "lainnya": N_("Alasan lain"),
}
REISSUED = "diterbitkan_ulang"

# What a revocation does to the JP of the completion behind the certificate: the one rule, shown to HR
# on the revoke form and in docs/certificates.md. VOIDS: the completion was not legitimately earned, so
# it leaves every JP total, the SIASN export and the recap (lms.learning.services.void_completion), and
# the learner may take the module again. KEEPS: the learning happened; only the document is withdrawn
# (data errors are put right by reissuing, which keeps the one completion, so its JP counts once).
VOIDS = "voids"
KEEPS = "keeps"
JP_EFFECTS = {
    "data_salah": KEEPS,
    "tidak_sah": VOIDS,
    "modul_ditarik": KEEPS,
    "diterbitkan_ulang": KEEPS,
    "lainnya": KEEPS,
}
JP_EFFECT_LABELS = {
    "data_salah": N_("JP tetap dihitung (sekali). Perbaiki data pegawai lalu terbitkan ulang sertifikatnya."),
    "tidak_sah": N_(
        "JP dibatalkan: penyelesaian ini keluar dari semua jumlah JP, ekspor SIASN dan rekap JP; "
        "peserta dapat mengikuti modul ini lagi."
    ),
    "modul_ditarik": N_("JP tetap dihitung: pembelajarannya telah dijalani; hanya sertifikatnya yang ditarik."),
    "diterbitkan_ulang": N_("JP tetap dihitung sekali, pada sertifikat penggantinya."),
    "lainnya": N_(
        "JP tetap dihitung. Bila penyelesaiannya tidak sah (kecurangan, identitas orang lain), pilih "
        "“Penyelesaian tidak sah”."
    ),
}


class CertificateCounter(db.Model):
    """The last sequence number used in a year; its row is locked while a number is taken."""

    __tablename__ = "certificate_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_nonnegative"),)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class Certificate(db.Model):
    """An issued certificate. Everything it states is copied in at issue and never changes afterwards;
    only its status (revocation) and the link to its replacement do.

    Invariants in the schema: the number, the (year, sequence) pair and the verification code are
    unique; a completion has one original certificate (issue_no 1) and each reissue takes the next
    issue_no, so two concurrent issues of the same certificate can never both succeed.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("year", "seq"),
        UniqueConstraint("verification_code"),
        UniqueConstraint("completion_id", "issue_no"),
        CheckConstraint("status IN ('valid', 'revoked')", name="known_status"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("issue_no >= 1", name="issue_no_positive"),
        CheckConstraint(
            "(status = 'valid' AND revoked_at IS NULL) OR (status = 'revoked' AND revoked_at IS NOT NULL"
            " AND revoke_category IS NOT NULL)",
            name="revocation_complete",
        ),
        Index("ix_certificates_user_id", "user_id"),
        Index("ix_certificates_opd_id", "opd_id"),
        Index("ix_certificates_module_id", "module_id"),
        Index("ix_certificates_completed_on", "completed_on"),
        Index("ix_certificates_nip", "nip"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(ForeignKey("completions.id", ondelete="CASCADE"))
    issue_no: Mapped[int] = mapped_column(default=1)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="SET NULL"))

    number: Mapped[str] = mapped_column(String(64))
    year: Mapped[int]
    seq: Mapped[int]
    verification_code: Mapped[str] = mapped_column(String(64))

    status: Mapped[str] = mapped_column(String(10), default=VALID)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    revoke_category: Mapped[str | None] = mapped_column(String(32))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    # The frozen snapshot: what the PDF prints and the verification page shows.
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str] = mapped_column(String(18))
    pangkat_golongan: Mapped[str | None] = mapped_column(String(100))
    jabatan: Mapped[str | None] = mapped_column(String(200))
    unit_kerja: Mapped[str | None] = mapped_column(String(200))
    opd_name: Mapped[str | None] = mapped_column(String(200))
    instansi: Mapped[str] = mapped_column(String(200))
    module_slug: Mapped[str] = mapped_column(String(100))
    module_title: Mapped[str] = mapped_column(String(300))
    module_version: Mapped[int]
    jp: Mapped[int]
    score: Mapped[int | None]
    organiser: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(TZDateTime())
    place: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_nip: Mapped[str | None] = mapped_column(String(18))
    valid_until: Mapped[date | None] = mapped_column(Date)

    # The electronic signature of the stored PDF, recorded when it was signed at issue: the moment and
    # the common name of the signing certificate (as PDF readers show it). Both NULL = unsigned, QR
    # verification only. Not to be confused with signer_name above, the signatory printed on the page.
    # Both are set together by services._store_pdf only. No check constraint ties them: on SQLite adding
    # one rebuilds this table, and dropping the old table (foreign keys on) would cascade-delete every
    # stored PDF in certificate_files, signed ones included, which cannot be made again.
    signed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    signature_subject: Mapped[str | None] = mapped_column(String(200))

    completion: Mapped[Completion] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    module: Mapped[Module] = relationship()
    opd: Mapped[Opd | None] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id], foreign_keys=[replaced_by_id])
    file: Mapped[CertificateFile | None] = relationship(back_populates="certificate", cascade="all, delete-orphan")

    @property
    def is_revoked(self) -> bool:
        return self.status == REVOKED

    @property
    def revoke_label(self) -> str:
        return REVOKE_CATEGORIES.get(self.revoke_category or "", self.revoke_category or "")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def status_on(self, today: date) -> str:
        """'revoked', 'expired' or 'valid' on that (WIB) day."""
        if self.is_revoked:
            return "revoked"
        if self.is_expired(today):
            return "expired"
        return "valid"

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and today > self.valid_until

    def snapshot(self) -> CertificateSnapshot:
        """The snapshot the PDF is rendered from, exactly as frozen at issue."""
        return CertificateSnapshot(
            number=self.number,
            verification_code=self.verification_code,
            name=self.name,
            nip=self.nip,
            pangkat_golongan=self.pangkat_golongan,
            jabatan=self.jabatan,
            unit_kerja=self.unit_kerja,
            opd=self.opd_name,
            instansi=self.instansi,
            module_title=self.module_title,
            module_version=self.module_version,
            jp=self.jp,
            score=self.score,
            organiser=self.organiser,
            started_on=self.started_on,
            completed_on=self.completed_on,
            issued_on=self.issued_on,
            issued_at=self.issued_at,
            place=self.place,
            signer_title=self.signer_title,
            signer_name=self.signer_name,
            signer_nip=self.signer_nip,
            valid_until=self.valid_until,
        )


class CertificateFile(db.Model):
    """The PDF as issued, kept so downloads and ZIPs never wait for rendering (and a signed PDF, once
    signing is configured, is served exactly as signed). Unsigned PDFs are deterministic, so a lost
    file can be rendered again byte for byte."""

    __tablename__ = "certificate_files"
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    certificate: Mapped[Certificate] = relationship(back_populates="file")
