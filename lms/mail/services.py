"""Putting messages in the outbox, inside the caller's transaction, and the admin's retry."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.database import utcnow
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.mail.models import FAILED, PENDING, OutboxMessage
from lms.mail.render import mail_locale, render_mail

# One address, as an import or a form leaves it: no spaces or line breaks (which would forge headers).
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


class InvalidAddress(ValidationError):
    """The recipient is not one e-mail address."""


def normalise_address(address: str | None) -> str:
    """The address as the outbox keys it (trimmed, lower case); InvalidAddress when it is not one address."""
    clean = (address or "").strip().lower()
    # ASCII only: an internationalised address needs SMTPUTF8, which government relays rarely offer.
    if len(clean) > 254 or not clean.isascii() or not _ADDRESS.match(clean):
        raise InvalidAddress(f"Alamat email {address!r} tidak sah.")
    return clean


def mail_enabled() -> bool:
    """Whether this installation sends e-mail (LMS_MAIL_ENABLED; production: on when MAIL_SERVER is set)."""
    return bool(current_app.config.get("LMS_MAIL_ENABLED"))


def queue_mail(
    *, to: str, template: str, context: dict, event_key: str, locale: str | None = None
) -> OutboxMessage | None:
    """Add the message `template` for `to` to the outbox in the caller's transaction; the caller commits.

    At most one message per (event_key, recipient): when one exists already — queued earlier, or in this
    same transaction — nothing is added and None is returned; None too while mail is off
    (LMS_MAIL_ENABLED). The message is rendered now, in `locale` (the recipient's; Bahasa Indonesia when
    None or unknown), so a template error surfaces at the event rather than in the sender.

    The caller's transaction is never broken: the existence query comes first, and the insert runs in a
    savepoint, so when another transaction queued the same message meanwhile (a race the query cannot
    see) the unique key refuses it, the savepoint alone is rolled back and None is returned.
    Raises InvalidAddress for a malformed address and ValueError for an empty event key.
    """
    recipient = normalise_address(to)
    key = (event_key or "").strip()
    if not key or len(key) > 200:
        raise ValueError("event_key must be 1 to 200 characters")
    if not mail_enabled():
        current_app.logger.info("mail is off (LMS_MAIL_ENABLED): %s for event %s not queued", template, key)
        return None
    session = db.session
    session.flush()  # the caller's own pending rows: their errors are theirs, not a duplicate message
    if is_queued(key, recipient):
        return None
    rendered = render_mail(template, context, locale)
    message = OutboxMessage(
        event_key=key,
        recipient=recipient,
        locale=mail_locale(locale),
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        status=PENDING,
        tries=0,
        next_attempt_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None  # queued by a concurrent transaction between the query and the insert
    return message


def is_queued(event_key: str, recipient: str) -> bool:
    """Whether the outbox holds a message for this event and (normalised) recipient, in any status."""
    found = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.event_key == event_key, OutboxMessage.recipient == recipient)
    )
    return found is not None


def get_message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("Pesan tidak ditemukan di kotak keluar."))
    return message


def retry_failed(message: OutboxMessage) -> None:
    """Give a message that failed for good a fresh round of tries, due now; the caller audits and commits.

    Only a `failed` message: one still pending or being sent is the sender's, and a sent one is never
    sent twice (Conflict). A message whose text was already cleared cannot be sent again (Conflict).
    """
    if message.status != FAILED:
        raise Conflict(_("Hanya pesan yang gagal terkirim yang dapat dikirim ulang."))
    if message.body_text is None:
        raise Conflict(_("Isi pesan ini sudah tidak tersimpan, sehingga tidak dapat dikirim ulang."))
    message.status = PENDING
    message.tries = 0
    message.next_attempt_at = utcnow()
    message.claimed_by = None
    message.claimed_at = None


def mask_address(address: str) -> str:
    """'s••••@semarangkota.go.id': enough for the admin to tell messages apart, not to harvest addresses."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}{'•' * min(4, max(1, len(local) - 1))}@{domain}"
