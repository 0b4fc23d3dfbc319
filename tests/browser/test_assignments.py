"""In Chromium: HR assigns a module to one OPD with a due date; a learner of that OPD sees it first on her
Beranda and completes it; another, whose due date has passed, appears as *terlambat* in the assignment's list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms import dates
from lms.assignments.models import AssignmentMember
from lms.extensions import db
from tests.browser.conftest import log_in, visit
from tests.certificates.factories import make_asn, make_opd
from tests.learning.helpers import lesson_file, sync_folder, write_module

pytestmark = pytest.mark.browser

TITLE = "Pelindungan Data Pribadi bagi ASN"


@pytest.fixture
def scene(app, tmp_path):
    with app.app_context():
        sync_folder(
            write_module(
                tmp_path,
                "pdp-asn",
                title=TITLE,
                jp=2,
                lessons=(lesson_file(1, "dasar", "Dasar PDP"),),
                with_quiz=False,
            )
        )
        health, other = make_opd("Dinas Kesehatan"), make_opd("Dinas Perhubungan")
        return {
            "hr": make_asn(other, roles=("hr",), name="Petugas BKPP").nip,
            "ani": make_asn(health, name="Ani Wijayanti").nip,
            "budi_id": make_asn(health, name="Budi Santoso").id,
            "elsewhere": make_asn(other, name="Citra Lestari").nip,
        }


def test_hr_assigns_a_learner_completes_another_is_overdue(app, live_server, new_page, scene):
    base = live_server
    due = dates.today() + timedelta(days=14)

    hr = new_page("desktop")
    log_in(hr, base, scene["hr"])
    hr.goto(f"{base}/hr/penugasan")
    hr.get_by_role("link", name="Buat penugasan").click()
    hr.get_by_label("Modul", exact=True).select_option(label=f"{TITLE} (2 JP)")
    hr.get_by_label("OPD tertentu").check()
    hr.get_by_label("Dinas Kesehatan").check()
    hr.get_by_label("Tenggat", exact=True).fill(due.isoformat())
    hr.get_by_label("Catatan untuk pegawai (opsional)").fill("Wajib sebelum audit PDP.")
    hr.get_by_role("button", name="Pratinjau").click()
    assert hr.get_by_text("akan ditugaskan kepada 2 pegawai aktif").is_visible()
    visit(hr, "desktop", "assignment-preview")
    hr.get_by_role("button", name="Buat penugasan").click()
    hr.wait_for_load_state()
    assert hr.get_by_text("Penugasan dibuat untuk 2 pegawai.").is_visible()
    detail_url = hr.url

    learner = new_page("phone")
    log_in(learner, base, scene["ani"])
    mandatory = learner.get_by_role("region", name="Modul wajib")
    assert mandatory.is_visible()
    assert learner.locator("h2").first.inner_text() == "Modul wajib"  # first on her Beranda
    assert mandatory.get_by_text("Belum mulai").is_visible()
    assert "Wajib sebelum audit PDP." in mandatory.inner_text()
    visit(learner, "phone", "beranda-mandatory")
    mandatory.get_by_role("link", name=TITLE).click()
    learner.get_by_role("link", name="Mulai belajar").click()
    learner.get_by_role("button", name="Tandai selesai").click()
    learner.wait_for_load_state()
    learner.goto(f"{base}/beranda")
    assert learner.get_by_role("region", name="Modul wajib").get_by_text("Selesai tepat waktu").is_visible()

    other = new_page("phone")
    log_in(other, base, scene["elsewhere"])
    assert other.get_by_role("region", name="Modul wajib").count() == 0

    # Budi's due date has passed (set in the database, as if the weeks went by).
    with app.app_context():
        db.session.execute(
            update(AssignmentMember)
            .where(AssignmentMember.user_id == scene["budi_id"])
            .values(due_on=dates.today() - timedelta(days=1))
        )
        db.session.commit()
        assert db.session.scalar(select(AssignmentMember.due_on).where(AssignmentMember.user_id == scene["budi_id"]))
    hr.goto(detail_url)
    stats = " ".join(hr.locator(".stat-list").inner_text().split())
    assert "Selesai tepat waktu: 1" in stats and "Terlambat: 1" in stats
    hr.get_by_label("Status").select_option(label="Terlambat")
    hr.get_by_role("button", name="Tampilkan").click()
    hr.wait_for_load_state()
    people = hr.get_by_role("region", name="Pegawai dalam penugasan")
    assert "Budi Santoso" in people.inner_text()
    assert "Ani Wijayanti" not in people.inner_text()
    visit(hr, "desktop", "assignment-overdue")
