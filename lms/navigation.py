"""The main menu: each domain registers its entries with the roles that see them."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_login import current_user

_KEY = "lms_nav"
_CACHE_KEY = "lms_nav_cache"


def register_nav(app: Flask, endpoint: str, label, roles: tuple[str, ...] | None = None, order: int = 50) -> None:
    """Add a menu entry; `label` is a lazy string; no `roles` means every logged-in user."""
    app.extensions.setdefault(_KEY, []).append((order, endpoint, label, tuple(roles or ())))
    app.extensions[_CACHE_KEY] = {}


def nav_links() -> list[tuple[str, str, str]]:
    """(endpoint, URL, label) of the entries the current user sees, in menu order.

    The menu is the same for everyone with the same roles and language, so it is built once per
    (roles, language, mount point) and kept for the life of the process: every page shows it.
    """
    if not current_user.is_authenticated:
        return []
    roles = frozenset(current_user.roles)
    key = (roles, str(get_locale()), request.script_root)
    cache = current_app.extensions.setdefault(_CACHE_KEY, {})
    links = cache.get(key)
    if links is None:
        entries = sorted(current_app.extensions.get(_KEY, []), key=lambda e: e[0])
        links = [
            (endpoint, url_for(endpoint), str(label))
            for _, endpoint, label, needed in entries
            if not needed or roles & set(needed)
        ]
        cache[key] = links
    return links


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_links"] = nav_links
