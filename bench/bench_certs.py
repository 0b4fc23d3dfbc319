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
        seconds, zip_size = zip_seconds(args.zip)
        rows.append(
            f"| ZIP of {args.zip:,} rendered in one process | {seconds:.1f} s ({zip_size / 1024 / 1024:.1f} MiB)"
            " | < 30 s |"
        )
    load = f" The 1-minute load average was {load_before:.1f} when it started." if load_before is not None else ""
    body = (
        "## Certificates (`make bench-certs`)\n\n"
        f"{args.renders} different certificates rendered one after another by "
        "`lms.certificates.pdf.render_certificate_pdf` (A4 landscape, four embedded DejaVu subsets, vector QR "
        "code), after a warm-up; the ZIP renders each PDF and stores it, as the HR desk's download does, "
        f"without the database reads. CPU time is the steadier figure on a busy machine.{load}\n\n"
        + "\n".join(rows)
        + "\n\nA ZIP rendered in one process takes about 1,000 × the CPU time per PDF, so the HR desk's "
        "ZIP should send the PDFs stored at issue (or render on every core) to stay under 30 s.\n"
    )
    print(body)
    if not args.no_write:
        from bench.report import write_section

        write_section("bench-certs", body)


if __name__ == "__main__":
    main()
