"""The roster import that updates: matching by NIP, mutasi and other changes, full-roster deactivation,
OPD-scoped HR imports, bad input, preview/confirm fingerprint, audit rows and signals; web and CLI."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import event, func, select, text

from lms.accounts import csv_import, roster, services
from lms.accounts.models import AuditLog, OneTimeCode, Opd, User
from lms.accounts.signals import account_changed, account_created
from lms.extensions import db as _db
from tests.accounts.helpers import count_users, flashes, hidden_value, reload
from tests.accounts.helpers import text as page_text
from tests.conftest import Browser, create_user, make_nip

HEADER = "nip,nama,email,opd,unit_kerja,jabatan,pangkat_golongan"


def nip_(seq: int, *, pppk: bool = False) -> str:
    """A NIP no `create_user()` of another fixture can draw (those are all men's: digit 15 is 1)."""
    return make_nip(seq, pppk=pppk, gender="2")


def roster_csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def snapshot(db) -> tuple:
    """Everything an import may write: users as they are, OPDs, audit rows, codes."""
    db.session.expire_all()
    users = tuple(
        db.session.execute(
            select(
                User.nip,
                User.name,
                User.email,
                User.opd_id,
                User.unit_kerja,
                User.jabatan,
                User.pangkat_golongan,
                User.is_active_account,
                User.session_version,
            ).order_by(User.id)
        )
    )
    return (
        users,
        db.session.scalar(select(func.count()).select_from(Opd)),
        db.session.scalar(select(func.count()).select_from(AuditLog)),
        db.session.scalar(select(func.count()).select_from(OneTimeCode)),
    )


def error_rows(response) -> list[tuple[int, str]]:
    import html

    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", page_text(response))
    return [(int(line), html.unescape(message)) for line, message in rows]


def plan_for(data: bytes, *, actor: User | None = None, full_roster: bool = False) -> roster.RosterPlan:
    return roster.build_plan(csv_import.parse_roster_csv(data), actor=roster.actor_for(actor), full_roster=full_roster)


def set_scope(user: User, opd: Opd) -> None:
    """An OPD-scoped HR account (the HR desk's table, written by name as accounts reads it)."""
    _db.session.execute(text("INSERT INTO hr_scopes (user_id, opd_id) VALUES (:u, :o)"), {"u": user.id, "o": opd.id})
    _db.session.commit()


@pytest.fixture
def city(db):
    """Two OPDs (one with a code) and three people in them."""
    kes = services.get_or_create_opd("Dinas Kesehatan", "DINKES")
    tem = services.get_or_create_opd("Kecamatan Tembalang")
    db.session.commit()
    siti = create_user(
        nip=nip_(1),
        name="Siti Aminnah",
        email="siti@lama.go.id",
        opd=kes,
        unit_kerja="Puskesmas Pandanaran",
        jabatan="Perawat",
        pangkat_golongan="Penata (III/c)",
    )
    budi = create_user(nip=nip_(2), name="Budi Santoso", email="budi@x.go.id", opd=kes, jabatan="Bidan")
    rina = create_user(nip=nip_(3), name="Rina", opd=tem, jabatan="Lurah")
    return {"kes": kes, "tem": tem, "siti": siti, "budi": budi, "rina": rina}


# --- the plan -------------------------------------------------------------------------------------------


def test_a_registered_nip_is_updated_field_by_field_and_a_new_one_created(db, city):
    siti = city["siti"]
    data = roster_csv(
        f"{siti.nip},Siti Aminah,siti@baru.go.id,Kecamatan Tembalang,Kelurahan Bulusan,Perawat Ahli Muda,"
        "Penata Tk I (III/d)",
        f"{city['budi'].nip},Budi Santoso,budi@x.go.id,dinkes,,Bidan,",  # the OPD by its code: no change
        f"{nip_(50)},Ani Baru,ani@x.go.id,DINKES,,Pelaksana,",
    )
    plan = plan_for(data)
    assert plan.errors == []
    assert [c.nip for c in plan.creations] == [nip_(50)]
    assert plan.unchanged == 1
    (change,) = plan.changes
    assert change.user_id == siti.id and change.line == 2
    assert change.changes == (
        ("name", "Siti Aminnah", "Siti Aminah"),
        ("email", "siti@lama.go.id", "siti@baru.go.id"),
        ("opd_id", city["kes"].id, city["tem"].id),
        ("unit_kerja", "Puskesmas Pandanaran", "Kelurahan Bulusan"),
        ("jabatan", "Perawat", "Perawat Ahli Muda"),
        ("pangkat_golongan", "Penata (III/c)", "Penata Tk I (III/d)"),
    )
    assert plan.moves == 1 and plan.deactivations == []


def test_empty_cells_and_missing_columns_leave_fields_as_they_are(db, city):
    siti = city["siti"]
    plan = plan_for(roster_csv(f"{siti.nip},Siti Aminnah,,", header="nip,nama,email,opd"))
    assert plan.errors == [] and plan.changes == [] and plan.unchanged == 1


def test_a_deactivated_account_on_the_roster_is_activated_again(db, city):
    admin = create_user(roles=("admin",))
    services.set_active(city["rina"], False, actor=admin)
    db.session.commit()
    plan = plan_for(roster_csv(f"{city['rina'].nip},Rina,,Kecamatan Tembalang,,Lurah,"))
    assert [c.changes for c in plan.changes] == [(("is_active", False, True),)]
    assert plan.reactivations == 1


def test_admin_accounts_are_skipped_never_changed(db, city):
    admin = create_user(roles=("admin", "peserta"), name="Admin Kota", opd=city["kes"])
    plan = plan_for(roster_csv(f"{admin.nip},Nama Lain,,Kecamatan Tembalang,,,"))
    assert plan.errors == [] and plan.changes == []
    assert plan.skipped == [(2, admin.nip, "Admin Kota")]


# --- bad input: a clear line error, nothing applied ----------------------------------------------------


def test_the_same_nip_twice_is_an_error_on_the_second_line(db, city):
    nip = city["siti"].nip
    plan = plan_for(roster_csv(f"{nip},Siti,,DINKES,,,", f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]},Siti,,DINKES,,,"))
    assert plan.errors == [(3, f"NIP {nip} sudah muncul di baris 2.")]
    assert not plan.creations and not plan.changes


def test_a_nip_whose_account_has_the_other_type_is_an_error(db, city):
    siti = city["siti"]
    db.session.execute(User.__table__.update().where(User.id == siti.id).values(employee_type="PPPK"))
    db.session.commit()
    plan = plan_for(roster_csv(f"{siti.nip},Siti,,DINKES,,,"))
    ((line, message),) = plan.errors
    assert line == 2 and "terdaftar sebagai PPPK" in message and "tidak mengubah jenis pegawai" in message


def test_a_type_column_that_disagrees_with_the_nip_is_an_error(db, city):
    pppk = nip_(60, pppk=True)
    plan = plan_for(roster_csv(f"{pppk},Ani,,DINKES,PNS", header="nip,nama,email,opd,jenis_pegawai"))
    ((line, message),) = plan.errors
    assert line == 2 and f"NIP {pppk} adalah NIP PPPK" in message
    ok = plan_for(roster_csv(f"{pppk},Ani,,DINKES,pppk", header="nip,nama,email,opd,jenis_pegawai"))
    assert ok.errors == [] and ok.creations[0].employee_type == "PPPK"


def test_an_unknown_or_inactive_opd_is_an_error_naming_the_value_and_no_opd_is_created(db, city):
    city["tem"].is_active = False
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Opd))
    plan = plan_for(roster_csv(f"{nip_(70)},Ani,,DISKOMINFO,,,", f"{nip_(71)},Ana,,Kecamatan Tembalang,,,"))
    assert [line for line, _ in plan.errors] == [2, 3]
    assert "OPD tidak dikenal: DISKOMINFO" in plan.errors[0][1] and "Admin › OPD" in plan.errors[0][1]
    assert "tidak aktif" in plan.errors[1][1]
    assert db.session.scalar(select(func.count()).select_from(Opd)) == before


def test_an_email_of_another_account_or_twice_in_the_file_is_an_error(db, city):
    plan = plan_for(
        roster_csv(
            f"{city['siti'].nip},Siti,BUDI@x.go.id,DINKES,,,",  # Budi's (case does not matter)
            f"{nip_(80)},Ani,ani@x.go.id,DINKES,,,",
            f"{nip_(81)},Ana,ani@x.go.id,DINKES,,,",
        )
    )
    assert plan.errors == [
        (2, f"Email BUDI@x.go.id sudah dipakai akun lain (NIP {city['budi'].nip}). Satu email hanya untuk satu akun."),
        (4, "Email ani@x.go.id juga dipakai di baris 3."),
    ]


def test_an_email_another_account_gives_up_in_the_same_file_is_free(db, city):
    siti, budi = city["siti"], city["budi"]
    plan = plan_for(
        roster_csv(f"{siti.nip},Siti Aminnah,budi@x.go.id,,,,", f"{budi.nip},Budi Santoso,budi@baru.go.id,,,,")
    )
    assert plan.errors == [] and len(plan.changes) == 2


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        ("nip,nama,opd\n198501012010012001,Siti,DINKES\n".encode("utf-16"), 1, "UTF-16"),
        ("nip,nama,opd\n198501012010012001,Siti,DINKES\n".encode("utf-16-le"), 1, "NUL"),
        (b"nip,nama,opd\n198501012010012001,S\xe9ti,DINKES\n", 2, "UTF-8"),
        (bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)), 1, "bukan berkas teks"),
        (b"nip,nama,email\n198501012010012001,Siti,\n", 1, "Kolom wajib tidak ada: opd"),
    ],
    ids=["utf-16-bom", "utf-16-no-bom", "latin-1", "binary", "missing-column"],
)
def test_file_problems_are_line_errors(db, city, data, line, words):
    plan = plan_for(data)
    assert plan.errors and plan.errors[0][0] == line and words in plan.errors[0][1]
    assert not plan.creations and not plan.changes


def test_a_file_over_20000_rows_is_refused_and_20000_rows_are_read(db):
    rows = [f"{nip_(1000 + i)},ASN {i},,X" for i in range(20001)]
    parsed = csv_import.parse_roster_csv(roster_csv(*rows, header="nip,nama,opd"))
    assert len(parsed.rows) == 20000
    assert parsed.errors == [(20002, "Berkas terlalu besar: maksimal 20000 baris sekali impor.")]


def test_the_plan_reads_the_database_in_a_few_bulk_queries_not_per_row(app, db, city):
    rows = [f"{nip_(2000 + i)},ASN {i},asn{i}@x.go.id,DINKES,,," for i in range(600)]
    rows += [f"{city['siti'].nip},Siti,,Kecamatan Tembalang,,,"]
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        plan = plan_for(roster_csv(*rows), full_roster=True)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert plan.errors == [] and len(plan.creations) == 600
    assert len(statements) <= 8


# --- full roster ---------------------------------------------------------------------------------------


def test_full_roster_deactivates_the_missing_of_the_files_opds_only(db, city):
    admin = create_user(roles=("admin",), opd=city["kes"])
    hr = create_user(roles=("hr", "peserta"), opd=city["kes"])
    data = roster_csv(f"{city['siti'].nip},Siti Aminnah,,DINKES,,,")
    assert plan_for(data).deactivations == []  # not asked: nothing is deactivated
    plan = plan_for(data, full_roster=True)
    # Budi and the HR account are missing from Dinas Kesehatan; the admin never; Tembalang is not in the file.
    assert sorted(d.user_id for d in plan.deactivations) == sorted([city["budi"].id, hr.id])
    assert admin.id not in {d.user_id for d in plan.deactivations}
    assert city["rina"].id not in {d.user_id for d in plan.deactivations}


def test_full_roster_never_deactivates_the_importer(db, city):
    hr = create_user(roles=("hr",), opd=city["kes"])
    plan = plan_for(roster_csv(f"{city['siti'].nip},Siti Aminnah,,DINKES,,,"), actor=hr, full_roster=True)
    assert [d.user_id for d in plan.deactivations] == [city["budi"].id]


# --- applying ------------------------------------------------------------------------------------------


def test_apply_writes_everything_audits_each_account_and_sends_the_signals(db, city):
    admin = create_user(roles=("admin",))
    siti, budi = city["siti"], city["budi"]
    new_nip = nip_(90)
    data = roster_csv(
        f"{siti.nip},Siti Aminah,,Kecamatan Tembalang,,Perawat Ahli Muda,",
        f"{new_nip},Ani Baru,,DINKES,,,",
        f"{city['rina'].nip},Rina,,Kecamatan Tembalang,,,",  # Tembalang is in the file too: Rina stays listed
    )
    plan = plan_for(data, actor=admin, full_roster=True)
    created, changed = [], []
    with (
        account_created.connected_to(lambda user: created.append(user.nip)),
        account_changed.connected_to(lambda sender, changes: changed.append((sender.id, sender.opd_id, changes))),
    ):
        issued = roster.apply_plan(plan, actor=admin)
        db.session.commit()
    assert [i.user.nip for i in issued] == [new_nip]
    assert created == [new_nip]
    # The mutasi (the receiver sees the new OPD already) and the deactivation of Budi, missing from DINKES.
    assert sorted(changed) == sorted(
        [
            (siti.id, city["tem"].id, {"opd_id": (city["kes"].id, city["tem"].id)}),
            (budi.id, city["kes"].id, {"is_active": (True, False)}),
        ]
    )
    siti, budi = reload(siti), reload(budi)
    assert (siti.name, siti.opd_id, siti.jabatan) == ("Siti Aminah", city["tem"].id, "Perawat Ahli Muda")
    assert siti.email == "siti@lama.go.id"  # empty cell: kept
    assert not budi.is_active_account and budi.session_version == 2  # her sessions ended; account kept
    new = db.session.scalar(select(User).where(User.nip == new_nip))
    assert new.must_change_password and new.roles == {"peserta"} and new.employee_type == "PNS"
    update = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roster_update"))
    assert update.target_user_id == siti.id and update.actor_id == admin.id
    assert update.details["before"] == {"name": "Siti Aminnah", "opd_id": "Dinas Kesehatan", "jabatan": "Perawat"}
    assert update.details["after"] == {
        "name": "Siti Aminah",
        "opd_id": "Kecamatan Tembalang",
        "jabatan": "Perawat Ahli Muda",
    }
    actions = sorted(db.session.scalars(select(AuditLog.action).where(AuditLog.actor_id == admin.id)))
    assert actions == ["user.create", "user.deactivate", "user.roster_update", "users.import"]


def test_apply_is_all_or_nothing(db, city):
    admin = create_user(roles=("admin",))
    before = snapshot(db)
    plan = plan_for(
        roster_csv(f"{city['siti'].nip},Siti Baru,,Kecamatan Tembalang,,,", f"{nip_(91)},Ani,,DINKES,,,"),
        full_roster=True,
    )

    def refuse(sender, changes):
        raise RuntimeError("a receiver fails half way")

    with account_changed.connected_to(refuse), pytest.raises(RuntimeError):
        roster.apply_plan(plan, actor=admin)
    db.session.rollback()
    assert snapshot(db) == before


def test_certificates_keep_their_snapshot_after_a_mutasi(db, city):
    from lms.certificates.models import Certificate
    from lms.learning.services import record_completion
    from tests.certificates.factories import make_module

    siti = city["siti"]
    module = make_module()
    record_completion(siti.id, module, score=90)
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == siti.id))
    assert certificate is not None and certificate.opd_name == "Dinas Kesehatan"
    admin = create_user(roles=("admin",))
    roster.apply_plan(plan_for(roster_csv(f"{siti.nip},Siti Aminah,,Kecamatan Tembalang,,Camat,")), actor=admin)
    db.session.commit()
    db.session.expire_all()
    certificate = db.session.get(Certificate, certificate.id)
    assert (certificate.user_id, certificate.opd_name, certificate.opd_id) == (
        siti.id,
        "Dinas Kesehatan",
        city["kes"].id,
    )
    assert certificate.snapshot().opd == "Dinas Kesehatan"


def test_anonymising_after_a_roster_rename_scrubs_the_old_spelling_and_email_from_the_audit(db, city):
    admin = create_user(roles=("admin",))
    siti = city["siti"]
    roster.apply_plan(plan_for(roster_csv(f"{siti.nip},Siti Aminah,siti@baru.go.id,,,,")), actor=admin)
    services.set_active(siti, False, actor=admin)
    services.anonymise_user(siti, actor=admin, reason="Surat 1/2026")
    db.session.commit()
    dump = repr([(e.summary, e.details) for e in db.session.scalars(select(AuditLog))])
    for secret in ("Siti Aminnah", "Siti Aminah", "siti@lama.go.id", "siti@baru.go.id", siti.nip):
        assert secret not in dump


# --- OPD-scoped HR -------------------------------------------------------------------------------------


@pytest.fixture
def hr_kes(db, city, login_as):
    browser, hr = login_as("hr", opd=city["kes"])
    set_scope(hr, city["kes"])
    return browser, hr


def test_an_opd_scoped_hr_imports_only_her_opd(db, city, hr_kes):
    _, hr = hr_kes
    data = roster_csv(
        f"{nip_(100)},Ani,,Kecamatan Tembalang,,,",  # another OPD
        f"{city['rina'].nip},Rina,,,,,",  # an account of another OPD (empty cell: hers)
        f"{nip_(101)},Ana,,,,,",  # a new account: her OPD
        f"{nip_(102)},Ina,,DINKES,,,",
        header=HEADER,
    )
    plan = plan_for(data, actor=hr)
    assert [line for line, _ in plan.errors] == [2, 3]
    assert "di luar lingkup Anda (Dinas Kesehatan)" in plan.errors[0][1]
    assert "terdaftar di OPD lain" in plan.errors[1][1] and city["rina"].nip not in plan.errors[0][1]
    ok = plan_for(roster_csv(f"{nip_(101)},Ana,,,,,", f"{nip_(102)},Ina,,DINKES,,,"), actor=hr)
    assert [c.opd_id for c in ok.creations] == [city["kes"].id, city["kes"].id]


@pytest.mark.parametrize("scoped", [True, False], ids=["opd-hr", "city-hr"])
def test_an_hr_import_gives_no_role_beyond_peserta_and_pelatih(db, city, login_as, scoped):
    _, hr = login_as("hr")
    if scoped:
        set_scope(hr, city["kes"])
    header = "nip,nama,opd,peran"
    for role in ("admin", "hr"):
        plan = plan_for(roster_csv(f"{nip_(110)},Ani,DINKES,peserta|{role}", header=header), actor=hr)
        ((line, message),) = plan.errors
        assert line == 2 and f"Peran {role} hanya dapat diberikan oleh admin" in message
    assert plan_for(roster_csv(f"{nip_(110)},Ani,DINKES,pelatih", header=header), actor=hr).errors == []
    admin = create_user(roles=("admin",))
    assert plan_for(roster_csv(f"{nip_(110)},Ani,DINKES,hr", header=header), actor=admin).errors == []


def test_an_opd_scoped_hr_full_roster_deactivates_only_in_her_opd(db, city, hr_kes):
    _, hr = hr_kes
    plan = plan_for(roster_csv(f"{city['siti'].nip},Siti Aminnah,,,,,"), actor=hr, full_roster=True)
    assert [d.user_id for d in plan.deactivations] == [city["budi"].id]


def test_the_hr_web_import_applies_within_her_opd(db, city, hr_kes):
    browser, hr = hr_kes
    page = browser.get("/hr/impor")
    assert page.status_code == 200 and "Lingkup Anda: Dinas Kesehatan" in page_text(page)
    preview = browser.post_form(
        "/hr/impor", {"file": (io.BytesIO(roster_csv(f"{city['siti'].nip},Siti Aminnah,,,,Kepala Ruang,")), "r.csv")}
    )
    assert "Pratinjau: 0 akun baru, 1 diperbarui, 0 dinonaktifkan" in page_text(preview)
    fields = {name: hidden_value(preview, name) for name in ("payload", "mode", "fingerprint")}
    done = browser.post_form("/hr/impor", fields, action="/hr/impor/konfirmasi")
    assert done.status_code == 200 and "Impor selesai" in page_text(done)
    assert reload(city["siti"]).jabatan == "Kepala Ruang"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roster_update"))
    assert entry.actor_id == hr.id


def test_a_city_wide_hr_imports_every_opd(db, city, login_as):
    _, hr = login_as("hr")
    plan = plan_for(
        roster_csv(f"{city['rina'].nip},Rina,,DINKES,,,", f"{nip_(120)},X,,Kecamatan Tembalang,,,"), actor=hr
    )
    assert plan.errors == [] and plan.moves == 1 and len(plan.creations) == 1


@pytest.mark.parametrize("role", ["peserta", "pelatih"])
def test_only_hr_opens_the_hr_import(login_as, role):
    browser, _ = login_as(role)
    assert browser.get("/hr/impor").status_code == 403


# --- the web flow --------------------------------------------------------------------------------------


@pytest.fixture
def admin(login_as):
    return login_as("admin", name="Admin Impor")


def upload(browser: Browser, data: bytes, *, full: bool = False, base: str = "/admin/impor"):
    form = {"file": (io.BytesIO(data), "roster.csv")}
    if full:
        form["full_roster"] = "y"
    return browser.post_form(base, form)


def confirm(browser: Browser, preview, base: str = "/admin/impor"):
    fields = {name: hidden_value(preview, name) for name in ("payload", "mode", "fingerprint")}
    return browser.post_form(base, fields, action=f"{base}/konfirmasi")


def test_web_preview_shows_old_to_new_counts_and_deactivations_then_applies(db, city, admin):
    browser, _ = admin
    data = roster_csv(
        f"{city['siti'].nip},Siti Aminah,,Kecamatan Tembalang,,,",
        f"{nip_(130)},Ani,,DINKES,,,",
        f"{city['rina'].nip},Rina,,Kecamatan Tembalang,,Lurah,",
    )
    before = snapshot(db)
    preview = upload(browser, data, full=True)
    page = page_text(preview)
    assert "Pratinjau: 1 akun baru, 1 diperbarui, 1 dinonaktifkan" in page
    assert "nama: Siti Aminnah → Siti Aminah" in page
    assert "OPD: Dinas Kesehatan → Kecamatan Tembalang" in page
    assert "1 akun aktif di OPD dalam berkas tidak tercantum di berkas dan akan dinonaktifkan" in page
    assert city["budi"].nip in page
    assert snapshot(db) == before  # the preview writes nothing
    done = confirm(browser, preview)
    assert flashes(done) == []
    assert done.status_code == 200 and "1 akun diimpor" in page_text(done)
    assert not reload(city["budi"]).is_active_account
    assert reload(city["siti"]).opd_id == city["tem"].id


def test_web_preview_of_a_large_file_caps_the_lists_and_the_confirm_applies_all(db, city, admin):
    browser, _ = admin
    rows = [f"{nip_(3000 + i)},ASN {i},,DINKES,,," for i in range(450)]
    preview = upload(browser, roster_csv(*rows))
    page = page_text(preview)
    assert "Pratinjau: 450 akun baru" in page
    assert page.count('class="roster-new"') == 200
    confirm(browser, preview)
    assert count_users() == 3 + 1 + 450


def test_confirm_refuses_when_the_accounts_changed_since_the_preview(db, city, admin):
    browser, admin_user = admin
    preview = upload(browser, roster_csv(f"{city['siti'].nip},Siti Aminah,,DINKES,,,"), full=True)
    assert "Pratinjau: 0 akun baru, 1 diperbarui, 1 dinonaktifkan" in page_text(preview)
    # Meanwhile another admin deactivates Budi by hand: the plan is no longer the one previewed.
    services.set_active(city["budi"], False, actor=admin_user)
    db.session.commit()
    before = snapshot(db)
    response = confirm(browser, preview)
    assert response.status_code == 200
    assert any("berubah sejak pratinjau" in m and "Tidak ada yang disimpan" in m for m in flashes(response))
    assert snapshot(db) == before
    assert "Pratinjau: 0 akun baru, 1 diperbarui, 0 dinonaktifkan" in page_text(response)
    again = confirm(browser, response)  # the new preview can be confirmed
    assert again.status_code == 200 and "Impor selesai" in page_text(again)
    assert reload(city["siti"]).name == "Siti Aminah"


def test_confirm_refuses_a_forged_fingerprint(db, city, admin):
    browser, _ = admin
    preview = upload(browser, roster_csv(f"{city['siti'].nip},Siti Aminah,,,,,"))
    before = snapshot(db)
    fields = {"payload": hidden_value(preview, "payload"), "mode": "", "fingerprint": "0" * 64}
    response = browser.post_form("/admin/impor", fields, action="/admin/impor/konfirmasi")
    assert any("berubah sejak pratinjau" in m for m in flashes(response))
    assert snapshot(db) == before


def test_confirm_and_upload_without_csrf_are_refused(db, city, admin):
    browser, _ = admin
    before = snapshot(db)
    response = browser.client.post("/admin/impor/konfirmasi", data={"payload": "nip,nama,opd\n", "fingerprint": "x"})
    assert response.status_code == 400
    response = browser.client.post("/admin/impor", data={"file": (io.BytesIO(roster_csv()), "r.csv")})
    assert response.status_code == 400
    assert snapshot(db) == before


def test_web_bad_input_shows_line_errors_and_no_confirm(db, city, admin):
    browser, _ = admin
    preview = upload(browser, roster_csv(f"{nip_(140)},Ani,,DISKOMINFO,,,"))
    assert error_rows(preview)[0][0] == 2 and "OPD tidak dikenal: DISKOMINFO" in error_rows(preview)[0][1]
    assert 'name="payload"' not in page_text(preview)


def test_admin_sets_an_opd_code_and_a_duplicate_is_refused(db, city, admin):
    browser, _ = admin
    tem = city["tem"]
    response = browser.post_form(f"/admin/opd/{tem.id}", {"name": tem.name, "code": " kec-tbl ", "is_active": "y"})
    assert response.status_code == 302
    assert reload_opd(tem).code == "KEC-TBL"
    response = browser.post_form(f"/admin/opd/{tem.id}", {"name": tem.name, "code": "dinkes", "is_active": "y"})
    assert "Kode DINKES sudah dipakai OPD Dinas Kesehatan." in flashes(response)
    assert reload_opd(tem).code == "KEC-TBL"


def reload_opd(opd: Opd) -> Opd:
    _db.session.expire_all()
    return _db.session.get(Opd, opd.id)


# --- the command line ----------------------------------------------------------------------------------


@pytest.fixture
def roster_file(tmp_path):
    def _write(data: bytes):
        path = tmp_path / "roster.csv"
        path.write_bytes(data)
        return path

    return _write


def test_cli_full_roster_dry_run_lists_every_person_and_writes_nothing(db, city, runner, roster_file):
    path = roster_file(
        roster_csv(
            f"{city['siti'].nip},Siti Aminah,,Kecamatan Tembalang,,,",
            f"{nip_(150)},Ani,,DINKES,,,",
            f"{city['rina'].nip},Rina,,Kecamatan Tembalang,,Lurah,",
        )
    )
    before = snapshot(db)
    result = runner.invoke(args=["users", "import", str(path), "--full-roster", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        f"UBAH     {city['siti'].nip} Siti Aminnah: nama: Siti Aminnah → Siti Aminah; "
        "OPD: Dinas Kesehatan → Kecamatan Tembalang" in result.output
    )
    assert f"BARU     {nip_(150)} Ani (Dinas Kesehatan)" in result.output
    assert f"NONAKTIF {city['budi'].nip} Budi Santoso (Dinas Kesehatan)" in result.output
    assert "OK: 1 akun baru, 1 diperbarui, 1 tidak berubah, 1 dinonaktifkan" in result.output
    assert snapshot(db) == before


def test_cli_full_roster_says_how_many_and_asks_before_deactivating(db, city, runner, roster_file):
    path = roster_file(roster_csv(f"{city['siti'].nip},Siti Aminnah,,DINKES,,,"))
    before = snapshot(db)
    refused = runner.invoke(args=["users", "import", str(path), "--full-roster"], input="n\n")
    assert refused.exit_code == 1
    assert "1 akun akan dinonaktifkan" in refused.stderr and "Dibatalkan" in refused.output
    assert snapshot(db) == before
    done = runner.invoke(args=["users", "import", str(path), "--full-roster", "--yes"])
    assert done.exit_code == 0, done.output
    assert "1 dinonaktifkan" in done.output
    assert not reload(city["budi"]).is_active_account


def test_cli_bad_input_reports_lines_and_writes_nothing(db, city, runner, roster_file):
    path = roster_file(roster_csv(f"{city['siti'].nip},Siti,budi@x.go.id,DINKES,,,", f"{nip_(160)},X,,NOPE,,,"))
    before = snapshot(db)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: Email budi@x.go.id sudah dipakai" in result.stderr
    assert f"{path}:3: OPD tidak dikenal: NOPE" in result.stderr
    assert snapshot(db) == before


def test_a_reactivation_by_the_roster_is_signalled_and_audited(db, city):
    admin = create_user(roles=("admin",))
    services.set_active(city["rina"], False, actor=admin)
    db.session.commit()
    heard = []
    with account_changed.connected_to(lambda sender, changes: heard.append((sender.id, changes))):
        roster.apply_plan(plan_for(roster_csv(f"{city['rina'].nip},Rina,,,,,")), actor=admin)
    db.session.commit()
    assert heard == [(city["rina"].id, {"is_active": (False, True)})]
    assert reload(city["rina"]).is_active_account
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roster_update"))
    assert entry.details == {"before": {"is_active": False}, "after": {"is_active": True}}


def test_admin_adds_an_opd_with_its_code_and_the_roster_finds_it(db, admin):
    browser, _ = admin
    response = browser.post_form("/admin/opd", {"name": "Dinas Komunikasi dan Informatika", "code": "diskominfo"})
    assert response.status_code == 302
    opd = _db.session.scalar(select(Opd).where(Opd.code == "DISKOMINFO"))
    assert opd is not None
    plan = plan_for(roster_csv(f"{nip_(170)},Ani,,Diskominfo,,,"))
    assert plan.errors == [] and plan.creations[0].opd_id == opd.id
    page = browser.get("/admin/opd")
    assert "DISKOMINFO" in page_text(page)


@pytest.mark.parametrize("what", ["update", "deactivation"])
def test_an_account_changed_while_the_plan_is_applied_rolls_everything_back(db, city, what):
    """The UPDATEs carry the old values the plan saw: a row changed meanwhile makes the whole apply fail."""
    admin = create_user(roles=("admin",))
    plan = plan_for(
        roster_csv(f"{city['siti'].nip},Siti Aminah,,DINKES,,,", f"{nip_(180)},Ani,,DINKES,,,"), full_roster=True
    )
    assert [d.user_id for d in plan.deactivations] == [city["budi"].id]
    if what == "update":  # someone renames Siti after the plan was made
        db.session.execute(User.__table__.update().where(User.id == city["siti"].id).values(name="Siti A."))
    else:  # someone deactivates Budi by hand
        db.session.execute(User.__table__.update().where(User.id == city["budi"].id).values(is_active=False))
    db.session.commit()
    before = snapshot(db)
    with pytest.raises(roster.RosterChanged):
        roster.apply_plan(plan, actor=admin)
    db.session.rollback()
    assert snapshot(db) == before


def test_the_web_confirm_refuses_a_change_made_while_applying(db, city, admin, monkeypatch):
    browser, _ = admin
    preview = upload(browser, roster_csv(f"{city['siti'].nip},Siti Aminah,,DINKES,,,"))
    real_apply = roster.apply_plan

    def racing_apply(plan, *, actor):
        # Another request renames her between the confirm's plan and its writes.
        _db.session.execute(User.__table__.update().where(User.id == city["siti"].id).values(name="Siti A."))
        return real_apply(plan, actor=actor)

    monkeypatch.setattr(roster, "apply_plan", racing_apply)
    response = confirm(browser, preview)
    assert response.status_code == 200
    assert any("berubah sejak pratinjau" in m for m in flashes(response))
    assert reload(city["siti"]).name == "Siti Aminnah"  # the racing write was in the rolled-back transaction
    assert "nama: Siti Aminnah → Siti Aminah" in page_text(response)
