"""Sessions end after LMS_IDLE_MINUTES without a request and LMS_SESSION_HOURS after login; the last-use
time is written at most once a minute; "Ingat saya" opens a new session after either.

Time passing is simulated by moving the times the signed session holds back, never by waiting."""

from __future__ import annotations

import time

import pytest

from lms.accounts.sessions import SEEN, STARTED
from tests.accounts.helpers import flashes, is_login_redirect
from tests.conftest import TEST_PASSWORD, Browser, create_user

IDLE_MESSAGE = "Sesi Anda sudah berakhir karena lama tidak digunakan. Silakan masuk lagi."


@pytest.fixture
def user(db):
    return create_user(name="Sri Rahayu")


def logged_in(app, user, remember: bool = False) -> Browser:
    browser = Browser(app.test_client())
    data = {"nip": user.nip, "password": TEST_PASSWORD} | ({"remember": "y"} if remember else {})
    assert browser.post_form("/login", data).status_code == 302
    return browser


def age(browser: Browser, *, idle_seconds: int = 0, since_login_seconds: int | None = None) -> None:
    """Pretend the session was last used `idle_seconds` ago and started `since_login_seconds` ago."""
    now = int(time.time())
    with browser.client.session_transaction() as session:
        session[SEEN] = now - idle_seconds
        session[STARTED] = now - (since_login_seconds if since_login_seconds is not None else idle_seconds)


def session_cookie_written(response) -> bool:
    return any(h.startswith("lentera_session=") for h in response.headers.getlist("Set-Cookie"))


def test_login_records_when_the_session_started_and_was_last_used(app, user):
    before = int(time.time())
    browser = logged_in(app, user)
    with browser.client.session_transaction() as session:
        assert before <= session[STARTED] <= int(time.time())
        assert session[SEEN] == session[STARTED]


def test_session_ends_after_the_idle_minutes_without_a_request(app, user):
    browser = logged_in(app, user)
    age(browser, idle_seconds=app.config["IDLE_MINUTES"] * 60 + 1)
    response = browser.get("/akun")
    assert is_login_redirect(response)
    assert IDLE_MESSAGE in flashes(browser.get(response.headers["Location"]))
    assert is_login_redirect(browser.get("/akun"))  # and it stays ended


def test_session_used_within_the_idle_minutes_stays(app, user):
    browser = logged_in(app, user)
    age(browser, idle_seconds=app.config["IDLE_MINUTES"] * 60 - 5)
    assert browser.get("/akun").status_code == 200


def test_idle_minutes_come_from_the_configuration(app, user, monkeypatch):
    monkeypatch.setitem(app.config, "IDLE_MINUTES", 5)
    browser = logged_in(app, user)
    age(browser, idle_seconds=4 * 60)
    assert browser.get("/akun").status_code == 200
    age(browser, idle_seconds=6 * 60)
    assert is_login_redirect(browser.get("/akun"))


def test_session_ends_after_the_session_hours_even_when_in_use(app, user):
    browser = logged_in(app, user)
    age(browser, idle_seconds=30, since_login_seconds=app.config["SESSION_HOURS"] * 3600 + 1)
    response = browser.get("/akun")
    assert is_login_redirect(response)
    [message] = flashes(browser.get(response.headers["Location"]))
    assert f"{app.config['SESSION_HOURS']} jam" in message


def test_a_logged_in_session_without_these_times_is_ended(app, user):
    """A session cookie from before this rule (or one that lost the times) is not trusted for 31 days."""
    browser = logged_in(app, user)
    with browser.client.session_transaction() as session:
        del session[SEEN], session[STARTED]
    assert is_login_redirect(browser.get("/akun"))


def test_last_use_is_written_at_most_once_a_minute(app, user):
    browser = logged_in(app, user)
    browser.get("/akun")  # the first page stores its CSRF token
    for _ in range(3):
        response = browser.get("/akun")
        assert response.status_code == 200
        assert not session_cookie_written(response)
    age(browser, idle_seconds=61, since_login_seconds=600)
    response = browser.get("/akun")
    assert session_cookie_written(response)
    with browser.client.session_transaction() as session:
        assert int(time.time()) - session[SEEN] < 60
        assert int(time.time()) - session[STARTED] >= 600  # the start is kept


def test_remember_me_opens_a_new_session_after_the_idle_timeout(app, user):
    browser = logged_in(app, user, remember=True)
    age(browser, idle_seconds=app.config["IDLE_MINUTES"] * 60 + 1)
    assert browser.get("/akun").status_code == 200
    with browser.client.session_transaction() as session:
        assert int(time.time()) - session[STARTED] < 60  # a new session, with its own times
    assert browser.client.get_cookie("lentera_remember") is not None


def test_remember_me_opens_a_new_session_after_the_session_hours(app, user):
    browser = logged_in(app, user, remember=True)
    age(browser, idle_seconds=30, since_login_seconds=app.config["SESSION_HOURS"] * 3600 + 1)
    assert browser.get("/akun").status_code == 200


def test_remember_me_after_logout_elsewhere_opens_nothing(app, user):
    """The idle rule does not weaken revocation: a logout ends remembered sessions at once, as before."""
    phone = logged_in(app, user, remember=True)
    office = logged_in(app, user)
    office.logout()
    age(phone, idle_seconds=app.config["IDLE_MINUTES"] * 60 + 1)
    assert is_login_redirect(phone.get("/akun"))
