"""Reminders of mandatory modules and the HR weekly digest, queued in the mail outbox (`flask reminders send`).

Safe to run every hour from cron, and as often as one likes: every message has an event key, and the
outbox holds at most one message per (event key, recipient) — `lms.mail.services.queue_mail` — so a
second run, or two runs at once, queue nothing new.

**Reminders** (mandatory: sent whatever `User.wants_optional_mail` says) go to every active member of a
running assignment who has not completed it (state belum_mulai, berjalan or terlambat), whose account is
active, not anonymised and has an e-mail. Which one applies is decided from her own due date and today's
WIB date (`reminder_kind`), and only the one that applies *now* is queued:

- ``due-7``: 2 to 7 days before the due date (the "7 days before" one: on the 7th day before, with an
  hourly cron);
- ``due-1``: the day before the due date or the due day itself;
- ``overdue``: from the day after the due date (once).

So a run that comes late (cron down for two days) sends what applies on the day it runs and never a
stale one: on the day before the due date it queues ``due-1`` only, never the ``due-7`` it missed; a
member added 3 days before her due date gets ``due-7`` (it says "3 days") then ``due-1``. The key holds
the due date (``assignment:{id}:member:{user}:due-7:{due_on}``), so an extension (a new due date) arms
fresh reminders, and one already sent for the old date is not sent again.

**The HR digest** (optional: only to HR accounts with `wants_optional_mail`) goes once per ISO week (WIB,
from Monday 07:00) to every active HR account with an e-mail: for an OPD-scoped account its OPD's figures,
for a city-wide one the city's — the compliance dashboard's own aggregation (lms.hr.dashboard): ASN below
their JP target this year, and mandatory modules overdue. Key: ``hr-digest:{user}:{iso year}-W{week}``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from lms import dates
from lms.accounts.models import HR, HrScope, Opd, User, UserRole
from lms.assignments.models import IN_PROGRESS, NOT_STARTED, OVERDUE, Assignment
from lms.assignments.queries import member_state_select
from lms.content.models import Module
from lms.extensions import db
from lms.hr import dashboard
from lms.mail.models import OutboxMessage
from lms.mail.render import public_link
from lms.mail.services import InvalidAddress, normalise_address, queue_mail

DUE_7 = "due-7"
DUE_1 = "due-1"
LATE = "overdue"
KINDS = (DUE_7, DUE_1, LATE)
FIRST_REMINDER_DAYS = 7
DIGEST = "hr-digest"
DIGEST_FROM_HOUR = 7  # the week's digest goes from Monday 07:00 WIB (a run before that on Monday waits)
NOT_DONE = (NOT_STARTED, IN_PROGRESS, OVERDUE)
_KEY_CHUNK = 500
BATCH = 200  # messages queued between two calls of the run's `batch` (the command commits there)


def reminder_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    """The reminder that applies on `today` (WIB) for a member due on `due_on`, or None (too early).

    Only the latest one that applies: a late run never sends the stale "7 days before" once the
    "1 day before" applies (see the module docstring)."""
    days_left = (due_on - today).days
    if days_left < 0:
        return LATE
    if days_left <= 1:
        return DUE_1
    if days_left <= FIRST_REMINDER_DAYS:
        return DUE_7
    return None


def reminder_key(assignment_id: int, user_id: int, kind: str, due_on: datetime.date) -> str:
    return f"assignment:{assignment_id}:member:{user_id}:{kind}:{due_on.isoformat()}"


def digest_week(moment: datetime.datetime) -> str | None:
    """'2026-W49' when the week's digest may go at `moment` (WIB), else None (Monday before 07:00)."""
    if moment.isoweekday() == 1 and moment.hour < DIGEST_FROM_HOUR:
        return None
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(user_id: int, week: str) -> str:
    return f"{DIGEST}:{user_id}:{week}"


def usable_address(email: str | None) -> str | None:
    """The address as the outbox keys it, or None when there is none or it is not one address."""
    if not email:
        return None
    try:
        return normalise_address(email)
    except InvalidAddress:
        return None


@dataclass
class RunResult:
    """What a run queued (by kind), and what it found already queued or could not send.

    `dry_run`: nothing is queued, only counted. `batch`, when given, is called after every BATCH
    messages queued: the command commits there, so a run of 15,000 reminders never holds SQLite's write
    lock for long. That is safe because every message is idempotent: a run stopped half-way leaves what
    it queued, and the next run queues the rest."""

    dry_run: bool = False
    batch: Callable[[], None] | None = None
    queued: Counter = field(default_factory=Counter)
    already: int = 0
    no_address: int = 0

    def add(self, kind: str, **message) -> None:
        """Queue one message (or count it, for a dry run)."""
        if self.dry_run:
            self.queued[kind] += 1
            return
        if queue_mail(**message) is None:
            self.already += 1
            return
        self.queued[kind] += 1
        if self.batch is not None and sum(self.queued.values()) % BATCH == 0:
            self.batch()

    def summary(self) -> str:
        parts = [f"{self.queued[kind]} pengingat {label}" for kind, label in _KIND_NAMES.items()]
        parts.append(f"{self.queued[DIGEST]} ringkasan HR")
        return f"{', '.join(parts)} masuk kotak keluar; {self.already} sudah ada sebelumnya"


_KIND_NAMES = {DUE_7: "7 hari", DUE_1: "1 hari", LATE: "terlambat"}


def _already_queued(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (event key, recipient) pairs the outbox holds already: a few queries for the whole run,
    so an hourly run with nothing new costs no per-person work (queue_mail checks each one again)."""
    found: set[tuple[str, str]] = set()
    event_keys = sorted({key for key, _ in keys})
    for start in range(0, len(event_keys), _KEY_CHUNK):
        chunk = event_keys[start : start + _KEY_CHUNK]
        rows = db.session.execute(
            select(OutboxMessage.event_key, OutboxMessage.recipient).where(OutboxMessage.event_key.in_(chunk))
        )
        found.update((key, recipient) for key, recipient in rows)
    return found


@dataclass(frozen=True)
class _Due:
    assignment_id: int
    user_id: int
    due_on: datetime.date
    kind: str
    address: str
    name: str
    locale: str | None
    module_title: str
    module_slug: str
    note: str | None


def due_reminders(today: datetime.date) -> tuple[list[_Due], int]:
    """The reminders that apply on `today` to members not done (one query), and how many such members
    have no usable address."""
    states = member_state_select(today).subquery()
    rows = db.session.execute(
        select(
            states.c.assignment_id,
            states.c.user_id,
            states.c.due_on,
            User.email,
            User.name,
            User.locale,
            Module.title,
            Module.slug,
            Assignment.note,
        )
        .join(User, User.id == states.c.user_id)
        .join(Assignment, Assignment.id == states.c.assignment_id)
        .join(Module, Module.id == Assignment.module_id)
        .where(
            states.c.state.in_(NOT_DONE),
            states.c.due_on <= today + datetime.timedelta(days=FIRST_REMINDER_DAYS),
            User.is_active_account.is_(True),
            User.anonymised_at.is_(None),
        )
        .order_by(states.c.due_on, states.c.assignment_id, states.c.user_id)
    ).all()
    due, no_address = [], 0
    for assignment_id, user_id, due_on, email, name, locale, title, slug, note in rows:
        kind = reminder_kind(due_on, today)
        if kind is None:
            continue
        address = usable_address(email)
        if address is None:
            no_address += 1
            continue
        due.append(_Due(assignment_id, user_id, due_on, kind, address, name, locale, title, slug, note))
    return due, no_address


def queue_reminders(today: datetime.date, result: RunResult) -> None:
    """Queue the reminders that apply on `today` and are not queued yet, in the caller's transaction."""
    due, result.no_address = due_reminders(today)
    keyed = [(reminder_key(d.assignment_id, d.user_id, d.kind, d.due_on), d) for d in due]
    queued_before = _already_queued([(key, d.address) for key, d in keyed])
    links: dict[str, str] = {}
    for key, item in keyed:
        if (key, item.address) in queued_before:
            result.already += 1
            continue
        link = links.get(item.module_slug) or links.setdefault(
            item.module_slug, public_link("learning.module", slug=item.module_slug)
        )
        result.add(
            item.kind,
            to=item.address,
            template="assignment_reminder",
            context={
                "name": item.name,
                "kind": item.kind,
                "module_title": item.module_title,
                "due_on": item.due_on,
                "days_left": (item.due_on - today).days,
                "days_late": (today - item.due_on).days,
                "note": item.note,
                "link": link,
            },
            event_key=key,
            locale=item.locale,
        )


def queue_digests(moment: datetime.datetime, result: RunResult) -> None:
    """Queue this ISO week's digest to every HR account that wants optional mail and has none yet."""
    week = digest_week(moment)
    if week is None:
        return
    accounts = db.session.execute(
        select(User.id, User.name, User.email, User.locale, HrScope.opd_id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == HR))
        .outerjoin(HrScope, HrScope.user_id == User.id)
        .where(
            User.is_active_account.is_(True),
            User.anonymised_at.is_(None),
            User.wants_optional_mail.is_(True),
            User.email.is_not(None),
        )
        .order_by(User.id)
    ).all()
    wanted = [(a, usable_address(a.email)) for a in accounts]
    wanted = [(a, address) for a, address in wanted if address is not None]
    queued_before = _already_queued([(digest_key(a.id, week), address) for a, address in wanted])
    year = moment.year
    figures: dict[int | None, dashboard.Compliance] = {}
    for account, address in wanted:
        key = digest_key(account.id, week)
        if (key, address) in queued_before:
            result.already += 1
            continue
        if account.opd_id not in figures:
            scope = db.session.get(Opd, account.opd_id) if account.opd_id is not None else None
            figures[account.opd_id] = dashboard.total_of(dashboard.opd_compliance(scope, year))
        total = figures[account.opd_id]
        opd = db.session.get(Opd, account.opd_id) if account.opd_id is not None else None
        result.add(
            DIGEST,
            to=address,
            template="hr_digest",
            context={
                "name": account.name,
                "opd_name": opd.name if opd is not None else None,
                "year": year,
                "week": week,
                "people": total.people,
                "below": total.below,
                "overdue": total.mandatory.overdue,
                "link": public_link("hr.dashboard"),
            },
            event_key=key,
            locale=account.locale,
        )


def send_reminders(
    moment: datetime.datetime | None = None,
    *,
    dry_run: bool = False,
    batch: Callable[[], None] | None = None,
) -> RunResult:
    """One run: the reminders and the digests due at `moment` (WIB; now by default), queued in the
    caller's transaction (the caller commits; `batch`: see RunResult), or only counted (`dry_run`)."""
    moment = moment or dates.now()
    result = RunResult(dry_run=dry_run, batch=batch)
    queue_reminders(moment.date(), result)
    queue_digests(moment, result)
    return result
