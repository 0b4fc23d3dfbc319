"""Whether a certificate's stored PDF is signed, and by which signing certificate, is recorded at issue
and reissue, shown on the verification page and the HR desk, exported with her data, and migrated
without touching the stored PDFs."""

from __future__ import annotations

import html
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from lms import dates
from lms.certificates import services
from lms.certificates.signing import EXTENSION_KEY, current_signer
from lms.extensions import db as _db
from lms.i18n import long_date, long_datetime
from tests.certificates.factories import issued

# The throwaway signing key of the signing tests, and the migration tests' logging guard, as fixtures here.
from tests.certificates.test_signing import SIGNER_NAME, signer, signing_key, validate  # noqa: F401
from tests.test_migrations import _keep_logging, app_on  # noqa: F401

with_signing_key = pytest.mark.usefixtures("signer")

SIGNED_LINE = "Ditandatangani secara elektronik"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def formatted(app, value, formatter) -> str:
    with app.test_request_context("/"):
        return formatter(value)


# --- recorded at issue ------------------------------------------------------------------------------


@with_signing_key
def test_a_signed_issue_records_when_and_by_which_certificate(db):
    before = datetime.now(UTC)
    certificate = issued()
    after = datetime.now(UTC)

    assert certificate.is_signed
    assert before <= certificate.signed_at <= after
    assert certificate.signature_subject == SIGNER_NAME == current_signer().subject
    # Printed signatory and signing certificate are different facts: the printed name is untouched.
    assert certificate.signer_name != certificate.signature_subject

    # What is recorded is what the stored PDF says: its signer's common name, its signing time.
    _signature, status = validate(services.pdf_bytes(certificate), current_signer().certificate)
    assert status.signing_cert.subject.native["common_name"] == certificate.signature_subject
    assert abs(status.signer_reported_dt - certificate.signed_at) < timedelta(seconds=5)

    _db.session.expire_all()  # and it survives the round trip through the database, timezone-aware
    stored = _db.session.get(type(certificate), certificate.id)
    assert stored.signature_subject == SIGNER_NAME and stored.signed_at.tzinfo is not None


def test_an_unsigned_issue_records_nothing(db, app):
    assert app.extensions[EXTENSION_KEY] is None
    certificate = issued()
    _db.session.expire_all()
    stored = _db.session.get(type(certificate), certificate.id)
    assert stored.signed_at is None and stored.signature_subject is None
    assert not stored.is_signed


# --- the public verification page ---------------------------------------------------------------------


@with_signing_key
def test_the_verification_page_says_who_signed_a_valid_certificate_and_when(db, app, client):
    certificate = issued()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "Sertifikat ini SAH dan berlaku" in page
    day = formatted(app, certificate.signed_at, long_date)
    assert f"Ditandatangani secara elektronik oleh {SIGNER_NAME} pada {day}." in page


def test_the_verification_page_of_an_unsigned_certificate_adds_nothing(db, client):
    certificate = issued()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "Sertifikat ini SAH dan berlaku" in page
    assert SIGNED_LINE not in page and "Tanda tangan elektronik" not in page


@with_signing_key
def test_the_signed_line_is_translated(db, browser):
    certificate = issued()
    url = f"/verifikasi/{certificate.verification_code}"
    browser.post_form("/login", {"lang": "en", "next": url}, action="/bahasa")
    page = text(browser.get(url))
    assert f"Electronically signed by {SIGNER_NAME} on " in page
    assert SIGNED_LINE not in page


@with_signing_key
def test_a_revoked_signed_certificate_does_not_claim_a_signature_on_the_verdict(db, client):
    certificate = issued()
    services.revoke_certificate(certificate, actor=None, category="data_salah", reason="NIP keliru")
    _db.session.commit()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "TIDAK BERLAKU" in page and SIGNED_LINE not in page


# --- the HR desk --------------------------------------------------------------------------------------


@with_signing_key
def test_hr_detail_says_yes_with_the_signer_and_moment(db, app, login_as):
    certificate = issued()
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/sertifikat/{certificate.id}"))
    moment = formatted(app, certificate.signed_at, long_datetime)
    assert "Tanda tangan elektronik" in page
    assert f"ya ({SIGNER_NAME}, {moment})" in page


def test_hr_detail_says_no_for_an_unsigned_certificate(db, login_as):
    certificate = issued()
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/sertifikat/{certificate.id}"))
    assert "<dt>Tanda tangan elektronik</dt><dd>tidak</dd>" in page


# --- reissue ------------------------------------------------------------------------------------------


@with_signing_key
def test_a_reissue_of_a_signed_certificate_records_its_own_signature(db):
    old = issued()
    new = services.reissue_certificate(old, actor=None, reason="Nama diperbaiki")
    _db.session.commit()
    assert new.signature_subject == SIGNER_NAME
    assert new.signed_at >= old.signed_at and new.signed_at != old.signed_at
    assert old.is_signed  # the replaced one still was signed


@with_signing_key
def test_a_reissue_after_signing_was_switched_off_is_recorded_unsigned(db, app, monkeypatch):
    old = issued()
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, None)
    new = services.reissue_certificate(old, actor=None, reason="Jabatan diperbaiki")
    _db.session.commit()
    assert new.signed_at is None and new.signature_subject is None  # its own status, not copied from old
    assert old.signature_subject == SIGNER_NAME


# --- the personal-data export -------------------------------------------------------------------------


@with_signing_key
def test_her_data_export_lists_the_signature_of_each_certificate(db, app, monkeypatch):
    signed = issued()
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, None)
    unsigned = issued(user=signed.user)
    rows = {row["nomor"]: row for row in services.personal_data(signed.user)}
    assert rows[signed.number]["ditandatangani_elektronik"] == dates.local_iso(
        signed.signed_at
    )  # the same instant, in WIB
    assert rows[signed.number]["penanda_tangan_elektronik"] == SIGNER_NAME
    assert rows[unsigned.number]["ditandatangani_elektronik"] is None
    assert rows[unsigned.number]["penanda_tangan_elektronik"] is None


# --- the migration --------------------------------------------------------------------------------------


def _insert(conn: sqlite3.Connection, table: str, **values) -> None:
    conn.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )


@pytest.mark.usefixtures("_keep_logging")
def test_migration_0005_keeps_every_stored_pdf_and_reissue_link_on_sqlite(tmp_path):
    """On SQLite, rebuilding `certificates` (batch mode) with foreign keys on would cascade-delete every
    stored PDF; 0005 only adds and drops columns, so certificates, files and links stay as they were."""
    path = tmp_path / "lama.sqlite"
    application = app_on(f"sqlite:///{path}")
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", "0004_certificates"]).exit_code == 0
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA foreign_keys=ON")
        now = "2026-11-28 03:00:00.000000"
        _insert(
            conn,
            "users",
            id=1,
            nip="198609262015051001",
            name="Siti",
            employee_type="PNS",
            is_active=1,
            must_change_password=0,
            session_version=1,
            created_at=now,
        )
        _insert(
            conn,
            "modules",
            id=1,
            slug="etika",
            title="Etika",
            summary="-",
            jp=4,
            tags="[]",
            is_published=1,
            is_archived=0,
            overview_html="",
            estimated_minutes=10,
            lesson_count=1,
            question_count=0,
            version=1,
            content_hash="0" * 64,
            synced_at=now,
            created_at=now,
        )
        _insert(
            conn, "completions", id=1, user_id=1, module_id=1, started_at=now, completed_at=now, jp=4, module_version=1
        )
        snapshot = dict(
            completion_id=1,
            user_id=1,
            module_id=1,
            year=2026,
            status="valid",
            name="Siti",
            nip="198609262015051001",
            instansi="Pemkot",
            module_slug="etika",
            module_title="Etika",
            module_version=1,
            jp=4,
            organiser="BKPP",
            started_on="2026-11-20",
            completed_on="2026-11-28",
            issued_on="2026-11-28",
            issued_at=now,
            place="Semarang",
            signer_title="Kepala",
        )
        _insert(
            conn,
            "certificates",
            id=1,
            issue_no=1,
            number="LMS/2026/000001",
            seq=1,
            verification_code="a" * 32,
            **snapshot,
        )
        _insert(
            conn,
            "certificates",
            id=2,
            issue_no=2,
            number="LMS/2026/000002",
            seq=2,
            verification_code="b" * 32,
            **snapshot,
        )
        conn.execute("UPDATE certificates SET replaced_by_id = 2 WHERE id = 1")
        _insert(conn, "certificate_files", certificate_id=1, sha256="0" * 64, size=4, pdf=b"%PDF")
        _insert(conn, "certificate_files", certificate_id=2, sha256="1" * 64, size=4, pdf=b"%PDF")
        conn.commit()
        conn.close()

        def state() -> tuple:
            with sqlite3.connect(path) as check:
                return (
                    check.execute("SELECT id, replaced_by_id FROM certificates ORDER BY id").fetchall(),
                    check.execute("SELECT certificate_id, pdf FROM certificate_files ORDER BY 1").fetchall(),
                )

        before = state()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        assert state() == before
        with sqlite3.connect(path) as check:  # existing certificates are unsigned
            assert (
                check.execute("SELECT signed_at, signature_subject FROM certificates").fetchall() == [(None, None)] * 2
            )
        down = runner.invoke(args=["db", "downgrade", "0004_certificates"])
        assert down.exit_code == 0, down.output + repr(down.exception)
        assert state() == before
    finally:
        with application.app_context():
            _db.engine.dispose()
