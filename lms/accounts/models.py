"""Accounts: OPD, users with their roles, one-time codes and the audit log."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import TimestampMixin, TZDateTime
from lms.extensions import db

PESERTA = "peserta"
PELATIH = "pelatih"
HR = "hr"
ADMIN = "admin"
KURATOR = "kurator"  # BKPP staff who review and publish trainers' modules
ROLES = (PESERTA, PELATIH, KURATOR, HR, ADMIN)
ROLE_LABELS = {
    PESERTA: _l("Peserta"),
    PELATIH: _l("Pelatih"),
    KURATOR: _l("Kurator"),
    HR: _l("HR (Kepegawaian)"),
    ADMIN: _l("Admin"),
}


class Opd(TimestampMixin, db.Model):
    """A perangkat daerah (dinas, badan, kecamatan, ...); editable data, seeded for Kota Semarang."""

    __tablename__ = "opd"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # A short code (e.g. "DINKES") a roster CSV may give instead of the name; optional, unique, upper case.
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Opd {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("length(nip) = 18", name="nip_length"),
        CheckConstraint("employee_type IN ('PNS', 'PPPK')", name="employee_type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    employee_type: Mapped[str] = mapped_column(String(8))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    unit_kerja: Mapped[str | None] = mapped_column(String(200))
    jabatan: Mapped[str | None] = mapped_column(String(200))
    pangkat_golongan: Mapped[str | None] = mapped_column(String(100))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Optional e-mail (the HR weekly digest) may be sent; mandatory notices are sent whatever it says.
    wants_optional_mail: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # Set when the person's data were erased on request (UU 27/2022 PDP); the row stays for the records.
    anonymised_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    opd: Mapped[Opd | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login: the id carries the session version, so bumping it logs out every older session.
    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.is_active_account)

    # Role names read along with the user (accounts.queries.user_for_session), so the session user's
    # roles cost no second query; once `role_rows` is loaded (to change roles), it is the truth.
    _loaded_roles = None

    def set_loaded_roles(self, roles) -> None:
        self._loaded_roles = frozenset(roles)

    @property
    def roles(self) -> set[str]:
        if self._loaded_roles is not None and "role_rows" not in self.__dict__:
            return set(self._loaded_roles)
        return {row.role for row in self.role_rows}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __repr__(self) -> str:
        return f"<User {self.nip}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN ('peserta', 'pelatih', 'kurator', 'hr', 'admin')", name="known_role"),
        # Everyone holding a role (the HR dashboard's ASN are the peserta): migration 0016_hr_indexes.
        Index("ix_user_roles_role_user_id", "role", "user_id"),
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class OneTimeCode(TimestampMixin, db.Model):
    """An activation or reset code, or the token of an e-mailed reset link ('reset_link',
    lms/accounts/password_reset.py): stored hashed, expiring, usable once."""

    __tablename__ = "one_time_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('activation', 'reset', 'reset_link')", name="known_purpose"),
        UniqueConstraint("code_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(TZDateTime())
    used_at: Mapped[datetime | None] = mapped_column(TZDateTime())


class AuditLog(TimestampMixin, db.Model):
    """Who did what to whom, and when: role changes, deactivations, resets, imports, revocations."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    target: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="joined")


class HrScope(db.Model):
    """An HR account limited to one OPD (its sub bagian kepegawaian): it sees only that OPD's people
    and certificates. An HR account without a row is city-wide (BKPP).

    A table of its own rather than a second foreign key from `users` to `opd`, which would make the
    accounts model's `User.opd` relationship ambiguous.
    """

    __tablename__ = "hr_scopes"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), index=True)

    opd: Mapped[Opd] = relationship(lazy="joined")
