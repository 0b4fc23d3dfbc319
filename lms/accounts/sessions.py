"""Idle and absolute expiry of logged-in sessions, kept inside the signed session cookie.

A session records when it started (login, or a new session opened by the "Ingat saya" cookie) and
when it was last used. It ends after IDLE_MINUTES without a request and SESSION_HOURS after it started,
whichever comes first; a session without these times (made before this rule) ends at once. The
last-used time is rewritten at most once a minute, so an ordinary request writes no cookie.

"Ingat saya" is the user's explicit choice to stay logged in on that browser: when its session ends,
the remember cookie opens a new one (Flask-Login), until LMS_REMEMBER_DAYS after the login or until she
logs out, changes her password or is deactivated. Those still end every session at once: the session
version is checked against the database on every request (`load_user`), and nothing is cached.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import user_loaded_from_cookie, user_logged_in

STARTED = "lms_started"
SEEN = "lms_seen"
_REFRESH_SECONDS = 60
# Flask-Login's keys of a logged-in session, and ours.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", STARTED, SEEN)


def init_app(app: Flask) -> None:
    """Check every request's session before anything reads the current user (register this hook first)."""
    app.before_request(end_expired_session)
    user_logged_in.connect(_start, app)
    user_loaded_from_cookie.connect(_start, app)


def _start(_app: Flask, **_extra) -> None:
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


def end_expired_session() -> None:
    """Before a request: log out a session that was idle too long or is too old; note its use once a minute."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    config = current_app.config
    if not isinstance(started, int) or not isinstance(seen, int):
        _end(None)
    elif now - started > config["SESSION_HOURS"] * 3600:
        _end("lifetime")
    elif now - seen > config["IDLE_MINUTES"] * 60:
        _end("idle")
    elif now - seen >= _REFRESH_SECONDS:
        session[SEEN] = now


def _end(reason: str | None) -> None:
    for key in _LOGIN_KEYS:
        session.pop(key, None)
    g.pop("_login_user", None)  # nothing may go on with the user this session held
    # Not logout_user(): that would also delete the "Ingat saya" cookie, which opens a new session.
    # The message is built only now: the language lookup reads the current user.
    if current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        return
    if reason == "lifetime":
        hours = current_app.config["SESSION_HOURS"]
        flash(
            ngettext(
                "Demi keamanan, sesi berakhir %(num)d jam setelah masuk. Silakan masuk lagi.",
                "Demi keamanan, sesi berakhir %(num)d jam setelah masuk. Silakan masuk lagi.",
                hours,
            ),
            "info",
        )
    elif reason == "idle":
        flash(_("Sesi Anda sudah berakhir karena lama tidak digunakan. Silakan masuk lagi."), "info")
    else:
        flash(_("Sesi Anda sudah berakhir. Silakan masuk lagi."), "info")
