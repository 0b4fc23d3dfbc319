"""Rungs between the floor and Lentera's pages, for `make bench` only (never deployed).

Lentera itself — every extension, request hook and error handler, the session cookie and, when logged in,
the session user's query — answering the floor's short string. The gap between the floor and these rungs
is what any Lentera page pays before doing its own work; the gap between the rungs and a page is the page.
"""

from __future__ import annotations

from flask_login import current_user, login_required

from lms import create_app

app = create_app()


@app.get("/_bench/halo")
def hello() -> str:
    return "Halo, ASN Kota Semarang!"


@app.get("/_bench/halo-masuk")
@login_required
def hello_logged_in() -> str:
    return f"Halo, ASN Kota Semarang! ({current_user.id})"
