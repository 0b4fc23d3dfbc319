"""Roster sync: the plan a roster CSV makes (who is created, what changes for whom, who is deactivated)
and applying exactly that plan in the caller's transaction.

Rules (docs/admin-guide, the import page's help):
- Accounts are matched by NIP. A registered NIP is updated: name spelling, e-mail, OPD (mutasi), unit
  kerja, jabatan, pangkat/golongan; a deactivated account named by the roster is activated again. An
  empty cell, or a column the file does not have, leaves that field as it is. Roles are only read for new
  accounts (roles of existing accounts are changed in Admin › Pengguna).
- The employee type is the NIP's (`lms.accounts.nip`). A row whose jenis_pegawai disagrees with its NIP,
  or whose NIP belongs to an account stored with the other type, is an error: a PPPK appointed PNS gets a
  new NIP, i.e. a new account; a wrong stored type is corrected by hand, not by a roster.
- The OPD cell holds an OPD's code or its exact name (case-insensitive); anything else, or an inactive
  OPD, is an error (create or activate it in Admin › OPD first). Nothing creates an OPD silently.
- Admin accounts are never changed by an import (their rows are listed as skipped) and never deactivated.
- Full-roster mode deactivates the active accounts of the OPDs named in the file that the file does not
  list — except admins and the importer herself. HR and pelatih accounts are ASN like anyone: when the
  roster no longer lists them, they are deactivated (the preview names each one). Never deletes.
- An HR account limited to one OPD imports only rows of that OPD (an empty OPD cell means hers), only
  touches accounts already in her OPD (or with none), and her full roster deactivates only in her OPD.
  City-wide HR and admins import every OPD. No HR import gives new accounts a role beyond peserta/pelatih
  (an HR holding the activation code of a new admin account would be an admin).
- Bad input is a line error and nothing is applied: see `csv_import` plus an unknown or inactive OPD, a
  type change, an e-mail used by another account or twice in the file, a row outside the HR's OPD.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from lms.accounts import queries
from lms.accounts.csv_import import ParsedRoster, RosterRow
from lms.accounts.models import ADMIN, HR, PELATIH, PESERTA, AuditLog, OneTimeCode, Opd, User, UserRole
from lms.accounts.passwords import hash_code, new_one_time_code
from lms.accounts.services import IssuedCode, record_audit
from lms.accounts.signals import account_changed, account_created
from lms.database import utcnow
from lms.errors import ValidationError
from lms.extensions import db

# The fields a roster updates, in the order the preview shows them.
FIELDS = ("name", "email", "opd_id", "unit_kerja", "jabatan", "pangkat_golongan", "is_active")
FIELD_LABELS = {
    "name": "nama",
    "email": "email",
    "opd_id": "OPD",
    "unit_kerja": "unit kerja",
    "jabatan": "jabatan",
    "pangkat_golongan": "pangkat/golongan",
    "is_active": "status",
}
_SIGNALLED = ("opd_id", "is_active")  # changes other domains follow (mandatory assignments, HR scope)
SCOPED_ROLES = frozenset({PESERTA, PELATIH})  # what an HR import may give new accounts


@dataclass(frozen=True)
class Creation:
    line: int
    nip: str
    employee_type: str
    name: str
    email: str | None
    opd_id: int | None
    unit_kerja: str | None
    jabatan: str | None
    pangkat_golongan: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    line: int
    user_id: int
    nip: str
    name: str
    changes: tuple[tuple[str, object, object], ...]  # (field, old, new)


@dataclass(frozen=True)
class Deactivation:
    user_id: int
    nip: str
    name: str
    opd_id: int | None


@dataclass(frozen=True)
class Actor:
    """Who imports: her id (None for the command line), her HR scope (None: city-wide), and whether she may
    give the roles hr and admin to new accounts (admins and the command line only)."""

    user_id: int | None = None
    scope_opd_id: int | None = None
    may_grant_any_role: bool = True


@dataclass
class RosterPlan:
    creations: list[Creation] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    deactivations: list[Deactivation] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # admin accounts: (line, nip, name)
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    opd_names: dict[int, str] = field(default_factory=dict)
    full_roster: bool = False

    @property
    def is_clean(self) -> bool:
        return not self.errors

    @property
    def has_work(self) -> bool:
        return bool(self.creations or self.changes or self.deactivations)

    @property
    def reactivations(self) -> int:
        return sum(1 for c in self.changes if any(f == "is_active" for f, _, _ in c.changes))

    @property
    def moves(self) -> int:
        return sum(1 for c in self.changes if any(f == "opd_id" for f, _, _ in c.changes))

    def fingerprint(self) -> str:
        """A digest of everything the plan would write, old values included: confirming checks that the plan
        made again from the same file is this one, so the database is changed exactly as previewed."""
        body = {
            "full": self.full_roster,
            "create": [
                [c.nip, c.name, c.email, c.opd_id, c.unit_kerja, c.jabatan, c.pangkat_golongan, c.roles]
                for c in self.creations
            ],
            "change": [[c.user_id, c.nip, [list(x) for x in c.changes]] for c in self.changes],
            "deactivate": [d.user_id for d in self.deactivations],
            "skip": [nip for _, nip, _ in self.skipped],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

    def show(self, field_name: str, value) -> str:
        """A value as the preview writes it."""
        if value is None or value == "":
            return "—"
        if field_name == "opd_id":
            return self.opd_names.get(value, str(value))
        if field_name == "is_active":
            return "aktif" if value else "nonaktif"
        return str(value)


class RosterChanged(ValidationError):
    """An account the plan changes was changed by someone else while it was being applied; the caller rolls
    back (nothing of the plan stays) and plans again."""

    def __init__(self) -> None:
        super().__init__(
            "Data akun berubah sejak pratinjau (misalnya diubah orang lain), sehingga hasil impor tidak lagi "
            "sama dengan pratinjau. Tidak ada yang disimpan. Periksa pratinjau baru, lalu konfirmasi lagi."
        )


class OpdIndex:
    """OPDs by lower-cased code and name: what an OPD cell may say."""

    def __init__(self, opds: list[Opd]) -> None:
        self.by_key: dict[str, Opd] = {}
        for opd in opds:
            self.by_key[opd.name.lower()] = opd
        for opd in opds:  # a code wins over a name spelled the same (codes are short, names long)
            if opd.code:
                self.by_key[opd.code.lower()] = opd
        self.names = {opd.id: opd.name for opd in opds}

    def find(self, value: str) -> Opd | None:
        return self.by_key.get(" ".join(value.split()).lower())


def make_plan(
    parsed: ParsedRoster,
    *,
    opds: OpdIndex,
    accounts: dict[str, dict],
    email_holders: dict[str, set[str]],
    active_in: dict[int, list[dict]] | None,
    actor: Actor,
    full_roster: bool,
) -> RosterPlan:
    """The plan for rows already read (pure: every account and OPD is given). `active_in` maps each OPD of
    the file to its active accounts (needed only for the full roster)."""
    plan = RosterPlan(errors=list(parsed.errors), opd_names=opds.names, full_roster=full_roster)
    scope = actor.scope_opd_id
    scope_name = opds.names.get(scope, "") if scope else ""
    planned: list[tuple[RosterRow, dict | None, dict]] = []  # row, account, the values she will have
    for row in parsed.rows:
        problems: list[str] = []
        opd_id = None
        if row.opd:
            opd = opds.find(row.opd)
            if opd is None:
                problems.append(
                    f"OPD tidak dikenal: {row.opd}. Tulis kode atau nama OPD persis seperti di Admin › OPD, "
                    "atau minta admin menambahkan OPD itu di sana terlebih dahulu."
                )
            elif not opd.is_active:
                problems.append(f"OPD {opd.name} tidak aktif. Aktifkan dulu di Admin › OPD, atau pakai OPD lain.")
            else:
                opd_id = opd.id
                if scope and opd_id != scope:
                    problems.append(
                        f"Baris ini untuk OPD {opd.name}, di luar lingkup Anda ({scope_name}). Impor Anda hanya "
                        "boleh memuat pegawai OPD Anda."
                    )
        account = accounts.get(row.nip)
        if account is not None:
            if account["employee_type"] != row.employee_type:
                problems.append(
                    f"NIP {row.nip} terdaftar sebagai {account['employee_type']}, tetapi NIP ini NIP "
                    f"{row.employee_type}: impor tidak mengubah jenis pegawai. Periksa NIP-nya; bila akun "
                    "tersimpan keliru, perbaiki lewat admin."
                )
            if scope and account["opd_id"] not in (None, scope):
                problems.append(
                    f"NIP {row.nip} terdaftar di OPD lain, di luar lingkup Anda. Mutasi antar-OPD dilakukan "
                    "oleh HR kota (BKPP) atau admin."
                )
        elif row.roles and not actor.may_grant_any_role and not set(row.roles) <= SCOPED_ROLES:
            problems.append(
                f"Peran {', '.join(sorted(set(row.roles) - SCOPED_ROLES))} hanya dapat diberikan oleh admin; "
                "akun baru dari impor HR hanya boleh berperan peserta atau pelatih."
            )
        if problems:
            plan.errors.extend((row.line, p) for p in problems)
            continue
        if account is not None and account["is_admin"]:
            plan.skipped.append((row.line, row.nip, account["name"]))
            continue
        if opd_id is None:
            opd_id = account["opd_id"] if account is not None else scope
        values = {
            "name": row.name,
            "email": row.email if row.email is not None else (account or {}).get("email"),
            "opd_id": opd_id,
            "unit_kerja": row.unit_kerja if row.unit_kerja is not None else (account or {}).get("unit_kerja"),
            "jabatan": row.jabatan if row.jabatan is not None else (account or {}).get("jabatan"),
            "pangkat_golongan": row.pangkat_golongan
            if row.pangkat_golongan is not None
            else (account or {}).get("pangkat_golongan"),
            "is_active": True,
        }
        planned.append((row, account, values))

    # E-mail: one account per address. Checked on the addresses the file gives to an account that does not
    # hold it yet; an address another account gives up in the same file is free.
    final_email = {row.nip: (values["email"] or "").lower() for row, _, values in planned}
    first_line: dict[str, tuple[int, str]] = {}
    for row, account, _values in planned:
        email = (row.email or "").lower()
        if not email:
            continue
        if email in first_line and first_line[email][1] != row.nip:
            plan.errors.append((row.line, f"Email {row.email} juga dipakai di baris {first_line[email][0]}."))
            continue
        first_line.setdefault(email, (row.line, row.nip))
        if account is not None and (account["email"] or "").lower() == email:
            continue
        # A holder outside the file keeps her address; one inside keeps it unless the file gives her another.
        taken = sorted(
            nip for nip in email_holders.get(email, ()) if nip != row.nip and final_email.get(nip, email) == email
        )
        if taken:
            owner = f" (NIP {taken[0]})" if actor.scope_opd_id is None else ""
            plan.errors.append(
                (row.line, f"Email {row.email} sudah dipakai akun lain{owner}. Satu email hanya untuk satu akun.")
            )
    if plan.errors:
        plan.errors.sort()
        return plan

    for row, account, values in planned:
        if account is None:
            plan.creations.append(
                Creation(
                    line=row.line,
                    nip=row.nip,
                    employee_type=row.employee_type,
                    name=values["name"],
                    email=values["email"],
                    opd_id=values["opd_id"],
                    unit_kerja=values["unit_kerja"],
                    jabatan=values["jabatan"],
                    pangkat_golongan=values["pangkat_golongan"],
                    roles=tuple(sorted(row.roles or (PESERTA,))),
                )
            )
            continue
        current = {**account, "is_active": account["is_active_account"]}
        diff = tuple((f, current[f], values[f]) for f in FIELDS if current[f] != values[f])
        if diff:
            plan.changes.append(Change(row.line, account["id"], row.nip, account["name"], diff))
        else:
            plan.unchanged += 1

    if full_roster and active_in is not None:
        listed = {row.nip for row in parsed.rows}
        for opd_id in sorted(active_in):
            for account in active_in[opd_id]:
                if account["nip"] in listed or account["is_admin"] or account["id"] == actor.user_id:
                    continue
                if scope and account["opd_id"] != scope:
                    continue
                plan.deactivations.append(Deactivation(account["id"], account["nip"], account["name"], opd_id))
    return plan


def file_opd_ids(parsed: ParsedRoster, opds: OpdIndex, actor: Actor) -> set[int]:
    """The OPDs a file names (an empty cell of an OPD-scoped HR means hers): the full roster's reach."""
    ids = set()
    for row in parsed.rows:
        opd = opds.find(row.opd) if row.opd else None
        if opd is not None:
            ids.add(opd.id)
        elif not row.opd and actor.scope_opd_id:
            ids.add(actor.scope_opd_id)
    if actor.scope_opd_id:
        ids &= {actor.scope_opd_id}
    return ids


def build_plan(parsed: ParsedRoster, *, actor: Actor, full_roster: bool) -> RosterPlan:
    """The plan against the database as it is now: a handful of bulk queries, none per row."""
    opds = OpdIndex(queries.list_opds())
    if parsed.errors and not parsed.rows:
        return RosterPlan(errors=list(parsed.errors), opd_names=opds.names, full_roster=full_roster)
    accounts = queries.roster_accounts(row.nip for row in parsed.rows)
    emails = {row.email.lower() for row in parsed.rows if row.email}
    holders = queries.email_holders(emails) if emails else {}
    active_in = None
    if full_roster:
        active_in = defaultdict(list)
        for account in queries.active_accounts_in(file_opd_ids(parsed, opds, actor)):
            active_in[account["opd_id"]].append(account)
    return make_plan(
        parsed,
        opds=opds,
        accounts=accounts,
        email_holders=holders,
        active_in=active_in,
        actor=actor,
        full_roster=full_roster,
    )


def actor_for(user: User | None) -> Actor:
    """The import rights of a logged-in user (admin or HR) or of the command line (None)."""
    if user is None or user.has_role(ADMIN):
        return Actor(user_id=user.id if user is not None else None)
    scope = queries.hr_scope_opd_id(user.id) if user.has_role(HR) else None
    # HR (city-wide too) gives new accounts no role that would let a code she holds open an HR or admin
    # account: those roles are the admin's to give (Admin › Pengguna, Lingkup HR).
    return Actor(user_id=user.id, scope_opd_id=scope, may_grant_any_role=False)


def _audit_values(plan: RosterPlan, field_name: str, value):
    return plan.opd_names.get(value, value) if field_name == "opd_id" else value


def apply_plan(plan: RosterPlan, *, actor: User | None) -> list[IssuedCode]:
    """Write the plan in the caller's transaction (she commits once; any error rolls all of it back).

    Bulk statements throughout: new accounts (RETURNING their ids), their roles, codes and audit rows in
    one executemany INSERT each, updates as executemany by primary key (one per set of changed columns),
    deactivations as a few UPDATEs; no statement per row. Each account
    changed gets one audit row with its before/after values; `account_created` / `account_changed` are
    sent for each new account, each mutasi and each (de)activation.
    """
    if not plan.is_clean:
        raise ValueError("a plan with errors is never applied")
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    audit_rows: list[dict] = []

    # Core statements (executemany; RETURNING for the new ids): the ORM's unit of work would cost seconds
    # at 15,000 rows. Column defaults (is_active, session_version, created_at) apply as in the ORM.
    users_table, roles_table = User.__table__, UserRole.__table__
    new_ids: dict[str, int] = {}
    if plan.creations:
        rows = [
            {
                "nip": c.nip,
                "name": c.name,
                "email": c.email,
                "employee_type": c.employee_type,
                "opd_id": c.opd_id,
                "unit_kerja": c.unit_kerja,
                "jabatan": c.jabatan,
                "pangkat_golongan": c.pangkat_golongan,
                "must_change_password": True,
            }
            for c in plan.creations
        ]
        returning = users_table.insert().returning(users_table.c.id, users_table.c.nip)
        new_ids = {nip: user_id for user_id, nip in db.session.execute(returning, rows)}
        db.session.execute(
            roles_table.insert(),
            [{"user_id": new_ids[c.nip], "role": role} for c in plan.creations for role in c.roles],
        )
    users = _load_users(new_ids.values())
    by_nip = {user.nip: user for user in users}
    users = [by_nip[c.nip] for c in plan.creations]
    expires = now + timedelta(days=current_app.config["ACTIVATION_CODE_DAYS"])
    issued, code_rows = [], []
    for user, creation in zip(users, plan.creations, strict=True):
        code = new_one_time_code()
        code_rows.append(
            {"user_id": user.id, "purpose": "activation", "code_hash": hash_code(code), "expires_at": expires}
        )
        issued.append(IssuedCode(user=user, code=code, expires_at=expires))
        audit_rows.append(
            {
                "actor_id": actor_id,
                "action": "user.create",
                "target_user_id": user.id,
                "summary": f"Akun {user.nip} dibuat (impor roster)",
                "details": {"roles": list(creation.roles), "opd": plan.opd_names.get(creation.opd_id)},
            }
        )
    if code_rows:
        db.session.execute(OneTimeCode.__table__.insert(), code_rows)

    by_columns: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for change in plan.changes:
        params = {f"new_{f}": new for f, _, new in change.changes}  # the fields are the columns' names
        params.update({f"old_{f}": old for f, old, _ in change.changes})
        by_columns[tuple(sorted(f for f, _, _ in change.changes))].append({"user_id": change.user_id, **params})
        audit_rows.append(
            {
                "actor_id": actor_id,
                "action": "user.roster_update",
                "target_user_id": change.user_id,
                "summary": f"Data akun {change.nip} diperbarui dari impor roster: "
                + ", ".join(FIELD_LABELS[f] for f, _, _ in change.changes),
                "details": {
                    "before": {f: _audit_values(plan, f, old) for f, old, _ in change.changes},
                    "after": {f: _audit_values(plan, f, new) for f, _, new in change.changes},
                },
            }
        )
    for columns, params in by_columns.items():
        # Each row is updated only if it still holds the old values the plan saw: an account changed by
        # someone else between the plan and this statement makes the count fall short (RosterChanged).
        statement = (
            users_table.update()
            .where(
                users_table.c.id == bindparam("user_id"),
                *(users_table.c[column].is_not_distinct_from(bindparam(f"old_{column}")) for column in columns),
            )
            .values({column: bindparam(f"new_{column}") for column in columns})
        )
        if db.session.execute(statement, params).rowcount != len(params):
            raise RosterChanged()

    ids = [d.user_id for d in plan.deactivations]
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        result = db.session.execute(
            update(User)
            .where(User.id.in_(chunk), User.is_active_account.is_(True))
            .values(is_active_account=False, session_version=User.session_version + 1),  # her sessions end
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != len(chunk):
            raise RosterChanged()
    for d in plan.deactivations:
        audit_rows.append(
            {
                "actor_id": actor_id,
                "action": "user.deactivate",
                "target_user_id": d.user_id,
                "summary": f"Akun {d.nip} dinonaktifkan: tidak ada di roster lengkap "
                f"OPD {plan.opd_names.get(d.opd_id)}",
                "details": {"before": {"is_active": True}, "after": {"is_active": False}, "roster": True},
            }
        )
    if audit_rows:
        db.session.execute(AuditLog.__table__.insert(), audit_rows)
    record_audit(
        actor,
        "users.import",
        None,
        f"Impor roster: {len(plan.creations)} dibuat, {len(plan.changes)} diperbarui, "
        f"{len(plan.deactivations)} dinonaktifkan",
        created=len(plan.creations),
        updated=len(plan.changes),
        deactivated=len(plan.deactivations),
        unchanged=plan.unchanged,
        full_roster=plan.full_roster,
        nips=[c.nip for c in plan.creations],
    )
    db.session.flush()

    for user in users:
        account_created.send(user)
    signalled: dict[int, dict] = {}
    for change in plan.changes:
        moved = {f: (old, new) for f, old, new in change.changes if f in _SIGNALLED}
        if moved:
            signalled[change.user_id] = moved
    for d in plan.deactivations:
        signalled[d.user_id] = {"is_active": (True, False)}
    for user in _load_users(signalled):
        account_changed.send(user, changes=signalled[user.id])
    return issued


def _load_users(ids) -> list[User]:
    """The accounts, read after the bulk statements (populate_existing: an object this session already held,
    such as the importer's own account, is refreshed), so signal receivers and pages see the new values."""
    ids = sorted(ids)
    users: list[User] = []
    for start in range(0, len(ids), 2000):
        users.extend(
            db.session.scalars(
                select(User).where(User.id.in_(ids[start : start + 2000])).execution_options(populate_existing=True)
            )
        )
    return users
