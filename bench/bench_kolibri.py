"""`make bench-kolibri`: the lesson page against a naive Flask lesson page and against Kolibri, in one run.

What is compared, on this machine, under the same gunicorn settings (2 sync workers, --preload), SQLite
for all three:
- **Lentera's lesson page**, logged in (the shipped modules, a seeded learner);
- **a naive Flask lesson page** (bench/naive_app.py): the same lesson from the same database, written the
  straightforward way, without what Lentera adds on every page (session revocation, CSP, CSRF, Babel…);
- **Kolibri** (Learning Equality's offline LMS, version KOLIBRI_VERSION from PyPI, installed into its own
  venv under .bench/ on first use), a learner opening a resource: Kolibri is a single-page app, so one
  "lesson view" is its HTML shell plus several API calls. wrk measures each GET the browser makes for
  the resource; their combined rate (1 / Σ 1/rate) is a lesson view's server cost without its two writes
  (session PUT, progress POST), so it flatters Kolibri.
Then Chromium (Debian's, through Playwright) opens the lesson on each at 360 px, cold and again with a
warm cache, and counts the requests and bytes a phone on mobile data pays.

Kolibri's content is its own test channel (the `content_test` fixture shipped in the wheel: topics,
a document node, no files), so its resource page renders the player frame without a file; the API
calls and the page shell are what they are for any resource.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.bench_load import (
    SECRET_KEY,
    WrkResult,
    gunicorn_for,
    logged_in_cookie,
    measure_floor,
    measure_naive,
    run_wrk,
    seed_database,
    wait_for_quiet,
    warm,
)
from bench.servers import ROOT, Gunicorn

KOLIBRI_VERSION = "0.19.5"
KOLIBRI_VENV = ROOT / ".bench" / f"kolibri-{KOLIBRI_VERSION}"
KOLIBRI_PASSWORD = "Bench-Kolibri-2026!"
#: The document node of Kolibri's `content_test` fixture.
KOLIBRI_RESOURCE = "4d0c890de9b65d6880ccfa527800e0f4"
KOLIBRI_VIEW = f"/id/learn/#/topics/c/{KOLIBRI_RESOURCE}"
#: The GETs Kolibri's learn app makes to the server when a learner opens a resource (seen in Chromium).
KOLIBRI_GETS = [
    ("Kolibri learn page (HTML shell)", "/id/learn/"),
    ("Kolibri content node API", f"/api/content/contentnode/{KOLIBRI_RESOURCE}/"),
    ("Kolibri channel list API", "/api/content/channel/?available=true"),
    ("Kolibri learn state API", "/learn/api/state"),
    ("Kolibri bookmarks API", f"/api/bookmarks/bookmarks/?contentnode_id={KOLIBRI_RESOURCE}"),
]
USER_SCRIPT = f"""
from kolibri.core.auth.models import Facility, FacilityUser
facility = Facility.objects.first()
user, _ = FacilityUser.objects.get_or_create(username="asn1", facility=facility)
user.set_password({KOLIBRI_PASSWORD!r})
user.save()
"""


@dataclass
class PageLoad:
    name: str
    requests: int
    dynamic: int
    kib: float
    warm_requests: int
    warm_kib: float
    load_ms: float


def kolibri_python() -> str:
    """Kolibri and gunicorn in their own venv (kept in .bench/ between runs)."""
    python = KOLIBRI_VENV / "bin" / "python"
    if not python.exists():
        print(f"[bench] installing Kolibri {KOLIBRI_VERSION} into {KOLIBRI_VENV} (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(KOLIBRI_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"kolibri=={KOLIBRI_VERSION}", "gunicorn"], check=True
        )
    return str(python)


def prepare_kolibri(python: str, home: Path) -> dict[str, str]:
    """A provisioned Kolibri home: a facility, its test channel, one learner."""
    env = {**os.environ, "KOLIBRI_HOME": str(home), "KOLIBRI_RUN_MODE": "bench"}

    def manage(*args: str, stdin: str | None = None) -> None:
        subprocess.run(
            [python, "-m", "kolibri", "manage", *args],
            env=env,
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
        )

    manage("migrate")
    manage(
        "provisiondevice",
        "--facility",
        "Kota Semarang",
        "--superusername",
        "admin",
        "--superuserpassword",
        KOLIBRI_PASSWORD,
        "--preset",
        "formal",
        "--language_id",
        "id",
        "--noinput",
    )
    manage("loaddata", "content_test")
    manage("shell", stdin=USER_SCRIPT)
    return {"KOLIBRI_HOME": str(home), "KOLIBRI_RUN_MODE": "bench"}


def kolibri_session(base: str) -> requests.Session:
    http = requests.Session()
    http.get(base + "/id/learn/", timeout=30)
    facility = http.get(base + "/api/auth/facility/", timeout=30).json()[0]["id"]
    response = http.post(
        base + "/api/auth/session/",
        json={"username": "asn1", "password": KOLIBRI_PASSWORD, "facility": facility},
        headers={"X-CSRFToken": http.cookies.get("kolibri_csrftoken", ""), "Referer": base + "/"},
        timeout=30,
    )
    response.raise_for_status()
    return http


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def page_load(name: str, base: str, path: str, cookies: list[dict], static_prefix: str) -> PageLoad:
    """Chromium at 360 px opens the page cold, then again with its cache warm: requests, bytes, time."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": 360, "height": 800})
        context.add_cookies([{**c, "url": base} for c in cookies])
        page = context.new_page()
        seen: list[tuple[str, int]] = []

        def finished(request) -> None:
            seen.append((request.url.removeprefix(base), max(0, request.sizes()["responseBodySize"])))

        page.on("requestfinished", finished)
        started = time.perf_counter()
        page.goto(base + path, wait_until="networkidle")
        load_ms = (time.perf_counter() - started) * 1000
        cold = list(seen)
        seen.clear()
        page.goto("about:blank")
        page.goto(base + path, wait_until="networkidle")
        warm_seen = [entry for entry in seen if not entry[0].startswith("about:")]
        browser.close()
    dynamic = sum(1 for url, _size in cold if not url.startswith(static_prefix))
    return PageLoad(
        name=name,
        requests=len(cold),
        dynamic=dynamic,
        kib=sum(size for _url, size in cold) / 1024,
        warm_requests=len(warm_seen),
        warm_kib=sum(size for _url, size in warm_seen) / 1024,
        load_ms=load_ms,
    )


def combined_rate(results: list[WrkResult]) -> float:
    """Requests of several kinds served one after another: 1 / Σ (1 / rate)."""
    return 1 / sum(1 / r.rps for r in results) if results and all(r.rps for r in results) else 0.0


def render(args, floor, naive, lesson, kolibri, loads, settings: str) -> str:
    view = combined_rate(kolibri)
    lines = [
        "## The lesson page against a naive Flask page and against Kolibri (`make bench-kolibri`)",
        "",
        f"`{settings}` for all three apps, SQLite for all three, wrk {args.connections} connections × "
        f"{args.wrk_seconds} s each, one after another in the same run (bench/bench_kolibri.py says what each "
        f"side is). Kolibri {KOLIBRI_VERSION} from PyPI, its own test channel.",
        "",
        "| target | result |",
        "|---|---|",
        f"| lesson page vs the naive Flask lesson page | {lesson.rps / naive.rps:.0%} of its req/s |",
        f"| lesson page vs a Kolibri lesson view (its GETs together) | {lesson.rps / view:.1f}× Kolibri's rate |"
        if view
        else "| lesson page vs a Kolibri lesson view | not measured |",
        "",
        "| wrk | req/s | ratio to floor | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for w in [floor, naive, lesson, *kolibri]:
        lines.append(
            f"| {w.name} | {w.rps:,.0f} | {w.rps / floor.rps:.0%} | {w.p50_ms:.1f} | {w.p99_ms:.1f} | {w.non_2xx} |"
        )
    if view:
        lines.append(
            f"| **a Kolibri lesson view: its {len(kolibri)} GETs together** | {view:,.0f} | "
            f"{view / floor.rps:.0%} | — | — | — |"
        )
    lines += [
        "",
        "Opening the lesson in Chromium at 360 px (bytes as transferred; warm: the same tab opens it again):",
        "",
        "| page | requests | to the app (not static) | KiB | warm: requests | warm: KiB | load ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for load in loads:
        lines.append(
            f"| {load.name} | {load.requests} | {load.dynamic} | {load.kib:,.0f} | {load.warm_requests} "
            f"| {load.warm_kib:,.0f} | {load.load_ms:,.0f} |"
        )
    lines += [
        "",
        "Kolibri's two writes per view (the session `PUT` and the progress `POST`) are not in its wrk rate. "
        "Kolibri serves its static files through the same workers here (as `kolibri start` does); Lentera's "
        "one stylesheet is also served by the app.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-preload", dest="preload", action="store_false")
    parser.add_argument("--quiet-load", type=float, default=1.5)
    parser.add_argument("--quiet-wait", type=float, default=120)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (Debian package), then run make bench-kolibri again")
    python = kolibri_python()
    workdir = Path(tempfile.mkdtemp(prefix="lentera-bench-kolibri-"))
    try:
        print("[bench] Lentera: seeding…", flush=True)
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
        plan, _counts, _seconds = seed_database(url, workdir)
        env = {
            "LMS_ENV": "development",
            "FLASK_DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": url,
            "LMS_LOGIN_LIMIT_PER_IP": "1000000 per minute",
        }
        nip = plan["nips"][0]
        module = next(iter(plan["modules"]))
        lesson_path = f"/modul/{module}/pelajaran/{plan['modules'][module][0]}"
        print("[bench] Kolibri: provisioning…", flush=True)
        kolibri_env = prepare_kolibri(python, workdir / "kolibri-home")

        wait_for_quiet(args)
        floor = measure_floor(args, workdir)
        naive = measure_naive(args, workdir, env, nip, lesson_path)
        with (workdir / "gunicorn-lentera.log").open("w") as log, gunicorn_for("wsgi:app", args, env, log) as srv:
            cookie = logged_in_cookie(srv.url, nip, plan["password"])
            warm(srv, [lesson_path], cookie)
            print("[bench] wrk Lentera lesson page…", flush=True)
            lesson = WrkResult(
                name="Lentera lesson page (logged in)",
                path=lesson_path,
                **run_wrk(srv.url + lesson_path, connections=args.connections, seconds=args.wrk_seconds, cookie=cookie),
            )
            jar = [{"name": k, "value": v} for k, v in (part.split("=", 1) for part in cookie.split("; "))]
            lentera_load = page_load("Lentera lesson page", srv.url, lesson_path, jar, "/static/")
            settings = srv.settings
        kolibri_server = Gunicorn(
            "kolibri.deployment.default.wsgi:application",
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            env=kolibri_env,
            log=(workdir / "gunicorn-kolibri.log").open("w"),
            extra_args=("--preload",) if args.preload else (),
            python=python,
            cwd=workdir,
        )
        kolibri: list[WrkResult] = []
        with kolibri_server.start(ready_path="/api/public/info/", timeout=120) as srv:
            http = kolibri_session(srv.url)
            cookie = cookie_header(http)
            warm(srv, [path for _name, path in KOLIBRI_GETS], cookie)
            for name, path in KOLIBRI_GETS:
                print(f"[bench] wrk {name}…", flush=True)
                measured = run_wrk(
                    srv.url + path, connections=args.connections, seconds=args.wrk_seconds, cookie=cookie
                )
                kolibri.append(WrkResult(name=name, path=path, **measured))
            jar = [{"name": c.name, "value": c.value} for c in http.cookies]
            kolibri_load = page_load("Kolibri resource page", srv.url, KOLIBRI_VIEW, jar, "/static/")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = render(args, floor, naive, lesson, kolibri, [lentera_load, kolibri_load], settings)
    print(text)
    print(json.dumps({"lesson_rps": lesson.rps, "naive_rps": naive.rps, "kolibri_view_rps": combined_rate(kolibri)}))
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-kolibri", text)


if __name__ == "__main__":
    main()
