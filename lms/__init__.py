"""Lentera: a lightweight learning platform for the ASN of Pemerintah Kota Semarang."""

from __future__ import annotations

import os
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, has_request_context, redirect, request, session, url_for
from flask.cli import AppGroup
from flask.helpers import get_debug_flag
from flask_login import current_user

from config import DEVELOPMENT_PUBLIC_URL, INSTANCE_DIR, Config, config_for


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """The app factory: configuration, extensions, blueprints, error handlers, commands. No I/O."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    load_config(app, config)
    register_proxy_fix(app)
    register_extensions(app)
    register_certificate_signing(app)
    register_url_converters(app)
    register_blueprints(app)
    register_receivers(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: type[Config] | dict[str, Any] | None) -> None:
    if isinstance(config, dict):
        app.config.from_object(config_for(os.environ.get("LMS_ENV")))
        app.config.update(config)
    else:
        app.config.from_object(config or config_for(os.environ.get("LMS_ENV")))
    check_config(app)


def check_config(app: Flask) -> None:
    """Production refuses to start on a weak secret, with debug on or without its public address;
    development gets a random key. No environment starts with an unknown LMS_TIMEZONE: every date
    shown or exported is read in it."""
    from lms.dates import CONFIG_KEY, check_timezone

    try:
        check_timezone(app.config.get(CONFIG_KEY))
    except ValueError as error:
        raise RuntimeError(f"Konfigurasi ditolak: {error}") from None
    secret = app.config.get("SECRET_KEY")
    if app.config.get("ENV_NAME") == "production":
        problems = []
        # A long key of a few repeated characters ("aaaa…") is as guessable as a short one.
        if not secret or len(secret) < 32 or len(set(secret)) < 10:
            problems.append(
                "SECRET_KEY wajib diisi dengan nilai acak minimal 32 karakter "
                "(buat dengan: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if app.config.get("DEBUG") or app.debug or get_debug_flag():  # `flask run` reads FLASK_DEBUG itself
            problems.append("DEBUG harus mati di produksi (hapus FLASK_DEBUG)")
        public_url_problem = check_public_url(app.config.get("LMS_PUBLIC_URL"))
        if public_url_problem:
            problems.append(public_url_problem)
        from lms.mail import check_mail_settings

        mail_problem = check_mail_settings(app.config)
        if mail_problem:
            problems.append(mail_problem)
        if problems:
            raise RuntimeError("Konfigurasi produksi ditolak: " + "; ".join(problems) + ".")
    elif not secret:
        # Development without a configured key: sessions last until restart, which is fine locally.
        app.config["SECRET_KEY"] = secrets.token_urlsafe(48)


LOOPBACK_HOSTS = frozenset({"localhost", "0.0.0.0", "::", "::1"})


def check_public_url(url: str | None) -> str | None:
    """What is wrong with LMS_PUBLIC_URL for production, or None. Every certificate keeps the address it
    was issued with in its QR code, so a wrong one cannot be mended afterwards: refuse to start instead."""
    example = "misalnya LMS_PUBLIC_URL=https://lentera.semarangkota.go.id"
    keeps = "alamat ini tercetak pada kode QR setiap sertifikat dan tidak dapat diubah setelah sertifikat terbit"
    url = (url or "").strip()
    if not url:
        return f"LMS_PUBLIC_URL wajib diisi dengan alamat publik Lentera ({example}): {keeps}"
    not_an_address = f"LMS_PUBLIC_URL {url!r} bukan alamat lengkap yang diawali https:// ({example})"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        return not_an_address
    if parts.scheme not in ("http", "https") or not host or parts.query or parts.fragment:
        return not_an_address
    if url.rstrip("/") == DEVELOPMENT_PUBLIC_URL or host in LOOPBACK_HOSTS or host.startswith("127."):
        return (
            f"LMS_PUBLIC_URL {url!r} masih alamat pengembangan di komputer server sendiri, yang tidak dapat "
            f"dibuka dari ponsel yang memindai kode QR; isi dengan alamat publik Lentera ({example}): {keeps}"
        )
    return None


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from LMS_PROXY_FIX proxies (nginx in front), so the client address, the scheme
    (https) and the host are the real ones: for the login limit per IP, secure cookies and external URLs."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from lms.database import configure_sqlite
    from lms.extensions import babel, csrf, db, limiter, login_manager

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"

    from lms.accounts.views import load_user

    login_manager.user_loader(load_user)

    from lms.accounts import throttle

    throttle.init_app(app)

    from lms.mail import init_app as init_mail

    init_mail(app)

    from lms.i18n import register_template_helpers

    register_template_helpers(app)


def register_certificate_signing(app: Flask) -> None:
    """Load the certificate signing key (LMS_CERT_SIGNING_P12) when one is configured: a key that cannot
    sign stops the start with the reason, rather than failing at a learner's completion."""
    from lms.certificates.signing import init_app

    init_app(app)


def select_locale() -> str:
    from flask import current_app
    from sqlalchemy.exc import SQLAlchemyError

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # a command line: no user, no session
    try:
        user_locale = current_user.locale if current_user and current_user.is_authenticated else None
    except SQLAlchemyError:
        user_locale = None  # the database is down: the 503 page still needs a language
    if user_locale in languages:
        return user_locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_url_converters(app: Flask) -> None:
    """`<id:…>` and `<year:…>` in routes: numbers with bounds, so a bad one is a 404, not an overflow."""
    from lms.params import register_converters

    register_converters(app)


def register_blueprints(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.accounts.views import admin, auth, hr_import
    from lms.authoring.views import authoring
    from lms.certificates.views import certificates
    from lms.content.views import content
    from lms.external import models as _external_models  # noqa: F401 - its tables join the metadata
    from lms.external.views import external
    from lms.hr import (
        dashboard_views,  # noqa: F401 - the compliance dashboard's routes on `hr`
        external_views,  # noqa: F401 - its routes join the `hr` blueprint
    )
    from lms.hr.assignment_views import assignments
    from lms.hr.views import hr
    from lms.learning.views import learning
    from lms.navigation import init_navigation, register_nav
    from lms.pages import core
    from lms.quizzes.views import quizzes

    init_navigation(app)
    for blueprint in (
        core,
        auth,
        admin,
        hr_import,
        content,
        authoring,
        learning,
        quizzes,
        certificates,
        hr,
        assignments,
        external,
    ):
        app.register_blueprint(blueprint)
    register_nav(app, "learning.home", _l("Beranda"), None, order=10)
    register_nav(app, "learning.catalogue", _l("Katalog"), None, order=20)
    register_nav(app, "learning.history", _l("Riwayat"), None, order=30)
    register_nav(app, "content.modules", _l("Modul"), ("pelatih", "kurator", "admin"), order=60)
    register_nav(app, "hr.desk", _l("Meja HR"), ("hr",), order=70)
    register_nav(app, "hr_import.import_users", _l("Impor pegawai"), ("hr",), order=72)
    register_nav(app, "admin.users", _l("Pengguna"), ("admin",), order=80)
    register_nav(app, "hr.hr_scopes", _l("Lingkup HR"), ("admin",), order=82)
    register_nav(app, "admin.audit", _l("Audit"), ("admin",), order=85)
    register_nav(app, "admin.outbox", _l("Kotak keluar"), ("admin",), order=86)
    register_nav(app, "auth.profile", _l("Akun"), None, order=90)


def register_receivers(app: Flask) -> None:
    """Higher domains listen to lower ones: a completed module issues a certificate and links to it; the
    roster's changes reach mandatory assignments, which put her mandatory modules first on Beranda."""
    from lms.assignments.home import mandatory_notice, mandatory_section
    from lms.assignments.services import connect_signals as follow_roster
    from lms.certificates.services import connect_signals
    from lms.certificates.views import completion_links
    from lms.learning.home_sections import register_home_section, register_module_notice
    from lms.learning.links import register_completion_links

    connect_signals()
    follow_roster()
    register_home_section(mandatory_section)
    register_module_notice(mandatory_notice)
    register_completion_links(completion_links)


def register_request_hooks(app: Flask) -> None:
    from lms.accounts import sessions
    from lms.security import add_security_headers

    sessions.init_app(app)  # first: an expired session must be ended before any hook reads the user
    add_security_headers(app)
    allowed_while_forced = {
        "auth.change_password",
        "auth.logout",
        "static",
        "core.set_language",
        "core.healthz",
        "core.privacy",
        "certificates.verify",  # scanning a QR code must never end on another page
    }

    @app.before_request
    def _force_password_change():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in allowed_while_forced
        ):
            return redirect(url_for("auth.change_password"))
        return None


def register_errorhandlers(app: Flask) -> None:
    from lms.errors import register_errorhandlers as register

    register(app)


def register_migrations(app: Flask) -> None:
    """Flask-Migrate (`flask db …`). It imports Alembic, which no request needs: `app.cli` (`_Commands`)
    calls this only when a command line asks for `db`, so web workers never load it."""
    from flask_migrate import Migrate

    from lms.extensions import db

    Migrate().init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )


class _Commands(AppGroup):
    """`app.cli`, with the `db` group (Flask-Migrate) set up the first time a command line looks for it."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.name)
        self._app = app

    def get_command(self, ctx, name: str):
        if name == "db" and name not in self.commands:
            register_migrations(self._app)
        return super().get_command(ctx, name)

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), "db"})


def register_commands(app: Flask) -> None:
    from lms.accounts.cli import setup_command, users_cli
    from lms.authoring.cli import sync_command
    from lms.certificates.cli import certificates_cli
    from lms.content.cli import content_cli
    from lms.hr.cli import reminders_cli
    from lms.mail.cli import mail_cli
    from lms.maintenance import backup_command

    commands = _Commands(app)
    commands.commands.update(app.cli.commands)
    app.cli = commands
    app.cli.add_command(users_cli)
    content_cli.add_command(sync_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(setup_command)
