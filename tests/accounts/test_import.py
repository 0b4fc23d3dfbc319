"""Bulk import of ASN from CSV, through the admin pages and through `flask users import`; `flask setup`."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import AuditLog, OneTimeCode, Opd, User
from tests.accounts.helpers import count_users, flashes, hidden_value, text
from tests.conftest import Browser, create_user, make_nip

HEADER = "nip,nama,email,opd,jabatan,peran"
GOOD_ROWS = [
    "198501012010012001,Siti Aminah,siti@semarangkota.go.id,Dinas Kesehatan,Perawat Ahli Muda,peserta",
    "19780315 200501 1 002,Bambang Sutrisno,,Kecamatan Tembalang,Camat,peserta|hr",
    "199203152022212003,Rina Marlina,,Dinas Kesehatan,Bidan,",
]
GOOD_NIPS = ["198501012010012001", "197803152005011002", "199203152022212003"]


def csv_bytes(*rows: str, header: str = HEADER, delimiter: str = ",", bom: bool = False, newline="\n") -> bytes:
    lines = [header, *rows]
    if delimiter != ",":
        lines = [line.replace(",", delimiter) for line in lines]
    data = (newline.join(lines) + newline).encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def counts(db) -> tuple[int, int, int, int]:
    """Users, OPDs, audit entries, one-time codes: all of them unchanged means nothing was written."""
    db.session.expire_all()
    return (
        count_users(),
        db.session.scalar(select(func.count()).select_from(Opd)),
        db.session.scalar(select(func.count()).select_from(AuditLog)),
        db.session.scalar(select(func.count()).select_from(OneTimeCode)),
    )


def error_rows(response) -> list[tuple[int, str]]:
    """The (line, problem) table of the preview."""
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", text(response))
    return [(int(line), message) for line, message in rows]


@pytest.fixture
def admin(login_as):
    return login_as("admin", name="Admin Impor")


def upload(browser: Browser, data: bytes, filename: str = "asn.csv"):
    return browser.post_form("/admin/impor", {"file": (io.BytesIO(data), filename)})


def confirm(browser: Browser, preview, base: str = "/admin/impor"):
    """Post the preview's confirm form as the browser would: the file, the mode and the plan's fingerprint."""
    fields = {name: hidden_value(preview, name) for name in ("payload", "mode", "fingerprint")}
    return browser.post_form(base, fields, action=f"{base}/konfirmasi")


# --- the parser, directly ---------------------------------------------------------------------------


def parse(data: bytes):
    from lms.accounts.csv_import import parse_roster_csv

    return parse_roster_csv(data)


@pytest.fixture(autouse=True)
def _opds(request):
    """The OPDs the sample files name: an import creates no OPD (an unknown one is a line error)."""
    if "db" in request.fixturenames and "setup" not in request.node.name:
        db = request.getfixturevalue("db")
        for name in ("Dinas Kesehatan", "Kecamatan Tembalang", "Dinas Kominfo"):
            services.get_or_create_opd(name)
        db.session.commit()


def test_good_file_gives_one_row_per_line_with_roles():
    preview = parse(csv_bytes(*GOOD_ROWS))
    assert preview.errors == []
    assert [r.nip for r in preview.rows] == GOOD_NIPS
    assert [r.line for r in preview.rows] == [2, 3, 4]
    assert preview.rows[1].roles == ("peserta", "hr")
    assert preview.rows[2].roles is None  # empty role cell: peserta for a new account
    assert preview.rows[0].email == "siti@semarangkota.go.id"
    assert preview.rows[1].email is None


@pytest.mark.parametrize(
    ("variant", "data"),
    [
        ("bom", csv_bytes(*GOOD_ROWS, bom=True)),
        ("semicolon", csv_bytes(*(r.replace(",", ";") for r in GOOD_ROWS), delimiter=";")),
        (
            "bom-semicolon-crlf",
            csv_bytes(*(r.replace(",", ";") for r in GOOD_ROWS), delimiter=";", bom=True, newline="\r\n"),
        ),
        (
            "header-case-and-order",
            csv_bytes(
                "Siti Aminah,198501012010012001,peserta,Dinas Kesehatan,,",
                header="Nama, NIP ,Peran,OPD,Email,Jabatan",
            ),
        ),
    ],
)
def test_excel_variants_are_read(variant, data):
    preview = parse(data)
    assert preview.errors == []
    assert preview.rows[0].nip == "198501012010012001"
    assert preview.rows[0].name == "Siti Aminah"


def test_semicolon_file_with_commas_inside_values():
    data = b"nip;nama;email;opd;jabatan;peran\n198501012010012001;Aminah, Siti;;Dinas Kesehatan;Perawat, Ahli Muda;\n"
    preview = parse(data)
    assert preview.errors == []
    assert preview.rows[0].name == "Aminah, Siti"
    assert preview.rows[0].jabatan == "Perawat, Ahli Muda"


BAD_FILE = csv_bytes(
    GOOD_ROWS[0],  # line 2
    "19860230201505 1 001,Nama Tanggal Salah,,,,peserta",  # line 3: 30 February
    "198501012010012001,Siti Lagi,,,,peserta",  # line 4: duplicate of line 2
    "198609262015051001,Jenis Salah,,,,peserta,PPPK",  # line 5: jenis_pegawai is not the NIP's
    "199001012015011001,Peran Aneh,,,,peserta|superadmin",  # line 6: unknown role
    "199101012016011001,,,,,peserta",  # line 7: missing name
    "",  # line 8: blank lines are skipped
    "199201012017011001,Surel Rusak,bukan email,,,peserta",  # line 9: bad email
    header=HEADER + ",jenis_pegawai",
)


def test_every_kind_of_bad_row_is_reported_with_its_line():
    preview = parse(BAD_FILE)
    lines = {line: message for line, message in preview.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 9]
    assert "Digit 1–8" in lines[3]
    assert lines[4] == "NIP 198501012010012001 sudah muncul di baris 2."
    assert lines[5].startswith("NIP 198609262015051001 adalah NIP PNS, tetapi kolom jenis_pegawai berisi PPPK.")
    assert "Peran tidak dikenal: superadmin" in lines[6]
    assert lines[7] == "Nama wajib diisi."
    assert "email tidak sah" in lines[9]


def test_a_row_with_two_problems_reports_both():
    preview = parse(csv_bytes("12345,,,,,dosen"))
    assert [line for line, _ in preview.errors] == [2, 2, 2]


def test_missing_column_is_reported_on_line_1():
    preview = parse(csv_bytes("198501012010012001,Siti,,", header="nip,nama,email,jabatan"))
    assert preview.rows == []
    assert preview.errors == [(1, preview.errors[0][1])]
    assert "Kolom wajib tidak ada: opd" in preview.errors[0][1]


def test_non_utf8_file_is_reported_with_the_line_of_the_first_bad_byte():
    data = csv_bytes(GOOD_ROWS[0]) + "198609262015051001,Budi Sétiawan,,,,peserta\n".encode("cp1252")
    preview = parse(data)
    assert preview.rows == []
    assert len(preview.errors) == 1
    line, message = preview.errors[0]
    assert line == 3
    assert "UTF-8" in message


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_reported(data):
    preview = parse(data)
    assert preview.errors == [(1, "Berkas kosong.")]


def test_header_without_rows_is_reported():
    preview = parse(csv_bytes())
    assert preview.errors == [(1, "Tidak ada baris data di bawah baris judul.")]


def test_nul_byte_is_reported_on_its_line():
    preview = parse(csv_bytes(GOOD_ROWS[0], "198609262015051001,Budi\x00,,,,peserta"))
    assert [line for line, _ in preview.errors] == [3]


@pytest.mark.parametrize(
    ("column_value", "row"),
    [
        ("nama", "198609262015051001,{long},,,,peserta"),
        ("opd", "198609262015051001,Budi,,{long},,peserta"),
        ("jabatan", "198609262015051001,Budi,,,{long},peserta"),
        ("email", "198609262015051001,Budi,{long}@contoh.go.id,,,peserta"),
    ],
)
def test_overlong_values_are_reported_not_cut(column_value, row):
    preview = parse(csv_bytes(row.format(long="x" * 260)))
    assert [line for line, _ in preview.errors] == [2]


# --- through the web ---------------------------------------------------------------------------------


def test_web_import_upload_preview_confirm_codes_and_download(app, db, admin):
    browser, admin_user = admin
    before = counts(db)

    preview = upload(browser, csv_bytes(*[r.replace("Dinas Kesehatan", "dinas  KESEHATAN", 1) for r in GOOD_ROWS]))
    assert preview.status_code == 200
    assert "Pratinjau: 3 akun baru, 0 diperbarui, 0 dinonaktifkan" in text(preview)
    for nip in GOOD_NIPS:
        assert nip in text(preview)
    assert counts(db) == before  # nothing is written before confirmation

    done = confirm(browser, preview)
    assert done.status_code == 200
    assert "3 akun diimpor" in text(done)
    assert "hanya ditampilkan sekali" in text(done)
    assert done.headers["Cache-Control"] == "no-store"

    users = {u.nip: u for u in db.session.scalars(select(User).where(User.nip.in_(GOOD_NIPS)))}
    assert set(users) == set(GOOD_NIPS)
    assert users["197803152005011002"].roles == {"peserta", "hr"}
    assert users["199203152022212003"].employee_type == "PPPK"
    assert users["198501012010012001"].jabatan == "Perawat Ahli Muda"
    assert all(u.must_change_password and u.password_hash is None for u in users.values())
    # the OPD is found by its name in any case and spacing; no OPD is created
    assert sorted(db.session.scalars(select(Opd.name))) == ["Dinas Kesehatan", "Dinas Kominfo", "Kecamatan Tembalang"]
    assert users["198501012010012001"].opd.name == "Dinas Kesehatan"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert entry.actor_id == admin_user.id and entry.details["nips"] == GOOD_NIPS

    # the codes CSV is built from what the page holds
    page = text(done)
    form = {
        "nip": re.findall(r'name="nip" value="([^"]*)"', page),
        "nama": re.findall(r'name="nama" value="([^"]*)"', page),
        "kode": re.findall(r'name="kode" value="([^"]*)"', page),
        "berlaku": re.findall(r'name="berlaku" value="([^"]*)"', page),
    }
    download = browser.post_form("/admin/pengguna", form, action="/admin/impor/kode-aktivasi.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    body = download.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["nip", "nama", "kode_aktivasi", "berlaku_sampai"]
    # The NIP as Excel text (="…"): a bare 18-digit number would keep only 15 digits in Excel.
    assert [r[0] for r in rows[1:]] == [f'="{nip}"' for nip in GOOD_NIPS]
    assert f'"=""{GOOD_NIPS[0]}"""' in body
    codes = {r[0][2:-1]: r[2] for r in rows[1:]}
    # each code logs its owner in, into the forced password change
    for nip, code in codes.items():
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert nip[:8] not in code
        response = Browser(app.test_client()).login(nip, code)
        assert response.headers["Location"] == "/akun/kata-sandi"


def test_web_import_accepts_bom_and_semicolons(db, admin):
    browser, _ = admin
    data = csv_bytes(*(r.replace(",", ";") for r in GOOD_ROWS), delimiter=";", bom=True, newline="\r\n")
    preview = upload(browser, data)
    assert "Pratinjau: 3 akun baru" in text(preview)
    confirm(browser, preview)
    assert count_users() == 4


def test_web_preview_lists_every_bad_row_and_writes_nothing(db, admin):
    browser, _ = admin
    before = counts(db)
    preview = upload(browser, BAD_FILE)
    assert preview.status_code == 200
    assert "6 masalah ditemukan — belum ada yang disimpan" in text(preview)
    assert [line for line, _ in error_rows(preview)] == [3, 4, 5, 6, 7, 9]
    assert 'name="payload"' not in text(preview)  # no way to confirm a file with problems
    assert counts(db) == before


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (csv_bytes("198501012010012001,Siti", header="nip,nama"), 1, "Kolom wajib tidak ada: opd"),
        (b"", 1, "Berkas kosong."),
        (csv_bytes(GOOD_ROWS[0]) + "x,Sétiawan,,,,\n".encode("latin-1"), 3, "UTF-8"),
    ],
    ids=["missing-column", "empty", "not-utf8"],
)
def test_web_preview_reports_file_problems_with_a_line(db, admin, data, line, message):
    browser, _ = admin
    before = counts(db)
    preview = upload(browser, data)
    assert preview.status_code == 200
    rows = error_rows(preview)
    assert rows and rows[0][0] == line and message in rows[0][1]
    assert counts(db) == before


def test_web_import_without_a_file_says_so(admin):
    browser, _ = admin
    response = browser.post_form("/admin/impor", {})
    assert response.status_code == 200
    assert "Pilih berkas CSV terlebih dahulu." in flashes(response)


def test_fifty_asn_with_two_bad_rows_show_both_then_import_when_fixed(db, admin):
    browser, _ = admin
    # Women's NIPs: no create_user() of a fixture (all men's) can hold one of them already.
    rows = [f"{make_nip(100 + i, gender='2')},ASN Nomor {i},,Dinas Kominfo,Pelaksana,peserta" for i in range(50)]
    rows[9] = rows[9].replace("ASN Nomor 9", "")  # line 11: no name
    rows[36] = "19861326" + rows[36][8:]  # line 38: month 13 in the birth date
    before = counts(db)
    preview = upload(browser, csv_bytes(*rows))
    assert [line for line, _ in error_rows(preview)] == [11, 38]
    assert "2 masalah ditemukan" in text(preview)
    assert counts(db) == before

    rows[9] = f"{make_nip(109, gender='2')},ASN Nomor 9,,Dinas Kominfo,Pelaksana,peserta"
    rows[36] = f"{make_nip(136, gender='2')},ASN Nomor 36,,Dinas Kominfo,Pelaksana,peserta"
    preview = upload(browser, csv_bytes(*rows))
    assert error_rows(preview) == []
    assert "Pratinjau: 50 akun baru" in text(preview)
    done = confirm(browser, preview)
    assert "50 akun diimpor" in text(done)
    assert count_users() == before[0] + 50
    assert len(re.findall(r'name="kode"', text(done))) == 50


def test_confirm_writes_nothing_when_a_nip_was_registered_meanwhile(db, admin):
    browser, _ = admin
    preview = upload(browser, csv_bytes(*GOOD_ROWS))
    create_user(nip=GOOD_NIPS[1])  # someone else registered her in the meantime: the plan is not the previewed one
    before = counts(db)
    response = confirm(browser, preview)
    assert response.status_code == 200
    assert any("berubah sejak pratinjau" in message for message in flashes(response))
    assert "Pratinjau: 2 akun baru, 1 diperbarui" in text(response)  # the new plan, to confirm again
    assert counts(db) == before


def test_confirm_with_a_tampered_payload_writes_nothing(db, admin):
    browser, _ = admin
    before = counts(db)
    response = browser.post_form(
        "/admin/impor", {"payload": HEADER + "\n12345,Palsu,,,,admin\n"}, action="/admin/impor/konfirmasi"
    )
    assert response.status_code == 200
    assert counts(db) == before
    empty = browser.post_form("/admin/impor", {"payload": ""}, action="/admin/impor/konfirmasi")
    assert empty.status_code == 400


def page_codes(page: str) -> dict[str, list[str]]:
    """The hidden fields the import page sends back for the CSV and the PDF."""
    return {name: re.findall(rf'name="{name}" value="([^"]*)"', page) for name in ("nip", "nama", "kode", "berlaku")}


def test_codes_pdf_is_a_sheet_of_slips_made_from_what_the_page_holds(app, db, admin):
    from pypdf import PdfReader

    from lms.accounts.nip import format_nip

    browser, _ = admin
    done = confirm(browser, upload(browser, csv_bytes(*GOOD_ROWS)))
    form = page_codes(text(done))
    assert len(form["kode"]) == 3
    before = counts(db)
    download = browser.post_form("/admin/pengguna", form, action="/admin/impor/kode-aktivasi.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="kode-aktivasi.pdf"'
    assert download.headers["Cache-Control"] == "no-store"
    assert counts(db) == before  # formatted from the post: nothing read or kept on the server
    pdf = PdfReader(io.BytesIO(download.data))
    assert len(pdf.pages) == 1
    sheet = " ".join(pdf.pages[0].extract_text().split())
    for nip, name, code in zip(form["nip"], form["nama"], form["kode"], strict=True):
        assert name in sheet and f"NIP {format_nip(nip)}" in sheet and code in sheet
    assert "Berlaku sampai" in sheet and app.config["LMS_PUBLIC_URL"].rstrip("/") + "/login" in sheet


def test_codes_pdf_puts_ten_slips_on_a_page():
    from pypdf import PdfReader

    from lms.accounts.code_sheet import CodeSlip, render_code_sheet

    slips = [CodeSlip(make_nip(), f"Peserta {n}", f"AAAA-BBBB-{n:04d}", date(2026, 12, 18)) for n in range(23)]
    data = render_code_sheet(
        slips,
        lms_name="Lentera",
        organiser="BKPP",
        login_url="https://lentera.test/login",
        printed_on=date(2026, 12, 4),
    )
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 3
    assert "halaman 3 dari 3" in pages[2].extract_text() and "AAAA-BBBB-0022" in pages[2].extract_text()
    assert "18 Desember 2026" in pages[0].extract_text()
    again = render_code_sheet(
        slips,
        lms_name="Lentera",
        organiser="BKPP",
        login_url="https://lentera.test/login",
        printed_on=date(2026, 12, 4),
    )
    assert again == data


@pytest.mark.parametrize(
    "form",
    [
        {"nip": ["198501012010012001", "2"], "nama": ["a"], "kode": ["k"], "berlaku": ["2026-12-12"]},
        {"nip": ["198501012010012001"], "nama": ["a"], "kode": ["k"], "berlaku": ["besok"]},
        {"nip": [], "nama": [], "kode": [], "berlaku": []},
    ],
    ids=["mismatched", "bad-date", "empty"],
)
def test_codes_pdf_refuses_a_form_that_is_not_the_page(admin, form):
    browser, _ = admin
    assert browser.post_form("/admin/pengguna", form, action="/admin/impor/kode-aktivasi.pdf").status_code == 400


def test_codes_csv_neutralises_spreadsheet_formulas(admin):
    browser, _ = admin
    form = {"nip": ["198501012010012001"], "nama": ['=HYPERLINK("http://jahat")'], "kode": ["AAAA"], "berlaku": ["x"]}
    body = browser.post_form("/admin/pengguna", form, action="/admin/impor/kode-aktivasi.csv").get_data(as_text=True)
    row = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1]
    assert row[1] == '\'=HYPERLINK("http://jahat")'


def test_codes_csv_writes_the_nip_as_text_and_never_a_formula_in_its_place():
    from lms.accounts.csv_import import codes_csv

    body = codes_csv([("198501012010012001", "Siti", "AAAA-BBBB-CCCC", "2026-12-12"), ("=1+1", "x", "k", "b")])
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1] == ['="198501012010012001"', "Siti", "AAAA-BBBB-CCCC", "2026-12-12"]
    assert rows[2][0] == "'=1+1"  # a tampered NIP is not number-like: neutralised, not wrapped


def test_codes_csv_refuses_mismatched_columns(admin):
    browser, _ = admin
    form = {"nip": ["1", "2"], "nama": ["a"], "kode": ["k"], "berlaku": ["b"]}
    assert browser.post_form("/admin/pengguna", form, action="/admin/impor/kode-aktivasi.csv").status_code == 400


# --- through the command line -----------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def _write(data: bytes, name: str = "asn.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


def test_cli_import_writes_users_and_prints_codes(db, runner, csv_file):
    path = csv_file(csv_bytes(*GOOD_ROWS))
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 akun diimpor." in result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["nip", "nama", "kode_aktivasi", "berlaku_sampai"]
    assert [r[0] for r in rows[1:]] == [f'="{nip}"' for nip in GOOD_NIPS]  # NIP as Excel text, as on the web
    assert count_users() == 3
    assert sorted(db.session.scalars(select(Opd.name))) == ["Dinas Kesehatan", "Dinas Kominfo", "Kecamatan Tembalang"]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert entry is not None and entry.actor_id is None


def test_cli_dry_run_checks_and_writes_nothing(db, runner, csv_file):
    path = csv_file(csv_bytes(*GOOD_ROWS, bom=True))
    before = counts(db)
    result = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 akun baru, 0 diperbarui" in result.output
    assert f"BARU     {GOOD_NIPS[0]} Siti Aminah (Dinas Kesehatan)" in result.output
    assert counts(db) == before


def test_cli_codes_out_writes_the_codes_to_a_file(db, runner, csv_file, tmp_path):
    path = csv_file(csv_bytes(*(r.replace(",", ";") for r in GOOD_ROWS), delimiter=";"))
    out = tmp_path / "kode.csv"
    result = runner.invoke(args=["users", "import", str(path), "--codes-out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 akun diimpor." in result.stdout
    body = out.read_text(encoding="utf-8")
    assert body.startswith("\ufeff")
    codes = [row[2] for row in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]]
    assert len(codes) == 3
    assert not any(code in result.output for code in codes)  # codes only in the file


def test_cli_codes_out_to_an_unwritable_place_imports_nothing(db, runner, csv_file, tmp_path):
    path = csv_file(csv_bytes(*GOOD_ROWS))
    before = counts(db)
    result = runner.invoke(args=["users", "import", str(path), "--codes-out", str(tmp_path / "tidak-ada" / "k.csv")])
    assert result.exit_code != 0
    assert "tidak ada yang diimpor" in result.output
    assert counts(db) == before


def test_cli_bad_file_reports_each_line_and_writes_nothing(db, runner, csv_file):
    create_user(nip="198609262015051001")
    path = csv_file(BAD_FILE)
    before = counts(db)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    for line in (3, 4, 5, 6, 7, 9):
        assert f"{path}:{line}: " in result.stderr
    assert "6 masalah ditemukan; tidak ada akun yang diimpor." in result.stderr
    assert counts(db) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ":1: Berkas kosong."),
        (csv_bytes(GOOD_ROWS[0]) + "x,S\xe9tiawan,,,,\n".encode("latin-1"), ":3: "),
        (csv_bytes("198501012010012001,Siti,,,", header="nip,nama,email,jabatan,peran"), ":1: Kolom wajib tidak ada"),
    ],
    ids=["empty", "not-utf8", "missing-column"],
)
def test_cli_file_problems_are_reported_with_a_line(db, runner, csv_file, data, expected):
    path = csv_file(data)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert expected in result.stderr
    assert count_users() == 0


def test_cli_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["users", "import", str(tmp_path / "tidak-ada.csv")])
    assert result.exit_code == 1
    assert "Berkas tidak dapat dibaca" in result.output
    assert "Traceback" not in result.output


# --- create-admin and setup ---------------------------------------------------------------------------


def test_create_admin_reads_the_password_from_stdin(app, db, runner):
    password = "Admin-Kota-Semarang-2026"
    result = runner.invoke(args=["users", "create-admin", "--nip", "19860926 201505 1 001"], input=password + "\n")
    assert result.exit_code == 0, result.output
    assert "Admin 198609262015051001 siap." in result.output
    assert password not in result.output
    user = db.session.scalar(select(User).where(User.nip == "198609262015051001"))
    assert user.roles == {"admin", "peserta"}
    assert user.must_change_password is False
    browser = Browser(app.test_client())
    assert browser.login(user.nip, password).headers["Location"] == "/"
    assert browser.get("/admin/pengguna").status_code == 200


def test_create_admin_refuses_a_weak_password_and_writes_nothing(db, runner):
    result = runner.invoke(args=["users", "create-admin", "--nip", "198609262015051001"], input="19860926abc\n")
    assert result.exit_code == 1
    assert "tanggal lahir" in result.output
    assert count_users() == 0


def test_create_admin_refuses_a_bad_nip(db, runner):
    result = runner.invoke(args=["users", "create-admin", "--nip", "198613262015051001"], input="Admin-Kota-2026x\n")
    assert result.exit_code == 1
    assert "Digit 1–8" in result.output
    assert count_users() == 0


def test_create_admin_promotes_an_existing_user(app, db, runner):
    user = create_user(nip="198609262015051001")
    result = runner.invoke(args=["users", "create-admin", "--nip", user.nip], input="Admin-Kota-Semarang-2026\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"admin", "peserta"}
    assert Browser(app.test_client()).login(user.nip, "Admin-Kota-Semarang-2026").status_code == 302


def test_setup_seeds_opds_and_prints_the_first_admin_once(app, db, runner):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "52 OPD ditambahkan." in first.output
    assert "Admin pertama dibuat" in first.output
    nip = app.config["LMS_ADMIN_NIP"]
    assert f"NIP        : {nip}" in first.output
    password = re.search(r"Kata sandi : (\S+)", first.output).group(1)
    assert db.session.scalar(select(func.count()).select_from(Opd)) == 52

    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "Admin pertama dibuat" not in second.output
    assert "Kata sandi" not in second.output
    assert "OPD ditambahkan" not in second.output
    assert db.session.scalar(select(func.count()).select_from(Opd)) == 52
    assert count_users() == 1

    # the printed password logs the admin in, into the forced password change, until she chose hers
    browser = Browser(app.test_client())
    assert browser.login(nip, password).headers["Location"] == "/akun/kata-sandi"
    assert Browser(app.test_client()).login(nip, password).headers["Location"] == "/akun/kata-sandi"
    chosen = "Lentera-Admin-Baru-2026"
    browser.post_form("/akun/kata-sandi", {"new_password": chosen, "confirm": chosen})
    assert Browser(app.test_client()).login(nip, password).status_code == 200  # used up
    assert Browser(app.test_client()).login(nip, chosen).status_code == 302


def test_setup_with_an_admin_present_creates_none(db, runner):
    create_user(roles=("admin",))
    result = runner.invoke(args=["setup"])
    assert "Admin pertama dibuat" not in result.output
    assert count_users() == 1


def test_setup_refuses_an_invalid_admin_nip(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ADMIN_NIP", "123")
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 1
    assert "LMS_ADMIN_NIP tidak sah" in result.output
    assert count_users() == 0
