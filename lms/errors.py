"""Domain exceptions carrying an HTTP meaning, mapped to error pages once."""

from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; the message is fit for the user (Bahasa Indonesia)."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    status_code = 400


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


ERROR_TITLES = {
    400: _l("Permintaan tidak dapat diproses"),
    403: _l("Akses ditolak"),
    404: _l("Halaman tidak ditemukan"),
    405: _l("Metode tidak diizinkan"),
    409: _l("Terjadi konflik data"),
    413: _l("Berkas terlalu besar"),
    429: _l("Terlalu banyak percobaan"),
    500: _l("Terjadi kesalahan pada server"),
    503: _l("Layanan sedang tidak tersedia"),
}


def _upload_limit_message() -> str:
    """What a refused upload is told: the request's size limit (LMS_MAX_UPLOAD_BYTES), in MB."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") if has_app_context() else None
    if not limit:
        return _("Berkas yang Anda kirim terlalu besar.")
    size = limit / (1024 * 1024)
    shown = f"{size:.0f}" if size >= 10 or size == int(size) else f"{size:.1f}"
    return _(
        "Berkas yang Anda kirim terlalu besar: paling besar %(mb)s MB sekali kirim. Perkecil berkasnya "
        "(misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu kembali dan kirim lagi.",
        mb=shown,
    )


def _default_message(status: int) -> str:
    messages = {
        400: _("Permintaan Anda tidak lengkap atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
        403: _("Anda tidak memiliki hak untuk membuka halaman ini."),
        404: _("Halaman yang Anda cari tidak ada atau sudah dipindahkan."),
        405: _("Cara membuka halaman ini tidak diizinkan."),
        409: _("Data sudah berubah. Muat ulang halaman lalu coba lagi."),
        413: _upload_limit_message(),
        429: _("Terlalu banyak percobaan dalam waktu singkat. Silakan tunggu beberapa menit lalu coba lagi."),
        500: _("Maaf, terjadi kesalahan pada server. Kesalahan ini sudah kami catat; silakan coba lagi nanti."),
        503: _("Layanan sedang tidak tersedia sebentar. Silakan coba lagi beberapa saat lagi."),
    }
    return messages.get(status, messages[500])


def render_error(status: int, message: str | None = None):
    """The one error page, in the user's language; JSON for clients that ask for it."""
    from lms.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the database may be the thing that failed
        pass
    text = message or _default_message(status)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=text, status=status), status
    title = str(ERROR_TITLES.get(status, ERROR_TITLES[500]))
    try:
        body = render_template("errors/error.html", status=status, title=title, message=text)
    except Exception:  # noqa: BLE001 - never let the error page itself fail
        body = f"<!doctype html><html lang='id'><title>{status}</title><h1>{title}</h1><p>{text}</p></html>"
    return body, status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):
        return render_error(400, _("Formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status == 429:
            return render_error(429)
        return render_error(status)

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError):
        app.logger.warning("integrity error: %s", error)
        return render_error(409)

    @app.errorhandler(DataError)
    def _bad_data(error: DataError):
        # Input the database refuses (a NUL byte, a value too long for its column): the request is bad.
        app.logger.warning("data refused by the database: %s", error)
        return render_error(400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database(error: Exception):
        app.logger.warning("database unavailable: %s", error)
        # The page's layout must not ask the database for the user again: show it as to a visitor.
        from lms.extensions import login_manager

        g._login_user = login_manager.anonymous_user()
        response = render_error(503)
        return response[0], 503, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error: %s", error)
        return render_error(500)
