"""Parse and check the trainers' Markdown module folders: pure functions, no Flask, no database."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import math
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

from lms.content.media import check_media

MAX_FILE_BYTES = 1024 * 1024
MODULE_FILE = "module.md"
QUIZ_FILE = "quiz.md"
MEDIA_DIR = "media"
LEVELS = ("dasar", "menengah", "lanjut")
#: When a learner may see the explanations / the right answers of her submitted attempts (quiz.md front matter).
REVEAL_CHOICES = ("never", "after_pass", "after_last_attempt", "always")
#: Defaults for a quiz that gives a credential (JP): see docs/authoring.md for why.
DEFAULT_REVEAL = "after_pass"
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_AFTER_MINUTES = 30
MAX_GROUP_LENGTH = 100
#: Files that operating systems drop into folders on their own; never content, never an error.
IGNORED_NAMES = frozenset({"Thumbs.db", "desktop.ini", "__MACOSX"})

#: One JP (jam pelajaran) is 45 minutes of learning.
JP_MINUTES = 45
#: A module's jp × 45 may exceed its lessons' and quiz's minutes by up to this many percent (rounding, a reader
#: slower than the estimate), never more.
JP_TOLERANCE_PERCENT = 10
#: Reading for learning, Indonesian expository prose; why this figure: docs/authoring.md, section 3.
WORDS_PER_MINUTE = 180
#: A quiz without `minutes:` is estimated at this many minutes per question answered.
QUIZ_MINUTES_PER_QUESTION = 1
#: Declared minutes above this multiple of the estimate from the text earn a warning.
OVERCLAIM_FACTOR = 2
#: "The right option is the longest" is judged only on quizzes with at least this many single-choice questions.
LONGEST_RIGHT_MIN_QUESTIONS = 4
#: The old name of a front-matter key and its new one; the old name is an error that says so.
RENAMED_KEYS = {"duration_minutes": "minutes"}

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LESSON_FILE_RE = re.compile(r"(\d{1,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md")

QuestionKind = Literal["single", "multiple", "short"]
T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class CheckError:
    """A problem in the trainer's files: where it is and, in Bahasa Indonesia, how to fix it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, order=True)
class CheckWarning:
    """Something a trainer should look at that does not stop the module from loading."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: peringatan: {self.message}"


@dataclass(frozen=True)
class ParsedOption:
    """One choice of a single- or multiple-choice question; ``key`` is stable across reordering."""

    key: str
    text_md: str
    is_correct: bool


@dataclass(frozen=True)
class ParsedQuestion:
    """One ``## `` section of quiz.md; ``key`` derives from the prompt, so reordering keeps it."""

    key: str
    kind: QuestionKind
    prompt_md: str
    options: list[ParsedOption]
    accepted: list[str]
    explanation_md: str
    line: int
    group: str | None = None


@dataclass(frozen=True)
class ParsedQuiz:
    """The module's final quiz; ``title`` None means the page shows its default label."""

    title: str | None
    passing_score: int
    max_attempts: int
    shuffle: bool
    intro_md: str
    questions: list[ParsedQuestion]
    minutes: int = 0
    pick: int | None = None
    show_explanations: str = DEFAULT_REVEAL
    show_correct_answers: str = DEFAULT_REVEAL
    retry_after_minutes: int = DEFAULT_RETRY_AFTER_MINUTES
    time_limit_minutes: int | None = None

    @property
    def groups(self) -> list[str]:
        """The topics (``group:``) its questions name, in order of first use."""
        return list(dict.fromkeys(q.group for q in self.questions if q.group))

    @property
    def drawn(self) -> int:
        """How many questions one attempt holds: ``pick``, or else the whole bank."""
        return self.pick or len(self.questions)


@dataclass(frozen=True)
class ParsedLesson:
    """One ``NN-slug.md`` file; ``body_md`` line 1 is line ``source_line_offset + 1`` of the file.

    ``minutes`` is the expected time: the front matter's ``minutes``, or else the reading time of
    its ``words`` plus its ``exercise_minutes``.
    """

    number: int
    slug: str
    title: str
    minutes: int
    body_md: str
    source_line_offset: int = 0
    words: int = 0


@dataclass(frozen=True)
class ParsedModule:
    """A module folder that passed every check, ready to be synced."""

    slug: str
    title: str
    summary: str
    jp: int
    category: str | None
    level: str | None
    tags: list[str]
    published: bool
    certificate_valid_months: int | None
    overview_md: str
    lessons: list[ParsedLesson]
    quiz: ParsedQuiz | None
    media: dict[str, bytes] = field(repr=False)
    content_hash: str
    warnings: list[CheckWarning] = field(default_factory=list)
    jp_repeatable: bool = True
    #: Every file of the module, {relative path: bytes}: what a stored version keeps.
    files: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def expected_minutes(self) -> int:
        """The lessons' and the quiz's expected minutes together: what the module's JP must rest on."""
        return sum(lesson.minutes for lesson in self.lessons) + (self.quiz.minutes if self.quiz else 0)


@dataclass(frozen=True)
class ContentSummary:
    """Counts printed by ``flask content check`` when everything is in order."""

    modules: int
    lessons: int
    questions: int

    def ok_line(self) -> str:
        """The exact line the CLI prints on success."""
        return f"OK: {self.modules} modules, {self.lessons} lessons, {self.questions} questions"


def summarise(modules: Iterable[ParsedModule]) -> ContentSummary:
    """Count modules, lessons and quiz questions."""
    modules = list(modules)
    return ContentSummary(
        modules=len(modules),
        lessons=sum(len(module.lessons) for module in modules),
        questions=sum(len(module.quiz.questions) for module in modules if module.quiz),
    )


def collect_warnings(modules: Iterable[ParsedModule]) -> list[CheckWarning]:
    """Every module's warnings, in file and line order."""
    return sorted(warning for module in modules for warning in module.warnings)


def count_words(markdown: str) -> int:
    """Words a learner reads: whitespace-separated pieces holding a letter or digit (so '-', '|', '---' are not)."""
    return sum(1 for piece in markdown.split() if any(char.isalnum() for char in piece))


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at WORDS_PER_MINUTE, rounded half up, at least 1."""
    return max(1, math.floor(words / WORDS_PER_MINUTE + 0.5))


def lesson_minutes(words: int, *, declared: int | None = None, exercise_minutes: int = 0) -> int:
    """A lesson's expected minutes: the declared ``minutes``, or reading time plus exercise minutes."""
    if declared is not None:
        return declared
    return reading_minutes(words) + exercise_minutes


def quiz_minutes(drawn: int, *, declared: int | None = None) -> int:
    """A quiz's expected minutes: the declared ``minutes``, or QUIZ_MINUTES_PER_QUESTION per question answered."""
    if declared is not None:
        return declared
    return max(1, drawn * QUIZ_MINUTES_PER_QUESTION)


def jp_minimum_minutes(jp: int) -> int:
    """The fewest minutes of lessons and quiz that may carry ``jp`` JP: jp × 45 less the tolerance, rounded up."""
    return -(-jp * JP_MINUTES * (100 - JP_TOLERANCE_PERCENT) // 100)


def jp_supported(minutes: int) -> int:
    """The most JP that ``minutes`` of lessons and quiz can honestly carry (0 when not even one)."""
    return minutes * 100 // (JP_MINUTES * (100 - JP_TOLERANCE_PERCENT))


_TRAILING_PUNCTUATION = ".,;:!?"


def normalise_short_answer(text: str) -> str:
    """A short answer as grading compares it: ``normalise_answer`` and then trailing punctuation dropped.

    Unicode NFKC (so full-width letters and ligatures become plain ones), case folded, spaces around
    trimmed and runs of spaces made one, then any ``. , ; : ! ?`` at the end removed: "Semarang." and
    "  SEMARANG " both match "semarang". Question and option keys keep ``normalise_answer``, so this
    rule can change without renaming any question.
    """
    return normalise_answer(normalise_answer(text).rstrip(_TRAILING_PUNCTUATION))


def normalise_answer(text: str) -> str:
    """Normalise a short answer for comparison: Unicode NFKC, trim, casefold, collapse whitespace.

    Grading compares ``normalise_answer(submitted)`` with the normalised accepted answers, so
    "  Kota   SEMARANG " matches "kota semarang".
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# Front matter schemas
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    kind: Literal["text", "int", "bool", "list"]
    example: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()


MODULE_FIELDS: dict[str, _Field] = {
    "title": _Field("text", '"Literasi Digital untuk ASN"', required=True),
    "summary": _Field("text", '"Ringkasan singkat modul."', required=True, max_length=300),
    "jp": _Field("int", "2", required=True, minimum=1, maximum=100),
    "category": _Field("text", '"Literasi Digital"'),
    "level": _Field("text", "dasar", choices=LEVELS),
    "tags": _Field("list", "[digital, keamanan]"),
    "published": _Field("bool", "true"),
    "certificate_valid_months": _Field("int", "24", minimum=1),
    "jp_repeatable": _Field("bool", "false"),
}
LESSON_FIELDS: dict[str, _Field] = {
    "title": _Field("text", '"Judul Pelajaran"'),
    "minutes": _Field("int", "15", minimum=1, maximum=480),
    "exercise_minutes": _Field("int", "5", minimum=1, maximum=480),
}
QUIZ_FIELDS: dict[str, _Field] = {
    "title": _Field("text", '"Kuis Akhir"'),
    "passing_score": _Field("int", "70", minimum=0, maximum=100),
    "max_attempts": _Field("int", "3", minimum=0, maximum=100),
    "retry_after_minutes": _Field("int", "30", minimum=0, maximum=10080),
    "time_limit_minutes": _Field("int", "20", minimum=1, maximum=480),
    "show_explanations": _Field("text", "after_pass", choices=REVEAL_CHOICES),
    "show_correct_answers": _Field("text", "after_pass", choices=REVEAL_CHOICES),
    "shuffle": _Field("bool", "true"),
    "minutes": _Field("int", "15", minimum=1, maximum=480),
    "pick": _Field("int", "10", minimum=1),
}


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"nilai ya/tidak ({str(value).lower()})"
    if isinstance(value, int):
        return f"angka {value}"
    if isinstance(value, float):
        return f"angka desimal {value}"
    if isinstance(value, datetime.date):
        return f"tanggal {value.isoformat()}"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "kumpulan kunci"
    if value is None:
        return "nilai kosong"
    return f'teks "{value}"'


# ---------------------------------------------------------------------------------------------
# Reading one Markdown file
# ---------------------------------------------------------------------------------------------


@dataclass
class _Source:
    rel: str
    display: str
    lines: list[str]
    has_front_matter: bool = False
    front: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_start: int = 0  # index into ``lines`` of the first body line

    @property
    def body(self) -> list[str]:
        return self.lines[self.body_start :]

    def line_of_body(self, index: int) -> int:
        """The 1-based file line of body line ``index``."""
        return self.body_start + index + 1


def _decode(data: bytes, display: str, errors: list[CheckError]) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(
            CheckError(
                display,
                line,
                "berkas tidak tersimpan dalam encoding UTF-8 (ada huruf yang tidak terbaca di baris "
                "ini); simpan ulang berkas dengan encoding UTF-8, misalnya di Notepad pilih "
                "Simpan Sebagai lalu Encoding: UTF-8",
            )
        )
        return None
    return text.removeprefix("\ufeff")


def _load_yaml(text: str) -> tuple[Any, Any]:
    """The YAML's node tree (for key lines) and its value. libyaml is fast; on an error the pure-Python
    loader parses again, since its marks point at the line a trainer must fix."""
    import yaml  # here, not at the top: only checking and syncing content reads YAML, never a request

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it
    try:
        return yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)  # noqa: S506
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
    return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _read_front_matter(source: _Source, errors: list[CheckError]) -> bool:
    """Fill ``source.front``/``key_lines``/``body_start``; False if the front matter is unusable.

    Front matter is a YAML block between a first line ``---`` and the next ``---`` (or ``...``)
    line; line numbers count the opening ``---`` as line 1.
    """
    import yaml

    lines = source.lines
    if not lines or lines[0].rstrip() != "---":
        return True
    source.has_front_matter = True
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in {"---", "..."}), None)
    if closing is None:
        errors.append(
            CheckError(
                source.display,
                1,
                "front matter dibuka dengan '---' di baris 1 tetapi tidak pernah ditutup; "
                "tambahkan baris '---' setelah kunci terakhir front matter",
            )
        )
        return False
    source.body_start = closing + 1
    yaml_text = "\n".join(lines[1:closing])
    try:
        node, data = _load_yaml(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        problem = exc.problem or exc.context or "format tidak dikenali"
        errors.append(
            CheckError(
                source.display,
                line,
                f"front matter bukan YAML yang benar ({problem}); periksa baris ini: tulis "
                "'kunci: nilai', beri tanda kutip pada teks yang memuat titik dua, dan gunakan "
                "spasi (bukan Tab) untuk menjorok",
            )
        )
        return False
    except yaml.YAMLError as exc:
        errors.append(
            CheckError(
                source.display,
                1,
                f"front matter bukan YAML yang benar ({exc}); perbaiki penulisan di antara baris '---'",
            )
        )
        return False
    if data is None:
        return True
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        errors.append(
            CheckError(
                source.display,
                2,
                "front matter harus berisi pasangan 'kunci: nilai', satu per baris; "
                "ubah isinya, misalnya 'title: Judul'",
            )
        )
        return False
    seen: dict[str, int] = {}
    pairs = [(str(key_node.value), key_node.start_mark.line + 2) for key_node, _value in node.value]
    if len(pairs) == len(data):
        # Constructed keys differ from their text for `yes:` or `1:`; without duplicates the two
        # sequences line up, so report lines under the constructed key.
        pairs = [(str(key), line) for key, (_text, line) in zip(data, pairs, strict=True)]
    for key, line in pairs:
        if key in seen:
            errors.append(
                CheckError(
                    source.display,
                    line,
                    f"kunci '{key}' ditulis dua kali (juga di baris {seen[key]}); hapus salah satunya",
                )
            )
            continue
        seen[key] = line
    source.key_lines = seen
    source.front = {str(key): value for key, value in data.items()}
    return True


def _validate_fields(source: _Source, fields: dict[str, _Field], errors: list[CheckError]) -> dict[str, Any] | None:
    """Check front-matter keys against ``fields``; return the clean values or None on any error.

    Rules: unknown keys are errors (with the closest known key suggested); required keys must be
    present and not empty; text is text, whole numbers are whole numbers (true/false is not a
    number), true/false is a bool, tags a list of texts; numbers within their range.
    """
    values: dict[str, Any] = {}
    ok = True
    for key, value in source.front.items():
        line = source.key_lines.get(key, 1)
        spec = fields.get(key)
        if spec is None and RENAMED_KEYS.get(key) in fields:
            ok = False
            new = RENAMED_KEYS[key]
            errors.append(
                CheckError(
                    source.display,
                    line,
                    f"kunci '{key}' sudah diganti namanya menjadi '{new}'; ganti nama kuncinya menjadi "
                    f"{new}, lalu periksa nilainya: waktu ini kini dijumlahkan dan dibandingkan dengan jp "
                    "modul (lihat panduan menulis modul, bagian Pelajaran)",
                )
            )
            continue
        if spec is None:
            ok = False
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            known = ", ".join(fields)
            hint = f"mungkin maksudnya '{close[0]}'? " if close else ""
            errors.append(
                CheckError(
                    source.display,
                    line,
                    f"kunci '{key}' tidak dikenal; {hint}ganti atau hapus baris ini (kunci yang dikenal: {known})",
                )
            )
            continue
        if value is None:
            if spec.required:
                ok = False
                errors.append(
                    CheckError(
                        source.display,
                        line,
                        f"'{key}' belum diisi; tulis nilainya setelah titik dua, misalnya {key}: {spec.example}",
                    )
                )
            continue
        problem = _field_problem(key, value, spec)
        if problem:
            ok = False
            errors.append(CheckError(source.display, line, problem))
            continue
        values[key] = value.strip() if isinstance(value, str) else value
    for key, spec in fields.items():
        if spec.required and key not in source.front:
            ok = False
            errors.append(
                CheckError(
                    source.display,
                    1,
                    f"kunci wajib '{key}' tidak ada di front matter; tambahkan baris "
                    f"'{key}: {spec.example}' di antara kedua baris '---'",
                )
            )
    return values if ok else None


def _field_problem(key: str, value: object, spec: _Field) -> str | None:
    if spec.kind == "text":
        if not isinstance(value, str):
            return (
                f"'{key}' harus berupa teks, bukan {_describe(value)}; tulis nilainya di antara "
                f'tanda kutip, misalnya {key}: "{value}"'
            )
        if not value.strip():
            return f"'{key}' masih kosong; isi dengan teks, misalnya {key}: {spec.example}"
        if spec.max_length is not None and len(value.strip()) > spec.max_length:
            return (
                f"'{key}' terlalu panjang ({len(value.strip())} karakter, paling banyak "
                f"{spec.max_length}); persingkat teksnya"
            )
        if spec.choices and value.strip() not in spec.choices:
            allowed = ", ".join(spec.choices)
            return f"'{key}' harus salah satu dari: {allowed}; ganti '{value}' dengan salah satunya"
        return None
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return (
                f"'{key}' harus bilangan bulat, bukan {_describe(value)}; tulis angka saja tanpa "
                f"tanda kutip, koma atau satuan, misalnya {key}: {spec.example}"
            )
        if spec.minimum is not None and value < spec.minimum:
            if spec.maximum is not None:
                return f"'{key}' harus antara {spec.minimum} dan {spec.maximum}, bukan {value}; ubah nilainya"
            return f"'{key}' paling kecil {spec.minimum}, bukan {value}; ubah nilainya"
        if spec.maximum is not None and value > spec.maximum:
            return f"'{key}' harus antara {spec.minimum} dan {spec.maximum}, bukan {value}; ubah nilainya"
        return None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return f"'{key}' harus true atau false, bukan {_describe(value)}; tulis {key}: true atau {key}: false"
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        return (
            f"'{key}' harus berupa daftar teks, bukan {_describe(value)}; tulis misalnya "
            f"{key}: {spec.example}, dengan tanda kutip pada tag yang berupa angka"
        )
    return None


# ---------------------------------------------------------------------------------------------
# Markdown line helpers
# ---------------------------------------------------------------------------------------------

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_H1_RE = re.compile(r"#(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*")
_H2_RE = re.compile(r"##(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*")
_OPTION_RE = re.compile(r" {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*?))?[ \t]*")
_ACCEPTED_RE = re.compile(r" {0,3}=(?!=)[ \t]*(.*?)[ \t]*")
_QUOTE_RE = re.compile(r" {0,3}> ?(.*)")
_GROUP_RE = re.compile(r"group:[ \t]*(.*?)[ \t]*")
_INLINE_LINK_RE = re.compile(
    r"!?\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]"
    r"\(\s*(<[^<>\n]*>|[^()\s][^()]*?(?:\([^()]*\)[^()]*?)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_REFERENCE_RE = re.compile(r" {0,3}\[(?!\^)(?:[^\[\]\\]|\\.)+\]:[ \t]*(<[^<>]*>|\S+)")
_HTML_URL_RE = re.compile(r"<(?:img|a)\b[^>]*?\s(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _fence_mask(lines: list[str], source: _Source, errors: list[CheckError]) -> list[bool]:
    """Mark the lines that belong to a fenced code block (``` or ~~~), fence lines included.

    A fence left open is an error: Markdown would show the rest of the file as plain text.
    """
    mask: list[bool] = []
    fence: str | None = None
    opened_at = 0
    for index, line in enumerate(lines):
        match = _FENCE_RE.fullmatch(line)
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
                opened_at = index
                mask.append(True)
            else:
                mask.append(False)
            continue
        mask.append(True)
        if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not match.group(2).strip():
            fence = None
    if fence is not None:
        errors.append(
            CheckError(
                source.display,
                source.line_of_body(opened_at),
                f"blok kode dibuka dengan {fence} di baris ini tetapi tidak ditutup; "
                f"tambahkan baris {fence} di akhir blok kode",
            )
        )
    return mask


def _trim_block(lines: list[str], first_line: int) -> tuple[str, int]:
    """Join ``lines`` without leading/trailing blank lines; return text and its first file line."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end]), first_line + start


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


def _links_in_line(line: str) -> list[str]:
    line = _CODE_SPAN_RE.sub(lambda match: " " * len(match.group(0)), line)
    urls = [match.group(1) for match in _INLINE_LINK_RE.finditer(line)]
    reference = _REFERENCE_RE.match(line)
    if reference:
        urls.append(reference.group(1))
    urls.extend(next(group for group in match.groups() if group is not None) for match in _HTML_URL_RE.finditer(line))
    return urls


def _check_links(source: _Source, mask: list[bool], files: dict[str, str], errors: list[CheckError]) -> None:
    """Every relative link or image must point at an existing file inside the module folder."""
    for index, line in enumerate(source.body):
        if mask[index]:
            continue
        for url in _links_in_line(line):
            problem = _link_problem(url, source.rel, files)
            if problem:
                errors.append(CheckError(source.display, source.line_of_body(index), problem))


def _link_problem(raw_url: str, from_rel: str, files: dict[str, str]) -> str | None:
    url = raw_url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if not url or url[0] in "#?/":
        return None
    scheme = _SCHEME_RE.match(url)
    if scheme and (len(scheme.group(0)) == 2 or scheme.group(0).lower() == "file:"):
        return (
            f"tautan '{url}' menunjuk ke berkas di komputer Anda, yang tidak bisa dibuka peserta; "
            "salin berkasnya ke folder media/ lalu tulis tautannya seperti media/nama-berkas.png"
        )
    if scheme:
        return None
    if "\\" in url:
        fixed = url.replace("\\", "/")
        return f"tautan '{url}' memakai garis miring terbalik; tulis dengan garis miring biasa: {fixed}"
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), path))
    if target == ".." or target.startswith("../"):
        return (
            f"tautan '{url}' keluar dari folder modul (memakai '..'); salin berkasnya ke folder "
            "media/ modul ini dan tautkan sebagai media/nama-berkas"
        )
    if target in files:
        return None
    same_but_case = [name for name in files if name.lower() == target.lower()]
    if same_but_case:
        return (
            f"berkas '{target}' tidak ditemukan; perhatikan huruf besar/kecil, berkas yang ada "
            f"bernama '{same_but_case[0]}', samakan penulisan tautannya"
        )
    close = difflib.get_close_matches(target, list(files), n=1, cutoff=0.6)
    hint = f"mungkin maksudnya '{close[0]}'? " if close else ""
    return (
        f"berkas '{target}' yang ditautkan tidak ditemukan; {hint}periksa ejaan nama berkas atau "
        "salin berkasnya ke folder media/"
    )


# ---------------------------------------------------------------------------------------------
# Module, lessons, quiz
# ---------------------------------------------------------------------------------------------


def _parse_overview(source: _Source, errors: list[CheckError]) -> dict[str, Any] | None:
    if not source.has_front_matter:
        errors.append(
            CheckError(
                source.display,
                1,
                "module.md harus diawali front matter; tambahkan baris '---', lalu title, summary "
                "dan jp (satu per baris), lalu baris '---' sebelum teks pengantar modul",
            )
        )
        return None
    values = _validate_fields(source, MODULE_FIELDS, errors)
    if values is None:
        return None
    values["overview_md"] = _trim_block(source.body, source.body_start + 1)[0]
    return values


def _parse_lesson(
    source: _Source,
    number: int,
    slug: str,
    mask: list[bool],
    errors: list[CheckError],
    warnings: list[CheckWarning],
) -> ParsedLesson | None:
    """A lesson's title comes from front matter ``title`` or else its first ``# `` heading.

    A heading used as the title is removed from the body when it is the body's first line, so the
    page does not show the title twice. Its expected minutes: ``minutes`` as declared, or else the
    reading time of its words plus ``exercise_minutes`` (the two keys together are an error);
    ``minutes`` above OVERCLAIM_FACTOR times the reading time is a warning.
    """
    checked = _validate_fields(source, LESSON_FIELDS, errors)
    values = checked or {}  # on a front-matter error, still look for the title to report that too
    body = list(source.body)
    title = values.get("title")
    if title is None and checked is None and source.front.get("title") is not None:
        title = "?"  # given but invalid: already reported
    if title is None:
        first_text = next((i for i, line in enumerate(body) if line.strip()), None)
        for index, line in enumerate(body):
            match = None if mask[index] else _H1_RE.fullmatch(line)
            if match and match.group(1).strip():
                title = match.group(1).strip()
                if index == first_text:
                    body[index] = ""
                break
    if not title:
        errors.append(
            CheckError(
                source.display,
                1,
                "pelajaran ini belum punya judul; tambahkan baris '# Judul Pelajaran' di awal berkas "
                "atau 'title: Judul Pelajaran' di front matter",
            )
        )
        return None
    if checked is None:
        return None
    declared, exercise = values.get("minutes"), values.get("exercise_minutes")
    if declared is not None and exercise is not None:
        errors.append(
            CheckError(
                source.display,
                source.key_lines["exercise_minutes"],
                "'minutes' dan 'exercise_minutes' tidak dapat dipakai bersama; hapus salah satunya: "
                "minutes menggantikan seluruh perkiraan waktu pelajaran, exercise_minutes ditambahkan "
                "pada perkiraan waktu membaca teksnya",
            )
        )
        return None
    body_md, first_line = _trim_block(body, source.body_start + 1)
    words = count_words(body_md)
    reading = reading_minutes(words)
    if declared is not None and declared > OVERCLAIM_FACTOR * reading:
        warnings.append(
            CheckWarning(
                source.display,
                source.key_lines["minutes"],
                f"minutes: {declared} lebih dari {OVERCLAIM_FACTOR} kali perkiraan waktu membaca pelajaran "
                f"ini (±{reading} menit untuk {words} kata, {WORDS_PER_MINUTE} kata per menit); bila peserta "
                "memang mengerjakan latihan, hapus minutes dan tulis exercise_minutes untuk lama latihannya; "
                "bila tidak, turunkan minutes agar jp modul tetap jujur",
            )
        )
    return ParsedLesson(
        number=number,
        slug=slug,
        title=title,
        minutes=lesson_minutes(words, declared=declared, exercise_minutes=exercise or 0),
        body_md=body_md,
        source_line_offset=first_line - 1,
        words=words,
    )


@dataclass
class _OptionDraft:
    line: int
    is_correct: bool
    text_lines: list[str]


def _parse_quiz(
    source: _Source, mask: list[bool], errors: list[CheckError], warnings: list[CheckWarning]
) -> ParsedQuiz | None:
    """Split quiz.md into an introduction and ``## `` questions (headings in code fences are text).

    Rules: each question has either task-list options (at least two, at least one ``[x]``) or
    ``=`` accepted answers, never both; a blockquote after the answers is the explanation; two
    questions with the same text are an error; a quiz needs at least one question; ``pick`` is at
    most the number of questions and at least the number of topics (``group:``), so every topic is
    drawn. Warnings: see ``_quiz_warnings``.
    """
    values = _validate_fields(source, QUIZ_FIELDS, errors)
    body = source.body
    starts = [index for index, line in enumerate(body) if not mask[index] and _H2_RE.fullmatch(line)]
    intro_md = _trim_block(body[: starts[0] if starts else len(body)], 1)[0]
    if not starts:
        errors.append(
            CheckError(
                source.display,
                1,
                "quiz.md belum berisi pertanyaan; tulis setiap pertanyaan sebagai judul '## ' "
                "diikuti pilihan '- [x] ...' / '- [ ] ...' atau jawaban '= ...'",
            )
        )
        return None
    questions: list[ParsedQuestion] = []
    seen_keys: dict[str, int] = {}
    ok = values is not None
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(body)
        key, question = _parse_question(source, start, end, mask, errors)
        line = source.line_of_body(start)
        if key in seen_keys:
            ok = False
            errors.append(
                CheckError(
                    source.display,
                    line,
                    f"pertanyaan ganda: isinya sama dengan pertanyaan di baris {seen_keys[key]}; "
                    "hapus salah satunya atau ubah kalimat pertanyaannya",
                )
            )
            continue
        seen_keys[key] = line
        if question is None:
            ok = False
            continue
        questions.append(question)
    pick = values.get("pick") if values else None
    if ok and pick is not None and pick > len(questions):
        ok = False
        errors.append(
            CheckError(
                source.display,
                source.key_lines["pick"],
                f"pick: {pick} lebih besar dari jumlah soal di kuis ini ({len(questions)}); turunkan pick "
                f"menjadi paling banyak {len(questions)}, atau tambahkan soal",
            )
        )
    groups = list(dict.fromkeys(q.group for q in questions if q.group))
    if ok and pick is not None and len(groups) > pick:
        ok = False
        errors.append(
            CheckError(
                source.display,
                source.key_lines["pick"],
                f"pick: {pick} lebih kecil dari jumlah topik (group:) di kuis ini ({len(groups)}), sehingga "
                f"tidak setiap topik dapat terwakili; ubah pick menjadi paling sedikit {len(groups)}, "
                "atau gabungkan topik",
            )
        )
    if not ok or values is None:
        return None
    quiz = ParsedQuiz(
        title=values.get("title"),
        passing_score=values.get("passing_score", 70),
        max_attempts=values.get("max_attempts", DEFAULT_MAX_ATTEMPTS),
        shuffle=values.get("shuffle", True),
        intro_md=intro_md,
        questions=questions,
        minutes=quiz_minutes(pick or len(questions), declared=values.get("minutes")),
        pick=pick,
        show_explanations=values.get("show_explanations", DEFAULT_REVEAL),
        show_correct_answers=values.get("show_correct_answers", DEFAULT_REVEAL),
        retry_after_minutes=values.get("retry_after_minutes", DEFAULT_RETRY_AFTER_MINUTES),
        time_limit_minutes=values.get("time_limit_minutes"),
    )
    warnings.extend(_quiz_warnings(source, quiz, declared_minutes=values.get("minutes")))
    return quiz


def _visible_length(option_md: str) -> int:
    """An option's length as a learner sees it: Markdown emphasis and code marks and extra spaces left out."""
    return len(normalise_answer(re.sub(r"[*_`~]", "", option_md)))


def _quiz_warnings(source: _Source, quiz: ParsedQuiz, *, declared_minutes: int | None) -> list[CheckWarning]:
    """What weakens a quiz as a test without making it wrong.

    - In more than half of its single-choice questions (when it has at least LONGEST_RIGHT_MIN_QUESTIONS),
      the right option is strictly the longest: a learner can pass by picking the longest option.
    - Its bank is smaller than twice what one attempt draws (``pick``, or every question): a retry
      meets (nearly) the same questions, so answers can be learnt by trying.
    - ``minutes`` is declared above OVERCLAIM_FACTOR times the estimate of one minute per question.
    """
    warnings: list[CheckWarning] = []
    single = [question for question in quiz.questions if question.kind == "single"]
    longest_right = [
        question
        for question in single
        if all(
            _visible_length(right.text_md) > _visible_length(other.text_md)
            for right in question.options
            if right.is_correct
            for other in question.options
            if not other.is_correct
        )
    ]
    if len(single) >= LONGEST_RIGHT_MIN_QUESTIONS and 2 * len(longest_right) > len(single):
        lines = ", ".join(str(question.line) for question in longest_right)
        warnings.append(
            CheckWarning(
                source.display,
                longest_right[0].line,
                f"pada {len(longest_right)} dari {len(single)} soal pilihan tunggal (baris {lines}) jawaban "
                "benar adalah pilihan yang paling panjang, sehingga peserta dapat menebak dari panjangnya "
                "saja; tulis pengecoh yang sama rinci dan masuk akal, atau persingkat jawaban yang benar",
            )
        )
    bank, drawn = len(quiz.questions), quiz.drawn
    if bank < 2 * drawn:
        if quiz.pick is None:
            warnings.append(
                CheckWarning(
                    source.display,
                    1,
                    f"setiap percobaan memakai semua {bank} soal yang sama, sehingga jawaban dapat dihafal "
                    "dari percobaan sebelumnya; tambahkan soal sampai bank berisi paling sedikit dua kali "
                    "jumlah soal per percobaan, lalu tulis pick di front matter, misalnya pick: "
                    f"{max(1, bank // 2)} untuk {bank} soal",
                )
            )
        else:
            fewer = f" atau turunkan pick menjadi {bank // 2}" if bank >= 2 else ""
            warnings.append(
                CheckWarning(
                    source.display,
                    source.key_lines["pick"],
                    f"bank soal berisi {bank} soal, kurang dari dua kali pick: {drawn} ({2 * drawn}), sehingga "
                    f"peserta yang mengulang bertemu soal yang hampir sama; tambahkan paling sedikit "
                    f"{2 * drawn - bank} soal lagi{fewer}",
                )
            )
    estimate = quiz_minutes(drawn)
    if declared_minutes is not None and declared_minutes > OVERCLAIM_FACTOR * estimate:
        warnings.append(
            CheckWarning(
                source.display,
                source.key_lines["minutes"],
                f"minutes: {declared_minutes} lebih dari {OVERCLAIM_FACTOR} kali perkiraan waktu kuis ini "
                f"(±{estimate} menit, {QUIZ_MINUTES_PER_QUESTION} menit untuk setiap soal yang dikerjakan); "
                "perkecil minutes sesuai lama pengerjaan yang wajar, kecuali soalnya memang menuntut membaca "
                "kasus atau menghitung",
            )
        )
    return warnings


def _parse_question(
    source: _Source, start: int, end: int, mask: list[bool], errors: list[CheckError]
) -> tuple[str, ParsedQuestion | None]:
    """Parse the lines ``start`` (the ``## `` heading) to ``end``; return its key and the question.

    The key is the first 12 hex digits of sha256 over the normalised heading and prompt body, so
    it survives reordering and changes of spacing or letter case; the question is None on errors.
    """
    heading_line = source.line_of_body(start)
    heading_match = _H2_RE.fullmatch(source.body[start])
    heading = heading_match.group(1).strip() if heading_match else ""
    label = f"'{heading[:60]}'" if heading else f"di baris {heading_line}"
    prompt_lines: list[str] = []
    options: list[_OptionDraft] = []
    accepted: list[tuple[int, str]] = []
    explanation: list[str] = []
    group: str | None = None
    state = "prompt"
    previous = "prompt"
    problems: list[CheckError] = []
    stray_reported = False

    def stray(line_number: int, message: str) -> None:
        nonlocal stray_reported
        if not stray_reported:
            problems.append(CheckError(source.display, line_number, message))
            stray_reported = True

    for index in range(start + 1, end):
        line = source.body[index]
        line_number = source.line_of_body(index)
        in_code = mask[index]
        option = None if in_code else _OPTION_RE.fullmatch(line)
        answer = None if in_code or option else _ACCEPTED_RE.fullmatch(line)
        quote = None if in_code else _QUOTE_RE.fullmatch(line)
        topic = (
            None if in_code or group is not None or any(p.strip() for p in prompt_lines) else _GROUP_RE.fullmatch(line)
        )
        if state == "prompt" and topic:
            group = topic.group(1)
            if not group:
                problems.append(
                    CheckError(
                        source.display,
                        line_number,
                        "group: kosong; tulis nama topik soal ini, misalnya 'group: Phishing', atau hapus barisnya",
                    )
                )
            elif len(group) > MAX_GROUP_LENGTH:
                problems.append(
                    CheckError(
                        source.display,
                        line_number,
                        f"nama topik terlalu panjang ({len(group)} huruf); persingkat menjadi paling banyak "
                        f"{MAX_GROUP_LENGTH} huruf",
                    )
                )
            continue
        if state == "prompt" and not option and not answer:
            prompt_lines.append(line)
            continue
        if option or answer:
            if state == "explanation":
                stray(
                    line_number,
                    f"jawaban pertanyaan {label} ditulis setelah penjelasan; pindahkan semua "
                    "pilihan atau jawaban ke atas penjelasan (baris '> ')",
                )
                continue
            state = "answers"
            if option:
                options.append(_OptionDraft(line_number, option.group(1) in "xX", [option.group(2) or ""]))
                previous = "option"
            elif answer:
                accepted.append((line_number, answer.group(1)))
                previous = "answer"
            continue
        if not line.strip():
            if state == "explanation":
                explanation.append("")
            previous = "blank-after-" + previous.removeprefix("blank-after-")
            continue
        if quote:
            state = "explanation"
            explanation.append(quote.group(1))
            previous = "quote"
            continue
        if state == "explanation" and previous == "quote":
            explanation.append(line)  # lazy continuation of the blockquote
            continue
        follows_option = previous in {"option", "continuation"}
        indented_after_gap = previous in {"blank-after-option", "blank-after-continuation"} and line[:1] in " \t"
        if state == "answers" and (follows_option or indented_after_gap):
            options[-1].text_lines.append(line.strip())
            previous = "continuation"
            continue
        stray(
            line_number,
            f"teks ini berada setelah jawaban pertanyaan {label}; pindahkan ke atas pilihan jawaban "
            "agar menjadi bagian soal, atau awali dengan '> ' agar menjadi penjelasan",
        )

    if not heading:
        problems.append(
            CheckError(
                source.display,
                heading_line,
                "pertanyaan tanpa kalimat; tulis pertanyaannya setelah '## ' di baris ini",
            )
        )
    if not options and not accepted:
        problems.append(
            CheckError(
                source.display,
                heading_line,
                f"pertanyaan {label} belum punya jawaban; tambahkan pilihan '- [x] benar' dan "
                "'- [ ] salah', atau jawaban singkat '= jawaban'",
            )
        )
    elif options and accepted:
        problems.append(
            CheckError(
                source.display,
                heading_line,
                f"pertanyaan {label} mencampur pilihan ('- [ ]') dan jawaban singkat ('='); pakai salah satu saja",
            )
        )
    elif options:
        if len(options) < 2:
            problems.append(
                CheckError(
                    source.display,
                    heading_line,
                    f"pertanyaan {label} baru punya satu pilihan; tambahkan paling sedikit satu "
                    "pilihan lagi, misalnya '- [ ] pilihan lain'",
                )
            )
        if not any(option.is_correct for option in options):
            problems.append(
                CheckError(
                    source.display,
                    heading_line,
                    f"pertanyaan {label} belum punya pilihan yang benar; tandai jawaban yang benar "
                    "dengan [x], misalnya '- [x] jawaban benar'",
                )
            )

    parsed_options: list[ParsedOption] = []
    option_lines: dict[str, int] = {}
    for draft in options:
        text = "\n".join(draft.text_lines).strip()
        if not text:
            problems.append(
                CheckError(
                    source.display,
                    draft.line,
                    "pilihan jawaban ini kosong; tulis teks pilihan setelah '[ ]' atau '[x]', atau hapus barisnya",
                )
            )
            continue
        key = _short_hash(normalise_answer(text))
        if key in option_lines:
            problems.append(
                CheckError(
                    source.display,
                    draft.line,
                    f"pilihan ini sama dengan pilihan di baris {option_lines[key]}; hapus salah satunya",
                )
            )
            continue
        option_lines[key] = draft.line
        parsed_options.append(ParsedOption(key=key, text_md=text, is_correct=draft.is_correct))
    accepted_answers: list[str] = []
    for line_number, text in accepted:
        if not normalise_short_answer(text):
            problems.append(
                CheckError(
                    source.display,
                    line_number,
                    "jawaban singkat ini kosong; tulis jawaban yang diterima setelah '=', "
                    "misalnya '= Semarang', atau hapus barisnya",
                )
            )
        elif normalise_short_answer(text) not in {normalise_short_answer(known) for known in accepted_answers}:
            accepted_answers.append(text)

    prompt_body = _trim_block(prompt_lines, 0)[0]
    key = _short_hash(normalise_answer(heading + "\n" + prompt_body))
    if problems:
        errors.extend(problems)
        return key, None
    prompt_md = heading + ("\n\n" + prompt_body if prompt_body else "")
    correct = sum(option.is_correct for option in parsed_options)
    kind: QuestionKind = "short" if accepted_answers else ("multiple" if correct > 1 else "single")
    return key, ParsedQuestion(
        key=key,
        kind=kind,
        prompt_md=prompt_md,
        options=parsed_options,
        accepted=accepted_answers,
        explanation_md=_trim_block(explanation, 0)[0],
        line=heading_line,
        group=group or None,
    )


# ---------------------------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------------------------


def _join(display: str, rel: str) -> str:
    if display in {"", "."}:
        return rel
    return display.rstrip("/\\") + "/" + rel


def _is_ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_NAMES


FILE, FOLDER, SYMLINK = "file", "folder", "symlink"


class ModuleFiles:
    """A module folder's files, wherever they are kept: the one checker reads a folder on disk and a
    module held in memory (the browser's draft, an uploaded ZIP) through these three methods."""

    def entries(self, rel: str) -> list[tuple[str, str]]:
        """(name, FILE/FOLDER/SYMLINK) of what sits in folder ``rel`` ("" is the module folder), sorted."""
        raise NotImplementedError

    def size(self, rel: str) -> int:
        raise NotImplementedError

    def read(self, rel: str) -> bytes:
        raise NotImplementedError


class DiskFiles(ModuleFiles):
    """A module folder on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def entries(self, rel: str) -> list[tuple[str, str]]:
        found = []
        for entry in sorted((self.folder / rel).iterdir()):
            kind = SYMLINK if entry.is_symlink() else FOLDER if entry.is_dir() else FILE
            found.append((entry.name, kind))
        return found

    def size(self, rel: str) -> int:
        return (self.folder / rel).stat().st_size

    def read(self, rel: str) -> bytes:
        return (self.folder / rel).read_bytes()


class MemoryFiles(ModuleFiles):
    """A module held as {relative path: bytes} (paths with '/', no leading '/'); folders are implied."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def entries(self, rel: str) -> list[tuple[str, str]]:
        prefix = f"{rel}/" if rel else ""
        found: dict[str, str] = {}
        for path in self.files:
            if not path.startswith(prefix):
                continue
            name, _, rest = path[len(prefix) :].partition("/")
            found[name] = FOLDER if rest else found.get(name, FILE)
        return sorted(found.items())

    def size(self, rel: str) -> int:
        return len(self.files[rel])

    def read(self, rel: str) -> bytes:
        return self.files[rel]


def _suggest_lesson_name(name: str) -> str:
    stem = name[: -len(".md")] if name.lower().endswith(".md") else name
    match = re.match(r"\s*(\d+)[\s._-]*(.*)", stem)
    if match:
        slug = _slugify(match.group(2)) or "judul-pelajaran"
        return f"{int(match.group(1)):02d}-{slug}.md"
    return f"01-{_slugify(stem) or 'judul-pelajaran'}.md (ganti 01 dengan nomor urutnya)"


def _collect_files(tree: ModuleFiles, display: str, errors: list[CheckError]) -> tuple[dict[str, str], dict[str, str]]:
    """List the module's files as (Markdown files at the top, every file) keyed by relative path.

    Rules: only module.md, quiz.md and ``NN-slug.md`` lessons may sit at the top with a media/
    folder beside them; everything else is an error saying where it belongs; hidden files are
    ignored; symbolic links are refused (they could pull in files from outside the folder).
    """
    markdown_files: dict[str, str] = {}
    all_files: dict[str, str] = {}
    for rel, kind in tree.entries(""):
        if _is_ignored(rel):
            continue
        if kind == SYMLINK:
            errors.append(
                CheckError(
                    _join(display, rel), 1, "tautan simbolik (symlink) tidak didukung; ganti dengan salinan berkasnya"
                )
            )
            continue
        if kind == FOLDER:
            if rel == MEDIA_DIR:
                _collect_media(tree, MEDIA_DIR, display, all_files, errors)
            else:
                errors.append(
                    CheckError(
                        _join(display, rel),
                        1,
                        f"folder '{rel}' tidak dikenal di dalam modul; pindahkan isinya ke folder media/ "
                        "(gambar dan berkas unduhan) atau hapus foldernya",
                    )
                )
            continue
        all_files[rel] = rel
        if rel in {MODULE_FILE, QUIZ_FILE} or LESSON_FILE_RE.fullmatch(rel):
            markdown_files[rel] = rel
        elif rel.lower().endswith(".md"):
            if rel.lower() in {MODULE_FILE, QUIZ_FILE}:
                advice = f"ganti namanya menjadi {rel.lower()} (huruf kecil semua)"
            else:
                advice = (
                    f"berkas pelajaran harus bernama NN-slug.md (nomor, tanda hubung, huruf kecil/angka/"
                    f"tanda hubung); ganti namanya, misalnya menjadi {_suggest_lesson_name(rel)}"
                )
            errors.append(CheckError(_join(display, rel), 1, f"nama berkas '{rel}' tidak sesuai aturan; {advice}"))
        else:
            errors.append(
                CheckError(
                    _join(display, rel),
                    1,
                    f"berkas '{rel}' tidak boleh berada di luar folder media/; pindahkan gambar dan "
                    "berkas unduhan ke folder media/, dan simpan pelajaran sebagai NN-slug.md",
                )
            )
    return markdown_files, all_files


def _collect_media(
    tree: ModuleFiles, rel: str, display: str, all_files: dict[str, str], errors: list[CheckError]
) -> None:
    for name, kind in tree.entries(rel):
        if _is_ignored(name):
            continue
        entry_rel = f"{rel}/{name}"
        if kind == SYMLINK:
            errors.append(
                CheckError(
                    _join(display, entry_rel),
                    1,
                    "tautan simbolik (symlink) tidak didukung; ganti dengan salinan berkasnya",
                )
            )
        elif kind == FOLDER:
            _collect_media(tree, entry_rel, display, all_files, errors)
        else:
            all_files[entry_rel] = entry_rel


def _content_hash(contents: dict[str, bytes]) -> str:
    """sha256 over every file's relative path and bytes, in path order: unchanged files, same hash."""
    digest = hashlib.sha256()
    for rel in sorted(contents):
        data = contents[rel]
        digest.update(rel.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def parse_module(folder: Path, display_path: str) -> tuple[ParsedModule | None, list[CheckError]]:
    """Parse and check one module folder; never raises for bad input.

    Returns the module and no errors, or None and every error found (sorted by file and line),
    each naming ``display_path`` joined with the file's path inside the folder. A module's
    warnings (which never stop it from loading) are on ``module.warnings``.
    """
    folder = Path(folder)
    slug = folder.resolve().name if folder.name in {"", "."} else folder.name
    return _parse_guarded(DiskFiles(folder), slug, str(display_path))


def parse_files(
    slug: str, files: dict[str, bytes], display_path: str | None = None
) -> tuple[ParsedModule | None, list[CheckError]]:
    """`parse_module` for a module held in memory, {relative path: bytes} (a draft, an uploaded ZIP):
    the same checker, the same messages, each naming ``display_path`` (the slug when not given)."""
    return _parse_guarded(MemoryFiles(files), slug, slug if display_path is None else display_path)


def _parse_guarded(tree: ModuleFiles, slug: str, display: str) -> tuple[ParsedModule | None, list[CheckError]]:
    errors: list[CheckError] = []
    try:
        module = _parse_module(tree, slug, display, errors)
    except Exception as exc:  # noqa: BLE001 — a trainer must see a message, never a traceback
        errors.append(
            CheckError(
                display,
                1,
                f"folder modul tidak dapat dibaca ({type(exc).__name__}: {exc}); periksa izin akses "
                "folder lalu coba lagi, atau laporkan pesan ini ke admin",
            )
        )
        module = None
    if errors:
        return None, sorted(errors)
    return module, []


def _parse_module(tree: ModuleFiles, slug: str, display: str, errors: list[CheckError]) -> ParsedModule | None:
    warnings: list[CheckWarning] = []
    if not SLUG_RE.fullmatch(slug):
        suggestion = _slugify(slug) or "nama-modul"
        errors.append(
            CheckError(
                display,
                1,
                f"nama folder modul '{slug}' tidak sesuai aturan (hanya huruf kecil, angka dan tanda "
                f"hubung); ganti nama foldernya, misalnya menjadi {suggestion}",
            )
        )
    markdown_files, all_files = _collect_files(tree, display, errors)
    contents: dict[str, bytes] = {}
    for rel in all_files:
        size = tree.size(rel)
        if size > MAX_FILE_BYTES:
            megabytes = f"{size / (1024 * 1024):.1f}".replace(".", ",")
            errors.append(
                CheckError(
                    _join(display, rel),
                    1,
                    f"berkas terlalu besar ({megabytes} MB, paling besar 1 MB); perkecil atau "
                    "kompres berkasnya (misalnya ubah ukuran gambar), atau pecah pelajaran menjadi beberapa berkas",
                )
            )
            continue
        contents[rel] = tree.read(rel)
        if rel.startswith(MEDIA_DIR + "/"):
            problem = check_media(rel, contents[rel])
            if problem:
                errors.append(CheckError(_join(display, rel), *problem))

    if MODULE_FILE not in all_files:
        errors.append(
            CheckError(
                _join(display, MODULE_FILE),
                1,
                "berkas module.md tidak ada di folder modul; buat module.md berisi front matter "
                "(title, summary, jp) dan pengantar modul",
            )
        )

    def load(rel: str) -> tuple[_Source, list[bool]] | None:
        if rel not in contents:
            return None
        text = _decode(contents[rel], _join(display, rel), errors)
        if text is None:
            return None
        source = _Source(rel=rel, display=_join(display, rel), lines=_split_lines(text))
        if not _read_front_matter(source, errors):
            return None
        mask = _fence_mask(source.body, source, errors)
        _check_links(source, mask, all_files, errors)
        return source, mask

    overview: dict[str, Any] | None = None
    loaded = _guarded(_join(display, MODULE_FILE), errors, load, MODULE_FILE)
    if loaded:
        overview = _guarded(loaded[0].display, errors, _parse_overview, loaded[0], errors)

    lessons: list[ParsedLesson] = []
    numbers: dict[int, str] = {}
    slugs: dict[str, str] = {}
    lesson_names = sorted(
        (rel for rel in markdown_files if rel not in {MODULE_FILE, QUIZ_FILE}),
        key=lambda rel: (int(rel.split("-", 1)[0]), rel),
    )
    for rel in lesson_names:
        match = LESSON_FILE_RE.fullmatch(rel)
        assert match is not None  # _collect_files keeps only matching names
        number, lesson_slug = int(match.group(1)), match.group(2)
        if number in numbers:
            errors.append(
                CheckError(
                    _join(display, rel),
                    1,
                    f"nomor pelajaran {number} sudah dipakai oleh {numbers[number]}; ganti nomor di "
                    "nama berkas ini agar setiap pelajaran punya nomor sendiri",
                )
            )
        elif lesson_slug in slugs:
            errors.append(
                CheckError(
                    _join(display, rel),
                    1,
                    f"nama pelajaran '{lesson_slug}' sudah dipakai oleh {slugs[lesson_slug]}; ganti "
                    "bagian nama setelah nomor agar berbeda",
                )
            )
        numbers.setdefault(number, rel)
        slugs.setdefault(lesson_slug, rel)
        loaded_lesson = _guarded(_join(display, rel), errors, load, rel)
        if loaded_lesson:
            source, mask = loaded_lesson
            lesson = _guarded(
                source.display, errors, _parse_lesson, source, number, lesson_slug, mask, errors, warnings
            )
            if lesson:
                lessons.append(lesson)
    if not lesson_names and MODULE_FILE in all_files:
        errors.append(
            CheckError(
                _join(display, MODULE_FILE),
                1,
                "modul belum punya pelajaran; tambahkan paling sedikit satu berkas pelajaran, "
                "misalnya 01-pengantar.md, di folder modul",
            )
        )

    quiz: ParsedQuiz | None = None
    if QUIZ_FILE in markdown_files:
        loaded_quiz = _guarded(_join(display, QUIZ_FILE), errors, load, QUIZ_FILE)
        if loaded_quiz:
            quiz = _guarded(
                loaded_quiz[0].display, errors, _parse_quiz, loaded_quiz[0], loaded_quiz[1], errors, warnings
            )

    if errors or overview is None:
        return None
    assert loaded is not None  # overview came from it
    _check_jp(loaded[0], overview["jp"], lessons, quiz, errors)
    if errors:
        return None
    return ParsedModule(
        slug=slug,
        title=overview["title"],
        summary=overview["summary"],
        jp=overview["jp"],
        category=overview.get("category"),
        level=overview.get("level"),
        tags=[tag.strip() for tag in overview.get("tags", [])],
        published=overview.get("published", True),
        certificate_valid_months=overview.get("certificate_valid_months"),
        jp_repeatable=overview.get("jp_repeatable", True),
        overview_md=overview["overview_md"],
        lessons=lessons,
        quiz=quiz,
        media={rel: data for rel, data in contents.items() if rel.startswith(MEDIA_DIR + "/")},
        content_hash=_content_hash(contents),
        warnings=sorted(warnings),
        files=contents,
    )


def _check_jp(
    source: _Source, jp: int, lessons: list[ParsedLesson], quiz: ParsedQuiz | None, errors: list[CheckError]
) -> None:
    """A module's jp × 45 may exceed its lessons' and quiz's expected minutes by JP_TOLERANCE_PERCENT at most.

    The error sits on module.md's ``jp:`` line and names both figures and the honest jp.
    """
    lesson_total = sum(lesson.minutes for lesson in lessons)
    quiz_total = quiz.minutes if quiz else 0
    held = lesson_total + quiz_total
    if held >= jp_minimum_minutes(jp):
        return
    honest = jp_supported(held)
    parts = f"pelajaran {lesson_total} menit" + (f", kuis {quiz_total} menit" if quiz else ", tanpa kuis")
    if honest:
        fix = f"turunkan jp menjadi {honest}, atau tambahkan isi yang benar-benar dikerjakan peserta"
    else:
        fix = (
            f"isi modul belum cukup untuk 1 JP (paling sedikit {jp_minimum_minutes(1)} menit); tambahkan isi "
            "yang benar-benar dikerjakan peserta"
        )
    errors.append(
        CheckError(
            source.display,
            source.key_lines.get("jp", 1),
            f"jp: {jp} berarti {jp * JP_MINUTES} menit belajar ({jp} × {JP_MINUTES} menit), tetapi pelajaran dan "
            f"kuis modul ini hanya memuat ±{held} menit ({parts}), kurang dari batas {jp_minimum_minutes(jp)} "
            f"menit (toleransi {JP_TOLERANCE_PERCENT}%); {fix} (pelajaran baru, latihan dengan exercise_minutes, "
            "atau soal kuis)",
        )
    )


def _guarded(display_file: str, errors: list[CheckError], function: Callable[..., T], *args: Any) -> T | None:
    """Run ``function(*args)``; an unexpected exception becomes a CheckError on ``display_file``."""
    try:
        return function(*args)
    except Exception as exc:  # noqa: BLE001 — a trainer must see a message, never a traceback
        errors.append(
            CheckError(
                display_file,
                1,
                f"berkas ini tidak dapat diproses ({type(exc).__name__}: {exc}); periksa isinya, "
                "dan laporkan pesan ini ke admin bila masalahnya tidak terlihat",
            )
        )
        return None


def _looks_like_module(folder: Path) -> bool:
    if (folder / MODULE_FILE).is_file() or (folder / QUIZ_FILE).is_file():
        return True
    return any(LESSON_FILE_RE.fullmatch(entry.name) for entry in folder.iterdir() if entry.is_file())


def check_tree(path: str | Path) -> tuple[list[ParsedModule], list[CheckError]]:
    """Parse and check a content folder (each subfolder a module) or a single module folder.

    A folder holding module.md (or lesson files or quiz.md) is one module; otherwise each
    non-hidden subfolder is a module and loose files at the top are ignored. Errors carry ``path``
    as given joined with the file's path inside it; never raises for bad input.
    """
    display = str(path)
    display = display.rstrip("/\\") or display
    root = Path(path)
    try:
        if not root.exists():
            return [], [CheckError(display, 1, "folder tidak ditemukan; periksa lagi nama dan letak foldernya")]
        if not root.is_dir():
            return [], [
                CheckError(display, 1, "ini sebuah berkas, bukan folder; tulis folder konten atau folder modulnya")
            ]
        if _looks_like_module(root):
            module, errors = parse_module(root, display)
            return ([module] if module else []), errors
        children = [entry for entry in sorted(root.iterdir()) if entry.is_dir() and not _is_ignored(entry.name)]
    except OSError as exc:
        return [], [CheckError(display, 1, f"folder tidak dapat dibaca ({exc}); periksa izin akses foldernya")]
    modules: list[ParsedModule] = []
    errors: list[CheckError] = []
    for child in children:
        module, module_errors = parse_module(child, _join(display, child.name))
        errors.extend(module_errors)
        if module:
            modules.append(module)
    return modules, errors
