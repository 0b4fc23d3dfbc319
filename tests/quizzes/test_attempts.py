"""Quiz attempts through the client: seed and order, no hint of the answers, saving, grading once, access."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.content.models import Module, Option, Question
from lms.learning.models import Completion
from lms.quizzes.models import QuizAttempt
from tests.learning.helpers import (
    answers_for,
    make_module,
    mark_done,
    quiz_text,
    send_answers,
    start_quiz,
    sync_folder,
    write_module,
)


@pytest.fixture
def module(db, tmp_path) -> Module:
    return make_module(tmp_path / "content")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def attempts(db) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)))


def question_order(html: str) -> list[str]:
    return re.findall(r'name="q-([0-9a-f]+)"', html)


def test_starting_records_time_seed_and_snapshot_and_a_reload_shows_the_same_order(login_as, module, db):
    b, user = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    (attempt,) = attempts(db)
    assert attempt.user_id == user.id and attempt.number == 1 and attempt.started_at is not None
    assert isinstance(attempt.seed, int) and attempt.submitted_at is None
    snapshot = attempt.snapshot
    assert snapshot["passing_score"] == 70 and snapshot["module_version"] == 1 and len(snapshot["questions"]) == 4
    assert all("explanation_html" in q and "options" in q for q in snapshot["questions"])

    first = text_of(b.get(url))
    assert without_csrf(text_of(b.get(url))) == without_csrf(first)
    # Starting again while this attempt is open resumes it rather than making another.
    assert start_quiz(b, "dasar-digital") == url
    assert len(attempts(db)) == 1


def test_the_page_gives_no_hint_of_the_right_answers(login_as, module, db):
    """Flip every answer in the attempt's snapshot: the page must not change by a single byte."""
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    before = without_csrf(text_of(b.get(url)))
    (attempt,) = attempts(db)
    snapshot = dict(attempt.snapshot)
    snapshot["questions"] = [
        {
            **q,
            "options": [{**o, "is_correct": not o["is_correct"]} for o in q["options"]],
            "accepted": ["sesuatu yang lain"],
            "explanation_html": "<p>PENJELASAN-RAHASIA</p>",
        }
        for q in snapshot["questions"]
    ]
    attempt.snapshot = snapshot
    db.session.commit()
    after = without_csrf(text_of(b.get(url)))
    assert after == before
    for leak in ("correct", "data-", "penjelasan-rahasia", "semarang adalah", "jam pelajaran", "<script", "klorofil"):
        assert leak not in after.lower()
    assert "checked" not in after


def test_answers_saved_part_way_are_kept_and_shown(login_as, module, db):
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    answers = answers_for(module)
    some = {k: v for k, v in answers.items() if isinstance(v, str)}  # only the short answer
    multiple = next(k for k, v in answers.items() if isinstance(v, list) and len(v) == 2)
    some[multiple] = answers[multiple]
    response = send_answers(b, url, some, action="save")
    assert response.status_code == 302 and response.headers["Location"].endswith(url + "#kirim")
    (attempt,) = attempts(db)
    assert attempt.submitted_at is None and attempt.saved_at is not None
    assert attempt.answers[multiple.removeprefix("q-")] and len(attempt.answers) == 2

    page = text_of(b.get(url))
    assert "Jawaban Anda tersimpan" in page
    assert page.count("checked") == 2 and 'value="Jp"' in page

    # Saving again replaces: an unticked box is no longer an answer.
    send_answers(b, url, {}, action="save")
    assert attempts(db)[0].answers == {}


def test_a_passed_result_shows_score_verdict_and_each_explanation(login_as, module, db):
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    send_answers(b, url, answers_for(module, right=("single", "multiple", "short")))
    (attempt,) = attempts(db)
    assert (attempt.score, attempt.passed) == (75, True) and attempt.submitted_at is not None
    assert sorted(attempt.results.values()) == [False, True, True, True]
    page = text_of(b.get(url))
    assert 'big-number">75 <span>dari 100</span><' in page and "Lulus · nilai minimal 70" in page
    assert "3 dari 4 soal benar." in page
    assert page.count('badge-done">Benar') == 3 and page.count('badge-fail">Salah') == 1
    for explanation in ("Semarang adalah ibu kota", "JP berarti jam pelajaran", "Daun hijau karena klorofil"):
        assert explanation in page
    assert "Jawaban Anda:" in page


def test_a_failed_result_offers_another_try(login_as, module, db):
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    send_answers(b, url, answers_for(module, right=()))
    page = text_of(b.get(url))
    assert 'big-number">0 <span>dari 100</span><' in page and "Belum lulus" in page and "Coba lagi" in page
    assert "tidak dijawab" not in page
    url2 = start_quiz(b, "dasar-digital")
    send_answers(b, url2, {})  # nothing answered at all
    page = text_of(b.get(url2))
    assert page.count("tidak dijawab") == 4
    quiz_page = text_of(b.get("/modul/dasar-digital/kuis"))
    assert "Percobaan ke-1" in quiz_page and "Percobaan ke-2" in quiz_page and "Coba lagi" in quiz_page


def test_submitting_twice_changes_nothing(login_as, module, db):
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    send_answers(b, url, answers_for(module, right=("single",)))
    (attempt,) = attempts(db)
    recorded = (attempt.score, attempt.passed, attempt.submitted_at, attempt.answers, attempt.results)
    first_page = without_csrf(text_of(b.get(url)))

    response = send_answers(b, url, answers_for(module))  # all right this time
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    response = send_answers(b, url, answers_for(module), action="save")
    assert response.status_code == 302
    (attempt,) = attempts(db)
    assert (attempt.score, attempt.passed, attempt.submitted_at, attempt.answers, attempt.results) == recorded
    page = text_of(b.get(url))
    assert "sudah dikirim dan dinilai; hasilnya tidak berubah" in page
    assert 'big-number">25 <span>dari 100</span><' in page
    assert without_csrf(text_of(b.get(url))) == first_page
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0


def test_only_the_owner_sees_or_answers_an_attempt(login_as, module, db):
    owner, _ = login_as("peserta")
    url = start_quiz(owner, "dasar-digital")
    for roles in (("peserta",), ("pelatih",), ("admin",), ("hr",)):
        other, _ = login_as(*roles)
        assert other.get(url).status_code == 404
        # A valid form from her own page, sent to the owner's attempt.
        own = start_quiz(other, "dasar-digital")
        for action in ("save", "submit"):
            response = other.post_form(own, {"action": action, **answers_for(module)}, action=url)
            assert response.status_code == 404
    owners = [a for a in attempts(db) if a.number == 1 and a.id == int(url.rsplit("/", 1)[1])]
    assert owners[0].answers == {} and owners[0].submitted_at is None


@pytest.mark.parametrize("action", ["save", "submit"])
def test_an_option_that_is_not_in_the_question_is_400_with_a_message(login_as, module, db, action):
    b, _ = login_as("peserta")
    url = start_quiz(b, "dasar-digital")
    answers = answers_for(module)
    single = db.session.scalar(select(Question).where(Question.kind == "single", Question.prompt_html.contains("Ibu")))
    foreign = db.session.scalar(select(Option).where(Option.question_id != single.id))
    for bad in ("tidak-ada", foreign.key):
        response = send_answers(b, url, {**answers, f"q-{single.key}": bad}, action=action)
        assert response.status_code == 400
        html = text_of(response)
        assert "bukan salah satu pilihan soal itu" in html and "Muat ulang halaman kuis" in html
    (attempt,) = attempts(db)
    assert attempt.answers == {} and attempt.submitted_at is None  # nothing half-saved


def test_max_attempts_is_enforced(login_as, db, tmp_path):
    module = make_module(tmp_path, "terbatas", quiz=quiz_text(max_attempts=2))
    b, _ = login_as("peserta")
    for _ in range(2):
        send_answers(b, start_quiz(b, "terbatas"), answers_for(module, right=()))
    page = text_of(b.get("/modul/terbatas/kuis"))
    assert "Kesempatan mengerjakan kuis ini sudah habis: 2 dari 2 percobaan" in page
    assert "kuis/mulai" not in page
    response = b.post_form("/modul/terbatas/kuis", {}, action="/modul/terbatas/kuis/mulai")
    assert response.status_code == 400 and "sudah habis" in text_of(response)
    assert len(attempts(db)) == 2
    module_page = text_of(b.get("/modul/terbatas"))
    assert "Sisa kesempatan</dt><dd>0" in module_page and "Belum lulus" in module_page


def test_an_attempt_submitted_after_max_attempts_is_used_up_is_refused(login_as, db, tmp_path):
    """Two attempts opened (e.g. by a race or an older version) when only one may be submitted."""
    module = make_module(tmp_path, "sekali", quiz=quiz_text(max_attempts=1))
    b, user = login_as("peserta")
    first = start_quiz(b, "sekali")
    (attempt,) = attempts(db)
    second = QuizAttempt(
        user_id=user.id,
        quiz_id=attempt.quiz_id,
        module_id=attempt.module_id,
        number=2,
        seed=7,
        passing_score=70,
        snapshot=attempt.snapshot,
        answers={},
    )
    db.session.add(second)
    db.session.commit()
    send_answers(b, first, answers_for(module, right=()))
    response = send_answers(b, f"/kuis/percobaan/{second.id}", answers_for(module))
    assert response.status_code == 400
    assert "sudah habis: 1 dari 1 percobaan" in text_of(response) and "tidak dinilai" in text_of(response)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, second.id).submitted_at is None
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0


def test_past_attempts_never_change_when_the_quiz_is_edited(login_as, db, tmp_path):
    root = tmp_path / "content"
    module = make_module(root, "dasar-digital")
    b, _ = login_as("peserta")
    done = start_quiz(b, "dasar-digital")
    send_answers(b, done, answers_for(module, right=("single",)))  # failed: she may try again
    open_url = start_quiz(b, "dasar-digital")
    answers = answers_for(module)
    before = without_csrf(text_of(b.get(done)))
    open_before = without_csrf(text_of(b.get(open_url)))

    # The trainer rewrites the quiz: another right answer, a removed and a new question, a higher bar.
    edited = quiz_text(
        (
            "## Ibu kota Provinsi Jawa Tengah adalah?\n- [ ] Semarang\n- [x] Surakarta\n- [ ] Magelang\n> Diubah.\n",
            "multiple",
            "## Soal yang baru ditambahkan?\n- [x] Ya\n- [ ] Tidak\n",
        ),
        passing_score=90,
    )
    sync_folder(write_module(root, "dasar-digital", quiz=edited))
    assert db.session.scalar(select(Module)).version == 2

    assert without_csrf(text_of(b.get(done))) == before
    assert without_csrf(text_of(b.get(open_url))) == open_before
    # The open attempt is graded against what it showed: all four of its questions, pass mark 70.
    send_answers(b, open_url, answers)
    graded = attempts(db)[1]
    assert (graded.score, graded.passed, graded.passing_score) == (100, True, 70)

    # A new attempt takes the quiz as it is now.
    b2, _ = login_as("peserta")
    fresh = attempts_after = start_quiz(b2, "dasar-digital")
    snapshot = attempts(db)[-1].snapshot
    assert snapshot["passing_score"] == 90 and len(snapshot["questions"]) == 3 and snapshot["module_version"] == 2
    assert "Soal yang baru ditambahkan" in text_of(b2.get(fresh)) and attempts_after


def test_quiz_pages_need_a_login(client, module):
    for url in ("/modul/dasar-digital/kuis", "/kuis/percobaan/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_module_without_quiz_has_no_quiz_page(login_as, db, tmp_path):
    make_module(tmp_path, "tanpa-kuis", with_quiz=False)
    b, _ = login_as("peserta")
    assert b.get("/modul/tanpa-kuis/kuis").status_code == 404
    response = b.post_form("/modul/tanpa-kuis", {}, action="/modul/tanpa-kuis/kuis/mulai")
    assert response.status_code == 404


def test_quiz_after_lessons_completes_the_module_once(login_as, module, db):
    b, _ = login_as("peserta")
    send_answers(b, start_quiz(b, "dasar-digital"), answers_for(module))  # passed first
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    for slug in ("pengantar", "inti"):
        mark_done(b, "dasar-digital", slug)
    response = mark_done(b, "dasar-digital", "penutup")
    assert response.headers["Location"].endswith("/modul/dasar-digital/selesai")
    completion = db.session.scalar(select(Completion))
    assert completion.score == 100
