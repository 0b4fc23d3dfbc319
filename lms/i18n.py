"""Language helpers for templates: dates as '28 November 2026', numbers in Indonesian style, and the
templates' `_()` reading the request's translations once per page instead of once per string."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context

from lms import dates


def long_date(value: date | datetime | None) -> str:
    """'28 November 2026' in Indonesian, 'November 28, 2026'-style in English; a moment is dated at the
    office (lms.dates), like every export."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = dates.local_date(value)
    return format_date(value, "d MMMM y")


def long_datetime(value: datetime | None) -> str:
    """'1 Januari 2027, 00.30': the moment on the office's clock (lms.dates)."""
    if value is None:
        return "—"
    return format_datetime(dates.local_datetime(value), "d MMMM y, HH.mm", rebase=False)


def _translations(context: Context):
    # The page's context carries the request's catalogue (set once per render below); a macro imported
    # without context does not see it and asks Flask-Babel, which answers the same.
    translations = context.get("lms_translations")
    return translations if translations is not None else get_translations()


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _translations(context).ugettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, ctxt: str, message: str) -> str:
    return _translations(context).upgettext(ctxt, message)


@pass_context
def _npgettext(context: Context, ctxt: str, singular: str, plural: str, n: int) -> str:
    return _translations(context).unpgettext(ctxt, singular, plural, n)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = long_datetime
    # Same behaviour as Flask-Babel's callables (installed by babel.init_app), without looking up the
    # request's locale and catalogue again for each of a page's dozens of strings.
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True
    )

    @app.context_processor
    def _globals():
        from lms.accounts.nip import format_nip

        return {
            "current_locale": str(get_locale() or "id"),
            "format_nip": format_nip,
            "lms_translations": get_translations(),
        }
