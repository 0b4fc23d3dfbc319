"""Digital signing (PAdES B-B): the key from a throwaway PKCS#12, signed once at issue, served as stored."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from config import TestingConfig
from lms import create_app
from lms.accounts.models import AuditLog
from lms.certificates import services, signing
from lms.certificates.models import Certificate, CertificateCounter
from lms.certificates.pdf import QR_VERIFICATION_NOTE, SIGNED_MARK, SIGNED_VERIFICATION_NOTE, render_certificate_pdf
from lms.certificates.signing import EXTENSION_KEY, SigningConfigError, SigningError, load_signer
from lms.extensions import db as _db
from lms.learning.models import Completion
from tests.certificates.factories import certificate_of, complete, issued, make_asn, make_module, make_opd
from tests.certificates.helpers import make_settings, make_snapshot

PASSWORD = "sandi-uji-p12"
SIGNER_NAME = "Kepala BKPP Kota Semarang (uji)"


def _key_usage(*, signing: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=not signing,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def make_certificate(
    *, valid_from: timedelta = timedelta(days=-1), valid_for: timedelta = timedelta(days=365), signing: bool = True
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed RSA certificate, made now, valid from now + `valid_from` for `valid_for`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kota Semarang"),
            x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME),
        ]
    )
    start = datetime.now(UTC) + valid_from
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + valid_for)
        .add_extension(_key_usage(signing=signing), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def write_p12(path: Path, key, certificate, password: str | None = PASSWORD) -> Path:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"penanda-tangan", key, certificate, None, encryption))
    return path


@pytest.fixture(scope="module")
def signing_key(tmp_path_factory) -> tuple[Path, x509.Certificate]:
    """A throwaway signing certificate and its PKCS#12 file (made once: RSA key generation is slow)."""
    key, certificate = make_certificate()
    return write_p12(tmp_path_factory.mktemp("p12") / "penanda-tangan.p12", key, certificate), certificate


@pytest.fixture
def signer(app, signing_key, monkeypatch) -> signing.CertificateSigner:
    """The test app signs with the throwaway key, as it would with LMS_CERT_SIGNING_P12 set."""
    path, _certificate = signing_key
    monkeypatch.setitem(app.config, "LMS_CERT_SIGNING_P12", str(path))
    monkeypatch.setitem(app.config, "LMS_CERT_SIGNING_PASSWORD", PASSWORD)
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, None)
    signing.init_app(app)
    loaded = app.extensions[EXTENSION_KEY]
    assert loaded is not None
    return loaded


def validate(data: bytes, trusted: x509.Certificate):
    """pyHanko's verdict on the PDF's one signature, trusting only `trusted` and fetching nothing."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    root = asn1_x509.Certificate.load(trusted.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def page_text(data: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


# --- issuing with a signing key ------------------------------------------------------------------


def test_an_issued_certificate_is_signed_pades_by_the_configured_certificate(db, signer, signing_key):
    _path, trusted = signing_key
    certificate = issued()
    stored = services.pdf_bytes(certificate)

    signature, status = validate(stored, trusted)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.signing_cert.dump() == trusted.public_bytes(serialization.Encoding.DER)
    assert status.signing_cert.subject.native["common_name"] == SIGNER_NAME
    assert status.md_algorithm == "sha256"
    assert status.coverage.name == "ENTIRE_FILE" and status.docmdp_ok
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7.detached
    assert "Penerbitan sertifikat pelatihan " + certificate.number == signature.sig_object["/Reason"]
    assert signature.sig_object["/Location"] == certificate.place
    assert status.timestamp_validity is None and status.content_timestamp_validity is None  # B-B: no TSA
    assert status.signer_reported_dt is not None  # the signing time, from the signature dictionary

    # The signed revision is exactly the rendered certificate (worded as signed); the signature is
    # appended after it.
    rendered = render_certificate_pdf(certificate.snapshot(), services.certificate_settings(), signed=True)
    assert stored.startswith(rendered) and len(stored) > len(rendered)
    assert certificate.file.size == len(stored)


def test_a_signed_certificate_says_it_is_signed_not_that_the_qr_code_is_the_only_check(db, signer):
    text = page_text(services.pdf_bytes(issued()))
    assert SIGNED_MARK in text
    assert SIGNED_VERIFICATION_NOTE in text
    assert QR_VERIFICATION_NOTE not in text


def test_a_signed_pdf_is_signed_once_and_served_as_stored(db, signer, signing_key, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    module = make_module("etika-digital", title="Etika Digital")
    certificate = certificate_of(complete(user, module))
    stored = services.pdf_bytes(certificate)
    assert services.pdf_bytes(certificate) == stored  # not signed again

    from_module = browser.get("/modul/etika-digital/sertifikat.pdf")
    by_id = browser.get(f"/sertifikat/{certificate.id}.pdf")
    assert from_module.status_code == by_id.status_code == 200
    assert from_module.data == by_id.data == stored
    _signature, status = validate(from_module.data, signing_key[1])
    assert status.intact and status.valid

    hr_browser, _hr = login_as("hr")
    archive = hr_browser.get("/hr/sertifikat/unduh.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert [files.read(name) for name in files.namelist()] == [stored]


def test_a_changed_byte_breaks_the_signature(db, signer, signing_key):
    stored = services.pdf_bytes(issued())
    tampered = stored.replace(b"/Title (Sertifikat", b"/Title (Sertifikot", 1)
    assert tampered != stored
    _signature, status = validate(tampered, signing_key[1])
    assert not status.intact and not status.bottom_line


def test_a_reissued_certificate_is_signed_too(db, signer, signing_key):
    old = issued()
    new = services.reissue_certificate(old, actor=None, reason="Nama diperbaiki")
    _db.session.commit()
    _signature, status = validate(services.pdf_bytes(new), signing_key[1])
    assert status.intact and status.valid
    assert new.number in page_text(services.pdf_bytes(new))


def test_a_key_that_expired_since_the_start_issues_nothing_and_keeps_the_completion(
    db, app, monkeypatch, tmp_path, signing_key
):
    key, certificate = make_certificate(valid_from=timedelta(days=-10), valid_for=timedelta(days=5))
    path = write_p12(tmp_path / "kedaluwarsa.p12", key, certificate)
    expired = load_signer(path, PASSWORD, now=datetime.now(UTC) - timedelta(days=7))  # loaded while still valid
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, expired)

    user, module = make_asn(), make_module()
    completion = complete(user, module)
    assert _db.session.get(Completion, completion.id) is not None  # her completion stands
    assert _db.session.scalar(select(func.count(Certificate.id))) == 0  # nothing issued unsigned
    counter = _db.session.scalar(select(CertificateCounter.last_seq))
    assert counter in (None, 0)  # the number taken was rolled back with the savepoint: no gap
    refusal = _db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "certificate.refused"))
    assert "kedaluwarsa" in refusal and SIGNER_NAME in refusal

    # Once a valid key is installed, the pending certificate is issued — signed, with the first number.
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, load_signer(signing_key[0], PASSWORD))
    (certificate_now,), refused = services.issue_missing()
    _db.session.commit()
    assert refused == [] and certificate_now.seq == 1
    assert validate(services.pdf_bytes(certificate_now), signing_key[1])[1].valid


def test_the_learner_is_told_plainly_when_signing_held_her_certificate_back(db, app, monkeypatch, tmp_path):
    key, certificate = make_certificate(valid_from=timedelta(days=-10), valid_for=timedelta(days=5))
    expired = load_signer(
        write_p12(tmp_path / "lama.p12", key, certificate), PASSWORD, now=datetime.now(UTC) - timedelta(days=7)
    )
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, expired)
    user, module = make_asn(), make_module()
    with app.test_request_context("/"):
        from flask import get_flashed_messages

        complete(user, module)
        (message,) = get_flashed_messages()
    assert "tanda tangan elektroniknya sedang bermasalah" in message
    assert "data Anda diperbaiki" not in message  # her data is not the problem


def test_signing_refuses_directly_with_a_clear_message(tmp_path):
    key, certificate = make_certificate(valid_from=timedelta(days=-10), valid_for=timedelta(days=5))
    path = write_p12(tmp_path / "lama.p12", key, certificate)
    expired = load_signer(path, PASSWORD, now=datetime.now(UTC) - timedelta(days=7))
    with pytest.raises(SigningError, match="sudah kedaluwarsa sejak .* tidak diterbitkan tanpa tanda tangan"):
        expired.sign(render_certificate_pdf(make_snapshot(), make_settings(), signed=True), reason="x", location="y")


def test_signing_opens_no_network_connection(signing_key, monkeypatch):
    """No timestamp server, no OCSP, no CRL: B-B is made from the key alone."""
    import socket

    loaded = load_signer(signing_key[0], PASSWORD)

    def refuse(*args, **kwargs):
        raise AssertionError(f"signing tried the network: {args!r}")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    signed = loaded.sign(
        render_certificate_pdf(make_snapshot(), make_settings(), signed=True), reason="x", location="y"
    )
    assert signed.startswith(b"%PDF-")


# --- without a signing key ------------------------------------------------------------------------


def test_unsigned_issuing_stays_byte_identical_and_says_the_qr_code_verifies(db, app):
    assert app.extensions[EXTENSION_KEY] is None
    certificate = issued()
    stored = services.pdf_bytes(certificate)
    settings = services.certificate_settings()
    assert stored == render_certificate_pdf(certificate.snapshot(), settings)
    assert stored == render_certificate_pdf(certificate.snapshot(), settings)  # and again: same bytes
    assert b"/ByteRange" not in stored and b"/Sig" not in stored
    text = page_text(stored)
    assert QR_VERIFICATION_NOTE in text and SIGNED_MARK not in text


def test_the_signed_wording_is_deterministic_too():
    first = render_certificate_pdf(make_snapshot(), make_settings(), signed=True)
    assert first == render_certificate_pdf(make_snapshot(), make_settings(), signed=True)
    assert first != render_certificate_pdf(make_snapshot(), make_settings())


# --- loading the key: refused with the reason -------------------------------------------------------


def test_load_signer_reads_a_good_p12(signing_key):
    path, certificate = signing_key
    loaded = load_signer(path, PASSWORD)
    assert loaded.subject == SIGNER_NAME
    assert loaded.not_after == certificate.not_valid_after_utc


def test_a_p12_without_a_password_loads_without_one(tmp_path):
    key, certificate = make_certificate()
    assert load_signer(write_p12(tmp_path / "terbuka.p12", key, certificate, password=None), None).subject


def test_an_ecdsa_key_signs_too(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Penanda Tangan EC")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    loaded = load_signer(write_p12(tmp_path / "ec.p12", key, certificate), PASSWORD)
    signed = loaded.sign(
        render_certificate_pdf(make_snapshot(), make_settings(), signed=True), reason="x", location="y"
    )
    _signature, status = validate(signed, certificate)
    assert status.intact and status.valid and status.trusted


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "tidak dapat dibaca"),
        ("wrong-password", "kata sandinya (LMS_CERT_SIGNING_PASSWORD) salah"),
        ("no-password", "kata sandinya (LMS_CERT_SIGNING_PASSWORD) salah"),
        ("not-a-p12", "bukan PKCS#12"),
        ("certificate-only", "harus memuat kunci privat beserta sertifikatnya"),
        ("expired", "sudah kedaluwarsa sejak"),
        ("not-yet-valid", "baru berlaku mulai"),
        ("not-for-signing", "tidak diizinkan untuk tanda tangan"),
    ],
)
def test_unusable_p12_files_are_refused_with_the_reason(tmp_path, signing_key, case, message):
    good_path, _certificate = signing_key
    path, password = tmp_path / "kunci.p12", PASSWORD
    if case == "missing":
        path = tmp_path / "tidak-ada.p12"
    elif case == "wrong-password":
        path, password = good_path, "Keliru-2026"
    elif case == "no-password":
        path, password = good_path, None
    elif case == "not-a-p12":
        path.write_text("-----BEGIN CERTIFICATE-----\nbukan\n", encoding="ascii")
    elif case == "certificate-only":
        _key, certificate = make_certificate()
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"x", None, None, [certificate], serialization.BestAvailableEncryption(PASSWORD.encode())
            )
        )
    else:
        key, certificate = {
            "expired": lambda: make_certificate(valid_from=timedelta(days=-10), valid_for=timedelta(days=5)),
            "not-yet-valid": lambda: make_certificate(valid_from=timedelta(days=3)),
            "not-for-signing": lambda: make_certificate(signing=False),
        }[case]()
        write_p12(path, key, certificate)
    with pytest.raises(SigningConfigError, match=re.escape(message)):
        load_signer(path, password)


def test_a_key_that_is_not_the_certificates_is_refused(tmp_path, signing_key, monkeypatch):
    """cryptography will not write such a file, but other tools may: the pair is checked on loading."""
    other_key, _ = make_certificate()
    _key, certificate = make_certificate()
    monkeypatch.setattr(pkcs12, "load_key_and_certificates", lambda data, password: (other_key, certificate, []))
    with pytest.raises(SigningConfigError, match="bukan pasangan sertifikat"):
        load_signer(signing_key[0], PASSWORD)


# --- the factory ------------------------------------------------------------------------------------


def bare_app(tmp_path: Path, **config) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.update(config)
    return app


def test_init_app_without_a_key_signs_nothing(tmp_path):
    app = bare_app(tmp_path)
    signing.init_app(app)
    assert app.extensions[EXTENSION_KEY] is None


def test_init_app_finds_a_relative_path_in_the_instance_folder(tmp_path, signing_key):
    (tmp_path / "kunci").mkdir()
    (tmp_path / "kunci" / "ttd.p12").write_bytes(signing_key[0].read_bytes())
    app = bare_app(tmp_path, LMS_CERT_SIGNING_P12="kunci/ttd.p12", LMS_CERT_SIGNING_PASSWORD=PASSWORD)
    signing.init_app(app)
    assert app.extensions[EXTENSION_KEY].path == tmp_path / "kunci" / "ttd.p12"


def test_a_password_without_a_p12_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="LMS_CERT_SIGNING_PASSWORD diisi tetapi LMS_CERT_SIGNING_P12"):
        signing.init_app(bare_app(tmp_path, LMS_CERT_SIGNING_PASSWORD=PASSWORD))


def test_init_app_warns_when_the_key_expires_within_a_month(tmp_path, caplog):
    key, certificate = make_certificate(valid_for=timedelta(days=10))
    path = write_p12(tmp_path / "hampir.p12", key, certificate)
    app = bare_app(tmp_path, LMS_CERT_SIGNING_P12=str(path), LMS_CERT_SIGNING_PASSWORD=PASSWORD)
    signing.init_app(app)
    assert "kedaluwarsa pada" in caplog.text and "siapkan penggantinya" in caplog.text


def signing_config(**values) -> type[TestingConfig]:
    return type("Signing", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", **values})


def test_the_app_refuses_to_start_with_a_wrong_password(signing_key):
    config = signing_config(LMS_CERT_SIGNING_P12=str(signing_key[0]), LMS_CERT_SIGNING_PASSWORD="Keliru-2026")
    with pytest.raises(RuntimeError) as excinfo:
        create_app(config)
    message = str(excinfo.value)
    assert message.startswith("Konfigurasi tanda tangan sertifikat ditolak:")
    assert "kata sandinya (LMS_CERT_SIGNING_PASSWORD) salah" in message
    assert "Keliru-2026" not in message  # the password itself is never printed
    assert "kosongkan keduanya" in message  # and it says how to start unsigned


def test_the_app_refuses_to_start_with_a_missing_p12(tmp_path):
    config = signing_config(LMS_CERT_SIGNING_P12=str(tmp_path / "hilang.p12"), LMS_CERT_SIGNING_PASSWORD=PASSWORD)
    with pytest.raises(RuntimeError, match="hilang.p12 .*tidak dapat dibaca"):
        create_app(config)


def test_the_app_starts_signing_with_a_good_p12(signing_key):
    config = signing_config(LMS_CERT_SIGNING_P12=str(signing_key[0]), LMS_CERT_SIGNING_PASSWORD=PASSWORD)
    application = create_app(config)
    try:
        assert application.extensions[EXTENSION_KEY].subject == SIGNER_NAME
    finally:
        with application.app_context():
            _db.engine.dispose()
