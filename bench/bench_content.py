"""`make bench-content`: sync 200 modules × 10 lessons × 20 questions, then a no-op re-sync; and the checker
a browser save runs (lms/authoring), on the largest shipped module and on a generated 50-lesson module."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

LESSON = """---
title: Pelajaran {n} modul {m}
exercise_minutes: 8
---
# Pelajaran {n}

Paragraf pembuka tentang **pelayanan publik** nomor {n}. Lihat [pelajaran berikutnya](02-pelajaran-2.md).

| Aspek | Keterangan |
|---|---|
| Waktu | 12 menit |
| Sasaran | ASN Kota Semarang |

```python
print("contoh kode {n}")
```

- butir satu
- butir dua dengan *penekanan*

{filler}
"""

FILLER = " ".join(["Pemerintah daerah menyelenggarakan layanan yang cepat, mudah, dan terjangkau."] * 40)


def question(q: int) -> str:
    kind = q % 3
    if kind == 0:
        answers = f"- [x] Benar {q}\n- [ ] Salah {q}\n- [ ] Keliru {q}\n"
        return f"## Pertanyaan nomor {q}: pilih satu\n{answers}> Penjelasan {q}.\n"
    if kind == 1:
        answers = f"- [x] Ya {q}\n- [x] Betul {q}\n- [ ] Tidak {q}\n"
        return f"## Pertanyaan nomor {q}: pilih semua yang benar\n{answers}> Penjelasan {q}.\n"
    return f"## Pertanyaan nomor {q}: isian singkat\n= jawaban {q}\n= jawab {q}\n> Penjelasan {q}.\n"


def generate(root: Path, modules: int, lessons: int, questions: int) -> None:
    for m in range(1, modules + 1):
        folder = root / f"modul-bench-{m:03d}"
        folder.mkdir(parents=True)
        (folder / "module.md").write_text(
            f"---\ntitle: Modul Bench {m}\nsummary: Modul uji kinerja {m}.\njp: 2\nlevel: dasar\n"
            f"category: Uji\ntags: [bench]\n---\nPengantar modul {m}.\n",
            encoding="utf-8",
        )
        for n in range(1, lessons + 1):
            (folder / f"{n:02d}-pelajaran-{n}.md").write_text(LESSON.format(n=n, m=m, filler=FILLER), encoding="utf-8")
        quiz = "---\npassing_score: 70\n---\nKuis akhir.\n\n" + "\n".join(question(q) for q in range(1, questions + 1))
        (folder / "quiz.md").write_text(quiz, encoding="utf-8")


SHIPPED = Path(__file__).resolve().parents[1] / "content"


def save_check_ms(slug: str, files: dict[str, bytes], runs: int = 15) -> float:
    """The median milliseconds of the checker on a module held in memory, as every browser save runs it."""
    from lms.content.parse import parse_files

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        module, errors = parse_files(slug, files)
        times.append((time.perf_counter() - start) * 1000)
        assert module is not None and not errors, errors[:5]
    return sorted(times)[len(times) // 2]


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def save_check_rows(tmp_path: Path) -> str:
    largest = max(
        (f for f in SHIPPED.iterdir() if f.is_dir()), key=lambda f: sum(len(d) for d in folder_files(f).values())
    )
    generate(tmp_path / "fifty", 1, 50, 20)
    fifty = tmp_path / "fifty" / "modul-bench-001"
    rows = []
    for label, folder in (
        (f"largest shipped module ({largest.name})", largest),
        ("generated: 50 lessons, 20 questions", fifty),
    ):
        files = folder_files(folder)
        size = sum(len(data) for data in files.values()) / 1024
        rows.append(f"| {label} | {len(files)} files, {size:.0f} KiB | {save_check_ms(folder.name, files):.0f} |")
    return (
        "\nThe checker every browser save runs (`parse_files`: the same checker, on files held in memory), "
        "median of 15:\n\n"
        "| module | size | milliseconds |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--lessons", type=int, default=10)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        url = args.database_url or f"sqlite:///{tmp_path / 'bench.sqlite'}"
        os.environ["LMS_ENV"] = "development"
        from config import DevelopmentConfig
        from lms import create_app
        from lms.content.parse import check_tree, summarise
        from lms.content.services import sync_modules
        from lms.extensions import db

        class Config(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = url
            SECRET_KEY = "bench"

        content = tmp_path / "content"
        generate(content, args.modules, args.lessons, args.questions)
        app = create_app(Config)
        with app.app_context():
            db.drop_all()
            db.create_all()

            def timed_sync() -> tuple[float, float, object]:
                start = time.perf_counter()
                modules, errors = check_tree(content)
                assert not errors, errors[:5]
                checked = time.perf_counter()
                report = sync_modules(modules, archive_missing=True)
                db.session.commit()
                return checked - start, time.perf_counter() - start, (summarise(modules), report)

            check_first, first, (summary, report1) = timed_sync()
            check_again, again, (_, report2) = timed_sync()
            assert len(report1.added) == args.modules and len(report2.unchanged) == args.modules
            db.drop_all()
        dialect = url.split(":", 1)[0]
        body = (
            "## Content sync (`make bench-content`)\n\n"
            f"{summary.modules} modules × {args.lessons} lessons × {args.questions} questions "
            f"({summary.lessons} lessons, {summary.questions} questions) generated in a temporary folder, "
            f"synced into {dialect}.\n\n"
            "| step | seconds | target |\n|---|---|---|\n"
            f"| first sync (check + render + write) | {first:.2f} (check {check_first:.2f}) | < 10 |\n"
            f"| no-op re-sync (check + hash compare) | {again:.2f} (check {check_again:.2f}) | < 1 |\n"
        ) + save_check_rows(tmp_path)
        print(body)
        if not args.no_write:
            from bench.report import write_section

            write_section("bench-content", body)


if __name__ == "__main__":
    main()
