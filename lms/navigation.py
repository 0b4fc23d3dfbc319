"""The main menu: each domain registers its entries with the role that sees them."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

_KEY = "lms_nav"


def register_nav(app: Flask, endpoint: str, label, role: str | None = None, order: int = 50) -> None:
    """Add a menu entry; `label` is a lazy string, `role` None means every logged-in user."""
    app.extensions.setdefault(_KEY, []).append((order, endpoint, label, role))


def nav_links() -> list[tuple[str, str, str | None]]:
    entries = sorted(current_app.extensions.get(_KEY, []), key=lambda e: e[0])
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, str(label), role)
        for _, endpoint, label, role in entries
        if role is None or current_user.has_role(role)
    ]


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_links"] = nav_links
