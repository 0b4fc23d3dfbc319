"""Login with NIP, logout, sessions, the forced password change, the rate limit and CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import OneTimeCode, UserRole
from lms.database import utcnow
from tests.accounts.helpers import field_errors, flashes, hidden_value, is_login_redirect, reload, text
from tests.conftest import TEST_PASSWORD, Browser, create_user, make_nip, reset_login_counters

SAME_FAILURE = "NIP atau kata sandi salah, atau akun tidak aktif."
NEW_PASSWORD = "Belajar-Mandiri-di-Rumah"


@pytest.fixture
def user(db):
    return create_user(name="Sri Rahayu")


@pytest.fixture
def admin(db):
    return create_user(roles=("admin",), name="Admin Kota")


def new_browser(app) -> Browser:
    return Browser(app.test_client())


def admin_post(app, admin_user, page_url: str, action: str, data: dict | None = None):
    b = new_browser(app)
    assert b.login(admin_user.nip).status_code == 302
    return b.post_form(page_url, data or {}, action=action)


# --- logging in and out ---------------------------------------------------------------------------


def test_login_page_asks_for_nip_and_password_in_indonesian(client):
    page = client.get("/login")
    assert page.status_code == 200
    body = text(page)
    assert 'name="nip"' in body and 'name="password"' in body and 'name="remember"' in body
    assert "Ingat saya" in body
    assert "Masuk" in body


def test_login_with_nip_and_password_reaches_the_account(browser, user):
    response = browser.login(user.nip)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = browser.get("/akun")
    assert page.status_code == 200
    assert "Sri Rahayu" in text(page)


def test_nip_may_be_typed_with_spaces(browser, user):
    spaced = f"{user.nip[:8]} {user.nip[8:14]} {user.nip[14]} {user.nip[15:]}"
    assert browser.login(spaced).status_code == 302
    assert browser.get("/akun").status_code == 200


def test_passwords_are_stored_with_full_cost_scrypt(db, monkeypatch):
    import werkzeug.security

    monkeypatch.setattr(services, "generate_password_hash", werkzeug.security.generate_password_hash)
    user = create_user()
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert TEST_PASSWORD not in user.password_hash
    assert services.authenticate(user.nip, TEST_PASSWORD) is user


def test_login_records_the_time_of_login(browser, user):
    assert user.last_login_at is None
    browser.login(user.nip)
    assert reload(user).last_login_at is not None


def test_logout_ends_the_session(browser, user):
    browser.login(user.nip)
    response = browser.logout()
    assert is_login_redirect(response)
    assert "Anda sudah keluar." in flashes(browser.get("/login"))
    assert is_login_redirect(browser.get("/akun"))


def test_logout_is_post_only(browser, user):
    browser.login(user.nip)
    assert browser.get("/logout").status_code == 405
    assert browser.get("/akun").status_code == 200


def test_logged_in_user_visiting_login_goes_home(browser, user):
    browser.login(user.nip)
    response = browser.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_anonymous_visitor_is_sent_to_login_and_back_after(browser, user):
    response = browser.get("/akun")
    assert is_login_redirect(response)
    assert "next=%2Fakun" in response.headers["Location"]
    login_page = browser.get(response.headers["Location"])
    assert 'value="/akun"' in text(login_page)
    next_field = hidden_value(login_page, "next")
    assert next_field == "/akun"
    after = browser.post_form(
        response.headers["Location"], {"nip": user.nip, "password": TEST_PASSWORD, "next": next_field}, "/login"
    )
    assert after.headers["Location"] == "/akun"


# --- the same answer for every failure ------------------------------------------------------------


def test_wrong_password_and_unknown_nip_give_the_same_message(browser, user):
    wrong_password = browser.login(user.nip, "Bukan-Kata-Sandinya-1")
    unknown_nip = browser.login(make_nip(), "Bukan-Kata-Sandinya-1")
    malformed_nip = browser.login("12345", "Bukan-Kata-Sandinya-1")
    for response in (wrong_password, unknown_nip, malformed_nip):
        assert response.status_code == 200
        assert field_errors(response) == [SAME_FAILURE]
    assert browser.get("/akun").status_code == 302


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """The stored hashes the password was checked against, in order."""
    checked: list[str] = []
    real = services.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    return checked


@pytest.mark.parametrize("account", ["waiting-for-activation", "reset-by-admin"])
def test_an_account_without_a_password_still_costs_a_full_hash_check(db, hash_checks, account):
    """Not a timed test: the same work is done (one check against the dummy hash) as for any other NIP."""
    user = create_user(password=None if account == "waiting-for-activation" else TEST_PASSWORD)
    if account == "reset-by-admin":
        admin = create_user(roles=("admin",))
        services.reset_password(user, actor=admin)
        db.session.commit()
    assert user.password_hash is None
    assert services.authenticate(user.nip, "Bukan-Kata-Sandinya-1") is None
    assert hash_checks == [services._DUMMY_HASH]


def test_unknown_nip_and_wrong_password_cost_one_hash_check_each(db, user, hash_checks):
    assert services.authenticate(make_nip(), "Bukan-Kata-Sandinya-1") is None
    assert services.authenticate(user.nip, "Bukan-Kata-Sandinya-1") is None
    assert hash_checks == [services._DUMMY_HASH, user.password_hash]


def test_deactivated_user_cannot_log_in_and_their_records_stay(app, browser, user, admin):
    services.set_active(user, False, actor=admin)
    services.record_audit(admin, "test.marker", user, "catatan yang harus tetap ada")
    from lms.extensions import db

    db.session.commit()
    response = browser.login(user.nip)
    assert response.status_code == 200
    assert field_errors(response) == [SAME_FAILURE]
    assert is_login_redirect(browser.get("/akun"))
    kept = reload(user)
    assert kept is not None and kept.name == "Sri Rahayu" and kept.password_hash
    assert kept.roles == {"peserta"}
    assert db.session.scalars(select(UserRole).where(UserRole.user_id == user.id)).all()


def test_reactivated_user_can_log_in_again(browser, user, admin, db):
    services.set_active(user, False, actor=admin)
    db.session.commit()
    services.set_active(user, True, actor=admin)
    db.session.commit()
    assert browser.login(user.nip).status_code == 302


# --- "Ingat saya" and fresh sessions -------------------------------------------------------------


def test_remember_me_sets_a_lasting_cookie_that_logs_in_a_new_browser(app, browser, user):
    response = browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    remember = browser.client.get_cookie("lentera_remember")
    assert remember is not None and remember.value
    assert remember.expires is not None
    set_cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("lentera_remember=")]
    assert set_cookie and "HttpOnly" in set_cookie[0]

    fresh = app.test_client()  # the browser was closed: only the remember cookie is left
    fresh.set_cookie("lentera_remember", remember.value)
    assert fresh.get("/akun").status_code == 200


def test_without_remember_me_no_lasting_cookie_is_set(browser, user):
    browser.login(user.nip)
    assert browser.client.get_cookie("lentera_remember") is None


def test_logout_removes_the_remember_cookie(browser, user):
    browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "remember": "y"})
    assert browser.client.get_cookie("lentera_remember") is not None
    browser.logout()
    assert browser.client.get_cookie("lentera_remember") is None


def test_remember_cookie_of_a_logged_out_session_no_longer_works(app, browser, user):
    browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "remember": "y"})
    stolen = browser.client.get_cookie("lentera_remember").value
    browser.logout()
    thief = app.test_client()
    thief.set_cookie("lentera_remember", stolen)
    assert is_login_redirect(thief.get("/akun"))


def test_login_starts_a_fresh_session(browser, user):
    browser.get("/login")
    with browser.client.session_transaction() as session:
        session["planted_before_login"] = "attacker-chosen"
    before = browser.client.get_cookie("lentera_session").value
    browser.login(user.nip)
    after = browser.client.get_cookie("lentera_session").value
    assert after != before
    with browser.client.session_transaction() as session:
        assert "planted_before_login" not in session
        assert session["_user_id"].startswith(f"{user.id}.")


def test_language_chosen_before_login_is_kept_on_the_account(browser, user):
    browser.post_form("/login", {"lang": "en"}, action="/bahasa")
    browser.login(user.nip)
    assert reload(user).locale == "en"
    assert '<html lang="en">' in text(browser.get("/akun"))


def test_language_of_the_account_survives_logout(browser, user, db):
    user.locale = "en"
    db.session.commit()
    browser.login(user.nip)
    browser.logout()
    assert '<html lang="en">' in text(browser.get("/login"))


# --- older sessions stop working ----------------------------------------------------------------


@pytest.fixture
def two_sessions(app, user):
    """The same user logged in on a phone and on an office PC."""
    phone, office = new_browser(app), new_browser(app)
    assert phone.login(user.nip).status_code == 302
    assert office.login(user.nip).status_code == 302
    assert phone.get("/akun").status_code == 200
    assert office.get("/akun").status_code == 200
    return phone, office


def test_logout_ends_every_other_session_of_the_user(two_sessions):
    phone, office = two_sessions
    phone.logout()
    assert is_login_redirect(office.get("/akun"))


def test_password_change_ends_other_sessions_but_keeps_this_one(two_sessions, user):
    phone, office = two_sessions
    response = phone.post_form(
        "/akun/kata-sandi",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert phone.get("/akun").status_code == 200
    assert is_login_redirect(office.get("/akun"))


def test_password_reset_by_admin_ends_every_session(app, two_sessions, user, admin):
    phone, office = two_sessions
    done = admin_post(app, admin, f"/admin/pengguna/{user.id}", f"/admin/pengguna/{user.id}/reset-sandi")
    assert done.status_code == 200
    assert is_login_redirect(phone.get("/akun"))
    assert is_login_redirect(office.get("/akun"))


def test_deactivation_ends_every_session(app, two_sessions, user, admin):
    phone, office = two_sessions
    done = admin_post(app, admin, f"/admin/pengguna/{user.id}", f"/admin/pengguna/{user.id}/status", {"active": "0"})
    assert done.status_code == 302
    assert is_login_redirect(phone.get("/akun"))
    assert is_login_redirect(office.get("/akun"))


# --- changing the password -----------------------------------------------------------------------


def test_password_change_keeps_remember_me_working_on_this_device_only(app, browser, user):
    browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "remember": "y"})
    old_cookie = browser.client.get_cookie("lentera_remember").value
    browser.post_form(
        "/akun/kata-sandi",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    new_cookie = browser.client.get_cookie("lentera_remember").value
    assert new_cookie != old_cookie
    reopened = app.test_client()  # this browser, closed and opened again
    reopened.set_cookie("lentera_remember", new_cookie)
    assert reopened.get("/akun").status_code == 200
    elsewhere = app.test_client()  # a remember cookie from before the change
    elsewhere.set_cookie("lentera_remember", old_cookie)
    assert is_login_redirect(elsewhere.get("/akun"))


def test_password_change_needs_the_current_password(browser, user):
    browser.login(user.nip)
    response = browser.post_form(
        "/akun/kata-sandi",
        {"current_password": "Salah-Sekali-123", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Kata sandi saat ini salah." in field_errors(response)
    assert services.authenticate(user.nip, TEST_PASSWORD) is not None


def test_password_change_applies_the_policy(browser, user):
    browser.login(user.nip)
    response = browser.post_form(
        "/akun/kata-sandi",
        {"current_password": TEST_PASSWORD, "new_password": f"Aku{user.nip}", "confirm": f"Aku{user.nip}"},
    )
    assert response.status_code == 200
    assert "Kata sandi tidak boleh memuat NIP Anda." in field_errors(response)


def test_new_password_must_be_confirmed(browser, user):
    browser.login(user.nip)
    response = browser.post_form(
        "/akun/kata-sandi",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "Kedua kata sandi tidak sama." in field_errors(response)


def test_after_a_password_change_only_the_new_password_works(app, browser, user):
    browser.login(user.nip)
    browser.post_form(
        "/akun/kata-sandi",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    other = new_browser(app)
    assert field_errors(other.login(user.nip, TEST_PASSWORD)) == [SAME_FAILURE]
    assert other.login(user.nip, NEW_PASSWORD).status_code == 302


# --- activation codes and the forced password change -------------------------------------------


@pytest.fixture
def activated(db):
    """An imported account: no password yet, an activation code to hand out."""
    user = create_user(password=None, name="Budi Santoso")
    user.must_change_password = True
    issued = services.issue_code(user, "activation")
    db.session.commit()
    return user, issued.code


def test_activation_code_logs_in_and_forces_a_new_password(browser, activated):
    user, code = activated
    response = browser.login(user.nip, code)
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/kata-sandi"
    page = browser.get("/akun/kata-sandi")
    assert "Buat kata sandi baru" in text(page)
    assert 'name="current_password"' not in text(page)


@pytest.mark.parametrize("url", ["/", "/akun", "/akun/data-saya.json", "/admin/pengguna", "/halaman-yang-tidak-ada"])
def test_forced_password_change_redirects_everywhere_until_done(browser, activated, url):
    user, code = activated
    browser.login(user.nip, code)
    response = browser.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/kata-sandi"


def test_forced_user_may_still_log_out_read_the_privacy_page_and_switch_language(browser, activated):
    user, code = activated
    browser.login(user.nip, code)
    assert browser.get("/kebijakan-privasi").status_code == 200
    assert browser.get("/healthz").status_code == 200
    assert browser.post_form("/akun/kata-sandi", {"lang": "en"}, action="/bahasa").status_code == 302
    assert is_login_redirect(browser.post_form("/akun/kata-sandi", {}, action="/logout"))


def test_forced_change_without_current_password_then_free_to_go(app, browser, activated):
    user, code = activated
    browser.login(user.nip, code)
    response = browser.post_form("/akun/kata-sandi", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert browser.get("/akun").status_code == 200
    assert reload(user).must_change_password is False
    assert new_browser(app).login(user.nip, NEW_PASSWORD).status_code == 302


def test_forced_change_still_applies_the_policy(browser, activated):
    user, code = activated
    browser.login(user.nip, code)
    response = browser.post_form("/akun/kata-sandi", {"new_password": "password", "confirm": "password"})
    assert response.status_code == 200
    assert any("terlalu umum" in e for e in field_errors(response))
    assert browser.get("/akun").status_code == 302


def test_activation_code_works_until_a_password_is_chosen_then_never_again(app, browser, activated):
    user, code = activated
    assert browser.login(user.nip, code).status_code == 302
    browser.post_form("/akun/kata-sandi", {}, action="/logout")  # her session ends before she chose one
    again = new_browser(app)
    assert again.login(user.nip, code).headers["Location"] == "/akun/kata-sandi"
    response = again.post_form("/akun/kata-sandi", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/"
    used = new_browser(app).login(user.nip, code)
    assert used.status_code == 200
    assert field_errors(used) == [SAME_FAILURE]
    assert new_browser(app).login(user.nip, NEW_PASSWORD).status_code == 302


def test_activation_code_is_accepted_as_typed_from_paper(browser, activated):
    user, code = activated
    assert browser.login(user.nip, code.lower().replace("-", " ")).status_code == 302


def test_expired_activation_code_is_refused(db, browser, activated):
    user, code = activated
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user.id))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = browser.login(user.nip, code)
    assert response.status_code == 200
    assert field_errors(response) == [SAME_FAILURE]


def test_activation_code_expires_after_the_configured_days(app, activated, db):
    user, _code = activated
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user.id))
    days = (row.expires_at - row.created_at).total_seconds() / 86400
    assert abs(days - app.config["ACTIVATION_CODE_DAYS"]) < 0.01


def test_a_new_code_replaces_the_old_one(db, browser, activated):
    user, old_code = activated
    new_code = services.issue_code(user, "reset").code
    db.session.commit()
    assert field_errors(browser.login(user.nip, old_code)) == [SAME_FAILURE]
    assert browser.login(user.nip, new_code).status_code == 302


def test_activation_code_of_a_deactivated_user_is_refused(db, browser, activated, admin):
    user, code = activated
    services.set_active(user, False, actor=admin)
    db.session.commit()
    assert field_errors(browser.login(user.nip, code)) == [SAME_FAILURE]


def test_code_is_stored_only_as_a_hash(db, activated):
    user, code = activated
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user.id))
    assert code not in row.code_hash and code.replace("-", "") not in row.code_hash


# --- rate limit -----------------------------------------------------------------------------------


def wrong_login(browser: Browser, nip: str, ip: str = "127.0.0.1"):
    return browser.login(nip, "Tebakan-Yang-Salah-9", environ_base={"REMOTE_ADDR": ip})


def test_twenty_wrong_passwords_give_a_429_page_and_change_nothing(app, db, browser, user):
    before = reload(user)
    snapshot = (before.password_hash, before.is_active_account, before.session_version, before.last_login_at)
    statuses = [wrong_login(browser, user.nip).status_code for _ in range(20)]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert statuses.count(429) >= 10
    blocked = wrong_login(browser, user.nip)
    assert blocked.status_code == 429
    assert '<html lang="id">' in text(blocked)
    assert "Terlalu banyak percobaan" in text(blocked)
    assert "Traceback" not in text(blocked)
    # even the right password waits until the window passes
    assert browser.login(user.nip).status_code == 429
    after = reload(user)
    assert (after.password_hash, after.is_active_account, after.session_version, after.last_login_at) == snapshot
    reset_login_counters(app)  # the window has passed
    assert browser.login(user.nip).status_code == 302


def test_nip_limit_counts_the_nip_however_it_is_spaced(app, browser, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NIP", "3 per 15 minutes")
    spaced = f"{user.nip[:8]} {user.nip[8:]}"
    for nip in (user.nip, spaced, f" {user.nip} "):
        assert wrong_login(browser, nip).status_code == 200
    assert wrong_login(browser, spaced).status_code == 429


def test_nip_limit_does_not_lock_out_other_nips(app, browser, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NIP", "3 per 15 minutes")
    for _ in range(3):
        wrong_login(browser, user.nip)
    assert wrong_login(browser, user.nip).status_code == 429
    other = create_user()
    assert browser.login(other.nip).status_code == 302


def test_ip_limit_blocks_one_address_trying_many_nips(app, browser, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "5 per 15 minutes")
    for _ in range(5):
        assert wrong_login(browser, make_nip(), ip="10.1.1.1").status_code == 200
    blocked = wrong_login(browser, make_nip(), ip="10.1.1.1")
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in text(blocked)
    # another address is not affected
    assert browser.login(user.nip, environ_base={"REMOTE_ADDR": "10.2.2.2"}).status_code == 302


def test_successful_logins_are_not_counted(app, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NIP", "2 per 15 minutes")
    for _ in range(4):
        b = new_browser(app)
        assert b.login(user.nip).status_code == 302


# --- CSRF and malformed posts ---------------------------------------------------------------------


def test_login_without_csrf_token_is_a_400_page_not_a_traceback(client, user):
    response = client.post("/login", data={"nip": user.nip, "password": TEST_PASSWORD})
    assert response.status_code == 400
    body = text(response)
    assert '<html lang="id">' in body
    assert "Formulir sudah kedaluwarsa atau tidak sah" in body
    assert "Traceback" not in body and "CSRF" not in body
    assert client.get("/akun").status_code == 302


def test_login_with_a_forged_csrf_token_is_refused(client, user):
    client.get("/login")
    response = client.post("/login", data={"nip": user.nip, "password": TEST_PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_csrf_token_of_another_session_is_refused(app, browser, user):
    page = app.test_client().get("/login")
    from tests.conftest import extract_csrf

    foreign_token = extract_csrf(text(page))
    browser.get("/login")
    response = browser.client.post(
        "/login", data={"nip": user.nip, "password": TEST_PASSWORD, "csrf_token": foreign_token}
    )
    assert response.status_code == 400


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(browser, user):
    browser.login(user.nip)
    assert browser.client.post("/logout").status_code == 400
    assert browser.get("/akun").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"nip": ""},
        {"password": TEST_PASSWORD},
        {"nip": "198609262015051001"},
        {"nip": "x" * 5000, "password": "y" * 5000},
        {"nip": "1986\x0009262015051001", "password": "a\x00b"},
        {"nip": "'; DROP TABLE users; --", "password": "' OR 1=1 --"},
        {"nip": "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", "password": "😀" * 10},
        {"nip": ["1", "2"], "password": ["a", "b"]},
        {"remember": "maybe", "next": "javascript:alert(1)"},
    ],
    ids=["nothing", "empty-nip", "no-nip", "no-password", "huge", "nul-bytes", "sql", "unicode", "repeated", "junk"],
)
def test_malformed_login_post_gets_a_message_never_a_500(browser, user, data):
    response = browser.post_form("/login", data)
    assert response.status_code in (200, 400)
    body = text(response)
    assert "Traceback" not in body
    assert field_errors(response) or response.status_code == 400
    assert browser.get("/akun").status_code == 302


def test_missing_fields_say_which_is_required(browser):
    response = browser.post_form("/login", {"nip": "", "password": ""})
    assert response.status_code == 200
    assert field_errors(response) == ["NIP wajib diisi.", "Kata sandi wajib diisi."]


# --- the `next` redirect ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/akun", "/kebijakan-privasi?x=1"])
def test_next_to_a_page_of_this_site_is_followed(browser, user, target):
    response = browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://jahat.example/phish",
        "//jahat.example/phish",
        "/\\jahat.example",
        "\\\\jahat.example",
        "javascript:alert(1)",
        "http:/jahat.example",
        "/\t/jahat.example",
        "/\n/jahat.example",
        " //jahat.example",
        "/%2F%2Fjahat.example",
        "/%5Cjahat.example",
    ],
)
def test_next_to_another_site_is_ignored(browser, user, target):
    response = browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# Control characters, as sent and percent-encoded: a CR/LF would split the Location header.
CONTROL_TARGETS = ["/\r\nSet-Cookie: x=1", "/akun\r\n", "/%0d%0aSet-Cookie:%20x=1", "/akun%0A", "/\x00", "/akun\x7f"]


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_a_next_with_control_characters_logs_in_and_goes_home(browser, user, target):
    response = browser.post_form("/login", {"nip": user.nip, "password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers.get("Location", "")
    assert browser.get("/akun").status_code == 200  # the login is whole: session and record


@pytest.mark.parametrize("target", ["https://jahat.example/", "//jahat.example", "/\t/jahat.example", *CONTROL_TARGETS])
def test_language_switch_ignores_a_next_to_another_site(browser, target):
    response = browser.post_form("/login", {"lang": "id", "next": target}, action="/bahasa")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
