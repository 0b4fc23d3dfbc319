"""Module files and ZIPs for the authoring tests."""

from __future__ import annotations

import io
import stat
import zipfile

MODULE_MD = """---
title: Modul Uji Peramban
summary: Modul untuk menguji penulisan di peramban.
jp: 1
category: Umum
level: dasar
---

Pengantar modul uji.
"""
LESSON_MD = """---
title: {title}
minutes: 20
---

{body}
"""
QUIZ_MD = """---
title: Kuis
passing_score: 70
---

## Apa kepanjangan JP?

- [ ] Jadwal Pelatihan
- [x] Jam Pelajaran
- [ ] Jumlah Peserta

> 1 JP adalah 45 menit belajar.
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b5cd5e0000000049454e44ae426082"
)


def module_files(first: str = "Isi pelajaran pertama.", second: str = "Isi pelajaran kedua.") -> dict[str, bytes]:
    return {
        "module.md": MODULE_MD.encode(),
        "01-pengantar.md": LESSON_MD.format(title="Pengantar", body=first).encode(),
        "02-inti.md": LESSON_MD.format(title="Materi Inti", body=second).encode(),
        "quiz.md": QUIZ_MD.encode(),
    }


def make_zip(files: dict[str, bytes], top: str | None = "modul-uji", *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            name = f"{top}/{path}" if top else path
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((stat.S_IFLNK | 0o777) if path in symlinks else (stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, data)
    return buffer.getvalue()
