"""Reads of external training: the approved JP per person and year, lists for the person and for HR."""

from __future__ import annotations

from datetime import date

import sqlalchemy
from sqlalchemy import func, select

from lms.external.models import APPROVED, ExternalTraining


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
