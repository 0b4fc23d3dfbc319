"""Reads of the outbox for the admin's Kotak keluar."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.mail.models import STATUSES, OutboxMessage

PAGE_SIZE = 50


def outbox_page(status: str | None, page: int = 1):
    """The messages, newest first, of one status or all; a page past the last one is empty."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def status_counts() -> dict[str, int]:
    """How many messages are in each status (every status named, zero included)."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts
