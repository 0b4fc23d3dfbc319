"""Security headers (CSP), role checks and safe redirects: the one place for each."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, abort, g, request, session
from flask_login import current_user

F = TypeVar("F", bound=Callable)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(app: Flask) -> None:
    """Every response carries a strict CSP and the usual hardening headers; HSTS in production."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Pages carry personal data: never in a shared cache. A logged-in page is not kept even by
            # the browser (no-store also keeps it out of the back/forward cache), so on a shared PC the
            # Back button after "Keluar" cannot show it again.
            headers["Cache-Control"] = "no-store" if is_logged_in() else "private, no-cache"
        return response


def is_logged_in() -> bool:
    """Whether a user is logged in for this request: the user Flask-Login loaded, else its key in the
    session. Never reads the database, so it is safe while an error page is answered: `is_anonymous` is a
    constant of the class, where `is_authenticated` reads the user's row (expired once the view committed,
    so it would be loaded again after every write)."""
    user = g.get("_login_user")
    if user is not None:
        return not user.is_anonymous
    return session.get("_user_id") is not None


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow the view to users holding any of `roles`; anonymous visitors go to the login page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from lms.extensions import login_manager

                return login_manager.unauthorized()
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# C0 and C1 control characters. A CR or LF would split the Location header (a 500, or a forged header),
# and browsers drop tabs and newlines from URLs, so "/\t/evil.example" would go to //evil.example.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_safe_next(target: str | None) -> bool:
    """A `next` target is safe only when it is a path on this site: one leading '/', no scheme, no
    host, no backslash and no control character — in the text as sent and once percent-decoded
    ("/%0d%0a…", "/%2F%2Fevil.example"). Anything else falls back to the home page."""
    if not target:
        return False
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith("//") or "\\" in text or _CONTROL.search(text):
            return False
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return False
    return True
