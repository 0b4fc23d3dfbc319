"""The outbox: one row per e-mail to send, written in the same transaction as the event that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)


class OutboxMessage(TimestampMixin, db.Model):
    """A message rendered when its event happened, and where its sending stands.

    `pending` waits for `next_attempt_at`; a sender claims it (`sending`, `claimed_by` its token) and
    commits before it talks to the SMTP server; then `sent`, or `pending` again with a later
    `next_attempt_at` (backoff), or `failed` after MAIL_MAX_TRIES tries or a permanent refusal.
    (event_key, recipient) is unique: one message per recipient per event, whoever queues it twice.
    The bodies are cleared once sent (they may hold a password-reset link); the subject stays.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("event_key", "recipient"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="known_status"),
        CheckConstraint("tries >= 0", name="tries_nonnegative"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"
