"""Pages that belong to no domain: home, health check, privacy policy, language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from lms.extensions import db
from lms.security import is_safe_next

core = Blueprint("core", __name__)


@core.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    home = current_app.config.get("LMS_HOME_ENDPOINT")
    if home and home in current_app.view_functions:
        return redirect(url_for(home))
    return render_template("core/home.html")


@core.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return {"status": "unavailable", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}, 200


@core.route("/kebijakan-privasi")
def privacy():
    return render_template("core/privacy.html", retention_years=current_app.config["DATA_RETENTION_YEARS"])


@core.route("/bahasa", methods=["POST"])
def set_language():
    """Remember the chosen language: on the account when logged in, in the session otherwise."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["locale"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("core.index"))
