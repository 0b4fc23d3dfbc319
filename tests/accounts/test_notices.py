"""Mail of the accounts: activation codes e-mailed from the import (web and CLI, in the import's
transaction), the "kata sandi Anda diubah" notice after Ganti kata sandi, and the opt-out on Akun."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db
from lms.mail.models import OutboxMessage
from lms.mail.sender import send_pass
from tests.accounts.helpers import audit_actions, flashes, reload, text
from tests.accounts.test_import import GOOD_NIPS, GOOD_ROWS, confirm, counts, csv_bytes, upload
from tests.conftest import TEST_PASSWORD, Browser, create_user, extract_csrf

NEW_PASSWORD = "Kata-Sandi-Baru-2027"


def outbox(template: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


@pytest.fixture
def opds(db):
    for name in ("Dinas Kesehatan", "Kecamatan Tembalang", "Dinas Kominfo"):
        services.get_or_create_opd(name)
    db.session.commit()


@pytest.fixture
def admin(login_as, opds):
    return login_as("admin", name="Admin Impor")


def confirm_with(browser: Browser, preview, codes: str | None, base: str = "/admin/impor"):
    from tests.accounts.helpers import hidden_value

    fields = {name: hidden_value(preview, name) for name in ("payload", "mode", "fingerprint")}
    if codes is not None:
        fields["codes"] = codes
    return browser.post_form(base, fields, action=f"{base}/konfirmasi")


def shown_codes(response) -> list[str]:
    return re.findall(r'<input type="hidden" name="kode" value="([^"]+)"', text(response))


# --- activation codes e-mailed from the web import ---------------------------------------------------


def test_the_confirm_page_offers_the_choice(admin):
    browser, _ = admin
    preview = upload(browser, csv_bytes(*GOOD_ROWS))
    page = text(preview)
    assert 'name="codes"' in page and 'value="email"' in page and 'value="both"' in page


def test_email_queues_one_code_per_new_account_with_an_address_and_shows_the_others(admin):
    browser, _ = admin
    done = confirm_with(browser, upload(browser, csv_bytes(*GOOD_ROWS)), "email")
    assert done.status_code == 200
    [message] = outbox("activation_code")
    siti = db.session.scalar(select(User).where(User.nip == GOOD_NIPS[0]))
    assert message.recipient == "siti@semarangkota.go.id"
    assert "1985010120100120" not in message.event_key  # the key names the account, never the code
    code = re.search(r"Kode aktivasi: (\S+)", message.body_text).group(1)
    assert services.authenticate(siti.nip, code) is not None  # the e-mailed code is the working one
    assert "Berlaku sampai:" in message.body_text and "http://lentera.test/login" in message.body_text
    page = text(done)
    assert code not in page  # e-mailed: not shown
    assert len(shown_codes(done)) == 2  # the two without an address, to hand over
    assert "2 akun baru tidak punya alamat email" in page


def test_both_emails_and_shows_every_code(admin):
    browser, _ = admin
    done = confirm_with(browser, upload(browser, csv_bytes(*GOOD_ROWS)), "both")
    [message] = outbox("activation_code")
    code = re.search(r"Kode aktivasi: (\S+)", message.body_text).group(1)
    assert code in shown_codes(done) and len(shown_codes(done)) == 3


@pytest.mark.parametrize("codes", ["show", None])
def test_show_is_todays_behaviour_and_the_default(admin, codes):
    browser, _ = admin
    done = confirm_with(browser, upload(browser, csv_bytes(*GOOD_ROWS)), codes)
    assert len(shown_codes(done)) == 3
    assert outbox() == []


def test_an_unknown_choice_writes_nothing(admin):
    browser, _ = admin
    preview = upload(browser, csv_bytes(*GOOD_ROWS))
    before = counts(db)
    response = confirm_with(browser, preview, "fax")
    assert response.status_code == 400
    assert counts(db) == before and outbox() == []


def test_email_while_mail_is_off_writes_nothing_and_says_why(admin, app, monkeypatch):
    browser, _ = admin
    preview = upload(browser, csv_bytes(*GOOD_ROWS))
    before = counts(db)
    monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
    response = confirm_with(browser, preview, "email")
    assert response.status_code == 400
    assert any("Email tidak aktif" in message for message in flashes(response))
    assert counts(db) == before and outbox() == []


def test_a_failing_import_queues_nothing(admin, monkeypatch):
    """The codes are queued in the import's transaction: when the import fails after them, they go too."""
    browser, _ = admin
    preview = upload(browser, csv_bytes(*GOOD_ROWS))
    before = counts(db)
    real = services.email_codes

    def queue_then_fail(issued):
        real(issued)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # queued, not committed
        raise services.ValidationError("gagal di tengah impor")

    monkeypatch.setattr(services, "email_codes", queue_then_fail)
    response = confirm_with(browser, preview, "email")
    assert response.status_code == 400
    assert counts(db) == before and outbox() == []


def test_hr_import_emails_codes_too(login_as, opds):
    browser, _ = login_as("hr", name="HR Kota")
    preview = upload_hr(browser, csv_bytes(GOOD_ROWS[0], GOOD_ROWS[2]))  # HR grants no roles
    confirm_with(browser, preview, "email", base="/hr/impor")
    assert [m.recipient for m in outbox("activation_code")] == ["siti@semarangkota.go.id"]


def upload_hr(browser: Browser, data: bytes):
    return browser.post_form("/hr/impor", {"file": (io.BytesIO(data), "asn.csv")})


def test_the_default_confirm_of_the_import_tests_still_shows_codes(admin):
    browser, _ = admin
    assert len(shown_codes(confirm(browser, upload(browser, csv_bytes(*GOOD_ROWS))))) == 3


# --- activation codes e-mailed from `flask users import --codes` ----------------------------------------


@pytest.fixture
def roster_file(tmp_path, opds):
    path = tmp_path / "asn.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    return path


def test_cli_codes_email_queues_and_prints_only_the_codes_without_an_address(db, runner, roster_file):
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "email"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[0] for r in rows[1:]] == [f'="{nip}"' for nip in GOOD_NIPS[1:]]
    assert "1 kode aktivasi dikirim lewat email" in result.stderr
    assert "2 akun baru tanpa email: serahkan kodenya" in result.stderr
    assert [m.recipient for m in outbox("activation_code")] == ["siti@semarangkota.go.id"]


def test_cli_codes_both_prints_every_code(db, runner, roster_file):
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "both"])
    assert result.exit_code == 0, result.output
    assert len(list(csv.reader(io.StringIO(result.stdout)))) == 4
    assert len(outbox("activation_code")) == 1


def test_cli_unknown_codes_value_is_refused_and_nothing_written(db, runner, roster_file):
    before = counts(db)
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "pos"])
    assert result.exit_code == 2 and "--codes" in result.output
    assert counts(db) == before and outbox() == []


def test_cli_codes_email_with_mail_off_is_refused(db, runner, roster_file, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
    before = counts(db)
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "email"])
    assert result.exit_code == 1 and "Email tidak aktif" in result.output
    assert counts(db) == before and outbox() == []


def test_cli_a_failing_import_queues_no_code(db, runner, roster_file, tmp_path):
    """The codes file cannot be written after the codes were queued: the whole import rolls back."""
    before = counts(db)
    bad = tmp_path / "tidak-ada" / "kode.csv"
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "email", "--codes-out", str(bad)])
    assert result.exit_code == 1 and "tidak ada yang diimpor" in result.output
    assert counts(db) == before and outbox() == []


def test_an_emailed_code_arrives_through_smtp_and_activates_the_account(smtp_app, smtp_server, db, runner, roster_file):
    result = runner.invoke(args=["users", "import", str(roster_file), "--codes", "email"])
    assert result.exit_code == 0, result.output
    assert send_pass().sent == 1
    [arrived] = smtp_server.received
    assert arrived.envelope_to == ("siti@semarangkota.go.id",)
    code = re.search(r"Kode aktivasi: (\S+)", arrived.text).group(1)
    assert code in arrived.html
    browser = Browser(smtp_app.test_client())
    response = browser.login(GOOD_NIPS[0], code)
    assert response.status_code == 302 and "/akun/kata-sandi" in response.headers["Location"]
    assert outbox("activation_code")[0].body_text is None  # the code is not kept once sent


# --- "kata sandi Anda diubah" after Ganti kata sandi ------------------------------------------------------


def change(browser: Browser, current: str | None = TEST_PASSWORD):
    data = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if current is not None:
        data["current_password"] = current
    return browser.post_form("/akun/kata-sandi", data)


def test_ganti_kata_sandi_queues_the_notice_in_her_language(login_as):
    browser, user = login_as("peserta", email="sri.rahayu@semarangkota.go.id")
    user.locale = "en"
    db.session.commit()
    response = change(browser)
    assert response.status_code == 302
    [message] = outbox("password_changed")
    assert message.recipient == "sri.rahayu@semarangkota.go.id" and message.locale == "en"
    assert "on the Change password page" in message.body_text
    assert message.event_key == f"password-changed:{user.id}:{reload(user).session_version}"


def test_no_notice_without_an_address_or_after_a_wrong_current_password(login_as):
    browser, _ = login_as("peserta")
    assert change(browser).status_code == 302
    other, _ = login_as("peserta", email="lain@semarangkota.go.id")
    assert change(other, current="Salah-Sandi-2027").status_code == 200
    assert outbox() == []


def test_no_notice_for_the_first_password_after_an_activation_code(db, app):
    user = create_user(password=None, email="baru@semarangkota.go.id")
    issued = services.issue_code(user, "activation")
    db.session.commit()
    browser = Browser(app.test_client())
    assert browser.login(user.nip, issued.code).status_code == 302
    response = change(browser, current=None)
    assert response.status_code == 302, text(response)[:300]
    assert reload(user).must_change_password is False
    assert outbox() == []


def test_the_reset_link_still_sends_one_notice_saying_link(db):
    from lms.accounts import password_reset

    user = create_user(email="lupa@semarangkota.go.id")
    assert password_reset.request_reset_link(user.nip, ip="127.0.0.1")
    db.session.commit()
    token = re.search(r"atur-ulang-kata-sandi/(\S+)", outbox("password_reset")[0].body_text).group(1)
    password_reset.reset_with_link(token, NEW_PASSWORD)
    db.session.commit()
    [notice] = outbox("password_changed")
    assert "lewat tautan atur ulang kata sandi" in notice.body_text


# --- opting out of optional mail on Akun ------------------------------------------------------------------


def test_akun_turns_optional_mail_off_and_on(login_as):
    browser, user = login_as("peserta")
    page = text(browser.get("/akun"))
    assert re.search(r'<input checked[^>]*name="wants_optional_mail"', page) or re.search(
        r'name="wants_optional_mail"[^>]*checked', page
    )
    response = browser.post_form("/akun", {}, action="/akun/email")
    assert response.status_code == 302
    assert reload(user).wants_optional_mail is False
    assert "Email opsional tidak dikirim lagi." in flashes(browser.get("/akun"))
    assert '"email_opsional": false' in text(browser.get("/akun/data-saya.json"))  # her data file says so
    browser.post_form("/akun", {"wants_optional_mail": "y"}, action="/akun/email")
    assert reload(user).wants_optional_mail is True
    assert audit_actions(user).count("user.mail_preferences") == 2


def test_akun_mail_choice_needs_the_form_token_and_a_login(login_as, app):
    browser, user = login_as("peserta")
    response = browser.client.post("/akun/email", data={})
    assert response.status_code == 400
    assert reload(user).wants_optional_mail is True
    anonymous = app.test_client()
    page = anonymous.get("/login")
    token = extract_csrf(page.get_data(as_text=True))
    assert anonymous.post("/akun/email", data={"csrf_token": token}).status_code == 302


# --- the admin's single reset code, by e-mail --------------------------------------------------------------


def test_the_admin_can_email_a_reset_code(login_as):
    browser, _ = login_as("admin", name="Admin Reset")
    user = create_user(email="sri@semarangkota.go.id")
    page = f"/admin/pengguna/{user.id}"
    assert 'name="deliver" value="email"' in text(browser.get(page))
    response = browser.post_form(page, {"deliver": "email"}, action=f"{page}/reset-sandi")
    assert response.status_code == 302
    [message] = outbox("activation_code")
    assert message.recipient == "sri@semarangkota.go.id"
    assert "direset oleh admin" in message.body_text and "Kode atur ulang" in message.subject
    code = re.search(r"Kode aktivasi: (\S+)", message.body_text).group(1)
    assert services.authenticate(user.nip, code) is not None
    assert any("s••@semarangkota.go.id" in m for m in flashes(browser.get(page)))
    assert code not in text(browser.get(page))


def test_a_reset_by_email_without_an_address_or_a_bad_choice_changes_nothing(login_as):
    browser, _ = login_as("admin", name="Admin Reset")
    user = create_user()
    page = f"/admin/pengguna/{user.id}"
    assert 'name="deliver"' not in text(browser.get(page))
    hash_before = user.password_hash
    response = browser.post_form(page, {"deliver": "email"}, action=f"{page}/reset-sandi")
    assert response.status_code == 302
    assert any("tidak punya alamat email" in m for m in flashes(browser.get(page)))
    assert reload(user).password_hash == hash_before and outbox() == []
    assert browser.post_form(page, {"deliver": "pos"}, action=f"{page}/reset-sandi").status_code == 400
    assert reload(user).password_hash == hash_before
