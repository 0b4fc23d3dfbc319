"""Assignments of a module to a group of ASN, and the people they reach (one row per assignment and person)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Opd, User
from lms.content.models import Module
from lms.database import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

# Who an assignment is for. Whatever the kind, an assignment made by an OPD-scoped HR account reaches
# only people of that OPD (`scope_opd_id`).
TARGET_ALL = "all"  # every active ASN
TARGET_OPD = "opd"  # the people of one or more OPD (assignment_opds)
TARGET_EMPLOYEE_TYPE = "employee_type"  # every PNS, or every PPPK
TARGET_NIPS = "nip"  # a list of people, named by NIP: the members themselves
TARGET_KINDS = (TARGET_ALL, TARGET_OPD, TARGET_EMPLOYEE_TYPE, TARGET_NIPS)

# A member's state (lms.assignments.queries.member_states), computed in SQL.
NOT_STARTED = "belum_mulai"
IN_PROGRESS = "berjalan"
OVERDUE = "terlambat"
DONE_ON_TIME = "selesai_tepat"
DONE_LATE = "selesai_terlambat"
STATES = (NOT_STARTED, IN_PROGRESS, OVERDUE, DONE_ON_TIME, DONE_LATE)
DONE_STATES = (DONE_ON_TIME, DONE_LATE)
STATE_LABELS = {
    NOT_STARTED: _l("Belum mulai"),
    IN_PROGRESS: _l("Sedang berjalan"),
    OVERDUE: _l("Terlambat"),
    DONE_ON_TIME: _l("Selesai tepat waktu"),
    DONE_LATE: _l("Selesai terlambat"),
}
STATE_BADGES = {
    NOT_STARTED: "badge-new",
    IN_PROGRESS: "badge-progress",
    OVERDUE: "badge-fail",
    DONE_ON_TIME: "badge-done",
    DONE_LATE: "badge-done",
}
TARGET_LABELS = {
    TARGET_ALL: _l("Semua ASN"),
    TARGET_OPD: _l("OPD tertentu"),
    TARGET_EMPLOYEE_TYPE: _l("Jenis pegawai (PNS/PPPK)"),
    TARGET_NIPS: _l("Daftar NIP"),
}


class Assignment(TimestampMixin, db.Model):
    """A published module HR requires of a group between `start_on` and `due_on` (dates in WIB).

    People who join the group later (a new account, a mutasi in, a reactivation) are added with the
    same due date, or, with `late_join_days`, the day they join plus that many days. A completion made
    before `start_on` counts only when `allow_earlier_completion`.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("due_on >= start_on", name="due_not_before_start"),
        CheckConstraint("target_kind IN ('all', 'opd', 'employee_type', 'nip')", name="known_target_kind"),
        CheckConstraint(
            "(target_kind = 'employee_type' AND target_employee_type IN ('PNS', 'PPPK')) "
            "OR (target_kind <> 'employee_type' AND target_employee_type IS NULL)",
            name="employee_type_target",
        ),
        CheckConstraint("late_join_days IS NULL OR late_join_days BETWEEN 1 AND 365", name="late_join_days_range"),
        CheckConstraint(
            "(cancelled_at IS NULL AND cancel_reason IS NULL) "
            "OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)",
            name="cancel_has_reason",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_employee_type: Mapped[str | None] = mapped_column(String(8))
    start_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    late_join_days: Mapped[int | None]
    allow_earlier_completion: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The OPD of the OPD-scoped HR account that made it (it reaches only that OPD); None: city-wide.
    scope_opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    module: Mapped[Module] = relationship(lazy="joined")
    scope_opd: Mapped[Opd | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    target_opds: Mapped[list[Opd]] = relationship(secondary="assignment_opds", order_by="Opd.name")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class AssignmentOpd(db.Model):
    """An OPD an assignment of kind 'opd' is for."""

    __tablename__ = "assignment_opds"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), primary_key=True, index=True)


class AssignmentMember(db.Model):
    """A person an assignment reaches, with her own due date (an extension changes it, with a reason).

    She leaves it (`removed_at`) when she leaves the group (mutasi out, deactivation) before completing
    it; a person who comes back gets the same row again.
    """

    __tablename__ = "assignment_members"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id"),
        CheckConstraint(
            "(extended_at IS NULL AND extension_reason IS NULL) "
            "OR (extended_at IS NOT NULL AND extension_reason IS NOT NULL)",
            name="extension_has_reason",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    added_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    extended_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    extension_reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship()
