"""Kotak keluar: the admin's view of the outbox, its filter and pages, and the audited retry of a failed message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import AuditLog
from lms.mail.models import FAILED, PENDING, SENT, OutboxMessage
from lms.mail.sender import send_pass
from tests.accounts.helpers import flashes, is_login_redirect, text
from tests.conftest import extract_csrf
from tests.mail.helpers import messages, queue_many

PAGE = "/admin/kotak-keluar"


def make_failed(db, message: OutboxMessage, error: str = "server menolak pesan: 550 mailbox unavailable") -> None:
    message.status, message.tries, message.last_error = FAILED, 10, error
    db.session.commit()


def retry(browser, message_id: int, **data):
    token = extract_csrf(text(browser.get(PAGE)))
    return browser.client.post(f"{PAGE}/{message_id}/ulang", data={"csrf_token": token, **data})


def audits(db) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "mail.retry")))


def test_the_admin_sees_every_message_with_its_status_tries_and_last_error(db, login_as):
    browser, _ = login_as("admin")
    queue_many(3)
    first, second, _third = messages()
    make_failed(db, first)
    second.status = SENT
    db.session.commit()
    page = text(browser.get(PAGE))
    assert "Kotak keluar" in page
    assert "550 mailbox unavailable" in page
    assert "Gagal" in page and "Terkirim" in page and "Menunggu" in page
    assert "asn000@semarangkota.go.id" not in page and "a••••@semarangkota.go.id" in page  # masked
    assert "Pesan uji Lentera" in page and "<code>test</code>" in page
    assert page.count('action="/admin/kotak-keluar/') == 1  # only the failed message can be sent again
    assert "MAIL_SERVER belum diisi" in page  # the test app prints to the console


def test_the_list_filters_by_status_and_is_paged(db, login_as):
    browser, _ = login_as("admin")
    queue_many(60)
    make_failed(db, messages()[0])
    failed = text(browser.get(f"{PAGE}?status=failed"))
    assert failed.count("<tr>") == 2  # the head and the one failed message
    assert "Gagal (1)" in failed and "Menunggu (59)" in failed
    first = text(browser.get(PAGE))
    assert "Halaman 1 dari 2" in first
    second = text(browser.get(f"{PAGE}?page=2"))
    assert second.count("<tr>") == 1 + 10


@pytest.mark.parametrize("query", ["status=terkirim", "status=%00", "page=abc", "page=0"])
def test_a_bad_filter_or_page_is_a_clear_400(db, login_as, query):
    browser, _ = login_as("admin")
    response = browser.get(f"{PAGE}?{query}")
    assert response.status_code == 400
    assert "Status pesan tidak dikenal" in text(response) or "Nomor halaman" in text(response)


def test_a_failed_message_is_sent_again_once_the_admin_asks_and_the_audit_log_says_who(db, login_as):
    browser, admin = login_as("admin")
    queue_many(1)
    [message] = messages()
    make_failed(db, message)
    response = retry(browser, message.id, status="failed")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{PAGE}?status=failed")
    assert "dikirim ulang" in " ".join(flashes(browser.get(PAGE)))
    [message] = messages()
    assert message.status == PENDING and message.tries == 0 and message.claimed_by is None
    [entry] = audits(db)
    assert entry.actor_id == admin.id and f"#{message.id}" in entry.summary
    assert "asn000@" not in entry.summary  # the address is masked in the log too
    assert send_pass().sent == 1
    assert messages()[0].status == SENT


@pytest.mark.parametrize("status", [PENDING, SENT])
def test_only_a_failed_message_can_be_sent_again(db, login_as, status):
    browser, _ = login_as("admin")
    queue_many(1)
    [message] = messages()
    message.status, message.tries = status, 2
    db.session.commit()
    response = retry(browser, message.id, status="bogus")
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)  # a bad filter is dropped
    assert "Hanya pesan yang gagal terkirim yang dapat dikirim ulang." in flashes(browser.get(PAGE))
    [after] = messages()
    assert (after.status, after.tries) == (status, 2)
    assert audits(db) == []


def test_an_unknown_message_is_a_404_and_a_post_without_csrf_a_400(db, login_as):
    browser, _ = login_as("admin")
    assert retry(browser, 987654).status_code == 404
    queue_many(1)
    [message] = messages()
    make_failed(db, message)
    assert browser.client.post(f"{PAGE}/{message.id}/ulang").status_code == 400
    assert messages()[0].status == FAILED


@pytest.mark.parametrize("role", ["peserta", "pelatih", "hr"])
def test_other_roles_are_refused(db, login_as, role):
    browser, _ = login_as(role)
    queue_many(1)
    [message] = messages()
    make_failed(db, message)
    assert browser.get(PAGE).status_code == 403
    assert retry(browser, message.id).status_code == 403
    assert messages()[0].status == FAILED
    assert "Kotak keluar" not in text(browser.get("/akun"))  # not in the menu either


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    assert is_login_redirect(client.get(PAGE))
    token = extract_csrf(text(client.get("/login")))
    assert is_login_redirect(client.post(f"{PAGE}/1/ulang", data={"csrf_token": token}))


def test_the_admin_menu_links_to_it(db, login_as):
    browser, _ = login_as("admin")
    assert f'href="{PAGE}"' in text(browser.get("/akun"))
