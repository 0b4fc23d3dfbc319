"""Reads for the compliance dashboard: JP against the target, per city, OPD and person, aggregated in SQL.

Who counts as an ASN here: an **active** account holding the **peserta** role and placed in an **OPD**
(not anonymised). Admin-only, HR-only or trainer-only accounts are not ASN; a peserta without an OPD
is counted apart (`unplaced_count`) so the admin can place her — she is in no OPD's figures.

JP of a year (WIB) has two parts, shown apart and added for the target:
- Lentera: the completions dated in the year that count by the ONE rule of lms.learning.jp (stored in
  `Completion.jp_exclusion`, NULL = counts) — the same sum as `queries.jp_by_user`;
- external: approved JP earned outside Lentera (lms.external).
The target is JP_TARGET_PNS or JP_TARGET_PPPK by employee type.

Every function runs a fixed number of grouped queries whatever the number of people (no per-person
loop over the ORM); the scope (`Opd` of an OPD-scoped HR account, or None for the city) is applied in
SQL, so charts and exports of a scoped account hold only her OPD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import Select, Subquery, and_, case, exists, func, or_, select, true

from lms import dates
from lms.accounts.models import PESERTA, Opd, User, UserRole
from lms.accounts.nip import nip_search_digits
from lms.assignments.models import DONE_LATE, DONE_ON_TIME, IN_PROGRESS, NOT_STARTED, OVERDUE
from lms.assignments.queries import member_states
from lms.extensions import db
from lms.external.queries import approved_jp_by_user
from lms.learning.models import Completion

PAGE_SIZE = 50
BUCKET_WIDTH = 5  # the histogram's JP buckets: 0, 1–4, 5–9, 10–14, …, then "target reached"

# member_states' states, grouped as the dashboard reads them
ON_TIME, LATE = DONE_ON_TIME, DONE_LATE
PENDING_STATES = (NOT_STARTED, IN_PROGRESS)


# --- building blocks (SQL) -----------------------------------------------------------------------


def targets() -> tuple[int, int]:
    """(PNS, PPPK) yearly JP targets from the configuration."""
    config = current_app.config
    return int(config["JP_TARGET_PNS"]), int(config["JP_TARGET_PPPK"])


def is_asn():
    """The SQL condition on `User` for an ASN of the dashboard (see the module docstring)."""
    return and_(
        User.is_active_account.is_(True),
        User.anonymised_at.is_(None),
        User.opd_id.is_not(None),
        exists().where(UserRole.user_id == User.id, UserRole.role == PESERTA),
    )


def lentera_jp_by_user(year: int) -> Subquery:
    """(user_id, jp): JP of `year` (WIB) from completions that count, per person."""
    start, end = dates.year_bounds(year)
    return (
        select(Completion.user_id.label("user_id"), func.sum(Completion.jp).label("jp"))
        .where(Completion.completed_at >= start, Completion.completed_at < end, Completion.counts_for_jp)
        .group_by(Completion.user_id)
        .subquery("lentera_jp")
    )


def external_jp_by_user(year: int) -> Subquery:
    """(user_id, jp): approved external JP of `year` per person (lms.external)."""
    return approved_jp_by_user(year)


def mandatory_states(year: int) -> Subquery:
    """member_states of the assignments due in `year`, read as of the year's end (or today, if sooner)."""
    as_of = min(dates.today(), date(year, 12, 31))
    return member_states(as_of)


def asn_jp(scope: Opd | None, year: int, opd_id: int | None = None) -> Subquery:
    """One row per ASN in scope (and optional OPD): user_id, opd_id, nip, name, employee_type, lentera,
    external, total, target."""
    pns, pppk = targets()
    lentera = lentera_jp_by_user(year)
    external = external_jp_by_user(year)
    lentera_jp = func.coalesce(lentera.c.jp, 0)
    external_jp = func.coalesce(external.c.jp, 0)
    stmt = (
        select(
            User.id.label("user_id"),
            User.opd_id.label("opd_id"),
            User.nip.label("nip"),
            User.name.label("name"),
            User.employee_type.label("employee_type"),
            lentera_jp.label("lentera"),
            external_jp.label("external"),
            (lentera_jp + external_jp).label("total"),
            case((User.employee_type == "PPPK", pppk), else_=pns).label("target"),
        )
        .outerjoin(lentera, lentera.c.user_id == User.id)
        .outerjoin(external, external.c.user_id == User.id)
        .where(is_asn())
    )
    if scope is not None:
        stmt = stmt.where(User.opd_id == scope.id)
    if opd_id is not None:
        stmt = stmt.where(User.opd_id == opd_id)
    return stmt.subquery("asn")


def _in_scope(column, scope: Opd | None, opd_id: int | None):
    conditions = [true()]
    if scope is not None:
        conditions.append(column == scope.id)
    if opd_id is not None:
        conditions.append(column == opd_id)
    return and_(*conditions)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mandatory:
    """Mandatory modules (one per assignment and person) due in the year: on time, late, overdue, pending."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue + self.pending

    def __add__(self, other: Mandatory) -> Mandatory:
        return Mandatory(
            self.on_time + other.on_time,
            self.late + other.late,
            self.overdue + other.overdue,
            self.pending + other.pending,
        )


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, rounded down (so 99.6 % is not shown as reached by all); 0 of 0 is 0."""
    return part * 100 // whole if whole else 0


@dataclass(frozen=True)
class Compliance:
    """Figures of a group of ASN (an OPD or the city)."""

    people: int = 0
    reached: int = 0
    lentera_jp: int = 0
    external_jp: int = 0
    mandatory: Mandatory = field(default_factory=Mandatory)

    @property
    def jp(self) -> int:
        return self.lentera_jp + self.external_jp

    @property
    def below(self) -> int:
        return self.people - self.reached

    @property
    def percent(self) -> int:
        return percent(self.reached, self.people)

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(
            self.people + other.people,
            self.reached + other.reached,
            self.lentera_jp + other.lentera_jp,
            self.external_jp + other.external_jp,
            self.mandatory + other.mandatory,
        )


@dataclass(frozen=True)
class OpdCompliance:
    opd_id: int
    name: str
    figures: Compliance


@dataclass(frozen=True)
class PersonCompliance:
    user_id: int
    nip: str
    name: str
    opd_name: str
    employee_type: str
    lentera_jp: int
    external_jp: int
    target: int
    mandatory: Mandatory | None = None

    @property
    def jp(self) -> int:
        return self.lentera_jp + self.external_jp

    @property
    def reached(self) -> bool:
        return self.jp >= self.target

    @property
    def needed(self) -> int:
        """JP still needed to reach the target (0 when reached)."""
        return max(self.target - self.jp, 0)


@dataclass(frozen=True)
class Page:
    """One page of a list, with what the pager macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


# --- the city and OPD figures --------------------------------------------------------------------


def mandatory_by_opd(scope: Opd | None, year: int, opd_id: int | None = None) -> dict[int, Mandatory]:
    """{opd_id: Mandatory} of the assignments due in `year` (one grouped query)."""
    states = mandatory_states(year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = db.session.execute(
        select(states.c.opd_id, states.c.state, func.count())
        .where(states.c.due_on >= start, states.c.due_on <= end, _in_scope(states.c.opd_id, scope, opd_id))
        .group_by(states.c.opd_id, states.c.state)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for opd, state, n in rows:
        counts.setdefault(opd, {})[state] = int(n)
    return {opd: _mandatory(found) for opd, found in counts.items()}


def _mandatory(counts: dict[str, int]) -> Mandatory:
    return Mandatory(
        on_time=counts.get(ON_TIME, 0),
        late=counts.get(LATE, 0),
        overdue=counts.get(OVERDUE, 0),
        pending=sum(counts.get(state, 0) for state in PENDING_STATES),
    )


def opd_compliance(scope: Opd | None, year: int, opd_id: int | None = None) -> list[OpdCompliance]:
    """Per OPD in scope (by name): ASN, how many reached their target, Lentera and external JP, mandatory
    modules. OPDs no longer active are listed only while they have ASN. Two queries."""
    asn = asn_jp(scope, year, opd_id)
    reached = func.sum(case((asn.c.total >= asn.c.target, 1), else_=0))
    stmt = (
        select(
            Opd.id,
            Opd.name,
            func.count(asn.c.user_id),
            func.coalesce(reached, 0),
            func.coalesce(func.sum(asn.c.lentera), 0),
            func.coalesce(func.sum(asn.c.external), 0),
        )
        .outerjoin(asn, asn.c.opd_id == Opd.id)
        .where(_in_scope(Opd.id, scope, opd_id))
        .group_by(Opd.id, Opd.name)
        .having(or_(func.count(asn.c.user_id) > 0, func.max(case((Opd.is_active.is_(True), 1), else_=0)) == 1))
        .order_by(Opd.name, Opd.id)
    )
    mandatory = mandatory_by_opd(scope, year, opd_id)
    return [
        OpdCompliance(
            opd_id=row[0],
            name=row[1],
            figures=Compliance(int(row[2]), int(row[3]), int(row[4]), int(row[5]), mandatory.get(row[0], Mandatory())),
        )
        for row in db.session.execute(stmt)
    ]


def total_of(rows: list[OpdCompliance]) -> Compliance:
    total = Compliance()
    for row in rows:
        total = total + row.figures
    return total


def unplaced_count(scope: Opd | None) -> int:
    """Active peserta accounts with no OPD: in no dashboard figure (0 for an OPD-scoped reader)."""
    if scope is not None:
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.is_active_account.is_(True),
            User.anonymised_at.is_(None),
            User.opd_id.is_(None),
            exists().where(UserRole.user_id == User.id, UserRole.role == PESERTA),
        )
    )


# --- charts' data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int
    reached: bool = False


def jp_buckets(counts: list[tuple[int, int, int]], top: int, width: int = BUCKET_WIDTH) -> list[Bucket]:
    """The histogram of JP per ASN from (total JP, target, how many) rows: 0, 1–4, 5–9, … below the
    highest target `top`, then everyone who reached her own target. Pure."""
    reached_label = "≥ target"
    edges = [(0, 0)]
    low = 1
    while low < top:
        high = min((low // width + 1) * width - 1, top - 1)
        edges.append((low, high))
        low = high + 1
    tally = [0] * len(edges)
    reached = 0
    for total, target, n in counts:
        if total >= target:
            reached += n
            continue
        for index, (low, high) in enumerate(edges):
            if low <= total <= high:
                tally[index] += n
                break
        else:  # below her own target but above every bucket (targets differ by employee type)
            tally[-1] += n
    buckets = [
        Bucket(str(low) if low == high else f"{low}–{high}", tally[index])
        for index, (low, high) in enumerate(edges)
        if low < top or tally[index]
    ]
    return [*buckets, Bucket(reached_label, reached, reached=True)]


def jp_distribution(scope: Opd | None, year: int, opd_id: int | None = None) -> list[Bucket]:
    """How many ASN hold each JP total in `year`, bucketed (one grouped query)."""
    asn = asn_jp(scope, year, opd_id)
    rows = db.session.execute(select(asn.c.total, asn.c.target, func.count()).group_by(asn.c.total, asn.c.target)).all()
    return jp_buckets([(int(t), int(g), int(n)) for t, g, n in rows], max(targets()))


@dataclass(frozen=True)
class Month:
    month: int
    completions: int
    jp: int


def month_bounds(year: int) -> list[datetime]:
    """The 13 UTC moments starting each month of `year` at the office (and the next year)."""
    zone = dates.office_zone()
    return [datetime(year + (m // 12), m % 12 + 1, 1, tzinfo=zone).astimezone(UTC) for m in range(13)]


def monthly_completions(scope: Opd | None, year: int, opd_id: int | None = None) -> list[Month]:
    """Completions by ASN in scope per month of `year` (WIB), voided ones left out, with the JP they
    count (one grouped query; the month is found in SQL from UTC bounds, the same on every database)."""
    bounds = month_bounds(year)
    month = case(*[(Completion.completed_at < bounds[m + 1], m + 1) for m in range(12)], else_=12)
    people = select(User.id).where(is_asn(), _in_scope(User.opd_id, scope, opd_id))
    inner = (
        select(month.label("month"), case((Completion.counts_for_jp, Completion.jp), else_=0).label("jp"))
        .where(
            Completion.completed_at >= bounds[0],
            Completion.completed_at < bounds[12],
            Completion.voided_at.is_(None),
            Completion.user_id.in_(people),
        )
        .subquery("by_month")
    )
    rows = db.session.execute(
        select(inner.c.month, func.count(), func.coalesce(func.sum(inner.c.jp), 0)).group_by(inner.c.month)
    ).all()
    found = {int(m): (int(n), int(jp)) for m, n, jp in rows}
    return [Month(m, *found.get(m, (0, 0))) for m in range(1, 13)]


# --- people --------------------------------------------------------------------------------------


def _matching(stmt: Select, asn: Subquery, q: str) -> Select:
    """Rows whose NIP is `q` as typed or printed (whole or in part), or that match every word by name or NIP."""
    nip = nip_search_digits(q)
    if nip:
        return stmt.where(asn.c.nip.contains(nip, autoescape=True))
    for word in q.split()[:10]:
        digits = nip_search_digits(word)
        conditions = [asn.c.name.icontains(word, autoescape=True)]
        if digits:
            conditions.append(asn.c.nip.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    return stmt


def _people(
    scope: Opd | None, year: int, *, opd_id: int | None, q: str, below_only: bool, with_mandatory: bool
) -> tuple[Select, Subquery]:
    asn = asn_jp(scope, year, opd_id)
    columns = [
        asn.c.user_id,
        asn.c.nip,
        asn.c.name,
        Opd.name,
        asn.c.employee_type,
        asn.c.lentera,
        asn.c.external,
        asn.c.target,
    ]
    stmt = select(*columns).join(Opd, Opd.id == asn.c.opd_id)
    if with_mandatory:
        states = mandatory_states(year)
        start, end = date(year, 1, 1), date(year, 12, 31)
        by_user = (
            select(
                states.c.user_id,
                *[
                    func.sum(case((states.c.state.in_(wanted), 1), else_=0)).label(name)
                    for name, wanted in (
                        ("on_time", (ON_TIME,)),
                        ("late", (LATE,)),
                        ("overdue", (OVERDUE,)),
                        ("pending", PENDING_STATES),
                    )
                ],
            )
            .where(states.c.due_on >= start, states.c.due_on <= end)
            .group_by(states.c.user_id)
            .subquery("mandatory_by_user")
        )
        stmt = stmt.add_columns(
            *[func.coalesce(c, 0) for c in (by_user.c.on_time, by_user.c.late, by_user.c.overdue, by_user.c.pending)]
        ).outerjoin(by_user, by_user.c.user_id == asn.c.user_id)
    if below_only:
        stmt = stmt.where(asn.c.total < asn.c.target)
    return _matching(stmt, asn, q), asn


def _person(row) -> PersonCompliance:
    mandatory = Mandatory(*(int(v) for v in row[8:12])) if len(row) > 8 else None
    return PersonCompliance(
        user_id=row[0],
        nip=row[1],
        name=row[2],
        opd_name=row[3],
        employee_type=row[4],
        lentera_jp=int(row[5]),
        external_jp=int(row[6]),
        target=int(row[7]),
        mandatory=mandatory,
    )


def people(
    scope: Opd | None,
    year: int,
    *,
    opd_id: int | None = None,
    q: str = "",
    below_only: bool = False,
    page: int | None = 1,
    with_mandatory: bool = True,
) -> Page:
    """ASN in scope with their JP of `year`, by OPD then name; only those below target when `below_only`
    (the most JP still needed first); `page=None` for every row (exports). Two queries per page."""
    stmt, asn = _people(scope, year, opd_id=opd_id, q=q, below_only=below_only, with_mandatory=with_mandatory)
    if below_only:
        stmt = stmt.order_by(Opd.name, (asn.c.target - asn.c.total).desc(), asn.c.name, asn.c.user_id)
    else:
        stmt = stmt.order_by(Opd.name, asn.c.name, asn.c.user_id)
    if page is None:
        items = [_person(row) for row in db.session.execute(stmt)]
        return Page(items, 1, max(len(items), 1), len(items))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = [_person(row) for row in db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))]
    return Page(items, page, PAGE_SIZE, int(total))


def below_target_preview(scope: Opd | None, year: int, opd_id: int, limit: int) -> tuple[list[PersonCompliance], int]:
    """The first `limit` ASN below target (most JP needed first) and how many there are in all."""
    stmt, asn = _people(scope, year, opd_id=opd_id, q="", below_only=True, with_mandatory=False)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    stmt = stmt.order_by((asn.c.target - asn.c.total).desc(), asn.c.name, asn.c.user_id).limit(limit)
    return [_person(row) for row in db.session.execute(stmt)], int(total)
