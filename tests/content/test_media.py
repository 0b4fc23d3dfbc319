"""Media: the allowlist by magic bytes, and the headers every /media/ response is served with."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from lms.content.media import GIF, JPEG, MEDIA_CSP, PDF, PNG, SVG, WEBP, download_name, served_type, sniff
from lms.content.models import MediaBlob
from tests.content.test_parse import GIF_BYTES, JPEG_BYTES, PAGE, PDF_BYTES, PNG_BYTES, SVG_BYTES, WEBP_BYTES
from tests.content.test_sync import sync, write_module

# ---------------------------------------------------------------------------------------------
# Sniffing (pure)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (b"GIF87a\x01\0", GIF),
        (GIF_BYTES, GIF),
        (WEBP_BYTES, WEBP),
        (PDF_BYTES, PDF),
        (SVG_BYTES, SVG),
        (b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg'/>", SVG),
        (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" [ <!ENTITY ns "x"> ]>\n<svg>', SVG),
    ],
)
def test_sniff_recognises_each_allowed_signature(data: bytes, expected) -> None:
    assert sniff(data) is expected


@pytest.mark.parametrize(
    "data",
    [
        PAGE,
        b"alert(document.cookie)",
        b"PK\x03\x04docx",  # Word, Excel, ZIP
        b"RIFF\x1a\0\0\0WAVEfmt ",  # RIFF but not WebP
        b"<html><svg></svg></html>",
        b"",
        b"\xff\xd8",
    ],
)
def test_sniff_rejects_everything_else(data: bytes) -> None:
    assert sniff(data) is None


def test_served_type_needs_the_bytes_and_the_stored_type_to_agree() -> None:
    assert served_type("image/png", PNG_BYTES) is PNG
    assert served_type("image/jpeg", PNG_BYTES) is None
    assert served_type("image/png", PAGE) is None
    assert served_type("text/html", PAGE) is None


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        ("panduan.pdf", PDF, "panduan.pdf"),
        ("evil.html", PDF, "evil.html.pdf"),
        ("Foto.JPEG", JPEG, "Foto.JPEG"),
        ("ringkasan aturan (final).pdf", PDF, "ringkasan-aturan-final-.pdf"),
        ("pañduan.pdf", PDF, "panduan.pdf"),
        ("x.html", None, "x.html.bin"),
        ("...", None, "berkas.bin"),
    ],
)
def test_download_name_is_ascii_and_keeps_the_real_type(name: str, media_type, expected: str) -> None:
    assert download_name(name, media_type) == expected


# ---------------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------------


def assert_sandboxed(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_CSP
    assert "sandbox" in MEDIA_CSP.split("; ") and "default-src 'none'" in MEDIA_CSP.split("; ")
    assert "script-src" not in MEDIA_CSP


def synced_blob(db, tmp_path, name: str, data: bytes) -> MediaBlob:
    write_module(
        tmp_path,
        lessons={"01-satu.md": f"# Satu\n\n[berkas](media/{name})\n"},
        extra={f"media/{name}": data},
    )
    sync(tmp_path)
    return db.session.scalar(select(MediaBlob))


@pytest.mark.parametrize(
    ("name", "data", "mimetype"),
    [
        ("peta.png", PNG_BYTES, "image/png"),
        ("foto.jpg", JPEG_BYTES, "image/jpeg"),
        ("animasi.gif", GIF_BYTES, "image/gif"),
        ("gambar.webp", WEBP_BYTES, "image/webp"),
        ("bagan.svg", SVG_BYTES, "image/svg+xml"),
    ],
)
def test_images_are_served_inline_with_their_type_and_a_sandbox(db, client, tmp_path, name, data, mimetype) -> None:
    blob = synced_blob(db, tmp_path, name, data)
    assert blob.content_type == mimetype
    response = client.get(f"/media/{blob.sha256}/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data == data
    assert "Content-Disposition" not in response.headers
    assert_sandboxed(response)


def test_pdf_is_served_as_a_download(db, client, tmp_path) -> None:
    blob = synced_blob(db, tmp_path, "panduan.pdf", PDF_BYTES)
    response = client.get(f"/media/{blob.sha256}/panduan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=panduan.pdf"
    assert_sandboxed(response)
    renamed = client.get(f"/media/{blob.sha256}/panduan.html")
    assert renamed.headers["Content-Disposition"] == "attachment; filename=panduan.html.pdf"


def test_a_module_with_a_page_in_media_is_never_stored(db, runner, tmp_path) -> None:
    write_module(tmp_path, extra={"media/x.html": PAGE, "media/x.js": b"alert(1)"})
    result = runner.invoke(args=["content", "sync", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/modul-uji/media/x.html:1: " in result.output
    assert f"{tmp_path}/modul-uji/media/x.js:1: " in result.output
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) == 0


def legacy_blob(db, content_type: str, data: bytes) -> str:
    """A row synced before the allowlist existed: any type, any bytes."""
    sha = hashlib.sha256(data).hexdigest()
    db.session.add(MediaBlob(sha256=sha, content_type=content_type, size=len(data), data=data))
    db.session.commit()
    return sha


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/html", PAGE),
        ("text/javascript", b"alert(document.cookie)"),
        ("image/png", PAGE),  # a page named .png
        ("image/jpeg", PNG_BYTES),  # real bytes, stored under another type
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ],
)
def test_a_stored_file_of_another_type_is_served_as_opaque_download(db, client, content_type, data) -> None:
    sha = legacy_blob(db, content_type, data)
    response = client.get(f"/media/{sha}/x.html")
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == "attachment; filename=x.html.bin"
    assert response.data == data
    assert_sandboxed(response)


def test_resync_corrects_the_type_of_a_stored_file(db, client, tmp_path) -> None:
    # Before types were checked, PNG bytes named .jpg were stored as image/jpeg; renamed and synced, they are PNG.
    sha = legacy_blob(db, "image/jpeg", PNG_BYTES)
    blob = synced_blob(db, tmp_path, "peta.png", PNG_BYTES)
    assert (blob.sha256, blob.content_type) == (sha, "image/png")
    assert client.get(f"/media/{sha}/peta.png").mimetype == "image/png"


def test_a_stored_svg_with_script_stays_sandboxed(db, client) -> None:
    sha = legacy_blob(db, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    response = client.get(f"/media/{sha}/bagan.svg")
    assert response.mimetype == "image/svg+xml"
    assert_sandboxed(response)


def test_not_modified_keeps_the_sandbox(db, client, tmp_path) -> None:
    # The headers of a 304 replace the cached ones: the site's page policy must not replace the sandbox.
    blob = synced_blob(db, tmp_path, "peta.png", PNG_BYTES)
    response = client.get(f"/media/{blob.sha256}/peta.png", headers={"If-None-Match": f'"{blob.sha256}"'})
    assert response.status_code == 304
    assert_sandboxed(response)


def test_unknown_media_is_not_found(client) -> None:
    response = client.get("/media/" + "0" * 64 + "/x.png")
    assert response.status_code == 404
