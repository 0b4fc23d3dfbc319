"""Digital signatures on certificate PDFs: PAdES baseline B-B with pyHanko, the key from a PKCS#12 file.

Configured by LMS_CERT_SIGNING_P12 (a path, relative to the instance folder unless absolute) and
LMS_CERT_SIGNING_PASSWORD (from the environment only). The key is loaded once, when the app starts:
a missing or unreadable file, a wrong password, a file without a key and certificate, or a
certificate that is expired, not yet valid or not meant for signing stops the app with the reason
(`init_app`), so a broken key is found at deployment and not at a learner's completion.

A certificate is signed once, at issue, and the signed file is stored and served as it is. Nothing
here goes to the network: no timestamp server, no OCSP or CRL fetching (B-B needs none of them).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

from lms.errors import ValidationError

# cryptography and pyHanko are imported where a key is loaded or a PDF signed, not here: without
# LMS_CERT_SIGNING_P12 the app starts without them, and a web worker does not hold them in memory.
if TYPE_CHECKING:
    from cryptography import x509


EXTENSION_KEY = "lms_cert_signer"
SIGNATURE_FIELD = "TandaTanganSertifikat"
EXPIRY_WARNING = timedelta(days=30)


class SigningConfigError(Exception):
    """The configured PKCS#12 cannot be used for signing; the message says why (Bahasa Indonesia)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SigningError(ValidationError):
    """A certificate PDF could not be signed. It is then not issued at all rather than issued unsigned."""


def _common_name(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _utc_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d-%m-%Y %H:%M UTC")


def _public_key_bytes(public_key) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class CertificateSigner:
    """A loaded signing key and certificate, ready to sign PDFs."""

    path: Path
    certificate: x509.Certificate
    signer: object  # pyhanko.sign.signers.SimpleSigner (imported lazily: pyHanko is slow to import)

    @property
    def subject(self) -> str:
        """The signer's common name, as PDF readers show it."""
        return _common_name(self.certificate.subject)

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    def problem_at(self, moment: datetime) -> str | None:
        """Why the certificate cannot sign at `moment` (expired, not yet valid), or None."""
        if moment < self.certificate.not_valid_before_utc:
            return (
                f"sertifikat penanda tangan ({self.subject}) baru berlaku mulai "
                f"{_utc_moment(self.certificate.not_valid_before_utc)}"
            )
        if moment > self.not_after:
            return f"sertifikat penanda tangan ({self.subject}) sudah kedaluwarsa sejak {_utc_moment(self.not_after)}"
        return None

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """`pdf` with a PAdES B-B signature appended as an incremental update (the original bytes stay
        the signed revision). Raises SigningError when the certificate has expired since the app
        started, or pyHanko refuses; never returns the PDF unsigned."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.general import SigningError as PyHankoSigningError

        problem = self.problem_at(datetime.now(UTC))
        if problem:
            raise SigningError(
                f"Sertifikat tidak dapat ditandatangani secara elektronik: {problem}. Sertifikat tidak "
                "diterbitkan tanpa tanda tangan; minta admin memasang sertifikat penanda tangan yang berlaku."
            )
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            # A certification (DocMDP) signature: readers show the document as certified by the
            # office; later signatures or timestamps remain allowed, changes to the content do not.
            certify=True,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            output = signers.sign_pdf(writer, metadata, signer=self.signer)
        except PyHankoSigningError as error:
            raise SigningError(f"Sertifikat tidak dapat ditandatangani secara elektronik: {error}.") from error
        return output.getvalue()


def load_signer(path: Path, password: str | None, *, now: datetime | None = None) -> CertificateSigner:
    """Read and check a PKCS#12 file: it opens with `password`, holds a private key with its
    certificate, the key belongs to the certificate, the certificate is valid `now` and allowed to sign.

    Raises SigningConfigError with the reason in Bahasa Indonesia.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningConfigError(
            f"berkas PKCS#12 {path} (LMS_CERT_SIGNING_P12) tidak dapat dibaca: {error.strerror or error}"
        ) from None
    secret = password.encode("utf-8") if password else None
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError):
        raise SigningConfigError(
            f"berkas PKCS#12 {path} tidak dapat dibuka: kata sandinya (LMS_CERT_SIGNING_PASSWORD) salah, "
            "atau berkas itu bukan PKCS#12 (.p12/.pfx) yang utuh"
        ) from None
    if key is None or certificate is None:
        raise SigningConfigError(
            f"berkas PKCS#12 {path} harus memuat kunci privat beserta sertifikatnya; salah satunya tidak ada"
        )
    if _public_key_bytes(key.public_key()) != _public_key_bytes(certificate.public_key()):
        raise SigningConfigError(f"kunci privat dalam {path} bukan pasangan sertifikat di dalamnya")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise SigningConfigError(
            f"sertifikat dalam {path} ({_common_name(certificate.subject)}) tidak diizinkan untuk tanda tangan "
            "(key usage tanpa digitalSignature/nonRepudiation)"
        )
    signer = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=secret)
    loaded = CertificateSigner(path=path, certificate=certificate, signer=signer)
    problem = loaded.problem_at(now or datetime.now(UTC))
    if problem:
        raise SigningConfigError(problem)
    return loaded


def init_app(app: Flask) -> None:
    """Load the signing key when LMS_CERT_SIGNING_P12 is set; refuse to start, saying why, when it cannot
    be used. Without it certificates are issued unsigned and verified by their QR code."""
    configured = app.config.get("LMS_CERT_SIGNING_P12")
    if not configured:
        if app.config.get("LMS_CERT_SIGNING_PASSWORD"):
            raise RuntimeError(
                "Konfigurasi tanda tangan sertifikat ditolak: LMS_CERT_SIGNING_PASSWORD diisi tetapi "
                "LMS_CERT_SIGNING_P12 (berkas .p12/.pfx) tidak. Isi keduanya, atau kosongkan keduanya "
                "untuk sertifikat tanpa tanda tangan elektronik."
            )
        app.extensions[EXTENSION_KEY] = None
        return
    path = Path(configured)
    if not path.is_absolute():
        path = Path(app.instance_path) / path
    try:
        signer = load_signer(path, app.config.get("LMS_CERT_SIGNING_PASSWORD"))
    except SigningConfigError as error:
        raise RuntimeError(
            f"Konfigurasi tanda tangan sertifikat ditolak: {error.message}. Perbaiki LMS_CERT_SIGNING_P12 / "
            "LMS_CERT_SIGNING_PASSWORD, atau kosongkan keduanya untuk sertifikat tanpa tanda tangan elektronik."
        ) from None
    if signer.not_after - datetime.now(UTC) < EXPIRY_WARNING:
        app.logger.warning(
            "Sertifikat penanda tangan %s kedaluwarsa pada %s; siapkan penggantinya.",
            signer.subject,
            _utc_moment(signer.not_after),
        )
    app.extensions[EXTENSION_KEY] = signer


def current_signer() -> CertificateSigner | None:
    """The running app's signer, or None when certificates are issued unsigned."""
    return current_app.extensions.get(EXTENSION_KEY)
