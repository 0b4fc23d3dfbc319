"""People who join a group later get the assignment; those who leave it before completing it are removed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from lms.accounts import services as account_services
from lms.assignments import services
from lms.assignments.models import AssignmentMember
from lms.assignments.queries import member_states
from lms.assignments.services import AssignmentRequest, read_nip_text
from lms.extensions import db
from tests.assignments.helpers import complete_at, make_opd, utc
from tests.certificates.factories import make_module
from tests.conftest import create_user, make_nip

NOW = "2027-06-02T03:00:00+00:00"  # 10:00 WIB, 2 June 2027
TODAY = date(2027, 6, 2)
DUE = date(2027, 6, 30)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db):
    dinas_a, dinas_b = make_opd("Dinas A"), make_opd("Dinas B")
    db.session.commit()
    admin = create_user(roles=("admin", "hr"))
    return {"module": make_module(), "a": dinas_a, "b": dinas_b, "admin": admin, "a1": create_user(opd=dinas_a)}


def assign(world, **fields):
    fields.setdefault("target_kind", "opd")
    fields.setdefault("opd_ids", (world["a"].id,))
    request = AssignmentRequest(module_id=world["module"].id, start_on=TODAY, due_on=DUE, **fields)
    assignment = services.create_assignment(request, actor=world["admin"], scope=None)
    db.session.commit()
    return assignment


def member(assignment, user) -> AssignmentMember | None:
    return db.session.scalar(
        select(AssignmentMember).where(
            AssignmentMember.assignment_id == assignment.id, AssignmentMember.user_id == user.id
        )
    )


def move(world, user, opd) -> None:
    account_services.update_profile(
        user,
        actor=world["admin"],
        name=user.name,
        email=user.email,
        opd=opd,
        unit_kerja=None,
        jabatan=None,
        pangkat_golongan=None,
    )
    db.session.commit()


def test_a_new_account_joins_with_the_same_due_date(world):
    assignment = assign(world)
    newcomer = create_user(opd=world["a"])
    elsewhere = create_user(opd=world["b"])
    assert member(assignment, newcomer).due_on == DUE
    assert member(assignment, elsewhere) is None


def test_a_late_joiner_gets_her_own_days_never_before_the_group_due_date(world):
    assignment = assign(world, late_join_days=14)
    with time_machine.travel("2027-06-25T03:00:00+00:00", tick=False):
        late = create_user(opd=world["a"])
    assert member(assignment, late).due_on == date(2027, 7, 9)
    early = create_user(opd=world["a"])  # 2 June + 14 days is before 30 June
    assert member(assignment, early).due_on == DUE


def test_no_one_joins_after_the_due_date_without_late_join_days(world):
    assignment = assign(world)
    with time_machine.travel("2027-07-01T03:00:00+00:00", tick=False):
        late = create_user(opd=world["a"])
    assert member(assignment, late) is None


def test_mutasi_in_and_out(world):
    assignment = assign(world)
    mover = create_user(opd=world["b"])
    assert member(assignment, mover) is None
    move(world, mover, world["a"])
    assert member(assignment, mover).removed_at is None
    move(world, mover, world["b"])
    assert member(assignment, mover).removed_at is not None
    assert mover.id not in {row.user_id for row in db.session.execute(select(member_states(TODAY))).all()}
    move(world, mover, world["a"])  # back again: the same row, active
    assert member(assignment, mover).removed_at is None


def test_leaving_after_completing_keeps_it_done(world):
    assignment = assign(world)
    complete_at(world["a1"], world["module"], utc("2027-06-02 02:00"))
    move(world, world["a1"], world["b"])
    assert member(assignment, world["a1"]).removed_at is None
    states = {row.user_id: row.state for row in db.session.execute(select(member_states(TODAY))).all()}
    assert states[world["a1"].id] == "selesai_tepat"


def test_deactivation_removes_and_reactivation_restores(world):
    assignment = assign(world)
    account_services.set_active(world["a1"], False, actor=world["admin"])
    db.session.commit()
    assert member(assignment, world["a1"]).removed_at is not None
    account_services.set_active(world["a1"], True, actor=world["admin"])
    db.session.commit()
    assert member(assignment, world["a1"]).removed_at is None


def test_employee_type_and_scope_groups_follow_the_roster(world):
    create_user(opd=world["a"], nip=make_nip(pppk=True))
    pppk = assign(world, target_kind="employee_type", opd_ids=(), employee_type="PPPK")
    newcomer = create_user(opd=world["b"], nip=make_nip(pppk=True))
    assert member(pppk, newcomer) is not None
    assert member(pppk, world["a1"]) is None  # a PNS

    scoped = services.create_assignment(
        AssignmentRequest(module_id=make_module(title="Modul OPD").id, target_kind="all", start_on=TODAY, due_on=DUE),
        actor=world["admin"],
        scope=world["a"],
    )
    db.session.commit()
    assert member(scoped, newcomer) is None
    move(world, newcomer, world["a"])
    assert member(scoped, newcomer).removed_at is None


def test_a_nip_list_takes_no_newcomers_but_follows_its_own_people(world):
    listed = assign(world, target_kind="nip", opd_ids=(), nips=read_nip_text(world["a1"].nip))
    newcomer = create_user(opd=world["a"])
    assert member(listed, newcomer) is None
    move(world, world["a1"], world["b"])  # a city-wide list keeps her wherever she works
    assert member(listed, world["a1"]).removed_at is None
    account_services.set_active(world["a1"], False, actor=world["admin"])
    db.session.commit()
    assert member(listed, world["a1"]).removed_at is not None
    account_services.set_active(world["a1"], True, actor=world["admin"])
    db.session.commit()
    assert member(listed, world["a1"]).removed_at is None


def test_cancelled_assignments_take_no_one(world):
    assignment = assign(world)
    services.cancel_assignment(assignment, actor=world["admin"], scope=None, reason="Batal")
    db.session.commit()
    assert member(assignment, create_user(opd=world["a"])) is None


def test_a_new_account_costs_at_most_two_reads_of_assignments(world):
    """A roster import creates thousands of accounts: each asks about assignments twice at most."""
    from tests.learning.helpers import count_statements

    assign(world)
    assign(world, target_kind="all", opd_ids=(), late_join_days=10)
    with count_statements(db.engine) as statements:
        create_user(opd=world["a"])
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "assignment" in s]
    assert len(reads) <= 2, reads
