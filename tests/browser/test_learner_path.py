"""A new ASN account goes from login to a completed module in Chromium, on a phone and on a desktop.

Every page is checked with axe-core (no serious or critical violation) and photographed to /tmp/shots/.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.content.models import Option, Question
from lms.extensions import db as _db
from tests.browser.conftest import log_in, log_out, visit
from tests.conftest import create_user
from tests.learning.helpers import make_module

pytestmark = pytest.mark.browser

SLUG = "literasi-dasar"


@pytest.fixture
def course(app, tmp_path):
    """A published module of three lessons and a four-question quiz; a learner and a trainer."""
    with app.app_context():
        module = make_module(tmp_path / "content", SLUG, title="Literasi Digital Dasar", jp=4)
        answers = {}
        for question in _db.session.scalars(select(Question).where(Question.quiz_id == module.quiz.id)):
            if question.kind == "short":
                answers[question.key] = "  jam   PELAJARAN "
            else:
                options = _db.session.scalars(select(Option).where(Option.question_id == question.id))
                answers[question.key] = [o.key for o in options if o.is_correct]
        learner = create_user(name="Sri Rahayu Wulandari")
        trainer = create_user(roles=("pelatih",), name="Bambang Widyaiswara")
        return {"answers": answers, "learner": learner.nip, "trainer": trainer.nip}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_login_to_completed_module(live_server, new_page, course, viewport):
    base = live_server
    page = new_page(viewport)

    log_in(page, base, course["learner"])
    assert page.get_by_role("heading", name="Mulai belajar").is_visible()
    visit(page, viewport, "01-beranda-baru")

    page.get_by_role("link", name="Buka Katalog").click()
    page.wait_for_url(f"{base}/katalog")
    page.get_by_label("Cari modul").fill("literasi")
    page.get_by_role("button", name="Cari").click()
    page.wait_for_url(re.compile(r".*/katalog\?q=literasi.*"))
    visit(page, viewport, "02-katalog")

    page.get_by_role("link", name="Literasi Digital Dasar").click()
    page.wait_for_url(f"{base}/modul/{SLUG}")
    assert page.get_by_text("Selesaikan 3 pelajaran dan lulus kuis dengan nilai minimal 70.").is_visible()
    visit(page, viewport, "03-modul")

    page.get_by_role("link", name="Mulai belajar").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/pengantar")
    visit(page, viewport, "04-pelajaran")
    if viewport == "phone":
        # Keyboard only: Tab to "Tandai selesai" and press Enter.
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Tandai selesai":
                break
        else:
            pytest.fail("'Tandai selesai' is not reachable with the Tab key")
        page.keyboard.press("Enter")
    else:
        page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/inti")
    assert page.get_by_text("Pelajaran ditandai selesai.").is_visible()

    # She stops here, logs out, and comes back another day: "Lanjutkan belajar" opens "inti".
    log_out(page)
    log_in(page, base, course["learner"])
    assert page.get_by_text("1 dari 3 pelajaran selesai").first.is_visible()
    visit(page, viewport, "05-beranda-lanjutkan")
    page.get_by_role("link", name="Lanjutkan belajar").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/inti")

    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/penutup")
    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/kuis")
    visit(page, viewport, "06-kuis")

    page.get_by_role("button", name="Mulai kuis").click()
    page.wait_for_url(re.compile(r".*/kuis/percobaan/\d+$"))
    attempt_url = page.url
    visit(page, viewport, "07-kuis-soal")

    # Answer part of it, save, reload: nothing is lost.
    answers = course["answers"]
    keys = list(answers)
    fill(page, keys[0], answers[keys[0]])
    page.get_by_role("button", name="Simpan jawaban").click()
    page.wait_for_url(attempt_url + "#kirim")
    assert page.get_by_text("Jawaban Anda tersimpan").is_visible()
    page.reload()
    assert is_filled(page, keys[0], answers[keys[0]])

    for key in keys[1:]:
        fill(page, key, answers[key])
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_url(attempt_url)
    assert " ".join(page.locator(".result-summary .big-number").inner_text().split()) == "100 dari 100"
    assert page.get_by_text("Lulus · nilai minimal 70").is_visible()
    assert page.get_by_role("link", name="Unduh sertifikat (PDF)").is_visible()
    visit(page, viewport, "08-kuis-hasil")

    page.get_by_role("link", name="Lihat JP dan tanggal selesai").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/selesai")
    assert page.get_by_role("heading", name="Selamat, Anda telah menyelesaikan modul ini!").is_visible()
    visit(page, viewport, "09-selesai")

    page.get_by_role("link", name="Lihat riwayat").click()
    page.wait_for_url(f"{base}/riwayat")
    assert page.get_by_text("Literasi Digital Dasar").is_visible()
    visit(page, viewport, "10-riwayat")

    page.goto(f"{base}/beranda")
    assert page.get_by_text("dari target 20 JP").is_visible()
    visit(page, viewport, "11-beranda-selesai")
    page.goto(f"{base}/modul/{SLUG}")
    assert page.get_by_role("heading", name="Anda telah menyelesaikan modul ini").is_visible()
    visit(page, viewport, "12-modul-selesai")


def fill(page, key: str, answer) -> None:
    if isinstance(answer, str):
        page.locator(f'input[name="q-{key}"]').fill(answer)
        return
    for option in answer:
        page.locator(f'input[name="q-{key}"][value="{option}"]').check()


def is_filled(page, key: str, answer) -> bool:
    if isinstance(answer, str):
        return page.locator(f'input[name="q-{key}"]').input_value() == answer
    return all(page.locator(f'input[name="q-{key}"][value="{o}"]').is_checked() for o in answer)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_failed_quiz_and_other_pages(live_server, new_page, course, viewport):
    """A failed attempt with its explanations, the trainer's preview, and the 404 page."""
    base = live_server
    page = new_page(viewport)
    log_in(page, base, course["learner"])
    page.goto(f"{base}/modul/{SLUG}/kuis")
    page.get_by_role("button", name="Mulai kuis").click()
    page.wait_for_url(re.compile(r".*/kuis/percobaan/\d+$"))
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_load_state()
    assert page.get_by_text("Belum lulus · nilai minimal 70").is_visible()
    visit(page, viewport, "13-kuis-gagal")
    page.goto(f"{base}/modul/{SLUG}/pelajaran/tidak-ada")
    assert page.get_by_role("heading", name="Halaman tidak ditemukan").is_visible()
    visit(page, viewport, "14-404")
    log_out(page)

    log_in(page, base, course["trainer"])
    page.goto(f"{base}/pelatih/modul")
    page.get_by_role("link", name="Literasi Digital Dasar").click()
    page.wait_for_url(f"{base}/pelatih/pratinjau/{SLUG}")
    assert page.get_by_text("Progres tidak dicatat.").is_visible()
    visit(page, viewport, "15-pratinjau-modul")
    page.get_by_role("link", name="Mulai belajar").click()
    page.wait_for_url(f"{base}/pelatih/pratinjau/{SLUG}/pelajaran/pengantar")
    visit(page, viewport, "16-pratinjau-pelajaran")
    page.goto(f"{base}/pelatih/pratinjau/{SLUG}/kuis")
    visit(page, viewport, "17-pratinjau-kuis")


def test_the_path_works_without_javascript(live_server, new_page, course):
    """No page needs JavaScript: the same path with scripts switched off."""
    base = live_server
    page = new_page("phone", javascript=False)
    log_in(page, base, course["learner"])
    page.goto(f"{base}/modul/{SLUG}")
    page.get_by_role("link", name="Mulai belajar").click()
    for slug in ("inti", "penutup"):
        page.get_by_role("button", name="Tandai selesai").click()
        page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/{slug}")
    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(f"{base}/modul/{SLUG}/kuis")
    page.get_by_role("button", name="Mulai kuis").click()
    page.wait_for_url(re.compile(r".*/kuis/percobaan/\d+$"))
    for key, answer in course["answers"].items():
        fill(page, key, answer)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_load_state()
    assert " ".join(page.locator(".result-summary .big-number").inner_text().split()) == "100 dari 100"
    page.goto(f"{base}/modul/{SLUG}/selesai")
    assert page.get_by_role("heading", name="Selamat, Anda telah menyelesaikan modul ini!").is_visible()
