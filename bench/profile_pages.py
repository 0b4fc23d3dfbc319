"""Where a page's time goes: in-process timing, SQL statements and a pyinstrument profile per page.

    python -m bench.profile_pages                   # every page: ms per request and statements
    python -m bench.profile_pages --profile lesson  # and the call tree of one page (pyinstrument)

Runs on the `make bench` seed in a temporary SQLite file (or --database-url), with no server in the
way, so the numbers are the app's own cost per request: what to shrink to get closer to the floor.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", default=None, help="a page name to profile: floor, login, beranda, lesson, …")
    args = parser.parse_args()

    from bench.bench_load import CSRF, app_for
    from bench.floor_app import app as floor_app
    from bench.seed import seed
    from lms.extensions import db

    with tempfile.TemporaryDirectory(prefix="lentera-profile-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'profile.sqlite'}"
        app = app_for(url)
        with app.app_context():
            plan = seed(Path(tmp))
            engine = db.engine
            db.session.remove()
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        nip = plan.nips[0]
        assert client.post("/login", data={"csrf_token": token, "nip": nip, "password": plan.password}).status_code
        module = next(iter(plan.modules))
        lesson = f"/modul/{module}/pelajaran/{plan.modules[module][0]}"
        pages = {
            "floor": (floor_app.test_client(), "/"),
            "login page (anonymous)": (app.test_client(), "/login"),
            "healthz": (app.test_client(), "/healthz"),
            "beranda": (client, "/beranda"),
            "lesson": (client, lesson),
            "module": (client, f"/modul/{module}"),
            "katalog": (client, "/katalog"),
            "akun": (client, "/akun"),
        }
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        print(f"{'page':28} {'ms/request':>10} {'statements':>10} {'bytes':>8}")
        for name, (http, path) in pages.items():
            for _ in range(5):
                http.get(path)
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            response = http.get(path)
            event.remove(engine, "before_cursor_execute", count)
            n_statements = len(statements)
            started = time.perf_counter()
            for _ in range(args.requests):
                http.get(path)
            per_request = (time.perf_counter() - started) / args.requests * 1000
            print(f"{name:28} {per_request:10.2f} {n_statements:10d} {len(response.data):8d}  {response.status_code}")

        if args.profile:
            from pyinstrument import Profiler

            http, path = next(v for k, v in pages.items() if k.startswith(args.profile))
            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(args.requests):
                http.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
