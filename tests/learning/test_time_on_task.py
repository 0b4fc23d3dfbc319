"""Time on task: reading time measured by the server from her requests, and "Tandai selesai" held back
until it reaches LMS_MIN_TIME_SHARE of the lesson's expected minutes (the real default, Config's).

The clock is moved with time-machine; nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from config import Config
from lms.accounts.personal_data import export_personal_data
from lms.content.models import Lesson, Module
from lms.learning import queries, services
from lms.learning.models import Completion, LessonProgress, LessonTime, LessonVisit
from lms.learning.timing import TimeRule
from tests.conftest import Browser, create_user, extract_csrf
from tests.learning.helpers import lesson_file, lesson_url, make_module

START = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # 08:00 WIB


@pytest.fixture
def rule_on(app):
    """The production default of LMS_MIN_TIME_SHARE (the suite's other tests run with 0)."""
    previous = app.config["MIN_TIME_SHARE"]
    app.config["MIN_TIME_SHARE"] = Config.MIN_TIME_SHARE
    yield
    app.config["MIN_TIME_SHARE"] = previous


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def module(db, tmp_path) -> Module:
    """Three lessons of 12, 5 and 60 expected minutes, no quiz."""
    lessons = (
        lesson_file(1, "baca", "Baca", minutes=12),
        lesson_file(2, "singkat", "Singkat", minutes=5),
        lesson_file(3, "panjang", "Panjang", minutes=60),
    )
    return make_module(tmp_path / "content", "waktu", jp=1, lessons=lessons, with_quiz=False)


@pytest.fixture
def learner(app, db):
    user = create_user()
    return logged_in(app, user.nip), user


def logged_in(app, nip: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(nip).status_code == 302
    browser.token = extract_csrf(browser.get("/akun").get_data(as_text=True))  # the session's form token
    return browser


def press_done(browser: Browser, lesson: str):
    """Press "Tandai selesai" on the page already open (without opening the page again first)."""
    url = lesson_url("waktu", lesson)
    return browser.client.post(url + "/selesai", data={"csrf_token": browser.token})


def seconds_on(db, user, slug: str) -> int:
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == slug))
    db.session.expire_all()
    return db.session.scalar(
        select(func.coalesce(func.sum(LessonTime.seconds), 0)).where(
            LessonTime.user_id == user.id, LessonTime.lesson_id == lesson_id
        )
    )


def done_count(db, user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LessonProgress).where(LessonProgress.user_id == user.id))


# --- the pure rule ---------------------------------------------------------------------------------


def test_an_interval_counts_in_full_up_to_twice_the_lessons_minutes_and_the_hard_cap():
    rule = TimeRule(min_share=0.5, max_interval_minutes=30, idle_minutes=120)
    assert rule.credit(START, START + timedelta(minutes=4), 12) == 240
    assert rule.credit(START, START + timedelta(minutes=25), 5) == 600  # twice 5 minutes
    assert rule.credit(START, START + timedelta(minutes=50), 60) == 1800  # the 30-minute cap
    assert rule.credit(START, START + timedelta(minutes=119), None) == 1800


def test_an_interval_longer_than_the_idle_limit_or_negative_counts_nothing():
    rule = TimeRule(min_share=0.5, max_interval_minutes=30, idle_minutes=120)
    assert rule.credit(START, START + timedelta(hours=10), 12) == 0
    assert rule.credit(START, START + timedelta(minutes=121), 12) == 0
    assert rule.credit(START, START - timedelta(seconds=5), 12) == 0


def test_required_time_is_the_share_of_expected_minutes_rounded_up_to_a_whole_minute():
    rule = TimeRule(min_share=0.5)
    assert rule.required_seconds(12) == 360
    assert rule.required_seconds(7) == 240
    assert not rule.is_enough(359, 12) and rule.is_enough(360, 12)
    assert TimeRule(min_share=0).required_seconds(12) == 0


# --- through the pages ------------------------------------------------------------------------------


def test_marking_done_too_early_says_how_long_she_read_and_keeps_her_place(rule_on, clock, module, learner, db):
    browser, user = learner
    assert browser.get(lesson_url("waktu", "baca")).status_code == 200
    clock.shift(timedelta(minutes=3, seconds=20))
    response = press_done(browser, "baca")
    assert response.status_code == 302 and response.headers["Location"].endswith(lesson_url("waktu", "baca"))
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anda baru membaca 3 menit dari perkiraan 12 menit; tombol ini dapat dipakai setelah 6 menit." in page
    assert "Tandai selesai" in page
    assert done_count(db, user) == 0
    assert seconds_on(db, user, "baca") == 200  # the time she read is kept


def test_marking_done_succeeds_once_the_time_is_reached_over_two_visits(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "baca"))
    clock.shift(timedelta(minutes=4))
    assert press_done(browser, "baca").headers["Location"].endswith(lesson_url("waktu", "baca"))  # 4 of 6 minutes
    browser.get(lesson_url("waktu", "baca"))  # back on the page: a new interval starts
    clock.shift(timedelta(minutes=2))
    response = press_done(browser, "baca")
    assert response.headers["Location"].endswith(lesson_url("waktu", "singkat"))
    assert done_count(db, user) == 1
    assert seconds_on(db, user, "baca") == 360


def test_a_tab_left_open_overnight_earns_nothing(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "baca"))
    clock.shift(timedelta(hours=10))
    assert browser.login(user.nip).status_code == 302  # her session ended meanwhile (LMS_IDLE_MINUTES)
    browser.token = extract_csrf(browser.get("/akun").get_data(as_text=True))
    response = press_done(browser, "baca")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anda baru membaca 0 menit dari perkiraan 12 menit" in page
    assert seconds_on(db, user, "baca") == 0 and done_count(db, user) == 0


def test_one_interval_earns_at_most_twice_the_lessons_minutes(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "singkat"))
    clock.shift(timedelta(minutes=25))
    browser.get(lesson_url("waktu", "baca"))  # the next lesson request ends the interval
    assert seconds_on(db, user, "singkat") == 600


def test_one_interval_earns_at_most_the_hard_cap(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "panjang"))
    clock.shift(timedelta(minutes=50))
    browser.get(lesson_url("waktu", "baca"))
    assert seconds_on(db, user, "panjang") == 30 * 60  # not 50: LMS_TIME_MAX_INTERVAL_MINUTES


def test_two_devices_at_once_earn_the_time_once_not_twice(rule_on, clock, module, learner, app, db):
    phone, user = learner
    laptop = logged_in(app, user.nip)
    phone.get(lesson_url("waktu", "baca"))
    clock.shift(timedelta(minutes=4))
    laptop.get(lesson_url("waktu", "singkat"))  # ends the phone's interval: 4 minutes to "baca"
    clock.shift(timedelta(minutes=4))
    response = press_done(phone, "baca")  # ends the laptop's interval: 4 minutes to "singkat"
    assert response.headers["Location"].endswith(lesson_url("waktu", "baca"))
    assert seconds_on(db, user, "baca") == 240 and seconds_on(db, user, "singkat") == 240  # 8 minutes in all


def test_an_interval_ended_by_two_requests_at_once_is_credited_once(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "baca"))
    clock.shift(timedelta(minutes=5))
    seen = queries.open_visit(user.id)  # both requests read the same open visit
    singkat = db.session.scalar(select(Lesson.id).where(Lesson.slug == "singkat"))
    first = services.move_visit(user.id, seen, singkat, datetime.now(UTC))
    second = services.move_visit(user.id, seen, None, datetime.now(UTC))
    db.session.commit()
    assert (first, second) == (300, 0)
    assert seconds_on(db, user, "baca") == 300
    assert db.session.get(LessonVisit, user.id).lesson_id == singkat  # the loser changed nothing


def test_a_lesson_already_done_can_be_pressed_again_without_the_time(rule_on, clock, module, learner, db):
    browser, user = learner
    browser.get(lesson_url("waktu", "singkat"))
    clock.shift(timedelta(minutes=3))
    assert press_done(browser, "singkat").status_code == 302
    assert done_count(db, user) == 1
    response = press_done(browser, "singkat")
    assert not response.headers["Location"].endswith(lesson_url("waktu", "singkat"))
    assert done_count(db, user) == 1


def test_a_completion_records_her_reading_time_beside_the_expected_minutes(rule_on, clock, module, learner, db):
    browser, user = learner
    for slug, minutes in (("baca", 7), ("singkat", 3), ("panjang", 30)):
        browser.get(lesson_url("waktu", slug))
        clock.shift(timedelta(minutes=minutes))
        assert press_done(browser, slug).status_code == 302
    db.session.expire_all()
    completion = db.session.scalar(select(Completion).where(Completion.user_id == user.id))
    assert completion is not None
    assert completion.engaged_seconds == (7 + 3 + 30) * 60
    assert completion.expected_minutes == 12 + 5 + 60
    exported = export_personal_data(user)["pembelajaran"]  # UU PDP: she can see what was measured
    assert exported["modul_selesai"][0]["waktu_baca_detik"] == 2400
    assert {(r["pelajaran"], r["detik"]) for r in exported["waktu_baca"]} == {
        ("baca", 420),
        ("singkat", 180),
        ("panjang", 1800),
    }


def test_the_module_page_and_the_lesson_page_state_the_time_rule(rule_on, module, learner):
    browser, _user = learner
    page = browser.get("/modul/waktu").get_data(as_text=True)
    assert "sekurang-kurangnya 50% dari perkiraan waktunya" in page
    lesson = browser.get(lesson_url("waktu", "baca")).get_data(as_text=True)
    assert "setelah Anda membaca pelajaran ini sekurang-kurangnya 6 menit" in lesson


def test_going_back_to_the_module_page_ends_the_lessons_time_once(rule_on, clock, module, learner, app, db):
    from tests.learning.helpers import count_statements

    browser, user = learner
    browser.get(lesson_url("waktu", "baca"))
    clock.shift(timedelta(minutes=4))
    assert browser.get("/modul/waktu").status_code == 200
    assert seconds_on(db, user, "baca") == 240
    assert db.session.get(LessonVisit, user.id) is None
    clock.shift(timedelta(minutes=20))  # time on the module page, or away, is no lesson's
    with count_statements(db.engine) as again:
        assert browser.get("/modul/waktu").status_code == 200
    assert not [s for s in again if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    browser.get(lesson_url("waktu", "baca"))
    assert seconds_on(db, user, "baca") == 240


def test_time_on_the_quiz_page_is_not_credited_to_the_lesson_she_had_open(rule_on, clock, app, db, tmp_path):
    """Opening the quiz ends the lesson's interval: 20 minutes on the quiz do not let her mark the lesson done."""
    lessons = (lesson_file(1, "baca", "Baca", minutes=12), lesson_file(2, "panjang", "Panjang", minutes=40))
    make_module(tmp_path / "content", "waktu", jp=1, lessons=lessons)
    user = create_user()
    browser = logged_in(app, user.nip)
    assert browser.get(lesson_url("waktu", "baca")).status_code == 200
    clock.shift(timedelta(minutes=1))
    assert browser.get("/modul/waktu/kuis").status_code == 200
    clock.shift(timedelta(minutes=20))
    response = press_done(browser, "baca")
    assert response.status_code == 302 and response.headers["Location"].endswith(lesson_url("waktu", "baca"))
    assert done_count(db, user) == 0
    assert seconds_on(db, user, "baca") == 60  # the minute on the lesson, not the twenty on the quiz
