"""Lupa kata sandi in a phone's browser (360 px), end to end through a real SMTP server: the link is read
from the message that arrived."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db as _db
from lms.mail.sender import send_pass
from tests.browser.conftest import visit
from tests.conftest import create_user
from tests.mail.smtp import SmtpServer

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Sandi-Baru-Dari-Ponsel-55"
LINK = re.compile(r"(http://lentera\.test)(/atur-ulang-kata-sandi/[A-Za-z0-9_-]+)")


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer()
    server.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


def test_forgot_password_on_a_phone_through_the_smtp_server(app, live_server, new_page, smtp):
    with app.app_context():
        user = create_user(name="Sri Wahyuni Lestari", email="sri.wahyuni@semarangkota.go.id")
        nip, address = user.nip, user.email
        _db.session.remove()

    page = new_page("phone")
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    visit(page, "phone", "lupa-kata-sandi")
    page.get_by_label("NIP").fill(f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("heading", name="Periksa email Anda")).to_be_visible()
    visit(page, "phone", "lupa-kata-sandi-terkirim")

    with app.app_context():
        assert send_pass().sent == 1
        _db.session.remove()
    [arrived] = smtp.to(address)
    assert arrived.subject == "Atur ulang kata sandi Lentera"
    path = LINK.search(arrived.text).group(2)
    assert path in arrived.html

    page.goto(live_server + path)
    expect(page.get_by_role("heading", name="Pilih kata sandi baru")).to_be_visible()
    expect(page.get_by_text("Sri Wahyuni Lestari")).to_be_visible()
    visit(page, "phone", "atur-ulang-kata-sandi")
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_text("Kata sandi Anda sudah diganti.")).to_be_visible()
    visit(page, "phone", "lupa-kata-sandi-selesai")

    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi atau kode aktivasi").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server}/beranda")

    with app.app_context():
        assert send_pass().sent == 1
        _db.session.remove()
    assert smtp.to(address)[-1].subject == "Kata sandi Lentera Anda diubah"

    page.goto(live_server + path)  # used: a clear page, not an error
    expect(page.get_by_role("heading", name="Tautan tidak dapat dipakai")).to_be_visible()
    expect(page.get_by_text("sudah dipakai")).to_be_visible()
    visit(page, "phone", "tautan-sudah-dipakai")
