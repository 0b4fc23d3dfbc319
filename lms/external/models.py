"""External training: a diklat, webinar or course done outside Lentera, with its JP and its certificate PDF."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.database import TimestampMixin, TZDateTime
from lms.extensions import db

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
STATUS_LABELS = {PENDING: _l("Menunggu"), APPROVED: _l("Disetujui"), REJECTED: _l("Ditolak")}

SOURCE_HR = "hr"
SOURCE_LEARNER = "learner"
SOURCE_IMPORT = "import"
SOURCES = (SOURCE_HR, SOURCE_LEARNER, SOURCE_IMPORT)
SOURCE_LABELS = {SOURCE_HR: _l("Dicatat HR"), SOURCE_LEARNER: _l("Diajukan peserta"), SOURCE_IMPORT: _l("Impor CSV")}

# The kinds of training, in the order forms list them; the key is stored, the label is shown.
KINDS = ("diklat", "bimtek", "seminar", "workshop", "kursus", "elearning", "lainnya")
KIND_LABELS = {
    "diklat": _l("Diklat / pelatihan"),
    "bimtek": _l("Bimbingan teknis"),
    "seminar": _l("Seminar / webinar"),
    "workshop": _l("Workshop / lokakarya"),
    "kursus": _l("Kursus"),
    "elearning": _l("E-learning lain"),
    "lainnya": _l("Lainnya"),
}

# The same names, untranslated: what the CSV import accepts and the exports write.
KIND_NAMES = {
    "diklat": "Diklat / pelatihan",
    "bimtek": "Bimbingan teknis",
    "seminar": "Seminar / webinar",
    "workshop": "Workshop / lokakarya",
    "kursus": "Kursus",
    "elearning": "E-learning lain",
    "lainnya": "Lainnya",
}

JP_MAX = 1000  # a long diklat (PKA, Latsar) has a few hundred JP; more than this is a typing error


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


class ExternalTraining(TimestampMixin, db.Model):
    """One training done elsewhere by one person. Counts toward her JP once approved, in the WIB year of
    its end date. Recorded by HR (approved on entry), imported by HR from CSV (approved), or submitted by
    the person herself (pending until HR of her OPD or city-wide HR decides)."""

    __tablename__ = "external_trainings"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(KINDS)}", name="known_kind"),
        CheckConstraint(f"status IN {_in(STATUSES)}", name="known_status"),
        CheckConstraint(f"source IN {_in(SOURCES)}", name="known_source"),
        CheckConstraint(f"jp BETWEEN 1 AND {JP_MAX}", name="jp_range"),
        CheckConstraint("end_on >= start_on", name="end_after_start"),
        CheckConstraint("status <> 'rejected' OR rejection_reason IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint(
            "(certificate_filename IS NULL) = (certificate_size IS NULL)", name="certificate_file_described"
        ),
        Index("ix_external_trainings_status_end_on", "status", "end_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    jp: Mapped[int] = mapped_column(Integer)
    certificate_number: Mapped[str | None] = mapped_column(String(100))
    # What the list shows about the PDF; its bytes live in external_training_files, read only to serve it.
    certificate_filename: Mapped[str | None] = mapped_column(String(200))
    certificate_size: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def has_certificate_file(self) -> bool:
        return self.certificate_filename is not None

    def __repr__(self) -> str:
        return f"<ExternalTraining {self.id} user={self.user_id} {self.status}>"


class ExternalTrainingFile(db.Model):
    """The certificate PDF of an external training, apart so that no list ever loads its bytes."""

    __tablename__ = "external_training_files"
    training_id: Mapped[int] = mapped_column(ForeignKey("external_trainings.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
