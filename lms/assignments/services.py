"""Writes about assignments: create, edit, extend, cancel, and follow the roster (joiners and leavers).

Every function here adds/flushes and raises (ValidationError, PermissionDenied, NotFound with a message
in Bahasa Indonesia); the view or command commits once, so a refusal writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, func, insert, literal, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.elements import ColumnElement

from lms import dates
from lms.accounts.csv_import import decode_csv, sniff_delimiter
from lms.accounts.models import Opd, User
from lms.accounts.nip import format_nip, parse_nip
from lms.accounts.personal_data import register_personal_data
from lms.accounts.services import record_audit
from lms.accounts.signals import account_changed, account_created
from lms.assignments import queries
from lms.assignments.models import (
    TARGET_EMPLOYEE_TYPE,
    TARGET_KINDS,
    TARGET_NIPS,
    TARGET_OPD,
    Assignment,
    AssignmentMember,
    AssignmentOpd,
)
from lms.content.models import Module
from lms.database import TZDateTime, utcnow
from lms.errors import NotFound, PermissionDenied, ValidationError
from lms.extensions import db

MAX_NIPS = 20_000  # a list longer than a whole city's roster is a mistake
MAX_NOTE = 2000
MAX_REASON = 500
MAX_YEARS_AHEAD = 3  # a start or due date further ahead is a typo (2207 for 2027)
ANALYZE_AFTER = 1000  # members written at once from which PostgreSQL's statistics are refreshed
EMPLOYEE_TYPES = ("PNS", "PPPK")


class NipListError(ValidationError):
    """The NIP list has lines that cannot be assigned; `problems` lists every one, so HR mends them at once."""

    def __init__(self, problems: list[NipProblem]) -> None:
        super().__init__(
            f"{len(problems)} baris daftar NIP tidak dapat ditugaskan; perbaiki atau hapus baris itu, lalu kirim lagi."
        )
        self.problems = problems


@dataclass(frozen=True)
class NipProblem:
    line: int
    text: str
    message: str


@dataclass
class NipList:
    """The NIPs of a pasted list or an uploaded CSV, each with the line it came from."""

    entries: list[tuple[int, str]] = field(default_factory=list)  # (line, the text as given)


@dataclass
class AssignmentRequest:
    """What HR asks for on the form, not yet checked."""

    module_id: int | None
    target_kind: str
    start_on: date | None
    due_on: date | None
    opd_ids: tuple[int, ...] = ()
    employee_type: str | None = None
    nips: NipList | None = None
    note: str | None = None
    late_join_days: int | None = None
    allow_earlier_completion: bool = False


@dataclass
class AssignmentPlan:
    """A request that passed every check: what `create_assignment` will write."""

    module: Module
    request: AssignmentRequest
    scope: Opd | None
    opds: list[Opd]
    user_ids: list[int] | None  # the people of a NIP list
    note: str | None
    people: int  # how many people it reaches now


# --- reading a NIP list ------------------------------------------------------------------------------


def read_nip_text(text: str) -> NipList:
    """One NIP per line, as pasted: spaces, dots and hyphens inside a NIP are allowed ("19860926 201505 1 001");
    commas or semicolons may separate several on a line. Empty lines and a header line "nip" are skipped."""
    result = NipList()
    for number, line in enumerate(text.splitlines(), start=1):
        for part in line.replace(";", ",").split(","):
            value = part.strip().strip('"').strip()
            if value and value.lower() != "nip":
                result.entries.append((number, value))
    return result


def read_nip_csv(data: bytes) -> NipList:
    """A CSV file (UTF-8, `;` or `,`): the column headed "nip", or the first column when none is."""
    text = decode_csv(data)
    rows = list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)))
    result = NipList()
    if not rows:
        return result
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("nip") if "nip" in header else 0
    start = 1 if "nip" in header else 0
    for number, row in enumerate(rows[start:], start=start + 1):
        value = row[column].strip() if column < len(row) else ""
        if value:
            result.entries.append((number, value))
    return result


def resolve_nips(nips: NipList, scope: Opd | None) -> tuple[list[int], list[NipProblem]]:
    """The user ids of the listed people, and every line that cannot be assigned: a malformed NIP, a NIP
    no account has, an inactive account, a person outside the HR account's OPD, a NIP listed twice."""
    if len(nips.entries) > MAX_NIPS:
        raise ValidationError(f"Daftar NIP terlalu panjang ({len(nips.entries)} baris; paling banyak {MAX_NIPS}).")
    problems: list[NipProblem] = []
    wanted: dict[str, tuple[int, str]] = {}
    for line, text in nips.entries:
        try:
            nip = parse_nip(text).nip
        except ValidationError as error:
            problems.append(NipProblem(line, text, str(error)))
            continue
        if nip in wanted:
            problems.append(NipProblem(line, text, f"NIP {format_nip(nip)} sudah ada di baris {wanted[nip][0]}."))
            continue
        wanted[nip] = (line, text)
    found = {user.nip: user for user in db.session.scalars(select(User).where(User.nip.in_(list(wanted))))}
    user_ids = []
    for nip, (line, text) in wanted.items():
        user = found.get(nip)
        if user is None or (scope is not None and user.opd_id != scope.id):
            # Out of scope reads like unknown for the account's neighbours, but says why it is refused.
            message = (
                f"NIP {format_nip(nip)} tidak terdaftar di Lentera."
                if user is None
                else f"NIP {format_nip(nip)} bukan pegawai {scope.name} (di luar lingkup Anda)."
            )
            problems.append(NipProblem(line, text, message))
        elif not user.is_active_account:
            problems.append(NipProblem(line, text, f"Akun NIP {format_nip(nip)} tidak aktif."))
        else:
            user_ids.append(user.id)
    problems.sort(key=lambda p: p.line)
    return user_ids, problems


# --- who is in an assignment's group --------------------------------------------------------------


def group_condition(
    kind: str,
    *,
    scope_opd_id: int | None,
    employee_type: str | None = None,
    opd_ids: Iterable[int] = (),
    user_ids: Iterable[int] = (),
) -> ColumnElement[bool]:
    """SQL over `users`: the people an assignment of this kind is for, now — active accounts, within the
    OPD scope of the HR account that made it; for kind 'opd' of `opd_ids`, for 'nip' the `user_ids`."""
    conditions = [User.is_active_account.is_(True), User.anonymised_at.is_(None)]
    if scope_opd_id is not None:
        conditions.append(User.opd_id == scope_opd_id)
    if kind == TARGET_OPD:
        conditions.append(User.opd_id.in_(list(opd_ids)))
    elif kind == TARGET_EMPLOYEE_TYPE:
        conditions.append(User.employee_type == employee_type)
    elif kind == TARGET_NIPS:
        conditions.append(User.id.in_(list(user_ids)))
    return and_(*conditions)


def _in_group(assignment: Assignment, user: User, opd_ids: set[int], listed: bool) -> bool:
    """The rule of `group_condition`, for one person in Python (the roster receivers)."""
    if not user.is_active_account or user.anonymised_at is not None:
        return False
    if assignment.scope_opd_id is not None and user.opd_id != assignment.scope_opd_id:
        return False
    if assignment.target_kind == TARGET_OPD:
        return user.opd_id in opd_ids
    if assignment.target_kind == TARGET_EMPLOYEE_TYPE:
        return user.employee_type == assignment.target_employee_type
    if assignment.target_kind == TARGET_NIPS:
        return listed  # the list is its members, present or past
    return True


def late_join_due(assignment: Assignment, today: date) -> date:
    """The due date of someone joining the group today: the group's, or with `late_join_days` today plus
    that many days — never earlier than the group's own due date."""
    if assignment.late_join_days is None:
        return assignment.due_on
    return max(assignment.due_on, today + timedelta(days=assignment.late_join_days))


def takes_late_joiners(assignment: Assignment, today: date) -> bool:
    """Whether someone joining the group today is added: until its due date, or always with `late_join_days`."""
    return not assignment.is_cancelled and (assignment.late_join_days is not None or today <= assignment.due_on)


# --- creating -------------------------------------------------------------------------------------


def _check_dates(start_on: date | None, due_on: date | None, today: date) -> None:
    if start_on is None:
        raise ValidationError("Tanggal mulai wajib diisi.")
    if due_on is None:
        raise ValidationError("Tenggat wajib diisi.")
    if start_on < today:
        raise ValidationError(f"Tanggal mulai tidak boleh di masa lalu (hari ini {today:%d-%m-%Y}).")
    if due_on < start_on:
        raise ValidationError("Tenggat tidak boleh sebelum tanggal mulai.")
    if due_on.year > today.year + MAX_YEARS_AHEAD:
        raise ValidationError(f"Tenggat terlalu jauh; paling lambat tahun {today.year + MAX_YEARS_AHEAD}.")


def _clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(f"Catatan paling banyak {MAX_NOTE} karakter.")
    return text or None


def plan_assignment(request: AssignmentRequest, scope: Opd | None, today: date | None = None) -> AssignmentPlan:
    """Check a request against every rule, without writing. Raises ValidationError (NipListError for a NIP
    list with lines that cannot be assigned).

    The module must be published; start today or later, due on or after the start; the target one of the
    kinds, within the HR account's OPD when it has one; at least one active person in it; and no other
    assignment of the same module to the same group still running (change or cancel that one instead).
    """
    today = today or dates.today()
    module = db.session.get(Module, request.module_id) if request.module_id else None
    if module is None:
        raise ValidationError("Pilih modul yang akan ditugaskan.")
    if not module.is_visible:
        raise ValidationError(f"Modul {module.title} belum diterbitkan atau sudah diarsipkan; tidak dapat ditugaskan.")
    _check_dates(request.start_on, request.due_on, today)
    note = _clean_note(request.note)
    if request.late_join_days is not None and not 1 <= request.late_join_days <= 365:
        raise ValidationError("Jumlah hari bagi pegawai yang bergabung kemudian harus 1 sampai 365.")
    if request.target_kind not in TARGET_KINDS:
        raise ValidationError("Pilih sasaran penugasan.")
    opds: list[Opd] = []
    user_ids = None
    if request.target_kind == TARGET_OPD:
        if not request.opd_ids:
            raise ValidationError("Pilih minimal satu OPD.")
        opds = list(db.session.scalars(select(Opd).where(Opd.id.in_(set(request.opd_ids))).order_by(Opd.name)))
        if len(opds) != len(set(request.opd_ids)):
            raise ValidationError("OPD yang dipilih tidak ditemukan.")
        if scope is not None and any(opd.id != scope.id for opd in opds):
            raise ValidationError(f"Anda hanya dapat menugaskan pegawai {scope.name}.")
    elif request.target_kind == TARGET_EMPLOYEE_TYPE:
        if request.employee_type not in EMPLOYEE_TYPES:
            raise ValidationError("Pilih jenis pegawai: PNS atau PPPK.")
    elif request.target_kind == TARGET_NIPS:
        if request.nips is None or not request.nips.entries:
            raise ValidationError("Daftar NIP kosong: tempel NIP (satu per baris) atau unggah berkas CSV.")
        user_ids, problems = resolve_nips(request.nips, scope)
        if problems:
            raise NipListError(problems)
    draft = _draft(module, request, scope, note)
    people = db.session.scalar(select(func.count()).select_from(User).where(_plan_condition(draft, opds, user_ids)))
    if not people:
        raise ValidationError("Tidak ada pegawai aktif dalam sasaran ini; penugasan tidak dibuat.")
    _refuse_duplicate(draft, opds, user_ids, today)
    return AssignmentPlan(
        module=module, request=request, scope=scope, opds=opds, user_ids=user_ids, note=note, people=people
    )


def _draft(module: Module, request: AssignmentRequest, scope: Opd | None, note: str | None) -> Assignment:
    return Assignment(
        module_id=module.id,
        target_kind=request.target_kind,
        target_employee_type=request.employee_type if request.target_kind == TARGET_EMPLOYEE_TYPE else None,
        start_on=request.start_on,
        due_on=request.due_on,
        note=note,
        late_join_days=request.late_join_days,
        allow_earlier_completion=bool(request.allow_earlier_completion),
        scope_opd_id=scope.id if scope is not None else None,
    )


def _plan_condition(draft: Assignment, opds: list[Opd], user_ids: list[int] | None) -> ColumnElement[bool]:
    return group_condition(
        draft.target_kind,
        scope_opd_id=draft.scope_opd_id,
        employee_type=draft.target_employee_type,
        opd_ids=[opd.id for opd in opds],
        user_ids=user_ids or (),
    )


def _refuse_duplicate(draft: Assignment, opds: list[Opd], user_ids: list[int] | None, today: date) -> None:
    """Refuse a second running assignment (not cancelled, due today or later) of the same module to the
    same group: the same kind, scope and PNS/PPPK, the same OPD, or exactly the same people."""
    stmt = select(Assignment).where(
        Assignment.module_id == draft.module_id,
        Assignment.cancelled_at.is_(None),
        Assignment.due_on >= today,
        Assignment.target_kind == draft.target_kind,
        Assignment.scope_opd_id.is_(None)
        if draft.scope_opd_id is None
        else Assignment.scope_opd_id == draft.scope_opd_id,
    )
    if draft.target_employee_type is not None:
        stmt = stmt.where(Assignment.target_employee_type == draft.target_employee_type)
    for other in db.session.scalars(stmt):
        if draft.target_kind == TARGET_OPD:
            same = {opd.id for opd in other.target_opds} == {opd.id for opd in opds}
        elif draft.target_kind == TARGET_NIPS:
            members = db.session.scalars(
                select(AssignmentMember.user_id).where(AssignmentMember.assignment_id == other.id)
            )
            same = set(members) == set(user_ids or ())
        else:
            same = True
        if same:
            raise ValidationError(
                f"Modul {other.module.title} sudah ditugaskan kepada sasaran yang sama (penugasan #{other.id}, "
                f"tenggat {other.due_on:%d-%m-%Y}). Ubah tenggat penugasan itu atau batalkan dulu."
            )


def create_assignment(request: AssignmentRequest, *, actor: User, scope: Opd | None) -> Assignment:
    """Check the request (`plan_assignment`), write the assignment and every person in its group now — in ONE
    INSERT … SELECT, whatever the group's size — and audit it. Raises ValidationError."""
    plan = plan_assignment(request, scope)
    assignment = _draft(plan.module, request, scope, plan.note)
    assignment.created_by_id = actor.id
    db.session.add(assignment)
    db.session.flush()
    for opd in plan.opds:
        db.session.add(AssignmentOpd(assignment_id=assignment.id, opd_id=opd.id))
    db.session.flush()
    now = utcnow()
    people = select(
        literal(assignment.id), User.id, literal(assignment.due_on, Date()), literal(now, TZDateTime())
    ).where(_plan_condition(assignment, plan.opds, plan.user_ids))
    db.session.execute(insert(AssignmentMember).from_select(["assignment_id", "user_id", "due_on", "added_at"], people))
    # Counted rather than read from rowcount, which some drivers leave at -1 for INSERT … SELECT.
    reached = db.session.scalar(
        select(func.count()).select_from(AssignmentMember).where(AssignmentMember.assignment_id == assignment.id)
    )
    if reached >= ANALYZE_AFTER and db.session.get_bind().dialect.name == "postgresql":
        # Thousands of new rows before autovacuum's next look: without fresh statistics PostgreSQL plans the
        # progress pages as if the table were empty (nested loops over 15,000 rows: seconds instead of 0.1 s).
        db.session.execute(sql_text("ANALYZE assignment_members"))
    record_audit(
        actor,
        "assignment.create",
        summary=f"Penugasan #{assignment.id}: {plan.module.title}, tenggat {assignment.due_on:%d-%m-%Y}, "
        f"{reached} pegawai",
        assignment_id=assignment.id,
        module_id=plan.module.id,
        target_kind=assignment.target_kind,
        opd_ids=[opd.id for opd in plan.opds],
        employee_type=assignment.target_employee_type,
        start_on=assignment.start_on.isoformat(),
        due_on=assignment.due_on.isoformat(),
        people=reached,
    )
    return assignment


# --- changing -------------------------------------------------------------------------------------


def check_can_change(assignment: Assignment, scope: Opd | None) -> None:
    """A city-wide HR account changes any assignment; an OPD-scoped one only those made for its OPD."""
    if scope is not None and assignment.scope_opd_id != scope.id:
        raise PermissionDenied("Penugasan tingkat kota hanya dapat diubah oleh HR tingkat kota (BKPP).")
    if assignment.is_cancelled:
        cancelled_on = dates.local_date(assignment.cancelled_at)
        raise ValidationError(f"Penugasan ini sudah dibatalkan pada {cancelled_on:%d-%m-%Y}.")


def _clean_reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(f"Alasan {what} wajib diisi.")
    if len(text) > MAX_REASON:
        raise ValidationError(f"Alasan paling banyak {MAX_REASON} karakter.")
    return text


def edit_assignment(
    assignment: Assignment, *, actor: User, scope: Opd | None, due_on: date | None, note: str | None
) -> None:
    """Change the note and the due date. A new due date is not in the past nor before the start; members
    who still have the old one (no extension, not a later joiner's own date) get the new one. Audited."""
    check_can_change(assignment, scope)
    today = dates.today()
    if due_on is None:
        raise ValidationError("Tenggat wajib diisi.")
    clean_note = _clean_note(note)
    old_due, old_note = assignment.due_on, assignment.note
    if due_on != old_due:
        if due_on < today:
            raise ValidationError(f"Tenggat tidak boleh di masa lalu (hari ini {today:%d-%m-%Y}).")
        if due_on < assignment.start_on:
            raise ValidationError("Tenggat tidak boleh sebelum tanggal mulai.")
        if due_on.year > today.year + MAX_YEARS_AHEAD:
            raise ValidationError(f"Tenggat terlalu jauh; paling lambat tahun {today.year + MAX_YEARS_AHEAD}.")
        db.session.execute(
            update(AssignmentMember)
            .where(
                AssignmentMember.assignment_id == assignment.id,
                AssignmentMember.extended_at.is_(None),
                AssignmentMember.due_on == old_due,
            )
            .values(due_on=due_on)
        )
        assignment.due_on = due_on
    assignment.note = clean_note
    if (due_on, clean_note) == (old_due, old_note):
        raise ValidationError("Tidak ada yang berubah.")
    record_audit(
        actor,
        "assignment.edit",
        summary=f"Penugasan #{assignment.id}: tenggat {old_due:%d-%m-%Y} → {due_on:%d-%m-%Y}",
        assignment_id=assignment.id,
        due_on=[old_due.isoformat(), due_on.isoformat()],
        note_changed=clean_note != old_note,
    )
    db.session.flush()


def extend_member(
    assignment: Assignment, user_id: int, *, actor: User, scope: Opd | None, due_on: date | None, reason: str | None
) -> AssignmentMember:
    """Give one person a later due date, with a reason (audited): not in the past, after her current one."""
    check_can_change(assignment, scope)
    member = db.session.scalar(
        select(AssignmentMember).where(
            AssignmentMember.assignment_id == assignment.id,
            AssignmentMember.user_id == user_id,
            AssignmentMember.removed_at.is_(None),
        )
    )
    if member is None or (scope is not None and member.user.opd_id != scope.id):
        raise NotFound("Pegawai ini tidak termasuk dalam penugasan.")
    today = dates.today()
    if due_on is None:
        raise ValidationError("Tenggat baru wajib diisi.")
    if due_on < today:
        raise ValidationError(f"Tenggat baru tidak boleh di masa lalu (hari ini {today:%d-%m-%Y}).")
    if due_on <= member.due_on:
        raise ValidationError(f"Tenggat baru harus sesudah tenggat sekarang ({member.due_on:%d-%m-%Y}).")
    if due_on.year > today.year + MAX_YEARS_AHEAD:
        raise ValidationError(f"Tenggat terlalu jauh; paling lambat tahun {today.year + MAX_YEARS_AHEAD}.")
    text = _clean_reason(reason, "perpanjangan")
    old_due = member.due_on
    member.due_on, member.extended_at, member.extension_reason = due_on, utcnow(), text
    record_audit(
        actor,
        "assignment.extend",
        member.user,
        summary=f"Penugasan #{assignment.id}: tenggat {old_due:%d-%m-%Y} → {due_on:%d-%m-%Y}. {text}",
        assignment_id=assignment.id,
        due_on=[old_due.isoformat(), due_on.isoformat()],
    )
    db.session.flush()
    return member


def cancel_assignment(assignment: Assignment, *, actor: User, scope: Opd | None, reason: str | None) -> None:
    """Cancel with a reason (audited): it leaves Beranda and every count; its rows stay for the record."""
    check_can_change(assignment, scope)
    text = _clean_reason(reason, "pembatalan")
    assignment.cancelled_at, assignment.cancelled_by_id, assignment.cancel_reason = utcnow(), actor.id, text
    record_audit(
        actor,
        "assignment.cancel",
        summary=f"Penugasan #{assignment.id} ({assignment.module.title}) dibatalkan. {text}",
        assignment_id=assignment.id,
    )
    db.session.flush()


# --- following the roster -------------------------------------------------------------------------


def follow_person(user: User, *, is_new: bool = False) -> None:
    """Bring one person's memberships in line with the groups she is in now (a new account, a mutasi, a
    change of employee type, a deactivation or reactivation).

    She joins every running assignment whose group she is now in (`takes_late_joiners`), with the
    group's due date or `late_join_due`; one she left and comes back to is given back the same row. She
    leaves (`removed_at`) every one whose group she is no longer in — unless she already completed it,
    which then stays done. At most four queries per person whatever the number of assignments; a new
    account (`is_new`: no rows yet, so nothing to leave) at most two — a roster import stays fast.
    """
    today = dates.today()
    db.session.flush()  # a changed `user.opd` reaches `user.opd_id` only at a flush
    stmt = (
        select(Assignment)
        .where(Assignment.cancelled_at.is_(None))
        .options(lazyload(Assignment.module), lazyload(Assignment.scope_opd))
    )
    if is_new:
        stmt = stmt.where(
            Assignment.target_kind != TARGET_NIPS,
            or_(Assignment.late_join_days.is_not(None), Assignment.due_on >= today),
        )
    assignments = list(db.session.scalars(stmt))
    if not assignments:
        return
    opd_ids: dict[int, set[int]] = {}
    by_opd = [a.id for a in assignments if a.target_kind == TARGET_OPD]
    if by_opd:
        for row in db.session.scalars(select(AssignmentOpd).where(AssignmentOpd.assignment_id.in_(by_opd))):
            opd_ids.setdefault(row.assignment_id, set()).add(row.opd_id)
    members: dict[int, AssignmentMember] = {}
    if not is_new:
        members = {
            m.assignment_id: m
            for m in db.session.scalars(
                select(AssignmentMember).where(
                    AssignmentMember.user_id == user.id,
                    AssignmentMember.assignment_id.in_([a.id for a in assignments]),
                )
            )
        }
    done = queries.completed_member_ids([m.id for m in members.values() if m.removed_at is None], today)
    now = utcnow()
    for assignment in assignments:
        member = members.get(assignment.id)
        if _in_group(assignment, user, opd_ids.get(assignment.id, set()), listed=member is not None):
            if not takes_late_joiners(assignment, today):
                continue
            if member is None:
                db.session.add(
                    AssignmentMember(
                        assignment_id=assignment.id,
                        user_id=user.id,
                        due_on=late_join_due(assignment, today),
                        added_at=now,
                    )
                )
            elif member.removed_at is not None:
                member.removed_at, member.added_at = None, now
                member.due_on = late_join_due(assignment, today)
                member.extended_at = member.extension_reason = None
        elif member is not None and member.removed_at is None and member.id not in done:
            member.removed_at = now
    db.session.flush()


def _on_account_created(user: User, **_) -> None:
    follow_person(user, is_new=True)


def _on_account_changed(user: User, changes: dict | None = None, **_) -> None:
    if changes is None or {"opd_id", "employee_type", "is_active"} & set(changes):
        follow_person(user)


def connect_signals() -> None:
    """Follow the roster: accounts' signals add people who join a group and remove those who leave."""
    account_created.connect(_on_account_created)
    account_changed.connect(_on_account_changed)


# --- her own data ---------------------------------------------------------------------------------


def personal_data(user: User) -> list[dict]:
    """Her mandatory modules for the personal-data file (UU 27/2022 PDP)."""
    rows = db.session.execute(
        select(AssignmentMember, Assignment)
        .join(Assignment, Assignment.id == AssignmentMember.assignment_id)
        .where(AssignmentMember.user_id == user.id)
        .order_by(AssignmentMember.id)
    ).all()
    return [
        {
            "modul": assignment.module.title,
            "mulai": assignment.start_on.isoformat(),
            "tenggat": member.due_on.isoformat(),
            "ditambahkan": dates.local_iso(member.added_at),
            "keluar": dates.local_iso(member.removed_at),
            "alasan_perpanjangan": member.extension_reason,
            "dibatalkan": dates.local_iso(assignment.cancelled_at),
        }
        for member, assignment in rows
    ]


register_personal_data("penugasan_wajib", personal_data)
