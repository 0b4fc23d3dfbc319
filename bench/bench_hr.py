"""`make bench-hr`: the HR desk at city scale — 15,000 ASN in 35 OPD, ~100,000 completions, 5,000 external
records, 10 assignments — timing the compliance dashboard (city, one OPD, below-target list), the 15,000-row
below-target XLSX and an assignment's progress, on SQLite and PostgreSQL; writes docs/performance.md.

Seeding is in bulk (executemany inserts, one shared password hash). Server time is measured around the
Flask test client's request (no network, no browser): median and p95 of several runs after a warm-up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_hr"
PASSWORD = "Bench-Lentera-2026!"
BATCH = 5000


def _ensure_pg_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database when it does not exist."""
    import psycopg

    base, name = url.rsplit("/", 1)
    conninfo = base.replace("postgresql+psycopg://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def make_app(url: str):
    from config import DevelopmentConfig
    from lms import create_app

    class Config(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-hr"
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False
        RATELIMIT_STORAGE_URI = "memory://"

    return create_app(Config)


def _insert(model, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from lms.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def seed(args, rng: random.Random) -> dict:
    """Fill an empty schema; returns what the timings need (HR NIP, the biggest OPD, an assignment id, counts)."""
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from bench.seed import _opd_file_names, bench_nip
    from lms import dates
    from lms.accounts.models import Opd, User, UserRole
    from lms.assignments.models import Assignment, AssignmentMember, AssignmentOpd
    from lms.content.models import Module
    from lms.extensions import db
    from lms.external.models import ExternalTraining
    from lms.learning.models import Completion

    year = dates.this_year()
    now = datetime.now(UTC)
    start_of_year, _end = dates.year_bounds(year)
    names = _opd_file_names(args.opds)
    names += [f"OPD Bench {n}" for n in range(len(names), args.opds)]
    _insert(Opd, [{"name": name, "is_active": True} for name in names])
    opd_ids = list(db.session.scalars(select(Opd.id).order_by(Opd.id)))
    _insert(
        Module,
        [
            {
                "slug": f"bench-hr-{n}",
                "title": f"Modul Bench {n}",
                "summary": "-",
                "jp": 1 + n % 4,
                "content_hash": f"{n:064d}",
            }
            for n in range(args.modules)
        ],
    )
    modules = dict(db.session.execute(select(Module.id, Module.jp)).all())
    module_ids = list(modules)
    # OPDs of very different sizes, as in Semarang (Dinas Pendidikan is large, a kecamatan small)
    weights = [1 + (n % 7) * 2 for n in range(len(opd_ids))]
    people = [
        {
            "nip": bench_nip(n),
            "name": f"ASN Bench {n:05d}",
            "employee_type": "PPPK" if n % 5 == 0 else "PNS",
            "opd_id": rng.choices(opd_ids, weights)[0],
            "is_active_account": True,
        }
        for n in range(args.people)
    ]
    hr_nip = bench_nip(args.people)
    people.append(
        {
            "nip": hr_nip,
            "name": "HR Bench",
            "employee_type": "PNS",
            "opd_id": opd_ids[0],
            "is_active_account": True,
            "password_hash": generate_password_hash(PASSWORD),
        }
    )
    _insert(User, people)
    users = dict(db.session.execute(select(User.nip, User.id)).all())
    hr_id = users.pop(hr_nip)
    user_ids = list(users.values())
    _insert(UserRole, [{"user_id": u, "role": "peserta"} for u in user_ids] + [{"user_id": hr_id, "role": "hr"}])

    # ~100,000 completions: half this year (up to now), half last year; each module once per person
    completions = []
    per_person = max(args.completions // args.people, 1)
    span = (now - start_of_year).total_seconds()
    for user_id in user_ids:
        count = rng.randint(0, 2 * per_person)
        for module_id in rng.sample(module_ids, min(count, len(module_ids))):
            this_year = rng.random() < 0.5
            moment = (
                start_of_year + timedelta(seconds=rng.random() * span)
                if this_year
                else start_of_year - timedelta(days=rng.random() * 364 + 1)
            )
            void = rng.random() < 0.02
            completions.append(
                {
                    "user_id": user_id,
                    "module_id": module_id,
                    "cycle": 1,
                    "started_at": moment - timedelta(hours=2),
                    "completed_at": moment,
                    "jp": modules[module_id],
                    "module_version": 1,
                    "score": 80,
                    "voided_at": moment if void else None,
                    "jp_exclusion": "void" if void else None,
                }
            )
    _insert(Completion, completions)
    external = []
    for n in range(args.external):
        end_on = date(year, 1, 1) + timedelta(days=rng.randint(0, max((now.date() - date(year, 1, 1)).days, 0)))
        external.append(
            {
                "user_id": rng.choice(user_ids),
                "name": f"Diklat luar {n}",
                "organiser": "BPSDM Jawa Tengah",
                "kind": "diklat",
                "start_on": end_on,
                "end_on": end_on,
                "jp": rng.choice((2, 4, 8, 16)),
                "status": "approved" if n % 5 else "pending",
                "source": "hr",
            }
        )
    _insert(ExternalTraining, external)

    # 10 assignments: two to every ASN, eight to three OPDs each, due through the year
    members_by_opd: dict[int, list[int]] = {}
    for person in people[:-1]:
        members_by_opd.setdefault(person["opd_id"], []).append(users[person["nip"]])
    assignment_ids = []
    for n in range(args.assignments):
        due = date(year, 1 + (n * 11) // max(args.assignments, 1), 28)
        kind = "all" if n < 2 else "opd"
        assignment = Assignment(
            module_id=module_ids[n % len(module_ids)],
            target_kind=kind,
            start_on=date(year, 1, 1),
            due_on=due,
            allow_earlier_completion=n % 2 == 0,
            created_by_id=hr_id,
        )
        db.session.add(assignment)
        db.session.flush()
        assignment_ids.append(assignment.id)
        targets = opd_ids if kind == "all" else rng.sample(opd_ids, 3)
        if kind == "opd":
            _insert(AssignmentOpd, [{"assignment_id": assignment.id, "opd_id": o} for o in targets])
        _insert(
            AssignmentMember,
            [
                {"assignment_id": assignment.id, "user_id": u, "due_on": due, "added_at": now}
                for o in targets
                for u in members_by_opd.get(o, [])
            ],
        )
    db.session.commit()
    biggest = max(members_by_opd, key=lambda o: len(members_by_opd[o]))
    return {
        "hr_nip": hr_nip,
        "opd_id": biggest,
        "opd_people": len(members_by_opd[biggest]),
        "assignment_id": assignment_ids[0],
        "year": year,
        "counts": {
            "people": args.people,
            "opds": len(opd_ids),
            "completions": db.session.scalar(select(func.count()).select_from(Completion)),
            "external": args.external,
            "assignments": args.assignments,
            "members": db.session.scalar(select(func.count()).select_from(AssignmentMember)),
        },
    }


def timed(client, url: str, runs: int) -> tuple[list[float], list[float], int, int]:
    """Wall and CPU milliseconds (this process: the app, and SQLite inside it) of `runs` GETs of `url`
    after one warm-up; the status and body size of the last."""
    response = client.get(url)
    response.get_data()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu, response.status_code, len(body)


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def run_backend(label: str, url: str, args) -> tuple[list[str], dict]:
    import io

    from openpyxl import load_workbook
    from sqlalchemy import func, select

    from lms import dates
    from lms.extensions import db

    app = make_app(url)
    rng = random.Random(13)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        info = seed(args, rng)
        seconds = time.perf_counter() - started
        db.session.remove()  # let go of the connection (on SQLite, of the write lock) before ANALYZE
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
    print(f"[{label}] seeded in {seconds:.1f} s: {info['counts']}")
    client = app.test_client()
    response = client.post("/login", data={"nip": info["hr_nip"], "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    year, opd_id = info["year"], info["opd_id"]
    pages = [
        ("city dashboard `/hr/dasbor`", f"/hr/dasbor?tahun={year}", args.runs, 300),
        (f"one OPD's dashboard ({info['opd_people']:,} ASN)", f"/hr/dasbor/opd/{opd_id}?tahun={year}", args.runs, 300),
        ("below-target list, page 1", f"/hr/dasbor/belum-target?tahun={year}", args.runs, 300),
        ("below-target list, NIP search", f"/hr/dasbor/belum-target?tahun={year}&q=1970", args.runs, 300),
        ("OPD summary PDF", f"/hr/dasbor/opd/{opd_id}/ringkasan.pdf?tahun={year}", args.runs, None),
    ]
    progress = "/hr/penugasan/<id:assignment_id>"
    has_progress_page = any(rule.rule == progress for rule in app.url_map.iter_rules())
    if has_progress_page:
        pages.append(
            (
                "an assignment's progress `/hr/penugasan/<id>` (all ASN)",
                f"/hr/penugasan/{info['assignment_id']}",
                args.runs,
                300,
            )
        )
    rows = []
    for name, path, runs, target in pages:
        times, cpu, status, _size = timed(client, path, runs)
        assert status == 200, (path, status)
        goal = f"< {target} ms" if target else ""
        rows.append(
            f"| {name} | {statistics.median(times):.0f} ms | {p95(times):.0f} ms | {statistics.median(cpu):.0f} ms "
            f"| {goal} |"
        )
    # the 15,000-row XLSX: below-target list of a year nobody has JP in yet (every ASN is listed), and this year's
    for year_label, export_year in (("next year: every ASN", year + 1), ("this year", year)):
        path = f"/hr/dasbor/belum-target?tahun={export_year}&format=xlsx"
        times, cpu, status, size = timed(client, path, args.export_runs)
        assert status == 200
        sheet = load_workbook(io.BytesIO(client.get(path).get_data()), read_only=True).active
        count = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
        rows.append(
            f"| below-target XLSX, {year_label} ({count:,} rows, {size / 1024 / 1024:.1f} MiB) | "
            f"{statistics.median(times) / 1000:.2f} s | {p95(times) / 1000:.2f} s | "
            f"{statistics.median(cpu) / 1000:.2f} s | < 5 s |"
        )
    if not has_progress_page:
        from lms.assignments.queries import member_states

        with app.app_context():
            times, cpu = [], []
            for _ in range(args.runs + 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                states = member_states(dates.today())
                db.session.execute(
                    select(states.c.state, func.count())
                    .where(states.c.assignment_id == info["assignment_id"])
                    .group_by(states.c.state)
                ).all()
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            times, cpu = times[1:], cpu[1:]
        rows.append(
            f"| `member_states` of one assignment (all ASN), grouped by state (no page yet) | "
            f"{statistics.median(times):.0f} ms | {p95(times):.0f} ms | {statistics.median(cpu):.0f} ms | < 300 ms |"
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows, {**info, "seed_seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=15_000)
    parser.add_argument("--opds", type=int, default=35)
    parser.add_argument("--completions", type=int, default=100_000)
    parser.add_argument("--external", type=int, default=5_000)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--modules", type=int, default=40)
    parser.add_argument("--runs", type=int, default=9, help="timed requests per page")
    parser.add_argument("--export-runs", type=int, default=3, help="timed XLSX downloads")
    parser.add_argument("--postgresql", default=DEFAULT_PG, help="database URL ('' to skip PostgreSQL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()

    import os

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    sections = []
    backends = []
    if not args.no_sqlite:
        tmp = tempfile.mkdtemp(prefix="bench-hr-")
        backends.append(("SQLite", f"sqlite:///{Path(tmp) / 'hr.sqlite'}"))
    if args.postgresql:
        _ensure_pg_database(args.postgresql)
        backends.append(("PostgreSQL", args.postgresql))
    info = {}
    for label, url in backends:
        rows, info = run_backend(label, url, args)
        sections.append(
            f"### {label} (seeded in {info['seed_seconds']:.0f} s)\n\n"
            "| measure | wall, median | wall, p95 | app CPU, median | target |\n|---|---|---|---|---|\n"
            + "\n".join(rows)
        )
    counts = info.get("counts", {})
    body = (
        "## HR desk at city scale (`make bench-hr`)\n\n"
        f"{counts.get('people', 0):,} ASN in {counts.get('opds', 0)} OPD (of very different sizes), "
        f"{counts.get('completions', 0):,} completions (half this year, 2 % voided), "
        f"{counts.get('external', 0):,} external records (80 % approved), {counts.get('assignments', 0)} "
        f"assignments with {counts.get('members', 0):,} members in all; targets PNS/PPPK 20 JP. Server time "
        f"around the Flask test client's request, {args.runs} runs per page ({args.export_runs} per XLSX) after "
        "a warm-up, logged in as city-wide HR; every figure is aggregated in SQL (a bounded number of queries "
        "per page, tests/hr/test_dashboard_views.py). *App CPU* is this process's CPU time (Flask, and SQLite "
        "inside it; PostgreSQL works in its own process): the steadier figure on a busy machine"
        + (f" — the 1-minute load average was {load_before:.1f} when it started" if load_before is not None else "")
        + ".\n\n"
        + "\n\n".join(sections)
        + "\n"
    )
    print(body)
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-hr", body)


if __name__ == "__main__":
    main()
