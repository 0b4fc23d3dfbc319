"""A small world for the dashboard tests, computed by hand: two OPD, PNS and PPPK, Lentera and external JP,
voided and excluded completions, the WIB year boundary, mandatory modules on time, late and overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from lms.accounts.models import HrScope, Opd, User
from lms.extensions import db
from lms.external.models import APPROVED, PENDING, ExternalTraining
from lms.learning.models import Completion
from tests.assignments.helpers import assignment_with
from tests.certificates.factories import make_module
from tests.conftest import create_user, make_nip

YEAR = 2025


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def done(user, module, moment: datetime, *, cycle: int = 1, exclusion: str | None = None) -> Completion:
    """A completion at `moment` (UTC), its JP rule outcome given (`exclusion`, as recount_jp would store it)."""
    completion = Completion(
        user_id=user.id,
        module_id=module.id,
        cycle=cycle,
        started_at=moment,
        completed_at=moment,
        score=90,
        jp=module.jp,
        module_version=module.version,
        voided_at=moment if exclusion == "void" else None,
        jp_exclusion=exclusion,
    )
    db.session.add(completion)
    db.session.commit()
    return completion


def external(user, jp: int, end_on: date, status: str = APPROVED) -> ExternalTraining:
    row = ExternalTraining(
        user_id=user.id,
        name=f"Diklat {jp} JP",
        organiser="BPSDM Jawa Tengah",
        kind="diklat",
        start_on=end_on,
        end_on=end_on,
        jp=jp,
        status=status,
        source="hr",
    )
    db.session.add(row)
    db.session.commit()
    return row


def opd(name: str) -> Opd:
    unit = Opd(name=name)
    db.session.add(unit)
    db.session.commit()
    return unit


def asn(unit: Opd | None, name: str, employee_type: str = "PNS", roles=("peserta",), active: bool = True) -> User:
    """An account; PNS or PPPK as its NIP says (the 13th-14th digits '21' for PPPK)."""
    user = create_user(roles=roles, opd=unit, name=name, nip=make_nip(pppk=employee_type == "PPPK"))
    assert user.employee_type == employee_type
    if not active:
        user.is_active_account = False
        db.session.commit()
    return user


def scope_hr(user: User, unit: Opd) -> None:
    db.session.add(HrScope(user_id=user.id, opd_id=unit.id))
    db.session.commit()


@dataclass
class World:
    a: Opd
    b: Opd
    ani: User
    budi: User
    citra: User
    dedi: User
    hani: User


def build_world(app) -> World:
    """PNS target 20, PPPK target 10 (set by the caller). Expected in 2025 (see tests/hr/test_figures.py):

    OPD A (Dinas A): ani PNS 14 Lentera + 10 external = 24 (reached); budi PPPK 0 + 4 = 4 (needs 6);
    citra PNS 8 (needs 12). OPD B (Kecamatan B): dedi PPPK 14 (reached); hani PNS, peserta + hr, 0
    (needs 20). Not ASN: eko (inactive), fajar (admin only), gita (peserta without OPD).
    """
    a, b = opd("Dinas A"), opd("Kecamatan B")
    m8 = make_module(title="Modul Delapan", jp=8)
    m6 = make_module(title="Modul Enam", jp=6)
    ani = asn(a, "Ani")
    budi = asn(a, "Budi", "PPPK")
    citra = asn(a, "Citra")
    dedi = asn(b, "Dedi", "PPPK")
    hani = asn(b, "Hani", roles=("peserta", "hr"))
    eko = asn(b, "Eko", active=False)
    fajar = asn(b, "Fajar", roles=("admin",))
    gita = asn(None, "Gita")

    done(ani, m8, utc("2025-03-10 03:00"))
    done(ani, m6, utc("2025-12-31 16:59"))  # 23:59 WIB on 31 December: still 2025
    external(ani, 10, date(2025, 6, 1))
    done(budi, m8, utc("2025-12-31 17:00"))  # 00:00 WIB on 1 January: 2026
    done(budi, m6, utc("2025-04-01 03:00"), exclusion="void")
    external(budi, 4, date(2025, 9, 9))
    external(budi, 30, date(2025, 9, 9), status=PENDING)
    external(budi, 7, date(2024, 12, 31))
    done(citra, m8, utc("2025-05-01 03:00"))
    done(citra, m8, utc("2025-08-01 03:00"), cycle=2, exclusion="same_year")
    done(dedi, m8, utc("2025-02-03 03:00"))
    done(dedi, m6, utc("2025-02-04 03:00"))
    for other in (eko, fajar, gita):
        done(other, m8, utc("2025-02-05 03:00"))
        external(other, 20, date(2025, 2, 5))

    start = date(2025, 1, 1)
    assignment_with(m6, [ani, budi, citra], start_on=start, due_on=date(2025, 6, 30))  # late, overdue, overdue
    assignment_with(m8, [citra], start_on=start, due_on=date(2025, 6, 30))  # on time
    assignment_with(m8, [dedi], start_on=start, due_on=date(2025, 12, 31))  # on time
    assignment_with(m6, [ani], start_on=start, due_on=date(2026, 3, 1))  # due next year: not in 2025
    return World(a, b, ani, budi, citra, dedi, hani)
