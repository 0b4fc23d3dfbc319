"""The login throttle: counted before the password is checked (also in parallel, in memory and in Redis),
known browsers get past a NIP someone else blocked, one person cannot lock out an office, the block says
when it ends, and the current password on "Ganti kata sandi" is limited too."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from limits.storage import storage_from_string
from sqlalchemy import select

from lms.accounts import services, throttle
from lms.accounts.models import AuditLog
from tests.accounts.helpers import field_errors, text
from tests.conftest import TEST_PASSWORD, Browser, create_user, make_nip, reset_login_counters

WRONG = "Tebakan-Yang-Salah-9"
NEW_PASSWORD = "Belajar-Mandiri-di-Rumah"
SAME_FAILURE = "NIP atau kata sandi salah, atau akun tidak aktif."


@pytest.fixture
def user(db):
    return create_user(name="Sri Rahayu")


def new_browser(app) -> Browser:
    return Browser(app.test_client())


def attempt(browser: Browser, nip: str, password: str = WRONG, ip: str = "127.0.0.1"):
    return browser.login(nip, password, environ_base={"REMOTE_ADDR": ip})


def limit(app, monkeypatch, per_nip: int, per_ip: int = 1000) -> None:
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NIP", f"{per_nip} per 15 minutes")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", f"{per_ip} per 15 minutes")


# --- parallel attempts ------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def counter_storage(request, app, monkeypatch) -> Iterator[str]:
    """The app's throttle counters in a fresh memory storage, or in Redis (db 15) as several servers share it."""
    if request.param == "memory":
        monkeypatch.setitem(app.extensions, throttle.EXTENSION, storage_from_string("memory://"))
        yield "memory"
        return
    import redis

    url = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    client.flushdb()
    monkeypatch.setitem(app.extensions, throttle.EXTENSION, storage_from_string(url))
    yield "redis"
    client.flushdb()
    client.close()


def test_parallel_wrong_passwords_never_get_more_checks_than_the_limit(app, db, user, counter_storage, monkeypatch):
    """25 simultaneous guesses: exactly the limit (10) reach the password check, the rest get a 429.

    Every request that reaches the password check waits there until each of the 25 has either reached it
    too or been answered, so all of them are in flight together, whatever the machine's speed.
    """
    attempts, allowed = 25, 10
    limit(app, monkeypatch, per_nip=allowed)
    real_authenticate, real_check = services.authenticate, services.check_password_hash
    gate = threading.Condition()
    state = {"checking": 0, "answered": 0, "hashed": 0}

    def held_authenticate(nip: str, password: str):
        with gate:
            state["checking"] += 1
            gate.notify_all()
            gate.wait_for(lambda: state["checking"] + state["answered"] >= attempts, timeout=20)
        return real_authenticate(nip, password)

    def counted_check(pwhash: str, password: str) -> bool:
        with gate:
            state["hashed"] += 1
        return real_check(pwhash, password)

    monkeypatch.setattr(services, "authenticate", held_authenticate)
    monkeypatch.setattr(services, "check_password_hash", counted_check)
    browsers = [new_browser(app) for _ in range(attempts)]
    tokens = [b.client.get("/login") for b in browsers]  # each has its CSRF token before the burst
    assert all(page.status_code == 200 for page in tokens)
    nip = user.nip
    db.session.rollback()  # the threads have sessions of their own: end this one's (SQLite) transaction
    start = threading.Barrier(attempts)
    statuses: list[int] = []

    def guess(browser: Browser) -> None:
        start.wait()
        try:
            statuses.append(attempt(browser, nip).status_code)
        finally:
            with gate:
                state["answered"] += 1
                gate.notify_all()

    threads = [threading.Thread(target=guess, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * allowed + [429] * (attempts - allowed)
    assert state["checking"] == state["hashed"] == allowed
    # the limit holds afterwards too, for the right password from a browser that never logged in
    assert attempt(new_browser(app), nip, TEST_PASSWORD).status_code == 429


def test_a_success_is_not_counted_but_earlier_failures_still_are(app, user, monkeypatch):
    limit(app, monkeypatch, per_nip=3)
    guesser, owner = new_browser(app), new_browser(app)
    for _ in range(2):
        assert attempt(guesser, user.nip).status_code == 200
    for _ in range(3):
        assert attempt(new_browser(app), user.nip, TEST_PASSWORD).status_code == 302
    assert attempt(guesser, user.nip).status_code == 200  # the third failure: still checked
    assert attempt(guesser, user.nip).status_code == 429
    assert owner.get("/akun").status_code == 302


# --- a known browser gets past a NIP blocked by someone else ------------------------------------------


def block(app, nip: str, times: int = 10, ip: str = "10.9.9.9") -> None:
    """Somebody else types wrong passwords for the NIP until it is blocked."""
    stranger = new_browser(app)
    for _ in range(times):
        assert attempt(stranger, nip, ip=ip).status_code == 200
    assert attempt(stranger, nip, TEST_PASSWORD, ip=ip).status_code == 429


def test_right_password_from_a_browser_that_logged_in_before_gets_past_a_blocked_nip(app, user):
    phone = new_browser(app)
    assert phone.login(user.nip).status_code == 302
    phone.logout()
    block(app, user.nip)
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD).status_code == 429  # a browser she never used
    response = phone.login(user.nip)
    assert response.status_code == 302
    assert phone.get("/akun").status_code == 200


def test_wrong_passwords_from_a_known_browser_are_still_counted(app, user):
    phone = new_browser(app)
    assert phone.login(user.nip).status_code == 302
    phone.logout()
    block(app, user.nip)
    for _ in range(10):  # the device has a limit of its own: its guesses are checked, and counted
        assert field_errors(attempt(phone, user.nip)) == [SAME_FAILURE]
    assert attempt(phone, user.nip, TEST_PASSWORD).status_code == 429


def test_device_cookie_alone_logs_nobody_in(app, user):
    phone = new_browser(app)
    assert phone.login(user.nip).status_code == 302
    device = phone.client.get_cookie("lentera_device")
    assert device is not None
    phone.logout()
    thief = new_browser(app)
    thief.client.set_cookie("lentera_device", device.value)
    assert thief.get("/akun").status_code == 302
    block(app, user.nip)
    assert field_errors(attempt(thief, user.nip)) == [SAME_FAILURE]  # a guess is checked, and fails
    assert thief.get("/akun").status_code == 302


def test_device_cookie_of_another_account_does_not_get_past_the_block(app, user):
    colleague = create_user(name="Rekan Sekantor")
    shared_pc = new_browser(app)
    assert shared_pc.login(colleague.nip).status_code == 302
    shared_pc.logout()
    block(app, user.nip)
    assert attempt(shared_pc, user.nip, TEST_PASSWORD).status_code == 429


@pytest.mark.parametrize("tamper", ["forged", "flipped"])
def test_forged_device_cookie_is_ignored(app, user, tamper):
    phone = new_browser(app)
    assert phone.login(user.nip).status_code == 302
    phone.logout()
    value = phone.client.get_cookie("lentera_device").value
    phone.client.set_cookie("lentera_device", "x" + value[1:] if tamper == "flipped" else "e30.forged.sig")
    block(app, user.nip)
    assert attempt(phone, user.nip, TEST_PASSWORD).status_code == 429


def test_device_cookie_is_httponly_long_lived_and_secure_host_only_in_production(app, user, monkeypatch):
    response = new_browser(app).login(user.nip)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lentera_device="))
    assert "HttpOnly" in cookie and "Path=/" in cookie and "SameSite=Lax" in cookie
    assert re.search(r"Max-Age=(\d+)", cookie).group(1) == str(app.config["DEVICE_COOKIE_DAYS"] * 86400)
    assert user.nip not in cookie  # the NIP is kept as a keyed digest only

    from config import ProductionConfig

    monkeypatch.setitem(app.config, "DEVICE_COOKIE_NAME", ProductionConfig.DEVICE_COOKIE_NAME)
    monkeypatch.setitem(app.config, "DEVICE_COOKIE_SECURE", ProductionConfig.DEVICE_COOKIE_SECURE)
    secure = Browser(app.test_client())
    response = secure.post_form(
        "/login",
        {"nip": user.nip, "password": TEST_PASSWORD},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
    )
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-lentera_device="))
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


# --- one office behind one address --------------------------------------------------------------------


def test_one_person_failing_again_and_again_does_not_lock_out_her_office(app, user, monkeypatch):
    limit(app, monkeypatch, per_nip=3, per_ip=5)
    office = "10.20.30.40"
    forgetful = create_user(name="Lupa Sandi")
    for _ in range(20):
        attempt(new_browser(app), forgetful.nip, ip=office)
    assert attempt(new_browser(app), forgetful.nip, TEST_PASSWORD, ip=office).status_code == 429
    # her colleagues behind the same address are not affected, whether they type right or wrong
    assert attempt(new_browser(app), make_nip(), ip=office).status_code == 200
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD, ip=office).status_code == 302


def test_guessing_many_nips_from_one_address_is_still_blocked(app, user, monkeypatch):
    limit(app, monkeypatch, per_nip=3, per_ip=6)
    for _ in range(3):
        nip = make_nip()
        for _ in range(2):
            assert attempt(new_browser(app), nip, ip="10.1.1.1").status_code == 200
    blocked = attempt(new_browser(app), make_nip(), ip="10.1.1.1")
    assert blocked.status_code == 429
    assert "dari jaringan ini" in text(blocked)
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD, ip="10.1.1.1").status_code == 429
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD, ip="10.2.2.2").status_code == 302


def test_a_known_browser_gets_past_a_blocked_address_with_the_right_password(app, user, monkeypatch):
    limit(app, monkeypatch, per_nip=3, per_ip=3)
    office = "10.20.30.40"
    pc = new_browser(app)
    assert attempt(pc, user.nip, TEST_PASSWORD, ip=office).status_code == 302
    pc.logout()
    for _ in range(3):
        attempt(new_browser(app), make_nip(), ip=office)
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD, ip=office).status_code == 429
    assert attempt(pc, user.nip, TEST_PASSWORD, ip=office).status_code == 302


# --- the message says when the block ends ----------------------------------------------------------


def test_the_block_says_when_to_try_again(app, user):
    block(app, user.nip)
    blocked = attempt(new_browser(app), user.nip, TEST_PASSWORD)
    assert blocked.status_code == 429
    [message] = field_errors(blocked)
    assert message.startswith("Terlalu banyak percobaan masuk yang gagal untuk NIP ini.")
    minutes = int(re.search(r"coba lagi dalam (\d+) menit\.", message).group(1))
    assert 1 <= minutes <= 15
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert 'name="nip"' in text(blocked)  # the form is there to try again later
    reset_login_counters(app)  # the window has passed
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD).status_code == 302


def test_the_block_is_explained_in_english_too(app, user):
    block(app, user.nip)
    browser = new_browser(app)
    browser.post_form("/login", {"lang": "en"}, action="/bahasa")
    [message] = field_errors(attempt(browser, user.nip, TEST_PASSWORD))
    assert re.fullmatch(r"Too many failed login attempts for this NIP\. .* try again in \d+ minutes?\.", message)


# --- the current password on "Ganti kata sandi" ------------------------------------------------------


def change(browser: Browser, current: str, new: str = NEW_PASSWORD):
    return browser.post_form("/akun/kata-sandi", {"current_password": current, "new_password": new, "confirm": new})


def test_current_password_guessing_is_limited_and_recorded(app, db, login_as, monkeypatch):
    limit(app, monkeypatch, per_nip=10)
    browser, user = login_as("peserta")
    for n in range(10):
        assert field_errors(change(browser, f"Tebakan-ke-{n}-salah")) == ["Kata sandi saat ini salah."]
    blocked = change(browser, "Tebakan-ke-11-salah")
    assert blocked.status_code == 429
    [message] = field_errors(blocked)
    assert re.fullmatch(r"Terlalu banyak percobaan .*coba lagi dalam \d+ menit\.", message)
    # not even the right one is checked until the window has passed
    assert change(browser, TEST_PASSWORD).status_code == 429
    assert services.authenticate(user.nip, TEST_PASSWORD) is not None
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action == "user.wrong_current_password")).all()
    assert len(logged) == 10 and all(e.target_user_id == user.id for e in logged)
    reset_login_counters(app)
    assert change(browser, TEST_PASSWORD).headers["Location"] == "/"


def test_a_refused_new_password_does_not_count_against_the_current_one(app, login_as, monkeypatch):
    limit(app, monkeypatch, per_nip=2)
    browser, user = login_as("peserta")
    for _ in range(4):
        response = change(browser, TEST_PASSWORD, new=f"Aku{user.nip}")
        assert response.status_code == 200
        assert field_errors(response) == ["Kata sandi tidak boleh memuat NIP Anda."]
    assert change(browser, TEST_PASSWORD).status_code == 302


# --- the shared storage does not answer -----------------------------------------------------------------


def test_with_redis_down_logins_work_and_failures_are_still_counted_in_memory(app, db, user, monkeypatch, caplog):
    """Nothing listens at the configured Redis: no 500; the right password logs in, wrong ones are throttled
    per process, and the outage is logged once per fallback period."""
    down = throttle.Counters(storage_from_string("redis://127.0.0.1:1/0"))
    monkeypatch.setitem(app.extensions, throttle.EXTENSION, down)
    limit(app, monkeypatch, per_nip=3)
    assert attempt(new_browser(app), user.nip, TEST_PASSWORD).status_code == 302
    for _ in range(3):
        assert attempt(new_browser(app), user.nip).status_code == 200
    refused = attempt(new_browser(app), user.nip)
    assert refused.status_code == 429 and "Terlalu banyak percobaan" in text(refused)
    outages = [r for r in caplog.records if "does not answer" in r.getMessage()]
    assert len(outages) == 1 and outages[0].levelname == "ERROR"


def test_the_shared_storage_is_tried_again_after_the_fallback_period(monkeypatch):
    """After FALLBACK_SECONDS the counters go back to the shared storage (here a memory one that works again)."""

    class Flaky:
        base_exceptions = ConnectionError

        def __init__(self) -> None:
            self.up = False
            self.calls = 0

        def incr(self, key, expiry, amount=1):
            self.calls += 1
            if not self.up:
                raise ConnectionError("down")
            return 41

    shared = Flaky()
    counters = throttle.Counters(shared, fallback_seconds=30)
    clock = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: clock[0])
    assert counters.incr("k", 60) == 1  # answered from memory
    shared.up = True
    assert counters.incr("k", 60) == 2 and shared.calls == 1  # still in the fallback period: memory
    clock[0] += 31
    assert counters.incr("k", 60) == 41 and shared.calls == 2
