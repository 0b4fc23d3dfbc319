"""The HR desk's assignment pages and the learner's Beranda: roles, scope, forms, bad input, exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.accounts.models import AuditLog, HrScope
from lms.assignments import services
from lms.assignments.models import Assignment, AssignmentMember
from lms.assignments.services import AssignmentRequest
from lms.extensions import db
from tests.assignments.helpers import complete_at, make_opd, utc
from tests.certificates.factories import make_module
from tests.conftest import Browser, create_user

NOW = "2027-06-02T03:00:00+00:00"  # 10:00 WIB, 2 June 2027
TODAY = date(2027, 6, 2)
DUE = date(2027, 6, 30)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(app, db):
    dinas_a, dinas_b = make_opd("Dinas A"), make_opd("Dinas B")
    db.session.commit()
    module = make_module(title="Pelindungan Data Pribadi")
    users = {
        "hr": create_user(roles=("hr",)),
        "hr_a": create_user(roles=("hr",), opd=dinas_a),
        "admin": create_user(roles=("admin",)),
        "pelatih": create_user(roles=("pelatih",)),
        "a1": create_user(opd=dinas_a, name="Ani Wijaya"),
        "a2": create_user(opd=dinas_a, name="Budi Santoso"),
        "b1": create_user(opd=dinas_b, name="Citra Lestari"),
    }
    db.session.add(HrScope(user_id=users["hr_a"].id, opd_id=dinas_a.id))
    db.session.commit()
    city = services.create_assignment(
        AssignmentRequest(module_id=module.id, target_kind="all", start_on=TODAY, due_on=DUE),
        actor=users["hr"],
        scope=None,
    )
    other_module = make_module(title="Modul Dinas B")
    only_b = services.create_assignment(
        AssignmentRequest(
            module_id=other_module.id, target_kind="all", start_on=TODAY, due_on=DUE, note="Untuk Dinas B"
        ),
        actor=users["hr"],
        scope=dinas_b,
    )
    db.session.commit()
    return {"a": dinas_a, "b": dinas_b, "module": module, "city": city, "only_b": only_b, **users}


def client_for(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


def urls(world) -> list[tuple[str, str]]:
    city, a1 = world["city"].id, world["a1"].id
    return [
        ("GET", "/hr/penugasan"),
        ("GET", "/hr/penugasan/baru"),
        ("POST", "/hr/penugasan/baru"),
        ("GET", f"/hr/penugasan/{city}"),
        ("GET", f"/hr/penugasan/{city}?format=csv"),
        ("GET", f"/hr/penugasan/{city}/ubah"),
        ("POST", f"/hr/penugasan/{city}/ubah"),
        ("POST", f"/hr/penugasan/{city}/batal"),
        ("GET", f"/hr/penugasan/{city}/pegawai/{a1}/perpanjang"),
        ("POST", f"/hr/penugasan/{city}/pegawai/{a1}/perpanjang"),
    ]


def test_every_route_needs_the_hr_role(app, world):
    anonymous = app.test_client()
    for method, url in urls(world):
        assert anonymous.open(url, method=method).status_code in (302, 400), url  # to the login (POST: CSRF)
    for role in ("a1", "pelatih", "admin"):
        browser = client_for(app, world[role])
        for method, url in urls(world):
            if method == "GET":
                assert browser.get(url).status_code == 403, (role, url)
            else:
                page = "/akun"
                assert browser.post_form(page, {}, action=url).status_code == 403, (role, url)
    assert (
        db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action.like("assignment.%"))) == 2
    )


def test_an_opd_scoped_account_sees_its_own_and_city_wide_assignments_for_its_people(app, world):
    hr_a = client_for(app, world["hr_a"])
    listing = hr_a.get("/hr/penugasan").get_data(as_text=True)
    assert "Pelindungan Data Pribadi" in listing and "Modul Dinas B" not in listing
    assert hr_a.get(f"/hr/penugasan/{world['only_b'].id}").status_code == 404
    page = hr_a.get(f"/hr/penugasan/{world['city'].id}").get_data(as_text=True)
    assert "Ani Wijaya" in page and "Citra Lestari" not in page
    # A city-wide assignment is BKPP's to change.
    assert hr_a.get(f"/hr/penugasan/{world['city'].id}/ubah").status_code == 403
    assert hr_a.get(f"/hr/penugasan/{world['city'].id}/pegawai/{world['a1'].id}/perpanjang").status_code == 403
    response = hr_a.post_form(
        f"/hr/penugasan/{world['city'].id}", {"reason": "x"}, action=f"/hr/penugasan/{world['city'].id}/batal"
    )
    assert response.status_code == 403
    assert db.session.get(Assignment, world["city"].id).cancelled_at is None


def test_the_city_wide_account_sees_progress_per_state_per_opd_and_per_person(app, world):
    complete_at(world["a1"], world["module"], utc("2027-06-02 01:00"))
    hr = client_for(app, world["hr"])
    page = hr.get(f"/hr/penugasan/{world['city'].id}").get_data(as_text=True)
    assert "Dinas A" in page and "Dinas B" in page
    assert "Selesai tepat waktu" in page and "Citra Lestari" in page
    done = hr.get(f"/hr/penugasan/{world['city'].id}?status=selesai_tepat").get_data(as_text=True)
    assert "Ani Wijaya" in done and "Budi Santoso" not in done
    by_opd = hr.get(f"/hr/penugasan/{world['city'].id}?opd={world['b'].id}").get_data(as_text=True)
    assert "Citra Lestari" in by_opd and "Ani Wijaya" not in by_opd
    nip = world["a2"].nip
    for typed in (nip, f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", nip[:14]):
        found = hr.get(f"/hr/penugasan/{world['city'].id}", query_string={"q": typed}).get_data(as_text=True)
        assert "Budi Santoso" in found and "Citra Lestari" not in found, typed
    listing = hr.get("/hr/penugasan").get_data(as_text=True)
    assert "Modul Dinas B" in listing


def test_exports_csv_and_xlsx_with_nip_as_text(app, world):
    hr = client_for(app, world["hr"])
    csv = hr.get(f"/hr/penugasan/{world['city'].id}?format=csv&status=belum_mulai")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffNIP;Nama;OPD;Tenggat;Status")
    assert world["b1"].nip in text and "Belum mulai" in text
    xlsx = hr.get(f"/hr/penugasan/{world['city'].id}?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    nips = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert world["a1"].nip in nips and all(isinstance(n, str) for n in nips)


def form_data(world, **fields) -> dict:
    data = {
        "module": str(world["module"].id),
        "target_kind": "opd",
        "opd_ids": [str(world["a"].id)],
        "start_on": TODAY.isoformat(),
        "due_on": "2027-07-31",
        "note": "Wajib bagi semua pegawai",
        "late_join_days": "",
        "allow_earlier_completion": "y",
        "action": "create",
    }
    data.update(fields)
    return data


def test_create_with_a_preview_then_for_real(app, world):
    other = make_module(title="Etika ASN")
    hr = client_for(app, world["hr"])
    preview = hr.post_form("/hr/penugasan/baru", form_data(world, module=str(other.id), action="preview"))
    assert preview.status_code == 200
    assert "akan ditugaskan kepada 3 pegawai aktif" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 2
    created = hr.post_form("/hr/penugasan/baru", form_data(world, module=str(other.id), late_join_days="14"))
    assert created.status_code == 302
    assignment = db.session.scalar(select(Assignment).order_by(Assignment.id.desc()))
    assert assignment.module_id == other.id and assignment.late_join_days == 14 and assignment.allow_earlier_completion
    assert created.headers["Location"].endswith(f"/hr/penugasan/{assignment.id}")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": "2027-05-01"}, "Tenggat tidak boleh sebelum tanggal mulai"),
        ({"start_on": "2027-06-01"}, "Tanggal mulai tidak boleh di masa lalu"),
        ({"start_on": "bukan tanggal"}, "format yang benar"),
        ({"due_on": "0001-01-01"}, "format yang benar"),
        ({"due_on": ""}, "format yang benar"),
        ({"module": ""}, "Pilih modul"),
        ({"module": "abc"}, "Pilih modul"),
        ({"target_kind": "semua"}, "Pilih sasaran penugasan"),
        ({"opd_ids": []}, "Pilih minimal satu OPD"),
        ({"opd_ids": ["abc"]}, "OPD yang dipilih tidak ditemukan"),
        ({"late_join_days": "0"}, "1 sampai 365"),
        ({"late_join_days": "abc"}, "1 sampai 365"),
        ({"target_kind": "nip", "nips": ""}, "Daftar NIP kosong"),
        ({"target_kind": "employee_type"}, "PNS atau PPPK"),
        ({}, "sudah ditugaskan kepada sasaran yang sama"),
    ],
)
def test_bad_input_on_the_form_writes_nothing(app, world, fields, message):
    if message.startswith("sudah ditugaskan"):
        fields = {"target_kind": "all", "opd_ids": [], "due_on": DUE.isoformat()}
    hr = client_for(app, world["hr"])
    before = db.session.scalar(select(func.count()).select_from(AssignmentMember))
    response = hr.post_form("/hr/penugasan/baru", form_data(world, **fields))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 2
    assert db.session.scalar(select(func.count()).select_from(AssignmentMember)) == before


def test_a_nip_list_uploaded_as_csv_shows_its_problems_then_creates(app, world):
    hr_a = client_for(app, world["hr_a"])
    upload = f"nip;nama\n{world['a1'].nip};Ani\n{world['b1'].nip};Citra\n123;x\n".encode()
    response = hr_a.post_form(
        "/hr/penugasan/baru",
        form_data(world, target_kind="nip", opd_ids=[], nip_file=(io.BytesIO(upload), "daftar.csv"), action="preview"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "di luar lingkup Anda" in text and "NIP harus 18 digit" in text
    assert world["a1"].nip in text  # the list now sits in the text box, to be mended there
    response = hr_a.post_form(
        "/hr/penugasan/baru", form_data(world, target_kind="nip", opd_ids=[], nips=world["a1"].nip)
    )
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment).order_by(Assignment.id.desc()))
    assert assignment.scope_opd_id == world["a"].id
    assert list(
        db.session.scalars(select(AssignmentMember.user_id).where(AssignmentMember.assignment_id == assignment.id))
    ) == [world["a1"].id]


def test_an_opd_scoped_account_cannot_aim_at_another_opd(app, world):
    hr_a = client_for(app, world["hr_a"])
    response = hr_a.post_form(
        "/hr/penugasan/baru", form_data(world, opd_ids=[str(world["b"].id)], module=str(make_module().id))
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 2


def test_extend_edit_and_cancel_through_the_pages(app, world):
    city = world["city"]
    hr = client_for(app, world["hr"])
    extend_url = f"/hr/penugasan/{city.id}/pegawai/{world['a1'].id}/perpanjang"
    bad = hr.post_form(extend_url, {"due_on": "2027-06-01", "reason": "Sakit"})
    assert bad.status_code == 400 and "tidak boleh di masa lalu" in bad.get_data(as_text=True)
    no_reason = hr.post_form(extend_url, {"due_on": "2027-07-10", "reason": ""})
    assert no_reason.status_code == 400 and "Alasan perpanjangan wajib diisi" in no_reason.get_data(as_text=True)
    assert hr.post_form(extend_url, {"due_on": "2027-07-10", "reason": "Sakit"}).status_code == 302
    edit_url = f"/hr/penugasan/{city.id}/ubah"
    assert hr.post_form(edit_url, {"due_on": "2027-07-05", "note": "Ditunda"}).status_code == 302
    dues = dict(
        db.session.execute(
            select(AssignmentMember.user_id, AssignmentMember.due_on).where(AssignmentMember.assignment_id == city.id)
        ).all()
    )
    assert dues[world["a1"].id] == date(2027, 7, 10) and dues[world["b1"].id] == date(2027, 7, 5)
    no_reason = hr.post_form(edit_url, {"reason": ""}, action=f"/hr/penugasan/{city.id}/batal")
    assert no_reason.status_code == 400 and "Alasan pembatalan wajib diisi" in no_reason.get_data(as_text=True)
    assert (
        hr.post_form(edit_url, {"reason": "Modul diganti"}, action=f"/hr/penugasan/{city.id}/batal").status_code == 302
    )
    again = hr.post_form(f"/hr/penugasan/{city.id}", {"reason": "lagi"}, action=f"/hr/penugasan/{city.id}/batal")
    assert again.status_code == 400 and "sudah dibatalkan" in again.get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("assignment.%"))))
    assert actions == {"assignment.create", "assignment.extend", "assignment.edit", "assignment.cancel"}


def test_beranda_shows_her_mandatory_modules_first(app, world):
    learner = client_for(app, world["a1"])
    page = learner.get("/beranda").get_data(as_text=True)
    assert page.index("Modul wajib") < page.index("Mulai belajar") < page.index("Sedang dipelajari")
    assert "Pelindungan Data Pribadi" in page and "Belum mulai" in page and "30 Juni 2027" in page
    assert "Modul Dinas B" not in page
    module_page = learner.get(f"/modul/{world['module'].slug}").get_data(as_text=True)
    assert '<span class="badge badge-new">Belum mulai</span> Wajib, tenggat 30 Juni 2027' in module_page
    other_page = client_for(app, world["b1"]).get(f"/modul/{world['module'].slug}").get_data(as_text=True)
    assert "Wajib, tenggat 30 Juni 2027" in other_page
    complete_at(world["a1"], world["module"], utc("2027-06-02 01:00"))
    assert "Selesai tepat waktu" in learner.get("/beranda").get_data(as_text=True)
    services.cancel_assignment(world["city"], actor=world["hr"], scope=None, reason="Batal")
    db.session.commit()
    assert "Modul wajib" not in learner.get("/beranda").get_data(as_text=True)


def test_beranda_says_overdue(app, world):
    with time_machine.travel("2027-07-01T03:00:00+00:00", tick=True):
        page = client_for(app, world["b1"]).get("/beranda").get_data(as_text=True)
    assert "Terlambat" in page


def test_her_personal_data_file_lists_her_assignments(app, world):
    from lms.accounts.personal_data import export_personal_data

    with app.test_request_context():
        data = export_personal_data(world["a1"])
    assert data["penugasan_wajib"] == [
        {
            "modul": "Pelindungan Data Pribadi",
            "mulai": "2027-06-02",
            "tenggat": "2027-06-30",
            "ditambahkan": data["penugasan_wajib"][0]["ditambahkan"],
            "keluar": None,
            "alasan_perpanjangan": None,
            "dibatalkan": None,
        }
    ]
