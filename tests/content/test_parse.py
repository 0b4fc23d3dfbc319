"""The trainers' format: every error with its file and line, and a good module parsed right."""

from __future__ import annotations

from pathlib import Path

import pytest

import lms.content.parse as parse_mod
from lms.content.parse import (
    CheckError,
    ParsedModule,
    check_tree,
    normalise_answer,
    parse_module,
    summarise,
)

DISPLAY = "content/literasi-digital"
MODULE_MD = (
    "---\ntitle: Literasi Digital\nsummary: Empat pilar literasi digital untuk ASN.\njp: 1\n---\nPengantar modul.\n"
)
# The lesson carries the module's 1 JP (45 minutes): one minute of reading and 44 of exercise.
CARRIES_1_JP = "---\nexercise_minutes: 44\n---\n"
LESSON_MD = CARRIES_1_JP + "# Pengantar\n\nIsi pelajaran pertama.\n"
# Real signatures (magic bytes) of each allowed media type, and a page that must never pass as media.
PNG_BYTES = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"
JPEG_BYTES = b"\xff\xd8\xff\xe0\0\x10JFIF\0"
GIF_BYTES = b"GIF89a\x01\0\x01\0"
WEBP_BYTES = b"RIFF\x1a\0\0\0WEBPVP8L"
SVG_BYTES = b"<?xml version='1.0'?>\n<!-- dibuat di Inkscape -->\n<svg xmlns='http://www.w3.org/2000/svg'/>\n"
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PAGE = b"<!doctype html><html><body><script>fetch('/akun')</script></body></html>"

# Every message says what to do; these are the Indonesian verbs that carry the fix.
FIX_WORDS = (
    "tambahkan", "ganti", "hapus", "ubah", "pindahkan", "tulis", "simpan", "periksa", "tandai",
    "buat", "perkecil", "persingkat", "salin", "isi", "pakai", "samakan", "perbaiki",
)  # fmt: skip
ENGLISH_WORDS = (" must ", " missing", " should ", " error", " invalid", " the ", " file ")


def assert_indonesian(message: str) -> None:
    lowered = f" {message.lower()} "
    assert any(word in lowered for word in FIX_WORDS), f"no fix in: {message}"
    assert not any(word in lowered for word in ENGLISH_WORDS), f"English in: {message}"


def make_module(root: Path, files: dict[str, str | bytes | None] | None = None, name: str = "literasi-digital") -> Path:
    """Write a minimal valid module under ``root/name``; ``files`` overrides (None deletes) files."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str | bytes | None] = {"module.md": MODULE_MD, "01-pengantar.md": LESSON_MD, **(files or {})}
    for rel, content in merged.items():
        if content is None:
            continue
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def parse_ok(folder: Path) -> ParsedModule:
    module, errors = parse_module(folder, DISPLAY)
    assert errors == []
    assert module is not None
    return module


def errors_of(folder: Path) -> list[CheckError]:
    module, errors = parse_module(folder, DISPLAY)
    assert module is None
    assert errors
    for error in errors:
        assert_indonesian(error.message)
    return errors


def the_error(folder: Path) -> CheckError:
    errors = errors_of(folder)
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def assert_only(folder: Path, rel: str, line: int, *fragments: str) -> CheckError:
    error = the_error(folder)
    assert (error.path, error.line) == (f"{DISPLAY}/{rel}", line), str(error)
    for fragment in fragments:
        assert fragment in error.message, str(error)
    return error


QUIZ_MD = """---
title: Kuis Akhir
passing_score: 80
max_attempts: 3
shuffle: false
---
Jawab semua soal berikut.

## Pilar manakah yang membahas netiket?
- [ ] Cakap digital
- [x] Etika digital
- [ ] Keamanan digital

> Netiket adalah bagian dari **etika digital**.

## Manakah yang termasuk empat pilar? (pilih semua yang benar)
Perhatikan gambar berikut.

![Empat pilar](media/empat-pilar.svg)

- [x] Cakap digital
- [x] Budaya digital
- [ ] Ekonomi digital
> Empat pilar: cakap, etika, budaya, keamanan.
> Ekonomi digital bukan salah satunya.

## Tuliskan domain resmi Pemerintah Kota Semarang.
= semarangkota.go.id
=   www.semarangkota.go.id
= SEMARANGKOTA.GO.ID
"""


def good_module(root: Path) -> Path:
    return make_module(
        root,
        {
            "module.md": (
                "---\ntitle: Literasi Digital untuk ASN\nsummary: Empat pilar literasi digital.\njp: 1\n"
                "category: Literasi Digital\nlevel: dasar\ntags: [hoaks, etika digital]\npublished: false\n"
                "certificate_valid_months: 24\n---\n\nModul ini untuk seluruh ASN.\n\n![Pilar](media/empat-pilar.svg)\n"
            ),
            "01-pengantar.md": "---\ntitle: Pengantar\nminutes: 40\n---\n# Bukan judul\n\nIsi.\n",
            "02-hoaks.md": "\n# Hoaks dan Cek Fakta\n\nLihat [pelajaran sebelumnya](01-pengantar.md).\n",
            "10-penutup.md": (
                "Paragraf pembuka.\n\n# Penutup\n\nSelesai. [Unduh][panduan]\n\n[panduan]: media/docs/panduan.pdf\n"
            ),
            "quiz.md": QUIZ_MD,
            "media/empat-pilar.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "media/docs/panduan.pdf": b"%PDF-1.4",
            ".DS_Store": b"\0\0",
            "media/.hidden": b"x",
            "Thumbs.db": b"x",
        },
    )


# ---------------------------------------------------------------------------------------------
# A good module
# ---------------------------------------------------------------------------------------------


def test_good_module_parses(tmp_path: Path) -> None:
    module = parse_ok(good_module(tmp_path))
    assert module.slug == "literasi-digital"
    assert module.title == "Literasi Digital untuk ASN"
    assert module.summary == "Empat pilar literasi digital."
    assert (module.jp, module.category, module.level) == (1, "Literasi Digital", "dasar")
    assert module.tags == ["hoaks", "etika digital"]
    assert module.published is False
    assert module.certificate_valid_months == 24
    assert module.overview_md == "Modul ini untuk seluruh ASN.\n\n![Pilar](media/empat-pilar.svg)"
    assert sorted(module.media) == ["media/docs/panduan.pdf", "media/empat-pilar.svg"]
    assert module.media["media/docs/panduan.pdf"] == b"%PDF-1.4"
    assert len(module.content_hash) == 64


def test_lessons_in_number_order_with_titles(tmp_path: Path) -> None:
    lessons = parse_ok(good_module(tmp_path)).lessons
    assert [(lesson.number, lesson.slug, lesson.title) for lesson in lessons] == [
        (1, "pengantar", "Pengantar"),
        (2, "hoaks", "Hoaks dan Cek Fakta"),
        (10, "penutup", "Penutup"),
    ]
    # Declared minutes stand; the others are estimated from their few words (at least a minute).
    assert [lesson.minutes for lesson in lessons] == [40, 1, 1]
    # A front-matter title leaves the body alone; a heading used as title is removed when it opens the body.
    assert lessons[0].body_md == "# Bukan judul\n\nIsi."
    assert lessons[1].body_md == "Lihat [pelajaran sebelumnya](01-pengantar.md)."
    assert lessons[2].body_md.startswith("Paragraf pembuka.\n\n# Penutup")


def test_lesson_line_offset_points_into_the_file(tmp_path: Path) -> None:
    lessons = parse_ok(good_module(tmp_path)).lessons
    assert lessons[0].source_line_offset == 4  # body starts at line 5, after the front matter
    assert lessons[1].source_line_offset == 3  # heading on line 2 removed, blank line 3, text on line 4


def test_quiz_settings_and_question_kinds(tmp_path: Path) -> None:
    quiz = parse_ok(good_module(tmp_path)).quiz
    assert quiz is not None
    assert (quiz.title, quiz.passing_score, quiz.max_attempts, quiz.shuffle) == ("Kuis Akhir", 80, 3, False)
    assert quiz.intro_md == "Jawab semua soal berikut."
    assert [question.kind for question in quiz.questions] == ["single", "multiple", "short"]
    assert [question.line for question in quiz.questions] == [9, 16, 27]
    single, multiple, short = quiz.questions
    assert single.prompt_md == "Pilar manakah yang membahas netiket?"
    assert [(option.text_md, option.is_correct) for option in single.options] == [
        ("Cakap digital", False),
        ("Etika digital", True),
        ("Keamanan digital", False),
    ]
    assert single.explanation_md == "Netiket adalah bagian dari **etika digital**."
    assert multiple.prompt_md == (
        "Manakah yang termasuk empat pilar? (pilih semua yang benar)\n\n"
        "Perhatikan gambar berikut.\n\n![Empat pilar](media/empat-pilar.svg)"
    )
    assert (
        multiple.explanation_md == "Empat pilar: cakap, etika, budaya, keamanan.\nEkonomi digital bukan salah satunya."
    )
    # Accepted answers keep their spelling; ones equal after normalising are listed once.
    assert short.accepted == ["semarangkota.go.id", "www.semarangkota.go.id"]
    assert short.options == [] and short.explanation_md == ""


def test_quiz_defaults(tmp_path: Path) -> None:
    quiz_md = "## Ibu kota Jawa Tengah?\n= Semarang\n"
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": quiz_md})).quiz
    assert quiz is not None
    assert (quiz.title, quiz.passing_score, quiz.max_attempts, quiz.shuffle, quiz.intro_md) == (None, 70, 3, True, "")
    # A credential's defaults: the answers only after passing, a 30-minute pause after a failed try, no limit.
    assert (quiz.show_explanations, quiz.show_correct_answers) == ("after_pass", "after_pass")
    assert (quiz.retry_after_minutes, quiz.time_limit_minutes, quiz.pick) == (30, None, None)


def test_module_defaults_and_no_quiz(tmp_path: Path) -> None:
    module = parse_ok(make_module(tmp_path))
    assert (module.category, module.level, module.tags, module.published) == (None, None, [], True)
    assert module.certificate_valid_months is None
    assert module.quiz is None and module.media == {}
    assert [lesson.title for lesson in module.lessons] == ["Pengantar"]


def test_code_fence_in_prompt_is_text(tmp_path: Path) -> None:
    quiz_md = (
        "## Apa hasil potongan Markdown ini?\n"
        "```markdown\n"
        "## Bukan pertanyaan\n"
        "- [x] bukan pilihan\n"
        "= bukan jawaban\n"
        "```\n"
        "~~~\n## juga teks\n- [ ] juga teks\n~~~\n"
        "- [x] Sebuah judul dan daftar\n"
        "- [ ] Sebuah pertanyaan kuis\n"
    )
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": quiz_md})).quiz
    assert quiz is not None
    (question,) = quiz.questions
    assert "## Bukan pertanyaan\n- [x] bukan pilihan\n= bukan jawaban" in question.prompt_md
    assert "~~~\n## juga teks\n- [ ] juga teks\n~~~" in question.prompt_md
    assert [option.text_md for option in question.options] == ["Sebuah judul dan daftar", "Sebuah pertanyaan kuis"]


def test_star_bullets_and_capital_x(tmp_path: Path) -> None:
    quiz_md = "## Pilih yang benar\n* [X] Satu\n* [ ] Dua\n+ [x] Tiga\n"
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": quiz_md})).quiz
    assert quiz is not None
    (question,) = quiz.questions
    assert question.kind == "multiple"
    assert [(option.text_md, option.is_correct) for option in question.options] == [
        ("Satu", True),
        ("Dua", False),
        ("Tiga", True),
    ]


def test_option_continuation_lines(tmp_path: Path) -> None:
    quiz_md = "## Pilih\n- [x] Baris satu\n  lanjutan baris\n- [ ] Lain\n"
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": quiz_md})).quiz
    assert quiz is not None
    assert quiz.questions[0].options[0].text_md == "Baris satu\nlanjutan baris"


def test_keys_survive_reordering_and_whitespace(tmp_path: Path) -> None:
    first = "## Soal A\n- [x] Ya\n- [ ] Tidak\n\n## Soal B\n= b\n"
    second = "##   soal   a  \n- [ ] tidak\n- [x]  YA\n\n## Soal C\n= c\n"
    quiz_one = parse_ok(make_module(tmp_path / "a", {"quiz.md": first})).quiz
    quiz_two = parse_ok(make_module(tmp_path / "b", {"quiz.md": second})).quiz
    assert quiz_one is not None and quiz_two is not None
    assert quiz_one.questions[0].key == quiz_two.questions[0].key
    assert quiz_one.questions[1].key != quiz_two.questions[1].key
    keys_one = {option.text_md.lower().strip(): option.key for option in quiz_one.questions[0].options}
    keys_two = {option.text_md.lower().strip(): option.key for option in quiz_two.questions[0].options}
    assert keys_one == keys_two
    assert all(len(key) == 12 for key in keys_one.values())


def test_title_from_first_heading_outside_code(tmp_path: Path) -> None:
    lesson = CARRIES_1_JP + "```\n# komentar shell\n```\n\n# Judul Sebenarnya\n\nIsi.\n"
    module = parse_ok(make_module(tmp_path, {"01-pengantar.md": lesson}))
    assert module.lessons[0].title == "Judul Sebenarnya"


def test_content_hash_is_stable_and_changes_with_any_file(tmp_path: Path) -> None:
    folder = good_module(tmp_path)
    first = parse_ok(folder).content_hash
    assert parse_ok(folder).content_hash == first
    (folder / ".catatan").write_text("hidden files do not count")
    assert parse_ok(folder).content_hash == first
    (folder / "media" / "empat-pilar.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    second = parse_ok(folder).content_hash
    assert second != first
    (folder / "02-hoaks.md").rename(folder / "03-hoaks.md")
    assert parse_ok(folder).content_hash not in {first, second}


def test_normalise_answer() -> None:
    assert normalise_answer("  Kota \t  SEMARANG\n") == "kota semarang"
    assert normalise_answer("Straße") == normalise_answer("STRASSE")
    assert normalise_answer("ｓｅｍａｒａｎｇ") == "semarang"
    assert normalise_answer("") == ""


def test_check_error_str() -> None:
    assert str(CheckError("content/a/quiz.md", 7, "pesan")) == "content/a/quiz.md:7: pesan"


def test_check_tree_content_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    good_module(content)
    make_module(content, name="etika-digital")
    make_module(content, {"quiz.md": "## Soal\n- [x] satu\n"}, name="rusak")
    (content / ".git").mkdir()
    (content / "README.md").write_text("catatan untuk pelatih")
    modules, errors = check_tree(f"{content}/")
    assert [module.slug for module in modules] == ["etika-digital", "literasi-digital"]
    assert [(error.path, error.line) for error in errors] == [(f"{content}/rusak/quiz.md", 1)]
    assert summarise(modules).ok_line() == "OK: 2 modules, 4 lessons, 3 questions"


def test_check_tree_relative_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_module(Path("content"), {"quiz.md": "## Soal\n- [x] satu\n"})
    _modules, errors = check_tree("content/")
    assert [str(error).split(": ")[0] for error in errors] == ["content/literasi-digital/quiz.md:1"]
    _modules, errors = check_tree(Path("content/literasi-digital"))
    assert [error.path for error in errors] == ["content/literasi-digital/quiz.md"]


def test_check_tree_single_module_folder(tmp_path: Path) -> None:
    folder = good_module(tmp_path)
    modules, errors = check_tree(folder)
    assert errors == [] and [module.slug for module in modules] == ["literasi-digital"]


def test_check_tree_missing_folder(tmp_path: Path) -> None:
    modules, errors = check_tree(tmp_path / "tidak-ada")
    assert modules == [] and len(errors) == 1
    assert errors[0].path == str(tmp_path / "tidak-ada")
    assert_indonesian(errors[0].message)


# ---------------------------------------------------------------------------------------------
# Every error kind, with its file and line
# ---------------------------------------------------------------------------------------------


def test_file_not_utf8(tmp_path: Path) -> None:
    lesson = b"# Pengantar\n\nBaris dua.\n" + "Caf\xe9 latin-1\n".encode("latin-1")
    assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", 4, "UTF-8")


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    module_md = "\ufeff" + MODULE_MD.replace("\n", "\r\n")
    module = parse_ok(make_module(tmp_path, {"module.md": module_md}))
    assert module.title == "Literasi Digital"


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    module_md = "---\ntitle: Literasi\nsummary: Ringkas\njp: 2\ntags: [a, b\n---\nIsi\n"
    error = the_error(make_module(tmp_path, {"module.md": module_md}))
    assert (error.path, error.line) == (f"{DISPLAY}/module.md", 5)
    assert "YAML" in error.message


def test_invalid_yaml_colon_in_value(tmp_path: Path) -> None:
    module_md = "---\ntitle: Literasi\nsummary: Ringkas: penting: sekali\njp: 2\n---\n"
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 3, "tanda kutip")


def test_front_matter_not_closed(tmp_path: Path) -> None:
    module_md = "---\ntitle: Literasi\nsummary: Ringkas\njp: 2\n\nPengantar tanpa penutup.\n"
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 1, "---")


def test_module_without_front_matter(tmp_path: Path) -> None:
    assert_only(make_module(tmp_path, {"module.md": "# Literasi\n\nPengantar.\n"}), "module.md", 1, "front matter")


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    module_md = "---\n- title\n- jp\n---\n"
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 2, "kunci: nilai")


def test_missing_required_keys_each_reported(tmp_path: Path) -> None:
    errors = errors_of(make_module(tmp_path, {"module.md": "---\ncategory: Digital\n---\n"}))
    assert [(error.path, error.line) for error in errors] == [(f"{DISPLAY}/module.md", 1)] * 3
    assert [error.message.split("'")[1] for error in errors] == ["jp", "summary", "title"]


def test_required_key_left_empty(tmp_path: Path) -> None:
    module_md = "---\ntitle:\nsummary: Ringkas\njp: 2\n---\n"
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 2, "'title'")


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("jp: dua", "bilangan bulat"),
        ("jp: '2'", "bilangan bulat"),
        ("jp: yes", "bilangan bulat"),
        ("jp: true", "bilangan bulat"),
        ("jp: 2.5", "bilangan bulat"),
        ("jp: 0", "antara 1 dan 100"),
        ("jp: 101", "antara 1 dan 100"),
        ("category: 2024-01-31", "teks"),
        ("category: [a, b]", "teks"),
        ("level: sulit", "dasar, menengah, lanjut"),
        ("tags: hoaks", "daftar"),
        ("tags: [hoaks, 2024]", "daftar"),
        ("published: ya", "true atau false"),
        ("published: 1", "true atau false"),
        ("certificate_valid_months: 0", "paling kecil 1"),
        ("certificate_valid_months: on", "bilangan bulat"),
        ("summary: " + "a" * 301, "301 karakter"),
    ],
)
def test_wrong_value_reports_the_key_line(tmp_path: Path, line: str, fragment: str) -> None:
    key = line.split(":")[0]
    base = {"title": "title: Literasi", "summary": "summary: Ringkas", "jp": "jp: 2"}
    base[key] = line
    module_md = "---\n" + "\n".join(base.values()) + "\n---\nIsi.\n"
    expected_line = list(base).index(key) + 2
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", expected_line, fragment)


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    module_md = MODULE_MD.replace("jp: 1\n", "jp: 1\nsumary_extra: x\ntitel: Lain\n")
    errors = errors_of(make_module(tmp_path, {"module.md": module_md}))
    assert [(error.line, error.message.split("'")[1]) for error in errors] == [(5, "sumary_extra"), (6, "titel")]
    assert "'title'" in errors[1].message and "maksudnya" in errors[1].message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    module_md = MODULE_MD.replace("jp: 1\n", "jp: 1\njp: 3\n")
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 5, "dua kali", "baris 4")


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("minutes: 0", 2, "antara 1 dan 480"),
        ("minutes: 481", 2, "antara 1 dan 480"),
        ("minutes: true", 2, "bilangan bulat"),
        ("minutes: '15'", 2, "bilangan bulat"),
        ("exercise_minutes: 0", 2, "antara 1 dan 480"),
        ("exercise_minutes: 5 menit", 2, "bilangan bulat"),
        ("durasi: 15", 2, "tidak dikenal"),
        ("title: 12", 2, "teks"),
    ],
)
def test_lesson_front_matter_errors(tmp_path: Path, front: str, line: int, fragment: str) -> None:
    lesson = f"---\n{front}\n---\n# Pengantar\n"
    assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", line, fragment)


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("passing_score: 101", 3, "antara 0 dan 100"),
        ("passing_score: -1", 3, "antara 0 dan 100"),
        ("passing_score: 70%", 3, "bilangan bulat"),
        ("max_attempts: -1", 3, "antara 0 dan 100"),
        ("shuffle: acak", 3, "true atau false"),
        ("passing: 80", 3, "passing_score"),
    ],
)
def test_quiz_front_matter_errors(tmp_path: Path, front: str, line: int, fragment: str) -> None:
    quiz_md = f"---\ntitle: Kuis\n{front}\n---\n## Soal\n- [x] a\n- [ ] b\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", line, fragment)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("1 Pengantar Awal.md", "01-pengantar-awal.md"),
        ("Pengantar.md", "01-pengantar.md"),
        ("01_pengantar.md", "01-pengantar.md"),
        ("01-Pengantar.md", "01-pengantar.md"),
        ("02-pengantar.MD", "02-pengantar.md"),
        ("Module.md", "module.md"),
        ("catatan.md", "01-catatan.md"),
    ],
)
def test_badly_named_markdown_file(tmp_path: Path, name: str, suggestion: str) -> None:
    folder = make_module(tmp_path, {name: "# Judul\n"})
    if name == "Module.md":
        (folder / "module.md").unlink()
        errors = errors_of(folder)
        assert [(error.path, error.line) for error in errors] == [
            (f"{DISPLAY}/Module.md", 1),
            (f"{DISPLAY}/module.md", 1),
        ]
        assert suggestion in errors[0].message
        return
    assert_only(folder, name, 1, suggestion)


def test_non_markdown_file_outside_media(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"gambar.png": b"\x89PNG"})
    assert_only(folder, "gambar.png", 1, "media/")


def test_unknown_subfolder(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"gambar/peta.png": b"\x89PNG"})
    assert_only(folder, "gambar", 1, "media/")


def test_module_folder_without_module_md(tmp_path: Path) -> None:
    assert_only(make_module(tmp_path, {"module.md": None}), "module.md", 1, "module.md")


def test_module_folder_without_module_md_in_a_content_tree(tmp_path: Path) -> None:
    content = tmp_path / "content"
    make_module(content, {"module.md": None, "01-pengantar.md": None, "media/a.png": PNG_BYTES}, name="draf")
    modules, errors = check_tree(content)
    assert modules == []
    assert [(error.path, error.line) for error in errors] == [(f"{content}/draf/module.md", 1)]


@pytest.mark.parametrize(
    ("name", "suggestion"), [("Literasi Digital", "literasi-digital"), ("etika_digital", "etika-digital")]
)
def test_bad_module_folder_name(tmp_path: Path, name: str, suggestion: str) -> None:
    folder = make_module(tmp_path, name=name)
    module, errors = parse_module(folder, f"content/{name}")
    assert module is None
    assert [(error.path, error.line) for error in errors] == [(f"content/{name}", 1)]
    assert suggestion in errors[0].message
    assert_indonesian(errors[0].message)


def test_duplicate_lesson_number(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"1-lanjutan.md": "# Lanjutan\n"})
    error = assert_only(folder, "1-lanjutan.md", 1, "nomor pelajaran 1", "01-pengantar.md")
    assert "ganti nomor" in error.message


def test_duplicate_lesson_slug(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"02-pengantar.md": "# Pengantar lagi\n"})
    assert_only(folder, "02-pengantar.md", 1, "'pengantar'", "01-pengantar.md")


def test_empty_module(tmp_path: Path) -> None:
    assert_only(make_module(tmp_path, {"01-pengantar.md": None}), "module.md", 1, "belum punya pelajaran")


def test_lesson_without_title(tmp_path: Path) -> None:
    lesson = "Hanya paragraf.\n\n## Subjudul bukan judul\n"
    assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", 1, "judul")


def test_unclosed_code_fence(tmp_path: Path) -> None:
    lesson = "# Pengantar\n\nContoh:\n\n```python\nprint(1)\n"
    assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", 5, "```")


def test_file_over_one_megabyte(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"media/foto.jpg": JPEG_BYTES.ljust(1024 * 1024 + 1, b"\xff")})
    assert_only(folder, "media/foto.jpg", 1, "1 MB")


def test_file_of_exactly_one_megabyte_is_fine(tmp_path: Path) -> None:
    parse_ok(make_module(tmp_path, {"media/foto.jpg": JPEG_BYTES.ljust(1024 * 1024, b"\xff")}))


def test_quiz_without_questions(tmp_path: Path) -> None:
    assert_only(make_module(tmp_path, {"quiz.md": "Hanya pengantar.\n"}), "quiz.md", 1, "## ")


def test_question_without_answers(tmp_path: Path) -> None:
    quiz_md = "Pengantar.\n\n## Soal pertama\n- [x] a\n- [ ] b\n\n## Soal tanpa jawaban\nPenjelasan saja.\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 7, "belum punya jawaban")


def test_question_with_one_option(tmp_path: Path) -> None:
    quiz_md = "## Soal\n- [x] satu-satunya\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 1, "satu pilihan")


def test_question_without_correct_option(tmp_path: Path) -> None:
    quiz_md = "---\ntitle: Kuis\n---\n\n## Soal\n- [ ] a\n- [ ] b\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 5, "[x]")


def test_question_with_one_option_not_correct_reports_both(tmp_path: Path) -> None:
    errors = errors_of(make_module(tmp_path, {"quiz.md": "## Soal\n- [ ] a\n"}))
    assert [(error.path, error.line) for error in errors] == [(f"{DISPLAY}/quiz.md", 1)] * 2
    assert "satu pilihan" in errors[0].message and "[x]" in errors[1].message


def test_question_with_options_and_accepted_answers(tmp_path: Path) -> None:
    quiz_md = "## Soal satu\n= a\n\n## Soal dua\n- [x] a\n- [ ] b\n= a\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 4, "mencampur")


def test_duplicate_question(tmp_path: Path) -> None:
    quiz_md = "## Ibu kota Jawa Tengah?\n= Semarang\n\n## Ibu  kota jawa tengah? \n= Semarang\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 4, "pertanyaan ganda", "baris 1")


def test_duplicate_option(tmp_path: Path) -> None:
    quiz_md = "## Soal\n- [x] Semarang\n- [ ] semarang\n- [ ] Solo\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 3, "sama dengan pilihan", "baris 2")


def test_empty_option_and_empty_answer(tmp_path: Path) -> None:
    quiz_md = "## Soal satu\n- [x] a\n- [ ]\n\n## Soal dua\n=\n= b\n"
    errors = errors_of(make_module(tmp_path, {"quiz.md": quiz_md}))
    assert [(error.path, error.line) for error in errors] == [(f"{DISPLAY}/quiz.md", 3), (f"{DISPLAY}/quiz.md", 6)]


def test_text_after_answers(tmp_path: Path) -> None:
    quiz_md = "## Soal\n- [x] a\n- [ ] b\n\nTeks nyasar.\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 5, "'> '")


def test_answer_after_explanation(tmp_path: Path) -> None:
    quiz_md = "## Soal\n- [x] a\n- [ ] b\n> penjelasan\n\n- [ ] c\n"
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 6, "setelah penjelasan")


@pytest.mark.parametrize(
    ("files", "rel", "line", "fragment"),
    [
        ({"01-pengantar.md": "# P\n\nLihat ![peta](media/peta.png).\n"}, "01-pengantar.md", 3, "media/peta.png"),
        ({"01-pengantar.md": '# P\n\n[unduh](media/panduan.pdf "Panduan")\n'}, "01-pengantar.md", 3, "panduan"),
        ({"01-pengantar.md": "# P\n\n[unduh][p]\n\n[p]: media/hilang.pdf\n"}, "01-pengantar.md", 5, "hilang"),
        ({"01-pengantar.md": "# P\n\n[lanjut](02-lanjut.md#bagian)\n"}, "01-pengantar.md", 3, "02-lanjut.md"),
        ({"module.md": MODULE_MD + "\n![Sampul](media/sampul.png)\n"}, "module.md", 8, "sampul"),
        ({"module.md": MODULE_MD + "\n[s]: <media/s a.png>\n"}, "module.md", 8, "media/s a.png"),
        ({"quiz.md": "## Soal\n![g](media/soal.png)\n\n- [x] a\n- [ ] b\n"}, "quiz.md", 2, "soal.png"),
        ({"quiz.md": "## Soal\n- [x] a ![g](media/a.png)\n- [ ] b\n"}, "quiz.md", 2, "a.png"),
        ({"quiz.md": "## Soal\n- [x] a\n- [ ] b\n\n> [sumber](media/sumber.pdf)\n"}, "quiz.md", 5, "sumber.pdf"),
        ({"01-pengantar.md": "# P\n\n![x](../lain/media/x.png)\n"}, "01-pengantar.md", 3, "keluar dari folder modul"),
        ({"01-pengantar.md": "# P\n\n![x](media/../../x.png)\n"}, "01-pengantar.md", 3, "keluar dari folder modul"),
        ({"01-pengantar.md": "# P\n\n![x](C:\\Users\\rina\\peta.png)\n"}, "01-pengantar.md", 3, "komputer Anda"),
        ({"01-pengantar.md": "# P\n\n![x](media\\peta.png)\n"}, "01-pengantar.md", 3, "media/peta.png"),
        ({"01-pengantar.md": '# P\n\n<img src="media/raw.png" width="200">\n'}, "01-pengantar.md", 3, "raw.png"),
    ],
)
def test_missing_link_target(tmp_path: Path, files: dict[str, str], rel: str, line: int, fragment: str) -> None:
    folder = make_module(tmp_path, files)
    assert_only(folder, rel, line, fragment)


def test_link_case_mismatch_names_the_real_file(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"01-pengantar.md": "# P\n\n![x](media/peta.png)\n", "media/Peta.PNG": PNG_BYTES})
    assert_only(folder, "01-pengantar.md", 3, "huruf besar/kecil", "media/Peta.PNG")


def test_links_that_need_no_file(tmp_path: Path) -> None:
    lesson = CARRIES_1_JP + (
        "# P\n\n[situs](https://semarangkota.go.id) [surel](mailto:bkpp@semarangkota.go.id) "
        "[atas](#p) [katalog](/katalog) ![ok](media/ok%20sekali.png) [lanjut](01-pengantar.md)\n\n"
        "`[bukan](tautan.png)` dan\n\n```\n![juga bukan](kode.png)\n```\n"
    )
    parse_ok(make_module(tmp_path, {"01-pengantar.md": lesson, "media/ok sekali.png": PNG_BYTES}))


def test_many_errors_are_all_reported(tmp_path: Path) -> None:
    folder = make_module(
        tmp_path,
        {
            "module.md": "---\ntitle: Literasi\njp: nol\ntitel: x\n---\n![a](media/a.png)\n",
            "01-pengantar.md": "Tanpa judul.\n",
            "02-lanjut.md": "# Lanjut\n[b](media/b.png)\n",
            "catatan.txt": "x",
            "quiz.md": "## Soal\n- [ ] a\n\n## Soal\n= a\n",
        },
    )
    errors = errors_of(folder)
    assert [(error.path.removeprefix(DISPLAY + "/"), error.line) for error in errors] == [
        ("01-pengantar.md", 1),
        ("02-lanjut.md", 2),
        ("catatan.txt", 1),
        ("module.md", 1),  # summary missing
        ("module.md", 3),  # jp not a number
        ("module.md", 4),  # unknown key titel
        ("module.md", 6),  # missing media/a.png
        ("quiz.md", 1),  # one option
        ("quiz.md", 1),  # no correct option
        ("quiz.md", 4),  # the same question again
    ]


def test_errors_across_modules_are_all_reported(tmp_path: Path) -> None:
    content = tmp_path / "content"
    make_module(content, {"01-pengantar.md": None}, name="satu")
    make_module(content, {"module.md": None}, name="dua")
    make_module(content, name="Tiga Modul")
    modules, errors = check_tree(content)
    assert modules == []
    assert [error.path.removeprefix(f"{content}/") for error in errors] == [
        "Tiga Modul",
        "dua/module.md",
        "satu/module.md",
    ]


def test_unexpected_exception_becomes_a_check_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_mod, "_parse_quiz", explode)
    folder = make_module(tmp_path, {"quiz.md": "## Soal\n= a\n"})
    error = assert_only(folder, "quiz.md", 1, "RuntimeError: boom")
    assert "tidak dapat diproses" in error.message


def test_unreadable_folder_becomes_a_check_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise PermissionError("ditolak")

    monkeypatch.setattr(parse_mod, "_collect_files", explode)
    module, errors = parse_module(make_module(tmp_path), DISPLAY)
    assert module is None
    assert [(error.path, error.line) for error in errors] == [(DISPLAY, 1)]


def test_symlinks_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.txt"
    secret.write_text("kata sandi")
    folder = make_module(tmp_path)
    (folder / "media").mkdir()
    (folder / "media" / "rahasia.txt").symlink_to(secret)
    assert_only(folder, "media/rahasia.txt", 1, "symlink")


def test_duplicate_question_is_reported_even_when_the_first_has_errors(tmp_path: Path) -> None:
    quiz_md = "## Soal B\n- [ ] a\n- [ ] b\n\n## Soal B\n= x\n"
    errors = errors_of(make_module(tmp_path, {"quiz.md": quiz_md}))
    assert [(error.line, "ganda" in error.message) for error in errors] == [(1, False), (5, True)]


def test_lesson_front_matter_error_and_missing_title_both_reported(tmp_path: Path) -> None:
    lesson = "---\nminutes: nol\n---\nTanpa judul.\n"
    errors = errors_of(make_module(tmp_path, {"01-pengantar.md": lesson}))
    assert [(error.line, error.message.split(" ")[0]) for error in errors] == [
        (1, "pelajaran"),
        (2, "'minutes'"),
    ]


def test_empty_lesson_title_falls_back_to_heading(tmp_path: Path) -> None:
    lesson = "---\ntitle:\nexercise_minutes: 44\n---\n# Dari Judul\n"
    module = parse_ok(make_module(tmp_path, {"01-pengantar.md": lesson}))
    assert module.lessons[0].title == "Dari Judul"


# ---------------------------------------------------------------------------------------------
# Media types: only the allowlist, recognised by content
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["media/x.html", "media/x.htm", "media/x.js", "media/x.xhtml", "media/x.txt", "media/catatan"]
)
def test_page_or_script_in_media_is_an_error_naming_the_file(tmp_path: Path, name: str) -> None:
    folder = make_module(tmp_path, {name: PAGE})
    error = assert_only(folder, name, 1, "tidak diizinkan", "PNG", "JPEG", "PDF", "SVG")
    assert str(error).startswith(f"{DISPLAY}/{name}:1: ")


def test_a_page_and_a_script_are_both_reported(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"media/x.html": PAGE, "media/x.js": b"alert(document.cookie)"})
    assert [(error.path, error.line) for error in errors_of(folder)] == [
        (f"{DISPLAY}/media/x.html", 1),
        (f"{DISPLAY}/media/x.js", 1),
    ]


@pytest.mark.parametrize("name", ["media/peta.png", "media/foto.jpg", "media/bagan.svg", "media/panduan.pdf"])
def test_a_page_renamed_as_an_allowed_type_is_an_error(tmp_path: Path, name: str) -> None:
    assert_only(make_module(tmp_path, {name: PAGE}), name, 1, "bukan", "ekspor ulang")


def test_a_png_named_jpg_is_an_error_naming_both_types(tmp_path: Path) -> None:
    folder = make_module(tmp_path, {"media/foto.jpg": PNG_BYTES})
    assert_only(folder, "media/foto.jpg", 1, "gambar PNG", "'.jpg'", "menjadi .png")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("media/peta.png", PNG_BYTES),
        ("media/Peta.PNG", PNG_BYTES),
        ("media/foto.jpg", JPEG_BYTES),
        ("media/foto.jpeg", JPEG_BYTES),
        ("media/animasi.gif", GIF_BYTES),
        ("media/gambar.webp", WEBP_BYTES),
        ("media/bagan.svg", SVG_BYTES),
        ("media/docs/panduan.pdf", PDF_BYTES),
    ],
)
def test_each_allowed_type_passes(tmp_path: Path, name: str, data: bytes) -> None:
    assert parse_ok(make_module(tmp_path, {name: data})).media == {name: data}


@pytest.mark.parametrize(
    ("svg", "found"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n<rect/>\n<script>alert(1)</script>\n</svg>", "<script>"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n\n<svg:script href='x.js'/>\n</svg>", "<script>"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n<g/>\n<rect onclick='alert(1)'/></svg>", "onclick="),
        (b"<svg xmlns='http://www.w3.org/2000/svg'\n\n onload=\"alert(1)\"></svg>", "onload="),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n\n<a href='javascript:alert(1)'>x</a></svg>", "javascript:"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n\n<a href='&#106;avascript:alert(1)'>x</a></svg>", "javascript:"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\n\n<set attributeName='onmouseover' to='alert(1)'/></svg>", "on"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><foreignObject>\n\n<iframe src='/akun'/></foreignObject></svg>",
            "iframe",
        ),
    ],
)
def test_svg_with_script_is_an_error_on_its_line(tmp_path: Path, svg: bytes, found: str) -> None:
    folder = make_module(tmp_path, {"media/bagan.svg": svg})
    assert_only(folder, "media/bagan.svg", 3, found, "SVG")


def test_svg_text_that_mentions_events_is_fine(tmp_path: Path) -> None:
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><text font-family='sans-serif'>onclick=x javascript:</text></svg>"
    parse_ok(make_module(tmp_path, {"media/bagan.svg": svg}))


def test_svg_with_html_labels_as_drawio_exports_them_is_fine(tmp_path: Path) -> None:
    svg = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"><g><switch><foreignObject '
        b'requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility"><div '
        b'xmlns="http://www.w3.org/1999/xhtml" style="display: flex;">Perencanaan</div></foreignObject>'
        b"<text>Perencanaan</text></switch></g></svg>"
    )
    parse_ok(make_module(tmp_path, {"media/alur.svg": svg}))


# ---------------------------------------------------------------------------------------------
# Expected minutes, the JP they carry, and warnings
# ---------------------------------------------------------------------------------------------

WORDS = "kata " * 360  # two minutes of reading at 180 words a minute


def test_words_and_reading_minutes() -> None:
    assert parse_mod.count_words("# Judul\n\n| a | b |\n|---|---|\n- satu, dua\n\n---\n**tiga** `4`") == 7
    assert parse_mod.WORDS_PER_MINUTE == 180
    assert [parse_mod.reading_minutes(words) for words in (0, 89, 90, 269, 270, 449, 450)] == [1, 1, 1, 1, 2, 2, 3]
    assert parse_mod.lesson_minutes(540) == 3
    assert parse_mod.lesson_minutes(540, exercise_minutes=5) == 8
    assert parse_mod.lesson_minutes(540, declared=4) == 4
    assert parse_mod.quiz_minutes(12) == 12 and parse_mod.quiz_minutes(12, declared=20) == 20


def test_jp_minimum_and_supported_minutes() -> None:
    # 10% tolerance: 1 JP needs 41 of 45 minutes, 4 JP 162 of 180.
    assert [parse_mod.jp_minimum_minutes(jp) for jp in (1, 2, 3, 4, 5)] == [41, 81, 122, 162, 203]
    assert [parse_mod.jp_supported(minutes) for minutes in (0, 40, 41, 80, 81, 162, 179)] == [0, 0, 1, 1, 2, 4, 4]


def test_lesson_minutes_declared_or_estimated_from_words_and_exercise(tmp_path: Path) -> None:
    folder = make_module(
        tmp_path,
        {
            "01-pengantar.md": "---\nminutes: 4\n---\n# Pengantar\n\n" + WORDS,
            "02-kasus.md": "---\nexercise_minutes: 35\n---\n# Kasus\n\n" + WORDS,
            "03-bacaan.md": "# Bacaan\n\n" + WORDS + WORDS,
        },
    )
    module = parse_ok(folder)
    assert [(lesson.minutes, lesson.words) for lesson in module.lessons] == [(4, 360), (37, 360), (4, 720)]
    assert module.expected_minutes == 45 and module.warnings == []


def test_minutes_and_exercise_minutes_together_is_an_error(tmp_path: Path) -> None:
    lesson = "---\nminutes: 45\nexercise_minutes: 5\n---\n# Pengantar\n"
    assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", 3, "hapus salah satunya")


def test_old_duration_minutes_key_says_it_was_renamed(tmp_path: Path) -> None:
    lesson = "---\nduration_minutes: 45\n---\n# Pengantar\n"
    error = assert_only(make_module(tmp_path, {"01-pengantar.md": lesson}), "01-pengantar.md", 2, "'minutes'")
    assert "diganti namanya" in error.message and "jp" in error.message


def test_jp_beyond_the_minutes_is_an_error_on_the_jp_line(tmp_path: Path) -> None:
    module_md = "---\ntitle: Literasi\nsummary: Ringkas\ncategory: Literasi\njp: 2\n---\nPengantar.\n"
    quiz_md = "## Soal satu\n- [x] a\n- [ ] b\n\n## Soal dua\n= dua\n"
    folder = make_module(tmp_path, {"module.md": module_md, "quiz.md": quiz_md})
    error = assert_only(folder, "module.md", 5, "jp: 2", "90 menit", "±47 menit", "pelajaran 45 menit, kuis 2 menit")
    assert "turunkan jp menjadi 1" in error.message and "81 menit" in error.message and "10%" in error.message


def test_jp_within_the_tolerance_passes_and_below_one_jp_says_so(tmp_path: Path) -> None:
    enough = "---\nexercise_minutes: 40\n---\n# Pengantar\n"  # 1 + 40 = 41 minutes: 1 JP less 10%
    assert parse_ok(make_module(tmp_path / "a", {"01-pengantar.md": enough})).expected_minutes == 41
    short = "---\nexercise_minutes: 39\n---\n# Pengantar\n"
    error = assert_only(make_module(tmp_path / "b", {"01-pengantar.md": short}), "module.md", 4, "±40 menit")
    assert "belum cukup untuk 1 JP" in error.message and "tanpa kuis" in error.message


def test_no_jp_check_while_a_lesson_has_errors(tmp_path: Path) -> None:
    """A broken lesson's minutes are unknown: only its own error is reported."""
    assert_only(make_module(tmp_path, {"01-pengantar.md": "Tanpa judul.\n"}), "01-pengantar.md", 1, "judul")


def test_quiz_minutes_and_pick(tmp_path: Path) -> None:
    questions = "".join(f"## Soal {n}\n= {n}\n\n" for n in range(1, 5))
    quiz = parse_ok(make_module(tmp_path / "a", {"quiz.md": "---\npick: 2\n---\n" + questions})).quiz
    assert quiz is not None and (quiz.pick, quiz.drawn, quiz.minutes) == (2, 2, 2)
    quiz = parse_ok(make_module(tmp_path / "b", {"quiz.md": "---\nminutes: 6\n---\n" + questions})).quiz
    assert quiz is not None and (quiz.pick, quiz.drawn, quiz.minutes) == (None, 4, 6)


@pytest.mark.parametrize(("front", "fragment"), [("pick: 0", "paling kecil 1"), ("pick: 5", "paling banyak 4")])
def test_pick_must_fit_the_bank(tmp_path: Path, front: str, fragment: str) -> None:
    quiz_md = f"---\ntitle: Kuis\n{front}\n---\n" + "".join(f"## Soal {n}\n= {n}\n\n" for n in range(1, 5))
    assert_only(make_module(tmp_path, {"quiz.md": quiz_md}), "quiz.md", 3, fragment)


def warnings_of(folder: Path) -> list[parse_mod.CheckWarning]:
    module = parse_ok(folder)
    for warning in module.warnings:
        assert_indonesian(warning.message)
    return module.warnings


def single(prompt: str, right: str, *wrong: str) -> str:
    return f"## {prompt}\n- [x] {right}\n" + "".join(f"- [ ] {option}\n" for option in wrong) + "\n"


def test_warning_when_the_right_option_is_the_longest_in_most_single_choice_questions(tmp_path: Path) -> None:
    quiz_md = "---\npick: 3\n---\n" + "".join(
        [
            single("Soal satu", "jawaban yang paling panjang", "pendek", "singkat"),  # line 4
            single("Soal dua", "ya", "tidak sama sekali"),  # line 9: the right one is shorter
            single("Soal tiga", "jawaban yang **panjang**", "pendek", "jawaban panjang"),  # line 13
            single("Soal empat", "benar", "salah"),  # line 18: a tie is not "longest"
            single("Soal lima", "jawaban panjang sekali", "pendek"),  # line 22
            "## Soal enam (pilih semua yang benar)\n- [x] satu yang panjang\n- [x] dua yang panjang\n- [ ] x\n\n",
        ]
    )
    (warning,) = warnings_of(make_module(tmp_path, {"quiz.md": quiz_md}))
    assert (warning.path, warning.line) == (f"{DISPLAY}/quiz.md", 4)
    assert "3 dari 5 soal pilihan tunggal" in warning.message and "baris 4, 13, 22" in warning.message
    assert str(warning).startswith(f"{DISPLAY}/quiz.md:4: peringatan: ")


def test_no_longest_option_warning_for_half_or_for_few_questions(tmp_path: Path) -> None:
    half = "---\npick: 2\n---\n" + "".join(
        [
            single("Soal satu", "jawaban yang paling panjang", "pendek"),
            single("Soal dua", "jawaban yang paling panjang", "pendek"),
            single("Soal tiga", "ya", "tidak sama sekali"),
            single("Soal empat", "ya", "tidak sama sekali"),
        ]
    )
    assert warnings_of(make_module(tmp_path / "a", {"quiz.md": half})) == []
    few = "---\npick: 1\n---\n" + "".join(
        single(f"Soal {n}", "jawaban yang paling panjang", "pendek") for n in ("satu", "dua", "tiga")
    )
    assert warnings_of(make_module(tmp_path / "b", {"quiz.md": few})) == []


def test_warning_when_the_bank_is_smaller_than_twice_the_draw(tmp_path: Path) -> None:
    questions = "".join(f"## Soal {n}\n= {n}\n\n" for n in range(1, 6))
    (all_drawn,) = warnings_of(make_module(tmp_path / "a", {"quiz.md": questions}))
    assert all_drawn.line == 1 and "semua 5 soal" in all_drawn.message and "pick: 2" in all_drawn.message
    (picked,) = warnings_of(make_module(tmp_path / "b", {"quiz.md": "---\ntitle: Kuis\npick: 3\n---\n" + questions}))
    assert picked.line == 3 and "kurang dari dua kali pick: 3 (6)" in picked.message
    assert "tambahkan paling sedikit 1 soal" in picked.message and "turunkan pick menjadi 2" in picked.message
    assert warnings_of(make_module(tmp_path / "c", {"quiz.md": "---\npick: 2\n---\n" + questions})) == []


def test_warning_when_declared_minutes_far_exceed_the_text(tmp_path: Path) -> None:
    lesson = "---\ntitle: Pengantar\nminutes: 45\n---\n" + WORDS  # 2 minutes of reading
    (warning,) = warnings_of(make_module(tmp_path / "a", {"01-pengantar.md": lesson}))
    assert (warning.path, warning.line) == (f"{DISPLAY}/01-pengantar.md", 3)
    assert "minutes: 45" in warning.message and "±2 menit untuk 360 kata" in warning.message
    assert "exercise_minutes" in warning.message
    quiz_md = "---\nminutes: 9\npick: 2\n---\n" + "".join(f"## Soal {n}\n= {n}\n\n" for n in range(1, 5))
    (warning,) = warnings_of(make_module(tmp_path / "b", {"quiz.md": quiz_md}))
    assert (warning.path, warning.line) == (f"{DISPLAY}/quiz.md", 2) and "±2 menit" in warning.message


def test_warnings_are_collected_in_file_and_line_order(tmp_path: Path) -> None:
    content = tmp_path / "content"
    questions = "".join(f"## Soal {n}\n= {n}\n\n" for n in range(1, 3))
    make_module(content, {"quiz.md": questions}, name="modul-b")
    make_module(content, {"quiz.md": questions}, name="modul-a")
    modules, errors = check_tree(content)
    assert errors == []
    assert [(w.path, w.line) for w in parse_mod.collect_warnings(modules)] == [
        (f"{content}/modul-a/quiz.md", 1),
        (f"{content}/modul-b/quiz.md", 1),
    ]
