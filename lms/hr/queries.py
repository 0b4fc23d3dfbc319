"""Reads for the HR desk, always within the reader's scope: certificates, people, OPD, JP, review, SIASN.

An HR account is city-wide or limited to one OPD (`HrScope`). Out-of-scope people and certificates
are answered exactly like missing ones (NotFound), so a scoped account learns nothing about them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import contains_eager

from lms import dates
from lms.accounts.models import Opd, User
from lms.accounts.nip import nip_search_digits
from lms.certificates.models import VALID, Certificate
from lms.certificates.queries import CertificateFilters, current_certificates, search_certificates
from lms.content.models import Module
from lms.errors import NotFound
from lms.extensions import db
from lms.external.models import APPROVED, ExternalTraining
from lms.external.queries import year_filter as external_year
from lms.hr.exports import SiasnCourse, siasn_course
from lms.learning import queries as learning_queries
from lms.learning.models import Completion

PAGE_SIZE = 50


# --- scope ---


def person_in_scope(scope: Opd | None, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or (scope is not None and user.opd_id != scope.id):
        raise NotFound("Pegawai tidak ditemukan.")
    return user


def opd_in_scope(scope: Opd | None, opd_id: int) -> Opd:
    opd = db.session.get(Opd, opd_id)
    if opd is None or (scope is not None and opd.id != scope.id):
        raise NotFound("OPD tidak ditemukan.")
    return opd


# --- certificate search --------------------------------------------------------------------------


def opd_choices(scope: Opd | None) -> list[Opd]:
    if scope is not None:
        return [scope]
    return list(db.session.scalars(select(Opd).order_by(Opd.name)))


def module_choices() -> list[Module]:
    return list(db.session.scalars(select(Module).order_by(Module.title)))


# --- people, JP and OPD tables -------------------------------------------------------------------


def search_people(scope: Opd | None, q: str = "", opd_id: int | None = None, page: int = 1):
    """People (any account with an OPD or not) within scope whose NIP is `q` as typed or printed (whole or
    in part), or who match every word of `q` by name or NIP."""
    stmt = select(User).outerjoin(User.opd).options(contains_eager(User.opd))
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    elif opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    nip = nip_search_digits(q)
    words = [] if nip else q.split()[:10]
    if nip:
        stmt = stmt.where(User.nip.contains(nip, autoescape=True))
    for word in words:
        digits = nip_search_digits(word)
        conditions = [User.name.icontains(word, autoescape=True)]
        if digits:
            conditions.append(User.nip.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    stmt = stmt.order_by(User.name, User.id)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def jp_split_by_user(user_ids: list[int], year: int) -> dict[int, tuple[int, int]]:
    """(Lentera JP, external JP) earned in `year` per person, one grouped query: completions dated in that
    year at the office that count (the rule of lms.learning.jp), and approved training outside Lentera
    ending that year (lms.external)."""
    if not user_ids:
        return {}
    start, end = dates.year_bounds(year)
    lentera = select(
        Completion.user_id.label("user_id"), Completion.jp.label("lentera"), literal(0).label("external")
    ).where(
        Completion.user_id.in_(user_ids),
        Completion.completed_at >= start,
        Completion.completed_at < end,
        Completion.counts_for_jp,
    )
    outside = select(
        ExternalTraining.user_id.label("user_id"), literal(0).label("lentera"), ExternalTraining.jp.label("external")
    ).where(ExternalTraining.user_id.in_(user_ids), ExternalTraining.status == APPROVED, external_year(year))
    both = union_all(lentera, outside).subquery()
    rows = db.session.execute(
        select(both.c.user_id, func.sum(both.c.lentera), func.sum(both.c.external)).group_by(both.c.user_id)
    ).all()
    found = {user_id: (int(a or 0), int(b or 0)) for user_id, a, b in rows}
    return {user_id: found.get(user_id, (0, 0)) for user_id in user_ids}


def jp_by_user(user_ids: list[int], year: int) -> dict[int, int]:
    """JP earned in `year` per person: from Lentera and from approved external training (one grouped query)."""
    return {user_id: a + b for user_id, (a, b) in jp_split_by_user(user_ids, year).items()}


@dataclass(frozen=True)
class JpRow:
    user: User
    jp: int  # Lentera and external together
    target: int
    external: int = 0

    @property
    def reached(self) -> bool:
        return self.jp >= self.target


def opd_jp_rows(opd: Opd, year: int) -> list[JpRow]:
    """Each active person of the OPD with JP this year against their target (two queries)."""
    people = list(
        db.session.scalars(
            select(User).where(User.opd_id == opd.id, User.is_active_account.is_(True)).order_by(User.name, User.id)
        )
    )
    earned = jp_split_by_user([u.id for u in people], year)
    return [
        JpRow(user=u, jp=sum(earned[u.id]), target=learning_queries.jp_target(u), external=earned[u.id][1])
        for u in people
    ]


@dataclass(frozen=True)
class OpdRow:
    opd: Opd
    people: int
    reached: int
    jp: int  # Lentera and external together
    external: int = 0


def opd_overview(scope: Opd | None, year: int) -> list[OpdRow]:
    """Per OPD: active people, how many reached their JP target this year, JP in total and of it external
    (three queries)."""
    opds = opd_choices(scope)
    people = list(
        db.session.scalars(select(User).where(User.opd_id.in_([o.id for o in opds]), User.is_active_account.is_(True)))
    )
    earned = jp_split_by_user([u.id for u in people], year)
    rows = {o.id: [0, 0, 0, 0] for o in opds}
    for user in people:
        row = rows[user.opd_id]
        total = sum(earned[user.id])
        row[0] += 1
        row[1] += total >= learning_queries.jp_target(user)
        row[2] += total
        row[3] += earned[user.id][1]
    return [
        OpdRow(opd=o, people=rows[o.id][0], reached=rows[o.id][1], jp=rows[o.id][2], external=rows[o.id][3])
        for o in opds
    ]


@dataclass(frozen=True)
class InProgress:
    module: Module
    percent: int
    last_activity_at: datetime


@dataclass(frozen=True)
class Completed:
    completion: Completion
    certificate: Certificate | None


@dataclass(frozen=True)
class PersonOverview:
    user: User
    year: int
    in_progress: list[InProgress]
    completed: list[Completed]
    jp: learning_queries.JpSummary

    @property
    def completed_this_year(self) -> list[Completed]:
        return [c for c in self.completed if dates.local_year(c.completion.completed_at) == self.year]

    @property
    def pending(self) -> list[Completion]:
        """Completions without any certificate (the learner's data could not be printed)."""
        return [c.completion for c in self.completed if c.certificate is None]


def person_overview(user: User, year: int) -> PersonOverview:
    """Modules in progress with percent, every completion with its certificate, JP this year vs target."""
    enrolments = learning_queries.enrolments_with_modules(user.id)
    completions = learning_queries.completions_with_modules(user.id)
    open_enrolments = learning_queries.in_progress(enrolments, completions)
    progress = learning_queries.progress_by_module(user.id, [e.module_id for e in open_enrolments])
    certificates = current_certificates([c.id for c in completions])
    return PersonOverview(
        user=user,
        year=year,
        in_progress=[InProgress(e.module, progress[e.module_id].percent, e.last_activity_at) for e in open_enrolments],
        completed=[Completed(c, certificates.get(c.id)) for c in completions],
        jp=learning_queries.jp_summary(user, completions, year),
    )


def counted_completions_in_year(user: User, year: int) -> list[Completion]:
    """Her completions dated in `year` (WIB) that count toward JP — what the yearly recap lists."""
    start, end = dates.year_bounds(year)
    return list(
        db.session.scalars(
            select(Completion)
            .join(Completion.module)
            .options(contains_eager(Completion.module))
            .where(
                Completion.user_id == user.id,
                Completion.completed_at >= start,
                Completion.completed_at < end,
                Completion.counts_for_jp,
            )
            .order_by(Completion.completed_at, Completion.id)
        )
    )


# --- time on task: completions to review ----------------------------------------------------------


def completions_to_review(scope: Opd | None, year: int, share: float, opd_id: int | None = None) -> list[Completion]:
    """Completions of `year` (WIB) whose recorded reading time is under `share` of the lessons' expected
    minutes (*perlu ditinjau*), within the scope and optionally one OPD, with person, OPD and module, the
    shortest share first (one query). Completions recorded before time was measured, and voided ones
    (revoked as invalid), are not listed."""
    start, end = dates.year_bounds(year)
    stmt = (
        select(Completion)
        .join(Completion.user)
        .outerjoin(User.opd)
        .join(Completion.module)
        .options(contains_eager(Completion.user).contains_eager(User.opd), contains_eager(Completion.module))
        .where(
            Completion.engaged_seconds.is_not(None),
            Completion.voided_at.is_(None),  # already judged invalid: nothing left to review
            Completion.expected_minutes > 0,
            Completion.engaged_seconds < Completion.expected_minutes * (60 * float(share)),
            Completion.completed_at >= start,
            Completion.completed_at < end,
        )
    )
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    elif opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    ratio = Completion.engaged_seconds * 1.0 / Completion.expected_minutes
    return list(db.session.scalars(stmt.order_by(ratio, Completion.completed_at.desc(), Completion.id)))


# --- SIASN ---------------------------------------------------------------------------------------


def siasn_courses(scope: Opd | None, filters: CertificateFilters) -> list[SiasnCourse]:
    """SIASN riwayat kursus rows from the valid certificates matching the filters (snapshot values),
    of completions that count toward JP (a renewal of a module not repeatable for JP, or a second
    completion in one year, is not entered again)."""
    valid = replace(filters, status="")
    stmt = (
        search_certificates(scope, valid)
        .join(Completion, Certificate.completion_id == Completion.id)
        .where(Certificate.status == VALID, Completion.counts_for_jp)
        .order_by(None)
    )
    stmt = stmt.order_by(Certificate.nip, Certificate.completed_on, Certificate.id)
    return [siasn_course(c.snapshot()) for c in db.session.scalars(stmt)]
