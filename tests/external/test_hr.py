"""HR and external training: the queue, approving and rejecting, recording, editing, deleting, and who may."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import AuditLog
from lms.external.models import APPROVED, PENDING, REJECTED, ExternalTraining, ExternalTrainingFile
from tests.conftest import extract_csrf
from tests.external.factories import form_values, make_training, pdf_bytes, upload

QUEUE = "/hr/pelatihan-luar"


def text(response) -> str:
    return response.get_data(as_text=True)


def post(browser, page: str, action: str, data: dict | None = None, **kwargs):
    token = extract_csrf(text(browser.get(page)))
    return browser.client.post(action, data={"csrf_token": token, **(data or {})}, **kwargs)


def actions(db) -> list[str]:
    """The audit log's external-training lines, in order."""
    stmt = select(AuditLog.action).where(AuditLog.action.startswith("external.")).order_by(AuditLog.id)
    return list(db.session.scalars(stmt))


def test_the_queue_lists_pending_submissions_with_a_count(world):
    pending = make_training(world.learner, status=PENDING, name="Webinar Keamanan Siber")
    make_training(world.learner, status=APPROVED, name="Diklat Sudah Disetujui")
    page = text(world.clients["hr_city"].get(QUEUE))
    assert "menunggu persetujuan: 1" in page
    assert "Webinar Keamanan Siber" in page and "Diklat Sudah Disetujui" not in page
    assert f"/hr/pelatihan-luar/{pending.id}" in page
    every = text(world.clients["hr_city"].get(QUEUE + "?status="))
    assert "Diklat Sudah Disetujui" in every and "Webinar Keamanan Siber" in every
    approved = text(world.clients["hr_city"].get(QUEUE + "?status=approved"))
    assert "Diklat Sudah Disetujui" in approved and "Webinar Keamanan Siber" not in approved


def test_an_opd_hr_sees_only_its_opds_records(world):
    mine = make_training(world.learner, status=PENDING, name="Milik Diskominfo")
    theirs = make_training(world.outsider, status=PENDING, name="Milik Dinkes")
    browser = world.clients["hr_opd"]
    page = text(browser.get(QUEUE))
    assert "Milik Diskominfo" in page and "Milik Dinkes" not in page
    assert "menunggu persetujuan: 1" in page
    assert browser.get(f"{QUEUE}/{mine.id}").status_code == 200
    for path in (f"{QUEUE}/{theirs.id}", f"{QUEUE}/{theirs.id}/ubah", f"/pelatihan-luar/{theirs.id}/sertifikat.pdf"):
        assert browser.get(path).status_code == 404, path
    for action in ("setujui", "tolak", "hapus"):
        response = post(browser, QUEUE, f"{QUEUE}/{theirs.id}/{action}", {"reason": "x"})
        assert response.status_code == 404, action
    assert browser.get(f"/hr/asn/{world.outsider.id}/pelatihan-luar/baru").status_code == 404


def test_hr_downloads_the_pdf_within_its_scope(world):
    training = make_training(world.learner, status=PENDING)
    for role in ("hr_city", "hr_opd"):
        response = world.clients[role].get(f"/pelatihan-luar/{training.id}/sertifikat.pdf")
        assert response.status_code == 200 and response.data == pdf_bytes(), role
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["learner", "outsider", "admin"])
def test_no_one_else_opens_the_pdf(world, role):
    training = make_training(world.learner if role != "learner" else world.outsider, status=PENDING)
    assert world.clients[role].get(f"/pelatihan-luar/{training.id}/sertifikat.pdf").status_code == 404


@pytest.mark.parametrize("role", ["learner", "admin"])
def test_a_peserta_or_an_admin_without_hr_cannot_use_the_hr_pages(db, world, role):
    training = make_training(world.learner, status=PENDING)
    browser = world.clients[role]
    for path in (QUEUE, f"{QUEUE}/{training.id}", f"{QUEUE}/impor", f"/hr/asn/{world.learner.id}/pelatihan-luar/baru"):
        assert browser.get(path).status_code == 403, path
    response = post(browser, "/riwayat/pelatihan-luar", f"{QUEUE}/{training.id}/setujui")
    assert response.status_code == 403
    assert db.session.get(ExternalTraining, training.id).status == PENDING


def test_anonymous_goes_to_login_on_every_hr_page(world):
    training = make_training(world.learner, status=PENDING)
    client = world.clients["anonymous"].client
    for path in (QUEUE, f"{QUEUE}/{training.id}", f"{QUEUE}/impor", f"/hr/asn/{world.learner.id}/pelatihan-luar/baru"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_hr_of_her_opd_approves_and_a_second_approval_changes_nothing(db, world):
    training = make_training(world.learner, status=PENDING)
    browser = world.clients["hr_opd"]
    detail = f"{QUEUE}/{training.id}"
    assert post(browser, detail, f"{detail}/setujui").status_code == 302
    db.session.expire_all()
    stored = db.session.get(ExternalTraining, training.id)
    assert stored.status == APPROVED and stored.decided_by_id == world.hr_opd.id and stored.decided_at
    decided_at = stored.decided_at
    again = post(browser, detail, f"{detail}/setujui", follow_redirects=True)
    assert "sudah diputuskan" in text(again)
    db.session.expire_all()
    assert db.session.get(ExternalTraining, training.id).decided_at == decided_at
    assert actions(db).count("external.approve") == 1


def test_reject_needs_a_reason_that_she_then_reads(db, world):
    training = make_training(world.learner, status=PENDING)
    browser = world.clients["hr_city"]
    detail = f"{QUEUE}/{training.id}"
    response = post(browser, detail, f"{detail}/tolak", {"reason": "   "})
    assert response.status_code == 400 and "Tulis alasan penolakan" in text(response)
    db.session.expire_all()
    assert db.session.get(ExternalTraining, training.id).status == PENDING
    assert post(browser, detail, f"{detail}/tolak", {"reason": "JP tidak sesuai sertifikat."}).status_code == 302
    db.session.expire_all()
    stored = db.session.get(ExternalTraining, training.id)
    assert (stored.status, stored.rejection_reason) == (REJECTED, "JP tidak sesuai sertifikat.")
    page = text(world.clients["learner"].get("/riwayat/pelatihan-luar"))
    assert "Ditolak" in page and "JP tidak sesuai sertifikat." in page
    # approving a rejected one afterwards changes nothing
    post(browser, detail, f"{detail}/setujui")
    db.session.expire_all()
    assert db.session.get(ExternalTraining, training.id).status == REJECTED
    assert actions(db) == ["external.reject"]


def test_hr_records_a_training_for_a_person_approved_on_entry(db, world):
    browser = world.clients["hr_opd"]
    page = f"/hr/asn/{world.learner.id}/pelatihan-luar/baru"
    assert f'href="{page}"' in text(browser.get(f"/hr/asn/{world.learner.id}"))
    response = post(browser, page, page, {**form_values(), "certificate": upload()}, content_type="multipart/form-data")
    assert response.status_code == 302
    training = db.session.scalar(select(ExternalTraining))
    assert (training.status, training.source, training.decided_by_id) == (APPROVED, "hr", world.hr_opd.id)
    assert training.certificate_size == len(pdf_bytes())
    assert actions(db) == ["external.record"]


def test_hr_may_record_without_a_pdf_but_not_with_a_fake_one(db, world):
    browser = world.clients["hr_city"]
    page = f"/hr/asn/{world.learner.id}/pelatihan-luar/baru"
    assert post(browser, page, page, form_values()).status_code == 302
    response = post(
        browser,
        page,
        page,
        {**form_values(name="Lain"), "certificate": upload(b"MZ\x90\x00 bukan pdf", "virus.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "bukan PDF" in text(response)
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 1
    assert db.session.scalar(select(func.count()).select_from(ExternalTrainingFile)) == 0


def test_hr_form_refuses_bad_input_and_writes_nothing(db, world):
    browser = world.clients["hr_city"]
    page = f"/hr/asn/{world.learner.id}/pelatihan-luar/baru"
    for overrides in ({"end_on": "2999-12-31"}, {"jp": "0"}, {"jp": "5000"}, {"organiser": ""}, {"start_on": "x"}):
        response = post(browser, page, page, form_values(**overrides))
        assert response.status_code == 400, overrides
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 0
    assert post(browser, page, "/hr/asn/99999/pelatihan-luar/baru", form_values()).status_code == 404


def test_hr_edits_a_record_and_the_audit_keeps_before_and_after(db, world):
    training = make_training(world.learner, jp=8, name="Webinar Lama")
    browser = world.clients["hr_city"]
    page = f"{QUEUE}/{training.id}/ubah"
    assert "Webinar Lama" in text(browser.get(page))
    values = form_values(
        name="Webinar Baru", jp="10", start_on=training.start_on.isoformat(), end_on=training.end_on.isoformat()
    )
    assert post(browser, page, page, values).status_code == 302
    db.session.expire_all()
    stored = db.session.get(ExternalTraining, training.id)
    assert (stored.name, stored.jp) == ("Webinar Baru", 10)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "external.edit"))
    assert audit.details["sebelum"]["jp"] == 8 and audit.details["sesudah"]["jp"] == 10
    response = post(browser, page, page, form_values(jp="-1"))
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ExternalTraining, training.id).jp == 10


def test_hr_deletes_a_record_with_its_pdf_audited(db, world):
    training = make_training(world.learner)
    browser = world.clients["hr_opd"]
    assert post(browser, f"{QUEUE}/{training.id}", f"{QUEUE}/{training.id}/hapus").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 0
    assert db.session.scalar(select(func.count()).select_from(ExternalTrainingFile)) == 0
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "external.delete"))
    assert audit.target_user_id == world.learner.id and audit.details["jp"] == training.jp


def test_hr_never_decides_records_or_changes_its_own_training(db, world):
    own = make_training(world.hr_opd, status=PENDING, name="Pelatihan Petugas Sendiri")
    browser = world.clients["hr_opd"]
    detail = f"{QUEUE}/{own.id}"
    for action, data in (("setujui", {}), ("tolak", {"reason": "Tidak sah."}), ("hapus", {})):
        response = post(browser, detail, f"{detail}/{action}", data, follow_redirects=True)
        assert "Data pelatihan Anda sendiri tidak dapat" in text(response), action
    response = post(browser, f"{detail}/ubah", f"{detail}/ubah", form_values(jp="99"))
    assert response.status_code == 403
    page = f"/hr/asn/{world.hr_opd.id}/pelatihan-luar/baru"
    assert post(browser, page, page, form_values()).status_code == 403
    db.session.expire_all()
    stored = db.session.get(ExternalTraining, own.id)
    assert (stored.status, stored.jp) == (PENDING, own.jp)
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 1
    assert actions(db) == []
    # another officer may
    other = post(world.clients["hr_city"], detail, f"{detail}/setujui")
    assert other.status_code == 302
