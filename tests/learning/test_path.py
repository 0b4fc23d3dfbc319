"""The learner's path through the client: Beranda, Katalog, module, lessons, quiz, completion, Riwayat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lms import dates
from lms.content.models import Module
from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.learning.signals import module_completed
from lms.quizzes.models import QuizAttempt
from tests.learning.helpers import (
    answers_for,
    lesson_file,
    lesson_url,
    make_module,
    mark_done,
    send_answers,
    start_quiz,
)


@pytest.fixture
def module(db, tmp_path) -> Module:
    return make_module(tmp_path / "content")


@pytest.fixture
def received():
    """Completions sent through `module_completed` during the test."""
    seen = []

    def receiver(completion, **_):
        seen.append(completion)

    module_completed.connect(receiver)
    yield seen
    module_completed.disconnect(receiver)


def count(db, model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_home_redirects_to_beranda_which_invites_a_new_learner_to_the_catalogue(login_as, module):
    b, user = login_as("peserta")
    response = b.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/beranda")
    page = text_of(b.get("/beranda"))
    assert "Mulai belajar" in page and 'href="/katalog"' in page
    assert "JP tahun" in page and "0 <span>dari target 20 JP</span>" in page
    assert 'aria-current="page"' in page  # Beranda is the current menu entry


def test_whole_path_from_catalogue_to_riwayat(login_as, module, db, received):
    b, user = login_as("peserta")

    catalogue = text_of(b.get("/katalog"))
    assert "Dasar Digital untuk ASN" in catalogue and "3 JP" in catalogue and "Belum dimulai" in catalogue
    assert "Waktu belajar ± 2 jam 19 menit" in catalogue  # three lessons of 45 minutes (its 3 JP), a 4-question quiz

    page = text_of(b.get("/modul/dasar-digital"))
    assert "Selesaikan 3 pelajaran dan lulus kuis dengan nilai minimal 70." in page
    assert "Mulai belajar" in page and lesson_url("dasar-digital", "pengantar") in page
    assert "Belum dikerjakan" in page
    assert count(db, Enrolment) == 0  # looking is not enrolling

    lesson = b.get(lesson_url("dasar-digital", "pengantar"))
    assert lesson.status_code == 200
    html = text_of(lesson)
    assert "<h2 id=" in html and "Bagian penting" in html  # the HTML rendered at sync, unescaped
    assert "Tandai selesai" in html and "Pelajaran 1 dari 3" in html
    assert count(db, Enrolment, user_id=user.id) == 1  # opening the first lesson enrolled her

    response = mark_done(b, "dasar-digital", "pengantar")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(lesson_url("dasar-digital", "inti"))
    assert count(db, LessonProgress, user_id=user.id) == 1
    assert "Sedang dipelajari · 33%" in text_of(b.get("/katalog"))

    mark_done(b, "dasar-digital", "inti")
    response = mark_done(b, "dasar-digital", "penutup")
    # Every lesson done but the quiz not passed yet: on to the quiz.
    assert response.headers["Location"].endswith("/modul/dasar-digital/kuis")
    assert count(db, Completion) == 0

    # A failed attempt: no completion.
    attempt = start_quiz(b, "dasar-digital")
    response = send_answers(b, attempt, answers_for(module, right=("single", "short")))
    assert response.status_code == 302
    result = text_of(b.get(attempt))
    assert 'big-number">50 <span>dari 100</span><' in result and "Belum lulus" in result and "Coba lagi" in result
    assert count(db, Completion) == 0 and received == []

    # A passed attempt completes the module.
    failed, attempt = attempt, start_quiz(b, "dasar-digital")
    assert attempt != failed
    send_answers(b, attempt, answers_for(module, right=("single", "multiple", "short")))
    result = text_of(b.get(attempt))
    assert 'big-number">75 <span>dari 100</span><' in result and "Lulus" in result
    assert "Selamat! Anda lulus kuis dan telah menyelesaikan modul ini." in result
    completion = db.session.scalar(select(Completion))
    assert (completion.user_id, completion.score, completion.jp, completion.module_version) == (user.id, 75, 3, 1)
    assert received == [completion]

    done = text_of(b.get("/modul/dasar-digital/selesai"))
    assert "Selamat, Anda telah menyelesaikan modul ini!" in done and "3 JP" in done

    history = text_of(b.get("/riwayat"))
    year = dates.this_year()  # the office's year, also between 17:00 and 24:00 UTC on 31 December
    assert f"{year} <span" in history and "Dasar Digital untuk ASN" in history and "75" in history

    home = text_of(b.get("/beranda"))
    assert "3 <span>dari target 20 JP</span>" in home and "Sudah selesai" in home
    assert "Kurang 17 JP lagi" in home

    module_page = text_of(b.get("/modul/dasar-digital"))
    assert "Anda telah menyelesaikan modul ini" in module_page and "Lulus" in module_page


def test_completion_is_recorded_once_whatever_she_clicks_afterwards(login_as, module, db, received):
    b, user = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "dasar-digital", slug)
    send_answers(b, start_quiz(b, "dasar-digital"), answers_for(module))
    first = db.session.scalar(select(Completion))
    assert first.score == 100 and len(received) == 1
    recorded = (first.id, first.completed_at, first.score)

    mark_done(b, "dasar-digital", "penutup")  # again
    # Passed, she draws no new attempt: the quiz refuses, and nothing about the completion changes.
    refused = b.post_form("/modul/dasar-digital/kuis", {}, action="/modul/dasar-digital/kuis/mulai")
    assert refused.status_code == 400
    db.session.expire_all()
    assert count(db, Completion) == 1
    again = db.session.scalar(select(Completion))
    assert (again.id, again.completed_at, again.score) == recorded
    assert len(received) == 1
    assert count(db, LessonProgress, user_id=user.id) == 3


def test_a_module_without_quiz_completes_with_its_last_lesson(login_as, db, tmp_path, received):
    make_module(tmp_path, "tanpa-kuis", title="Modul Mandiri", with_quiz=False)
    b, _ = login_as("peserta")
    page = text_of(b.get("/modul/tanpa-kuis"))
    assert "Selesaikan 3 pelajaran." in page and "quiz-panel" not in page
    mark_done(b, "tanpa-kuis", "pengantar")
    mark_done(b, "tanpa-kuis", "penutup")  # out of order is fine
    response = mark_done(b, "tanpa-kuis", "inti")
    assert response.headers["Location"].endswith("/modul/tanpa-kuis/selesai")
    completion = db.session.scalar(select(Completion))
    assert completion.score is None and completion.jp == 3
    assert len(received) == 1
    assert "Selamat! Anda telah menyelesaikan modul ini." in text_of(b.get("/modul/tanpa-kuis/selesai"))


def test_resume_exactly_where_she_stopped_across_logouts(login_as, module, browser):
    b, user = login_as("peserta")
    mark_done(b, "dasar-digital", "pengantar")
    b.get(lesson_url("dasar-digital", "inti"))  # opened, not finished
    b.logout()

    browser.login(user.nip)
    home = text_of(browser.get("/beranda"))
    assert "Lanjutkan belajar" in home
    assert f'href="{lesson_url("dasar-digital", "inti")}"' in home and "Materi Inti" in home
    assert "1 dari 3 pelajaran selesai" in home
    module_page = text_of(browser.get("/modul/dasar-digital"))
    assert "Lanjutkan: Materi Inti" in module_page

    # Finishing "inti" moves the card to the next unfinished lesson.
    mark_done(browser, "dasar-digital", "inti")
    browser.get("/beranda")
    assert f'href="{lesson_url("dasar-digital", "penutup")}"' in text_of(browser.get("/beranda"))


def test_continue_card_follows_the_module_touched_last(login_as, db, tmp_path):
    make_module(tmp_path, "modul-a", title="Modul A")
    make_module(tmp_path, "modul-b", title="Modul B")
    b, _ = login_as("peserta")
    b.get(lesson_url("modul-a", "inti"))
    b.get(lesson_url("modul-b", "penutup"))
    home = text_of(b.get("/beranda"))
    assert f'href="{lesson_url("modul-b", "penutup")}"' in home
    b.get(lesson_url("modul-a", "pengantar"))
    home = text_of(b.get("/beranda"))
    assert f'href="{lesson_url("modul-a", "pengantar")}"' in home
    assert home.count("module-card") == 2  # both in progress


def test_when_every_lesson_is_done_the_card_leads_to_the_quiz(login_as, module):
    b, _ = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "dasar-digital", slug)
    home = text_of(b.get("/beranda"))
    assert 'href="/modul/dasar-digital/kuis"' in home and "Kerjakan kuis" in home


def test_marking_a_lesson_done_twice_changes_nothing(login_as, module, db):
    b, user = login_as("peserta")
    assert mark_done(b, "dasar-digital", "inti").status_code == 302
    first = db.session.scalar(select(LessonProgress)).completed_at
    assert mark_done(b, "dasar-digital", "inti").status_code == 302
    db.session.expire_all()
    assert count(db, LessonProgress) == 1
    assert db.session.scalar(select(LessonProgress)).completed_at == first
    assert "Anda sudah menyelesaikan pelajaran ini." in text_of(b.get(lesson_url("dasar-digital", "inti")))


def test_lesson_page_has_previous_and_next(login_as, module):
    b, _ = login_as("peserta")
    first = text_of(b.get(lesson_url("dasar-digital", "pengantar")))
    assert 'rel="next" href="/modul/dasar-digital/pelajaran/inti"' in first and 'rel="prev"' not in first
    middle = text_of(b.get(lesson_url("dasar-digital", "inti")))
    assert 'rel="prev" href="/modul/dasar-digital/pelajaran/pengantar"' in middle
    assert 'rel="next" href="/modul/dasar-digital/pelajaran/penutup"' in middle
    last = text_of(b.get(lesson_url("dasar-digital", "penutup")))
    assert 'rel="next"' not in last and "Kembali ke modul" in last


def test_catalogue_search_and_filters(login_as, db, tmp_path):
    make_module(tmp_path, "literasi", title="Literasi Digital", category="Literasi Digital", level="dasar")
    make_module(
        tmp_path,
        "keamanan",
        title="Keamanan Siber",
        summary="Phishing dan kata sandi.",
        category="Keamanan",
        level="menengah",
        tags=("mfa", "pdp"),
    )
    make_module(tmp_path, "draf", title="Modul Draf Rahasia", published=False)
    b, _ = login_as("peserta")

    def titles(query: str) -> set[str]:
        page = text_of(b.get("/katalog" + query))
        return {t for t in ("Literasi Digital", "Keamanan Siber", "Modul Draf Rahasia") if f">{t}</a>" in page}

    assert titles("") == {"Literasi Digital", "Keamanan Siber"}  # never an unpublished module
    assert titles("?q=phishing") == {"Keamanan Siber"}  # summary
    assert titles("?q=MFA") == {"Keamanan Siber"}  # tags, any case
    assert titles("?q=siber+kata") == {"Keamanan Siber"}  # every word must match
    assert titles("?q=siber+literasi") == set()
    assert titles("?q=rahasia") == set()
    assert titles("?q=%25") == set()  # a LIKE wildcard is a plain character
    assert titles("?kategori=Keamanan") == {"Keamanan Siber"}
    assert titles("?tingkat=dasar") == {"Literasi Digital"}
    assert titles("?tingkat=bogus") == {"Literasi Digital", "Keamanan Siber"}  # an unknown level is ignored
    page = text_of(b.get("/katalog"))
    assert '<label for="q">' in page and '<label for="kategori">' in page and '<label for="tingkat">' in page
    assert "Tingkat: Menengah" in page


def test_catalogue_pages_count_every_match_and_take_like_characters_literally(login_as, db, tmp_path, monkeypatch):
    from lms.learning import queries

    monkeypatch.setattr(queries, "CATALOGUE_PAGE_SIZE", 2)
    for n in range(3):
        make_module(tmp_path, f"modul-{n}", title=f"Modul {n}", with_quiz=False)
    make_module(tmp_path, "garis", title="Garis_bawah/miring", with_quiz=False)
    b, _ = login_as("peserta")
    first, second, past = (text_of(b.get(f"/katalog?page={n}")) for n in (1, 2, 9))
    assert "4 modul ditemukan" in first and "Halaman 1 dari 2" in first and ">Garis_bawah/miring</a>" in first
    assert "4 modul ditemukan" in second and "Halaman 2 dari 2" in second and ">Modul 2</a>" in second
    assert "4 modul ditemukan" in past and "Tidak ada modul yang cocok" in past  # past the last page
    for word in ("_", "/", "s_b"):
        page = text_of(b.get("/katalog", query_string={"q": word}))
        assert "1 modul ditemukan" in page and ">Garis_bawah/miring</a>" in page, word
    assert "0 modul ditemukan" in text_of(b.get("/katalog?q=modul_0"))  # not "Modul 0": _ is no wildcard


def test_catalogue_shows_her_status_on_each_module(login_as, db, tmp_path):
    make_module(tmp_path, "modul-a", title="Modul A", with_quiz=False)
    make_module(tmp_path, "modul-b", title="Modul B")
    make_module(tmp_path, "modul-c", title="Modul C")
    b, _ = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "modul-a", slug)
    mark_done(b, "modul-b", "inti")
    page = text_of(b.get("/katalog"))
    a, rest = page.split(">Modul B</a>")
    bpart, cpart = rest.split(">Modul C</a>")
    assert "Selesai" in a and "Sedang dipelajari · 33%" in bpart and "Belum dimulai" in cpart


@pytest.mark.parametrize(
    "url",
    [
        "/modul/tidak-ada",
        "/modul/tidak-ada/pelajaran/pengantar",
        "/modul/dasar-digital/pelajaran/tidak-ada",
        "/modul/dasar-digital/pelajaran/../module",
        "/modul/tidak-ada/kuis",
        "/modul/tidak-ada/selesai",
        "/kuis/percobaan/999",
    ],
)
def test_unknown_module_or_lesson_is_the_404_page(login_as, module, url):
    b, _ = login_as("peserta")
    response = b.get(url)
    assert response.status_code == 404
    assert "<h1>Halaman tidak ditemukan</h1>" in text_of(response)


def test_a_lesson_slug_that_does_not_exist_is_refused_on_post_too(login_as, module, db):
    b, _ = login_as("peserta")
    b.get(lesson_url("dasar-digital", "pengantar"))
    response = b.post_form(
        lesson_url("dasar-digital", "pengantar"), {}, action=lesson_url("dasar-digital", "tidak-ada") + "/selesai"
    )
    assert response.status_code == 404
    assert count(db, LessonProgress) == 0


def test_unpublished_module_keeps_her_progress_with_a_notice(login_as, db, tmp_path):
    root = tmp_path / "content"
    make_module(root, "dasar-digital")
    b, user = login_as("peserta")
    other, _ = login_as("peserta")
    mark_done(b, "dasar-digital", "pengantar")

    make_module(root, "dasar-digital", published=False)  # the trainer unpublishes it

    page = b.get("/modul/dasar-digital")
    assert page.status_code == 200
    html = text_of(page)
    assert "Modul ini sedang tidak diterbitkan." in html and "Progres Anda tetap tersimpan" in html
    assert "1 dari 3 pelajaran selesai" in html
    lesson = b.get(lesson_url("dasar-digital", "inti"))
    assert lesson.status_code == 200 and "Modul ini sedang tidak diterbitkan." in text_of(lesson)
    assert mark_done(b, "dasar-digital", "inti").status_code == 302
    assert count(db, LessonProgress, user_id=user.id) == 2
    assert "Tidak lagi diterbitkan" in text_of(b.get("/beranda"))

    # Somebody who never started it cannot open it, and nobody finds it in the catalogue.
    assert other.get("/modul/dasar-digital").status_code == 404
    assert other.get(lesson_url("dasar-digital", "pengantar")).status_code == 404
    assert count(db, Enrolment) == 1
    assert "Dasar Digital" not in text_of(b.get("/katalog"))


def test_archived_module_keeps_her_progress_with_a_notice(login_as, db, tmp_path):
    root = tmp_path / "content"
    make_module(root, "dasar-digital")
    b, _ = login_as("peserta")
    mark_done(b, "dasar-digital", "pengantar")
    db.session.scalar(select(Module)).is_archived = True
    db.session.commit()
    html = text_of(b.get("/modul/dasar-digital"))
    assert "Modul ini sudah ditarik dari katalog." in html and "1 dari 3 pelajaran selesai" in html


def test_jp_this_year_against_the_target_of_her_employee_type(app, login_as, db, tmp_path):
    make_module(tmp_path, "modul-a", jp=5, with_quiz=False)
    make_module(tmp_path, "modul-b", jp=7, with_quiz=False)
    b, user = login_as("peserta", nip="199001012022212001")  # an NI PPPK
    assert user.employee_type == "PPPK"
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "modul-a", slug)
        mark_done(b, "modul-b", slug)
    # modul-b was completed last year: it counts for that year only.
    last_year = datetime(dates.this_year() - 1, 6, 1, tzinfo=UTC)
    completion_b = db.session.scalar(select(Completion).join(Module).where(Module.slug == "modul-b"))
    completion_b.completed_at = last_year
    db.session.commit()

    app.config["JP_TARGET_PPPK"] = 24
    try:
        home = text_of(b.get("/beranda"))
    finally:
        app.config["JP_TARGET_PPPK"] = 20
    assert "5 <span>dari target 24 JP</span>" in home and "(PPPK)" in home
    history = text_of(b.get("/riwayat"))
    this_year, previous = history.split(f"{last_year.year} <span")
    assert f'{last_year.year + 1} <span class="year-total">· 5 JP' in this_year
    assert "· 7 JP" in previous


def test_jp_target_reached(login_as, db, tmp_path):
    make_module(tmp_path, "besar", jp=20, with_quiz=False)
    b, _ = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "besar", slug)
    assert "Target JP tahunan Anda sudah tercapai." in text_of(b.get("/beranda"))


def test_the_signal_fires_inside_the_transaction(login_as, db, tmp_path):
    """A receiver's writes commit with the completion; a receiver that fails takes the completion with it."""
    from lms.accounts.models import AuditLog
    from lms.extensions import db as _db

    make_module(tmp_path, "modul-a", with_quiz=False)
    b, user = login_as("peserta")

    def writes(completion, **_):
        assert completion.id is not None  # flushed, so a receiver can refer to it
        _db.session.add(AuditLog(action="test.completed", summary=f"completion {completion.id}"))

    def fails(completion, **_):
        raise RuntimeError("the certificate could not be issued")

    module_completed.connect(fails)
    try:
        mark_done(b, "modul-a", "pengantar")
        mark_done(b, "modul-a", "inti")
        response = mark_done(b, "modul-a", "penutup")
    finally:
        module_completed.disconnect(fails)
    assert response.status_code == 500
    db.session.rollback()
    assert count(db, Completion) == 0
    assert count(db, LessonProgress) == 2  # the failed request wrote nothing, not even its lesson

    module_completed.connect(writes)
    try:
        assert mark_done(b, "modul-a", "penutup").status_code == 302
    finally:
        module_completed.disconnect(writes)
    db.session.rollback()
    assert count(db, Completion) == 1
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "test.completed")) is not None


def test_progress_never_exceeds_100_and_a_new_lesson_does_not_undo_completion(login_as, db, tmp_path, received):
    root = tmp_path / "content"
    make_module(root, "dasar-digital", with_quiz=False)
    b, user = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "dasar-digital", slug)
    assert count(db, Completion) == 1

    lessons = (
        lesson_file(1, "pengantar", "Pengantar"),
        lesson_file(2, "inti", "Materi Inti"),
        lesson_file(3, "tambahan", "Pelajaran Tambahan"),
        lesson_file(4, "penutup", "Penutup"),
    )
    make_module(root, "dasar-digital", lessons=lessons, with_quiz=False)
    page = text_of(b.get("/modul/dasar-digital"))
    assert "Anda telah menyelesaikan modul ini" in page
    assert "Ada pelajaran baru sejak Anda menyelesaikan modul ini." in page
    assert "Baru</span>" in page and "3 dari 4 pelajaran selesai (75%)" in page
    mark_done(b, "dasar-digital", "tambahan")
    page = text_of(b.get("/modul/dasar-digital"))
    assert "4 dari 4 pelajaran selesai (100%)" in page and "Baru</span>" not in page
    assert count(db, Completion) == 1 and len(received) == 1


def test_personal_data_export_holds_progress_attempts_and_completions(login_as, module, db):
    from lms.accounts.personal_data import export_personal_data

    b, user = login_as("peserta")
    for slug in ("pengantar", "inti", "penutup"):
        mark_done(b, "dasar-digital", slug)
    send_answers(b, start_quiz(b, "dasar-digital"), answers_for(module))
    data = export_personal_data(user)
    learning = data["pembelajaran"]
    assert [e["modul"] for e in learning["modul_diikuti"]] == ["dasar-digital"]
    assert {p["pelajaran"] for p in learning["pelajaran_selesai"]} == {"pengantar", "inti", "penutup"}
    assert learning["modul_selesai"][0]["nilai"] == 100 and learning["modul_selesai"][0]["jp"] == 3
    assert data["kuis"][0]["nilai"] == 100 and data["kuis"][0]["lulus"] is True
    assert count(db, QuizAttempt) == 1


LEARNER_URLS = [
    "/beranda",
    "/katalog",
    "/riwayat",
    "/modul/dasar-digital",
    lesson_url("dasar-digital", "pengantar"),
    "/modul/dasar-digital/selesai",
    "/modul/dasar-digital/kuis",
    "/kuis/percobaan/1",
]


@pytest.mark.parametrize("url", LEARNER_URLS)
def test_learner_pages_need_a_login(client, module, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/modul/dasar-digital/pelajaran/pengantar/selesai",
        "/modul/dasar-digital/kuis/mulai",
        "/kuis/percobaan/1",
    ],
)
def test_posts_need_a_login_and_a_csrf_token(client, login_as, module, db, url):
    assert client.post(url).status_code in (302, 400)
    b, _ = login_as("peserta")
    assert b.client.post(url).status_code == 400  # no CSRF token
    assert count(db, LessonProgress) == 0 and count(db, QuizAttempt) == 0


def test_learning_never_imports_quizzes_or_certificates():
    """Imports flow one way; learning hears of quizzes only through its requirement registry."""
    from pathlib import Path

    import lms.learning

    for path in Path(lms.learning.__file__).parent.glob("*.py"):
        source = path.read_text()
        assert "lms.quizzes" not in source and "lms.certificates" not in source, path.name


def test_finish_button_when_an_edit_left_nothing_to_do(login_as, db, tmp_path, received):
    """She passed the quiz and did two lessons; the trainer removed the third: one click completes it."""
    root = tmp_path / "content"
    module = make_module(root, "dasar-digital")
    b, _ = login_as("peserta")
    send_answers(b, start_quiz(b, "dasar-digital"), answers_for(module))
    mark_done(b, "dasar-digital", "pengantar")
    mark_done(b, "dasar-digital", "inti")
    assert "Selesaikan modul" not in text_of(b.get("/modul/dasar-digital"))
    response = b.post_form("/modul/dasar-digital", {}, action="/modul/dasar-digital/selesai")
    assert response.headers["Location"].endswith("/modul/dasar-digital")
    assert "Modul ini belum selesai." in text_of(b.get("/modul/dasar-digital"))

    make_module(root, "dasar-digital", lessons=(lesson_file(1, "pengantar", "A"), lesson_file(2, "inti", "B")))
    page = text_of(b.get("/modul/dasar-digital"))
    assert "Selesaikan 2 pelajaran dan lulus kuis" in page and "Selesaikan modul</button>" in page
    response = b.post_form("/modul/dasar-digital", {}, action="/modul/dasar-digital/selesai")
    assert response.headers["Location"].endswith("/modul/dasar-digital/selesai")
    completion = db.session.scalar(select(Completion))
    assert (completion.score, completion.module_version) == (100, 2) and len(received) == 1
    assert "Selesaikan modul</button>" not in text_of(b.get("/modul/dasar-digital"))
    again = b.post_form("/modul/dasar-digital", {}, action="/modul/dasar-digital/selesai")
    assert again.headers["Location"].endswith("/modul/dasar-digital/selesai") and len(received) == 1


def test_pages_in_english(login_as, module):
    b, _ = login_as("peserta")
    assert b.post_form("/beranda", {"lang": "en", "next": "/beranda"}, action="/bahasa").status_code == 302
    page = text_of(b.get("/modul/dasar-digital"))
    assert "Complete 3 lessons and pass the quiz with a score of at least 70." in page
    assert "Start learning" in page
    assert "Mark as done" in text_of(b.get(lesson_url("dasar-digital", "pengantar")))
    assert "Continue learning" in text_of(b.get("/beranda"))
    assert "Level: Basic" in text_of(b.get("/katalog"))
