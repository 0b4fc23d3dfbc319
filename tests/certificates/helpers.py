"""Small factories for the certificate tests: a realistic snapshot and settings, overridable field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from lms.certificates.pdf import CertificateSettings, CertificateSnapshot

PUBLIC_URL = "https://lentera.semarangkota.go.id"
CODE = "Zq3l8m0b9X2yT5vW7uR1sP4oN6kJ8hG0"


def make_snapshot(**overrides) -> CertificateSnapshot:
    snapshot = CertificateSnapshot(
        number="LMS/2026/000123",
        verification_code=CODE,
        name="Dra. Rr. Siti Nurhaliza Ayuningtyas, M.Si.",
        nip="198609262015051001",
        pangkat_golongan="Penata Tingkat I (III/d)",
        jabatan="Pranata Komputer Ahli Muda",
        unit_kerja="Bidang Aplikasi Informatika",
        opd="Dinas Komunikasi, Informatika, Statistik dan Persandian",
        instansi="Pemerintah Kota Semarang",
        module_title="Literasi Digital bagi ASN: Cakap, Etika, Budaya dan Keamanan Digital",
        module_version=3,
        jp=4,
        score=85,
        organiser="BKPP Kota Semarang",
        started_on=date(2026, 11, 3),
        completed_on=date(2026, 11, 28),
        issued_on=date(2026, 11, 28),
        issued_at=datetime(2026, 11, 28, 6, 15, tzinfo=UTC),
        place="Semarang",
        signer_title="Kepala BKPP Kota Semarang",
        signer_name="Drs. Bambang Suranggono, M.M.",
        signer_nip="197001011990031002",
    )
    return replace(snapshot, **overrides)


def make_settings(**overrides) -> CertificateSettings:
    return replace(CertificateSettings(public_url=PUBLIC_URL), **overrides)
