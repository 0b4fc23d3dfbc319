"""The dashboard's figures against a world computed by hand (tests/hr/helpers.py), straight from the reads."""

from __future__ import annotations

import pytest

from lms.hr import dashboard as reads
from lms.hr.dashboard import Bucket, Mandatory
from tests.hr.helpers import YEAR, build_world


@pytest.fixture
def world(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "JP_TARGET_PNS", 20)
    monkeypatch.setitem(app.config, "JP_TARGET_PPPK", 10)
    with app.test_request_context():
        yield build_world(app)


def test_per_opd_lentera_and_external_apart_targets_by_employee_type(world):
    rows = reads.opd_compliance(None, YEAR)
    assert [(r.name, r.figures) for r in rows] == [
        ("Dinas A", reads.Compliance(3, 1, 22, 14, Mandatory(on_time=1, late=1, overdue=2))),
        ("Kecamatan B", reads.Compliance(2, 1, 14, 0, Mandatory(on_time=1))),
    ]
    total = reads.total_of(rows)
    assert (total.people, total.reached, total.percent, total.jp, total.below) == (5, 2, 40, 50, 3)
    assert reads.unplaced_count(None) == 1


def test_a_scope_or_an_opd_keeps_only_its_own(world):
    assert [r.name for r in reads.opd_compliance(world.b, YEAR)] == ["Kecamatan B"]
    assert [r.name for r in reads.opd_compliance(None, YEAR, opd_id=world.a.id)] == ["Dinas A"]
    assert reads.opd_compliance(world.b, YEAR, opd_id=world.a.id) == []
    assert reads.unplaced_count(world.b) == 0
    assert {p.name for p in reads.people(world.b, YEAR).items} == {"Dedi", "Hani"}


def test_below_target_list_with_what_each_still_needs(world):
    page = reads.people(None, YEAR, below_only=True)
    assert page.total == 3
    assert [(p.name, p.opd_name, p.lentera_jp, p.external_jp, p.target, p.needed) for p in page.items] == [
        ("Citra", "Dinas A", 8, 0, 20, 12),
        ("Budi", "Dinas A", 0, 4, 10, 6),
        ("Hani", "Kecamatan B", 0, 0, 20, 20),
    ]
    budi = page.items[1]
    assert budi.mandatory == Mandatory(overdue=1)
    preview, total = reads.below_target_preview(None, YEAR, world.a.id, limit=1)
    assert ([p.name for p in preview], total) == (["Citra"], 2)


def test_people_search_by_nip_or_name(world):
    nip = world.citra.nip
    assert [p.name for p in reads.people(None, YEAR, q=f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}").items] == [
        "Citra"
    ]
    assert [p.name for p in reads.people(None, YEAR, q="cit").items] == ["Citra"]
    assert reads.people(None, YEAR, q="Eko").total == 0  # inactive: not an ASN here


def test_the_year_boundary_is_wib_midnight(world):
    # budi's completion at 17:00 UTC on 31 Dec 2025 is 00:00 WIB on 1 Jan 2026
    people = {p.name: p for p in reads.people(None, 2026).items}
    assert people["Budi"].lentera_jp == 8
    assert people["Ani"].lentera_jp == 0  # her 23:59 WIB completion stayed in 2025


def test_distribution_and_months(world):
    assert reads.jp_distribution(None, YEAR) == [
        Bucket("0", 1),
        Bucket("1–4", 1),
        Bucket("5–9", 1),
        Bucket("10–14", 0),
        Bucket("15–19", 0),
        Bucket("≥ target", 2, reached=True),
    ]
    months = {m.month: (m.completions, m.jp) for m in reads.monthly_completions(None, YEAR) if m.completions}
    # the void is left out; the second completion of the same year counts as a completion, not its JP
    assert months == {2: (2, 14), 3: (1, 8), 5: (1, 8), 8: (1, 0), 12: (1, 6)}
    assert [m.completions for m in reads.monthly_completions(world.b, YEAR)][:3] == [0, 2, 0]


def test_zero_target_everyone_reached(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "JP_TARGET_PNS", 0)
    monkeypatch.setitem(app.config, "JP_TARGET_PPPK", 0)
    total = reads.total_of(reads.opd_compliance(None, YEAR))
    assert (total.people, total.reached) == (5, 5)
    assert reads.jp_distribution(None, YEAR) == [Bucket("≥ target", 5, reached=True)]
