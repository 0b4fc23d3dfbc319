"""A quiz that tests, in Chromium: a failed attempt reveals no answers; the cooldown and the attempt limit;
a drawn attempt differs from the next. The server's clock is moved with time-machine (no sleeping)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.browser.conftest import visit
from tests.browser.test_learner_path import log_in
from tests.conftest import create_user
from tests.learning.helpers import make_module, quiz_text

pytestmark = pytest.mark.browser

EXPLANATION = "Semarang adalah ibu kota Provinsi Jawa Tengah."
TOPIC = "Geografi Jawa Tengah"
SINGLE = (
    f"## Ibu kota Provinsi Jawa Tengah adalah?\ngroup: {TOPIC}\n- [x] Semarang\n- [ ] Surakarta\n- [ ] Magelang\n"
    f"> {EXPLANATION}\n"
)
# A second question on the same topic: a topic drawn once is not named while right/wrong is hidden.
SINGLE_TOO = f"## Kota pelabuhan utama Jawa Tengah adalah?\ngroup: {TOPIC}\n- [x] Semarang\n- [ ] Wonosobo\n"
BANK = "".join(f"## Soal bank nomor {n}?\ngroup: {'Topik A' if n <= 5 else 'Topik B'}\n= {n}\n" for n in range(1, 11))


def submit_blank(page, base: str, slug: str, button: str) -> None:
    page.goto(f"{base}/modul/{slug}/kuis")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r".*/kuis/percobaan/\d+$"))
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_failed_attempt_reveals_no_answers(app, live_server, new_page, tmp_path, viewport):
    slug = f"tanpa-bocoran-{viewport}"
    with app.app_context():
        quiz = quiz_text(questions=(SINGLE, SINGLE_TOO, "multiple", "short", "leaf"), max_attempts=3, show="after_pass")
        make_module(tmp_path / "content", slug, quiz=quiz)
        nip = create_user(name="Dewi Lestari").nip
    page = new_page(viewport)
    log_in(page, live_server, nip)
    submit_blank(page, live_server, slug, "Mulai kuis")
    assert page.get_by_text("Belum lulus · nilai minimal 70").is_visible()
    assert page.get_by_role("heading", name="Topik yang perlu dipelajari kembali").is_visible()
    assert page.get_by_text(TOPIC).is_visible()
    body = page.inner_text("body")
    for leak in (EXPLANATION, "Penjelasan", "Jawaban benar", "Jawaban yang diterima", "Pembahasan", "Salah"):
        assert leak not in body, leak
    visit(page, viewport, "20-kuis-gagal-tanpa-jawaban")


def test_cooldown_then_the_attempt_limit(app, live_server, new_page, tmp_path):
    slug = "jeda-dan-batas"
    with app.app_context():
        make_module(
            tmp_path / "content", slug, quiz=quiz_text(max_attempts=2, retry_after_minutes=30, show="after_pass")
        )
        nip = create_user(name="Agus Salim").nip
    page = new_page("desktop")
    with time_machine.travel(datetime.now(UTC), tick=True) as clock:
        log_in(page, live_server, nip)
        submit_blank(page, live_server, slug, "Mulai kuis")
        page.goto(f"{live_server}/modul/{slug}/kuis")
        assert page.get_by_text("Percobaan berikutnya dapat dimulai pada").is_visible()
        assert page.get_by_role("button", name="Coba lagi").count() == 0
        visit(page, "desktop", "21-kuis-jeda")

        clock.shift(timedelta(minutes=31))
        submit_blank(page, live_server, slug, "Coba lagi")
        assert page.get_by_text("Kesempatan mengerjakan kuis ini sudah habis.").is_visible()
        assert page.get_by_text("pelatih, atau admin Lentera dapat memberi kesempatan tambahan").is_visible()

        clock.shift(timedelta(minutes=31))
        page.goto(f"{live_server}/modul/{slug}/kuis")
        assert page.get_by_text("sudah habis: 2 dari 2 percobaan").is_visible()
        assert page.get_by_role("button", name="Coba lagi").count() == 0
        visit(page, "desktop", "22-kuis-habis")


def test_a_drawn_attempt_differs_from_the_next(app, live_server, new_page, tmp_path):
    slug = "undian-soal"
    with app.app_context():
        quiz = quiz_text(questions=(BANK,), max_attempts=3, retry_after_minutes=0, show="after_pass", extra="pick: 5\n")
        make_module(tmp_path / "content", slug, quiz=quiz)
        nip = create_user(name="Rina Marlina").nip
    page = new_page("phone")
    log_in(page, live_server, nip)
    drawn = []
    for button in ("Mulai kuis", "Coba lagi"):
        page.goto(f"{live_server}/modul/{slug}/kuis")
        page.get_by_role("button", name=button).click()
        page.wait_for_url(re.compile(r".*/kuis/percobaan/\d+$"))
        prompts = set(re.findall(r"Soal bank nomor \d+\?", page.inner_text("main")))
        assert len(prompts) == 5
        drawn.append(prompts)
        page.get_by_role("button", name="Kirim jawaban").click()
        page.wait_for_load_state()
    assert not drawn[0] & drawn[1]
