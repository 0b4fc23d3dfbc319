"""Small readers of rendered pages, shared by the accounts tests."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from lms.accounts.models import AuditLog, User
from lms.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def field_errors(response) -> list[str]:
    """The messages shown under form fields."""
    return [html.unescape(m) for m in re.findall(r'class="field-error"[^>]*>([^<]*)<', text(response))]


def flashes(response) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="flash flash-\w+"[^>]*>([^<]*)<', text(response))]


def hidden_value(response, name: str) -> str:
    """The value of the first hidden input called `name` (unescaped, as a browser would post it)."""
    page = text(response)
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, f"no hidden input {name!r} on the page"
    return html.unescape(match.group(1))


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login")


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def audit_actions(target: User | None = None) -> list[str]:
    stmt = select(AuditLog.action).order_by(AuditLog.id)
    if target is not None:
        stmt = stmt.where(AuditLog.target_user_id == target.id)
    return list(db.session.scalars(stmt))


def reload(user: User) -> User:
    """The user as the database holds it now (not what this session remembers)."""
    db.session.expire_all()
    return db.session.get(User, user.id)
