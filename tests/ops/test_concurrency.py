"""50 learners at once marking lessons done and submitting quizzes: every write lands, none is a 5xx.

Each thread is one learner with a client of her own, going through the real pages (login, lesson,
"Tandai selesai", quiz start and submit), so the test covers SQLite's BEGIN IMMEDIATE and busy wait, and
PostgreSQL's row locks, as production meets them.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from tests.conftest import Browser, create_user
from tests.learning.helpers import (
    DEFAULT_LESSONS,
    answers_for,
    make_module,
    mark_done,
    send_answers,
    start_quiz,
)
from tests.ops.conftest import dispose, make_app

LEARNERS = 50
LESSON_SLUGS = [slug for _n, slug, *_rest in DEFAULT_LESSONS]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def busy_app(request, tmp_path):
    if request.param == "sqlite":
        app = make_app(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    else:
        app = make_app(request.getfixturevalue("throwaway_pg"))
    yield app
    dispose(app)


def test_fifty_learners_at_once_lose_no_write(busy_app, tmp_path):
    app = busy_app
    with app.app_context():
        module = make_module(tmp_path / "content")
        slug = module.slug
        answers = answers_for(module)
        users = [create_user() for _ in range(LEARNERS)]
        nips = {u.id: u.nip for u in users}
        db.session.remove()

    browsers = {}
    for user_id, nip in nips.items():
        browser = Browser(app.test_client())
        assert browser.login(nip).status_code == 302
        browsers[user_id] = browser

    statuses: Counter = Counter()
    failures: list[str] = []
    start = threading.Barrier(LEARNERS)
    lock = threading.Lock()

    def learner(browser: Browser) -> None:
        def record(step: str, response) -> None:
            with lock:
                statuses[response.status_code] += 1
                if response.status_code != 302:
                    failures.append(f"{step}: {response.status_code} {response.get_data(as_text=True)[:200]}")

        start.wait()
        for lesson_slug in LESSON_SLUGS:
            record(f"selesai {lesson_slug}", mark_done(browser, slug, lesson_slug))
        attempt_url = start_quiz(browser, slug)
        record("kirim kuis", send_answers(browser, attempt_url, answers))

    threads = [threading.Thread(target=learner, args=(b,)) for b in browsers.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a learner is still waiting after 120 s"

    assert not failures, failures[:5]
    assert statuses == Counter({302: LEARNERS * (len(LESSON_SLUGS) + 1)})
    with app.app_context():
        done = db.session.execute(select(LessonProgress.user_id, func.count()).group_by(LessonProgress.user_id)).all()
        assert dict(done) == {user_id: len(LESSON_SLUGS) for user_id in nips}
        submitted = db.session.scalars(
            select(QuizAttempt.user_id).where(QuizAttempt.submitted_at.is_not(None), QuizAttempt.passed.is_(True))
        ).all()
        assert sorted(submitted) == sorted(nips)
        completed = db.session.scalars(select(Completion.user_id)).all()
        assert sorted(completed) == sorted(nips)  # one completion each, none missing, none doubled
        db.session.remove()


def test_fifty_learners_opening_lessons_at_once_all_get_the_page(busy_app, tmp_path):
    """Opening a lesson writes (enrolment, "Lanjutkan belajar"): under concurrency it must wait for the
    lock, never answer 503/500 (on SQLite a read transaction turned into a write would fail at once)."""
    app = busy_app
    with app.app_context():
        slug = make_module(tmp_path / "content").slug
        nips = [create_user().nip for _ in range(LEARNERS)]
        db.session.remove()
    browsers = []
    for nip in nips:
        browser = Browser(app.test_client())
        assert browser.login(nip).status_code == 302
        browsers.append(browser)

    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(LEARNERS)

    def learner(browser: Browser) -> None:
        start.wait()
        for lesson_slug in LESSON_SLUGS:
            response = browser.get(f"/modul/{slug}/pelajaran/{lesson_slug}")
            with lock:
                statuses[response.status_code] += 1

    threads = [threading.Thread(target=learner, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == Counter({200: LEARNERS * len(LESSON_SLUGS)})
    with app.app_context():
        remembered = db.session.execute(select(func.count()).select_from(Enrolment)).scalar_one()
        assert remembered == LEARNERS
        db.session.remove()
