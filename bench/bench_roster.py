"""`make bench-roster`: a roster import at city scale, through the admin's pages, on SQLite and PostgreSQL.

Seeds 13,000 accounts in the 52 seeded OPDs, then previews and confirms a 15,000-row roster (full-roster
mode) in which 2,000 accounts change (a mutasi, a new jabatan or pangkat, a new e-mail, a corrected name)
and 2,000 people are new; then previews a 20,000-row file (7,000 new). Each step is timed as the admin
sees it (the upload or the confirm POST through the app, CSRF included) and, inside it, the parts:
reading the CSV, planning against the database, writing.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SEEDED = 13000
CHANGED = 2000
NEW = 2000
BIG_NEW = 7000
PASSWORD = "Bench-Roster-2026!"
ADMIN_NIP = "196001011985011001"
HEADER = "nip,nama,email,opd,unit_kerja,jabatan,pangkat_golongan,peran"


def nip_of(i: int) -> str:
    """A valid, distinct NIP for person i: (birth date, TMT year) is unique per i."""
    birth = date(1970, 1, 1) + timedelta(days=i % 9000)
    start_year = 2000 + i // 9000
    return f"{birth:%Y%m%d}{start_year}{1 + i % 12:02d}{1 + i % 2}{i % 1000:03d}"


def person(i: int, opds: list[str], changed: bool = False) -> list[str]:
    opd = opds[i % len(opds)] if not changed else opds[(i + 7) % len(opds)]  # a change moves her
    jabatan = "Pelaksana" if not changed else "Analis Kebijakan Ahli Pertama"
    email = f"asn{i}@semarangkota.go.id" if not changed else f"asn{i}.baru@semarangkota.go.id"
    return [nip_of(i), f"ASN Nomor {i}", email, opd, f"Sub Bagian {i % 5}", jabatan, "Penata (III/c)", "peserta"]


def roster(rows: list[list[str]]) -> bytes:
    return ("\n".join([HEADER, *(",".join(f'"{v}"' if "," in v else v for v in r) for r in rows)]) + "\n").encode()


def seed(db, opd_rows) -> None:
    from sqlalchemy import insert, literal, select

    from lms.accounts.models import User, UserRole

    users = []
    for i in range(SEEDED):
        nip, name, email, opd, unit, jabatan, pangkat, _ = person(i, [o.name for o in opd_rows])
        users.append(
            {
                "nip": nip,
                "name": name,
                "email": email,
                "employee_type": "PNS",
                "opd_id": opd_rows[i % len(opd_rows)].id,
                "unit_kerja": unit,
                "jabatan": jabatan,
                "pangkat_golongan": pangkat,
            }
        )
    for start in range(0, len(users), 2000):
        db.session.execute(insert(User), users[start : start + 2000])
    db.session.execute(
        insert(UserRole).from_select(["user_id", "role"], select(User.id, literal("peserta")).select_from(User))
    )
    db.session.commit()


class Admin:
    """The admin's browser: a test client that logs in and posts forms with their CSRF token."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def token(self, url: str) -> str:
        page = self.client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def login(self, nip: str) -> None:
        response = self.client.post(
            "/login", data={"nip": nip, "password": PASSWORD, "csrf_token": self.token("/login")}
        )
        assert response.status_code == 302, response.status_code

    def upload(self, data: bytes, full: bool):
        form = {"csrf_token": self.token("/admin/impor"), "file": (io.BytesIO(data), "roster.csv")}
        if full:
            form["full_roster"] = "y"
        return self.client.post("/admin/impor", data=form)

    def confirm(self, preview) -> object:
        import html

        page = preview.get_data(as_text=True)
        fields = {
            name: html.unescape(re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1))
            for name in ("csrf_token", "payload", "mode", "fingerprint")
        }
        return self.client.post("/admin/impor/konfirmasi", data=fields)


def parts(data: bytes, full: bool) -> tuple[float, float]:
    """Reading and planning on their own (no request): seconds for parse_roster_csv and build_plan."""
    from lms.accounts import csv_import, roster

    start = time.perf_counter()
    parsed = csv_import.parse_roster_csv(data)
    read = time.perf_counter() - start
    roster.build_plan(parsed, actor=roster.Actor(), full_roster=full)
    return read, time.perf_counter() - start - read


def run(url: str) -> dict:
    os.environ["LMS_ENV"] = "development"
    from config import DevelopmentConfig
    from lms import create_app
    from lms.accounts import services
    from lms.accounts.models import Opd, User
    from lms.extensions import db

    class Config(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench"
        RATELIMIT_ENABLED = False

    app = create_app(Config)
    result: dict = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        services.seed_opds()
        db.session.commit()
        opd_rows = list(db.session.scalars(db.select(Opd).order_by(Opd.id)))
        names = [o.name for o in opd_rows]
        start = time.perf_counter()
        seed(db, opd_rows)
        result["seed"] = time.perf_counter() - start
        services.create_user(nip=ADMIN_NIP, name="Admin Bench", roles=("admin",), password=PASSWORD)
        db.session.commit()
        db.session.remove()

    rows = [
        person(i, names, changed=i % (SEEDED // CHANGED) == 0 and i // (SEEDED // CHANGED) < CHANGED)
        for i in range(SEEDED)
    ]
    rows += [person(SEEDED + i, names) for i in range(NEW)]
    changed = sum(1 for i in range(SEEDED) if i % (SEEDED // CHANGED) == 0 and i // (SEEDED // CHANGED) < CHANGED)
    assert len(rows) == SEEDED + NEW and changed == CHANGED, (len(rows), changed)
    data = roster(rows)
    big = roster(rows + [person(SEEDED + NEW + i, names) for i in range(BIG_NEW - NEW)])
    result["bytes"] = len(data)

    browser = Admin(app)
    browser.login(ADMIN_NIP)
    with app.app_context():
        result["read"], result["plan"] = parts(data, True)
        db.session.remove()
    start = time.perf_counter()
    preview = browser.upload(data, True)
    result["preview"] = time.perf_counter() - start
    page = preview.get_data(as_text=True)
    assert f"Pratinjau: {NEW} akun baru, {CHANGED} diperbarui, 0 dinonaktifkan" in page, page[-3000:]
    start = time.perf_counter()
    done = browser.confirm(preview)
    result["confirm"] = time.perf_counter() - start
    assert "Impor selesai" in done.get_data(as_text=True), done.get_data(as_text=True)[-2000:]
    with app.app_context():
        total = db.session.scalar(db.select(db.func.count()).select_from(User))
        assert total == SEEDED + NEW + 1, total
        start = time.perf_counter()
        again = parts(data, True)
        result["replan"] = sum(again)
        big_read, big_plan = parts(big, False)
        result["big_parts"] = big_read + big_plan
        db.session.remove()
    start = time.perf_counter()
    preview = browser.upload(big, False)
    result["big_preview"] = time.perf_counter() - start
    assert f"Pratinjau: {BIG_NEW - NEW} akun baru, 0 diperbarui" in preview.get_data(as_text=True)
    result["big_bytes"] = len(big)
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return result


def ensure_pg_database(url: str) -> str | None:
    """Create the benchmark's own database when missing; None when PostgreSQL answers, else why not."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means: skip PostgreSQL, say why
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/lentera_bench_roster"),
        help="a database of its own: it is emptied (drop_all) before and after",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()

    results: dict[str, dict] = {}
    notes: list[str] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                results["SQLite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
            elif backend == "postgresql":
                problem = ensure_pg_database(args.pg_url)
                if problem:
                    notes.append(f"PostgreSQL not measured: {problem}")
                    continue
                results["PostgreSQL"] = run(args.pg_url)
            print(backend, "done")

    lines = [
        "## Roster import (`make bench-roster`)",
        "",
        f"{SEEDED:,} accounts seeded in the 52 seeded OPDs; a {SEEDED + NEW:,}-row roster "
        f"({CHANGED:,} changed: mutasi to another OPD, jabatan, e-mail; {NEW:,} new; full-roster mode) previewed and "
        f"confirmed through the admin's pages; then a {SEEDED + BIG_NEW:,}-row file previewed. Seconds, as the "
        "admin waits for each page (the request through the app: CSRF, upload, plan, page with the capped lists; "
        "the confirm plans again, compares the fingerprint, writes everything in one transaction, audits each "
        "account, sends the signals, shows the codes).",
        "",
        "| step | " + " | ".join(results) + " | target |",
        "|---|" + "---|" * len(results) + "---|",
    ]
    rows = [
        ("read the 15,000-row CSV (parse_roster_csv)", "read", ""),
        ("plan it against 13,000 accounts (build_plan)", "plan", ""),
        ("**preview page**, 15,000 rows (upload POST)", "preview", "< 10"),
        ("**confirm**, 15,000 rows: re-plan + apply 2,000 updates + 2,000 new + commit", "confirm", "< 10"),
        ("re-plan the same file afterwards (all unchanged)", "replan", ""),
        ("read + plan the 20,000-row file", "big_parts", ""),
        ("**preview page**, 20,000 rows", "big_preview", "< 10"),
        ("(seeding 13,000 accounts, not part of the import)", "seed", ""),
    ]
    for label, key, target in rows:
        lines.append(f"| {label} | " + " | ".join(f"{r[key]:.2f}" for r in results.values()) + f" | {target} |")
    if results:
        any_result = next(iter(results.values()))
        lines += [
            "",
            f"The 15,000-row file is {any_result['bytes'] / 1e6:.1f} MB and the 20,000-row one "
            f"{any_result['big_bytes'] / 1e6:.1f} MB; the preview page carries the file back in a hidden field "
            "(as before), so the confirm sends it again (under `LMS_MAX_UPLOAD_BYTES`, 5 MiB by default).",
        ]
    if load is not None:
        notes.append(f"Load average when the run started: {load:.1f} (other work shares the machine: expect noise).")
    lines += [f"\n{note}" for note in notes]
    body = "\n".join(lines) + "\n"
    print(body)
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-roster", body)


if __name__ == "__main__":
    main()
