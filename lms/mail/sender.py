"""Sending the outbox: claim due messages, hand each to the transport, record the outcome.

At most once, even with several senders at the same time (cron's `flask mail send` while a `flask mail
worker` runs, or workers on two servers):

1. **Claim**, in a transaction of its own that commits before anything is sent. On PostgreSQL the due
   rows are selected `FOR UPDATE SKIP LOCKED` (a row another sender is claiming is skipped, not waited
   for) and set to `sending` with this pass's random claim token. On SQLite, which has no row locks,
   each row is claimed by a conditional `UPDATE … SET status='sending', claimed_by=:token WHERE id=:id
   AND <still due>` and counts only when it changed one row: SQLite lets one writer at a time change
   the database (the command's transaction begins IMMEDIATE, taking the write lock first; in WAL a
   reader that tries to write after another writer committed gets SQLITE_BUSY_SNAPSHOT instead), so the
   second sender's UPDATE runs after the first one committed, finds the row `sending` and changes
   nothing. The same conditional UPDATE is also what PostgreSQL runs after its SKIP LOCKED select.
2. **Start a try**: just before the message is handed over, `tries + 1` and a fresh `claimed_at`, again
   only `WHERE claimed_by = :token AND status = 'sending'` and committed. A sender that lost its claim
   (see 4) finds no row and skips the message.
3. **Hand over**, then record the outcome in a transaction of its own, again only for its own claim:
   `sent` (bodies cleared), or `pending` with `next_attempt_at` later by an exponential backoff, or
   `failed` after MAIL_MAX_TRIES tries or a permanent refusal (5xx). When the server cannot be reached
   the pass stops: the message it was sending is retried later, the others it had claimed go back to
   `pending` as they were (no try counted).
4. **Crash recovery**: a message left `sending` (the sender was killed, the machine restarted) is claimed
   again only after MAIL_LEASE_SECONDS (15 minutes) since its try started — far longer than one
   hand-over can take (each SMTP operation times out after MAIL_TIMEOUT, 30 s).

The one duplicate that remains possible: a sender dies (or loses the database) after the SMTP server
accepted the message and before it recorded `sent`; after the lease the message is sent again. That
window is the time of one commit. SMTP itself promises no better ("at least once"), so a tiny window
of "twice" is the price of never losing a message.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from lms.database import utcnow
from lms.extensions import db
from lms.mail.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from lms.mail.transport import DeliveryError, Envelope, Transport, default_transport


@dataclass
class PassResult:
    """What one pass did; `outage` when it stopped because the server could not be reached."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    lost: int = 0
    outage: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"diklaim {self.claimed}, terkirim {self.sent}, dijadwalkan ulang {self.retried}, "
            f"gagal {self.failed}, dikembalikan {self.released}"
        )
        if self.outage:
            text += " (server SMTP tidak dapat dihubungi; dicoba lagi nanti)"
        return text


def backoff_seconds(tries: int, base: int, cap: int) -> int:
    """Seconds to wait after the `tries`-th failed try: base, 2×base, 4×base, … at most `cap`. Pure."""
    return int(min(cap, base * 2 ** max(0, tries - 1)))


def new_claim_token() -> str:
    """This pass's claim: the host and process (for the admin reading a stuck row) and 64 random bits."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(8)}"


def _due(now: datetime, lease_seconds: int):
    stale = now - timedelta(seconds=lease_seconds)
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.status == SENDING, or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale)
        ),
    )


def claim_due(token: str, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due messages for `token` and commit; their ids, oldest due first."""
    now = now or utcnow()
    lease = current_app.config["MAIL_LEASE_SECONDS"]
    session = db.session
    query = select(OutboxMessage.id).where(_due(now, lease)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(session.scalars(query.limit(limit)))
    claimed = []
    for message_id in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now, lease))
            .values(status=SENDING, claimed_by=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return claimed


def _own(message_id: int, token: str):
    return and_(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token, OutboxMessage.status == SENDING)


def _change(message_id: int, token: str, **values) -> bool:
    """Apply `values` to the message if this pass still holds its claim, and commit; whether it did."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(_own(message_id, token))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def start_try(message_id: int, token: str) -> Envelope | None:
    """Count a try and renew the claim, read what to send, commit; None when the claim was lost."""
    session = db.session
    result = session.execute(
        update(OutboxMessage)
        .where(_own(message_id, token))
        .values(tries=OutboxMessage.tries + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.commit()
        return None
    row = session.execute(
        select(*(getattr(OutboxMessage, name) for name in Envelope.__dataclass_fields__)).where(
            OutboxMessage.id == message_id
        )
    ).one()
    session.commit()
    return Envelope(**row._mapping)


def record_sent(message_id: int, token: str) -> bool:
    """`sent` now, bodies cleared; False (and logged) when the claim was lost meanwhile."""
    done = _change(message_id, token, status=SENT, sent_at=utcnow(), body_text=None, body_html=None, last_error=None)
    if not done:
        current_app.logger.warning("mail %s was sent but its claim had passed to another sender", message_id)
    return done


def record_failure(message: Envelope, token: str, error: DeliveryError) -> str:
    """`failed` for good (permanent, or the last try), else `pending` after the backoff; the status set."""
    config = current_app.config
    last = error.permanent or message.tries >= config["MAIL_MAX_TRIES"]
    text = str(error)[:1000]
    if last:
        _change(message.id, token, status=FAILED, last_error=text)
        current_app.logger.error("mail %s failed for good after %s tries: %s", message.id, message.tries, text)
        return FAILED
    wait = backoff_seconds(message.tries, config["MAIL_RETRY_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"])
    _change(
        message.id,
        token,
        status=PENDING,
        last_error=text,
        next_attempt_at=utcnow() + timedelta(seconds=wait),
        claimed_by=None,
        claimed_at=None,
    )
    current_app.logger.warning("mail %s try %s failed, next in %s s: %s", message.id, message.tries, wait, text)
    return PENDING


def release(message_ids: list[int], token: str) -> int:
    """Give claimed messages not yet tried back to `pending`, as they were; how many."""
    if not message_ids:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.claimed_by == token, OutboxMessage.status == SENDING)
        .values(status=PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def send_pass(
    transport: Transport | None = None, *, limit: int | None = None, should_stop: Callable[[], bool] | None = None
) -> PassResult:
    """One pass over the due messages (at most `limit`, MAIL_BATCH_SIZE by default); see the module."""
    result = PassResult()
    if not current_app.config.get("LMS_MAIL_ENABLED"):
        return result
    token = new_claim_token()
    ids = claim_due(token, limit or current_app.config["MAIL_BATCH_SIZE"])
    result.claimed = len(ids)
    if not ids:
        return result
    transport = transport or default_transport()
    try:
        for index, message_id in enumerate(ids):
            if result.outage or (should_stop is not None and should_stop()):
                result.released += release(ids[index:], token)
                break
            message = start_try(message_id, token)
            if message is None:
                result.lost += 1
                continue
            try:
                transport.send(message)
            except Exception as raised:  # noqa: BLE001 - whatever went wrong, the try is recorded
                if isinstance(raised, DeliveryError):
                    error = raised
                else:
                    current_app.logger.exception("mail %s: unexpected error while sending", message_id)
                    error = DeliveryError(f"kesalahan tak terduga: {raised!r}")
                result.errors.append(str(error))
                result.outage = error.outage
                if record_failure(message, token, error) == FAILED:
                    result.failed += 1
                else:
                    result.retried += 1
                continue
            if record_sent(message_id, token):
                result.sent += 1
            else:
                result.lost += 1
    finally:
        transport.close()
    return result


class Worker:
    """`flask mail worker`: a pass every MAIL_WORKER_INTERVAL seconds (at once again after a full batch);
    `stop()` (SIGTERM, Ctrl-C) lets the message being handed over finish, then it returns."""

    def __init__(self, interval: float, report: Callable[[PassResult], None] | None = None) -> None:
        self.interval = interval
        self.report = report
        # A plain flag, not a threading.Event: stop() runs in a signal handler, and Event.set() there can
        # deadlock on the lock Event.wait() holds in the interrupted main thread.
        self._stopped = False

    def stop(self, *_args) -> None:
        self._stopped = True

    @property
    def stopping(self) -> bool:
        return self._stopped

    def _pause(self, seconds: float) -> None:
        """Sleep up to `seconds`, in short slices, so a stop is seen within a fifth of a second."""
        deadline = time.monotonic() + seconds
        while not self._stopped and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(0.2, left))

    def run(self) -> None:
        batch = current_app.config["MAIL_BATCH_SIZE"]
        while not self._stopped:
            try:
                result = send_pass(should_stop=lambda: self._stopped)
            except Exception:  # noqa: BLE001 - the database is away, say: log, wait, go on
                current_app.logger.exception("mail worker: the pass failed; trying again in %s s", self.interval)
                with contextlib.suppress(Exception):
                    db.session.rollback()
                result = PassResult()
            db.session.remove()  # no connection is held between passes
            if self.report is not None and result.claimed:
                self.report(result)
            if result.claimed < batch or result.outage:
                self._pause(self.interval)
