"""Test helpers for assignments: a module, an assignment with members written directly, a completion at a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from lms.accounts.models import Opd
from lms.assignments.models import Assignment, AssignmentMember
from lms.extensions import db
from lms.learning.models import Completion, Enrolment


def make_opd(name: str) -> Opd:
    opd = db.session.scalar(select(Opd).where(Opd.name == name))
    if opd is None:
        opd = Opd(name=name)
        db.session.add(opd)
        db.session.flush()
    return opd


def utc(text: str) -> datetime:
    """'2027-06-30 16:59' as a UTC moment (16:59 UTC is 23:59 WIB)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def assignment_with(module, users, *, start_on: date, due_on: date, **fields) -> Assignment:
    """An assignment of `module` to exactly `users` (kind 'nip'), written directly, committed."""
    assignment = Assignment(module_id=module.id, target_kind="nip", start_on=start_on, due_on=due_on, **fields)
    db.session.add(assignment)
    db.session.flush()
    for user in users:
        db.session.add(AssignmentMember(assignment_id=assignment.id, user_id=user.id, due_on=due_on))
    db.session.commit()
    return assignment


def complete_at(user, module, moment: datetime, *, cycle: int = 1, voided: bool = False) -> Completion:
    completion = Completion(
        user_id=user.id,
        module_id=module.id,
        cycle=cycle,
        started_at=moment,
        completed_at=moment,
        score=100,
        jp=module.jp,
        module_version=module.version,
        voided_at=moment if voided else None,
        jp_exclusion="void" if voided else None,
    )
    db.session.add(completion)
    db.session.commit()
    return completion


def enrol(user, module) -> Enrolment:
    enrolment = Enrolment(user_id=user.id, module_id=module.id)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment
