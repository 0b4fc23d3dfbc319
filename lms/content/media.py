"""Which files a module may ship in media/: an allowlist checked by content (magic bytes). Pure, no Flask.

A browser trusts the bytes of a file more than its name, and the site serves media from its own origin, so
a module must never ship a page or a script (``media/x.html``, ``media/x.js``): the checker accepts only
the types below, recognised by their content, with a name that agrees; the media view serves each with its
type from this table and a sandbox policy, and anything it does not recognise as opaque data to download.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaType:
    """One allowed kind of media file; ``extensions[0]`` is the one a download is named with."""

    label: str  # what a trainer reads, e.g. "gambar PNG"
    content_type: str
    extensions: tuple[str, ...]
    is_inline: bool  # images are shown in the page; other files are downloaded (Content-Disposition: attachment)


PNG = MediaType("gambar PNG", "image/png", (".png",), True)
JPEG = MediaType("gambar JPEG", "image/jpeg", (".jpg", ".jpeg"), True)
GIF = MediaType("gambar GIF", "image/gif", (".gif",), True)
WEBP = MediaType("gambar WebP", "image/webp", (".webp",), True)
SVG = MediaType("gambar SVG", "image/svg+xml", (".svg",), True)
PDF = MediaType("dokumen PDF", "application/pdf", (".pdf",), False)

#: Every type a module may ship, in the order the trainers' guide lists them.
MEDIA_TYPES: tuple[MediaType, ...] = (PNG, JPEG, GIF, WEBP, SVG, PDF)
_BY_EXTENSION = {extension: media_type for media_type in MEDIA_TYPES for extension in media_type.extensions}
_BY_CONTENT_TYPE = {media_type.content_type: media_type for media_type in MEDIA_TYPES}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(_BY_EXTENSION)
ALLOWED_LABEL = "gambar PNG, JPEG, GIF, WebP atau SVG, dan dokumen PDF"

#: The policy every media response carries, the 304 included (a 304's headers replace the cached ones): an
#: opaque origin with no script, no plugin, no form and no request of its own; an SVG opened on its own
#: may still use its inline styles and data: images.
MEDIA_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
OPAQUE_CONTENT_TYPE = "application/octet-stream"

# An SVG is XML text: an optional byte-order mark, XML declaration, comments, processing instructions and
# a DOCTYPE (with or without an internal subset), then the <svg> root element.
_SVG_PROLOG = re.compile(
    r"(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<svg[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_SVG_SNIFF_BYTES = 64 * 1024
_TAG = re.compile(r"<[^<>]*>")  # XML allows no raw < inside a tag: one linear pass
_ACTIVE_ELEMENT = re.compile(r"<\s*(?:[\w.-]+:)?(script|iframe|embed|object|handler)\b", re.IGNORECASE)
# An event handler written directly (onload=) or set by animation (<set attributeName="onclick" ...>).
_EVENT_ATTRIBUTE = re.compile(r"[\s\"'/](on[a-z]+)\s*=|attributeName\s*=\s*[\"']?\s*(on[a-z]+)", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:", re.IGNORECASE)


def sniff(data: bytes) -> MediaType | None:
    """The allowed type these bytes are, by their signature (magic bytes), or None.

    PNG, JPEG, GIF87a/89a, WebP (``RIFF....WEBP``) and PDF (``%PDF-``) by their first bytes; SVG by
    an ``<svg`` root after the XML prolog, in UTF-8.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    head = data[:_SVG_SNIFF_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
    if _SVG_PROLOG.match(head):
        return SVG
    return None


def check_media(path: str, data: bytes) -> tuple[int, str] | None:
    """The first problem of a file meant for media/, as (line, message in Bahasa Indonesia), or None.

    Rules: the name ends with an allowed extension (any letter case); the content is of an allowed type
    by its magic bytes, and the same type the name says; an SVG holds no script, event handler
    (``onload=``), ``javascript:`` link or embedded frame or object (``iframe``, ``embed``, ``object``).
    HTML text labels (``foreignObject``, as draw.io writes them) are fine: shown as an image or in the
    sandbox they run nothing. Line 1 for a binary file; an SVG problem gives the line it is on.
    """
    extension = posixpath.splitext(path)[1].lower()
    named = _BY_EXTENSION.get(extension)
    if named is None:
        kind = f"berakhiran '{extension}'" if extension else "tanpa akhiran nama (misalnya .png)"
        return 1, (
            f"berkas media {kind} tidak diizinkan; yang diizinkan hanya {ALLOWED_LABEL}; hapus berkas "
            "ini dari folder media/, atau simpan ulang isinya sebagai salah satu jenis tersebut "
            "(halaman web atau dokumen Word misalnya disimpan sebagai PDF)"
        )
    found = sniff(data)
    if found is None:
        return 1, (
            f"isi berkas ini bukan {named.label} seperti namanya ('{extension}'): berkasnya rusak, atau "
            "hanya namanya yang diganti; simpan ulang atau ekspor ulang berkasnya sebagai "
            f"{named.label} dari aplikasi aslinya (yang diizinkan: {ALLOWED_LABEL})"
        )
    if found is not named:
        return 1, (
            f"isi berkas ini {found.label}, tetapi namanya berakhiran '{extension}'; ganti akhiran nama "
            f"berkas menjadi {found.extensions[0]} (dan samakan tautannya di pelajaran), atau ekspor "
            f"ulang berkasnya sebagai {named.label}"
        )
    if found is SVG:
        return _svg_problem(data)
    return None


def _svg_problem(data: bytes) -> tuple[int, str] | None:
    """Script in an SVG never runs on Lentera (sandboxed, shown as an image), but a drawing needs none."""
    text = data.decode("utf-8", errors="replace")
    for tag in _TAG.finditer(text):
        raw = tag.group(0)
        for markup in (raw, html.unescape(raw)):  # entities (&#106;avascript:) are decoded by the browser
            found, offset = _active_part(markup)
            if found:
                # The offset is exact in the raw tag; in the decoded one the tag's first line is reported.
                line = text.count("\n", 0, tag.start() + (offset if markup is raw else 0)) + 1
                return line, (
                    f"gambar SVG ini memuat {found}, yaitu skrip atau konten aktif yang tidak diizinkan; "
                    "hapus bagian itu, atau ekspor ulang gambarnya sebagai SVG biasa (tanpa interaksi) "
                    "atau sebagai PNG"
                )
    return None


def _active_part(markup: str) -> tuple[str | None, int]:
    """What in one tag could run (for the message) and where it starts in the tag."""
    element = _ACTIVE_ELEMENT.match(markup)
    if element:
        return f"elemen <{element.group(1)}>", 0
    event = _EVENT_ATTRIBUTE.search(markup)
    if event:
        return f"atribut {event.group(1) or event.group(2)}=", event.start()
    script_url = _SCRIPT_URL.search(markup)
    if script_url:
        return "tautan javascript:", script_url.start()
    return None, 0


def served_type(content_type: str, data: bytes) -> MediaType | None:
    """The type to serve a stored file as: allowed, recognised in its bytes and matching its stored type.

    Rows synced before the allowlist existed may hold anything (an .html page); None means serve it as
    opaque data to download.
    """
    media_type = sniff(data)
    if media_type is None or _BY_CONTENT_TYPE.get(content_type) is not media_type:
        return None
    return media_type


def download_name(name: str, media_type: MediaType | None) -> str:
    """A safe ASCII file name for a download: the URL's last segment, with an extension of its real type.

    The URL's name is free text anyone can type, so an allowed type always gets one of its own extensions
    and an unrecognised file ``.bin``: a download is never saved as ``.html``.
    """
    base = posixpath.basename(name.replace("\\", "/"))
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-") or "berkas"
    if media_type is None:
        return safe + ".bin"
    if posixpath.splitext(safe)[1].lower() in media_type.extensions:
        return safe
    return safe + media_type.extensions[0]
