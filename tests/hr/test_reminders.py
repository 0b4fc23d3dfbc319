"""Reminders of mandatory modules and the HR weekly digest (lms/hr/reminders.py, `flask reminders send`).

Every run goes through the command, at a moment set with time-machine around 17:00 UTC (00:00 WIB), and
the outbox rows are counted: a reminder appears on the right WIB day, once, whatever the number of runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from lms.accounts.models import HrScope
from lms.assignments.models import AssignmentMember
from lms.extensions import db
from lms.hr import reminders
from lms.hr.reminders import DUE_1, DUE_7, LATE, digest_week, reminder_kind
from lms.mail.models import OutboxMessage
from lms.mail.sender import send_pass
from tests.assignments.helpers import assignment_with, complete_at, make_opd, utc
from tests.conftest import create_user
from tests.learning.helpers import make_module

START, DUE = date(2027, 6, 1), date(2027, 6, 30)


@pytest.fixture
def module(db, tmp_path):
    return make_module(tmp_path)


def at(text: str):
    """The clock at `text` UTC, standing still."""
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=UTC), tick=False)


def run(runner, *args: str):
    result = runner.invoke(args=["reminders", "send", *args])
    assert result.exit_code == 0, result.output
    return result


def outbox(template: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def keys(template: str = "assignment_reminder") -> list[str]:
    return [message.event_key for message in outbox(template)]


_addresses = iter(range(1_000_000))


def learner(name: str = "Siti Rahayu", *, locale: str | None = None, **fields):
    fields.setdefault("email", f"{name.split()[0].lower()}.{next(_addresses)}@semarangkota.go.id")
    return with_locale(create_user(name=name, **fields), locale)


def with_locale(user, locale: str | None):
    if locale:
        user.locale = locale
        db.session.commit()
    return user


# --- the rule, pure ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2027, 6, 22), None),  # 8 days before
        (date(2027, 6, 23), DUE_7),  # 7 days before
        (date(2027, 6, 28), DUE_7),  # 2 days before: a late first reminder is still the "7 days" one
        (date(2027, 6, 29), DUE_1),  # the day before
        (date(2027, 6, 30), DUE_1),  # the due day itself
        (date(2027, 7, 1), LATE),  # the day after
        (date(2028, 1, 1), LATE),
    ],
)
def test_the_reminder_that_applies_on_a_day(today, kind):
    assert reminder_kind(DUE, today) == kind


def test_the_digest_week_starts_on_monday_at_seven_wib():
    from lms import dates

    zone = dates.office_zone()
    assert digest_week(datetime(2027, 6, 7, 6, 59, tzinfo=zone)) is None  # Monday 06:59 WIB
    assert digest_week(datetime(2027, 6, 7, 7, 0, tzinfo=zone)) == "2027-W23"
    assert digest_week(datetime(2027, 6, 13, 23, 59, tzinfo=zone)) == "2027-W23"  # Sunday
    assert digest_week(datetime(2027, 6, 1, 0, 0, tzinfo=zone)) == "2027-W22"  # Tuesday


# --- reminders through the command --------------------------------------------------------------------


def test_seven_days_before_at_midnight_wib_then_one_day_then_overdue_each_once(db, module, runner):
    siti = learner()
    assignment = assignment_with(module, [siti], start_on=START, due_on=DUE)
    with at("2027-06-22 16:59"):  # 23:59 WIB on the 22nd: 8 days before
        run(runner)
    assert keys() == []
    with at("2027-06-22 17:00"):  # 00:00 WIB on the 23rd: 7 days before
        out = run(runner)
        run(runner)  # cron again within the hour
    assert "1 pengingat 7 hari" in out.output
    assert keys() == [f"assignment:{assignment.id}:member:{siti.id}:due-7:2027-06-30"]
    for moment in ("2027-06-25 03:00", "2027-06-28 16:59", "2027-06-28 17:00", "2027-06-29 10:00"):
        with at(moment):
            run(runner)
    assert keys()[1:] == [f"assignment:{assignment.id}:member:{siti.id}:due-1:2027-06-30"]
    with at("2027-06-30 16:59"):  # 23:59 WIB on the due day: not overdue yet
        run(runner)
    assert len(keys()) == 2
    with at("2027-06-30 17:00"):
        run(runner)
        run(runner)
    with at("2027-07-20 17:00"):
        run(runner)
    assert keys()[2:] == [f"assignment:{assignment.id}:member:{siti.id}:overdue:2027-06-30"]
    seven, one, late = outbox("assignment_reminder")
    assert seven.recipient == siti.email
    assert "sisa 7 hari" in seven.body_text and "30 Juni 2027" in seven.subject
    assert "Besok, 30 Juni 2027" in one.body_text
    assert "melewati tenggat" in late.subject
    assert f"http://lentera.test/modul/{module.slug}" in seven.body_text  # the public link (LMS_PUBLIC_URL)


def test_not_for_members_done_inactive_removed_or_without_address(db, module, runner):
    done, inactive, removed = learner("Done A"), learner("Off B"), learner("Gone C")
    no_mail = create_user(name="Tanpa Email")
    due = learner("Due D")
    assignment = assignment_with(module, [done, inactive, removed, no_mail, due], start_on=START, due_on=DUE)
    complete_at(done, module, utc("2027-06-10 03:00"))
    inactive.is_active_account = False
    db.session.execute(
        AssignmentMember.__table__.update()
        .where(AssignmentMember.user_id == removed.id)
        .values(removed_at=utc("2027-06-15 03:00"))
    )
    db.session.commit()
    with at("2027-06-23 01:00"):
        result = run(runner)
    assert [m.recipient for m in outbox()] == [due.email]
    assert "1 peserta yang perlu diingatkan tidak punya alamat email" in result.output
    assert assignment.id


def test_done_late_gets_no_overdue_reminder(db, module, runner):
    late = learner()
    assignment_with(module, [late], start_on=START, due_on=DUE)
    complete_at(late, module, utc("2027-07-02 03:00"))
    with at("2027-07-03 01:00"):
        run(runner)
    assert keys() == []


def test_a_late_cron_sends_what_applies_now_never_the_stale_seven_day_one(db, module, runner):
    siti = learner()
    assignment_with(module, [siti], start_on=START, due_on=DUE)
    with at("2027-06-20 01:00"):
        run(runner)
    # cron down from the 21st to the 28th: on the 29th only the one-day reminder goes
    with at("2027-06-29 01:00"):
        run(runner)
    assert [key.split(":")[4] for key in keys()] == ["due-1"]
    # down again until long after the due date: only the overdue one
    with at("2027-08-01 01:00"):
        run(runner)
    assert [key.split(":")[4] for key in keys()] == ["due-1", "overdue"]


def test_an_extension_arms_fresh_reminders_for_the_new_due_date(db, module, runner):
    siti = learner()
    assignment = assignment_with(module, [siti], start_on=START, due_on=DUE)
    with at("2027-06-29 01:00"):
        run(runner)
    member = db.session.scalar(select(AssignmentMember).where(AssignmentMember.user_id == siti.id))
    member.due_on = date(2027, 7, 14)
    member.extended_at = utc("2027-06-29 02:00")
    member.extension_reason = "Cuti sakit"
    db.session.commit()
    with at("2027-07-01 01:00"):  # no longer overdue: nothing
        run(runner)
    with at("2027-07-07 01:00"):
        run(runner)
    with at("2027-07-13 01:00"):
        run(runner)
    prefix = f"assignment:{assignment.id}:member:{siti.id}"
    assert keys() == [f"{prefix}:due-1:2027-06-30", f"{prefix}:due-7:2027-07-14", f"{prefix}:due-1:2027-07-14"]


def test_mandatory_reminders_ignore_the_opt_out_and_speak_her_language(db, module, runner):
    siti = learner(locale="en")
    siti.wants_optional_mail = False
    db.session.commit()
    assignment_with(module, [siti], start_on=START, due_on=DUE)
    with at("2027-06-29 01:00"):
        run(runner)
    [message] = outbox()
    assert message.locale == "en"
    assert message.subject.startswith("Mandatory module") or "due" in message.subject.lower()
    assert "Mandatory module reminders are always sent" in message.body_text


def test_dry_run_writes_nothing_and_mail_off_refuses(db, module, runner, app, monkeypatch):
    assignment_with(module, [learner()], start_on=START, due_on=DUE)
    with at("2027-06-29 01:00"):
        result = run(runner, "--dry-run")
        assert "Uji coba: 0 pengingat 7 hari, 1 pengingat 1 hari" in result.output
        assert outbox() == []
        monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
        refused = runner.invoke(args=["reminders", "send"])
    assert refused.exit_code == 1 and "Email tidak aktif" in refused.output
    assert outbox() == []


def test_bad_option_is_refused(db, runner):
    result = runner.invoke(args=["reminders", "send", "--kapan", "besok"])
    assert result.exit_code == 2 and "--kapan" in result.output
    assert outbox() == []


# --- the HR digest ----------------------------------------------------------------------------------


@pytest.fixture
def city(db, module):
    """Two OPDs: in A two ASN (one overdue on a mandatory module), in B one; HR of A, city HR, an HR who
    opted out. JP target 20 by default: nobody has reached it."""
    opd_a, opd_b = make_opd("Dinas A"), make_opd("Dinas B")
    a1 = create_user(name="Asn A1", opd=opd_a, email="a1@semarangkota.go.id")
    a2 = create_user(name="Asn A2", opd=opd_a)
    b1 = create_user(name="Asn B1", opd=opd_b)
    assignment_with(module, [a1, b1], start_on=date(2027, 5, 1), due_on=date(2027, 5, 31))
    complete_at(b1, module, utc("2027-05-10 03:00"))
    hr_a = create_user(roles=("hr",), name="HR Dinas A", email="hr.a@semarangkota.go.id")
    db.session.add(HrScope(user_id=hr_a.id, opd_id=opd_a.id))
    hr_city = with_locale(create_user(roles=("hr",), name="HR BKPP", email="hr.kota@semarangkota.go.id"), "en")
    quiet = create_user(roles=("hr",), name="HR Sunyi", email="hr.sunyi@semarangkota.go.id")
    quiet.wants_optional_mail = False
    db.session.commit()
    return {"a": (a1, a2), "hr_a": hr_a, "hr_city": hr_city, "quiet": quiet}


def digests() -> dict[str, OutboxMessage]:
    return {message.recipient: message for message in outbox("hr_digest")}


def test_the_digest_counts_each_hr_scope_once_a_week_and_respects_the_opt_out(city, runner):
    with at("2027-06-07 00:30"):  # Monday 07:30 WIB
        run(runner)
        run(runner)
    found = digests()
    assert set(found) == {"hr.a@semarangkota.go.id", "hr.kota@semarangkota.go.id"}  # not the one who opted out
    scoped, citywide = found["hr.a@semarangkota.go.id"], found["hr.kota@semarangkota.go.id"]
    assert scoped.event_key == f"hr-digest:{city['hr_a'].id}:2027-W23"
    assert "Dinas A" in scoped.subject
    assert "ASN di bawah target JP tahun ini: 2 dari 2" in scoped.body_text
    assert "Modul wajib yang melewati tenggat: 1" in scoped.body_text
    assert "http://lentera.test/hr/dasbor" in scoped.body_text
    assert citywide.locale == "en"
    assert "below the JP target this year: 3 of 3" in citywide.body_text
    assert "overdue: 1" in citywide.body_text
    with at("2027-06-13 16:00"):  # Sunday 23:00 WIB, same week
        run(runner)
    assert len(outbox("hr_digest")) == 2
    with at("2027-06-13 23:59"):  # Monday 06:59 WIB of the next week: not yet
        run(runner)
    assert len(outbox("hr_digest")) == 2
    with at("2027-06-14 00:00"):  # Monday 07:00 WIB
        run(runner)
    assert sorted(m.event_key.rsplit(":", 1)[1] for m in outbox("hr_digest")) == [
        "2027-W23",
        "2027-W23",
        "2027-W24",
        "2027-W24",
    ]


# --- end to end: through a real SMTP server --------------------------------------------------------


def test_a_reminder_arrives_through_smtp_once(smtp_app, smtp_server, db, module, runner):
    siti = learner(email="siti.rahayu@semarangkota.go.id")
    assignment_with(module, [siti], start_on=START, due_on=DUE)
    with at("2027-06-23 01:00"):
        run(runner)
        run(runner)
        assert send_pass().sent == 1
        run(runner)
        assert send_pass().claimed == 0
    [arrived] = smtp_server.received
    assert arrived.envelope_to == ("siti.rahayu@semarangkota.go.id",)
    assert "30 Juni 2027" in arrived.subject
    assert f"http://lentera.test/modul/{module.slug}" in arrived.text
    assert f'href="http://lentera.test/modul/{module.slug}"' in arrived.html


def test_the_run_is_one_query_set_whatever_the_members(db, module, app):
    """Planning reads a bounded number of queries (no per-member reads) when nothing is new to queue."""
    people = [learner(f"Orang {i}", email=f"orang{i}@semarangkota.go.id") for i in range(30)]
    assignment_with(module, people, start_on=START, due_on=DUE)
    with at("2027-06-23 01:00"):
        first = reminders.send_reminders()
        db.session.commit()
        assert sum(first.queued.values()) == 30
        from sqlalchemy import event

        statements: list[str] = []
        engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            second = reminders.send_reminders()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert sum(second.queued.values()) == 0 and second.already == 30
    assert len(statements) <= 6, statements


def test_a_long_run_commits_in_batches_and_a_run_stopped_half_way_is_finished_by_the_next(
    db, module, runner, monkeypatch
):
    people = [learner(f"Orang {i}", email=f"orang{i}@semarangkota.go.id") for i in range(5)]
    assignment_with(module, people, start_on=START, due_on=DUE)
    monkeypatch.setattr(reminders, "BATCH", 2)
    calls = []

    def commit_then_stop():
        db.session.commit()
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("server mati di tengah jalan")

    with at("2027-06-23 01:00"):
        with pytest.raises(RuntimeError):
            reminders.send_reminders(batch=commit_then_stop)
        db.session.rollback()
        assert len(outbox()) == 4  # two batches committed, the fifth lost with the rollback
        result = run(runner)
    assert "1 pengingat 7 hari" in result.output and "4 sudah ada sebelumnya" in result.output
    assert len(outbox()) == 5
