"""The sender against a real SMTP server (aiosmtpd): delivery, backoff, permanent failure, the server going
away mid-run and coming back, crashed senders, the console in development, the commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from lms.database import utcnow
from lms.mail import sender
from lms.mail.models import FAILED, PENDING, SENDING, SENT
from lms.mail.sender import Worker, backoff_seconds, claim_due, new_claim_token, record_sent, send_pass
from lms.mail.services import queue_mail
from lms.mail.transport import SmtpTransport
from tests.mail.helpers import messages, queue_many, statuses

ROOT = Path(__file__).resolve().parents[2]
LINK = "http://lentera.test/atur-ulang-kata-sandi/abc"


def later(seconds: float):
    """The clock `seconds` from now (ticking), for the sender's due times."""
    return time_machine.travel(utcnow() + timedelta(seconds=seconds), tick=True)


def test_a_message_arrives_with_its_subject_text_html_and_recipient(smtp_app, smtp_server, db):
    queue_mail(
        to="Siti.Rahayu@semarangkota.go.id",
        template="password_reset",
        context={"name": "Siti Rahayu", "nip": "19860926 201505 2 001", "link": LINK, "minutes": 30},
        event_key="uji:satu",
    )
    db.session.commit()
    result = send_pass()
    assert (result.claimed, result.sent, result.retried, result.failed) == (1, 1, 0, 0)
    [arrived] = smtp_server.received
    assert arrived.envelope_to == ("siti.rahayu@semarangkota.go.id",)
    assert arrived.to == "siti.rahayu@semarangkota.go.id"
    assert arrived.subject == "Atur ulang kata sandi Lentera"
    assert "Yth. Siti Rahayu," in arrived.text and LINK in arrived.text
    assert f'href="{LINK}"' in arrived.html
    assert arrived.message["From"] == "Lentera <no-reply@lentera.test>"
    assert arrived.message["Auto-Submitted"] == "auto-generated"
    [message] = messages()
    assert message.status == SENT and message.tries == 1 and message.sent_at is not None
    assert message.body_text is None and message.body_html is None  # the link is not kept once sent
    assert message.subject == "Atur ulang kata sandi Lentera"
    assert send_pass().claimed == 0  # sent once, never again


def test_backoff_doubles_up_to_its_cap():
    assert [backoff_seconds(tries, 60, 600) for tries in range(1, 7)] == [60, 120, 240, 480, 600, 600]
    assert backoff_seconds(0, 60, 600) == 60


def test_an_unreachable_server_is_retried_with_backoff_then_the_message_fails_for_good(
    app, smtp_app, smtp_server, db, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_MAX_TRIES", 3)
    smtp_server.stop()
    queue_many(1)
    first = send_pass()
    assert first.outage and first.retried == 1 and first.sent == 0
    [message] = messages()
    assert message.status == PENDING and message.tries == 1
    assert "tidak dapat dihubungi" in message.last_error
    assert 55 <= (message.next_attempt_at - utcnow()).total_seconds() <= 60
    assert send_pass().claimed == 0  # not due before its backoff
    with later(61):
        assert send_pass().retried == 1
        [message] = messages()
        assert message.tries == 2
        assert 115 <= (message.next_attempt_at - utcnow()).total_seconds() <= 120
    with later(61 + 121):
        result = send_pass()
        assert result.failed == 1
    [message] = messages()
    assert message.status == FAILED and message.tries == 3 and message.claimed_by is not None
    with later(86400):
        assert send_pass().claimed == 0  # failed is for good: only the admin sends it again


def test_a_mailbox_the_server_refuses_for_good_fails_at_once_and_the_others_go(smtp_app, smtp_server, db):
    addresses = queue_many(3)
    smtp_server.refuse.add(addresses[1])
    result = send_pass()
    assert (result.sent, result.failed, result.outage) == (2, 1, False)
    refused = messages()[1]
    assert refused.status == FAILED and refused.tries == 1 and "550" in refused.last_error
    assert sorted(r.envelope_to[0] for r in smtp_server.received) == [addresses[0], addresses[2]]


def test_an_unexpected_error_while_sending_counts_as_a_failed_try_and_the_pass_goes_on(smtp_app, smtp_server, db):
    queue_many(2)

    class Broken(SmtpTransport):
        def send(self, message):
            if message.recipient.startswith("asn000"):
                raise UnicodeEncodeError("ascii", "é", 0, 1, "uji")
            super().send(message)

    result = send_pass(Broken())
    assert (result.sent, result.retried) == (1, 1)
    broken = messages()[0]
    assert broken.status == PENDING and broken.tries == 1 and "kesalahan tak terduga" in broken.last_error


def test_the_server_going_away_mid_run_loses_nothing_and_sends_nothing_twice(smtp_app, smtp_server, db):
    addresses = queue_many(10)

    class StopsTheServer(SmtpTransport):
        handed = 0

        def send(self, message):
            super().send(message)
            self.handed += 1
            if self.handed == 4:
                smtp_server.stop()

    result = send_pass(StopsTheServer())
    assert result.sent == 4 and result.outage
    assert result.retried == 1 and result.released == 5  # the rest wait, without a try counted
    assert statuses() == {SENT: 4, PENDING: 6}
    assert sorted(m.tries for m in messages() if m.status == PENDING) == [0, 0, 0, 0, 0, 1]

    smtp_server.start()
    assert send_pass().sent == 5  # the released ones are due at once; the one that failed waits its backoff
    with later(61):
        assert send_pass().sent == 1
    assert statuses() == {SENT: 10}
    arrived = [r.envelope_to[0] for r in smtp_server.received]
    assert sorted(arrived) == sorted(addresses)  # every one, each exactly once


def test_a_crashed_senders_claim_is_taken_over_only_after_the_lease(app, smtp_app, smtp_server, db, caplog):
    queue_many(1)
    crashed = new_claim_token()
    assert claim_due(crashed, 10) != []  # claimed, then the process died before sending
    assert statuses() == {SENDING: 1}
    assert send_pass().claimed == 0  # another sender leaves it alone while the claim is fresh
    with later(app.config["MAIL_LEASE_SECONDS"] + 1):
        assert send_pass().sent == 1
    assert len(smtp_server.received) == 1
    [message] = messages()
    assert record_sent(message.id, crashed) is False  # the old claim can no longer write anything
    assert "claim had passed" in caplog.text


def test_a_message_left_sending_without_a_claim_time_is_not_stuck_for_ever(smtp_app, smtp_server, db):
    queue_many(1)
    [message] = messages()
    message.status, message.claimed_by, message.claimed_at = SENDING, "hilang", None  # e.g. edited by hand
    db.session.commit()
    assert send_pass().sent == 1


def test_without_an_smtp_server_development_prints_the_message_and_says_so(app, db, capsys, caplog):
    assert app.config["MAIL_SERVER"] is None
    queue_mail(
        to="siti@semarangkota.go.id",
        template="password_reset",
        context={"name": "Siti", "nip": "1", "link": LINK, "minutes": 30},
        event_key="uji:konsol",
    )
    db.session.commit()
    assert send_pass().sent == 1
    printed = capsys.readouterr().out
    assert "Kepada: siti@semarangkota.go.id" in printed
    assert "Subjek: Atur ulang kata sandi Lentera" in printed and LINK in printed
    assert "MAIL_SERVER is not set" in caplog.text
    assert statuses() == {SENT: 1}


def test_flask_mail_send_prints_its_counts_and_exits_75_while_the_server_is_away(smtp_app, smtp_server, db, runner):
    queue_many(2)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "diklaim 2, terkirim 2" in result.output
    queue_many(1, prefix="lagi")
    smtp_server.stop()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 75
    assert "dijadwalkan ulang 1" in result.output and "tidak dapat dihubungi" in result.output


def test_flask_mail_test_queues_a_test_message_and_refuses_a_bad_address(smtp_app, smtp_server, db, runner):
    result = runner.invoke(args=["mail", "test", "admin@semarangkota.go.id"])
    assert result.exit_code == 0, result.output
    assert "flask mail send" in result.output
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    [arrived] = smtp_server.received
    assert arrived.subject == "Pesan uji Lentera"
    bad = runner.invoke(args=["mail", "test", "bukan alamat"])
    assert bad.exit_code == 1 and "tidak sah" in bad.output
    assert len(messages()) == 1


def test_the_commands_refuse_to_run_while_mail_is_off(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
    for args in (["mail", "send"], ["mail", "worker"], ["mail", "test", "a@alamat.id"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "Email tidak aktif" in result.output


def test_the_worker_keeps_sending_until_it_is_stopped(app, smtp_app, smtp_server, db):
    worker = Worker(interval=0.05)

    def run():
        with app.app_context():
            worker.run()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        addresses = queue_many(3)
        deadline = time.monotonic() + 10
        while len(smtp_server.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        queue_many(2, prefix="kedua")
        while len(smtp_server.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert len(smtp_server.received) == 5
    assert {r.envelope_to[0] for r in smtp_server.received} >= set(addresses)


def test_the_worker_goes_on_after_a_failed_pass(app, db, monkeypatch, caplog):
    calls = []

    def failing_pass(**_kwargs):
        calls.append(1)
        if len(calls) == 2:
            worker.stop()
        raise RuntimeError("database away")

    monkeypatch.setattr(sender, "send_pass", failing_pass)
    worker = Worker(interval=0.01)
    worker.run()
    assert len(calls) == 2
    assert "the pass failed" in caplog.text


@pytest.mark.slow
def test_flask_mail_worker_stops_cleanly_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "LMS_ENV": "development",
        "FLASK_APP": "wsgi.py",
        "FLASK_DEBUG": "0",
        "SECRET_KEY": "worker-test-key-0123456789-abcdefghij",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite'}",
        "MAIL_SERVER": "",
        "PYTHONUNBUFFERED": "1",
    }
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    queued = subprocess.run(
        [*flask, "mail", "test", "admin@semarangkota.go.id"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert queued.returncode == 0, queued.stderr
    worker = subprocess.Popen(
        [*flask, "mail", "worker", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            lines.append(line)
            if "terkirim 1" in line:
                break
        assert any("Kepada: admin@semarangkota.go.id" in line for line in lines), lines
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert "Pengirim email berhenti." in out


def test_a_stop_from_a_signal_handler_ends_the_pause_at_once(app, db, monkeypatch):
    """stop() runs in a signal handler while run() pauses: run returns within a fraction of a second (the
    pause is short sleeps over a plain flag; an Event set from a handler could deadlock its own wait)."""
    monkeypatch.setattr(sender, "send_pass", lambda **_kwargs: sender.PassResult())
    worker = Worker(interval=30)
    previous = signal.signal(signal.SIGALRM, worker.stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        started = time.monotonic()
        worker.run()
        elapsed = time.monotonic() - started
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert worker.stopping and elapsed < 5
