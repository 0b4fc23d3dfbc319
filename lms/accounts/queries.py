"""Reads about accounts: search, OPD lists, the audit log, a person's own data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import lazyload

from lms.accounts.models import ADMIN, HR, AuditLog, HrScope, Opd, User, UserRole
from lms.accounts.nip import nip_search_digits
from lms.extensions import db

PAGE_SIZE = 50


def search_users(q: str = "", opd_id: int | None = None, page: int = 1):
    """Users whose NIP, name or OPD contains `q`, by name, paginated.

    `q` is plain text: `%`, `_` and the escape character match only themselves (autoescape), as in
    every other search. A NIP is read by `nip_search_digits`, so "19860926 201505" finds it too.
    """
    stmt = select(User).outerjoin(Opd, User.opd_id == Opd.id)
    q = " ".join(q.split())
    if q:
        lowered = q.lower()
        digits = nip_search_digits(q)
        conditions = [
            func.lower(User.name).contains(lowered, autoescape=True),
            func.lower(Opd.name).contains(lowered, autoescape=True),
        ]
        if digits:
            conditions.append(User.nip.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if opd_id:
        stmt = stmt.where(User.opd_id == opd_id)
    stmt = stmt.order_by(User.name, User.id)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


# Built once: this runs on every logged-in request, so neither building the statement nor its cache key
# is paid per request. The roles come aggregated in the same row; the OPD is loaded only when used.
_SESSION_USER = (
    select(
        User,
        select(func.aggregate_strings(UserRole.role, ","))
        .where(UserRole.user_id == User.id)
        .correlate(User)
        .scalar_subquery(),
    )
    .options(lazyload(User.opd), lazyload(User.role_rows))
    .where(User.id == bindparam("user_id"), User.session_version == bindparam("version"))
)


def user_for_session(user_id: int, session_version: int) -> User | None:
    """The user behind a session, with her roles, in one query (it runs on every request)."""
    row = db.session.execute(_SESSION_USER, {"user_id": user_id, "version": session_version}).first()
    if row is None:
        return None
    user, roles = row
    user.set_loaded_roles(roles.split(",") if roles else ())
    return user


def list_opds(active_only: bool = False) -> list[Opd]:
    stmt = select(Opd).order_by(Opd.name)
    if active_only:
        stmt = stmt.where(Opd.is_active.is_(True))
    return list(db.session.scalars(stmt))


def opd_user_counts() -> dict[int, int]:
    rows = db.session.execute(select(User.opd_id, func.count()).group_by(User.opd_id))
    return {opd_id: count for opd_id, count in rows if opd_id is not None}


def recent_audit(page: int = 1, action: str | None = None):
    stmt = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def audit_about(user: User) -> list[AuditLog]:
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(or_(AuditLog.target_user_id == user.id, AuditLog.actor_id == user.id))
            .order_by(AuditLog.created_at)
        )
    )


def hr_scope_opd(user: User) -> Opd | None:
    """The OPD an HR account is limited to, or None when it is city-wide."""
    scope = db.session.get(HrScope, user.id)
    return scope.opd if scope is not None else None


@dataclass(frozen=True)
class HrAccount:
    """An HR account and what it sees: one OPD, or (scope None) the whole city."""

    user: User
    scope: Opd | None


def hr_accounts() -> list[HrAccount]:
    """Every account holding the HR role, by name, with its scope (one query)."""
    rows = db.session.execute(
        select(User, Opd)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == HR))
        .outerjoin(HrScope, HrScope.user_id == User.id)
        .outerjoin(Opd, Opd.id == HrScope.opd_id)
        .order_by(User.name, User.id)
    ).all()
    return [HrAccount(user=user, scope=opd) for user, opd in rows]


# --- the roster import: everything it compares against, loaded in a few bulk queries ----------------

_CHUNK = 2000  # well under every database's limit on bound parameters


def hr_scope_opd_id(user_id: int) -> int | None:
    """The OPD an HR account is limited to, or None when it is city-wide (no row)."""
    return db.session.scalar(select(HrScope.opd_id).where(HrScope.user_id == user_id))


_ROSTER_COLUMNS = (
    User.id,
    User.nip,
    User.name,
    User.email,
    User.employee_type,
    User.opd_id,
    User.unit_kerja,
    User.jabatan,
    User.pangkat_golongan,
    User.is_active_account,
)


def _admin_ids() -> set[int]:
    return set(db.session.scalars(select(UserRole.user_id).where(UserRole.role == ADMIN)))


def roster_accounts(nips: Iterable[str]) -> dict[str, dict]:
    """The registered accounts among these NIPs, as plain dicts (no ORM objects), with `is_admin`."""
    nips = list(nips)
    admins = _admin_ids()
    found: dict[str, dict] = {}
    for start in range(0, len(nips), _CHUNK):
        chunk = nips[start : start + _CHUNK]
        for row in db.session.execute(select(*_ROSTER_COLUMNS).where(User.nip.in_(chunk))).mappings():
            found[row["nip"]] = {**row, "is_admin": row["id"] in admins}
    return found


def email_holders(emails: Iterable[str]) -> dict[str, set[str]]:
    """Lower-cased e-mail → the NIPs of the accounts holding it, for these (lower-cased) e-mails."""
    emails = list(emails)
    holders: dict[str, set[str]] = {}
    lowered = func.lower(User.email)
    for start in range(0, len(emails), _CHUNK):
        chunk = emails[start : start + _CHUNK]
        for email, nip in db.session.execute(select(lowered, User.nip).where(lowered.in_(chunk))):
            holders.setdefault(email, set()).add(nip)
    return holders


def active_accounts_in(opd_ids: Iterable[int]) -> list[dict]:
    """Active accounts of these OPDs (the full-roster candidates), as plain dicts with `is_admin`."""
    opd_ids = sorted(set(opd_ids))
    if not opd_ids:
        return []
    admins = _admin_ids()
    rows = db.session.execute(
        select(*_ROSTER_COLUMNS)
        .where(User.opd_id.in_(opd_ids), User.is_active_account.is_(True), User.anonymised_at.is_(None))
        .order_by(User.name, User.id)
    ).mappings()
    return [{**row, "is_admin": row["id"] in admins} for row in rows]
