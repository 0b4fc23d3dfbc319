"""The main menu: each domain registers its entries with the roles that see them."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

_KEY = "lms_nav"


def register_nav(app: Flask, endpoint: str, label, roles: tuple[str, ...] | None = None, order: int = 50) -> None:
    """Add a menu entry; `label` is a lazy string; no `roles` means every logged-in user."""
    app.extensions.setdefault(_KEY, []).append((order, endpoint, label, tuple(roles or ())))


def nav_links() -> list[tuple[str, str, tuple[str, ...]]]:
    entries = sorted(current_app.extensions.get(_KEY, []), key=lambda e: e[0])
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, str(label), roles)
        for _, endpoint, label, roles in entries
        if not roles or any(current_user.has_role(role) for role in roles)
    ]


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_links"] = nav_links
