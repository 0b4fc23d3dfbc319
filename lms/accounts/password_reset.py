"""Self-service password reset ("Lupa kata sandi"): a single-use link e-mailed to the account's address.

The link carries a random token (256 bits); only its hash is stored, as a OneTimeCode of purpose
'reset_link' that expires after RESET_LINK_MINUTES (30). A request for a NIP that does not exist, is
inactive or has no usable address does the same work apart from the writes (a token is made and
hashed, the message rendered) and the view answers it with the same page after the same least time, so
nobody learns from the answer which NIPs exist or have an e-mail. Using the link sets the new password
(same policy), ends every other session and every outstanding code or link of hers, and e-mails a
notice; all of it in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.accounts.models import OneTimeCode, User
from lms.accounts.nip import format_nip
from lms.accounts.services import change_password, find_user_by_nip, record_audit
from lms.database import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.mail.render import public_link, render_mail
from lms.mail.services import InvalidAddress, mail_enabled, normalise_address, queue_mail

RESET_LINK = "reset_link"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class LinkRefused(DomainError):
    """The link cannot be used: unknown or altered (404), or used, replaced or expired (410)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status_code = status


def hash_link_token(token: str) -> str:
    """The stored form of a link's token. Its prefix keeps it apart from a typed code's hash (hash_code)."""
    return hashlib.sha256(f"reset-link:{token}".encode()).hexdigest()


def _eligible_address(user: User | None) -> str | None:
    if user is None or not user.is_active_account or user.anonymised_at is not None or not user.email:
        return None
    try:
        return normalise_address(user.email)
    except InvalidAddress:
        return None


def request_reset_link(nip: str, *, ip: str) -> bool:
    """E-mail a reset link when the NIP's account is active and has an address (and mail is on); whether
    one was queued — for tests and logs only: the person asking must not be told.

    A new link replaces her earlier unused links; her activation or reset code from the admin keeps
    working (a stranger typing her NIP must not be able to take it away). Audited. The caller commits.
    """
    minutes = current_app.config["RESET_LINK_MINUTES"]
    token = secrets.token_urlsafe(32)
    token_hash = hash_link_token(token)
    link = public_link("auth.reset_with_link", token=token)
    is_nip = len(nip) == 18 and nip.isascii() and nip.isdigit()
    user = find_user_by_nip(nip) if is_nip else None
    address = _eligible_address(user) if mail_enabled() else None
    context = {"name": user.name if user else "ASN", "nip": format_nip(nip) if is_nip else nip, "link": link}
    context["minutes"] = minutes
    if address is None:
        render_mail("password_reset", context, None)  # the same work as for a real message
        return False
    now = utcnow()
    db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == RESET_LINK, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = OneTimeCode(
        user_id=user.id, purpose=RESET_LINK, code_hash=token_hash, expires_at=now + timedelta(minutes=minutes)
    )
    db.session.add(code)
    db.session.flush()
    queue_mail(
        to=address,
        template="password_reset",
        context=context,
        event_key=f"password-reset:{code.id}",
        locale=user.locale,
    )
    record_audit(None, "user.reset_link_requested", user, f"Tautan atur ulang kata sandi {user.nip} dikirim", ip=ip)
    return True


def find_reset_link(token: str) -> tuple[OneTimeCode, User]:
    """The link's code and account, when the link can still be used; LinkRefused saying why not."""
    code = None
    if _TOKEN.match(token or ""):
        code = db.session.scalar(
            select(OneTimeCode).where(
                OneTimeCode.code_hash == hash_link_token(token), OneTimeCode.purpose == RESET_LINK
            )
        )
    if code is None:
        raise LinkRefused(
            _(
                "Tautan ini tidak dikenali. Mungkin tautannya terpotong atau berubah saat disalin: buka lagi tautan "
                "dari email Anda, atau minta tautan baru."
            ),
            404,
        )
    user = db.session.get(User, code.user_id)
    if code.used_at is not None:
        raise LinkRefused(
            _(
                "Tautan ini sudah dipakai, atau sudah digantikan oleh tautan yang lebih baru atau kode dari admin. "
                "Setiap tautan hanya dapat dipakai sekali: minta tautan baru bila perlu."
            ),
            410,
        )
    if code.expires_at <= utcnow():
        minutes = current_app.config["RESET_LINK_MINUTES"]
        raise LinkRefused(
            _(
                "Tautan ini sudah kedaluwarsa: tautan atur ulang kata sandi berlaku %(minutes)s menit. "
                "Minta tautan baru.",
                minutes=minutes,
            ),
            410,
        )
    if user is None or not user.is_active_account or user.anonymised_at is not None:
        raise LinkRefused(_("Akun ini tidak aktif. Hubungi petugas kepegawaian OPD Anda atau admin."), 410)
    return code, user


def reset_with_link(token: str, new_password: str) -> User:
    """Set her new password through the link: the link is used up (once, even when two requests race),
    every other session and outstanding code or link ends, a notice is queued, the audit log records it.

    Raises LinkRefused, or ValidationError for a password the policy refuses (the caller rolls back, so
    the link still works).
    """
    code, user = find_reset_link(token)
    used = db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == code.id, OneTimeCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # another request used it a moment ago
        raise LinkRefused(_("Tautan ini baru saja dipakai. Setiap tautan hanya dapat dipakai sekali."), 410)
    change_password(user, new_password, current_password=None, require_current=False, how="link")
    record_audit(user, "user.password_reset_by_link", user, f"Kata sandi {user.nip} diganti lewat tautan email")
    return user
