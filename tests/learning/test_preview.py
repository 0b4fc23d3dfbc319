"""Trainers preview any module — published or not — exactly as a learner sees it, recording nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from tests.learning.helpers import make_module

PREVIEW_URLS = [
    "/pelatih/pratinjau/draf",
    "/pelatih/pratinjau/draf/pelajaran/pengantar",
    "/pelatih/pratinjau/draf/kuis",
]


@pytest.fixture
def draft(db, tmp_path):
    return make_module(tmp_path, "draf", title="Modul Draf", published=False)


def nothing_recorded(db) -> bool:
    return all(
        db.session.scalar(select(func.count()).select_from(model)) == 0
        for model in (Enrolment, LessonProgress, Completion, QuizAttempt)
    )


@pytest.mark.parametrize("role", ["pelatih", "admin"])
def test_trainer_previews_an_unpublished_module_with_a_banner(login_as, draft, db, role):
    b, _ = login_as(role)
    for url in PREVIEW_URLS:
        response = b.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "Pratinjau" in html and "Progres tidak dicatat" in html
    module_page = b.get(PREVIEW_URLS[0]).get_data(as_text=True)
    assert "Selesaikan 3 pelajaran dan lulus kuis dengan nilai minimal 70." in module_page
    assert 'href="/pelatih/pratinjau/draf/pelajaran/pengantar"' in module_page
    assert 'href="/pelatih/pratinjau/draf/kuis"' in module_page
    lesson = b.get(PREVIEW_URLS[1]).get_data(as_text=True)
    assert "Bagian penting" in lesson and "/selesai" not in lesson  # no "Tandai selesai" form
    assert nothing_recorded(db)


def test_trainers_module_list_links_to_the_preview(login_as, draft):
    b, _ = login_as("pelatih")
    page = b.get("/pelatih/modul").get_data(as_text=True)
    assert 'href="/pelatih/pratinjau/draf"' in page


def test_preview_quiz_grades_without_storing(login_as, draft, db):
    from tests.learning.helpers import answers_for

    b, _ = login_as("pelatih")
    response = b.post_form(PREVIEW_URLS[2], answers_for(draft), action=PREVIEW_URLS[2] + "?seed=5")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'big-number">100 <span>dari 100</span><' in html
    assert "Pratinjau" in html and "Semarang adalah ibu kota" in html
    bad = b.post_form(PREVIEW_URLS[2], {f"q-{'0' * 12}": "x", **{k: "zzz" for k in answers_for(draft)}})
    assert bad.status_code == 400
    assert nothing_recorded(db)


@pytest.mark.parametrize("url", PREVIEW_URLS)
def test_learners_cannot_preview(login_as, draft, client, url):
    b, _ = login_as("peserta")
    assert b.get(url).status_code == 403
    hr, _ = login_as("hr")
    assert hr.get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_preview_of_an_unknown_module_is_404(login_as, db):
    b, _ = login_as("pelatih")
    assert b.get("/pelatih/pratinjau/tidak-ada").status_code == 404
    assert b.get("/pelatih/pratinjau/tidak-ada/kuis").status_code == 404
