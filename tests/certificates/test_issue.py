"""Issuing: one certificate per completion, exactly once, with a frozen snapshot and a gapless per-year number."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms import dates
from lms.accounts.models import AuditLog
from lms.certificates import services
from lms.certificates.models import REVOKED, VALID, Certificate, CertificateCounter
from lms.certificates.numbering import is_well_formed_code
from lms.certificates.pdf import render_certificate_pdf
from lms.certificates.services import issue_certificate, issue_missing, pdf_bytes
from lms.dates import add_months
from lms.errors import Conflict, ValidationError
from lms.learning.services import record_completion
from tests.certificates.factories import certificate_of, complete, issued, make_asn, make_module, make_opd


def year_now() -> int:
    return dates.this_year()


def test_completing_a_module_issues_its_certificate(db):
    opd = make_opd()
    user = make_asn(opd, name="Budi Santoso, S.T.", jabatan="Analis Kebijakan Ahli Pertama")
    module = make_module("literasi-digital", title="Literasi Digital bagi ASN", jp=4)
    certificate = certificate_of(complete(user, module, score=92))

    assert certificate.number == f"LMS/{year_now()}/000001"
    assert (certificate.year, certificate.seq, certificate.issue_no) == (year_now(), 1, 1)
    assert certificate.status == VALID and is_well_formed_code(certificate.verification_code)
    assert len(certificate.verification_code) >= 32
    assert (certificate.name, certificate.nip) == ("Budi Santoso, S.T.", user.nip)
    assert (certificate.jabatan, certificate.opd_name, certificate.opd_id) == (
        "Analis Kebijakan Ahli Pertama",
        opd.name,
        opd.id,
    )
    assert (certificate.module_title, certificate.module_slug, certificate.jp, certificate.score) == (
        "Literasi Digital bagi ASN",
        "literasi-digital",
        4,
        92,
    )
    assert certificate.instansi == "Pemerintah Kota Semarang"
    assert certificate.organiser == "BKPP Kota Semarang"
    assert certificate.signer_title == "Kepala BKPP Kota Semarang"
    assert certificate.started_on < certificate.completed_on == certificate.issued_on


def test_the_stored_pdf_is_the_rendered_snapshot(db, app):
    certificate = issued()
    stored = pdf_bytes(certificate)
    assert stored == render_certificate_pdf(certificate.snapshot(), services.certificate_settings())
    assert certificate.file.size == len(stored)
    text = " ".join(PdfReader(io.BytesIO(stored)).pages[0].extract_text().split())
    assert certificate.number in text and certificate.name in text
    assert f"{app.config['LMS_PUBLIC_URL']}/verifikasi/{certificate.verification_code}" in text


def test_a_certificate_is_issued_exactly_once(db):
    user, module = make_asn(), make_module()
    completion = complete(user, module)
    assert issue_certificate(completion) is None  # a second attempt changes nothing
    assert record_completion(user.id, module, score=99) is None  # and so does a second completion
    db.session.commit()
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert db.session.get(CertificateCounter, year_now()).last_seq == 1


def test_later_edits_never_change_an_issued_certificate(db):
    user, module = make_asn(name="Siti Aminah"), make_module(title="Etika Digital", jp=2)
    certificate = issued(user, module)
    before = pdf_bytes(certificate)
    snapshot = certificate.snapshot()

    user.name, user.jabatan, user.opd = "Siti Aminah Berubah", "Jabatan Baru", make_opd("Dinas Pendidikan")
    module.title, module.jp, module.version = "Etika Digital (Revisi)", 6, 2
    db.session.commit()
    db.session.expire_all()

    again = db.session.get(Certificate, certificate.id)
    assert again.snapshot() == snapshot
    assert again.name == "Siti Aminah" and again.module_title == "Etika Digital" and again.jp == 2
    assert pdf_bytes(again) == before
    assert render_certificate_pdf(again.snapshot(), services.certificate_settings()) == before


def test_numbers_are_consecutive_within_a_year_and_restart_each_year(db):
    module = make_module()
    completions = [record_completion(make_asn().id, module, score=80) for _ in range(3)]
    db.session.commit()
    numbers = [certificate_of(c).number for c in completions]
    year = year_now()
    assert numbers == [f"LMS/{year}/{n:06d}" for n in (1, 2, 3)]


def test_new_year_takes_its_own_sequence(db):
    """Issued at 00:30 WIB on 1 January 2031 (still 2030 in UTC): the first number of 2031."""
    module = make_module()
    completion = record_completion(make_asn().id, module, score=80)
    db.session.flush()
    db.session.delete(certificate_of(completion))
    db.session.flush()
    first_of_next_year = issue_certificate(completion, issued_at=datetime(2030, 12, 31, 17, 30, tzinfo=UTC))
    db.session.commit()
    assert first_of_next_year.number == "LMS/2031/000001"
    assert first_of_next_year.issued_on == date(2031, 1, 1)


def test_the_prefix_comes_from_the_settings(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_CERT_PREFIX", "BKPP/LMS")
    assert issued().number == f"BKPP/LMS/{year_now()}/000001"


def test_validity_follows_the_module(db):
    certificate = issued(module=make_module(certificate_valid_months=24))
    assert certificate.valid_until == add_months(certificate.completed_on, 24)
    assert issued(module=make_module()).valid_until is None


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 28), 24) == date(2028, 11, 28)


def test_an_unprintable_name_keeps_the_completion_and_the_certificate_waits(db):
    user, module = make_asn(name="Budi ꦧꦸꦢꦶ"), make_module()
    completion = complete(user, module)
    assert completion.id is not None  # her completion is recorded...
    assert certificate_of(completion) is None  # ...but nothing unprintable was issued
    assert db.session.scalar(select(func.count(CertificateCounter.year))) == 0  # no number taken
    refusal = db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.refused"))
    assert refusal.target_user_id == user.id and "U+A9A7" in refusal.summary

    issued_now, refused = issue_missing()
    assert issued_now == [] and len(refused) == 1 and user.nip in refused[0]

    user.name = "Budi Santoso"
    db.session.commit()
    issued_now, refused = issue_missing()
    db.session.commit()
    assert [c.name for c in issued_now] == ["Budi Santoso"] and refused == []
    assert certificate_of(completion).number == f"LMS/{year_now()}/000001"


def test_an_accented_name_is_issued(db):
    assert issued(make_asn(name="José Ñúñez")).name == "José Ñúñez"


def test_a_failed_issue_rolls_back_completion_and_number(db, monkeypatch):
    module = make_module()
    user = make_asn()

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "_render", broken)
    with pytest.raises(RuntimeError):
        record_completion(user.id, module, score=80)
    db.session.rollback()
    monkeypatch.undo()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    assert issued(make_asn(), module).number.endswith("/000001")  # no gap


def test_revoke_needs_a_category_and_a_reason_and_is_audited(db):
    certificate = issued()
    hr = make_asn(roles=("hr",), name="Petugas BKPP")
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate, actor=hr, category="data_salah", reason="  ")
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate, actor=hr, category="entah", reason="alasan")
    services.revoke_certificate(certificate, actor=hr, category="tidak_sah", reason="Kuis dikerjakan orang lain")
    db.session.commit()
    assert certificate.status == REVOKED and certificate.revoked_at is not None
    assert (certificate.revoke_category, certificate.revoked_by_id) == ("tidak_sah", hr.id)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.revoke"))
    assert entry.actor_id == hr.id and entry.target_user_id == certificate.user_id
    assert certificate.number in entry.summary and "Kuis dikerjakan orang lain" in entry.summary
    with pytest.raises(Conflict):
        services.revoke_certificate(certificate, actor=hr, category="lainnya", reason="lagi")


def test_reissue_gives_a_new_number_and_links_the_old_one(db):
    user = make_asn(name="Sitti Nurhaliza")  # a typo
    certificate = issued(user)
    hr = make_asn(roles=("hr",), name="Petugas BKPP")
    user.name = "Siti Nurhaliza"
    db.session.commit()

    new = services.reissue_certificate(certificate, actor=hr, reason="Nama salah ketik")
    db.session.commit()
    assert new.number.endswith("/000002") and new.issue_no == 2 and new.completion_id == certificate.completion_id
    assert new.name == "Siti Nurhaliza" and new.verification_code != certificate.verification_code
    assert (new.module_title, new.jp, new.score, new.completed_on) == (
        certificate.module_title,
        certificate.jp,
        certificate.score,
        certificate.completed_on,
    )
    assert certificate.status == REVOKED and certificate.revoke_category == "diterbitkan_ulang"
    assert certificate.replaced_by_id == new.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.reissue")).actor_id == hr.id
    with pytest.raises(Conflict):
        services.reissue_certificate(certificate, actor=hr, reason="sekali lagi")
    with pytest.raises(ValidationError):
        services.reissue_certificate(new, actor=hr, reason="")


def test_a_revoked_certificate_can_be_reissued_and_keeps_its_category(db):
    certificate = issued()
    services.revoke_certificate(certificate, actor=None, category="data_salah", reason="NIP keliru")
    new = services.reissue_certificate(certificate, actor=None, reason="Data diperbaiki")
    db.session.commit()
    assert certificate.revoke_category == "data_salah" and certificate.replaced_by_id == new.id
    assert new.status == VALID
