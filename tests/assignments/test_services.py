"""Creating, editing, extending and cancelling assignments: every rule and every bad input, nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from lms import dates
from lms.accounts.models import AuditLog
from lms.assignments import services
from lms.assignments.models import Assignment, AssignmentMember
from lms.assignments.services import AssignmentRequest, NipListError, read_nip_csv, read_nip_text
from lms.errors import PermissionDenied, ValidationError
from lms.extensions import db
from tests.assignments.helpers import make_opd
from tests.certificates.factories import make_module
from tests.conftest import create_user, make_nip

# 10:00 WIB on 2 June 2027: "today" for every test here.
NOW = "2027-06-02T03:00:00+00:00"
TODAY = date(2027, 6, 2)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db):
    dinas_a, dinas_b = make_opd("Dinas A"), make_opd("Dinas B")
    db.session.commit()
    return {
        "module": make_module(),
        "a": dinas_a,
        "b": dinas_b,
        "hr": create_user(roles=("hr",), opd=dinas_a),
        "a1": create_user(opd=dinas_a),
        "a2": create_user(opd=dinas_a, nip=make_nip(pppk=True)),
        "b1": create_user(opd=dinas_b),
    }


def ask(world, **fields) -> AssignmentRequest:
    fields.setdefault("module_id", world["module"].id)
    fields.setdefault("target_kind", "opd")
    fields.setdefault("opd_ids", (world["a"].id,))
    fields.setdefault("start_on", TODAY)
    fields.setdefault("due_on", TODAY + timedelta(days=28))
    return AssignmentRequest(**fields)


def create(world, scope=None, **fields) -> Assignment:
    assignment = services.create_assignment(ask(world, **fields), actor=world["hr"], scope=scope)
    db.session.commit()
    return assignment


def member_ids(assignment) -> set[int]:
    return set(
        db.session.scalars(
            select(AssignmentMember.user_id).where(
                AssignmentMember.assignment_id == assignment.id, AssignmentMember.removed_at.is_(None)
            )
        )
    )


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Assignment)),
        db.session.scalar(select(func.count()).select_from(AssignmentMember)),
        db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action.like("assignment.%"))),
    )


def test_each_target_kind_reaches_its_group(world):
    hr = world["hr"]
    everyone = {u.id for u in (hr, world["a1"], world["a2"], world["b1"])}
    assert member_ids(create(world, target_kind="all", opd_ids=())) == everyone
    assert member_ids(create(world, target_kind="opd")) == {hr.id, world["a1"].id, world["a2"].id}
    assert member_ids(create(world, target_kind="employee_type", opd_ids=(), employee_type="PPPK")) == {world["a2"].id}
    listed = read_nip_text(f"{world['a1'].nip}\n{world['b1'].nip}\n")
    assert member_ids(create(world, target_kind="nip", opd_ids=(), nips=listed)) == {world["a1"].id, world["b1"].id}


def test_creation_is_audited_and_members_share_the_due_date(world):
    assignment = create(world)
    dues = set(
        db.session.scalars(select(AssignmentMember.due_on).where(AssignmentMember.assignment_id == assignment.id))
    )
    assert dues == {assignment.due_on}
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "assignment.create"))
    assert entry.details["assignment_id"] == assignment.id and entry.details["people"] == 3


def test_an_opd_scoped_account_reaches_only_its_opd(world):
    assignment = create(world, scope=world["a"], target_kind="all", opd_ids=())
    assert assignment.scope_opd_id == world["a"].id
    assert member_ids(assignment) == {world["hr"].id, world["a1"].id, world["a2"].id}
    with pytest.raises(ValidationError, match="hanya dapat menugaskan pegawai Dinas A"):
        services.plan_assignment(ask(world, opd_ids=(world["b"].id,)), world["a"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_on": TODAY - timedelta(days=1)}, "Tanggal mulai tidak boleh di masa lalu"),
        ({"due_on": TODAY - timedelta(days=1)}, "Tenggat tidak boleh sebelum tanggal mulai"),
        ({"start_on": TODAY + timedelta(days=5), "due_on": TODAY + timedelta(days=4)}, "sebelum tanggal mulai"),
        ({"start_on": None}, "Tanggal mulai wajib diisi"),
        ({"due_on": None}, "Tenggat wajib diisi"),
        ({"due_on": date(2040, 1, 1)}, "Tenggat terlalu jauh"),
        ({"module_id": None}, "Pilih modul"),
        ({"module_id": 987654}, "Pilih modul"),
        ({"target_kind": "semua"}, "Pilih sasaran"),
        ({"opd_ids": ()}, "Pilih minimal satu OPD"),
        ({"opd_ids": (987654,)}, "OPD yang dipilih tidak ditemukan"),
        ({"target_kind": "employee_type", "employee_type": "Honorer"}, "PNS atau PPPK"),
        ({"target_kind": "nip", "nips": read_nip_text("\n \n")}, "Daftar NIP kosong"),
        ({"target_kind": "nip"}, "Daftar NIP kosong"),
        ({"late_join_days": 0}, "1 sampai 365"),
        ({"late_join_days": 366}, "1 sampai 365"),
        ({"note": "x" * 2001}, "Catatan paling banyak 2000"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(world, fields, message):
    before = counts()
    with pytest.raises(ValidationError, match=message):
        services.create_assignment(ask(world, **fields), actor=world["hr"], scope=None)
    db.session.rollback()
    assert counts() == before


def test_an_unpublished_or_archived_module_is_refused(world):
    hidden = make_module(is_published=False, title="Draf")
    archived = make_module(is_archived=True, title="Lama")
    for module in (hidden, archived):
        with pytest.raises(ValidationError, match="belum diterbitkan atau sudah diarsipkan"):
            services.plan_assignment(ask(world, module_id=module.id), None)


def test_an_empty_group_is_refused(world):
    empty = make_opd("Kecamatan Kosong")
    db.session.commit()
    with pytest.raises(ValidationError, match="Tidak ada pegawai aktif"):
        services.plan_assignment(ask(world, opd_ids=(empty.id,)), None)


def test_a_second_running_assignment_of_the_module_to_the_same_group_is_refused(world):
    first = create(world)
    with pytest.raises(ValidationError, match=f"penugasan #{first.id}"):
        create(world)
    db.session.rollback()
    # Another group, another module, or the first one cancelled: allowed.
    create(world, opd_ids=(world["b"].id,))
    create(world, module_id=make_module(title="Modul Lain").id)
    services.cancel_assignment(first, actor=world["hr"], scope=None, reason="Salah tenggat")
    db.session.commit()
    create(world)


def test_the_same_nip_list_twice_is_refused_but_another_list_is_not(world):
    listed = read_nip_text(world["a1"].nip)
    create(world, target_kind="nip", opd_ids=(), nips=listed)
    with pytest.raises(ValidationError, match="sasaran yang sama"):
        create(world, target_kind="nip", opd_ids=(), nips=listed)
    db.session.rollback()
    create(world, target_kind="nip", opd_ids=(), nips=read_nip_text(f"{world['a1'].nip}\n{world['a2'].nip}"))


def test_a_nip_list_names_every_line_it_cannot_assign(world):
    inactive = create_user(opd=world["a"])
    inactive.is_active_account = False
    unknown = make_nip()
    text = "\n".join(
        [
            "nip",
            world["a1"].nip,
            "1234",
            unknown,
            world["b1"].nip,
            inactive.nip,
            f"{world['a1'].nip[:8]} {world['a1'].nip[8:14]} {world['a1'].nip[14]} {world['a1'].nip[15:]}",
        ]
    )
    before = counts()
    with pytest.raises(NipListError) as caught:
        services.create_assignment(
            ask(world, target_kind="nip", opd_ids=(), nips=read_nip_text(text)), actor=world["hr"], scope=world["a"]
        )
    db.session.rollback()
    assert counts() == before
    problems = {p.line: p.message for p in caught.value.problems}
    assert set(problems) == {3, 4, 5, 6, 7}
    assert "18 digit" in problems[3]
    assert "tidak terdaftar" in problems[4]
    assert "di luar lingkup Anda" in problems[5]
    assert "tidak aktif" in problems[6]
    assert "sudah ada di baris 2" in problems[7]


def test_a_nip_csv_reads_the_nip_column_or_the_first_one():
    nip = make_nip()
    assert read_nip_csv(f"nama;nip\nSiti;{nip}\n;\n".encode()).entries == [(2, nip)]
    assert read_nip_csv(f"\ufeff{nip},x\n{nip[:8]} {nip[8:]}\n".encode()).entries == [
        (1, nip),
        (2, f"{nip[:8]} {nip[8:]}"),
    ]
    with pytest.raises(ValidationError, match="UTF-8"):
        read_nip_csv(b"\xff\xfe n\x00i\x00p\x00")


def test_bulk_creation_is_one_insert_whatever_the_group(world, app):
    from tests.learning.helpers import count_statements

    with count_statements(db.engine) as statements:
        create(world, target_kind="all", opd_ids=())
    inserts = [s for s in statements if "INSERT INTO assignment_members" in s]
    assert len(inserts) == 1 and "SELECT" in inserts[0]


# --- edit, extend, cancel --------------------------------------------------------------------------


def test_editing_the_due_date_moves_members_without_their_own(world):
    assignment = create(world)
    services.extend_member(
        assignment, world["a1"].id, actor=world["hr"], scope=None, due_on=date(2027, 8, 1), reason="Cuti"
    )
    db.session.commit()
    services.edit_assignment(assignment, actor=world["hr"], scope=None, due_on=date(2027, 7, 15), note=" Wajib ")
    db.session.commit()
    dues = dict(
        db.session.execute(
            select(AssignmentMember.user_id, AssignmentMember.due_on).where(
                AssignmentMember.assignment_id == assignment.id
            )
        ).all()
    )
    assert dues == {
        world["hr"].id: date(2027, 7, 15),
        world["a1"].id: date(2027, 8, 1),
        world["a2"].id: date(2027, 7, 15),
    }
    assert assignment.note == "Wajib"
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions[-2:] == ["assignment.extend", "assignment.edit"]


@pytest.mark.parametrize(
    ("due_on", "message"),
    [(TODAY - timedelta(days=1), "masa lalu"), (date(2027, 5, 1), "masa lalu"), (None, "wajib diisi")],
)
def test_bad_edits_are_refused(world, due_on, message):
    assignment = create(world)
    with pytest.raises(ValidationError, match=message):
        services.edit_assignment(assignment, actor=world["hr"], scope=None, due_on=due_on, note=None)


def test_an_edit_that_changes_nothing_is_refused(world):
    assignment = create(world)
    with pytest.raises(ValidationError, match="Tidak ada yang berubah"):
        services.edit_assignment(assignment, actor=world["hr"], scope=None, due_on=assignment.due_on, note="")


def test_due_date_not_before_a_future_start(world):
    assignment = create(world, start_on=date(2027, 7, 1), due_on=date(2027, 7, 31))
    with pytest.raises(ValidationError, match="sebelum tanggal mulai"):
        services.edit_assignment(assignment, actor=world["hr"], scope=None, due_on=date(2027, 6, 20), note=None)


@pytest.mark.parametrize(
    ("due_on", "reason", "message"),
    [
        (TODAY - timedelta(days=1), "Sakit", "tidak boleh di masa lalu"),
        (TODAY + timedelta(days=3), "Sakit", "harus sesudah tenggat sekarang"),
        (date(2027, 8, 1), "   ", "Alasan perpanjangan wajib diisi"),
        (date(2027, 8, 1), None, "Alasan perpanjangan wajib diisi"),
        (date(2027, 8, 1), "x" * 501, "paling banyak 500"),
        (None, "Sakit", "Tenggat baru wajib diisi"),
    ],
)
def test_bad_extensions_are_refused(world, due_on, reason, message):
    assignment = create(world)
    before = counts()
    with pytest.raises(ValidationError, match=message):
        services.extend_member(assignment, world["a1"].id, actor=world["hr"], scope=None, due_on=due_on, reason=reason)
    db.session.rollback()
    assert counts() == before


def test_extending_someone_outside_the_assignment_or_the_scope_is_not_found(world):
    from lms.errors import NotFound

    assignment = create(world)
    with pytest.raises(NotFound):
        services.extend_member(
            assignment, world["b1"].id, actor=world["hr"], scope=None, due_on=date(2027, 8, 1), reason="x"
        )


def test_cancelling_twice_or_without_reason_is_refused(world):
    assignment = create(world)
    with pytest.raises(ValidationError, match="Alasan pembatalan wajib diisi"):
        services.cancel_assignment(assignment, actor=world["hr"], scope=None, reason=" ")
    services.cancel_assignment(assignment, actor=world["hr"], scope=None, reason="Modul diganti")
    db.session.commit()
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        services.cancel_assignment(assignment, actor=world["hr"], scope=None, reason="lagi")
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        services.extend_member(
            assignment, world["a1"].id, actor=world["hr"], scope=None, due_on=date(2027, 8, 1), reason="x"
        )
    assert (
        db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "assignment.cancel")) == 1
    )


def test_an_opd_scoped_account_cannot_change_a_city_wide_assignment(world):
    assignment = create(world)
    with pytest.raises(PermissionDenied):
        services.cancel_assignment(assignment, actor=world["hr"], scope=world["a"], reason="x")
    with pytest.raises(PermissionDenied):
        services.edit_assignment(assignment, actor=world["hr"], scope=world["b"], due_on=date(2027, 9, 1), note=None)


def test_today_is_read_in_wib(world):
    """At 17:30 UTC on 1 June it is already 2 June in Semarang: 1 June is in the past."""
    with time_machine.travel("2027-06-01T17:30:00+00:00", tick=False):
        assert dates.today() == TODAY
        with pytest.raises(ValidationError, match="masa lalu"):
            services.plan_assignment(ask(world, start_on=date(2027, 6, 1)), None)
        services.plan_assignment(ask(world, start_on=TODAY), None)
