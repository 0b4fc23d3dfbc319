"""A gunicorn worker killed (SIGKILL) in the middle of the load loses no acknowledged write.

Learners keep pressing "Tandai selesai" against two sync workers; one worker is killed while they do.
Requests it was serving fail (the learner sees an error and presses again), the master starts a new
worker, and every press that was answered with a redirect is in the database afterwards.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests
from sqlalchemy import select

from bench.servers import Gunicorn
from lms.accounts.models import User
from lms.content.models import Lesson
from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.conftest import TEST_PASSWORD, create_user
from tests.learning.helpers import lesson_file, make_module
from tests.ops.conftest import dispose, make_app
from tests.ops.test_scale_out import csrf, login

pytestmark = pytest.mark.slow

LEARNERS = 8
LESSONS = 20


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.sqlite'}"
    return request.getfixturevalue("throwaway_pg")


def busy_worker(server: Gunicorn, wait: float = 2.0) -> int:
    """A worker caught running (serving a request, not waiting in accept), or the first one after `wait`."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for pid in server.worker_pids():
            try:
                state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state == "R":
                return pid
    return server.worker_pids()[0]


def test_killing_a_worker_mid_load_loses_no_acknowledged_write(database, tmp_path):
    app = make_app(database)
    with app.app_context():
        lessons = [lesson_file(i, f"bagian-{i}", f"Bagian {i}") for i in range(1, LESSONS + 1)]
        make_module(tmp_path / "content", "modul-panjang", lessons=lessons, with_quiz=False)
        nips = [create_user().nip for _ in range(LEARNERS)]
        db.session.remove()

    env = {
        "LMS_ENV": "development",
        "SECRET_KEY": "kill-test-secret-key-" + "k" * 32,
        "DATABASE_URL": database,
        "LMS_MIN_TIME_SHARE": "0",  # learners press "Tandai selesai" at once; the time rule has its own tests
    }
    acked: list[tuple[str, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    with (tmp_path / "gunicorn.log").open("w") as log, Gunicorn(workers=2, env=env, log=log) as server:

        def learner(nip: str) -> None:
            http = requests.Session()
            assert login(http, server.url, nip, TEST_PASSWORD).status_code == 302
            token = csrf(http.get(f"{server.url}/akun").text)
            for number in range(1, LESSONS + 1):
                if stop.is_set():
                    return
                url = f"{server.url}/modul/modul-panjang/pelajaran/bagian-{number}/selesai"
                try:
                    response = http.post(url, data={"csrf_token": token}, allow_redirects=False, timeout=30)
                except requests.RequestException as exc:  # the killed worker's connection
                    with lock:
                        errors.append(type(exc).__name__)
                    continue
                if response.status_code == 302:
                    with lock:
                        acked.append((nip, f"bagian-{number}"))
                else:
                    with lock:
                        errors.append(str(response.status_code))

        threads = [threading.Thread(target=learner, args=(nip,)) for nip in nips]
        for thread in threads:
            thread.start()
        while len(acked) < LEARNERS * 2:  # the load is really going
            time.sleep(0.02)
        victim = busy_worker(server)
        before_kill = len(acked)
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=60)
        stop.set()

        assert len(acked) > before_kill, "no write was acknowledged after the kill"
        deadline = time.monotonic() + 10
        while (victim in server.worker_pids() or len(server.worker_pids()) < 2) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert victim not in server.worker_pids() and len(server.worker_pids()) == 2, "the worker was not replaced"
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200

    with app.app_context():
        stored = set(
            db.session.execute(
                select(User.nip, Lesson.slug)
                .join(LessonProgress, LessonProgress.user_id == User.id)
                .join(Lesson, LessonProgress.lesson_id == Lesson.id)
            ).all()
        )
        db.session.remove()
    dispose(app)
    print(f"acknowledged {len(acked)}, failed {len(errors)} ({sorted(set(errors))}), {before_kill} before the kill")
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:3]}"
    assert all(e in {"ConnectionError", "ChunkedEncodingError"} for e in errors), errors[:5]
