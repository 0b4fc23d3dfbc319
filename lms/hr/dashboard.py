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
from sqlalchemy import Select, Subquery, and_, case, func, or_, select, true

from lms import dates
from lms.accounts.models import PESERTA, Opd, User, UserRole
from lms.accounts.nip import nip_search_digits
from lms.assignments.models import DONE_LATE, DONE_ON_TIME, IN_PROGRESS, NOT_STARTED, OVERDUE
from lms.assignments.queries import member_states
from lms.extensions import db
from lms.external.queries import approved_jp_by_user
from lms.learning.jp import VOID
from lms.learning.models import Completion
from lms.pagination import Page

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
        User.id.in_(select(UserRole.user_id).where(UserRole.role == PESERTA)),
    )


def lentera_jp_by_user(year: int, opd_ids: list[int] | None = None) -> Subquery:
    """(user_id, jp): JP of `year` (WIB) from completions that count, per person (of `opd_ids` only, when
    given: an OPD's page then reads its people's completions, not the city's)."""
    start, end = dates.year_bounds(year)
    stmt = select(Completion.user_id.label("user_id"), func.sum(Completion.jp).label("jp")).where(
        Completion.completed_at >= start, Completion.completed_at < end, Completion.counts_for_jp
    )
    if opd_ids is not None:
        stmt = stmt.where(Completion.user_id.in_(select(User.id).where(User.opd_id.in_(opd_ids))))
    return stmt.group_by(Completion.user_id).subquery("lentera_jp")


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
    only = [o for o in ((scope.id if scope is not None else None), opd_id) if o is not None]
    lentera = lentera_jp_by_user(year, only or None)
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


@dataclass(frozen=True)
class Figures:
    """A dashboard's figures: per OPD (by name) and the JP histogram of the same people."""

    rows: list[OpdCompliance]
    buckets: list[Bucket]


def figures(scope: Opd | None, year: int, opd_id: int | None = None) -> Figures:
    """Per OPD in scope: ASN, how many reached their target, Lentera and external JP, mandatory modules;
    and the histogram of JP per ASN. OPDs no longer active are listed only while they have ASN.

    Three queries: the OPDs; the ASN grouped in SQL by (OPD, JP total, target) — one pass over the
    people serves both the table and the histogram, and the rows are groups, never people; the
    mandatory modules grouped by OPD and state."""
    asn = asn_jp(scope, year, opd_id)
    groups = db.session.execute(
        select(
            asn.c.opd_id,
            asn.c.total,
            asn.c.target,
            func.count(),
            func.sum(asn.c.lentera),
            func.sum(asn.c.external),
        ).group_by(asn.c.opd_id, asn.c.total, asn.c.target)
    ).all()
    opds = db.session.execute(
        select(Opd.id, Opd.name, Opd.is_active).where(_in_scope(Opd.id, scope, opd_id)).order_by(Opd.name, Opd.id)
    ).all()
    mandatory = mandatory_by_opd(scope, year, opd_id)
    per_opd: dict[int, list[int]] = {}
    histogram: dict[tuple[int, int], int] = {}
    for opd, total, target, n, lentera, external in groups:
        found = per_opd.setdefault(opd, [0, 0, 0, 0])
        found[0] += n
        found[1] += n if total >= target else 0
        found[2] += int(lentera)
        found[3] += int(external)
        histogram[(int(total), int(target))] = histogram.get((int(total), int(target)), 0) + n
    rows = [
        OpdCompliance(
            opd_id=opd,
            name=name,
            figures=Compliance(*per_opd.get(opd, (0, 0, 0, 0)), mandatory.get(opd, Mandatory())),
        )
        for opd, name, is_active in opds
        if is_active or opd in per_opd
    ]
    buckets = jp_buckets([(total, target, n) for (total, target), n in histogram.items()], max(targets()))
    return Figures(rows, buckets)


def opd_compliance(scope: Opd | None, year: int, opd_id: int | None = None) -> list[OpdCompliance]:
    """The per-OPD rows of `figures`."""
    return figures(scope, year, opd_id).rows


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
            User.id.in_(select(UserRole.user_id).where(UserRole.role == PESERTA)),
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
    """The histogram of `figures`."""
    return figures(scope, year, opd_id).buckets


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
            # voided ⇔ excluded as 'void' (lms.learning.jp): read from the index, not the table
            or_(Completion.jp_exclusion.is_(None), Completion.jp_exclusion != VOID),
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


def _people(scope: Opd | None, year: int, *, opd_id: int | None, q: str, below_only: bool) -> tuple[Select, Subquery]:
    asn = asn_jp(scope, year, opd_id)
    stmt = select(
        asn.c.user_id,
        asn.c.nip,
        asn.c.name,
        Opd.name,
        asn.c.employee_type,
        asn.c.lentera,
        asn.c.external,
        asn.c.target,
    ).join(Opd, Opd.id == asn.c.opd_id)
    if below_only:
        stmt = stmt.where(asn.c.total < asn.c.target)
    return _matching(stmt, asn, q), asn


def mandatory_by_user(year: int, user_ids: list[int] | None) -> dict[int, Mandatory]:
    """{user_id: Mandatory} of the assignments due in `year`, for `user_ids` (None: everyone); one query."""
    if user_ids == []:
        return {}
    states = mandatory_states(year)
    stmt = (
        select(states.c.user_id, states.c.state, func.count())
        .where(states.c.due_on >= date(year, 1, 1), states.c.due_on <= date(year, 12, 31))
        .group_by(states.c.user_id, states.c.state)
    )
    if user_ids is not None:
        stmt = stmt.where(states.c.user_id.in_(user_ids))
    counts: dict[int, dict[str, int]] = {}
    for user_id, state, n in db.session.execute(stmt):
        counts.setdefault(user_id, {})[state] = int(n)
    return {user_id: _mandatory(found) for user_id, found in counts.items()}


def _person(row, mandatory: dict[int, Mandatory] | None = None) -> PersonCompliance:
    return PersonCompliance(
        user_id=row[0],
        nip=row[1],
        name=row[2],
        opd_name=row[3],
        employee_type=row[4],
        lentera_jp=int(row[5]),
        external_jp=int(row[6]),
        target=int(row[7]),
        mandatory=None if mandatory is None else mandatory.get(row[0], Mandatory()),
    )


def people(
    scope: Opd | None,
    year: int,
    *,
    opd_id: int | None = None,
    q: str = "",
    below_only: bool = False,
    page: int | None = 1,
) -> Page:
    """ASN in scope with their JP of `year` and mandatory modules, by OPD then name; only those below
    target when `below_only` (within each OPD, the most JP still needed first); `page=None` for every
    row (exports). Three queries: the count, the page, the mandatory modules of the people on it."""
    stmt, asn = _people(scope, year, opd_id=opd_id, q=q, below_only=below_only)
    if below_only:
        stmt = stmt.order_by(Opd.name, (asn.c.target - asn.c.total).desc(), asn.c.name, asn.c.user_id)
    else:
        stmt = stmt.order_by(Opd.name, asn.c.name, asn.c.user_id)
    if page is None:
        rows = db.session.execute(stmt).all()
        # everyone listed: the mandatory modules of every member (cheaper than a list of 15,000 ids)
        mandatory = mandatory_by_user(year, None)
        items = [_person(row, mandatory) for row in rows]
        return Page(items, 1, max(len(items), 1), len(items))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    mandatory = mandatory_by_user(year, [row[0] for row in rows])
    return Page([_person(row, mandatory) for row in rows], page, PAGE_SIZE, int(total))


def below_target_preview(scope: Opd | None, year: int, opd_id: int, limit: int) -> tuple[list[PersonCompliance], int]:
    """The first `limit` ASN below target (most JP needed first) and how many there are in all."""
    stmt, asn = _people(scope, year, opd_id=opd_id, q="", below_only=True)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    stmt = stmt.order_by((asn.c.target - asn.c.total).desc(), asn.c.name, asn.c.user_id).limit(limit)
    return [_person(row) for row in db.session.execute(stmt)], int(total)
