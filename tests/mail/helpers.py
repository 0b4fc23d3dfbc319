"""Small helpers of the mail tests."""

from __future__ import annotations

from sqlalchemy import select

from lms.database import utcnow
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.services import queue_mail


def queue_many(count: int, prefix: str = "uji") -> list[str]:
    """Queue `count` test messages to distinct addresses and commit; the addresses."""
    addresses = [f"asn{index:03d}@semarangkota.go.id" for index in range(count)]
    for index, address in enumerate(addresses):
        queue_mail(to=address, template="test", context={"moment": utcnow()}, event_key=f"{prefix}:{index}")
    db.session.commit()
    return addresses


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in messages():
        counts[message.status] = counts.get(message.status, 0) + 1
    return counts
