"""Language helpers for templates: dates as '28 November 2026', numbers in Indonesian style."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale


def long_date(value: date | datetime | None) -> str:
    """'28 November 2026' in Indonesian, 'November 28, 2026'-style in English."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y")
    return format_date(value, "d MMMM y")


def long_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "d MMMM y, HH.mm")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = long_datetime

    @app.context_processor
    def _globals():
        from lms.accounts.nip import format_nip

        return {"current_locale": str(get_locale() or "id"), "format_nip": format_nip}
