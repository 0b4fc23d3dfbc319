"""Bounded SQL per page whatever the amount of content and learners; a light lesson page; no double completion.

These tests send requests with no app context held open by the test, as in production: every request
gets a fresh database session, so the counts include the login user's load.
"""

from __future__ import annotations

import gzip
import random
import threading
from pathlib import Path

from sqlalchemy import func, insert, select

from lms.content.models import Lesson, Module
from lms.extensions import db as _db
from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.learning.signals import module_completed
from tests.conftest import Browser, create_user
from tests.learning.helpers import count_statements, lesson_file, lesson_url, sync_folder, write_module

# the module, her enrolment, its lessons with her progress and the open one's HTML, the lesson she had open
LESSON_OWN_QUERIES = 1
# opening another lesson: her open visit moved (compare-and-set), the interval credited to the lesson she
# had open (when it earned anything), the enrolment remembering this lesson — one short write transaction
LESSON_WRITES = 3
USER_LOAD_QUERIES = 1  # Flask-Login: the user with her roles
# enrolments, completions, progress, the resume module's lessons (when all of them are done: not the
# lessons but the quiz and her attempts for the next step, 6), the certificates of her completions, her
# mandatory modules with their states (lms/assignments, through learning.home_sections), her approved JP
# from training outside Lentera this year (lms.external)
HOME_OWN_QUERIES = 7
# the module with her enrolment, completion and lessons; the quiz and her attempts; her assignment of it
MODULE_OWN_QUERIES = 4
CATALOGUE_OWN_QUERIES = 2  # a page of modules with her status and the total; the categories
MAX_LESSON_PAGE_GZIP = 60 * 1024


def own(statements: list[str]) -> list[str]:
    """Statements of the page itself, without Flask-Login loading the user."""
    return [s for s in statements if "FROM users" not in s and "FROM user_roles" not in s]


def seed(app, root: Path, *, modules: int, lessons: int, learners: int) -> str:
    """`modules` modules of `lessons` lessons, `learners` other learners with progress everywhere, and one
    learner enrolled in every module (done with all but the last lesson, every other module completed)."""
    with app.app_context():
        for m in range(modules):
            items = [lesson_file(i + 1, f"pelajaran-{i + 1}", f"Pelajaran {i + 1}") for i in range(lessons)]
            write_module(root, f"modul-{m:03d}", title=f"Modul {m:03d}", lessons=items)
        sync_folder(root)
        user = create_user()
        others = [create_user() for _ in range(learners)]
        module_rows = _db.session.scalars(select(Module).order_by(Module.slug)).all()
        lesson_rows = _db.session.scalars(select(Lesson)).all()
        _db.session.execute(
            insert(LessonProgress),
            [{"user_id": other.id, "lesson_id": lesson.id} for other in others for lesson in lesson_rows],
        )
        for index, module in enumerate(module_rows):
            _db.session.add(Enrolment(user_id=user.id, module_id=module.id, last_lesson_id=module.lessons[0].id))
            for lesson in module.lessons[:-1]:
                _db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
            if index % 2:
                _db.session.add(
                    Completion(
                        user_id=user.id, module_id=module.id, started_at=module.synced_at, jp=3, module_version=1
                    )
                )
        _db.session.commit()
        return user.nip


def measure(app, nip: str, urls: list[str]) -> dict[str, tuple[int, int]]:
    browser = Browser(app.test_client())
    assert browser.login(nip).status_code == 302
    with app.app_context():
        engine = _db.engine
    counts = {}
    for url in urls:
        browser.get(url)  # warm: the first view of a lesson inserts the enrolment
        with count_statements(engine) as statements:
            response = browser.get(url)
        assert response.status_code == 200, url
        counts[url] = (len(own(statements)), len(statements))
    return counts


def test_lesson_page_and_beranda_run_a_bounded_number_of_queries(app, tmp_path):
    urls = ["/beranda", lesson_url("modul-000", "pelajaran-2"), "/katalog", "/modul/modul-000", "/riwayat"]
    # Two modules, so that the small case has a completion too (every other module is completed).
    small = measure(app, seed(app, tmp_path / "small", modules=2, lessons=3, learners=1), urls)
    with app.app_context():
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
    large = measure(app, seed(app, tmp_path / "large", modules=24, lessons=12, learners=15), urls)
    print("queries (own, total):", {"small": small, "large": large})

    assert large == small  # the same count whatever the number of modules, lessons and learners
    lesson_own, lesson_total = large[urls[1]]
    assert lesson_own <= LESSON_OWN_QUERIES
    assert lesson_total <= LESSON_OWN_QUERIES + USER_LOAD_QUERIES
    assert large["/beranda"][0] <= HOME_OWN_QUERIES
    assert large["/modul/modul-000"][0] <= MODULE_OWN_QUERIES
    assert large["/katalog"][0] <= CATALOGUE_OWN_QUERIES


def test_reopening_the_remembered_lesson_writes_nothing_and_another_lesson_is_remembered(app, tmp_path):
    nip = seed(app, tmp_path, modules=1, lessons=3, learners=1)
    browser = Browser(app.test_client())
    assert browser.login(nip).status_code == 302
    with app.app_context():
        engine = _db.engine
    first, second = lesson_url("modul-000", "pelajaran-1"), lesson_url("modul-000", "pelajaran-2")
    browser.get(first)
    with count_statements(engine) as again:
        assert browser.get(first).status_code == 200
    assert not [s for s in again if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    with count_statements(engine) as other:
        assert browser.get(second).status_code == 200
    assert [s for s in other if "INSERT INTO enrolments" in s]
    writes = [s for s in other if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert [s for s in writes if "lesson_visits" in s]
    assert len(writes) <= LESSON_WRITES
    assert len(other) - len(writes) <= LESSON_OWN_QUERIES + USER_LOAD_QUERIES
    with app.app_context():
        enrolment = _db.session.scalar(select(Enrolment).join(Module).where(Module.slug == "modul-000"))
        remembered = _db.session.get(Lesson, enrolment.last_lesson_id)
        assert remembered.slug == "pelajaran-2"


def test_a_long_lesson_page_stays_under_60_kb_gzipped(app, tmp_path):
    vocabulary = (
        "aparatur sipil negara lingkungan pemerintah kota semarang perlu memahami cara kerja layanan digital "
        "menjaga data warga menulis jelas kecamatan kelurahan dinas badan pengaduan keamanan kata sandi "
        "tautan surel formulir arsip laporan anggaran jadwal risiko mutu standar pelayanan publik"
    ).split()
    rng = random.Random(4)  # varied text: a repeated paragraph would compress unrealistically well

    def paragraph() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(60)).capitalize() + "."

    body = "\n\n".join(
        f"## Bagian {i}\n\n{paragraph()}\n\n{paragraph()}\n\n- {paragraph()}\n- butir kedua" for i in range(1, 16)
    )
    root = tmp_path / "content"
    with app.app_context():
        write_module(root, "panjang", lessons=(lesson_file(1, "sangat-panjang", "Pelajaran Panjang", body=body),))
        sync_folder(root)
        nip = create_user().nip
    words = len(body.split())
    browser = Browser(app.test_client())
    browser.login(nip)
    page = browser.get(lesson_url("panjang", "sangat-panjang"))
    assert page.status_code == 200
    html = page.get_data()
    css = browser.get("/static/css/lentera.css").get_data()
    scripts = [browser.get(src).get_data() for src in _scripts(html.decode())]
    total = sum(len(gzip.compress(part)) for part in [html, css, *scripts])
    print(f"lesson of {words} words: html {len(html)} B, gzipped html+css+js {total} B")
    assert words > 2000
    assert total <= MAX_LESSON_PAGE_GZIP
    assert b"<img" not in html


def _scripts(html: str) -> list[str]:
    import re

    return re.findall(r'<script[^>]+src="([^"]+)"', html)


def test_two_simultaneous_last_clicks_complete_the_module_once(app, tmp_path):
    root = tmp_path / "content"
    with app.app_context():
        write_module(root, "bersamaan", with_quiz=False)
        sync_folder(root)
        nip = create_user().nip
    first, second = Browser(app.test_client()), Browser(app.test_client())
    for browser in (first, second):
        browser.login(nip)
    for slug in ("pengantar", "inti"):
        url = lesson_url("bersamaan", slug)
        first.post_form(url, {}, action=url + "/selesai")
    url = lesson_url("bersamaan", "penutup")
    from tests.conftest import extract_csrf

    tokens = [extract_csrf(b.get(url).get_data(as_text=True)) for b in (first, second)]
    sent = []

    def receiver(completion, **_):
        sent.append(completion.id)

    module_completed.connect(receiver)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def click(browser: Browser, token: str) -> None:
        barrier.wait()
        statuses.append(browser.client.post(url + "/selesai", data={"csrf_token": token}).status_code)

    try:
        threads = [threading.Thread(target=click, args=pair) for pair in zip((first, second), tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        module_completed.disconnect(receiver)
    assert statuses == [302, 302]
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Completion)) == 1
        assert _db.session.scalar(select(func.count()).select_from(LessonProgress)) == 3
    assert len(sent) == 1
