"""What counts toward JP: the one rule, pure, over a learner's completions of one module.

A completion earns its JP unless one of these holds, checked in this order (oldest completion first):

- ``void``: it was declared invalid — its certificate was revoked in a category that voids the
  completion (cheating, someone else's identity: the certificates domain's JP_EFFECTS table says which);
- ``same_year``: another completion of the same module already counts in the same year (WIB, the
  year of completion): a module earns JP at most once per calendar year;
- ``counted_before``: the module is not repeatable for JP (``jp_repeatable: false``) and an earlier
  completion of it already counts: recertification renews the certificate, not the JP.

The result is stored on each completion (`Completion.jp_exclusion`, NULL = counts) by
`lms.learning.services.recount_jp`, so every total — Beranda, Riwayat, the HR desk, the OPD tables,
the SIASN export, the recap PDF — is a plain sum of the completions that count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lms import dates

VOID = "void"
SAME_YEAR = "same_year"
COUNTED_BEFORE = "counted_before"
EXCLUSIONS = (VOID, SAME_YEAR, COUNTED_BEFORE)


def N_(message: str) -> str:
    """Mark for the catalogue; translated where shown."""
    return message


#: Why a completion earns no JP, as HR and the learner read it.
EXCLUSION_LABELS = {
    VOID: N_("Tidak dihitung: penyelesaian dinyatakan tidak sah"),
    SAME_YEAR: N_("Tidak dihitung: modul ini sudah dihitung pada tahun yang sama"),
    COUNTED_BEFORE: N_("Tidak dihitung: JP modul ini hanya dihitung sekali"),
}


@dataclass(frozen=True)
class JpEntry:
    """One completion as the rule sees it."""

    id: int
    completed_at: datetime
    is_void: bool


def jp_exclusions(entries: Iterable[JpEntry], *, repeatable: bool, zone: dates.Zone = None) -> dict[int, str | None]:
    """{completion id: None when it counts, else why not} for the completions of ONE learner on ONE module.

    `repeatable` is the module's `jp_repeatable`; years are read at the office (`zone`, WIB by default).
    """
    result: dict[int, str | None] = {}
    counted_years: set[int] = set()
    for entry in sorted(entries, key=lambda e: (e.completed_at, e.id)):
        year = dates.local_year(entry.completed_at, zone)
        if entry.is_void:
            result[entry.id] = VOID
        elif year in counted_years:
            result[entry.id] = SAME_YEAR
        elif counted_years and not repeatable:
            result[entry.id] = COUNTED_BEFORE
        else:
            result[entry.id] = None
            counted_years.add(year)
    return result
