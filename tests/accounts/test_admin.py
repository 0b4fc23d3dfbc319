"""The admin desk: every route guarded, users created and edited, roles, deactivation, resets, OPD, audit, search."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import AuditLog, OneTimeCode, Opd, User
from tests.accounts.helpers import (
    audit_actions,
    count_users,
    field_errors,
    flashes,
    is_login_redirect,
    reload,
    text,
)
from tests.conftest import TEST_PASSWORD, Browser, create_user, extract_csrf, make_nip

# Every route of the `admin` blueprint with each method it accepts; {user} and {opd} are filled in.
ADMIN_ROUTES = [
    ("GET", "/admin/pengguna"),
    ("GET", "/admin/pengguna/baru"),
    ("POST", "/admin/pengguna/baru"),
    ("GET", "/admin/pengguna/{user}"),
    ("POST", "/admin/pengguna/{user}"),
    ("POST", "/admin/pengguna/{user}/status"),
    ("POST", "/admin/pengguna/{user}/reset-sandi"),
    ("POST", "/admin/pengguna/{user}/anonimkan"),
    ("GET", "/admin/impor"),
    ("POST", "/admin/impor"),
    ("POST", "/admin/impor/konfirmasi"),
    ("POST", "/admin/impor/kode-aktivasi.csv"),
    ("POST", "/admin/impor/kode-aktivasi.pdf"),
    ("GET", "/admin/opd"),
    ("POST", "/admin/opd"),
    ("GET", "/admin/opd/{opd}"),
    ("POST", "/admin/opd/{opd}"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/kotak-keluar"),
    ("POST", "/admin/kotak-keluar/{message}/ulang"),
]

# What a POST would change if the guard let it through.
HARMFUL_FORM = {
    "nip": "199001012015011001",
    "name": "Diubah Tanpa Hak",
    "roles": ["admin"],
    "active": "0",
    "payload": "nip,nama,email,opd,jabatan,peran\n199001012015011001,Penyusup,,,,admin\n",
    "nama": "x",
    "kode": "x",
    "berlaku": "x",
    "is_active": "",
    "reason": "Permintaan palsu",
}


def test_route_list_covers_every_admin_route(app):
    """A new admin route must be added to ADMIN_ROUTES, so that the guards below cover it."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = re.sub(r"<id:user_id>", "{user}", rule.rule)
            path = re.sub(r"<id:opd_id>", "{opd}", path)
            path = re.sub(r"<id:message_id>", "{message}", path)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, path))
    assert found == set(ADMIN_ROUTES)


@pytest.fixture
def target(db):
    """Another user and an OPD the guarded routes would act on."""
    opd = services.get_or_create_opd("Dinas Uji Akses")
    victim = create_user(name="Korban Uji", opd=opd)
    return victim, opd


def fill(path: str, victim: User, opd: Opd) -> str:
    return path.format(user=victim.id, opd=opd.id, message=987654)  # no such message: the guards answer first


def state_of(db, victim: User, opd: Opd):
    db.session.expire_all()
    return (
        count_users(),
        db.session.scalar(select(func.count()).select_from(AuditLog)),
        db.session.scalar(select(func.count()).select_from(OneTimeCode)),
        db.session.scalar(select(func.count()).select_from(Opd)),
        db.session.get(User, victim.id).name,
        db.session.get(User, victim.id).roles,
        db.session.get(User, victim.id).is_active_account,
        db.session.get(User, victim.id).password_hash,
        db.session.get(Opd, opd.id).name,
    )


@pytest.mark.parametrize("role", ["peserta", "pelatih", "hr"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_refuse_other_roles_with_403(db, login_as, target, role, method, path):
    victim, opd = target
    browser, _ = login_as(role)
    before = state_of(db, victim, opd)
    url = fill(path, victim, opd)
    if method == "GET":
        response = browser.get(url)
    else:
        token = extract_csrf(text(browser.get("/akun")))
        response = browser.client.post(url, data={"csrf_token": token, **HARMFUL_FORM, "name": "Diubah Tanpa Hak"})
    assert response.status_code == 403
    assert "Akses ditolak" in text(response)
    assert '<html lang="id">' in text(response)
    assert state_of(db, victim, opd) == before


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_send_anonymous_visitors_to_login(db, client, target, method, path):
    victim, opd = target
    before = state_of(db, victim, opd)
    url = fill(path, victim, opd)
    if method == "GET":
        response = client.get(url)
    else:
        token = extract_csrf(text(client.get("/login")))
        response = client.post(url, data={"csrf_token": token, **HARMFUL_FORM})
    assert is_login_redirect(response)
    assert state_of(db, victim, opd) == before


@pytest.mark.parametrize(("method", "path"), [r for r in ADMIN_ROUTES if r[0] == "POST"])
def test_admin_posts_without_csrf_token_are_refused_even_for_an_admin(db, login_as, target, method, path):
    victim, opd = target
    browser, _ = login_as("admin")
    before = state_of(db, victim, opd)
    response = browser.client.post(fill(path, victim, opd), data=HARMFUL_FORM)
    assert response.status_code == 400
    assert state_of(db, victim, opd) == before


@pytest.mark.parametrize(("method", "path"), [r for r in ADMIN_ROUTES if r[0] == "GET"])
def test_every_admin_page_opens_for_an_admin(login_as, target, method, path):
    victim, opd = target
    browser, _ = login_as("admin")
    response = browser.get(fill(path, victim, opd))
    assert response.status_code == 200
    assert "Traceback" not in text(response)


def test_admin_menu_is_shown_to_admins_only(login_as):
    admin_browser, _ = login_as("admin")
    peserta_browser, _ = login_as("peserta")
    assert 'href="/admin/pengguna"' in text(admin_browser.get("/akun"))
    assert 'href="/admin/pengguna"' not in text(peserta_browser.get("/akun"))


# --- creating users ------------------------------------------------------------------------------


@pytest.fixture
def admin_browser(login_as) -> tuple[Browser, User]:
    return login_as("admin", name="Admin Kota")


def user_form(**overrides) -> dict:
    form = {
        "nip": "19900101 201501 1 001",
        "name": "Dewi Lestari",
        "email": "dewi@semarangkota.go.id",
        "opd_id": "0",
        "unit_kerja": "Bidang Pengembangan",
        "jabatan": "Analis SDM Aparatur",
        "pangkat_golongan": "Penata Muda / III a",
        "roles": ["peserta"],
    }
    form.update(overrides)
    return form


def test_admin_creates_a_user_and_sees_a_one_time_code(app, db, admin_browser):
    browser, admin = admin_browser
    opd = services.get_or_create_opd("Dinas Kesehatan")
    db.session.commit()
    response = browser.post_form("/admin/pengguna/baru", user_form(opd_id=str(opd.id), roles=["peserta", "hr"]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = re.search(r'class="code-display">([^<]+)<', text(response)).group(1)
    user = db.session.scalar(select(User).where(User.nip == "199001012015011001"))
    assert user.name == "Dewi Lestari"
    assert user.employee_type == "PNS"
    assert user.opd.name == "Dinas Kesehatan"
    assert user.roles == {"peserta", "hr"}
    assert user.must_change_password and user.password_hash is None
    assert "user.create" in audit_actions(user)
    # the new user logs in with the code and must choose a password
    response = Browser(app.test_client()).login(user.nip, code)
    assert response.headers["Location"] == "/akun/kata-sandi"


def test_admin_creates_a_pppk(db, admin_browser):
    browser, _ = admin_browser
    browser.post_form("/admin/pengguna/baru", user_form(nip="199203152022212003"))
    assert db.session.scalar(select(User.employee_type).where(User.nip == "199203152022212003")) == "PPPK"


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("19860230 201505 1 001", "Digit 1–8"),
        ("19860926 201515 1 001", "Digit 13–14"),
        ("19860926 201505 3 001", "Digit ke-15"),
        ("1986092620150510", "16 digit"),
        ("1986O926201505100I", "hanya boleh berisi angka"),
    ],
)
def test_bad_nip_re_renders_the_form_with_the_message_and_writes_nothing(db, admin_browser, nip, message):
    browser, _ = admin_browser
    users, audits = count_users(), len(audit_actions())
    response = browser.post_form("/admin/pengguna/baru", user_form(nip=nip))
    assert response.status_code == 200
    assert any(message in m for m in flashes(response))
    assert 'value="Dewi Lestari"' in text(response)  # nothing typed is lost
    assert count_users() == users
    assert len(audit_actions()) == audits
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)) == 0


def test_registered_nip_is_refused(db, admin_browser):
    browser, _ = admin_browser
    existing = create_user()
    users = count_users()
    response = browser.post_form("/admin/pengguna/baru", user_form(nip=existing.nip))
    assert response.status_code == 200
    assert f"NIP {existing.nip} sudah terdaftar." in flashes(response)
    assert count_users() == users


def test_user_needs_a_name_and_a_role(db, admin_browser):
    browser, _ = admin_browser
    users = count_users()
    no_name = browser.post_form("/admin/pengguna/baru", user_form(name=""))
    assert "Nama wajib diisi." in field_errors(no_name)
    no_role = browser.post_form("/admin/pengguna/baru", user_form(roles=[]))
    assert "Pilih minimal satu peran." in flashes(no_role)
    assert count_users() == users


def test_unknown_role_or_opd_is_refused(db, admin_browser):
    browser, _ = admin_browser
    users = count_users()
    assert browser.post_form("/admin/pengguna/baru", user_form(roles=["superuser"])).status_code == 200
    assert browser.post_form("/admin/pengguna/baru", user_form(opd_id="99999")).status_code == 200
    assert browser.post_form("/admin/pengguna/baru", user_form(opd_id="abc")).status_code == 200
    assert count_users() == users


# --- editing -------------------------------------------------------------------------------------


def test_admin_edits_profile_and_roles_and_both_are_audited(db, admin_browser):
    browser, admin = admin_browser
    user = create_user(name="Agus Salim")
    opd = services.get_or_create_opd("Kecamatan Tembalang")
    db.session.commit()
    response = browser.post_form(
        f"/admin/pengguna/{user.id}",
        user_form(nip="ignored", name="Agus  Salim Wibowo", opd_id=str(opd.id), roles=["peserta", "pelatih"]),
    )
    assert response.status_code == 302
    user = reload(user)
    assert user.name == "Agus Salim Wibowo"
    assert user.opd_id == opd.id
    assert user.jabatan == "Analis SDM Aparatur"
    assert user.roles == {"peserta", "pelatih"}
    assert user.nip != "ignored"  # the NIP is not edited here
    entries = db.session.scalars(select(AuditLog).where(AuditLog.target_user_id == user.id)).all()
    by_action = {e.action: e for e in entries}
    assert by_action["user.update"].actor_id == admin.id
    assert by_action["user.roles"].details == {"before": ["peserta"], "after": ["pelatih", "peserta"]}
    assert by_action["user.roles"].actor_id == admin.id


def test_saving_without_a_role_change_writes_no_role_audit(db, admin_browser):
    browser, _ = admin_browser
    user = create_user()
    browser.post_form(f"/admin/pengguna/{user.id}", user_form(name="Nama Baru", roles=["peserta"]))
    assert "user.roles" not in audit_actions(user)


def test_admin_cannot_remove_their_own_admin_role(db, admin_browser):
    browser, admin = admin_browser
    response = browser.post_form(f"/admin/pengguna/{admin.id}", user_form(name="Admin Kota", roles=["peserta"]))
    assert response.status_code == 200
    assert "Anda tidak dapat mencabut peran admin dari akun Anda sendiri." in flashes(response)
    assert "admin" in reload(admin).roles
    assert browser.get("/admin/pengguna").status_code == 200


def test_admin_may_remove_another_admins_role(db, admin_browser):
    browser, _ = admin_browser
    other = create_user(roles=("admin", "peserta"))
    browser.post_form(f"/admin/pengguna/{other.id}", user_form(name=other.name, roles=["peserta"]))
    assert reload(other).roles == {"peserta"}


def test_editing_an_unknown_user_is_a_404_page(admin_browser):
    browser, _ = admin_browser
    response = browser.get("/admin/pengguna/987654")
    assert response.status_code == 404
    assert "Pengguna tidak ditemukan." in text(response)


# --- deactivating -------------------------------------------------------------------------------


def test_deactivation_is_audited_ends_sessions_and_keeps_the_account(app, db, admin_browser):
    browser, admin = admin_browser
    user = create_user(name="Rina Marlina")
    learner = Browser(app.test_client())
    learner.login(user.nip)
    assert learner.get("/akun").status_code == 200
    response = browser.post_form(
        f"/admin/pengguna/{user.id}", {"active": "0"}, action=f"/admin/pengguna/{user.id}/status"
    )
    assert response.status_code == 302
    assert "Akun dinonaktifkan; datanya tetap tersimpan." in flashes(browser.get(response.headers["Location"]))
    assert is_login_redirect(learner.get("/akun"))
    kept = reload(user)
    assert kept.is_active_account is False and kept.name == "Rina Marlina" and kept.roles == {"peserta"}
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.deactivate"))
    assert entry.actor_id == admin.id and entry.target_user_id == user.id
    assert "Nonaktif" in text(browser.get(f"/admin/pengguna?q={user.nip}"))


def test_reactivation_is_audited(db, admin_browser):
    browser, _ = admin_browser
    user = create_user()
    url = f"/admin/pengguna/{user.id}"
    browser.post_form(url, {"active": "0"}, action=f"{url}/status")
    browser.post_form(url, {"active": "1"}, action=f"{url}/status")
    assert reload(user).is_active_account is True
    assert audit_actions(user)[-2:] == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themselves(db, admin_browser):
    browser, admin = admin_browser
    url = f"/admin/pengguna/{admin.id}"
    response = browser.post_form(url, {"active": "0"}, action=f"{url}/status", follow_redirects=True)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in flashes(response)
    assert reload(admin).is_active_account is True


# --- resetting a password -------------------------------------------------------------------------


def test_reset_shows_a_one_time_code_once_and_is_audited(app, db, admin_browser):
    browser, admin = admin_browser
    user = create_user()
    url = f"/admin/pengguna/{user.id}"
    response = browser.post_form(url, {}, action=f"{url}/reset-sandi")
    assert response.status_code == 200
    assert "Kata sandi direset" in text(response)
    code = re.search(r'class="code-display">([^<]+)<', text(response)).group(1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert response.headers["Cache-Control"] == "no-store"  # not even in the browser's history
    # shown once: not on the user's page afterwards, not stored in plain text
    assert code not in text(browser.get(url))
    assert code not in str(db.session.scalars(select(OneTimeCode.code_hash)).all())
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.reset_password"))
    assert entry.actor_id == admin.id and entry.target_user_id == user.id
    # the old password is gone; the code logs in and forces a new password
    other = Browser(app.test_client())
    assert other.login(user.nip, TEST_PASSWORD).status_code == 200
    assert other.login(user.nip, code).headers["Location"] == "/akun/kata-sandi"


def test_reset_is_post_only(admin_browser, db):
    browser, _ = admin_browser
    user = create_user()
    assert browser.get(f"/admin/pengguna/{user.id}/reset-sandi").status_code == 405
    assert reload(user).password_hash is not None


# --- OPD -------------------------------------------------------------------------------------------


def opd_names(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Opd.name).order_by(Opd.name)))


def test_admin_adds_an_opd(db, admin_browser):
    browser, _ = admin_browser
    response = browser.post_form("/admin/opd", {"name": "  Dinas   Arsip dan Perpustakaan "})
    assert response.status_code == 302
    assert opd_names(db) == ["Dinas Arsip dan Perpustakaan"]
    assert "Dinas Arsip dan Perpustakaan" in text(browser.get("/admin/opd"))


def test_adding_an_existing_opd_in_other_case_creates_no_duplicate(db, admin_browser):
    browser, _ = admin_browser
    browser.post_form("/admin/opd", {"name": "Bappeda"})
    browser.post_form("/admin/opd", {"name": "BAPPEDA"})
    assert opd_names(db) == ["Bappeda"]


def test_empty_opd_name_is_refused(db, admin_browser):
    browser, _ = admin_browser
    response = browser.post_form("/admin/opd", {"name": "   "})
    assert response.status_code == 200
    assert opd_names(db) == []


def test_admin_renames_an_opd_and_it_is_audited(db, admin_browser):
    browser, admin = admin_browser
    opd = services.get_or_create_opd("Dinas Perhubungan")
    db.session.commit()
    response = browser.post_form(f"/admin/opd/{opd.id}", {"name": "Dinas Perhubungan Kota", "is_active": "y"})
    assert response.status_code == 302
    assert opd_names(db) == ["Dinas Perhubungan Kota"]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "opd.update"))
    assert entry.actor_id == admin.id
    assert "Dinas Perhubungan" in entry.summary and "Dinas Perhubungan Kota" in entry.summary


def test_renaming_an_opd_to_an_existing_name_is_refused(db, admin_browser):
    browser, _ = admin_browser
    first = services.get_or_create_opd("Dinas Sosial")
    services.get_or_create_opd("Dinas Tenaga Kerja")
    db.session.commit()
    response = browser.post_form(f"/admin/opd/{first.id}", {"name": "dinas tenaga kerja", "is_active": "y"})
    assert response.status_code == 200
    assert "OPD bernama dinas tenaga kerja sudah ada." in flashes(response)
    assert opd_names(db) == ["Dinas Sosial", "Dinas Tenaga Kerja"]


def test_opd_can_be_deactivated(db, admin_browser):
    browser, _ = admin_browser
    opd = services.get_or_create_opd("Dinas Lama")
    db.session.commit()
    browser.post_form(f"/admin/opd/{opd.id}", {"name": "Dinas Lama"})  # checkbox left unticked
    db.session.expire_all()
    assert db.session.get(Opd, opd.id).is_active is False
    assert "Nonaktif" in text(browser.get("/admin/opd"))


def test_unknown_opd_is_a_404(admin_browser):
    browser, _ = admin_browser
    assert browser.get("/admin/opd/424242").status_code == 404


# --- audit page and search ----------------------------------------------------------------------


def test_audit_page_lists_who_did_what(db, admin_browser):
    browser, admin = admin_browser
    user = create_user(name="Yanti Kusuma")
    url = f"/admin/pengguna/{user.id}"
    browser.post_form(url, {"active": "0"}, action=f"{url}/status")
    browser.post_form(url, {}, action=f"{url}/reset-sandi")
    page = text(browser.get("/admin/audit"))
    assert "user.deactivate" in page and "user.reset_password" in page
    assert f"Akun {user.nip} dinonaktifkan" in page
    assert f"Kata sandi {user.nip} direset" in page
    assert "Admin Kota" in page
    # newest first
    assert page.index("user.reset_password") < page.index("user.deactivate")


@pytest.fixture
def population(db):
    kesehatan = services.get_or_create_opd("Dinas Kesehatan")
    tembalang = services.get_or_create_opd("Kecamatan Tembalang")
    people = {
        "siti": create_user(nip="198501012010012001", name="Siti Aminah", opd=kesehatan),
        "bambang": create_user(nip="197803152005011002", name="Bambang Sutrisno", opd=tembalang),
        "sitorus": create_user(nip=make_nip(), name="Hotma Sitorus", opd=tembalang),
    }
    return people, kesehatan, tembalang


def found_names(response) -> set[str]:
    """The names in the result table (the cell after each NIP link)."""
    return set(re.findall(r'href="/admin/pengguna/\d+">\d{18}</a></td>\s*<td>([^<]+)</td>', text(response)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("198501012010012001", {"Siti Aminah"}),
        ("19850101 201001 2 001", {"Siti Aminah"}),
        ("19780315", {"Bambang Sutrisno"}),
        ("siti", {"Siti Aminah"}),
        ("SUTRISNO", {"Bambang Sutrisno"}),
        ("sit", {"Siti Aminah", "Hotma Sitorus"}),
        ("tembalang", {"Bambang Sutrisno", "Hotma Sitorus"}),
        ("Dinas Kesehatan", {"Siti Aminah"}),
        ("tidak ada yang cocok", set()),
    ],
)
def test_search_by_nip_name_or_opd(admin_browser, population, query, expected):
    browser, _ = admin_browser
    response = browser.get("/admin/pengguna", query_string={"q": query})
    assert response.status_code == 200
    assert found_names(response) - {"Admin Kota"} == expected


def test_filter_by_opd(admin_browser, population):
    browser, _ = admin_browser
    _, kesehatan, tembalang = population
    response = browser.get("/admin/pengguna", query_string={"opd": tembalang.id})
    assert found_names(response) == {"Bambang Sutrisno", "Hotma Sitorus"}
    response = browser.get("/admin/pengguna", query_string={"opd": tembalang.id, "q": "hotma"})
    assert found_names(response) == {"Hotma Sitorus"}


@pytest.mark.parametrize("query", ["%", "_", "'", "\\", "a" * 500, "1986\x00"])
def test_odd_search_input_is_harmless(admin_browser, population, query):
    browser, _ = admin_browser
    response = browser.get("/admin/pengguna", query_string={"q": query, "opd": "x", "page": "-3"})
    assert response.status_code in (200, 400)
    assert "Traceback" not in text(response)
