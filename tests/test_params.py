"""Ids, page numbers and years in URLs: read in one place with bounds, a 404 or a 400 with a message."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import lms
from lms.accounts.models import HrScope
from lms.params import MAX_ID, bounded_int, parse_id
from tests.certificates.factories import issued, make_asn, make_opd

TWENTY_DIGITS = "9" * 20
YEAR_MESSAGE = "Tahun harus berupa angka 2000 sampai 2100."
PAGE_MESSAGE = "Nomor halaman harus berupa angka 1 sampai 100000."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- one place ---------------------------------------------------------------------------------


def test_numbers_in_routes_are_bounded_ids_or_years(app):
    """`<int:…>` takes any number of digits (an overflow in SQLite, an error in PostgreSQL)."""
    unbounded = [rule.rule for rule in app.url_map.iter_rules() if re.search(r"<(int|float)[:(]", rule.rule)]
    assert not unbounded, f"use <id:…> or <year:…> (lms/params.py): {unbounded}"


# Reading a number from the request, or handing the query string to url_for, anywhere but lms/params.py.
OWN_PARSING = re.compile(r"type=int|\bint\(request\.|\*\*request\.(args|values|form)|request\.(args|values)\.to_dict")


def test_numbers_from_the_request_are_read_only_by_lms_params():
    offenders = [
        f"{path.relative_to(Path(lms.__file__).parent)}:{number}: {line.strip()}"
        for path in sorted(Path(lms.__file__).parent.rglob("*.py"))
        if path.name != "params.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OWN_PARSING.search(line)
    ]
    assert not offenders, "read numbers with lms.params, and pass url_for named values:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (TWENTY_DIGITS, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("1e3", None),
        ("abc", None),
        ("٣", None),  # a digit, but not an ASCII one
        ("", None),
        (None, None),
    ],
)
def test_parse_id_takes_only_a_row_id_in_range(raw, expected):
    assert parse_id(raw) == expected


def test_bounded_int_never_parses_a_huge_string():
    assert bounded_int("1" * 5000, 0, 10) is None  # int() of it would raise past Python's digit limit


@pytest.fixture
def hr(db, login_as):
    """A city-wide HR browser and a learner with a certificate."""
    certificate = issued(make_asn(make_opd("Dinas Uji Angka")))
    browser, _ = login_as("hr")
    return browser, certificate


@pytest.mark.parametrize(
    "url",
    [
        "/hr/sertifikat?tahun={}",
        "/hr/sertifikat?format=csv&tahun={}",
        "/hr/siasn?tahun={}",
        "/hr/siasn?format=xlsx&tahun={}",
        "/hr/asn?tahun={}",
        "/hr/opd?tahun={}",
        "/hr/sertifikat/unduh.zip?tahun={}",
    ],
)
@pytest.mark.parametrize("year", ["99999", "-1", "1999", "abc", TWENTY_DIGITS])
def test_a_year_out_of_range_is_400_with_a_message(hr, url, year):
    browser, _ = hr
    response = browser.get(url.format(year))
    assert response.status_code == 400
    assert YEAR_MESSAGE in text(response)


def test_a_year_in_range_is_shown(hr):
    browser, certificate = hr
    year = certificate.completed_on.year
    assert browser.get(f"/hr/sertifikat?tahun={year}").status_code == 200
    response = browser.get(f"/hr/siasn?tahun={year}&format=csv")
    assert response.status_code == 200
    assert certificate.number in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["0", "-99999", "99999", "1999", "2101", "abc", TWENTY_DIGITS])
def test_a_recap_of_a_year_out_of_range_is_404(hr, year):
    browser, certificate = hr
    response = browser.get(f"/hr/asn/{certificate.user_id}/rekap-jp-{year}.pdf")
    assert response.status_code == 404


def test_a_recap_of_a_year_in_range_is_a_pdf(hr):
    browser, certificate = hr
    response = browser.get(f"/hr/asn/{certificate.user_id}/rekap-jp-{certificate.completed_on.year}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


@pytest.mark.parametrize("bad", ["0", TWENTY_DIGITS, str(MAX_ID + 1)])
@pytest.mark.parametrize(
    "url", ["/sertifikat/{}.pdf", "/hr/sertifikat/{}", "/hr/asn/{}", "/hr/opd/{}", "/kuis/percobaan/{}"]
)
def test_an_id_out_of_range_in_the_path_is_404(hr, url, bad):
    browser, _ = hr
    assert browser.get(url.format(bad)).status_code == 404


@pytest.mark.parametrize("url", ["/admin/pengguna/{}", "/admin/opd/{}"])
def test_an_id_out_of_range_on_the_admin_desk_is_404(login_as, url):
    browser, _ = login_as("admin")
    assert browser.get(url.format(TWENTY_DIGITS)).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "100001", TWENTY_DIGITS])
@pytest.mark.parametrize(("role", "url"), [("admin", "/admin/pengguna"), ("admin", "/admin/audit"), ("hr", "/hr/asn")])
def test_a_page_number_out_of_range_is_400_with_a_message(db, login_as, role, url, page):
    browser, _ = login_as(role)
    response = browser.get(f"{url}?page={page}")
    assert response.status_code == 400
    assert PAGE_MESSAGE in text(response)


@pytest.mark.parametrize("page", ["0", TWENTY_DIGITS])
def test_the_catalogue_refuses_a_page_number_out_of_range(db, login_as, page):
    browser, _ = login_as("peserta")
    response = browser.get(f"/katalog?page={page}")
    assert response.status_code == 400
    assert PAGE_MESSAGE in text(response)


def test_a_page_past_the_last_is_an_empty_page(db, login_as):
    browser, _ = login_as("admin")
    assert browser.get("/admin/pengguna?page=100000").status_code == 200


@pytest.mark.parametrize("value", ["abc", "0", TWENTY_DIGITS])
def test_a_filter_id_that_cannot_exist_is_400_with_a_message(hr, value):
    browser, _ = hr
    response = browser.get(f"/hr/sertifikat?opd={value}")
    assert response.status_code == 400
    assert "Alamat halaman memuat pilihan yang tidak dikenal (opd)" in text(response)


def test_an_empty_filter_means_all(hr):
    browser, certificate = hr
    response = browser.get("/hr/sertifikat?q=&opd=&modul=&tahun=&dari=&sampai=&page=")
    assert response.status_code == 200
    assert certificate.number in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["2026-13-01", "99999-01-01", "1999-12-31", "kemarin"])
def test_a_date_that_cannot_be_read_is_400_with_a_message(hr, value):
    browser, _ = hr
    response = browser.get(f"/hr/sertifikat?dari={value}")
    assert response.status_code == 400
    assert "Tanggal harus ditulis TTTT-BB-HH" in text(response)


@pytest.mark.parametrize(
    "query",
    ["opd_id=1", "endpoint=x", "opd_id=abc&tahun=2026", "_external=1&_scheme=javascript", "tahun=2026&format=csv"],
)
def test_a_scoped_hr_opd_list_redirects_with_only_what_the_opd_page_reads(db, login_as, query):
    opd = make_opd("Kecamatan Mijen")
    browser, user = login_as("hr")
    db.session.add(HrScope(user_id=user.id, opd_id=opd.id))
    db.session.commit()
    response = browser.get(f"/hr/opd?{query}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("", "", f"/hr/opd/{opd.id}")
    sent = parse_qs(query)
    assert parse_qs(location.query) == {key: sent[key] for key in ("tahun", "format") if key in sent}
