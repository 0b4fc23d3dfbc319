"""A naive Flask lesson page, for `make bench` only (never deployed): the comparison the lesson page is held to.

What a competent first version of the same page looks like with the same stack and the same database:
Flask, Flask-SQLAlchemy and Flask-Login (the session user loaded by id on every request), the module and
the lesson looked up by slug, the module's lesson list and her progress for the navigation, a Jinja
layout with that navigation and the lesson's stored HTML. It leaves out what Lentera adds on every
page: session revocation (the session version check), CSP and the other security headers, CSRF, the
language switch (Flask-Babel), the role menu, `no-store`, and recording her reading time.
"""

from __future__ import annotations

import os

from flask import Flask, abort, session
from flask_login import LoginManager, current_user, login_required, login_user
from sqlalchemy import select

from lms.accounts.models import User
from lms.content.models import Lesson, Module
from lms.extensions import db
from lms.learning.models import LessonProgress

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)
login = LoginManager(app)


@login.user_loader
def load_user(user_id: str) -> User | None:
    # Lentera's User.get_id() is "<id>.<session version>"; the naive page reads the id and ignores the version.
    return db.session.get(User, int(user_id.split(".")[0]))


PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ lesson.title }} · {{ module.title }}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">Lentera</a> <span>{{ current_user.name }}</span></header>
<nav aria-label="Pelajaran"><ol>{% for item in lessons %}
<li><a href="/modul/{{ module.slug }}/pelajaran/{{ item.slug }}">{{ item.title }}</a>
{% if item.id in done %} ✓{% endif %}</li>
{% endfor %}</ol></nav>
<main><h1>{{ lesson.title }}</h1><article>{{ lesson.html | safe }}</article>
<form method="post" action="/modul/{{ module.slug }}/pelajaran/{{ lesson.slug }}/selesai">
<button>Tandai selesai</button></form></main></body></html>"""
TEMPLATE = app.jinja_env.from_string(PAGE)  # compiled once, as render_template caches a template file


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.get("/_naive/masuk/<nip>")
def log_in(nip: str) -> str:
    """Bench only: a session for that NIP (the naive page's own cookie), no password."""
    user = db.session.scalar(select(User).where(User.nip == nip))
    if user is None:
        abort(404)
    login_user(user)
    session.permanent = True
    return "ok"


@app.get("/modul/<slug>/pelajaran/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str) -> str:
    module = db.session.scalar(select(Module).where(Module.slug == slug, Module.is_published))
    if module is None:
        abort(404)
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.module_id == module.id, ~Lesson.is_archived).order_by(Lesson.position)
    ).all()
    current = next((item for item in lessons if item.slug == lesson_slug), None)
    if current is None:
        abort(404)
    done = set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == current_user.id,
                LessonProgress.lesson_id.in_([item.id for item in lessons]),
            )
        )
    )
    return TEMPLATE.render(module=module, lesson=current, lessons=lessons, done=done, current_user=current_user)
