"""`make bench`: load, throughput and memory of Lentera under gunicorn, on SQLite and on PostgreSQL.

For each database: seed 2,000 ASN in 20 OPDs with the shipped modules plus 50 generated ones; start
gunicorn on 127.0.0.1; run Locust headless with the learners' mixed workload (200 users, 60 s); check
that every acknowledged "mark done" and quiz submission is in the database; then wrk (64 connections,
10 s) on a minimal Flask app under the same gunicorn settings (the floor), on Lentera answering the
floor's string (anonymous, logged in), then on a logged-in lesson page, Beranda and the verification
page. Results go to stdout and to docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.servers import ROOT, Gunicorn

SECRET_KEY = "bench-secret-key-" + "x" * 40
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TARGET_P95_MS = 200
TARGET_P99_MS = 500
TARGET_IDLE_MIB = 150
# Requests every learner makes once, while the others are still logging in: timed apart, not in the target.
RAMP_UP_TYPES = {"login page", "login", "beranda after login"}
# Request types in the order the report lists them.
REQUEST_TYPES = [
    "beranda",
    "lesson",
    "mark done",
    "quiz start",
    "quiz page",
    "quiz save",
    "quiz submit",
    "certificate PDF",
]


@dataclass
class WrkResult:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


@dataclass
class LoadStats:
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass
class BackendResult:
    backend: str
    seed_counts: dict
    seed_seconds: float
    load: list[LoadStats] = field(default_factory=list)
    total_rps: float = 0.0
    total_failures: int = 0
    acks: dict = field(default_factory=dict)
    lost: dict = field(default_factory=dict)
    wrk: list[WrkResult] = field(default_factory=list)
    memory_idle: dict = field(default_factory=dict)
    memory_after: dict = field(default_factory=dict)
    login_ms: list[float] = field(default_factory=list)
    login_failures: int = 0
    requests_whole_run: int = 0
    failures_whole_run: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    load_average: tuple[float, float] = (0.0, 0.0)
    floor: WrkResult | None = None


# --- helpers ------------------------------------------------------------------------------------------


def ms(text: str) -> float:
    """wrk's '1.23ms' / '456.00us' / '1.02s' in milliseconds."""
    match = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, *, connections: int, seconds: int, cookie: str | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": ms(p99.group(1)) if p99 else float("nan"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def logged_in_cookie(base: str, nip: str, password: str) -> str:
    http = requests.Session()
    token = CSRF.search(http.get(f"{base}/login").text).group(1)
    response = http.post(
        f"{base}/login", data={"csrf_token": token, "nip": nip, "password": password}, allow_redirects=False
    )
    if response.status_code != 302:
        raise RuntimeError(f"bench login failed: HTTP {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def warm(server: Gunicorn, paths: list[str], cookie: str | None, rounds: int = 10) -> None:
    """A few requests on every path, so both workers have imported, compiled and cached what they use."""
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(rounds):
        for path in paths:
            requests.get(server.url + path, headers=headers, timeout=30)


def app_for(url: str):
    os.environ.setdefault("LMS_ENV", "development")
    from config import DevelopmentConfig
    from lms import create_app

    class Config(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET_KEY

    return create_app(Config)


def pg_admin_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def pg_execute(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        pg_execute(url, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 - reported, the SQLite half still runs
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


# --- the run ------------------------------------------------------------------------------------------


def seed_database(url: str, workdir: Path) -> tuple[dict, dict, float]:
    from bench.seed import seed
    from lms.extensions import db

    started = time.perf_counter()
    app = app_for(url)
    with app.app_context():
        plan = seed(workdir)
        db.session.remove()
        db.engine.dispose()
    return plan.to_dict(), plan.counts, time.perf_counter() - started


def run_locust(base: str, plan_path: Path, acks_path: Path, csv_prefix: Path, args) -> None:
    env = {
        **os.environ,
        "BENCH_PLAN": str(plan_path),
        "BENCH_ACKS": str(acks_path),
        "BENCH_THINK_MIN": str(args.think_min),
        "BENCH_THINK_MAX": str(args.think_max),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{ramp_seconds(args) + args.duration}s",
        "--reset-stats",
        "--host",
        base,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def ramp_seconds(args) -> int:
    """Time for every learner to be spawned and logged in; the statistics start after it."""
    return int(args.users / args.spawn_rate + 0.999) + 2


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def read_locust_stats(csv_prefix: Path) -> tuple[list[LoadStats], LoadStats | None]:
    rows = list(csv.DictReader(Path(f"{csv_prefix}_stats.csv").open(encoding="utf-8")))
    stats, total = [], None
    for row in rows:
        item = LoadStats(
            name=row["Name"],
            count=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            rps=float(row["Requests/s"]),
            p50=float(row["50%"] or 0),
            p95=float(row["95%"] or 0),
            p99=float(row["99%"] or 0),
        )
        if row["Name"] == "Aggregated":
            total = item
        else:
            stats.append(item)
    order = {name: i for i, name in enumerate(REQUEST_TYPES)}
    stats.sort(key=lambda s: order.get(s.name, 99))
    return stats, total


def check_acks(url: str, acks_path: Path) -> tuple[dict, dict]:
    """Every acknowledged write is in the database: returns (counts acknowledged, counts missing)."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.content.models import Lesson, Module
    from lms.extensions import db
    from lms.learning.models import LessonProgress
    from lms.quizzes.models import QuizAttempt

    acks = json.loads(acks_path.read_text(encoding="utf-8"))
    app = app_for(url)
    with app.app_context():
        done = set(
            db.session.execute(
                select(User.nip, Module.slug, Lesson.slug)
                .join(LessonProgress, LessonProgress.user_id == User.id)
                .join(Lesson, LessonProgress.lesson_id == Lesson.id)
                .join(Module, Lesson.module_id == Module.id)
            ).all()
        )
        submitted = set(
            db.session.execute(
                select(User.nip, QuizAttempt.id)
                .join(QuizAttempt, QuizAttempt.user_id == User.id)
                .where(QuizAttempt.submitted_at.is_not(None))
            ).all()
        )
        db.session.remove()
        db.engine.dispose()
    lessons = {tuple(a) for a in acks["lessons_done"]}
    quizzes = {tuple(a) for a in acks["quiz_submissions"]}
    return (
        {"mark done": len(acks["lessons_done"]), "quiz submit": len(acks["quiz_submissions"])},
        {"mark done": len(lessons - done), "quiz submit": len(quizzes - submitted)},
    )


def gunicorn_for(app: str, args, env: dict[str, str], log) -> Gunicorn:
    return Gunicorn(
        app,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        env=env,
        log=log,
        extra_args=("--preload",) if args.preload else (),
    )


def wait_for_quiet(args) -> None:
    """On a shared machine, wait (up to --quiet-wait s) for the 1-minute load average to fall below --quiet-load."""
    deadline = time.monotonic() + args.quiet_wait
    while os.getloadavg()[0] >= args.quiet_load and time.monotonic() < deadline:
        time.sleep(5)


def measure_floor(args, workdir: Path) -> WrkResult:
    with (workdir / "gunicorn-floor.log").open("w") as log, gunicorn_for("bench.floor_app:app", args, {}, log) as srv:
        warm(srv, ["/"], None)
        result = run_wrk(srv.url + "/", connections=args.connections, seconds=args.wrk_seconds)
    return WrkResult(name="floor (Flask hello)", path="/", **result)


#: The ladder (bench/ladder_app.py): Lentera's own app answering the floor's short string.
LADDER = [
    ("Lentera, short string (anonymous)", "/_bench/halo", False),
    ("Lentera, short string (logged in)", "/_bench/halo-masuk", True),
]


def measure_ladder(args, workdir: Path, env: dict[str, str], cookie: str) -> list[WrkResult]:
    """What every Lentera request costs before its page's own work, under the same settings."""
    results = []
    with (
        (workdir / "gunicorn-ladder.log").open("w") as log,
        gunicorn_for("bench.ladder_app:app", args, env, log) as srv,
    ):
        warm(srv, [path for _name, path, _logged_in in LADDER], cookie)
        for name, path, logged_in in LADDER:
            print(f"[bench] wrk {name}…", flush=True)
            measured = run_wrk(
                srv.url + path,
                connections=args.connections,
                seconds=args.wrk_seconds,
                cookie=cookie if logged_in else None,
            )
            results.append(WrkResult(name=name, path=path, **measured))
    return results


NAIVE_NAME = "naive Flask lesson page (same lesson)"


def measure_naive(args, workdir: Path, env: dict[str, str], nip: str, lesson_path: str) -> WrkResult:
    """The same lesson served by bench/naive_app.py (a straightforward Flask page) under the same settings."""
    with (
        (workdir / "gunicorn-naive.log").open("w") as log,
        gunicorn_for("bench.naive_app:app", args, env, log) as srv,
    ):
        http = requests.Session()
        http.get(f"{srv.url}/_naive/masuk/{nip}", timeout=30).raise_for_status()
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        warm(srv, [lesson_path], cookie)
        print(f"[bench] wrk {NAIVE_NAME}…", flush=True)
        measured = run_wrk(srv.url + lesson_path, connections=args.connections, seconds=args.wrk_seconds, cookie=cookie)
    return WrkResult(name=NAIVE_NAME, path=lesson_path, **measured)


def run_backend(backend: str, url: str, args, workdir: Path) -> BackendResult:
    wait_for_quiet(args)
    print(f"[bench] {backend}: seeding…", flush=True)
    load_before = os.getloadavg()[0]
    plan, counts, seed_seconds = seed_database(url, workdir)
    plan_path = workdir / f"plan-{backend}.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    result = BackendResult(backend=backend, seed_counts=counts, seed_seconds=seed_seconds)
    if not plan.get("certificate_paths"):
        result.notes.append("certificate download: not measured (no certificate routes in this build)")

    env = {
        "LMS_ENV": "development",
        "FLASK_DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": url,
        "LMS_LOGIN_LIMIT_PER_IP": "1000000 per minute",
        "LMS_LOGIN_LIMIT_PER_NIP": "1000 per minute",
        "LMS_CERT_VERIFY_LIMIT": "1000000 per minute",
        # Virtual learners press "Tandai selesai" seconds after opening a lesson. With the time rule off,
        # every press runs the same statements (the visit ended and credited, her time read, the check)
        # and then writes the lesson as done, so the acknowledged writes are there to be checked.
        "LMS_MIN_TIME_SHARE": "0",
    }
    log = (workdir / f"gunicorn-{backend}.log").open("w")
    server = gunicorn_for("wsgi:app", args, env, log).start()
    try:
        nip = plan["nips"][0]
        cookie = logged_in_cookie(server.url, nip, plan["password"])
        module = next(iter(plan["modules"]))
        lesson_path = f"/modul/{module}/pelajaran/{plan['modules'][module][0]}"
        pages = [("lesson page (logged in)", lesson_path), ("Beranda (logged in)", "/beranda")]
        verification = plan.get("verification_path")
        if verification:
            pages.append(("verification page (public)", verification))
        else:
            result.notes.append("verification page: not measured (no verification route in this build)")
        warm(server, [path for _name, path in pages], cookie)
        time.sleep(1)
        result.memory_idle = server.workers_memory_kib()

        print(f"[bench] {backend}: Locust {args.users} users for {args.duration} s…", flush=True)
        acks_path = workdir / f"acks-{backend}.json"
        csv_prefix = workdir / f"locust-{backend}"
        run_locust(server.url, plan_path, acks_path, csv_prefix, args)
        result.load, total = read_locust_stats(csv_prefix)
        result.load = [stats for stats in result.load if stats.name not in RAMP_UP_TYPES]
        if total:
            result.total_rps, result.total_failures = total.rps, total.failures
        result.acks, result.lost = check_acks(url, acks_path)
        logins = json.loads(acks_path.read_text(encoding="utf-8"))
        result.login_ms, result.login_failures = logins["login_ms"], logins["login_failures"]
        result.requests_whole_run, result.failures_whole_run = logins["requests"], logins["failures"]

        wait_for_quiet(args)
        print(f"[bench] {backend}: wrk floor…", flush=True)
        result.floor = measure_floor(args, workdir)  # just before the pages: the ratio compares like with like
        result.wrk += measure_ladder(args, workdir, env, cookie)
        result.wrk.append(measure_naive(args, workdir, env, nip, lesson_path))
        for name, path in pages:
            print(f"[bench] {backend}: wrk {name}…", flush=True)
            measured = run_wrk(server.url + path, connections=args.connections, seconds=args.wrk_seconds, cookie=cookie)
            result.wrk.append(WrkResult(name=name, path=path, **measured))
        time.sleep(1)
        result.memory_after = server.workers_memory_kib()
        result.load_average = (load_before, os.getloadavg()[0])
    finally:
        server.stop()
        log.close()
    return result


# --- the report ---------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def mib(kib: int | None) -> float:
    return (kib or 0) / 1024


def code_version() -> str:
    """The commit measured, and whether the work tree differed from it (BENCH_CODE_VERSION overrides)."""
    if os.environ.get("BENCH_CODE_VERSION"):
        return os.environ["BENCH_CODE_VERSION"]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "an export without git history"
    return f"commit {commit}" + (" with uncommitted changes" if dirty.strip() else "")


def render_method(args) -> str:
    """The section every run rewrites: how the figures below were taken."""
    settings = gunicorn_for("wsgi:app", args, {}, None).settings
    return "\n".join(
        [
            "## Load and throughput (`make bench`)",
            "",
            f"Code measured: {code_version()}. "
            f"gunicorn on 127.0.0.1: `{settings}`, the same for Lentera and the floor. Locust headless "
            f"(FastHttpUser): {args.users} users spawned at {args.spawn_rate:g}/s (each logs in once; logins "
            f"are timed apart because they fall in the ramp-up), then {args.duration} s measured with every "
            f"learner in, think time {args.think_min:g}–{args.think_max:g} s between a learner's requests: "
            "Beranda 10 %, open a lesson 60 %, mark a lesson done 15 %, quiz 10 % (start when none is open, "
            "load the attempt page, then save or submit, half each), certificate 5 %. "
            f"wrk: {args.connections} connections × {args.wrk_seconds} s, 2 threads, one logged-in learner; "
            "the **floor** is a Flask view returning a short string under the same gunicorn settings, measured "
            "just before each database's pages, so each ratio compares runs a minute apart; then two rungs "
            "(`bench/ladder_app.py`): Lentera's own app, every extension and request hook included, answering "
            "the same short string, anonymous and logged in — what any page pays before its own work. Locust, wrk and "
            "gunicorn share the same cores. Seed: 2,000 ASN in 20 OPDs, half with two modules started, one in "
            "ten with a module completed (with its certificate); the shipped modules plus 50 generated ones "
            "(8 lessons, 10 questions each). Each database has its own section below, rewritten when that "
            'database is benchmarked (`make bench BENCH_ARGS="--backends postgresql"` redoes one).',
        ]
    )


def render_targets(r: BackendResult) -> list[str]:
    floor = r.floor
    worst = max(r.load, key=lambda s: s.p95, default=None)
    slow = [s.name for s in r.load if s.p95 >= TARGET_P95_MS or s.p99 >= TARGET_P99_MS]
    lesson = next((w for w in r.wrk if w.name.startswith("lesson")), None)
    naive = next((w for w in r.wrk if w.name == NAIVE_NAME), None)
    ratio = lesson.rps / floor.rps if lesson and floor and floor.rps else 0
    to_naive = lesson.rps / naive.rps if lesson and naive and naive.rps else 0
    rss, pss = mib(r.memory_idle.get("rss")), mib(r.memory_idle.get("pss"))
    failed = sum(r.failures_whole_run.values())
    latency = (
        f"{mark(not slow)} " + (f"missed: {', '.join(slow)}" if slow else f"worst p95 {worst.p95:.0f} ms")
        if worst
        else "—"
    )
    return [
        "",
        "| target | result |",
        "|---|---|",
        f"| no failed request | {mark(failed == 0)} {failed} of {r.requests_whole_run:,} |",
        f"| no acknowledged write lost | {mark(sum(r.lost.values()) == 0)} {sum(r.lost.values())} lost |",
        f"| p95 < 200 ms, p99 < 500 ms (every type) | {latency} |",
        f"| lesson page vs a naive Flask lesson page (same lesson, same run) | {to_naive:.0%} of its req/s "
        f"(floor ratio {ratio:.0%}; the 40 %-of-floor target is retired) |",
        f"| 2 workers idle ≤ 150 MiB (RSS / PSS) | RSS {mark(rss <= TARGET_IDLE_MIB)} {rss:.0f} / "
        f"PSS {mark(pss <= TARGET_IDLE_MIB)} {pss:.0f} MiB |",
    ]


def render_backend(r: BackendResult, args) -> str:
    """One database's section: targets, Locust per request type, writes checked, wrk against the floor, memory."""
    lines: list[str] = []
    floor = r.floor
    lines += [
        f"### {r.backend} (`make bench`)",
        "",
        f"1-minute load average {r.load_average[0]:.1f} before this part, {r.load_average[1]:.1f} after it "
        "(the benchmark alone brings it to about 2–3; more means other work shared the cores). "
        f"Seeded in {r.seed_seconds:.1f} s: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in r.seed_counts.items())
        + ".",
        "",
        f"Locust, {args.duration} s with {args.users} learners in: {r.total_rps:.0f} req/s over all types, "
        f"{r.total_failures} failed requests. Over the whole run, ramp-up included: "
        f"{r.requests_whole_run:,} requests, "
        + (
            "failed: " + ", ".join(f"{n} {name}" for name, n in sorted(r.failures_whole_run.items()))
            if r.failures_whole_run
            else "none failed"
        )
        + ".",
        "",
        "| request type | requests | failures | req/s | p50 ms | p95 ms | p99 ms | p95 < 200 / p99 < 500 |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for s in r.load:
        ok = s.p95 < TARGET_P95_MS and s.p99 < TARGET_P99_MS
        lines.append(
            f"| {s.name} | {s.count:,} | {s.failures} | {s.rps:.1f} | {s.p50:.0f} | {s.p95:.0f} | {s.p99:.0f} "
            f"| {mark(ok)} |"
        )
    if r.login_ms:
        lines.append(
            f"| login, during the ramp-up (scrypt) | {len(r.login_ms):,} | {r.login_failures} | — "
            f"| {percentile(r.login_ms, 0.5):.0f} | {percentile(r.login_ms, 0.95):.0f} "
            f"| {percentile(r.login_ms, 0.99):.0f} | (not in the target) |"
        )
    lost_total = sum(r.lost.values())
    lines += [
        "",
        "Acknowledged writes checked in the database afterwards (ramp-up included): "
        + ", ".join(f"{r.acks[k]:,} {k} ({r.lost[k]} missing)" for k in r.acks)
        + f" — {mark(lost_total == 0)} {'no write lost' if lost_total == 0 else 'WRITES LOST'}.",
        "",
        f"| wrk, {args.connections} connections | req/s | ratio to floor | p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| floor (Flask hello) | {floor.rps:,.0f} | 100 % | {floor.p50_ms:.1f} | {floor.p99_ms:.1f} "
        f"| {floor.non_2xx} | {floor.socket_errors} |",
    ]
    for w in r.wrk:
        ratio = w.rps / floor.rps if floor.rps else 0
        lines.append(
            f"| {w.name} | {w.rps:,.0f} | {ratio:.0%} | {w.p50_ms:.1f} | {w.p99_ms:.1f} "
            f"| {w.non_2xx} | {w.socket_errors} |"
        )
    idle, after = r.memory_idle, r.memory_after
    lines += [
        "",
        f"Memory of the {args.workers} workers, summed (MiB): idle after warm-up RSS {mib(idle.get('rss')):.0f}, "
        f"PSS {mib(idle.get('pss')):.0f}, private {mib(idle.get('uss')):.0f}; idle after the load RSS "
        f"{mib(after.get('rss')):.0f}, PSS {mib(after.get('pss')):.0f}, private {mib(after.get('uss')):.0f}. "
        "RSS counts the pages the workers share (the app imported once by the master, Python, libpq) in "
        "each of them; PSS splits them between the processes that share them.",
    ]
    for note in r.notes:
        lines.append(f"\n_Note: {note}._")
    lines[3:3] = render_targets(r)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--no-preload", dest="preload", action="store_false", help="import the app in each worker, not the master"
    )
    parser.add_argument("--quiet-load", type=float, default=1.5, help="wait for a load average below this…")
    parser.add_argument("--quiet-wait", type=float, default=120, help="…for at most this many seconds per part")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs, CSV) for inspection")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (Debian package), then run make bench again")

    workdir = Path(tempfile.mkdtemp(prefix="lentera-bench-"))
    results: list[BackendResult] = []
    skipped: list[str] = []
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                results.append(run_backend("SQLite", f"sqlite:///{workdir / 'bench.sqlite'}", args, workdir))
            elif backend == "postgresql":
                problem = pg_reachable(args.pg_url)
                if problem:
                    skipped.append(f"PostgreSQL at {args.pg_url.split('@')[-1]} ({problem})")
                    continue
                name = f"lentera_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
                from sqlalchemy.engine import make_url

                url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
                pg_execute(args.pg_url, f'CREATE DATABASE "{name}"')
                try:
                    results.append(run_backend("PostgreSQL", url, args, workdir))
                finally:
                    pg_execute(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                sys.exit(f"unknown backend {backend!r}")
    finally:
        if args.keep:
            print(f"[bench] working folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    method = render_method(args)
    sections = {f"bench-load-{r.backend.lower()}": render_backend(r, args) for r in results}
    print(method)
    for text in sections.values():
        print("\n" + text)
    for reason in skipped:
        print(f"\nNot run: {reason}.")
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-load", method)
        for name, text in sections.items():
            write_section(name, text)
    if any(sum(r.lost.values()) for r in results):
        sys.exit("acknowledged writes were lost")


if __name__ == "__main__":
    main()
