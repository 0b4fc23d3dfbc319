"""A quiz that tests, through the client: what a failed attempt shows, attempts and cooldown, extra attempts
granted (and audited), the draw frozen per attempt, and the time limit kept by the server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from lms.accounts.models import AuditLog, HrScope
from lms.quizzes.models import QuizAttempt, QuizAttemptGrant
from tests.certificates.factories import make_asn, make_opd
from tests.learning.helpers import answers_for, make_module, quiz_text, send_answers, start_quiz

# 00.30 WIB: the small hours in Semarang, when a day-bound bug would show.
NIGHT = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
EXPLANATION = "Semarang adalah ibu kota Provinsi Jawa Tengah."


def text_of(response) -> str:
    return response.get_data(as_text=True)


def attempts(db) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)))


def credential_quiz(**settings) -> str:
    """The test quiz with a credential's settings (the parser's defaults) unless a test names others."""
    values = {"max_attempts": 3, "retry_after_minutes": 30, "show": "after_pass", **settings}
    return quiz_text(**values)


@pytest.fixture
def traveller():
    with time_machine.travel(NIGHT, tick=False) as clock:
        yield clock


def test_a_failed_attempt_shows_score_and_topics_but_no_answers(login_as, db, tmp_path, traveller):
    body = "## Ibu kota Provinsi Jawa Tengah adalah?\ngroup: Geografi Jawa Tengah\n- [x] Semarang\n- [ ] Surakarta\n"
    body += f"> {EXPLANATION}\n"
    quiz = credential_quiz(questions=(body, "multiple", "short", "leaf"))
    module = make_module(tmp_path, "kredensial", quiz=quiz)
    b, _ = login_as("peserta")
    url = start_quiz(b, "kredensial")
    send_answers(b, url, answers_for(module, right=("multiple",)))
    page = text_of(b.get(url))
    assert "25 <span>dari 100</span>" in page and "1 dari 4 soal benar" in page
    # Her only question on that topic was wrong: naming the topic would say so, so the page asks her to
    # study the module again instead (topics_to_revisit lists a topic drawn twice or more).
    assert "Geografi Jawa Tengah" not in page and "Pelajari kembali pelajaran-pelajaran modul ini" in page
    for leak in (EXPLANATION, "Penjelasan", "Jawaban benar", "Jawaban yang diterima", 'badge-done">Benar', "is-wrong"):
        assert leak not in page, leak
    assert "Jawaban yang benar tampil setelah Anda lulus" in page

    # After a pass, every attempt's result may show the answers and explanations (after_pass).
    traveller.shift(timedelta(minutes=31))
    second = start_quiz(b, "kredensial")
    send_answers(b, second, answers_for(module))
    assert EXPLANATION in text_of(b.get(second)) and EXPLANATION in text_of(b.get(url))
    assert "Jawaban benar:" in text_of(b.get(url)) and "Salah" in text_of(b.get(url))


def test_after_last_attempt_reveals_only_when_attempts_run_out(login_as, db, tmp_path):
    module = make_module(
        tmp_path, "terakhir", quiz=credential_quiz(max_attempts=2, retry_after_minutes=0, show="after_last_attempt")
    )
    b, _ = login_as("peserta")
    first = start_quiz(b, "terakhir")
    send_answers(b, first, answers_for(module, right=()))
    assert EXPLANATION not in text_of(b.get(first))
    send_answers(b, start_quiz(b, "terakhir"), answers_for(module, right=()))
    assert EXPLANATION in text_of(b.get(first))


def test_never_hides_answers_even_after_a_pass(login_as, db, tmp_path):
    module = make_module(tmp_path, "rahasia", quiz=credential_quiz(show="never"))
    b, _ = login_as("peserta")
    url = start_quiz(b, "rahasia")
    send_answers(b, url, answers_for(module))
    page = text_of(b.get(url))
    assert "Lulus" in page and EXPLANATION not in page and "Jawaban benar" not in page


def test_cooldown_after_a_failed_attempt_is_counted_on_the_server(login_as, db, tmp_path, traveller):
    module = make_module(tmp_path, "jeda", quiz=credential_quiz())
    b, _ = login_as("peserta")
    send_answers(b, start_quiz(b, "jeda"), answers_for(module, right=()))
    page = text_of(b.get("/modul/jeda/kuis"))
    # Submitted 00.30 WIB on 5 December; the next attempt from 01.00 WIB.
    assert "Percobaan berikutnya dapat dimulai pada 5 Desember 2026, 01.00 WIB" in page
    assert "kuis/mulai" not in page
    response = b.post_form("/modul/jeda/kuis", {}, action="/modul/jeda/kuis/mulai")
    assert response.status_code == 400 and "01.00 WIB" in text_of(response)
    assert len(attempts(db)) == 1
    traveller.shift(timedelta(minutes=29, seconds=59))
    assert b.post_form("/modul/jeda/kuis", {}, action="/modul/jeda/kuis/mulai").status_code == 400
    traveller.shift(timedelta(seconds=1))
    start_quiz(b, "jeda")
    assert len(attempts(db)) == 2


def test_used_up_attempts_say_who_can_grant_more_and_a_trainer_grants_them(login_as, db, tmp_path):
    module = make_module(tmp_path, "habis", quiz=credential_quiz(max_attempts=1, retry_after_minutes=0))
    b, learner = login_as("peserta")
    url = start_quiz(b, "habis")
    send_answers(b, url, answers_for(module, right=()))
    for page in (text_of(b.get("/modul/habis/kuis")), text_of(b.get(url))):
        assert "sudah habis" in page and "HR (pengelola kepegawaian) OPD Anda, pelatih, atau admin" in page
    assert b.post_form("/modul/habis/kuis", {}, action="/modul/habis/kuis/mulai").status_code == 400
    assert b.get("/pelatih/kesempatan-kuis").status_code == 403

    trainer, trainer_user = login_as("pelatih")
    page = text_of(trainer.get(f"/pelatih/kesempatan-kuis?nip={learner.nip}"))
    assert "kesempatan habis" in page
    form = {"nip": learner.nip, "quiz_id": str(module.quiz.id), "extra": "1", "reason": "  gangguan   listrik "}
    empty = trainer.post_form(f"/pelatih/kesempatan-kuis?nip={learner.nip}", {**form, "reason": " "})
    assert empty.status_code == 400 and "Tuliskan alasan" in text_of(empty)
    too_many = trainer.post_form(f"/pelatih/kesempatan-kuis?nip={learner.nip}", {**form, "extra": "11"})
    assert too_many.status_code == 400 and "antara 1 dan 10" in text_of(too_many)
    assert db.session.scalar(select(QuizAttemptGrant)) is None
    response = trainer.post_form(f"/pelatih/kesempatan-kuis?nip={learner.nip}", form)
    assert response.status_code == 302
    grant = db.session.scalar(select(QuizAttemptGrant))
    assert (grant.user_id, grant.extra, grant.reason, grant.granted_by_id) == (
        learner.id,
        1,
        "gangguan listrik",
        trainer_user.id,
    )
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "quiz.attempts_granted"))
    assert (
        entry.actor_id == trainer_user.id and entry.target_user_id == learner.id and "gangguan listrik" in entry.summary
    )

    start_quiz(b, "habis")
    assert len(attempts(db)) == 2
    # Her own data export names the grant.
    from lms.accounts.personal_data import export_personal_data

    (exported,) = export_personal_data(learner)["kesempatan_kuis_tambahan"]
    assert (exported["modul"], exported["tambahan"], exported["alasan"]) == ("habis", 1, "gangguan listrik")


def test_hr_grants_from_the_person_page_only_within_her_scope(login_as, db, tmp_path):
    module = make_module(tmp_path, "hr", quiz=credential_quiz(max_attempts=1, retry_after_minutes=0))
    mijen, tugu = make_opd("Kecamatan Mijen"), make_opd("Kecamatan Tugu")
    learner = make_asn(opd=mijen)
    hr, hr_user = login_as("hr")
    db.session.add(HrScope(user_id=hr_user.id, opd_id=tugu.id))
    db.session.commit()
    form = {"quiz_id": str(module.quiz.id), "extra": "2", "reason": "Sakit saat ujian"}
    assert hr.get(f"/hr/asn/{learner.id}").status_code == 404
    outside = hr.post_form("/beranda", form, action=f"/hr/asn/{learner.id}/kesempatan-kuis")
    assert outside.status_code == 404 and db.session.scalar(select(QuizAttemptGrant)) is None
    db.session.get(HrScope, hr_user.id).opd_id = mijen.id
    db.session.commit()
    page = text_of(hr.get(f"/hr/asn/{learner.id}"))
    assert "Kesempatan kuis" in page and "belum pernah mengerjakan kuis" in page
    lb = login_learner(learner)
    send_answers(lb, start_quiz(lb, "hr"), answers_for(module, right=()))
    page = text_of(hr.get(f"/hr/asn/{learner.id}"))
    assert "kesempatan habis" in page and f"/hr/asn/{learner.id}/kesempatan-kuis" in page, page[
        page.find("grant-title") :
    ][:1500]
    response = hr.post_form(f"/hr/asn/{learner.id}", form, action=f"/hr/asn/{learner.id}/kesempatan-kuis")
    assert response.status_code == 302
    assert db.session.scalar(select(QuizAttemptGrant.extra)) == 2
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "quiz.attempts_granted")).actor_id == hr_user.id
    assert "kesempatan 3 (termasuk 2 tambahan)" in text_of(hr.get(f"/hr/asn/{learner.id}"))


def login_learner(user):
    from flask import current_app

    from tests.conftest import Browser

    browser = Browser(current_app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


BANK = "".join(f"## Soal bank nomor {n}?\ngroup: {'Topik A' if n <= 5 else 'Topik B'}\n= {n}\n" for n in range(1, 11))


def test_each_attempt_draws_pick_questions_frozen_and_a_retry_meets_new_ones(login_as, db, tmp_path):
    module = make_module(
        tmp_path, "undian", quiz=credential_quiz(questions=(BANK,), retry_after_minutes=0, extra="pick: 5\n")
    )
    b, _ = login_as("peserta")
    first_url = start_quiz(b, "undian")
    first_page = text_of(b.get(first_url))
    first_keys = set(re.findall(r'name="q-([0-9a-f]+)"', first_page))
    assert len(first_keys) == 5 and "5 soal · nilai minimal 70" in first_page
    (attempt,) = attempts(db)
    assert {q["key"] for q in attempt.snapshot["questions"]} == first_keys
    assert {q["group"] for q in attempt.snapshot["questions"]} == {"Topik A", "Topik B"}
    assert attempt.snapshot["bank_size"] == 10

    # An answer to a question outside her draw is ignored, not graded and not stored.
    drawn = {q["key"]: q["accepted"][0] for q in attempt.snapshot["questions"]}
    outside = next(f"q-{q.key}" for q in module.quiz.questions if q.key not in drawn)
    # (Every drawn answer wrong, so that she may try again: a pass ends the drawing.)
    send_answers(b, first_url, {**{f"q-{k}": "salah" for k in drawn}, outside: "1"})
    (attempt,) = attempts(db)
    assert attempt.score == 0 and set(attempt.answers) == set(drawn) and set(attempt.results) == set(drawn)

    db.session.commit()
    second_url = start_quiz(b, "undian")
    second_keys = set(re.findall(r'name="q-([0-9a-f]+)"', text_of(b.get(second_url))))
    assert len(second_keys) == 5 and not second_keys & first_keys


def test_the_time_limit_is_kept_by_the_server(login_as, db, tmp_path, traveller):
    module = make_module(tmp_path, "waktu", quiz=credential_quiz(extra="time_limit_minutes: 20\n"))
    b, _ = login_as("peserta")
    url = start_quiz(b, "waktu")
    page = text_of(b.get(url))
    assert "Batas waktu: 5 Desember 2026, 00.50 WIB" in page
    right = answers_for(module)
    saved = {k: v for k, v in right.items() if isinstance(v, str)}  # only the short answer, right
    traveller.shift(timedelta(minutes=19))
    send_answers(b, url, saved, action="save")
    traveller.shift(timedelta(minutes=2))
    response = send_answers(b, url, right)  # everything right, but a minute late
    assert response.status_code == 302
    (attempt,) = attempts(db)
    assert attempt.score == 25 and attempt.submitted_at == NIGHT + timedelta(minutes=20)
    assert set(attempt.answers) == {k.removeprefix("q-") for k in saved}
    late_page = text_of(b.get(url))
    assert "Batas waktu kuis sudah lewat" in late_page, re.sub(r"\s+", " ", late_page)[:3000]


def test_an_attempt_left_open_past_its_deadline_is_graded_on_what_was_saved(login_as, db, tmp_path, traveller):
    module = make_module(tmp_path, "lupa", quiz=credential_quiz(extra="time_limit_minutes: 10\n"))
    b, _ = login_as("peserta")
    url = start_quiz(b, "lupa")
    send_answers(b, url, answers_for(module), action="save")
    traveller.shift(timedelta(minutes=100))  # within the 120-minute idle limit of her session
    page = text_of(b.get("/modul/lupa/kuis"))
    (attempt,) = attempts(db)
    assert attempt.score == 100 and attempt.submitted_at == NIGHT + timedelta(minutes=10)
    assert "Lulus" in page
    # A save after the deadline saves nothing and changes nothing.
    assert send_answers(b, url, {}, action="save").status_code == 302
    assert attempts(db)[0].answers == attempt.answers


def test_the_trainers_module_page_links_to_the_grants_page(login_as, db):
    trainer, _ = login_as("pelatih")
    assert 'href="/pelatih/kesempatan-kuis"' in text_of(trainer.get("/pelatih/modul"))
    page = text_of(trainer.get("/pelatih/kesempatan-kuis?nip=199001012020121001"))
    assert "Pegawai dengan NIP itu tidak ditemukan" in page


def test_the_trainers_preview_shows_one_draw_of_pick_questions(login_as, db, tmp_path):
    make_module(tmp_path, "pratinjau-undian", quiz=credential_quiz(questions=(BANK,), extra="pick: 5\n"))
    trainer, _ = login_as("pelatih")
    page = text_of(trainer.get("/pelatih/pratinjau/pratinjau-undian/kuis?seed=7"))
    assert len(set(re.findall(r'name="q-([0-9a-f]+)"', page))) == 5


def test_once_passed_no_new_attempt_is_drawn_since_its_answers_would_be_shown(login_as, db, tmp_path):
    """after_pass shows the answers of every attempt: a new draw after the pass would hand her more of the bank."""
    module = make_module(tmp_path, "lulus", quiz=credential_quiz(retry_after_minutes=0))
    b, _ = login_as("peserta")
    send_answers(b, start_quiz(b, "lulus"), answers_for(module))
    refused = b.post_form("/modul/lulus/kuis", {}, action="/modul/lulus/kuis/mulai")
    assert refused.status_code == 400 and "Anda sudah lulus kuis ini" in text_of(refused)
    assert len(attempts(db)) == 1
    page = text_of(b.get("/modul/lulus/kuis"))
    assert "Anda sudah lulus kuis ini" in page and "/kuis/mulai" not in page and "sudah habis" not in page


def test_nobody_grants_extra_attempts_to_herself(login_as, db, tmp_path):
    module = make_module(tmp_path, "sendiri", quiz=credential_quiz(max_attempts=1, retry_after_minutes=0))
    trainer, trainer_user = login_as("pelatih", "peserta")
    send_answers(trainer, start_quiz(trainer, "sendiri"), answers_for(module, right=()))
    form = {"nip": trainer_user.nip, "quiz_id": str(module.quiz.id), "extra": "5", "reason": "coba lagi"}
    response = trainer.post_form(f"/pelatih/kesempatan-kuis?nip={trainer_user.nip}", form)
    assert response.status_code == 403 and "diri sendiri" in text_of(response)
    assert db.session.scalar(select(QuizAttemptGrant)) is None
