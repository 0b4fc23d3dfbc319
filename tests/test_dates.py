"""lms.dates, the one place a timestamp becomes a date, a year or "today" (LMS_TIMEZONE, WIB by default),
and the places that used to do it on their own: NIP checks, activation-code lists, file names, backups.

The clock is frozen at 00:30 WIB on 1 January 2027 — still 31 December 2026 in UTC, and on a server
whose own zone is UTC — where a date taken in UTC is a day, and a year, behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.dates import format_date

from config import TestingConfig
from lms import create_app, dates
from lms.accounts.models import Opd
from lms.accounts.nip import parse_nip
from lms.accounts.services import IssuedCode
from lms.i18n import long_date, long_datetime
from lms.maintenance import default_backup_name
from tests.accounts.test_import import GOOD_NIPS, GOOD_ROWS, confirm, csv_bytes, upload
from tests.certificates.factories import complete, make_asn, make_module
from tests.conftest import Browser

NEW_YEAR_0030_WIB = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
EVE_2359_WIB = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)


def frozen(moment: datetime):
    return time_machine.travel(moment, tick=False)


# --- the functions -------------------------------------------------------------------------------


def test_a_moment_is_dated_and_counted_in_the_office_zone():
    assert dates.local_date(NEW_YEAR_0030_WIB) == date(2027, 1, 1)
    assert dates.local_year(NEW_YEAR_0030_WIB) == 2027
    assert dates.local_date(EVE_2359_WIB) == date(2026, 12, 31)
    assert dates.local_year(EVE_2359_WIB) == 2026
    assert dates.local_date(datetime(2026, 12, 4, 23, 30, tzinfo=UTC)) == date(2026, 12, 5)  # 06:30 WIB
    assert dates.local_datetime(NEW_YEAR_0030_WIB).strftime("%Y-%m-%d %H:%M %Z") == "2027-01-01 00:30 WIB"


def test_a_naive_moment_is_utc_as_every_stored_timestamp_is():
    assert dates.local_date(datetime(2026, 12, 31, 17, 30)) == date(2027, 1, 1)


def test_a_zone_given_explicitly_wins_for_code_without_an_app():
    assert dates.local_date(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), "Asia/Makassar") == date(2027, 1, 1)
    assert dates.local_year(EVE_2359_WIB, ZoneInfo("Asia/Jayapura")) == 2027
    assert dates.local_year(EVE_2359_WIB, "Asia/Jakarta") == 2026


def test_the_app_reads_lms_timezone(app, monkeypatch):
    with app.app_context():
        assert dates.local_year(EVE_2359_WIB) == 2026
        monkeypatch.setitem(app.config, dates.CONFIG_KEY, "Asia/Jayapura")  # WIT, UTC+9
        assert dates.local_year(EVE_2359_WIB) == 2027
        assert dates.year_bounds(2027)[0] == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)


def test_today_is_the_office_date_whatever_the_server_zone():
    with frozen(NEW_YEAR_0030_WIB):
        assert date.today() == date(2026, 12, 31)  # this machine's own zone is UTC
        assert dates.today() == date(2027, 1, 1) and dates.this_year() == 2027
        assert dates.now().hour == 0
    with frozen(EVE_2359_WIB):
        assert dates.today() == date(2026, 12, 31) and dates.this_year() == 2026


def test_year_bounds_are_the_utc_instants_of_wib_new_year():
    start, end = dates.year_bounds(2027)
    assert (start, end) == (NEW_YEAR_0030_WIB.replace(minute=0), datetime(2027, 12, 31, 17, 0, tzinfo=UTC))
    assert start <= NEW_YEAR_0030_WIB < end and not start <= EVE_2359_WIB < end


def test_an_unknown_time_zone_stops_the_start_and_says_why():
    settings = type("Wrong", (TestingConfig,), {"BABEL_DEFAULT_TIMEZONE": "Asia/Semarang"})
    with pytest.raises(RuntimeError, match="LMS_TIMEZONE 'Asia/Semarang' bukan zona waktu yang dikenal"):
        create_app(settings)


# --- what used to convert on its own -------------------------------------------------------------


def test_page_filters_date_a_moment_at_the_office(app):
    with app.test_request_context():
        assert long_date(NEW_YEAR_0030_WIB) == "1 Januari 2027"
        assert long_datetime(NEW_YEAR_0030_WIB) == "1 Januari 2027, 00.30"
        assert long_date(EVE_2359_WIB) == "31 Desember 2026"


def test_nip_checks_use_the_office_date():
    """At 00:30 WIB on 1 January 2027 a TMT of 2028 is next year, which a NIP may hold (an appointment
    already decided); on the server's UTC date it would be two years ahead and refused."""
    with frozen(NEW_YEAR_0030_WIB):
        assert parse_nip("199001012028011001").start_year == 2028


def test_backup_names_read_the_office_clock():
    assert default_backup_name(NEW_YEAR_0030_WIB) == "lentera-20270101-003000.sqlite"
    with frozen(NEW_YEAR_0030_WIB):
        assert default_backup_name() == "lentera-20270101-003000.sqlite"


def test_an_activation_code_expires_on_the_office_date(app):
    with app.app_context():
        code = IssuedCode(user=None, code="X", expires_at=NEW_YEAR_0030_WIB + timedelta(days=14))
        assert code.expires_on == date(2027, 1, 15)


def test_activation_code_lists_give_the_expiry_date_the_page_shows(app, db, runner, login_as, tmp_path):
    db.session.add_all([Opd(name="Dinas Kesehatan"), Opd(name="Kecamatan Tembalang")])  # the import creates no OPD
    db.session.commit()
    expected = (date(2027, 1, 1) + timedelta(days=app.config["ACTIVATION_CODE_DAYS"])).isoformat()
    with frozen(NEW_YEAR_0030_WIB):
        path = tmp_path / "asn.csv"
        path.write_bytes(csv_bytes(GOOD_ROWS[0]))
        result = runner.invoke(args=["users", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert [row[3] for row in list(csv.reader(io.StringIO(result.stdout)))[1:]] == [expected]

        browser, _admin = login_as("admin")
        done = confirm(browser, upload(browser, csv_bytes(GOOD_ROWS[1])))
        page = done.get_data(as_text=True)
        assert re.findall(r'name="berlaku" value="([^"]*)"', page) == [expected]
        assert GOOD_NIPS[1] in page and format_date(date.fromisoformat(expected), "d MMMM y", locale="id") in page


def test_my_data_file_is_named_and_timed_by_the_office_clock(db, app):
    """The personal-data file keeps exact times, written on the office's clock (+07:00) like its dates."""
    with frozen(NEW_YEAR_0030_WIB):
        learner = make_asn()
        complete(learner, make_module(), days=0)
        browser = Browser(app.test_client())
        assert browser.login(learner.nip).status_code == 302
        response = browser.get("/akun/data-saya.json")
        assert f"data-lentera-{learner.nip}-2027-01-01.json" in response.headers["Content-Disposition"]
        data = json.loads(response.get_data(as_text=True))
    wib = "2027-01-01T00:30:00+07:00"
    assert data["dibuat_pada"] == wib and data["akun"]["login_terakhir"] == wib
    assert data["pembelajaran"]["modul_selesai"][0]["selesai"] == wib
    assert data["sertifikat"][0]["terbit"] == wib and data["sertifikat"][0]["selesai"] == "2027-01-01"
