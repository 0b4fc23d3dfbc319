"""`make bench-certs`: milliseconds per certificate PDF, throughput on every core, and a ZIP of 1,000."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path


def snapshot(i: int):
    """A realistic snapshot, different for every i (number, code, name, dates), as a real batch would be."""
    from lms.certificates.numbering import format_number
    from lms.certificates.pdf import CertificateSnapshot

    return CertificateSnapshot(
        number=format_number("LMS", 2026, i + 1),
        verification_code=f"{i:08d}Zq3l8m0b9X2yT5vW7uR1sP4o"[:32],
        name=f"Siti Nurhaliza Ayuningtyas {i}, S.Kom., M.T.",
        nip=f"19860926201505{1 + i % 2}{i % 1000:03d}",
        pangkat_golongan="Penata Tingkat I (III/d)",
        jabatan="Pranata Komputer Ahli Muda",
        unit_kerja="Bidang Aplikasi Informatika",
        opd="Dinas Komunikasi, Informatika, Statistik dan Persandian",
        instansi="Pemerintah Kota Semarang",
        module_title="Literasi Digital bagi ASN: Cakap, Etika, Budaya dan Keamanan Digital",
        module_version=1,
        jp=2 + i % 10,
        score=70 + i % 31,
        organiser="BKPP Kota Semarang",
        started_on=date(2026, 11, 1 + i % 20),
        completed_on=date(2026, 11, 28),
        issued_on=date(2026, 11, 28),
        issued_at=datetime(2026, 11, 28, 6, 15, i % 60, tzinfo=UTC),
        place="Semarang",
        signer_title="Kepala BKPP Kota Semarang",
        signer_name="Drs. Bambang Suranggono, M.M.",
        signer_nip="197001011990031002",
    )


def settings():
    from lms.certificates.pdf import CertificateSettings

    return CertificateSettings(public_url="https://lentera.semarangkota.go.id")


def render_range(bounds: tuple[int, int]) -> int:
    """Render certificates start..stop-1 in this process; returns the bytes produced."""
    from lms.certificates.pdf import render_certificate_pdf

    start, stop = bounds
    config = settings()
    return sum(len(render_certificate_pdf(snapshot(i), config)) for i in range(start, stop))


def time_renders(count: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds of each of `count` renders, after a short warm-up; and the mean size."""
    from lms.certificates.pdf import render_certificate_pdf

    config = settings()
    for i in range(5):
        render_certificate_pdf(snapshot(i), config)
    wall, cpu, size = [], [], 0
    for i in range(count):
        item = snapshot(i)
        w0, c0 = time.perf_counter(), time.process_time()
        size += len(render_certificate_pdf(item, config))
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu, size // count


def parallel_throughput(count: int, workers: int) -> float:
    """Certificates per second with `workers` processes sharing `count` renders."""
    chunk = -(-count // workers)
    ranges = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(render_range, [(0, 3)] * workers))  # warm every worker (imports, font cmap)
        start = time.perf_counter()
        list(pool.map(render_range, ranges))
        return count / (time.perf_counter() - start)


def zip_seconds(count: int) -> tuple[float, int]:
    """Seconds to render `count` certificates into a ZIP on disk (stored: the PDFs are compressed already)."""
    from lms.certificates.exports import certificate_filename
    from lms.certificates.pdf import render_certificate_pdf

    config = settings()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sertifikat.zip"
        start = time.perf_counter()
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            for i in range(count):
                item = snapshot(i)
                name = certificate_filename(item.nip, "literasi-digital", item.number)
                archive.writestr(name, render_certificate_pdf(item, config))
        return time.perf_counter() - start, path.stat().st_size


def zip_through_the_desk(count: int) -> tuple[float, int]:
    """Seconds for a logged-in HR officer to download /hr/sertifikat/unduh.zip of `count` issued
    certificates (stored PDFs, read from SQLite and streamed), and the ZIP's size.

    The certificates are written in bulk with one rendered PDF shared by all (same size as any), so
    the setup takes seconds; the download path is the production one: auth, search, batches, ZIP.
    """
    import io
    from datetime import timedelta

    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from bench.seed import bench_nip
    from config import DevelopmentConfig
    from lms import create_app
    from lms.accounts.models import Opd, User, UserRole
    from lms.certificates.models import Certificate, CertificateFile
    from lms.certificates.pdf import render_certificate_pdf
    from lms.content.models import Module
    from lms.extensions import db
    from lms.learning.models import Completion

    with tempfile.TemporaryDirectory() as tmp:

        class Config(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(tmp) / 'zip.sqlite'}"
            SECRET_KEY = "bench-certs"
            WTF_CSRF_ENABLED = False
            RATELIMIT_ENABLED = False

        app = create_app(Config)
        password = "Bench-Lentera-2026!"
        with app.app_context():
            db.create_all()
            opd = Opd(name="Dinas Komunikasi, Informatika, Statistik dan Persandian")
            module = Module(slug="literasi-digital", title="Literasi Digital", summary="-", jp=4, content_hash="0" * 64)
            db.session.add_all([opd, module])
            db.session.flush()
            common = {"employee_type": "PNS", "opd_id": opd.id, "is_active_account": True}
            db.session.execute(
                insert(User),
                [{"nip": bench_nip(n), "name": f"ASN {n}", **common} for n in range(count)]
                + [
                    {"nip": bench_nip(count), "name": "HR", "password_hash": generate_password_hash(password), **common}
                ],
            )
            users = dict(db.session.execute(select(User.nip, User.id)).all())
            hr_id = users[bench_nip(count)]
            db.session.execute(insert(UserRole), [{"user_id": hr_id, "role": "hr"}])
            now = datetime.now(UTC)
            db.session.execute(
                insert(Completion),
                [
                    {
                        "user_id": users[bench_nip(n)],
                        "module_id": module.id,
                        "started_at": now - timedelta(days=3),
                        "completed_at": now,
                        "jp": 4,
                        "module_version": 1,
                    }
                    for n in range(count)
                ],
            )
            completion_ids = dict(db.session.execute(select(Completion.user_id, Completion.id)).all())
            pdf = render_certificate_pdf(snapshot(0), settings())
            rows = []
            for n in range(count):
                item = snapshot(n)
                user_id = users[bench_nip(n)]
                rows.append(
                    {
                        "completion_id": completion_ids[user_id],
                        "issue_no": 1,
                        "user_id": user_id,
                        "module_id": module.id,
                        "opd_id": opd.id,
                        "number": item.number,
                        "year": 2026,
                        "seq": n + 1,
                        "verification_code": f"{n:032d}",
                        "status": "valid",
                        "name": item.name,
                        "nip": bench_nip(n),
                        "instansi": item.instansi,
                        "module_slug": module.slug,
                        "module_title": item.module_title,
                        "module_version": 1,
                        "jp": 4,
                        "score": item.score,
                        "organiser": item.organiser,
                        "started_on": item.started_on,
                        "completed_on": item.completed_on,
                        "issued_on": item.issued_on,
                        "issued_at": item.issued_at,
                        "place": item.place,
                        "signer_title": item.signer_title,
                    }
                )
            db.session.execute(insert(Certificate), rows)
            ids = list(db.session.scalars(select(Certificate.id)))
            db.session.execute(
                insert(CertificateFile),
                [{"certificate_id": i, "sha256": "0" * 64, "size": len(pdf), "pdf": pdf} for i in ids],
            )
            db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"nip": bench_nip(count), "password": password})
        assert response.status_code == 302, response.status_code
        start = time.perf_counter()
        response = client.get("/hr/sertifikat/unduh.zip")
        data = response.get_data()
        seconds = time.perf_counter() - start
        assert response.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == count
        with app.app_context():
            db.engine.dispose()
        return seconds, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=200, help="certificates timed one by one")
    parser.add_argument("--zip", type=int, default=1000, help="certificates in the ZIP (0 to skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    wall, cpu, size = time_renders(args.renders)
    p95 = statistics.quantiles(wall, n=20)[18]
    rate = parallel_throughput(max(args.renders, 50 * args.workers), args.workers)
    rows = [
        "| measure | result | target |",
        "|---|---|---|",
        f"| one PDF, wall, median | {statistics.median(wall):.1f} ms | < 50 ms |",
        f"| one PDF, wall, mean / p95 | {statistics.mean(wall):.1f} / {p95:.1f} ms | |",
        f"| one PDF, CPU, median | {statistics.median(cpu):.1f} ms | |",
        f"| throughput, {args.workers} processes | {rate:.0f} PDF/s ({1000 / rate:.1f} ms each) | |",
        f"| PDF size, mean | {size / 1024:.1f} KiB | |",
    ]
    if args.zip:
        seconds, zip_size = zip_through_the_desk(args.zip)
        rows.append(
            f"| ZIP of {args.zip:,} from the HR desk (stored PDFs, streamed) | {seconds:.2f} s "
            f"({zip_size / 1024 / 1024:.1f} MiB) | < 30 s |"
        )
        seconds, zip_size = zip_seconds(args.zip)
        rows.append(f"| ZIP of {args.zip:,} rendered afresh in one process | {seconds:.1f} s | |")
    load = f" The 1-minute load average was {load_before:.1f} when it started." if load_before is not None else ""
    body = (
        "## Certificates (`make bench-certs`)\n\n"
        f"{args.renders} different certificates rendered one after another by "
        "`lms.certificates.pdf.render_certificate_pdf` (A4 landscape, four embedded DejaVu subsets, vector QR "
        "code), after a warm-up. The HR desk's ZIP is downloaded by a logged-in HR officer from a SQLite "
        "database holding the PDFs stored at issue; rendering the same ZIP afresh is shown for comparison "
        f"(why PDFs are stored at issue). CPU time is the steadier figure on a busy machine.{load}\n\n"
        + "\n".join(rows)
        + "\n"
    )
    print(body)
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-certs", body)


if __name__ == "__main__":
    main()
