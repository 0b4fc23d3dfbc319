"""Reads of external training: the approved JP per person and year, lists for the person and for HR."""

from __future__ import annotations

from datetime import date

import sqlalchemy
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import Opd, User
from lms.errors import NotFound
from lms.extensions import db
from lms.external.models import APPROVED, PENDING, STATUSES, ExternalTraining, ExternalTrainingFile


def year_filter(year: int):
    """External training counts in the calendar year of its end date (already a WIB calendar date)."""
    return ExternalTraining.end_on.between(date(year, 1, 1), date(year, 12, 31))


def approved_jp_by_user(year: int) -> sqlalchemy.Subquery:
    """One row per person with approved external training ending in `year`: columns `user_id` and `jp`
    (the sum). Join it (outer) to anything keyed by user to add external JP in SQL."""
    return (
        select(ExternalTraining.user_id.label("user_id"), func.sum(ExternalTraining.jp).label("jp"))
        .where(ExternalTraining.status == APPROVED, year_filter(year))
        .group_by(ExternalTraining.user_id)
        .subquery("external_jp")
    )


def external_jp(user_id: int, year: int) -> int:
    """Her approved external JP for `year` (one query)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(ExternalTraining.jp), 0)).where(
            ExternalTraining.user_id == user_id, ExternalTraining.status == APPROVED, year_filter(year)
        )
    )
    return int(total or 0)


def external_jp_by_user(user_ids: list[int], year: int) -> dict[int, int]:
    """Approved external JP in `year` for each of the people (0 when none), one grouped query."""
    if not user_ids:
        return {}
    sub = approved_jp_by_user(year)
    found = dict(db.session.execute(select(sub.c.user_id, sub.c.jp).where(sub.c.user_id.in_(user_ids))).all())
    return {user_id: int(found.get(user_id) or 0) for user_id in user_ids}


def trainings_of(user_id: int) -> list[ExternalTraining]:
    """Every record of hers, newest end date first (never the PDFs' bytes)."""
    return list(
        db.session.scalars(
            select(ExternalTraining)
            .where(ExternalTraining.user_id == user_id)
            .order_by(ExternalTraining.end_on.desc(), ExternalTraining.id.desc())
        )
    )


def approved_in_year(user_id: int, year: int) -> list[ExternalTraining]:
    """Her approved records ending in `year`, oldest first: the external lines of her JP recap."""
    return list(
        db.session.scalars(
            select(ExternalTraining)
            .where(ExternalTraining.user_id == user_id, ExternalTraining.status == APPROVED, year_filter(year))
            .order_by(ExternalTraining.end_on, ExternalTraining.id)
        )
    )


def own_training(user_id: int, training_id: int) -> ExternalTraining:
    """Her own record; another person's answers like a missing one. Raises NotFound."""
    training = db.session.get(ExternalTraining, training_id)
    if training is None or training.user_id != user_id:
        raise NotFound("Data pelatihan tidak ditemukan.")
    return training


def training_in_scope(scope: Opd | None, training_id: int) -> ExternalTraining:
    """A record of someone within the HR reader's scope (city-wide: anyone); outside it, like a missing one."""
    training = db.session.get(ExternalTraining, training_id)
    if training is None or (scope is not None and training.user.opd_id != scope.id):
        raise NotFound("Data pelatihan tidak ditemukan.")
    return training


def certificate_file(training_id: int) -> bytes | None:
    """The stored certificate PDF's bytes, or None."""
    stmt = select(ExternalTrainingFile.content).where(ExternalTrainingFile.training_id == training_id)
    return db.session.scalar(stmt)


QUEUE_PAGE_SIZE = 50


def queue(scope: Opd | None, status: str = PENDING, opd_id: int | None = None, page: int = 1):
    """Records within the scope with that status (any status when empty), oldest pending first, newest
    otherwise, each with its person and OPD; a page of QUEUE_PAGE_SIZE."""
    stmt = select(ExternalTraining).join(ExternalTraining.user).options(contains_eager(ExternalTraining.user))
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    elif opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    if status in STATUSES:
        stmt = stmt.where(ExternalTraining.status == status)
    if status == PENDING:
        stmt = stmt.order_by(ExternalTraining.created_at, ExternalTraining.id)
    else:
        stmt = stmt.order_by(ExternalTraining.created_at.desc(), ExternalTraining.id.desc())
    return db.paginate(stmt, page=page, per_page=QUEUE_PAGE_SIZE, error_out=False, count=True)


def count_by_status(scope: Opd | None, opd_id: int | None = None) -> dict[str, int]:
    """How many records of each status within the scope (one grouped query)."""
    stmt = select(ExternalTraining.status, func.count()).join(ExternalTraining.user).group_by(ExternalTraining.status)
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    elif opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    found = dict(db.session.execute(stmt).all())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def approved_for_export(
    scope: Opd | None,
    *,
    year: int | None = None,
    opd_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ExternalTraining]:
    """Approved records within the scope ending in `year` and between the dates (end date), by NIP and
    date, each with its person (one query): the external rows of the SIASN export, when HR asks for them."""
    stmt = (
        select(ExternalTraining)
        .join(ExternalTraining.user)
        .options(contains_eager(ExternalTraining.user))
        .where(ExternalTraining.status == APPROVED)
    )
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    elif opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    if year:
        stmt = stmt.where(year_filter(year))
    if date_from:
        stmt = stmt.where(ExternalTraining.end_on >= date_from)
    if date_to:
        stmt = stmt.where(ExternalTraining.end_on <= date_to)
    return list(db.session.scalars(stmt.order_by(User.nip, ExternalTraining.end_on, ExternalTraining.id)))
