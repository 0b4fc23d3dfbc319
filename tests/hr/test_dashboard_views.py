"""The dashboard's pages: who may see them, an OPD-scoped HR sees only her OPD (charts and exports too),
exports (CSV/XLSX, NIP as text), the one-page PDF, and a number of queries that does not grow with people."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event

from lms.extensions import db as _db
from tests.accounts.helpers import is_login_redirect, text
from tests.certificates.factories import make_module
from tests.conftest import Browser, create_user
from tests.hr.helpers import YEAR, asn, build_world, done, external, opd, scope_hr, utc

ROUTES = [
    "/hr/dasbor",
    "/hr/dasbor/opd/{a}",
    "/hr/dasbor/belum-target",
    "/hr/dasbor/opd/{a}/ringkasan.pdf",
]


@pytest.fixture
def world(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "JP_TARGET_PNS", 20)
    monkeypatch.setitem(app.config, "JP_TARGET_PPPK", 10)
    return build_world(app)


def hr_browser(app, unit=None) -> Browser:
    user = create_user(roles=("hr",), name="Rina Kepegawaian")
    if unit is not None:
        scope_hr(user, unit)
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_goes_to_login_and_other_roles_get_403(app, world, login_as, route):
    url = route.format(a=world.a.id)
    assert is_login_redirect(app.test_client().get(url))
    for role in ("peserta", "pelatih", "admin"):
        browser, _user = login_as(role)
        assert browser.get(url).status_code == 403, (role, url)


def test_hr_lands_on_the_city_dashboard(app, world):
    browser = hr_browser(app)
    response = browser.get("/hr")
    assert response.headers["Location"].endswith("/hr/dasbor")
    page = text(browser.get(f"/hr/dasbor?tahun={YEAR}"))
    assert "2 dari 5 ASN (40%)" in page
    assert page.count('role="img"') == 3
    assert "1 akun peserta aktif belum memiliki OPD" in page
    assert f'href="/hr/dasbor/opd/{world.a.id}?tahun={YEAR}"' in page


def test_opd_scoped_hr_sees_only_her_opd_everywhere(app, world):
    browser = hr_browser(app, world.b)
    city = browser.get(f"/hr/dasbor?tahun={YEAR}&format=xlsx")
    assert city.status_code == 302
    assert city.headers["Location"].endswith(f"/hr/dasbor/opd/{world.b.id}?tahun={YEAR}")
    page = text(browser.get(f"/hr/dasbor/opd/{world.b.id}?tahun={YEAR}"))
    assert "Dedi" in page and "Hani" in page and "Ani" not in page and "Dinas A" not in page
    for route in ROUTES[1:]:
        if "{a}" in route:
            assert browser.get(route.format(a=world.a.id)).status_code == 404
    # her own OPD whatever ?opd= says (the filter is not hers to choose)
    assert browser.get(f"/hr/dasbor/belum-target?opd={world.a.id}").status_code == 200
    below = text(browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}&opd={world.a.id}"))
    assert "Citra" not in below and "Budi" not in below
    export = browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}&format=csv").get_data(as_text=True)
    assert "Hani" in export and "Citra" not in export and "Budi" not in export
    chart_data = text(browser.get(f"/hr/dasbor/opd/{world.b.id}?tahun={YEAR}"))
    assert "1 dari 2 ASN (50%)" in chart_data


def test_below_target_page_paginates_and_searches_by_nip(app, world):
    browser = hr_browser(app)
    page = text(browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}"))
    assert "3 ASN belum mencapai target." in page
    nip = world.budi.nip
    found = text(browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}&q={nip[:8]}+{nip[8:14]}+{nip[14]}+{nip[15:]}"))
    assert "1 ASN belum mencapai target." in found and "Budi" in found
    only_b = text(browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}&opd={world.b.id}"))
    assert "1 ASN belum mencapai target." in only_b and "Hani" in only_b


def test_exports_csv_and_xlsx_keep_the_nip_as_text(app, world):
    browser = hr_browser(app)
    csv_text = browser.get(f"/hr/dasbor/belum-target?tahun={YEAR}&format=csv&sep=,").get_data(as_text=True)
    lines = csv_text.splitlines()
    assert lines[0].startswith("\ufeffNIP,Nama,Perangkat Daerah,Jenis pegawai,JP Lentera,JP luar Lentera")
    assert lines[1] == f'"=""{world.citra.nip}""",Citra,Dinas A,PNS,8,0,8,20,12,belum,1,0,1,0'
    assert lines[2] == f'"=""{world.budi.nip}""",Budi,Dinas A,PPPK,0,4,4,10,6,belum,0,0,1,0'
    response = browser.get(f"/hr/dasbor/opd/{world.a.id}?tahun={YEAR}&format=xlsx")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Ani", "Budi", "Citra"]
    nip_cell = sheet["A2"]
    assert nip_cell.value == world.ani.nip and nip_cell.data_type == "s" and nip_cell.number_format == "@"
    city = load_workbook(io.BytesIO(browser.get(f"/hr/dasbor?tahun={YEAR}&format=xlsx").data)).active
    assert list(city.iter_rows(values_only=True))[1] == ("Dinas A", 3, 1, 33, 2, 22, 14, 36, 1, 1, 2, 0)


def test_an_opd_name_is_escaped_and_an_export_is_formula_safe(app, db):
    unit = opd('=HYPERLINK("http://x") <b>OPD</b>')
    asn(unit, "Uji")
    browser = hr_browser(app)
    page = text(browser.get("/hr/dasbor"))
    assert "<b>OPD</b>" not in page and "&lt;b&gt;OPD&lt;/b&gt;" in page
    csv_text = browser.get("/hr/dasbor?format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text


def test_pdf_summary_is_one_page_with_the_below_target_list(app, db, monkeypatch):
    unit = opd("Kecamatan Gunungpati")
    for n in range(18):
        asn(unit, f"Pegawai {n:02d}")
    browser = hr_browser(app)
    response = browser.get(f"/hr/dasbor/opd/{unit.id}/ringkasan.pdf?tahun={YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"ringkasan-jp-{YEAR}-opd-{unit.id}.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    content = reader.pages[0].extract_text()
    for expected in (
        "Kecamatan Gunungpati",
        f"TAHUN {YEAR}",
        "18 orang",
        "0 orang (0%)",
        "dan 3 lainnya",
        "Rina Kepegawaian",
    ):
        assert expected in content, expected


def test_pdf_of_the_world(app, world):
    browser = hr_browser(app)
    content = PdfReader(io.BytesIO(browser.get(f"/hr/dasbor/opd/{world.a.id}/ringkasan.pdf?tahun={YEAR}").data))
    text_ = content.pages[0].extract_text()
    assert "Citra" in text_ and "Budi" in text_ and "Ani" not in text_.split("belum mencapai target")[-1]
    assert "1 orang (33%)" in text_ and "22 JP" in text_ and "14 JP" in text_


def test_without_tahun_the_year_is_read_in_wib(app, world):
    # 17:30 UTC on 31 December 2025 is already 2026 in Semarang: budi's 00:00 WIB completion counts there
    with time_machine.travel(datetime.fromisoformat("2025-12-31T17:30:00+00:00"), tick=False):
        browser = hr_browser(app)
        page = text(browser.get(f"/hr/dasbor/opd/{world.a.id}"))
        csv_text = browser.get(f"/hr/dasbor/opd/{world.a.id}?format=csv").get_data(as_text=True)
    assert "Tahun 2026" in page
    assert ",Budi,Dinas A,PPPK,8,0,8,10,2," in csv_text.replace(";", ",")


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def seed_people(n: int):
    """`n` ASN in a new OPD, each with a completion and an approved external record in 2025."""
    unit = opd(f"Dinas Uji {n}")
    module = make_module(jp=4)
    for index in range(n):
        person = asn(unit, f"Orang {index:03d}")
        done(person, module, utc("2025-03-01 03:00"))
        external(person, 2, date(2025, 4, 1))
    return unit


@pytest.mark.parametrize(
    "path",
    [
        "/hr/dasbor?tahun=2025",
        "/hr/dasbor/opd/{id}?tahun=2025",
        "/hr/dasbor/belum-target?tahun=2025",
        "/hr/dasbor/belum-target?tahun=2025&format=xlsx",
    ],
)
def test_queries_per_page_are_few_and_do_not_grow_with_people(app, db, path):
    counts = []
    for n in (5, 50):
        unit = seed_people(n)
        browser = hr_browser(app)
        browser.get("/akun")
        with counted_statements(app) as statements:
            response = browser.get(path.format(id=unit.id))
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 15, counts
