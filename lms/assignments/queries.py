"""Reads about assignments: each member's state, computed in SQL, for Beranda, the HR desk and the dashboard."""

from __future__ import annotations

import datetime

import sqlalchemy
from sqlalchemy import and_, case, exists, func, or_, select

from lms import dates
from lms.accounts.models import User
from lms.assignments.models import (
    DONE_LATE,
    DONE_ON_TIME,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Assignment,
    AssignmentMember,
)
from lms.learning.models import Completion, Enrolment


def counting_completions(as_of: datetime.date):
    """Per active member (`member_id`), the WIB date of the first completion that counts for her
    assignment (`completed_on`), as a subquery; members without one have no row.

    A completion counts when it is of the assignment's module, not voided, dated (WIB) no later than
    `as_of`, and on or after the assignment's `start_on` — or earlier, when the assignment allows it.
    """
    member, assignment = AssignmentMember, Assignment
    done_on = dates.local_date_sql(Completion.completed_at)
    return (
        select(member.id.label("member_id"), func.min(done_on).label("completed_on"))
        .join(assignment, assignment.id == member.assignment_id)
        .join(Completion, and_(Completion.user_id == member.user_id, Completion.module_id == assignment.module_id))
        .where(
            member.removed_at.is_(None),
            assignment.cancelled_at.is_(None),
            Completion.voided_at.is_(None),
            done_on <= as_of,
            or_(assignment.allow_earlier_completion.is_(True), done_on >= assignment.start_on),
        )
        .group_by(member.id)
        .subquery("counting_completions")
    )


def member_states(as_of: datetime.date) -> sqlalchemy.Subquery:
    """One row per active member (not removed, assignment not cancelled) on the WIB date `as_of`:
    `assignment_id`, `user_id`, `opd_id` (her current OPD), `due_on` (her own), `completed_on` (the WIB
    date of the completion that counts, or NULL) and `state`:

    - 'selesai_tepat': a counting completion on or before her due date;
    - 'selesai_terlambat': a counting completion after it;
    - 'terlambat': none, and her due date is before `as_of`;
    - 'berjalan': none, not overdue, and she has opened the module (an enrolment);
    - 'belum_mulai': otherwise.

    Computed in the database (CASE), so callers aggregate it with GROUP BY.
    """
    member, assignment = AssignmentMember, Assignment
    done = counting_completions(as_of)
    enrolled = exists().where(Enrolment.user_id == member.user_id, Enrolment.module_id == assignment.module_id)
    state = case(
        (and_(done.c.completed_on.is_not(None), done.c.completed_on <= member.due_on), DONE_ON_TIME),
        (done.c.completed_on.is_not(None), DONE_LATE),
        (member.due_on < as_of, OVERDUE),
        (enrolled, IN_PROGRESS),
        else_=NOT_STARTED,
    )
    return (
        select(
            member.assignment_id.label("assignment_id"),
            member.user_id.label("user_id"),
            User.opd_id.label("opd_id"),
            member.due_on.label("due_on"),
            done.c.completed_on.label("completed_on"),
            state.label("state"),
        )
        .join(assignment, assignment.id == member.assignment_id)
        .join(User, User.id == member.user_id)
        .outerjoin(done, done.c.member_id == member.id)
        .where(member.removed_at.is_(None), assignment.cancelled_at.is_(None))
        .subquery("member_states")
    )
