"""Numbers a URL carries — row ids, page numbers, years, dates — read with bounds, in one place.

In a route, an id is `<id:name>` and a year `<year:name>` (converters the app factory registers): a
value out of range is no such page (404) before the view runs, never an overflow in the database.
In the query string, the readers below take an absent or empty value as "not given" and refuse
anything else that is not a number in range with a ValidationError (400) saying what is allowed.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

from lms.errors import ValidationError

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL (SQLite would take 64)
MIN_YEAR, MAX_YEAR = 2000, 2100  # JP years, filters and recaps
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id from 1 to MAX_ID; `0`, `-1`, twenty digits or `abc` match no route (404)."""

    def __init__(self, map: Map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=MAX_ID)


class YearConverter(IntegerConverter):
    """`<year:name>`: four digits from MIN_YEAR to MAX_YEAR; anything else matches no route (404)."""

    def __init__(self, map: Map, *args, **kwargs) -> None:
        super().__init__(map, fixed_digits=4, min=MIN_YEAR, max=MAX_YEAR)


def register_converters(app: Flask) -> None:
    """Before the blueprints: their rules are compiled with these converters."""
    app.url_map.converters.update(id=IdConverter, year=YearConverter)


def bounded_int(raw: str | None, low: int, high: int) -> int | None:
    """`raw` as a whole number from `low` to `high` (ASCII digits only), or None. Pure."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(raw: str | None) -> int | None:
    """A row id typed or posted (a form's select), or None when it cannot be one."""
    return bounded_int(raw, 1, MAX_ID)


def _given(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def id_arg(name: str) -> int | None:
    """The id in `?name=` (a filter such as the OPD or the module); None when not given."""
    raw = _given(name)
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        raise ValidationError(
            _(
                "Alamat halaman memuat pilihan yang tidak dikenal (%(name)s). Buka lagi halamannya dari menu, "
                "lalu pilih dari daftar.",
                name=name,
            )
        )
    return value


def page_arg(name: str = "page") -> int:
    """The page number in `?page=`; 1 when not given. A page past the last one is shown empty."""
    raw = _given(name)
    if raw is None:
        return 1
    value = bounded_int(raw, 1, MAX_PAGE)
    if value is None:
        raise ValidationError(_("Nomor halaman harus berupa angka 1 sampai %(max)s.", max=MAX_PAGE))
    return value


def year_arg(name: str = "tahun") -> int | None:
    """The year in `?tahun=`, from MIN_YEAR to MAX_YEAR; None when not given."""
    raw = _given(name)
    if raw is None:
        return None
    value = bounded_int(raw, MIN_YEAR, MAX_YEAR)
    if value is None:
        raise ValidationError(_("Tahun harus berupa angka %(min)s sampai %(max)s.", min=MIN_YEAR, max=MAX_YEAR))
    return value


def date_arg(name: str) -> date | None:
    """The date in `?name=` written YYYY-MM-DD (as a date field sends it), within the years above."""
    raw = _given(name)
    if raw is None:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            _(
                "Tanggal harus ditulis TTTT-BB-HH (misalnya 2026-11-28), antara tahun %(min)s dan %(max)s.",
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        )
    return value
