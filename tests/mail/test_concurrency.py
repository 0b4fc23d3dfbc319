"""Two senders at once never send a message twice: on SQLite (conditional UPDATE) and on PostgreSQL
(SELECT … FOR UPDATE SKIP LOCKED), whichever TEST_DATABASE_URL names."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from lms.extensions import db as _db
from lms.mail.models import SENT, OutboxMessage
from lms.mail.sender import claim_due, new_claim_token, send_pass
from lms.mail.transport import SmtpTransport
from tests.mail.helpers import messages, queue_many, statuses


def in_threads(app, count: int, work) -> list:
    """Run work(index) in `count` threads released together, each in its own app context (own session)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(10)
                results[index] = work(index)
            except BaseException as error:  # noqa: BLE001 - reported to the test below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_two_claims_at_the_same_moment_never_share_a_message(app, db):
    queue_many(40)
    claims = in_threads(app, 2, lambda _index: claim_due(new_claim_token(), 100))
    first, second = (set(claim) for claim in claims)
    assert not first & second
    assert first | second == {m.id for m in messages()}


def test_two_senders_running_at_once_send_every_message_exactly_once(app, smtp_app, smtp_server, db, monkeypatch):
    addresses = queue_many(60)
    monkeypatch.setitem(app.config, "MAIL_BATCH_SIZE", 5)

    class Slow(SmtpTransport):
        def send(self, message):
            time.sleep(0.005)  # long enough for the other sender to claim meanwhile
            super().send(message)

    def sender(_index: int) -> int:
        sent = 0
        while True:
            result = send_pass(Slow())
            sent += result.sent
            if result.claimed == 0:
                return sent

    sent = in_threads(app, 2, sender)
    assert sum(sent) == 60 and all(sent), sent  # both took part
    assert statuses() == {SENT: 60}
    arrived = Counter(r.envelope_to[0] for r in smtp_server.received)
    assert set(arrived) == set(addresses) and set(arrived.values()) == {1}


def test_postgresql_skips_the_rows_another_sender_is_claiming_without_waiting(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers (test above)")
    queue_many(6)
    ids = [m.id for m in messages()]
    db.session.commit()
    with db.engine.connect() as other:
        other.begin()
        locked = other.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids[:3])).with_for_update()).all()
        assert len(locked) == 3
        started = time.monotonic()
        claimed = claim_due(new_claim_token(), 100)
        assert time.monotonic() - started < 5  # no wait for the other transaction
        assert claimed == ids[3:]
        other.rollback()
    assert claim_due(new_claim_token(), 100) == ids[:3]
