"""The certificate PDF: every field on the page, the QR code's payload, byte-identical output, fonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lms.certificates import pdf as certificate_pdf
from lms.certificates.pdf import (
    FONT_DIR,
    FONT_FILES,
    QR_VERIFICATION_NOTE,
    CertificateSettings,
    JpRecap,
    RecapLine,
    check_printable,
    qr_payload,
    render_certificate_pdf,
    render_jp_recap_pdf,
)
from lms.errors import ValidationError
from tests.certificates.helpers import CODE, PUBLIC_URL, make_settings, make_snapshot

URL = f"{PUBLIC_URL}/verifikasi/{CODE}"


def page_text(data: bytes) -> str:
    """The page's text with every run of whitespace made one space (lines wrap where they will)."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_every_field_is_printed() -> None:
    text = page_text(render_certificate_pdf(make_snapshot(), make_settings()))
    for expected in (
        "SERTIFIKAT",
        "Surat Tanda Tamat Pelatihan",
        "Nomor: LMS/2026/000123",
        "diberikan kepada",
        "Dra. Rr. Siti Nurhaliza Ayuningtyas, M.Si.",
        "NIP : 19860926 201505 1 001",
        "Pangkat/Golongan : Penata Tingkat I (III/d)",
        "Jabatan : Pranata Komputer Ahli Muda",
        "Unit Kerja : Bidang Aplikasi Informatika",
        "Perangkat Daerah : Dinas Komunikasi, Informatika, Statistik dan Persandian",
        "Instansi : Pemerintah Kota Semarang",
        "telah mengikuti",
        "Literasi Digital bagi ASN: Cakap, Etika, Budaya dan Keamanan Digital",
        "yang diselenggarakan oleh BKPP Kota Semarang",
        "dari tanggal 3 November 2026 sampai dengan 28 November 2026",
        "yang meliputi 4 (empat) jam pelajaran",
        "dengan nilai akhir 85",
        "Semarang, 28 November 2026",
        "Kepala BKPP Kota Semarang",
        "Drs. Bambang Suranggono, M.M.",
        "NIP. 19700101 199003 1 002",
        QR_VERIFICATION_NOTE,
        URL,
    ):
        assert expected in text, expected


def test_page_is_a4_landscape_with_embedded_fonts() -> None:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_snapshot(), make_settings())))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert len(fonts) == len(FONT_FILES)
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert "DejaVu" in font["/BaseFont"]


def test_fonts_are_vendored_with_their_licence() -> None:
    assert FONT_DIR.is_relative_to(Path(certificate_pdf.__file__).parents[1])  # inside the lms package
    for filename in FONT_FILES.values():
        assert (FONT_DIR / filename).is_file()
    assert "Bitstream Vera" in (FONT_DIR / "LICENSE").read_text(encoding="utf-8")


def test_same_snapshot_gives_the_same_bytes() -> None:
    first = render_certificate_pdf(make_snapshot(), make_settings())
    render_certificate_pdf(make_snapshot(name="Orang Lain", number="LMS/2026/000124"), make_settings())
    again = render_certificate_pdf(make_snapshot(), make_settings())
    assert first == again
    assert first.startswith(b"%PDF-")


def test_creation_date_comes_from_the_snapshot() -> None:
    data = render_certificate_pdf(make_snapshot(), make_settings())
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/CreationDate"].startswith("D:20261128061500")
    assert reader.metadata["/Title"] == "Sertifikat LMS/2026/000123"


def test_qr_code_encodes_the_verification_url(monkeypatch) -> None:
    import segno  # the renderer imports it when it draws; patch the module itself

    seen: list[str] = []
    real = segno.make_qr

    def spy(content, *args, **kwargs):
        seen.append(content)
        return real(content, *args, **kwargs)

    monkeypatch.setattr(segno, "make_qr", spy)
    render_certificate_pdf(make_snapshot(), make_settings())
    assert seen == [URL]
    assert qr_payload(make_snapshot(), make_settings(public_url=PUBLIC_URL + "/")) == URL


def test_qr_code_decodes_to_the_verification_url() -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements-dev.txt) decodes the QR code")
    from PIL import Image

    buffer = io.BytesIO()
    certificate_pdf.make_qr(URL).save(buffer, kind="png", scale=6, border=4)
    assert [result.text for result in zxingcpp.read_barcodes(Image.open(buffer))] == [URL]


def test_qr_code_on_the_rendered_page_decodes_to_the_verification_url(tmp_path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements-dev.txt) decodes the QR code")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed, so the page cannot be rasterised")
    from PIL import Image

    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificate_pdf(make_snapshot(), make_settings()))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    results = zxingcpp.read_barcodes(Image.open(png))
    assert [result.text for result in results] == [URL]


def test_accented_latin_names_are_printed() -> None:
    name = "José María Ñúñez Müller-Çelik"
    text = page_text(render_certificate_pdf(make_snapshot(name=name), make_settings()))
    assert name in text


def test_decomposed_accents_are_composed_before_printing() -> None:
    text = page_text(render_certificate_pdf(make_snapshot(name="Jose\u0301 Pen\u0303a"), make_settings()))
    assert "José Peña" in text


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("name", "محمد عبد الله", "Nama"),
        ("name", "Budi ꦗꦮ", "Nama"),
        ("name", "李小龍", "Nama"),
        ("jabatan", "Analis ꦱꦼꦩꦫꦁ", "Jabatan"),
        ("module_title", "Keamanan Digital 🔒", "Judul modul"),
        ("name", "Budi\x00Santoso", "Nama"),
    ],
)
def test_characters_the_fonts_lack_are_refused_before_rendering(field, value, label) -> None:
    snapshot = make_snapshot(**{field: value})
    with pytest.raises(ValidationError) as excinfo:
        render_certificate_pdf(snapshot, make_settings())
    message = excinfo.value.message
    assert message.startswith("Sertifikat tidak dapat dibuat.")
    assert f"{label} memuat karakter yang tidak dapat dicetak" in message
    assert "U+" in message
    assert "huruf Latin" in message


def test_refusal_names_every_bad_field_and_character_once() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_printable(make_snapshot(name="ꦗꦮꦗ", unit_kerja="محمد"))
    message = excinfo.value.message
    assert "Nama" in message and "Unit kerja" in message
    assert message.count("U+A997") == 1


def test_long_texts_wrap_or_shrink_and_stay_on_the_page() -> None:
    snapshot = make_snapshot(
        name="Dr. Raden Roro Siti Nurhaliza Ayuningtyas Puspitasari Kusumawardhani, S.Kom., M.T., M.Kom.",
        jabatan="Kepala Sub Bagian Umum dan Kepegawaian pada Sekretariat Dinas Komunikasi, Informatika, "
        "Statistik dan Persandian Kota Semarang Provinsi Jawa Tengah",
        unit_kerja="Bidang Aplikasi Informatika dan Pengelolaan Layanan Sistem Pemerintahan Berbasis Elektronik",
        module_title=" ".join(["Literasi Digital bagi ASN dalam Pelayanan Publik yang Berorientasi BerAKHLAK"] * 3),
        valid_until=make_snapshot().completed_on.replace(year=2028),
    )
    data = render_certificate_pdf(snapshot, make_settings())
    text = page_text(data)
    for word in ("Kusumawardhani", "Tengah", "Elektronik", "BerAKHLAK", "berlaku sampai dengan 28 November 2028"):
        assert word in text
    assert URL in text


def test_a_word_longer_than_the_line_is_split_not_lost() -> None:
    title = "Q" * 250
    text = page_text(render_certificate_pdf(make_snapshot(module_title=title), make_settings()))
    printed_title = text.split("telah mengikuti pelatihan")[1].split("yang diselenggarakan")[0]
    assert printed_title.replace(" ", "") == title


def test_optional_parts() -> None:
    snapshot = make_snapshot(score=None, signer_name=None, signer_nip=None, started_on=make_snapshot().completed_on)
    text = page_text(render_certificate_pdf(snapshot, make_settings()))
    assert "nilai" not in text
    assert "pada tanggal 28 November 2026" in text
    assert "Kepala BKPP Kota Semarang" in text
    assert "NIP. " not in text


def test_logo_from_the_instance_folder(tmp_path) -> None:
    from PIL import Image

    Image.new("RGB", (60, 70), (24, 49, 83)).save(tmp_path / "logo-sertifikat.png")
    config = {"LMS_PUBLIC_URL": PUBLIC_URL, "LMS_CERT_LOGO": "logo-sertifikat.png"}
    settings = CertificateSettings.from_config(config, tmp_path)
    assert settings.logo_path == tmp_path / "logo-sertifikat.png"
    with_logo = render_certificate_pdf(make_snapshot(), settings)
    assert re.search(rb"/Subtype\s*/Image", with_logo)

    absent = CertificateSettings.from_config({**config, "LMS_CERT_LOGO": "missing.png"}, tmp_path)
    assert absent.logo_path is None
    assert not re.search(rb"/Subtype\s*/Image", render_certificate_pdf(make_snapshot(), absent))


def test_settings_from_the_app_config(app) -> None:
    settings = CertificateSettings.from_config(app.config, app.instance_path)
    assert settings.public_url == app.config["LMS_PUBLIC_URL"]
    assert settings.prefix == "LMS"
    assert settings.place == "Semarang"
    assert settings.signer_title == "Kepala BKPP Kota Semarang"
    assert settings.snapshot_defaults()["organiser"] == app.config["LMS_ORGANISER"]


def recap(**overrides) -> JpRecap:
    fields = {
        "name": "Dewi Lestari",
        "nip": "198102022005011002",
        "opd": "Kecamatan Tembalang",
        "instansi": "Pemerintah Kota Semarang",
        "organiser": "BKPP Kota Semarang",
        "year": 2026,
        "target": 20,
        "lines": (
            RecapLine(date(2026, 3, 2), "Etika Digital", 8, "LMS/2026/000001"),
            RecapLine(date(2026, 11, 28), "Literasi Digital bagi ASN", 4, None),
        ),
        "printed_on": date(2026, 11, 28),
    }
    return JpRecap(**{**fields, **overrides})


def test_jp_recap_lists_the_year_and_its_total() -> None:
    text = page_text(render_jp_recap_pdf(recap(), make_settings()))
    for expected in (
        "REKAPITULASI JAM PELAJARAN TAHUN 2026",
        "Dewi Lestari",
        "19810202 200501 1 002",
        "Kecamatan Tembalang",
        "2 Maret 2026",
        "Etika Digital",
        "LMS/2026/000001",
        "Literasi Digital bagi ASN",
        "Jumlah: 12 (dua belas) jam pelajaran",
        "belum tercapai (kurang 8 JP)",
    ):
        assert expected in text, expected
    assert "tercapai." in page_text(render_jp_recap_pdf(recap(target=12), make_settings()))
    assert "Belum ada modul" in page_text(render_jp_recap_pdf(recap(lines=()), make_settings()))


def test_jp_recap_refuses_unprintable_names() -> None:
    with pytest.raises(ValidationError):
        render_jp_recap_pdf(recap(name="ꦢꦺꦮꦶ"), make_settings())
