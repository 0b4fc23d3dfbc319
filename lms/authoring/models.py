"""The versioned store of module files: every version kept, one working draft, owners; all in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.accounts.models import User
from lms.database import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

DISK, BROWSER = "disk", "browser"
DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"


class ModuleSource(TimestampMixin, db.Model):
    """A module's files as written by its trainers, keyed by slug (the same slug as `modules.slug`).

    It exists before its first publication (a new module is only a draft); `modules` holds what learners see.
    """

    __tablename__ = "module_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)

    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="source", order_by="ModuleVersion.number", cascade="all, delete-orphan"
    )
    draft: Mapped[ModuleDraft | None] = relationship(back_populates="source", cascade="all, delete-orphan")
    owners: Mapped[list[ModuleOwner]] = relationship(back_populates="source", cascade="all, delete-orphan")

    @property
    def latest(self) -> ModuleVersion | None:
        return self.versions[-1] if self.versions else None

    def owner_ids(self) -> set[int]:
        return {owner.user_id for owner in self.owners}


class ModuleOwner(db.Model):
    """A trainer who may edit the module (besides every kurator and admin)."""

    __tablename__ = "module_owners"
    source_id: Mapped[int] = mapped_column(ForeignKey("module_sources.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    source: Mapped[ModuleSource] = relationship(back_populates="owners")
    user: Mapped[User] = relationship(lazy="joined")


class ModuleVersion(TimestampMixin, db.Model):
    """One published state of a module, all its files; `origin` says whether it came from disk or the browser."""

    __tablename__ = "module_versions"
    __table_args__ = (
        UniqueConstraint("source_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("origin IN ('disk', 'browser')", name="known_origin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("module_sources.id", ondelete="CASCADE"))
    number: Mapped[int]
    origin: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    source: Mapped[ModuleSource] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship(lazy="joined")
    files: Mapped[list[VersionFile]] = relationship(
        back_populates="version", order_by="VersionFile.path", cascade="all, delete-orphan"
    )

    def file_map(self) -> dict[str, bytes]:
        return {f.path: f.data for f in self.files}


class VersionFile(db.Model):
    __tablename__ = "module_version_files"
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    version: Mapped[ModuleVersion] = relationship(back_populates="files")


class ModuleDraft(db.Model):
    """The working copy: `based_on` the version it started from, `revision` up on every save (a stale
    save is one carrying an older revision), `state` draft → submitted → returned (or published, which
    turns it into a version and ends it)."""

    __tablename__ = "module_drafts"
    __table_args__ = (
        UniqueConstraint("source_id"),
        CheckConstraint("state IN ('draft', 'submitted', 'returned')", name="known_state"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("module_sources.id", ondelete="CASCADE"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("module_versions.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(10), default=DRAFT)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    # Optimistic concurrency: every UPDATE or DELETE of a draft says "WHERE revision = the one I read", so two
    # saves from the same revision cannot both land (the services raise the revision themselves).
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}

    source: Mapped[ModuleSource] = relationship(back_populates="draft")
    based_on: Mapped[ModuleVersion | None] = relationship()
    updated_by: Mapped[User | None] = relationship(lazy="joined")
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="draft", order_by="DraftFile.path", cascade="all, delete-orphan"
    )

    def file_map(self) -> dict[str, bytes]:
        return {f.path: f.data for f in self.files}


class DraftFile(db.Model):
    __tablename__ = "module_draft_files"
    draft_id: Mapped[int] = mapped_column(ForeignKey("module_drafts.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    draft: Mapped[ModuleDraft] = relationship(back_populates="files")
