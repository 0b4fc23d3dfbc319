"""Module folders in and out of ZIP files: pure functions, every bad upload refused before anything is stored."""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass

from lms.content.media import check_media
from lms.errors import ValidationError

MODULE_FILE = "module.md"
MEDIA_PREFIX = "media/"
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Files operating systems add on their own (the checker ignores them too): left out of an upload.
IGNORED_NAMES = frozenset({"Thumbs.db", "desktop.ini", "__MACOSX"})
_DRIVE = re.compile(r"\A[A-Za-z]:")


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold; from LMS_AUTHORING_* settings (config.py)."""

    max_files: int = 300
    max_total_bytes: int = 20 * 1024 * 1024
    max_ratio: int = 100
    max_file_bytes: int = 1024 * 1024


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _is_ignored(path: str) -> bool:
    return any(part.startswith(".") or part in IGNORED_NAMES for part in path.split("/"))


def check_file(path: str, data: bytes, limits: UploadLimits) -> None:
    """One file meant for a module: within the size limit; Markdown in UTF-8; media of an allowed type by
    its content. Raises ValidationError naming the file."""
    if len(data) > limits.max_file_bytes:
        raise ValidationError(
            f"Berkas '{path}' terlalu besar ({megabytes(len(data))}); paling besar {megabytes(limits.max_file_bytes)} "
            "per berkas. Perkecil atau kompres berkasnya."
        )
    if path.lower().endswith(".md"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ValidationError(
                f"Berkas '{path}' tidak tersimpan dalam encoding UTF-8 (baris {line}); simpan ulang dengan "
                "encoding UTF-8, misalnya di Notepad pilih Simpan Sebagai lalu Encoding: UTF-8."
            ) from None
        return
    if path.startswith(MEDIA_PREFIX):
        problem = check_media(path, data)
        if problem:
            raise ValidationError(f"Berkas '{path}' ditolak: {problem[1]}.")


def clean_path(raw: str) -> str:
    """A path inside a module as typed or as a ZIP names it; refuses absolute paths and '..'."""
    if raw.startswith(("/", "\\")) or _DRIVE.match(raw):
        raise ValidationError(f"Nama berkas '{raw}' adalah jalur mutlak (absolute path); tidak diizinkan.")
    if "\\" in raw:
        raise ValidationError(f"Nama berkas '{raw}' memakai garis miring terbalik; gunakan garis miring biasa (/).")
    parts = raw.split("/")
    if ".." in parts:
        raise ValidationError(f"Nama berkas '{raw}' memakai '..' (keluar dari folder); tidak diizinkan.")
    if any(ord(ch) < 32 for ch in raw):
        raise ValidationError("Nama berkas memuat karakter kendali; tidak diizinkan.")
    return "/".join(part for part in parts if part not in ("", "."))


def read_module_zip(data: bytes, limits: UploadLimits) -> tuple[str, dict[str, bytes]]:
    """(slug, {path: bytes}) of a ZIP holding one module folder, as `content/` holds it.

    Rules: a valid, non-empty ZIP; at most `max_files` files and `max_total_bytes` uncompressed, none
    compressed more than `max_ratio` times (a ZIP bomb), none bigger than `max_file_bytes`; no absolute
    path, no '..', no symbolic link, no two names differing only in letter case; one top folder named as
    a slug and holding module.md; Markdown in UTF-8 and media of an allowed type by its content. Raises
    ValidationError (Bahasa Indonesia) on the first problem; nothing is returned half.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise ValidationError("Berkas yang diunggah bukan ZIP yang sah. Buat ulang ZIP dari folder modul.") from None
    wanted = []
    for info in infos:
        name = clean_path(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(
                f"'{info.filename}' adalah tautan simbolik (symlink); ganti dengan salinan berkasnya."
            )
        if info.is_dir() or not name or _is_ignored(name):
            continue
        wanted.append((name, info))
    if not wanted:
        raise ValidationError("ZIP ini kosong: tidak ada berkas modul di dalamnya.")
    if len(wanted) > limits.max_files:
        raise ValidationError(f"ZIP ini berisi {len(wanted)} berkas; paling banyak {limits.max_files} berkas.")
    total = sum(info.file_size for _, info in wanted)
    if total > limits.max_total_bytes:
        raise ValidationError(
            f"Isi ZIP ini {megabytes(total)} setelah dibuka; paling besar {megabytes(limits.max_total_bytes)}."
        )
    seen: dict[str, str] = {}
    for name, info in wanted:
        if name.lower() in seen:
            raise ValidationError(
                f"Nama berkas '{name}' dan '{seen[name.lower()]}' hanya berbeda huruf besar/kecil (atau sama); "
                "ganti salah satunya."
            )
        seen[name.lower()] = name
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) and info.file_size > 64 * 1024:
            raise ValidationError(
                f"Berkas '{name}' dimampatkan lebih dari {limits.max_ratio} kali (ciri ZIP bom); ZIP ditolak."
            )
        if info.file_size > limits.max_file_bytes:
            raise ValidationError(
                f"Berkas '{name}' terlalu besar ({megabytes(info.file_size)}); paling besar "
                f"{megabytes(limits.max_file_bytes)} per berkas."
            )
    tops = {name.split("/", 1)[0] for name, _ in wanted}
    top = tops.pop() if len(tops) == 1 else None
    if top is None or all("/" not in name for name, _ in wanted):
        raise ValidationError(
            "ZIP harus berisi satu folder modul (misalnya literasi-digital/ berisi module.md dan pelajaran); "
            "buat ZIP dari foldernya, bukan dari berkas-berkas di dalamnya."
        )
    files: dict[str, bytes] = {}
    for name, info in wanted:
        rel = name.split("/", 1)[1]
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)  # never more than the header promises
        except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError, NotImplementedError, RuntimeError):
            content = None
        if content is None or len(content) != info.file_size:
            raise ValidationError(f"Berkas '{name}' di dalam ZIP rusak (ukurannya tidak sesuai); buat ulang ZIP-nya.")
        files[rel] = content
    if MODULE_FILE not in files:
        raise ValidationError(f"Folder teratas '{top}' di ZIP ini bukan folder modul: tidak ada module.md di dalamnya.")
    if not SLUG_RE.fullmatch(top):
        raise ValidationError(
            f"Nama folder modul '{top}' tidak sesuai aturan (hanya huruf kecil, angka dan tanda hubung, "
            "misalnya literasi-digital); ganti nama foldernya lalu buat ulang ZIP-nya."
        )
    for rel, content in files.items():
        check_file(rel, content, limits)
    return top, files


def write_module_zip(slug: str, files: dict[str, bytes]) -> bytes:
    """A ZIP of the module folder `slug/`, the same format `read_module_zip` and `flask content check` read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(posixpath.join(slug, path), date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()
