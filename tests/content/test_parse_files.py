"""One checker for a folder on disk and for the same files held in memory (a draft, an uploaded ZIP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content.parse import parse_files, parse_module

CONTENT = Path(__file__).resolve().parents[2] / "content"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("folder", sorted(p for p in CONTENT.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_a_shipped_module_parses_the_same_from_disk_and_from_memory(folder):
    from_disk, disk_errors = parse_module(folder, f"content/{folder.name}")
    from_memory, memory_errors = parse_files(folder.name, files_of(folder), f"content/{folder.name}")
    assert disk_errors == memory_errors == []
    assert from_memory == from_disk
    assert from_memory.files == files_of(folder)


def test_a_broken_module_gives_the_same_errors_from_disk_and_from_memory(tmp_path):
    folder = tmp_path / "modul-rusak"
    (folder / "media" / "sub").mkdir(parents=True)
    (folder / "module.md").write_text("---\ntitle: Rusak\njp: dua\n---\nIsi.\n", encoding="utf-8")
    (folder / "1-Salah Nama.md").write_text("x", encoding="utf-8")
    (folder / "02-latin.md").write_bytes("caf\u00e9".encode("latin-1"))
    (folder / "catatan.txt").write_text("x", encoding="utf-8")
    (folder / "media" / "sub" / "foto.png").write_bytes(b"bukan png")
    (folder / "lain").mkdir()
    (folder / "lain" / "a.md").write_text("x", encoding="utf-8")
    _, disk_errors = parse_module(folder, "modul-rusak")
    _, memory_errors = parse_files("modul-rusak", files_of(folder))
    assert disk_errors and memory_errors == disk_errors
