"""Recertification: once a certificate's validity (certificate_valid_months) has ended it shows as
*kedaluwarsa*, the module page offers to take the module again, and a new completion issues a new
certificate that counts JP in its own year (WIB) — once per module per year, and never again for a module
not repeatable for JP. The old completion and certificate stay in the history."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.content.models import Module
from lms.learning.models import Completion, Enrolment, LessonProgress
from tests.conftest import Browser, create_user
from tests.learning.helpers import answers_for, make_module, mark_done, send_answers, start_quiz

SLUG = "dasar-digital"
LESSONS = ("pengantar", "inti", "penutup")
MAY_2026 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 10:00 WIB
JULY_2027 = datetime(2027, 7, 6, 3, 0, tzinfo=UTC)
NOV_2026 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
NEW_YEAR_0030_WIB = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 1 January 2027 in Semarang
FEB_2027 = datetime(2027, 2, 10, 3, 0, tzinfo=UTC)
APRIL_2027 = datetime(2027, 4, 12, 3, 0, tzinfo=UTC)


def at(moment: datetime):
    return time_machine.travel(moment, tick=True)


def text(response) -> str:
    return response.get_data(as_text=True)


def module_with(db, tmp_path, *, valid_months: int, jp_repeatable: bool = True) -> Module:
    module = make_module(tmp_path / "content", SLUG, jp=3)
    module.certificate_valid_months = valid_months
    module.jp_repeatable = jp_repeatable
    db.session.commit()
    return module


def logged_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


def finish_module(browser, module: Module) -> None:
    """Every lesson done and the quiz passed, as she would click it."""
    for lesson in LESSONS:
        mark_done(browser, SLUG, lesson)
    attempt = start_quiz(browser, SLUG)
    send_answers(browser, attempt, answers_for(module))


def completions(db, user) -> list[Completion]:
    db.session.expire_all()
    return list(db.session.scalars(select(Completion).where(Completion.user_id == user.id).order_by(Completion.cycle)))


@pytest.fixture
def learner(db):
    return create_user(name="Dewi Lestari")


def test_an_expired_certificate_lets_her_take_the_module_again_and_counts_jp_in_its_own_year(
    app, db, tmp_path, learner
):
    module = module_with(db, tmp_path, valid_months=12)
    with at(MAY_2026):
        browser = logged_in(app, learner)
        finish_module(browser, module)
        page = text(browser.get(f"/modul/{SLUG}"))
        assert "Sertifikat berlaku sampai 4 Mei 2027." in page
        assert "Ikuti modul ini lagi" not in page
        # Too early: refused, and nothing changes.
        refused = browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        assert refused.status_code == 409
    [first] = completions(db, learner)
    assert (first.cycle, str(first.valid_until), first.counts_for_jp) == (1, "2027-05-04", True)

    with at(JULY_2027):
        browser = logged_in(app, learner)
        page = text(browser.get(f"/modul/{SLUG}"))
        assert "Sertifikat kedaluwarsa pada 4 Mei 2027 — Anda dapat mengikuti modul ini lagi." in page
        assert "Kedaluwarsa" in text(browser.get("/riwayat"))
        response = browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        assert response.status_code == 302
        page = text(browser.get(f"/modul/{SLUG}"))
        assert "Anda sedang mengikuti modul ini lagi" in page and "0 dari 3 pelajaran selesai" in page
        assert "Belum dikerjakan" in page  # the quiz passed in 2026 does not count for this cycle
        again = browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        assert again.status_code == 409 and "sudah mulai mengikuti modul ini lagi" in text(again)
        assert db.session.scalar(select(LessonProgress.id).where(LessonProgress.user_id == learner.id)) is None
        # Nothing done yet in this cycle: "Selesaikan modul" records nothing.
        finish = browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/selesai")
        assert finish.headers["Location"].endswith(f"/modul/{SLUG}")  # "not finished yet", not the old completion
        assert len(completions(db, learner)) == 1
        assert "Dasar Digital untuk ASN" in text(browser.get("/beranda")).split("Sedang dipelajari", 1)[1]

        finish_module(browser, module)
        first, second = completions(db, learner)
        assert (second.cycle, second.counts_for_jp, str(second.valid_until)) == (2, True, "2028-07-06")
        assert "Anda telah menyelesaikan modul ini" in text(browser.get(f"/modul/{SLUG}"))
        history = text(browser.get("/riwayat"))
        assert '2027 <span class="year-total">· 3 JP</span>' in history
        assert '2026 <span class="year-total">· 3 JP</span>' in history
        assert 'class="big-number">3 <span>' in text(browser.get("/beranda"))

        old, new = (
            db.session.scalar(select(Certificate).where(Certificate.completion_id == c.id)) for c in (first, second)
        )
        assert (old.number, new.number) == ("LMS/2026/000001", "LMS/2027/000001")
        assert old.completed_on.isoformat() == "2026-05-04" and old.status == "valid"  # history, untouched
        # The module's download gives the new certificate; Riwayat links the old one by itself.
        download = browser.get(f"/modul/{SLUG}/sertifikat.pdf")
        assert "LMS-2027-000001" in download.headers["Content-Disposition"]
        assert f'href="/sertifikat/{old.id}.pdf"' in history
        assert "LMS-2026-000001" in browser.get(f"/sertifikat/{old.id}.pdf").headers["Content-Disposition"]


def test_a_module_not_repeatable_for_jp_renews_the_certificate_but_not_the_jp(app, db, tmp_path, learner):
    module = module_with(db, tmp_path, valid_months=12, jp_repeatable=False)
    hr = create_user(roles=("hr",), name="Petugas HR")
    with at(MAY_2026):
        finish_module(logged_in(app, learner), module)
    with at(JULY_2027):
        browser = logged_in(app, learner)
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        finish_module(browser, module)
        _first, second = completions(db, learner)
        assert second.jp_exclusion == "counted_before"
        renewed = db.session.scalar(select(Certificate).where(Certificate.completion_id == second.id))
        assert renewed is not None
        # Its public page says the JP it states is not counted again (HR keys certificates into SIASN).
        verified = text(browser.get(f"/verifikasi/{renewed.verification_code}"))
        assert "JP dihitung" in verified and "Tidak dihitung: JP modul ini hanya dihitung sekali" in verified
        first_certificate = db.session.scalar(select(Certificate).where(Certificate.completion_id == _first.id))
        assert "JP dihitung" not in text(browser.get(f"/verifikasi/{first_certificate.verification_code}"))
        history = text(browser.get("/riwayat"))
        assert '2027 <span class="year-total">· 0 JP</span>' in history
        assert "Tidak dihitung: JP modul ini hanya dihitung sekali" in history
        desk = logged_in(app, hr)
        assert "JP tahun 2027: 0 dari target 20." in text(desk.get(f"/hr/asn/{learner.id}?tahun=2027"))
        assert "JP tahun 2026: 3 dari target 20." in text(desk.get(f"/hr/asn/{learner.id}?tahun=2026"))
        siasn = text(desk.get("/hr/siasn?format=csv&tahun=2027")).lstrip("\ufeff")
        assert len(list(csv.reader(io.StringIO(siasn), delimiter=";"))) == 1  # the header only


def test_renewed_in_the_same_year_counts_once_and_00_30_wib_on_1_january_is_the_new_year(app, db, tmp_path, learner):
    """Validity of one month: completed in November 2026, again at 00:30 WIB on 1 January 2027 (still
    2026 in UTC: a new year, so it counts), and again in April 2027 (the same year: not counted)."""
    module = module_with(db, tmp_path, valid_months=1)
    with at(NOV_2026):
        finish_module(logged_in(app, learner), module)
    for moment in (NEW_YEAR_0030_WIB, APRIL_2027):
        with at(moment):
            browser = logged_in(app, learner)
            assert browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi").status_code == 302
            finish_module(browser, module)
    first, second, third = completions(db, learner)
    assert [c.jp_exclusion for c in (first, second, third)] == [None, None, "same_year"]
    hr = create_user(roles=("hr",), name="Petugas HR")
    with at(APRIL_2027):
        desk = logged_in(app, hr)
        assert "JP tahun 2026: 3 dari target 20." in text(desk.get(f"/hr/asn/{learner.id}?tahun=2026"))
        assert "JP tahun 2027: 3 dari target 20." in text(desk.get(f"/hr/asn/{learner.id}?tahun=2027"))


def test_a_voided_completion_can_be_taken_again_and_the_new_one_counts(app, db, tmp_path, learner):
    from lms.certificates import services

    module = module_with(db, tmp_path, valid_months=24)
    with at(FEB_2027):
        finish_module(logged_in(app, learner), module)
        [first] = completions(db, learner)
        certificate = db.session.scalar(select(Certificate).where(Certificate.completion_id == first.id))
        services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Dikerjakan orang lain.")
        db.session.commit()
    with at(APRIL_2027):
        browser = logged_in(app, learner)
        page = text(browser.get(f"/modul/{SLUG}"))
        assert "Penyelesaian ini dinyatakan tidak sah, sehingga JP-nya tidak dihitung." in page
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        finish_module(browser, module)
        first, second = completions(db, learner)
        assert (first.jp_exclusion, second.jp_exclusion) == ("void", None)
        assert 'class="big-number">3 <span>' in text(browser.get("/beranda"))
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
        assert enrolment.cycle_started_at is not None


def test_a_new_cycle_starts_her_reading_time_from_zero(app, db, tmp_path, learner):
    """The reading time of the first cycle must not let the lessons of the new one be marked done unread."""
    from lms.certificates import services
    from lms.learning.models import LessonTime, LessonVisit

    module = module_with(db, tmp_path, valid_months=24)
    with at(FEB_2027):
        browser = logged_in(app, learner)
        browser.get(f"/modul/{SLUG}/{LESSONS[0]}")  # opens a lesson: a visit row
        finish_module(browser, module)
        [first] = completions(db, learner)
        certificate = db.session.scalar(select(Certificate).where(Certificate.completion_id == first.id))
        services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Dikerjakan orang lain.")
        db.session.add(LessonTime(user_id=learner.id, lesson_id=module.lessons[0].id, seconds=3600))
        db.session.commit()
    with at(APRIL_2027):
        browser = logged_in(app, learner)
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        db.session.expire_all()
        lesson_ids = [lesson.id for lesson in module.lessons]
        for model in (LessonTime, LessonVisit, LessonProgress):
            left = db.session.scalars(
                select(model).where(model.user_id == learner.id, model.lesson_id.in_(lesson_ids))
            ).all()
            assert left == [], model.__name__


def test_extra_attempts_granted_in_an_earlier_cycle_do_not_carry_over(app, db, tmp_path, learner):
    """Attempts and grants are both counted in her current cycle: a new cycle starts with the quiz's own limit."""
    from lms.certificates import services
    from lms.quizzes import queries as quiz_queries
    from lms.quizzes.models import QuizAttemptGrant

    module = module_with(db, tmp_path, valid_months=24)
    quiz = quiz_queries.current_quiz(module.id)
    with at(FEB_2027):
        finish_module(logged_in(app, learner), module)
        db.session.add(QuizAttemptGrant(user_id=learner.id, quiz_id=quiz.id, extra=2, reason="Gangguan listrik."))
        [first] = completions(db, learner)
        certificate = db.session.scalar(select(Certificate).where(Certificate.completion_id == first.id))
        services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Dikerjakan orang lain.")
        db.session.commit()
        assert quiz_queries.granted_attempts(learner.id, quiz.id) == 2
        assert quiz_queries.quiz_state(quiz, learner.id).granted == 2
    with at(APRIL_2027):
        browser = logged_in(app, learner)
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        db.session.expire_all()
        assert quiz_queries.granted_attempts(learner.id, quiz.id) == 0
        state = quiz_queries.quiz_state(quiz, learner.id)
        assert (state.attempts, state.granted) == ([], 0)


def test_jp_already_counted_stays_when_the_module_later_becomes_not_repeatable(app, db, tmp_path, learner):
    """A later sync that sets jp_repeatable: false must not take back JP already reported for past years."""
    module = module_with(db, tmp_path, valid_months=12)
    with at(MAY_2026):
        finish_module(logged_in(app, learner), module)
    with at(JULY_2027):
        browser = logged_in(app, learner)
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        finish_module(browser, module)
    module.jp_repeatable = False
    db.session.commit()
    with at(datetime(2028, 8, 1, 3, 0, tzinfo=UTC)):
        browser = logged_in(app, learner)
        browser.post_form(f"/modul/{SLUG}", {}, action=f"/modul/{SLUG}/ikuti-lagi")
        finish_module(browser, module)
        first, second, third = completions(db, learner)
        assert (first.jp_exclusion, second.jp_exclusion, third.jp_exclusion) == (None, None, "counted_before")
