"""Lupa kata sandi: a single-use link e-mailed through a real SMTP server, the same answer for every NIP,
limits per NIP and per address, and every way a link can no longer be used."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from lms.accounts import password_reset, services
from lms.accounts.models import OneTimeCode
from lms.database import utcnow
from lms.errors import ValidationError
from lms.extensions import db as _db
from lms.mail.models import OutboxMessage
from lms.mail.sender import send_pass
from tests.accounts.helpers import audit_actions, field_errors, flashes, is_login_redirect, reload, text
from tests.conftest import TEST_PASSWORD, Browser, create_user, make_nip

NEW_PASSWORD = "Sandi-Baru-Lentera-77"
LINK = re.compile(r"http://lentera\.test(/atur-ulang-kata-sandi/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def ask(app, nip: str, client=None):
    """POST the NIP on the "Lupa kata sandi" page as a fresh visitor; the response (not followed)."""
    browser = Browser(client or app.test_client())
    return browser.post_form("/lupa-kata-sandi", {"nip": nip})


def delivered_link(smtp_server, address: str) -> str:
    """The path of the reset link in the last message that reached `address`."""
    send_pass()
    [*_, arrived] = smtp_server.to(address)
    return LINK.search(arrived.text).group(1)


def outbox_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(OutboxMessage))


@pytest.fixture
def siti(db):
    return create_user(name="Siti Rahayu", email="siti.rahayu@semarangkota.go.id")


def test_the_login_page_links_to_it(client):
    assert 'href="/lupa-kata-sandi">Lupa kata sandi?</a>' in text(client.get("/login"))


def test_the_whole_reset_through_the_smtp_server(app, smtp_app, smtp_server, siti):
    elsewhere = Browser(app.test_client())
    assert elsewhere.login(siti.nip).status_code == 302  # a session on another device
    response = ask(app, f"{siti.nip[:8]} {siti.nip[8:14]} {siti.nip[14]} {siti.nip[15:]}")  # as printed
    assert response.status_code == 302 and response.headers["Location"].endswith("/lupa-kata-sandi/terkirim")
    assert smtp_server.received == []  # queued in the request's transaction, sent by the sender
    path = delivered_link(smtp_server, siti.email)
    [arrived] = smtp_server.received
    assert arrived.subject == "Atur ulang kata sandi Lentera" and "Yth. Siti Rahayu," in arrived.text
    assert f'href="http://lentera.test{path}"' in arrived.html and "berlaku 30 menit" in arrived.text

    visitor = Browser(app.test_client())
    page = visitor.get(path)
    assert page.status_code == 200 and "Pilih kata sandi baru" in text(page) and "Siti Rahayu" in text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    weak = visitor.post_form(path, {"new_password": "12345678", "confirm": "12345678"})
    assert weak.status_code == 200 and "terlalu umum" in " ".join(field_errors(weak))
    assert weak.headers["Referrer-Policy"] == "no-referrer"
    done = visitor.post_form(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert is_login_redirect(done)
    assert "Kata sandi Anda sudah diganti. Silakan masuk dengan kata sandi baru." in flashes(visitor.get("/login"))

    assert is_login_redirect(elsewhere.get("/akun"))  # every other session ended
    assert Browser(app.test_client()).login(siti.nip).status_code == 200  # the old password no longer works
    assert Browser(app.test_client()).login(siti.nip, NEW_PASSWORD).status_code == 302
    assert audit_actions(siti)[-2:] == ["user.reset_link_requested", "user.password_reset_by_link"]

    send_pass()
    notice = smtp_server.to(siti.email)[-1]
    assert notice.subject == "Kata sandi Lentera Anda diubah"
    assert "Jika bukan Anda yang mengubahnya" in notice.text and "http://lentera.test/login" in notice.text

    used = visitor.get(path)
    assert used.status_code == 410 and "sudah dipakai" in text(used)
    assert used.headers["Referrer-Policy"] == "no-referrer" and used.headers["Cache-Control"] == "no-store"
    again = visitor.post_form(path, {"new_password": "Lain-Lagi-Sandi-99", "confirm": "Lain-Lagi-Sandi-99"})
    assert again.status_code == 410
    assert Browser(app.test_client()).login(siti.nip, NEW_PASSWORD).status_code == 302


def test_an_expired_link_is_refused_with_a_clear_page(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    path = delivered_link(smtp_server, siti.email)
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=True):
        response = Browser(app.test_client()).get(path)
        assert response.status_code == 410
        assert "sudah kedaluwarsa" in text(response) and "berlaku 30 menit" in text(response)
        assert 'href="/lupa-kata-sandi"' in text(response)  # the way to a new link
        post = Browser(app.test_client()).post_form(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert post.status_code == 410
    assert Browser(app.test_client()).login(siti.nip).status_code == 302  # her password did not change


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:10],
        lambda token: token + "x",
        lambda token: "abc",
        lambda token: token[:5] + "%00" + token[5:],
        lambda token: "9" * 400,
        lambda token: token[:8] + "%C3%A9" + token[8:],
    ],
)
def test_a_tampered_link_is_refused_never_a_500(app, smtp_app, smtp_server, siti, tamper):
    """(A token with a slash in it matches no route at all: the ordinary 404 page.)"""
    ask(app, siti.nip)
    path = delivered_link(smtp_server, siti.email)
    token = path.rsplit("/", 1)[1]
    response = Browser(app.test_client()).get(f"/atur-ulang-kata-sandi/{tamper(token)}")
    assert response.status_code == 404
    assert "Tautan ini tidak dikenali" in text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert Browser(app.test_client()).get(path).status_code == 200  # the real one still works


def test_the_answer_is_the_same_for_every_nip(app, db):
    """A NIP with an active account and an e-mail, one without an e-mail, an inactive one, an unknown one:
    the same redirect and the same page, byte for byte apart from the CSRF token."""
    nips = {
        "email": create_user(email="ada@semarangkota.go.id").nip,
        "no_email": create_user(email=None).nip,
        "inactive": create_user(email="nonaktif@semarangkota.go.id").nip,
        "unknown": make_nip(),
        "bad_email": create_user(email="bukan alamat").nip,
    }
    services.find_user_by_nip(nips["inactive"]).is_active_account = False
    _db.session.commit()
    answers = {}
    for kind, nip in nips.items():
        client = app.test_client()
        posted = ask(app, nip, client)
        page = client.get(posted.headers["Location"])
        answers[kind] = (
            posted.status_code,
            posted.headers["Location"],
            posted.get_data(),
            page.status_code,
            CSRF.sub(r"\1…\2", text(page)),
        )
    assert len(set(answers.values())) == 1, {kind: answer[:3] for kind, answer in answers.items()}
    assert outbox_count() == 1  # only the account with an address got a message


def test_a_known_nip_takes_no_longer_to_answer_than_an_unknown_one(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_ANSWER_SECONDS", 0.25)
    monkeypatch.setitem(app.config, "RESET_LIMIT_PER_IP", "100 per hour")
    known = [create_user(email=f"waktu{index}@semarangkota.go.id").nip for index in range(3)]
    unknown = [make_nip() for _ in range(3)]

    def timed(nip: str) -> float:
        started = time.perf_counter()
        assert ask(app, nip).status_code == 302
        return time.perf_counter() - started

    known_times = [timed(nip) for nip in known]
    unknown_times = [timed(nip) for nip in unknown]
    assert min(known_times + unknown_times) >= 0.25
    assert abs(statistics.median(known_times) - statistics.median(unknown_times)) < 0.1, (known_times, unknown_times)


def test_requests_are_limited_per_nip_whether_it_exists_or_not(app, db, siti):
    for nip in (siti.nip, make_nip()):
        for _ in range(5):
            assert ask(app, nip).status_code == 302
        refused = ask(app, nip)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "Terlalu banyak permintaan atur ulang kata sandi untuk NIP ini." in " ".join(field_errors(refused))
    assert outbox_count() == 5  # the refused request sent nothing


def test_requests_are_limited_per_address(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LIMIT_PER_IP", "3 per hour")
    for _ in range(3):
        assert ask(app, make_nip()).status_code == 302
    refused = ask(app, make_nip())
    assert refused.status_code == 429
    assert "dari jaringan ini" in " ".join(field_errors(refused))


@pytest.mark.parametrize("typed", ["abc", "1986", "1" * 19, "１９８６０９２６２０１５０５１００１"])
def test_a_nip_that_cannot_be_one_is_a_field_error(app, db, typed):
    response = ask(app, typed)
    assert response.status_code == 200
    assert "NIP terdiri dari 18 angka" in " ".join(field_errors(response))
    assert outbox_count() == 0


def test_asking_for_a_link_takes_no_code_away_and_a_newer_link_replaces_the_older(app, smtp_app, smtp_server, db):
    """A stranger typing her NIP must not be able to end the activation code HR gave her."""
    user = create_user(email="baru@semarangkota.go.id", password=None)
    issued = services.issue_code(user, "activation")
    _db.session.commit()
    ask(app, user.nip)
    first = delivered_link(smtp_server, user.email)
    ask(app, user.nip)
    second = delivered_link(smtp_server, user.email)
    assert first != second
    assert Browser(app.test_client()).get(first).status_code == 410
    assert Browser(app.test_client()).get(second).status_code == 200
    assert Browser(app.test_client()).login(user.nip, issued.code).status_code == 302


def test_the_link_activates_an_account_and_ends_its_activation_code(app, smtp_app, smtp_server, db):
    user = create_user(email="aktivasi@semarangkota.go.id", password=None)
    issued = services.issue_code(user, "activation")
    user.must_change_password = True
    _db.session.commit()
    ask(app, user.nip)
    path = delivered_link(smtp_server, user.email)
    done = Browser(app.test_client()).post_form(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert is_login_redirect(done)
    assert Browser(app.test_client()).login(user.nip, issued.code).status_code == 200  # the code is used up
    browser = Browser(app.test_client())
    assert browser.login(user.nip, NEW_PASSWORD).headers["Location"] == "/"  # no forced change any more


def test_an_admin_reset_code_ends_an_outstanding_link(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    path = delivered_link(smtp_server, siti.email)
    admin = create_user(roles=("admin",))
    services.reset_password(siti, actor=admin)
    _db.session.commit()
    assert Browser(app.test_client()).get(path).status_code == 410


def test_a_link_of_an_account_deactivated_since_is_refused(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    path = delivered_link(smtp_server, siti.email)
    reload(siti).is_active_account = False
    _db.session.commit()
    response = Browser(app.test_client()).get(path)
    assert response.status_code == 410 and "Akun ini tidak aktif" in text(response)


def test_the_links_token_is_no_password(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    token = delivered_link(smtp_server, siti.email).rsplit("/", 1)[1]
    assert Browser(app.test_client()).login(siti.nip, token).status_code == 200
    stored = _db.session.scalars(select(OneTimeCode.code_hash).where(OneTimeCode.purpose == "reset_link")).all()
    assert token not in stored and password_reset.hash_link_token(token) in stored


def test_a_link_is_used_once_even_when_two_requests_race(app, smtp_app, smtp_server, siti):
    """The second request read the link before the first one used it up: the conditional update refuses it."""
    ask(app, siti.nip)
    token = delivered_link(smtp_server, siti.email).rsplit("/", 1)[1]
    with app.test_request_context("/"):
        password_reset.reset_with_link(token, NEW_PASSWORD)
        with pytest.raises(password_reset.LinkRefused) as excinfo:
            password_reset.reset_with_link(token, "Sandi-Kedua-Lentera-88")
        assert excinfo.value.status_code == 410
    _db.session.rollback()


def test_a_refused_new_password_leaves_the_link_usable(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    token = delivered_link(smtp_server, siti.email).rsplit("/", 1)[1]
    with app.test_request_context("/"), pytest.raises(ValidationError):
        password_reset.reset_with_link(token, siti.nip + "x")
    _db.session.rollback()
    assert Browser(app.test_client()).get(f"/atur-ulang-kata-sandi/{token}").status_code == 200


def test_she_gets_the_messages_in_the_language_she_chose(app, smtp_app, smtp_server, db):
    user = create_user(email="english@semarangkota.go.id")
    user.locale = "en"
    _db.session.commit()
    ask(app, user.nip)
    path = delivered_link(smtp_server, user.email)
    [arrived] = smtp_server.to(user.email)
    assert arrived.subject == "Reset your Lentera password" and "Dear " in arrived.text
    Browser(app.test_client()).post_form(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    send_pass()
    assert smtp_server.to(user.email)[-1].subject == "Your Lentera password was changed"


def test_with_mail_off_the_page_says_whom_to_ask_and_sends_nothing(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
    user = create_user(email="ada@semarangkota.go.id")
    page = text(app.test_client().get("/lupa-kata-sandi"))
    assert "tidak mengirim email" in page and "petugas kepegawaian OPD Anda atau admin" in page
    assert 'name="nip"' not in page
    response = ask(app, user.nip)
    assert response.status_code == 200
    assert outbox_count() == 0


def test_the_page_says_what_to_do_without_an_email(client):
    page = text(client.get("/lupa-kata-sandi"))
    assert "Tidak punya alamat email di Lentera" in page
    assert "kode reset kepada petugas kepegawaian OPD Anda atau admin Lentera" in page


def test_the_password_reset_pages_need_no_login_and_keep_the_tokens_from_others(client):
    assert client.get("/lupa-kata-sandi").status_code == 200
    assert client.get("/lupa-kata-sandi/terkirim").status_code == 200
    refused = client.get("/atur-ulang-kata-sandi/tidak-ada-tautan-seperti-ini-12345")
    assert refused.status_code == 404 and refused.headers["Cache-Control"] == "no-store"


def test_the_password_is_checked_as_her_own_password_would_be(app, smtp_app, smtp_server, siti):
    ask(app, siti.nip)
    path = delivered_link(smtp_server, siti.email)
    browser = Browser(app.test_client())
    for password, message in [
        (siti.nip, "NIP"),
        ("Sandi-Beda-Lentera-1", "tidak sama"),
        (TEST_PASSWORD, "berbeda dari kata sandi lama"),
    ]:
        confirm = password if message != "tidak sama" else "Sandi-Lain-Sekali-2"
        response = browser.post_form(path, {"new_password": password, "confirm": confirm})
        assert response.status_code == 200
        assert message in " ".join(field_errors(response)), field_errors(response)
