"""member_states: each member's state computed in SQL, with completions dated in WIB at the day's edges."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import dates
from lms.assignments.models import Assignment, AssignmentMember
from lms.assignments.queries import member_states
from lms.extensions import db
from lms.learning.models import Completion
from tests.assignments.helpers import assignment_with, complete_at, enrol, make_opd, utc
from tests.conftest import create_user
from tests.learning.helpers import make_module

START, DUE = date(2027, 6, 1), date(2027, 6, 30)


@pytest.fixture
def module(db, tmp_path):
    return make_module(tmp_path)


def states(as_of: date) -> dict[int, tuple]:
    rows = db.session.execute(select(member_states(as_of))).mappings().all()
    return {row["user_id"]: (row["state"], row["completed_on"]) for row in rows}


def state_of(user, as_of: date) -> str:
    return states(as_of)[user.id][0]


def test_not_started_in_progress_overdue(db, module):
    idle, reading = create_user(), create_user()
    assignment_with(module, [idle, reading], start_on=START, due_on=DUE)
    enrol(reading, module)
    assert state_of(idle, date(2027, 6, 10)) == "belum_mulai"
    assert state_of(reading, date(2027, 6, 10)) == "berjalan"
    # The due date is the last day: overdue from the next one.
    assert state_of(idle, DUE) == "belum_mulai"
    assert state_of(idle, date(2027, 7, 1)) == "terlambat"
    assert state_of(reading, date(2027, 7, 1)) == "terlambat"


def test_done_on_the_due_date_at_23_59_wib_is_on_time_and_at_00_00_wib_late(db, module):
    on_time, late = create_user(), create_user()
    assignment_with(module, [on_time, late], start_on=START, due_on=DUE)
    complete_at(on_time, module, utc("2027-06-30 16:59:59"))  # 23:59:59 WIB on 30 June
    complete_at(late, module, utc("2027-06-30 17:00:00"))  # 00:00 WIB on 1 July
    found = states(date(2027, 7, 5))
    assert found[on_time.id] == ("selesai_tepat", date(2027, 6, 30))
    assert found[late.id] == ("selesai_terlambat", date(2027, 7, 1))


def test_a_completion_before_the_start_counts_only_when_allowed(db, module):
    before, at_start = create_user(), create_user()
    strict = assignment_with(module, [before, at_start], start_on=START, due_on=DUE)
    complete_at(before, module, utc("2027-05-31 16:59"))  # 23:59 WIB on 31 May: before the window
    complete_at(at_start, module, utc("2027-05-31 17:00"))  # 00:00 WIB on 1 June: inside it
    found = states(date(2027, 6, 10))
    assert found[before.id] == ("belum_mulai", None)
    assert found[at_start.id] == ("selesai_tepat", date(2027, 6, 1))

    strict.allow_earlier_completion = True
    db.session.commit()
    assert states(date(2027, 6, 10))[before.id] == ("selesai_tepat", date(2027, 5, 31))


def test_a_voided_completion_another_module_and_a_later_one_do_not_count(db, module, tmp_path):
    other = make_module(tmp_path, "modul-lain", title="Modul Lain")
    voided, elsewhere, future = create_user(), create_user(), create_user()
    assignment_with(module, [voided, elsewhere, future], start_on=START, due_on=DUE)
    complete_at(voided, module, utc("2027-06-05 03:00"), voided=True)
    complete_at(elsewhere, other, utc("2027-06-05 03:00"))
    complete_at(future, module, utc("2027-06-20 03:00"))
    found = states(date(2027, 6, 10))
    assert found[voided.id][0] == "belum_mulai"
    assert found[elsewhere.id][0] == "belum_mulai"
    assert found[future.id][0] == "belum_mulai"  # as it stood on 10 June
    assert states(date(2027, 6, 20))[future.id] == ("selesai_tepat", date(2027, 6, 20))


def test_a_new_cycle_after_a_void_counts_with_its_own_date(db, module):
    learner = create_user()
    assignment_with(module, [learner], start_on=START, due_on=DUE)
    complete_at(learner, module, utc("2027-06-05 03:00"), voided=True)
    complete_at(learner, module, utc("2027-07-02 03:00"), cycle=2)
    assert states(date(2027, 7, 3))[learner.id] == ("selesai_terlambat", date(2027, 7, 2))


def test_personal_due_date_removed_members_cancelled_assignments_and_current_opd(db, module):
    opd_a, opd_b = make_opd("Dinas A"), make_opd("Dinas B")
    extended, removed, moved = create_user(opd=opd_a), create_user(), create_user(opd=opd_a)
    assignment = assignment_with(module, [extended, removed, moved], start_on=START, due_on=DUE)
    rows = {m.user_id: m for m in db.session.scalars(select(AssignmentMember))}
    rows[extended.id].due_on = date(2027, 7, 15)
    rows[removed.id].removed_at = utc("2027-06-10 03:00")
    moved.opd_id = opd_b.id
    db.session.commit()
    rows_found = db.session.execute(select(member_states(date(2027, 7, 5)))).mappings().all()
    by_user = {r["user_id"]: r for r in rows_found}
    assert set(by_user) == {extended.id, moved.id}
    assert by_user[extended.id]["state"] == "belum_mulai" and by_user[extended.id]["due_on"] == date(2027, 7, 15)
    assert by_user[moved.id]["state"] == "terlambat" and by_user[moved.id]["opd_id"] == opd_b.id
    assert {r["assignment_id"] for r in rows_found} == {assignment.id}

    db.session.get(Assignment, assignment.id).cancelled_at = dates.now()
    db.session.get(Assignment, assignment.id).cancel_reason = "Salah modul"
    db.session.commit()
    assert states(date(2027, 7, 5)) == {}


def test_local_date_sql_reads_the_office_day(db, module):
    learner = create_user()
    complete_at(learner, module, utc("2026-12-31 17:30"))
    assert db.session.scalar(select(dates.local_date_sql(Completion.completed_at))) == date(2027, 1, 1)
