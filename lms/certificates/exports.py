"""Certificate file names, pure: the name of each PDF inside a ZIP or a download."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_part(value: str) -> str:
    return _UNSAFE.sub("-", value).strip("-.") or "x"


def certificate_filename(nip: str, module_slug: str, number: str) -> str:
    """'<NIP>_<module-slug>_<number>.pdf' with '/' and anything else unsafe in a file name made '-'.

    198609262015051001_literasi-digital_LMS-2026-000123.pdf — no directories, no dot-files, the same
    on Windows, macOS and Linux.
    """
    return f"{_safe_part(nip)}_{_safe_part(module_slug)}_{_safe_part(number)}.pdf"
