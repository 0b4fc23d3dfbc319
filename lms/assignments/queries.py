"""Reads about assignments: each member's state, computed in SQL, for Beranda, the HR desk and the dashboard."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

import sqlalchemy
from sqlalchemy import and_, case, exists, func, or_, select

from lms import dates
from lms.accounts.models import Opd, User
from lms.accounts.nip import nip_search_digits
from lms.assignments.models import (
    DONE_LATE,
    DONE_ON_TIME,
    DONE_STATES,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    STATES,
    Assignment,
    AssignmentMember,
)
from lms.content.models import Module
from lms.errors import NotFound
from lms.extensions import db
from lms.learning.models import Completion, Enrolment
from lms.pagination import Page


def counting_completions(as_of: datetime.date, *where):
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
            *where,
        )
        .group_by(member.id)
        .subquery("counting_completions")
    )


def member_states(as_of: datetime.date) -> sqlalchemy.Subquery:
    """One row per active member on the WIB date `as_of` — assignment_id, user_id, opd_id, due_on,
    completed_on, state — as a subquery for the dashboard to aggregate (the rule: `member_state_select`)."""
    return member_state_select(as_of).subquery("member_states")


def member_state_select(as_of: datetime.date, *where) -> sqlalchemy.Select:
    """One row per active member (not removed, assignment not cancelled) on the WIB date `as_of`:
    `assignment_id`, `user_id`, `opd_id` (her current OPD), `due_on` (her own), `completed_on` (the WIB
    date of the completion that counts, or NULL) and `state`:

    - 'selesai_tepat': a counting completion on or before her due date;
    - 'selesai_terlambat': a counting completion after it;
    - 'terlambat': none, and her due date is before `as_of`;
    - 'berjalan': none, not overdue, and she has opened the module (an enrolment);
    - 'belum_mulai': otherwise.

    Computed in the database (CASE), so callers aggregate it with GROUP BY. `where` narrows the members
    (e.g. `AssignmentMember.assignment_id == 7`) in both the rows and the completions they look up.
    """
    member, assignment = AssignmentMember, Assignment
    done = counting_completions(as_of, *where)
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
        .where(member.removed_at.is_(None), assignment.cancelled_at.is_(None), *where)
    )


def completed_member_ids(member_ids: list[int], as_of: datetime.date) -> set[int]:
    """Which of these members have a completion that counts for their assignment (one query)."""
    if not member_ids:
        return set()
    done = counting_completions(as_of, AssignmentMember.id.in_(member_ids))
    return set(db.session.scalars(select(done.c.member_id)))


# --- the HR desk and Beranda ----------------------------------------------------------------------

PAGE_SIZE = 50


def visible_to(scope: Opd | None):
    """Assignments an HR account sees: all (city-wide), or those made for its OPD and the city-wide ones."""
    if scope is None:
        return sqlalchemy.true()
    return or_(Assignment.scope_opd_id == scope.id, Assignment.scope_opd_id.is_(None))


def _people_of(scope: Opd | None) -> list:
    """Member conditions limiting counts and lists to the people an HR account sees."""
    if scope is None:
        return []
    return [AssignmentMember.user_id.in_(select(User.id).where(User.opd_id == scope.id))]


def assignment_in_scope(scope: Opd | None, assignment_id: int) -> Assignment:
    assignment = db.session.scalar(select(Assignment).where(Assignment.id == assignment_id, visible_to(scope)))
    if assignment is None:
        raise NotFound("Penugasan tidak ditemukan.")
    return assignment


def page_of_assignments(scope: Opd | None, page: int) -> Page:
    """Assignments the account sees, running ones first (by due date), then cancelled ones."""
    stmt = select(Assignment).where(visible_to(scope))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = list(
        db.session.scalars(
            stmt.order_by(Assignment.cancelled_at.is_not(None), Assignment.due_on.desc(), Assignment.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(items=items, page=page, per_page=PAGE_SIZE, total=total)


def state_counts(assignment_ids: list[int], scope: Opd | None, as_of: datetime.date) -> dict[int, Counter]:
    """{assignment id: Counter(state → people)} among the people the account sees (one grouped query)."""
    if not assignment_ids:
        return {}
    rows = member_state_select(as_of, AssignmentMember.assignment_id.in_(assignment_ids), *_people_of(scope)).subquery()
    counts: dict[int, Counter] = {assignment_id: Counter() for assignment_id in assignment_ids}
    for assignment_id, state, n in db.session.execute(
        select(rows.c.assignment_id, rows.c.state, func.count()).group_by(rows.c.assignment_id, rows.c.state)
    ):
        counts[assignment_id][state] = n
    return counts


@dataclass(frozen=True)
class OpdProgress:
    opd_id: int | None
    name: str
    counts: Counter

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts[state] for state in DONE_STATES)


def progress_by_opd(assignment_id: int, scope: Opd | None, as_of: datetime.date) -> list[OpdProgress]:
    """Per OPD of the members (their current one): people in each state, by OPD name (one grouped query)."""
    rows = member_state_select(as_of, AssignmentMember.assignment_id == assignment_id, *_people_of(scope)).subquery()
    found: dict[int | None, OpdProgress] = {}
    for opd_id, name, state, n in db.session.execute(
        select(rows.c.opd_id, Opd.name, rows.c.state, func.count())
        .outerjoin(Opd, Opd.id == rows.c.opd_id)
        .group_by(rows.c.opd_id, Opd.name, rows.c.state)
    ):
        found.setdefault(opd_id, OpdProgress(opd_id, name or "", Counter())).counts[state] = n
    return sorted(found.values(), key=lambda row: (row.opd_id is None, row.name))


@dataclass(frozen=True)
class MemberFilters:
    state: str = ""
    opd_id: int | None = None
    q: str = ""

    def as_args(self) -> dict:
        return {"status": self.state, "opd": self.opd_id or "", "q": self.q}


def member_rows(assignment_id: int, scope: Opd | None, as_of: datetime.date, filters: MemberFilters):
    """The per-person list as a statement of plain columns (user_id, nip, name, opd_name, state, due_on,
    completed_on, extension_reason), by OPD and name; filtered by state, OPD and a name or NIP (as typed or
    printed, whole or in part). Columns, not User objects: 15,000 rows export without loading accounts."""
    states = member_state_select(as_of, AssignmentMember.assignment_id == assignment_id, *_people_of(scope)).subquery()
    stmt = (
        select(
            User.id.label("user_id"),
            User.nip,
            User.name,
            Opd.name.label("opd_name"),
            states.c.state,
            states.c.due_on,
            states.c.completed_on,
            AssignmentMember.extension_reason,
        )
        .select_from(User)
        .join(states, states.c.user_id == User.id)
        .join(
            AssignmentMember,
            and_(AssignmentMember.assignment_id == assignment_id, AssignmentMember.user_id == User.id),
        )
        .outerjoin(Opd, Opd.id == User.opd_id)
    )
    if filters.state in STATES:
        stmt = stmt.where(states.c.state == filters.state)
    if filters.opd_id:
        stmt = stmt.where(User.opd_id == filters.opd_id)
    nip = nip_search_digits(filters.q)
    if nip:
        stmt = stmt.where(User.nip.contains(nip, autoescape=True))
    else:
        for word in filters.q.split()[:10]:
            stmt = stmt.where(User.name.icontains(word, autoescape=True))
    return stmt.order_by(Opd.name, User.name, User.id)


def page_of_members(
    assignment_id: int,
    scope: Opd | None,
    as_of: datetime.date,
    filters: MemberFilters,
    page: int,
    *,
    total: int | None = None,
) -> Page:
    """A page of `member_rows`; `total` when the caller already counted them (the OPD table), else counted."""
    stmt = member_rows(assignment_id, scope, as_of, filters)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(items=list(items), page=page, per_page=PAGE_SIZE, total=total)


@dataclass(frozen=True)
class MyAssignment:
    """One of her mandatory modules, as Beranda shows it."""

    module: Module
    due_on: datetime.date
    state: str
    completed_on: datetime.date | None
    note: str | None

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES


def my_assignments(user_id: int, as_of: datetime.date, *, module_id: int | None = None) -> list[MyAssignment]:
    """Her active mandatory modules (or only `module_id`): those still to do first (nearest due date
    first), then those done (one query). A module assigned twice (two groups) is shown once, with its
    nearest due date."""
    where = [AssignmentMember.user_id == user_id]
    if module_id is not None:
        where.append(AssignmentMember.assignment_id.in_(select(Assignment.id).where(Assignment.module_id == module_id)))
    rows = member_state_select(as_of, *where).subquery()
    found = db.session.execute(
        select(Module, Assignment.note, rows.c.due_on, rows.c.state, rows.c.completed_on)
        .join(Assignment, Assignment.id == rows.c.assignment_id)
        .join(Module, Module.id == Assignment.module_id)
        .order_by(rows.c.due_on, Assignment.id)
    ).all()
    result: dict[int, MyAssignment] = {}
    for module, note, due_on, state, completed_on in found:
        if module.id not in result:
            result[module.id] = MyAssignment(module, due_on, state, completed_on, note)
    return sorted(result.values(), key=lambda item: (item.is_done, item.due_on))


def member_in_scope(assignment_id: int, user_id: int, scope: Opd | None) -> AssignmentMember:
    """An active member the account sees; NotFound otherwise (out of scope reads as missing)."""
    member = db.session.scalar(
        select(AssignmentMember).where(
            AssignmentMember.assignment_id == assignment_id,
            AssignmentMember.user_id == user_id,
            AssignmentMember.removed_at.is_(None),
        )
    )
    if member is None or (scope is not None and member.user.opd_id != scope.id):
        raise NotFound("Pegawai ini tidak termasuk dalam penugasan.")
    return member
