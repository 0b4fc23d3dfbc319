"""Reads of the module store: sources, the modules a user may edit, the review queue, versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.authoring.models import SUBMITTED, ModuleDraft, ModuleOwner, ModuleSource, ModuleVersion
from lms.errors import NotFound
from lms.extensions import db


def source_by_slug(slug: str) -> ModuleSource:
    """The module's source; a module synced before versions were kept gets its source on first look. Raises NotFound."""
    source = db.session.scalar(select(ModuleSource).where(ModuleSource.slug == slug))
    if source is None:
        raise NotFound("Modul tidak ditemukan di penyimpanan naskah.")
    return source


def editable_sources(user: User, *, everything: bool) -> list[ModuleSource]:
    """Every source (for kurator and admin) or those she owns, by slug."""
    query = select(ModuleSource).options(selectinload(ModuleSource.draft), selectinload(ModuleSource.versions))
    if not everything:
        query = query.join(ModuleOwner).where(ModuleOwner.user_id == user.id)
    return list(db.session.scalars(query.order_by(ModuleSource.slug)))


def review_queue() -> list[ModuleDraft]:
    return list(
        db.session.scalars(select(ModuleDraft).where(ModuleDraft.state == SUBMITTED).order_by(ModuleDraft.updated_at))
    )


def version_of(source: ModuleSource, number: int) -> ModuleVersion:
    version = next((v for v in source.versions if v.number == number), None)
    if version is None:
        raise NotFound("Versi tidak ditemukan.")
    return version


def user_by_nip(nip: str) -> User | None:
    return db.session.scalar(select(User).where(User.nip == nip))
