"""The learners' mixed workload for `make bench` (Locust, headless).

Each simulated ASN logs in once with her own NIP (during the ramp-up, timed apart), then: Beranda 10 %,
open a lesson 60 %, mark a lesson done 15 %, save or submit a quiz 10 %, download a certificate 5 % (when
certificates exist). Every "mark done" and quiz submission answered 2xx/3xx is written to BENCH_ACKS at
the end, so the benchmark can check that each one is in the database.

Configured by environment: BENCH_PLAN (the seed's plan, JSON), BENCH_ACKS (output), BENCH_THINK_MIN and
BENCH_THINK_MAX (seconds between a learner's requests).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

# The start of the messages with which the quiz refuses a new attempt by its own rules (lms.quizzes.services).
QUIZ_RULES = (
    "Kesempatan mengerjakan kuis ini sudah habis",
    "Percobaan berikutnya dapat dimulai pada",
    "Anda sudah lulus kuis ini",
)
PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())
ACKS_PATH = os.environ["BENCH_ACKS"]
THINK = (float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))
MODULES: dict[str, list[str]] = PLAN["modules"]
QUIZ_MODULES: list[str] = PLAN["quiz_modules"]
HAS_CERTIFICATES = bool(PLAN.get("certificate_paths"))

_nips = list(PLAN["nips"])
random.Random(7).shuffle(_nips)
# Learners holding a certificate come first, so the simulated ones can download their own.
_nips.sort(key=lambda nip: nip not in PLAN.get("certificate_paths", {}))
_next_nip = itertools.cycle(_nips).__next__
_lock = threading.Lock()
ACKS: dict = {
    "lessons_done": [],
    "quiz_submissions": [],
    "certificates": 0,
    "login_ms": [],
    "login_failures": 0,
    # over the whole run, ramp-up included (Locust's own statistics are reset when every learner is in)
    "requests": 0,
    "failures": {},
}

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CHOICE = re.compile(r'type="(?:radio|checkbox)" id="[^"]*" name="(q-[^"]+)" value="([^"]+)"')
TEXT = re.compile(r'type="text" id="[^"]*" name="(q-[^"]+)"')
ATTEMPT = re.compile(r"/kuis/percobaan/(\d+)")


class Learner(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        with _lock:
            self.nip = _next_nip()
        page = self.client.get("/login", name="login page")
        token = CSRF.search(page.text or "")
        if not token:
            raise StopUser()
        started = time.perf_counter()
        response = self.client.post(
            "/login",
            data={"csrf_token": token.group(1), "nip": self.nip, "password": PLAN["password"]},
            name="login",
            allow_redirects=False,
        )
        with _lock:  # kept here too: the statistics are reset when every learner is in (--reset-stats)
            ACKS["login_ms"].append((time.perf_counter() - started) * 1000)
            ACKS["login_failures"] += response.status_code != 302
        if response.status_code != 302:
            raise StopUser()
        home = self.client.get("/beranda", name="beranda after login")
        self.token = CSRF.search(home.text or "").group(1)
        self.pick_module()
        self.attempt: tuple[str, int] | None = None

    def pick_module(self) -> None:
        self.module = random.choice(list(MODULES))
        self.position = 0

    def current_lesson(self) -> str:
        lessons = MODULES[self.module]
        return lessons[self.position % len(lessons)]

    @task(10)
    def beranda(self) -> None:
        self.client.get("/beranda", name="beranda")

    @task(60)
    def open_lesson(self) -> None:
        # Mostly the lesson she is on, sometimes back or forward, now and then another module.
        if random.random() < 0.05:
            self.pick_module()
        else:
            self.position += random.choice((0, 0, 1, -1))
        self.position = max(0, self.position)
        self.client.get(f"/modul/{self.module}/pelajaran/{self.current_lesson()}", name="lesson")

    @task(15)
    def mark_done(self) -> None:
        lesson = self.current_lesson()
        response = self.client.post(
            f"/modul/{self.module}/pelajaran/{lesson}/selesai",
            data={"csrf_token": self.token},
            name="mark done",
            allow_redirects=False,
        )
        # A press refused by the time rule sends her back to the same lesson: nothing was marked done.
        refused = response.headers.get("Location", "").endswith(f"/pelajaran/{lesson}")
        if 200 <= response.status_code < 400 and not refused:
            with _lock:
                ACKS["lessons_done"].append([self.nip, self.module, lesson])
        self.position += 1

    @task(10)
    def quiz(self) -> None:
        if self.attempt is None:
            slug = random.choice(QUIZ_MODULES)
            with self.client.post(
                f"/modul/{slug}/kuis/mulai",
                data={"csrf_token": self.token},
                name="quiz start",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                # The quiz's own rules (attempts used up, the cooldown after a failed attempt) answer 400
                # with their message: the right answer to a learner who retries at once, not a failure.
                if response.status_code == 400 and any(rule in (response.text or "") for rule in QUIZ_RULES):
                    response.success()
                    return
            match = ATTEMPT.search(response.headers.get("Location", "") or "")
            if response.status_code != 302 or not match:
                return
            self.attempt = (slug, int(match.group(1)))
        slug, attempt_id = self.attempt
        page = self.client.get(f"/kuis/percobaan/{attempt_id}", name="quiz page")
        html = page.text or ""
        answers: dict[str, str] = {}
        for name, value in CHOICE.findall(html):
            answers.setdefault(name, value)
        for name in TEXT.findall(html):
            answers[name] = "jawaban"
        action = "submit" if random.random() < 0.5 else "save"
        response = self.client.post(
            f"/kuis/percobaan/{attempt_id}",
            data={"csrf_token": self.token, "action": action, **answers},
            name=f"quiz {action}",
            allow_redirects=False,
        )
        if action == "submit":
            if 200 <= response.status_code < 400:
                with _lock:
                    ACKS["quiz_submissions"].append([self.nip, attempt_id])
            self.attempt = None

    if HAS_CERTIFICATES:

        @task(5)
        def certificate(self) -> None:
            paths = PLAN["certificate_paths"].get(self.nip)
            if not paths:
                return
            response = self.client.get(random.choice(paths), name="certificate PDF")
            if response.status_code == 200:
                with _lock:
                    ACKS["certificates"] += 1


@events.request.add_listener
def _count(name: str, exception: Exception | None = None, **_kwargs) -> None:
    with _lock:
        ACKS["requests"] += 1
        if exception is not None:
            ACKS["failures"][name] = ACKS["failures"].get(name, 0) + 1


@events.quitting.add_listener
def _write_acks(environment, **_kwargs) -> None:
    with open(ACKS_PATH, "w", encoding="utf-8") as out:
        json.dump(ACKS, out)
