"""Dates as Semarang reads them: the one place a timestamp becomes a calendar date, a year or "today".

Every timestamp is stored in UTC (lms.database). Whatever a person reads or exports — a page, a CSV or
XLSX, SIASN's tanggalKursus/tahunKursus, a certificate, the JP recap, a file name — is dated in the
office's zone, LMS_TIMEZONE (Asia/Jakarta, WIB, by default): a completion at 00:30 WIB on 1 January is
dated 1 January and counts for the new year, although it is still 31 December in UTC. Nothing else
calls `.date()`, `.year`, `astimezone` or `date.today()` on a moment; it calls these functions.

Each function takes the zone explicitly (a name or a ZoneInfo) for code that runs without an app (PDF
layout, pure checks); left out, it is the running app's LMS_TIMEZONE, or Asia/Jakarta outside an app.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context
from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

DEFAULT_TIMEZONE = "Asia/Jakarta"
CONFIG_KEY = "BABEL_DEFAULT_TIMEZONE"  # set from LMS_TIMEZONE (config.py); Flask-Babel reads it too

Zone = str | tzinfo | None


def check_timezone(name: str | None) -> str:
    """`name` when it is a time zone this machine knows (e.g. Asia/Jakarta); ValueError saying so otherwise."""
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"LMS_TIMEZONE {name!r} bukan zona waktu yang dikenal; gunakan nama IANA seperti Asia/Jakarta "
            "(WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)."
        ) from None
    return name


def office_zone(zone: Zone = None) -> tzinfo:
    """The zone dates are read in: `zone` when given, else the app's LMS_TIMEZONE (Asia/Jakarta outside an app)."""
    if isinstance(zone, tzinfo):
        return zone
    if zone is None:
        zone = current_app.config.get(CONFIG_KEY) if has_app_context() else None
    return ZoneInfo(zone or DEFAULT_TIMEZONE)


def local_datetime(moment: datetime, zone: Zone = None) -> datetime:
    """The moment on the office's clock. A naive moment is UTC, as every stored timestamp is."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(office_zone(zone))


def local_date(moment: datetime, zone: Zone = None) -> date:
    """The calendar date of a moment at the office: 31 Dec 17:30 UTC is 1 January (WIB)."""
    return local_datetime(moment, zone).date()


def local_year(moment: datetime, zone: Zone = None) -> int:
    """The calendar year a moment belongs to at the office (JP years, certificate numbers, tahunKursus)."""
    return local_date(moment, zone).year


def local_iso(moment: datetime | None, zone: Zone = None) -> str | None:
    """The moment in ISO 8601 on the office's clock, with its offset ('2027-01-01T00:30:00+07:00'), for
    exports that keep the time (the personal-data file); None stays None."""
    return local_datetime(moment, zone).isoformat() if moment is not None else None


def now(zone: Zone = None) -> datetime:
    """Now, on the office's clock."""
    return datetime.now(UTC).astimezone(office_zone(zone))


def today(zone: Zone = None) -> date:
    """Today's date at the office — never the server's own zone (date.today())."""
    return now(zone).date()


def this_year(zone: Zone = None) -> int:
    return today(zone).year


def year_bounds(year: int, zone: Zone = None) -> tuple[datetime, datetime]:
    """[start, end) of `year` at the office, in UTC: for comparing stored timestamps in SQL.

    2027 in WIB is 2026-12-31 17:00 UTC up to 2027-12-31 17:00 UTC.
    """
    office = office_zone(zone)
    start = datetime(year, 1, 1, tzinfo=office).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=office).astimezone(UTC)
    return start, end


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 → 30): when a
    completion's validity (certificate_valid_months) ends."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _LocalDateSql(FunctionElement):
    """The office's calendar date of a stored timestamp, computed by the database (see `local_date_sql`)."""

    type = Date()
    name = "local_date"
    inherit_cache = False  # the zone is part of the SQL text, not a bound value: never reuse a compiled form

    def __init__(self, column, zone_name: str, offset_minutes: int) -> None:
        super().__init__(column)
        self.zone_name = zone_name
        self.offset_minutes = offset_minutes


@compiles(_LocalDateSql)
def _local_date_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps UTC text and knows no zones: shift by the zone's offset. The zones of Indonesia (WIB,
    # WITA, WIT) have had no daylight saving since 1964, so one offset is right for every stored moment.
    (column,) = element.clauses
    return f"date({compiler.process(column, **kw)}, '{int(element.offset_minutes):+d} minutes')"


@compiles(_LocalDateSql, "postgresql")
def _local_date_postgresql(element, compiler, **kw) -> str:
    (column,) = element.clauses
    zone = element.zone_name.replace("'", "''")
    return f"CAST(timezone('{zone}', {compiler.process(column, **kw)}) AS DATE)"


def local_date_sql(column, zone: Zone = None):
    """`local_date` in SQL: the calendar date at the office of a stored timestamp column, for comparing
    with Date columns and grouping by day in the database (a completion at 00:30 WIB is that day)."""
    office = office_zone(zone)
    name = getattr(office, "key", None) or DEFAULT_TIMEZONE
    offset = office.utcoffset(datetime.now(UTC))
    return _LocalDateSql(column, name, int(offset.total_seconds() // 60) if offset is not None else 0)
