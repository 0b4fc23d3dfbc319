"""In Chromium, without JavaScript: "Tandai selesai" pressed too early says how long she has read and how
long is needed, and keeps her on the lesson; once the time is reached (the clock moved by time-machine,
which the in-process live server shares) the same button marks it done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from config import Config
from tests.browser.conftest import screenshot
from tests.conftest import create_user
from tests.learning.helpers import lesson_file, make_module

pytestmark = pytest.mark.browser

SLUG = "waktu-baca"


@pytest.fixture
def reading_course(app, tmp_path):
    """Two lessons of 12 and 33 expected minutes, the real LMS_MIN_TIME_SHARE, a learner."""
    previous = app.config["MIN_TIME_SHARE"]
    app.config["MIN_TIME_SHARE"] = Config.MIN_TIME_SHARE
    with app.app_context():
        lessons = (lesson_file(1, "membaca", "Membaca", minutes=12), lesson_file(2, "lanjutan", "Lanjutan", minutes=33))
        make_module(tmp_path / "content", SLUG, title="Waktu Baca", jp=1, lessons=lessons, with_quiz=False)
        nip = create_user(name="Dewi Lestari").nip
    yield nip
    app.config["MIN_TIME_SHARE"] = previous


@pytest.mark.parametrize("viewport", ["phone"])
def test_marking_done_too_early_shows_the_message_and_later_succeeds(live_server, new_page, reading_course, viewport):
    from tests.browser.test_learner_path import log_in

    base = live_server
    page = new_page(viewport, javascript=False)
    with time_machine.travel(datetime(2026, 12, 4, 1, 0, tzinfo=UTC), tick=True) as clock:
        log_in(page, base, reading_course)
        lesson = f"{base}/modul/{SLUG}/pelajaran/membaca"
        page.goto(lesson)
        assert page.get_by_text("sekurang-kurangnya 6 menit").is_visible()
        clock.shift(timedelta(minutes=2, seconds=10))
        page.get_by_role("button", name="Tandai selesai").click()
        page.wait_for_url(lesson)
        message = page.get_by_role("alert")
        assert "Anda baru membaca 2 menit dari perkiraan 12 menit; tombol ini dapat dipakai setelah 6 menit." in (
            message.inner_text()
        )
        assert page.get_by_role("heading", name="Membaca").is_visible()  # her place: the same lesson
        screenshot(page, viewport, "waktu-01-terlalu-cepat")

        clock.shift(timedelta(minutes=4))
        page.get_by_role("button", name="Tandai selesai").click()
        page.wait_for_url(f"{base}/modul/{SLUG}/pelajaran/lanjutan")
        assert page.get_by_text("Pelajaran ditandai selesai.").is_visible()
        page.goto(f"{base}/modul/{SLUG}")
        assert page.get_by_text("1 dari 2 pelajaran selesai").first.is_visible()
        assert page.get_by_text("sekurang-kurangnya 50% dari perkiraan waktunya").is_visible()
