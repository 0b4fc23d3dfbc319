"""A person's own data as JSON (UU 27/2022 PDP): each domain registers what it holds about them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lms import dates
from lms.accounts.models import User
from lms.accounts.queries import audit_about

Exporter = Callable[[User], Any]
_EXPORTERS: dict[str, Exporter] = {}


def register_personal_data(section: str, exporter: Exporter) -> None:
    """Higher domains (learning, quizzes, certificates) add their section without being imported here."""
    _EXPORTERS[section] = exporter


def export_personal_data(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dibuat_pada": dates.now().isoformat(),
        "akun": {
            "nip": user.nip,
            "nama": user.name,
            "email": user.email,
            "jenis_pegawai": user.employee_type,
            "opd": user.opd.name if user.opd else None,
            "unit_kerja": user.unit_kerja,
            "jabatan": user.jabatan,
            "pangkat_golongan": user.pangkat_golongan,
            "peran": sorted(user.roles),
            "aktif": user.is_active_account,
            "bahasa": user.locale,
            "email_opsional": user.wants_optional_mail,
            "dibuat": dates.local_iso(user.created_at),
            "login_terakhir": dates.local_iso(user.last_login_at),
        },
        "catatan_audit": [
            {"waktu": dates.local_iso(e.created_at), "tindakan": e.action, "ringkasan": e.summary}
            for e in audit_about(user)
        ],
    }
    for section, exporter in _EXPORTERS.items():
        data[section] = exporter(user)
    return data
