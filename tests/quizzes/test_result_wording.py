"""What the quiz pages say: a score in the same unit as the pass mark, the quiz named once, and after a
pass that completes the module, the certificate one click away."""

from __future__ import annotations

import re

import pytest

from lms.content.models import Module
from tests.certificates.factories import make_opd
from tests.learning.helpers import answers_for, make_module, mark_done, send_answers, start_quiz

SLUG = "dasar-digital"
CERTIFICATE_URL = f"/modul/{SLUG}/sertifikat.pdf"


@pytest.fixture
def module(db, tmp_path) -> Module:
    return make_module(tmp_path / "content")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def summary_of(page: str) -> str:
    """The result card at the top (score, verdict, actions), without the review of each question."""
    return page.split('class="card result-summary', 1)[1].split("</section>", 1)[0]


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_score_is_in_points_like_the_pass_mark_not_a_percentage(login_as, module):
    b, _ = login_as("peserta")
    url = start_quiz(b, SLUG)
    send_answers(b, url, answers_for(module, right=("single", "multiple", "short")))
    summary = visible_text(summary_of(text_of(b.get(url))))
    assert "75 dari 100" in summary and "Lulus · nilai minimal 70" in summary
    assert "%" not in summary


def test_the_module_page_names_the_quiz_once(login_as, module):
    b, _ = login_as("peserta")
    page = text_of(b.get(f"/modul/{SLUG}"))
    heading = re.search(r'<h2 id="quiz-panel-title">(.*?)</h2>', page).group(1)
    assert heading == "Kuis Akhir"  # the quiz's own title, not "Kuis: Kuis Akhir"


def test_a_pass_that_completes_the_module_links_straight_to_the_certificate(login_as, module):
    b, _ = login_as("peserta", opd=make_opd())
    for lesson in ("pengantar", "inti", "penutup"):
        mark_done(b, SLUG, lesson)
    url = start_quiz(b, SLUG)
    send_answers(b, url, answers_for(module))
    summary = summary_of(text_of(b.get(url)))
    assert f'<a class="button button-primary" href="{CERTIFICATE_URL}">Unduh sertifikat (PDF)</a>' in summary
    assert "Lihat JP dan tanggal selesai" in summary and "Lihat tanda selesai modul" not in summary
    response = b.get(CERTIFICATE_URL)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_pass_before_the_lessons_are_done_says_what_is_left_and_offers_no_certificate(login_as, module):
    b, _ = login_as("peserta", opd=make_opd())
    url = start_quiz(b, SLUG)
    send_answers(b, url, answers_for(module))
    summary = visible_text(summary_of(text_of(b.get(url))))
    assert "Lulus" in summary
    assert "setelah semua pelajarannya juga ditandai selesai" in summary
    assert "Unduh sertifikat" not in summary
