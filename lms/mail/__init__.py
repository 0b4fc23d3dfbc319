"""E-mail through a transactional outbox: queue in the event's transaction, send from `flask mail send`/`worker`.

A low-level package: it imports only the core (extensions, database, dates, errors, urls, i18n), so
accounts and every domain above can queue messages (`lms.mail.services.queue_mail`).
"""

from __future__ import annotations

from flask import Flask


def check_mail_settings(config) -> str | None:
    """What makes the mail settings unusable for production, or None (mail on with an SMTP server, or off)."""
    if not config.get("LMS_MAIL_ENABLED"):
        return None
    problems = []
    if not config.get("MAIL_SERVER"):
        problems.append(
            "MAIL_SERVER kosong padahal email aktif: isi alamat server SMTP (misalnya "
            "MAIL_SERVER=smtp.semarangkota.go.id, lihat docs/deploy.md), atau matikan email dengan "
            "LMS_MAIL_ENABLED=0 (tautan 'Lupa kata sandi' tidak dikirim; pengguna meminta kode reset ke admin)"
        )
    if not config.get("MAIL_DEFAULT_SENDER"):
        problems.append(
            "MAIL_DEFAULT_SENDER wajib diisi, misalnya MAIL_DEFAULT_SENDER='Lentera <lentera@semarangkota.go.id>'"
        )
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        problems.append("pilih salah satu: MAIL_USE_TLS (STARTTLS, port 587) atau MAIL_USE_SSL (port 465)")
    return "; ".join(problems) or None


def init_app(app: Flask) -> None:
    """Flask-Mail's settings for the sender; production says when mail is off. No I/O."""
    from flask_mail import Mail

    Mail().init_app(app)
    if app.config.get("ENV_NAME") == "production" and not app.config.get("LMS_MAIL_ENABLED"):
        app.logger.warning(
            "e-mail is off (no MAIL_SERVER, or LMS_MAIL_ENABLED=0): no message is queued or sent, and "
            "'Lupa kata sandi' tells people to ask HR or the admin for a reset code"
        )
