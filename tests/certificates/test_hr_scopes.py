"""The admin's page of HR scopes: which OPD each HR account sees, or the whole city; guarded and audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import AuditLog, HrScope
from lms.extensions import db as _db
from tests.accounts.helpers import flashes, is_login_redirect, text
from tests.certificates.factories import issued, make_asn, make_opd
from tests.conftest import extract_csrf

URL = "/admin/lingkup-hr"
# Every route outside the `admin` blueprint that lives under /admin (tests/accounts/test_admin.py
# guards the `admin.*` endpoints); a new one must be added here so the guards below cover it.
ADMIN_ROUTES = [("GET", URL), ("POST", URL)]


def test_route_list_covers_every_certificates_route_under_admin(app):
    found = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and not rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert found == set(ADMIN_ROUTES)


@pytest.fixture
def hr_account(db):
    """A city-wide HR account and an OPD it could be limited to."""
    opd = make_opd("Kecamatan Tembalang")
    return make_asn(opd, roles=("hr",), name="Rina Kepegawaian"), opd


def state(hr):
    _db.session.expire_all()
    scope = _db.session.get(HrScope, hr.id)
    return scope.opd_id if scope else None, _db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.mark.parametrize("role", ["peserta", "pelatih", "hr"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_other_roles_get_403_and_change_nothing(db, login_as, hr_account, role, method, path):
    hr, opd = hr_account
    browser, _user = login_as(role)
    before = state(hr)
    if method == "GET":
        response = browser.get(path)
    else:
        token = extract_csrf(text(browser.get("/akun")))
        response = browser.client.post(path, data={"csrf_token": token, "user_id": hr.id, "opd_id": opd.id})
    assert response.status_code == 403
    assert state(hr) == before


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_visitors_go_to_login_and_change_nothing(db, client, hr_account, method, path):
    hr, opd = hr_account
    before = state(hr)
    if method == "GET":
        response = client.get(path)
    else:
        token = extract_csrf(text(client.get("/login")))
        response = client.post(path, data={"csrf_token": token, "user_id": hr.id, "opd_id": opd.id})
    assert is_login_redirect(response)
    assert state(hr) == before


def test_a_post_without_the_csrf_token_is_refused_even_for_an_admin(db, login_as, hr_account):
    hr, opd = hr_account
    browser, _admin = login_as("admin")
    before = state(hr)
    response = browser.client.post(URL, data={"user_id": hr.id, "opd_id": opd.id})
    assert response.status_code == 400
    assert state(hr) == before


def test_the_page_lists_hr_accounts_with_their_scope(db, login_as, hr_account):
    hr, opd = hr_account
    scoped = make_asn(roles=("hr", "peserta"), name="Bayu Kepegawaian Mijen")
    _db.session.add(HrScope(user_id=scoped.id, opd_id=make_opd("Kecamatan Mijen").id))
    make_asn(name="Peserta Biasa")
    _db.session.commit()
    browser, _admin = login_as("admin")
    page = text(browser.get(URL))
    assert "Rina Kepegawaian" in page and "Bayu Kepegawaian Mijen" in page
    assert "Peserta Biasa" not in page
    rows = {name: row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) for name in re.findall(r"<td>([^<(]+)", row)}
    assert "Seluruh kota" in rows["Rina Kepegawaian"]
    assert re.search(r'<option value="\d+" selected>Kecamatan Mijen', rows["Bayu Kepegawaian Mijen"])
    assert f'<select id="scope-{hr.id}" name="opd_id" aria-label="Lingkup untuk Rina Kepegawaian">' in page


def test_the_admin_menu_links_the_page_for_admins_only(db, login_as):
    admin_browser, _ = login_as("admin")
    hr_browser, _ = login_as("hr")
    assert f'href="{URL}"' in text(admin_browser.get("/akun"))
    assert f'href="{URL}"' not in text(hr_browser.get("/akun"))


def test_admin_limits_an_hr_account_to_one_opd_then_makes_it_city_wide_audited(db, login_as, hr_account):
    hr, opd = hr_account
    browser, admin = login_as("admin")
    response = browser.post_form(URL, {"user_id": hr.id, "opd_id": opd.id}, follow_redirects=True)
    assert response.status_code == 200
    assert flashes(response) == ["Rina Kepegawaian kini hanya melihat ASN dan sertifikat Kecamatan Tembalang."]
    assert state(hr)[0] == opd.id
    entry = _db.session.scalar(select(AuditLog).where(AuditLog.action == "hr.scope").order_by(AuditLog.id.desc()))
    assert (entry.actor_id, entry.target_user_id, entry.details["opd_id"]) == (admin.id, hr.id, opd.id)
    assert "Kecamatan Tembalang" in entry.summary

    response = browser.post_form(URL, {"user_id": hr.id, "opd_id": "kota"}, follow_redirects=True)
    assert flashes(response) == ["Rina Kepegawaian kini melihat ASN dan sertifikat seluruh kota."]
    assert state(hr)[0] is None
    entries = list(_db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "hr.scope")))
    assert entries[-1] == "Cakupan HR: seluruh kota" and len(entries) == 2


def test_an_unchanged_scope_is_not_audited(db, login_as, hr_account):
    hr, _opd = hr_account
    browser, _admin = login_as("admin")
    before = state(hr)
    response = browser.post_form(URL, {"user_id": hr.id, "opd_id": "kota"}, follow_redirects=True)
    assert "Tidak ada perubahan" in flashes(response)[0]
    assert state(hr) == before


def test_the_scope_set_here_is_what_the_hr_desk_applies(db, login_as, app):
    tembalang, mijen = make_opd("Kecamatan Tembalang"), make_opd("Kecamatan Mijen")
    hr_browser, hr = login_as("hr")
    mine, theirs = issued(make_asn(tembalang)), issued(make_asn(mijen))
    admin_browser, _admin = login_as("admin")
    admin_browser.post_form(URL, {"user_id": hr.id, "opd_id": tembalang.id})
    assert hr_browser.get(f"/hr/sertifikat/{mine.id}").status_code == 200
    assert hr_browser.get(f"/hr/sertifikat/{theirs.id}").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("opd_id", "99999", "OPD yang dipilih tidak ditemukan"),
        ("opd_id", "abc", "OPD yang dipilih tidak ditemukan"),
        ("opd_id", "", "OPD yang dipilih tidak ditemukan"),
        ("opd_id", "0", "OPD yang dipilih tidak ditemukan"),
        ("opd_id", "-1", "OPD yang dipilih tidak ditemukan"),
        ("user_id", "99999", "tidak berperan HR"),
        ("user_id", "x", "tidak berperan HR"),
        ("user_id", "peserta", "tidak berperan HR"),
        ("opd_id", "nonaktif", "sudah nonaktif"),
    ],
)
def test_bad_input_says_why_and_changes_nothing(db, login_as, hr_account, field, value, message):
    hr, opd = hr_account
    other = make_opd("Dinas Sosial")
    _db.session.add(HrScope(user_id=hr.id, opd_id=opd.id))  # limited: a bad value must not widen it
    _db.session.commit()
    if value == "peserta":
        value = str(make_asn(name="Bukan HR").id)
    elif value == "nonaktif":
        other.is_active = False
        _db.session.commit()
        value = str(other.id)
    browser, _admin = login_as("admin")
    before = state(hr)
    response = browser.post_form(URL, {"user_id": hr.id, "opd_id": opd.id, field: value})
    assert response.status_code == 400
    (shown,) = flashes(response)
    assert message in shown
    assert state(hr) == before == (opd.id, before[1])
    assert "Rina Kepegawaian" in text(response)  # the page again, not an error page


def test_an_inactive_opd_an_account_is_limited_to_still_shows_as_its_scope(db, login_as, hr_account):
    hr, opd = hr_account
    _db.session.add(HrScope(user_id=hr.id, opd_id=opd.id))
    opd.is_active = False
    make_opd("Dinas Sosial").is_active = False
    _db.session.commit()
    browser, _admin = login_as("admin")
    page = text(browser.get(URL))
    assert re.search(rf'<option value="{opd.id}" selected>Kecamatan Tembalang \(nonaktif\)', page)
    assert "Dinas Sosial" not in page  # inactive OPDs are not offered otherwise
    response = browser.post_form(URL, {"user_id": hr.id, "opd_id": opd.id}, follow_redirects=True)
    assert "Tidak ada perubahan" in flashes(response)[0]  # saving the row unchanged is fine
