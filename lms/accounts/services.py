"""Operations that change accounts. Each adds/flushes and raises; the caller commits once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import dates
from lms.accounts.models import ADMIN, HR, PESERTA, ROLES, AuditLog, HrScope, OneTimeCode, Opd, User, UserRole
from lms.accounts.nip import format_nip, parse_nip
from lms.accounts.passwords import check_password_policy, hash_code, new_one_time_code
from lms.accounts.signals import account_anonymised, account_changed, account_created
from lms.database import utcnow
from lms.errors import NotFound, ValidationError
from lms.extensions import db
from lms.mail.render import public_link
from lms.mail.services import InvalidAddress, mail_enabled, normalise_address, queue_mail

OPD_SEED_FILE = Path(__file__).with_name("data") / "opd-kota-semarang.txt"
# Run a hash check even for unknown NIPs, so response time does not tell which NIPs exist.
_DUMMY_HASH = generate_password_hash("lentera-dummy-password")
ANONYMISED_NAME = "Akun dihapus"
ERASED = "[dihapus]"


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str
    expires_at: datetime

    @property
    def expires_on(self) -> date:
        """The last day the code works, as the office dates it (what the admin hands out)."""
        return dates.local_date(self.expires_at)


def record_audit(actor: User | None, action: str, target: User | None = None, summary: str = "", **details) -> AuditLog:
    """Append one line to the audit log (who, what, whom, when)."""
    entry = AuditLog(actor=actor, action=action, target=target, summary=summary, details=details)
    db.session.add(entry)
    return entry


def seed_opds() -> int:
    """Insert Kota Semarang's perangkat daerah that are not there yet; returns how many were added."""
    names = [
        line.strip()
        for line in OPD_SEED_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    existing = set(db.session.scalars(select(Opd.name)))
    added = [Opd(name=name) for name in names if name not in existing]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


_OPD_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,19}")


def clean_opd_code(code: str | None, *, opd_id: int | None = None) -> str | None:
    """An OPD code as stored (upper case, no spaces) or None; raises ValidationError when it is malformed or
    names another OPD already, by its code or by its name (a roster cell must point at one OPD only)."""
    clean = "".join((code or "").split()).upper()
    if not clean:
        return None
    if not _OPD_CODE.fullmatch(clean):
        raise ValidationError("Kode OPD hanya huruf, angka, titik, garis bawah atau tanda hubung; maksimal 20.")
    clash = db.session.scalar(
        select(Opd).where(or_(func.upper(Opd.code) == clean, func.upper(Opd.name) == clean), Opd.id != (opd_id or 0))
    )
    if clash is not None:
        raise ValidationError(f"Kode {clean} sudah dipakai OPD {clash.name}.")
    return clean


def get_or_create_opd(name: str, code: str | None = None) -> Opd:
    """The OPD of that name (case-insensitive), created when unknown; a code given is set on it."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("Nama OPD wajib diisi.")
    opd = db.session.scalar(select(Opd).where(func.lower(Opd.name) == clean.lower()))
    if opd is None:
        opd = Opd(name=clean)
        db.session.add(opd)
        db.session.flush()
    if code:
        opd.code = clean_opd_code(code, opd_id=opd.id)
    return opd


def find_user_by_nip(nip: str) -> User | None:
    return db.session.scalar(select(User).where(User.nip == nip))


def _clean(value: str | None, limit: int = 200) -> str | None:
    value = " ".join((value or "").split())
    return value[:limit] or None


def create_user(
    *,
    nip: str,
    name: str,
    roles: Iterable[str] = (PESERTA,),
    email: str | None = None,
    opd: Opd | None = None,
    unit_kerja: str | None = None,
    jabatan: str | None = None,
    pangkat_golongan: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account; the NIP is validated and must be new. Raises ValidationError."""
    info = parse_nip(nip)
    if find_user_by_nip(info.nip) is not None:
        raise ValidationError(f"NIP {info.nip} sudah terdaftar.")
    clean_name = _clean(name)
    if not clean_name:
        raise ValidationError("Nama lengkap wajib diisi.")
    role_set = validate_roles(roles)
    user = User(
        nip=info.nip,
        name=clean_name,
        email=_clean(email, 254),
        employee_type=info.employee_type,
        opd=opd,
        unit_kerja=_clean(unit_kerja),
        jabatan=_clean(jabatan),
        pangkat_golongan=_clean(pangkat_golongan, 100),
        role_rows=[UserRole(role=role) for role in sorted(role_set)],
    )
    if password is not None:
        check_password_policy(password, info.nip)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.flush()
    record_audit(actor, "user.create", user, f"Akun {user.nip} dibuat", roles=sorted(role_set))
    account_created.send(user)
    return user


def validate_roles(roles: Iterable[str]) -> set[str]:
    role_set = {role.strip().lower() for role in roles if role and role.strip()}
    unknown = role_set - set(ROLES)
    if unknown:
        raise ValidationError(f"Peran tidak dikenal: {', '.join(sorted(unknown))}. Pilihan: {', '.join(ROLES)}.")
    if not role_set:
        raise ValidationError("Pilih minimal satu peran.")
    return role_set


def update_profile(
    user: User,
    *,
    actor: User,
    name: str,
    email: str | None,
    opd: Opd | None,
    unit_kerja: str | None,
    jabatan: str | None,
    pangkat_golongan: str | None,
) -> None:
    """Replace the profile fields (audited). An anonymised account's profile cannot be filled in again."""
    _refuse_if_anonymised(user)
    clean_name = _clean(name)
    if not clean_name:
        raise ValidationError("Nama lengkap wajib diisi.")
    old_opd_id = user.opd.id if user.opd is not None else None  # opd_id lags the relationship until a flush
    user.name = clean_name
    user.email = _clean(email, 254)
    user.opd = opd
    user.unit_kerja = _clean(unit_kerja)
    user.jabatan = _clean(jabatan)
    user.pangkat_golongan = _clean(pangkat_golongan, 100)
    record_audit(actor, "user.update", user, f"Data akun {user.nip} diubah")
    new_opd_id = opd.id if opd is not None else None
    if new_opd_id != old_opd_id:
        account_changed.send(user, changes={"opd_id": (old_opd_id, new_opd_id)})


def set_roles(user: User, roles: Iterable[str], *, actor: User) -> None:
    """Replace the user's roles (audited). An admin cannot remove their own admin role."""
    new = validate_roles(roles)
    old = user.roles
    if user.id == actor.id and ADMIN in old and ADMIN not in new:
        raise ValidationError("Anda tidak dapat mencabut peran admin dari akun Anda sendiri.")
    if new == old:
        return
    for row in list(user.role_rows):
        if row.role not in new:
            user.role_rows.remove(row)
    for role in sorted(new - old):
        user.role_rows.append(UserRole(role=role))
    user.set_loaded_roles(new)  # so the rest of this request sees the new roles, even after a commit
    record_audit(
        actor,
        "user.roles",
        user,
        f"Peran {user.nip}: {', '.join(sorted(old))} → {', '.join(sorted(new))}",
        before=sorted(old),
        after=sorted(new),
    )


def _refuse_if_anonymised(user: User) -> None:
    if user.anonymised_at is not None:
        raise ValidationError("Data pribadi akun ini sudah dihapus; akun ini tidak dapat diubah atau diaktifkan lagi.")


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (never delete: learning records must survive) or reactivate; audited.

    An anonymised account is never reactivated: it belongs to nobody any more. Raises ValidationError.
    """
    if user.id == actor.id and not active:
        raise ValidationError("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    if active:
        _refuse_if_anonymised(user)
    if user.is_active_account == active:
        return
    user.is_active_account = active
    if not active:
        user.session_version += 1  # every open session of theirs stops working
    record_audit(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        f"Akun {user.nip} {'diaktifkan' if active else 'dinonaktifkan'}",
    )
    account_changed.send(user, changes={"is_active": (not active, active)})


def issue_code(user: User, purpose: str, days: int | None = None) -> IssuedCode:
    """A fresh one-time code for the user; any earlier unused code of theirs stops working."""
    days = days or current_app.config["ACTIVATION_CODE_DAYS"]
    now = utcnow()
    for old in db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
    ):
        old.used_at = now
    code = new_one_time_code()
    expires = now + timedelta(days=days)
    db.session.add(OneTimeCode(user_id=user.id, purpose=purpose, code_hash=hash_code(code), expires_at=expires))
    db.session.flush()
    return IssuedCode(user=user, code=code, expires_at=expires)


def set_mail_preferences(user: User, *, wants_optional_mail: bool) -> None:
    """Her choice of optional e-mail (audited when it changes); mandatory notices ignore it."""
    wanted = bool(wants_optional_mail)
    if user.wants_optional_mail != wanted:
        user.wants_optional_mail = wanted
        record_audit(user, "user.mail_preferences", user, f"Email opsional {'aktif' if wanted else 'nonaktif'}")


CODE_DELIVERIES = ("show", "email", "both")  # activation codes: on the screen, by e-mail, or both


def email_codes(issued: list[IssuedCode], *, reset: bool = False) -> tuple[list[IssuedCode], list[IssuedCode]]:
    """Queue one message per code whose account has an address, in the caller's transaction (mandatory
    mail: sent whatever her `wants_optional_mail`); returns (e-mailed, without an address) — the latter for
    the importer to hand over. `reset`: the admin's reset code of an existing account (the message says
    so). The event key names the code by its hash, never the code itself."""
    if not mail_enabled():
        raise ValidationError(
            "Email tidak aktif di instalasi ini, sehingga kode aktivasi tidak dapat dikirim lewat email. "
            "Pilih 'tampilkan di layar'."
        )
    emailed, without = [], []
    login_url = public_link("auth.login")
    for item in issued:
        address = mail_address(item.user)
        if address is None:
            without.append(item)
            continue
        queue_mail(
            to=address,
            template="activation_code",
            context={
                "name": item.user.name,
                "nip": format_nip(item.user.nip),
                "code": item.code,
                "until": item.expires_on,
                "login_url": login_url,
                "reset": reset,
            },
            event_key=f"activation-code:{item.user.id}:{hash_code(item.code)[:16]}",
            locale=item.user.locale,
        )
        emailed.append(item)
    return emailed, without


def reset_password(user: User, *, actor: User) -> IssuedCode:
    """Replace the password by a one-time code shown once; older sessions stop working (audited).

    Refused (ValidationError) for an anonymised account, which nobody may log in to again.
    """
    _refuse_if_anonymised(user)
    user.password_hash = None
    user.must_change_password = True
    user.session_version += 1
    issued = issue_code(user, "reset")
    record_audit(actor, "user.reset_password", user, f"Kata sandi {user.nip} direset")
    return issued


def _scrub(value, secrets: list[str]):
    """The value with every secret replaced by ERASED, looking inside lists and dicts (audit details)."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, ERASED)
        return value
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    return value


def anonymise_user(user: User, *, actor: User, reason: str) -> None:
    """Erase a person's personal data on request (UU 27/2022 PDP, Pasal 8 and 16): audited, irreversible.

    The account must be deactivated first, must not be the actor's own, must not be anonymised already,
    and a reason (e.g. the number of the written request) is required; otherwise ValidationError and
    nothing changes. Name, NIP, email, unit kerja, jabatan, pangkat/golongan, language, password and last
    login are replaced or cleared; one-time codes and roles are deleted; the old NIP and name are scrubbed
    from the audit log. The OPD and every learning record stay (they hold only the user id); issued
    certificates keep their own snapshot as personnel records. The caller commits.
    """
    if user.anonymised_at is not None:
        raise ValidationError("Data pribadi akun ini sudah dihapus sebelumnya.")
    if user.id == actor.id:
        raise ValidationError("Anda tidak dapat menghapus data pribadi akun Anda sendiri.")
    if user.is_active_account:
        raise ValidationError("Akun ini masih aktif. Nonaktifkan akun terlebih dahulu, lalu hapus data pribadinya.")
    clean_reason = _clean(reason, 500)
    if not clean_reason:
        raise ValidationError("Alasan penghapusan wajib diisi, misalnya nomor surat permohonan.")

    entries = list(
        db.session.scalars(
            select(AuditLog).where(or_(AuditLog.target_user_id == user.id, AuditLog.actor_id == user.id))
        )
    )
    # Earlier spellings of her name and her earlier e-mails, as roster imports recorded them (before/after).
    earlier = set()
    for entry in entries:
        for side in ("before", "after"):
            values = (entry.details or {}).get(side) if entry.target_user_id == user.id else None
            if isinstance(values, dict):
                earlier.update(v for k, v in values.items() if k in ("name", "email") and isinstance(v, str))
    # Longest first, so the spaced NIP is replaced whole before its parts could match anything.
    known = {user.nip, format_nip(user.nip), user.name, user.email or ""} | earlier
    secrets = sorted(known - {""}, key=len, reverse=True)
    for entry in entries:
        entry.summary = _scrub(entry.summary or "", secrets)
        entry.details = _scrub(dict(entry.details or {}), secrets)  # a new dict: JSON columns track no mutation

    user.name = ANONYMISED_NAME
    user.nip = "X" + str(user.id).zfill(17)  # never a NIP (digits only), keeps unique and length 18
    user.email = None
    user.unit_kerja = None
    user.jabatan = None
    user.pangkat_golongan = None
    user.locale = None
    user.password_hash = None
    user.last_login_at = None
    user.must_change_password = False
    user.session_version += 1
    user.role_rows.clear()
    db.session.execute(delete(OneTimeCode).where(OneTimeCode.user_id == user.id))
    user.anonymised_at = utcnow()
    record_audit(actor, "user.anonymise", user, f"Data pribadi akun #{user.id} dihapus", reason=clean_reason)
    account_anonymised.send(user)


def authenticate(nip: str, password: str) -> User | None:
    """The active user whose password (or unused, unexpired one-time code) matches; else None.

    A one-time code obliges the user to choose a password, and keeps working until she has (or it
    expires): a learner whose session ends before she chose one — a closed browser, a phone that ran
    out of battery, "Keluar" pressed by mistake — can log in with the same code again instead of
    having to ask for a new one. Choosing the password uses the code up (`change_password`).
    """
    # Only a well-formed NIP reaches the database (a NUL byte, say, would make PostgreSQL fail).
    user = find_user_by_nip(nip) if len(nip) == 18 and nip.isascii() and nip.isdigit() else None
    if user is None or not password:
        check_password_hash(_DUMMY_HASH, password or "x")
        return None
    # Always one full hash check, also for an account without a password yet (activation, reset):
    # otherwise the quicker answer would tell which NIPs are waiting for a code.
    matches = check_password_hash(user.password_hash or _DUMMY_HASH, password)
    if matches and user.password_hash:
        return user if user.is_active_account else None
    if not user.is_active_account:
        return None
    code = db.session.scalar(
        select(OneTimeCode).where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.code_hash == hash_code(password),
            OneTimeCode.purpose.in_(("activation", "reset")),  # an e-mailed link's token is no password
            OneTimeCode.used_at.is_(None),
        )
    )
    if code is None or code.expires_at <= utcnow():
        return None
    user.must_change_password = True
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


class WrongCurrentPassword(ValidationError):
    """The current password given to change it was wrong (the caller counts and records these)."""


def mail_address(user: User | None) -> str | None:
    """Where mail to this account goes: her address as the outbox keys it, when the account is active,
    not anonymised and has one usable address; else None."""
    if user is None or not user.is_active_account or user.anonymised_at is not None or not user.email:
        return None
    try:
        return normalise_address(user.email)
    except InvalidAddress:
        return None


PASSWORD_CHANGED_HOW = ("form", "link", "command")


def change_password(
    user: User,
    new_password: str,
    *,
    current_password: str | None,
    require_current: bool,
    how: str = "form",
) -> None:
    """Set a new password that meets the policy; every other session of the user stops working.

    A notice "Kata sandi Anda diubah" is queued in the same transaction (mandatory mail) when she has an
    address and either replaced a password of her own (`how`: 'form' — Ganti kata sandi —, 'command') or
    used an e-mailed reset link ('link'); not when she chooses her first password after an activation or
    reset code (she had none: the code itself was handed to her).

    Raises WrongCurrentPassword when `require_current` and the current password does not match (checked
    first, with a full hash check even for an account without one), ValidationError for the policy.
    """
    if how not in PASSWORD_CHANGED_HOW:
        raise ValueError(f"unknown way of changing a password: {how!r}")
    had_password = user.password_hash is not None
    if require_current:
        matches = check_password_hash(user.password_hash or _DUMMY_HASH, current_password or "")
        if not (matches and user.password_hash):
            raise WrongCurrentPassword("Kata sandi saat ini salah.")
    check_password_policy(new_password, user.nip)
    if user.password_hash and check_password_hash(user.password_hash, new_password):
        raise ValidationError("Kata sandi baru harus berbeda dari kata sandi lama.")
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False
    user.session_version += 1
    now = utcnow()
    for code in db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
    ):
        code.used_at = now  # her own password now: the activation or reset code stops working
    address = mail_address(user)
    if address is not None and (had_password or how == "link"):
        queue_mail(
            to=address,
            template="password_changed",
            context={
                "name": user.name,
                "nip": format_nip(user.nip),
                "changed_at": now,
                "how": how,
                "login_url": public_link("auth.login"),
            },
            event_key=f"password-changed:{user.id}:{user.session_version}",
            locale=user.locale,
        )


def ensure_first_admin(nip: str) -> IssuedCode | None:
    """Create the first admin when there is none; returns the one-time password to print once."""
    has_admin = db.session.scalar(select(UserRole).where(UserRole.role == ADMIN).limit(1))
    if has_admin is not None:
        return None
    info = parse_nip(nip)
    user = find_user_by_nip(info.nip)
    if user is None:
        user = create_user(nip=info.nip, name="Administrator Lentera", roles=(ADMIN, PESERTA))
    elif ADMIN not in user.roles:
        user.role_rows.append(UserRole(role=ADMIN))
    user.must_change_password = True
    return issue_code(user, "activation")


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Pengguna tidak ditemukan.")
    return user


def rename_opd(opd: Opd, name: str, is_active: bool, *, actor: User, code: str | None = None) -> None:
    """Rename, recode or (de)activate an OPD; names and codes stay unique (case-insensitive)."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("Nama OPD wajib diisi.")
    clash = db.session.scalar(select(Opd).where(func.lower(Opd.name) == clean.lower(), Opd.id != opd.id))
    if clash is not None:
        raise ValidationError(f"OPD bernama {clean} sudah ada.")
    new_code = clean_opd_code(code, opd_id=opd.id)
    before = opd.name
    opd.name = clean
    opd.code = new_code
    opd.is_active = is_active
    record_audit(actor, "opd.update", None, f"OPD {before} → {clean}", active=is_active, code=new_code)


def change_hr_scope(user_id: int | None, opd_id: int | None, *, actor: User | None) -> tuple[User, Opd | None, bool]:
    """Set an HR account's scope from the admin page: `opd_id` None (or 0) means city-wide.

    Returns the account, its new scope and whether anything changed (an unchanged scope is not
    audited). Raises ValidationError — nothing changed — when the account does not exist or does not
    hold the HR role, or the OPD does not exist or is no longer active.
    """
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.has_role(HR):
        raise ValidationError(
            "Akun itu tidak ditemukan atau tidak berperan HR. Cakupan hanya dapat diatur untuk akun HR; "
            "berikan perannya dulu di menu Pengguna."
        )
    opd = None
    if opd_id:
        opd = db.session.get(Opd, opd_id)
        if opd is None:
            raise ValidationError("OPD yang dipilih tidak ditemukan. Muat ulang halaman, lalu pilih lagi.")
    current = db.session.get(HrScope, user.id)
    if (current.opd_id if current else None) == (opd.id if opd else None):
        return user, opd, False
    if opd is not None and not opd.is_active:
        raise ValidationError(f"OPD {opd.name} sudah nonaktif; pilih OPD yang masih aktif.")
    set_hr_scope(user, opd, actor=actor)
    return user, opd, True


def set_hr_scope(user: User, opd: Opd | None, *, actor: User | None = None) -> None:
    """Limit an HR account to one OPD, or (opd None) make it city-wide; audited."""
    scope = db.session.get(HrScope, user.id)
    if opd is None:
        if scope is not None:
            db.session.delete(scope)
    elif scope is None:
        db.session.add(HrScope(user_id=user.id, opd_id=opd.id))
    else:
        scope.opd_id = opd.id
    db.session.flush()
    where = opd.name if opd else "seluruh kota"
    record_audit(actor, "hr.scope", user, f"Cakupan HR: {where}", opd_id=opd.id if opd else None)
