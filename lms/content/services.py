"""Sync checked modules into the database: idempotent, versioned, and never losing learner data."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import select

from lms.content.media import OPAQUE_CONTENT_TYPE, sniff
from lms.content.models import Lesson, MediaBlob, Module, ModuleMedia, Option, Question, Quiz
from lms.content.parse import LESSON_FILE_RE, CheckWarning, ParsedModule, ParsedQuiz, normalise_answer
from lms.content.render import render_markdown
from lms.database import utcnow
from lms.extensions import db

LESSON_URL = "/modul/{module}/pelajaran/{lesson}"
MEDIA_URL = "/media/{sha}/{name}"
_OUTER_P = re.compile(r"\A<p>(.*)</p>\Z", re.S)


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    #: The checker's warnings on the synced modules: loaded anyway, worth a trainer's look.
    warnings: list[CheckWarning] = field(default_factory=list)


class _UrlRewriter:
    """Relative links in a module: media files → content-addressed URLs, lesson files → lesson pages."""

    def __init__(self, module_slug: str, media_sha: dict[str, str]) -> None:
        self.module_slug = module_slug
        self.media_sha = media_sha

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        path = posixpath.normpath(unquote(parts.path)).lstrip("./") if parts.path else ""
        suffix = f"#{parts.fragment}" if parts.fragment else ""
        if path in self.media_sha:
            return MEDIA_URL.format(sha=self.media_sha[path], name=quote(posixpath.basename(path))) + suffix
        match = LESSON_FILE_RE.fullmatch(path)
        if match:
            return LESSON_URL.format(module=self.module_slug, lesson=match.group(2)) + suffix
        return url


def render_inline(text: str) -> str:
    """Markdown for a short piece (an option): the outer paragraph is dropped."""
    html = render_markdown(text).strip()
    match = _OUTER_P.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def sync_modules(parsed: Iterable[ParsedModule], *, archive_missing: bool, keep: Iterable[str] = ()) -> SyncReport:
    """Load checked modules in the caller's transaction; unchanged modules (same hash) are skipped.

    Rules: lessons are matched by slug and questions by key, so progress survives edits and
    reordering; what disappeared is archived, never deleted; the module version goes up on every
    change. With `archive_missing`, modules whose folder is gone are archived too, except those in `keep`
    (modules written in the browser, which have no folder). Each lesson and
    quiz keeps its expected minutes (the checker's), the module their sum.
    """
    report = SyncReport()
    existing = {m.slug: m for m in db.session.scalars(select(Module))}
    seen: set[str] = set()
    for pm in parsed:
        seen.add(pm.slug)
        report.warnings.extend(pm.warnings)
        module = existing.get(pm.slug)
        if module is not None and module.content_hash == pm.content_hash and not module.is_archived:
            report.unchanged.append(pm.slug)
            continue
        if module is None:
            module = Module(slug=pm.slug, version=1, content_hash=pm.content_hash)
            db.session.add(module)
            report.added.append(pm.slug)
        else:
            module.version += 1
            report.updated.append(pm.slug)
        _apply_module(module, pm)
    if archive_missing:
        kept = set(keep)
        for slug, module in existing.items():
            if slug not in seen and slug not in kept and not module.is_archived:
                module.is_archived = True
                module.synced_at = utcnow()
                report.archived.append(slug)
    db.session.flush()
    return report


def store_blobs(media: dict[str, bytes]) -> dict[str, str]:
    """Store each file once by its SHA-256, typed by its bytes (the checker let only allowed types through);
    returns {path: sha256}. Content-addressed rows are never wrong to keep."""
    shas: dict[str, str] = {}
    for path, data in sorted(media.items()):
        sha = hashlib.sha256(data).hexdigest()
        shas[path] = sha
        media_type = sniff(data)
        content_type = media_type.content_type if media_type else OPAQUE_CONTENT_TYPE
        blob = db.session.get(MediaBlob, sha)
        if blob is None:
            db.session.add(MediaBlob(sha256=sha, content_type=content_type, size=len(data), data=data))
        elif blob.content_type != content_type:
            blob.content_type = content_type  # a row stored by its name before types were checked
    db.session.flush()
    return shas


def _store_media(module: Module, media: dict[str, bytes]) -> dict[str, str]:
    """Store each file once by its SHA-256 and point the module's paths at them."""
    shas = store_blobs(media)
    rows = {row.path: row for row in db.session.scalars(select(ModuleMedia).where(ModuleMedia.module_id == module.id))}
    for path, row in rows.items():
        if path not in shas:
            db.session.delete(row)
    for path, sha in shas.items():
        if path in rows:
            rows[path].sha256 = sha
        else:
            db.session.add(ModuleMedia(module_id=module.id, path=path, sha256=sha))
    return shas


def _apply_module(module: Module, pm: ParsedModule) -> None:
    module.title = pm.title
    module.summary = pm.summary
    module.jp = pm.jp
    module.category = pm.category
    module.level = pm.level
    module.tags = list(pm.tags)
    module.is_published = pm.published
    module.is_archived = False
    module.certificate_valid_months = pm.certificate_valid_months
    module.jp_repeatable = pm.jp_repeatable
    module.content_hash = pm.content_hash
    module.synced_at = utcnow()
    db.session.flush()  # the module needs its id for media rows
    shas = _store_media(module, pm.media)
    rewrite = _UrlRewriter(pm.slug, shas)
    render = lambda text: render_markdown(text, url_rewriter=rewrite)  # noqa: E731
    module.overview_html = render(pm.overview_md)

    lessons = {lesson.slug: lesson for lesson in module.lessons}
    present: set[str] = set()
    for position, pl in enumerate(pm.lessons, start=1):
        present.add(pl.slug)
        lesson = lessons.get(pl.slug)
        if lesson is None:
            lesson = Lesson(slug=pl.slug)
            module.lessons.append(lesson)
        lesson.position = position
        lesson.title = pl.title
        lesson.duration_minutes = pl.minutes
        lesson.html = render(pl.body_md)
        lesson.is_archived = False
        lesson.updated_at = utcnow()
    for slug, lesson in lessons.items():
        if slug not in present:
            lesson.is_archived = True
            lesson.position = 1000 + lesson.position if lesson.position < 1000 else lesson.position
    module.lesson_count = len(pm.lessons)
    module.estimated_minutes = pm.expected_minutes
    module.question_count = len(pm.quiz.questions) if pm.quiz else 0
    _apply_quiz(module, pm.quiz, render)


def _apply_quiz(module: Module, pq: ParsedQuiz | None, render) -> None:
    quiz = module.quiz
    if pq is None:
        if quiz is not None:
            quiz.is_archived = True
        return
    if quiz is None:
        quiz = Quiz(module=module)
        db.session.add(quiz)
    quiz.title = pq.title or "Kuis"
    quiz.passing_score = pq.passing_score
    quiz.max_attempts = pq.max_attempts
    quiz.retry_after_minutes = pq.retry_after_minutes
    quiz.time_limit_minutes = pq.time_limit_minutes
    quiz.pick = pq.pick
    quiz.show_explanations = pq.show_explanations
    quiz.show_correct_answers = pq.show_correct_answers
    quiz.shuffle = pq.shuffle
    quiz.duration_minutes = pq.minutes
    quiz.intro_html = render(pq.intro_md)
    quiz.is_archived = False
    questions = {q.key: q for q in quiz.questions}
    present: set[str] = set()
    for position, pq_question in enumerate(pq.questions, start=1):
        present.add(pq_question.key)
        question = questions.get(pq_question.key)
        if question is None:
            question = Question(key=pq_question.key)
            quiz.questions.append(question)
        question.position = position
        question.kind = pq_question.kind
        question.prompt_html = render(pq_question.prompt_md)
        question.explanation_html = render(pq_question.explanation_md) if pq_question.explanation_md else ""
        question.accepted = [normalise_answer(a) for a in pq_question.accepted]
        question.group_name = pq_question.group
        question.is_archived = False
        _apply_options(question, pq_question.options)
    for key, question in questions.items():
        if key not in present:
            question.is_archived = True


def _apply_options(question: Question, parsed_options) -> None:
    """Options are updated in place by key (a delete and an insert of one key would clash)."""
    current = {option.key: option for option in question.options}
    wanted = {o.key for o in parsed_options}
    for option in list(question.options):
        if option.key not in wanted:
            question.options.remove(option)
    for position, po in enumerate(parsed_options, start=1):
        option = current.get(po.key)
        if option is None:
            option = Option(key=po.key)
            question.options.append(option)
        option.position = position
        option.html = render_inline(po.text_md)
        option.is_correct = po.is_correct
