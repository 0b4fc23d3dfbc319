"""Migration 0007: lessons and quizzes synced before get their expected minutes; none is ever empty again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.database import TZDateTime, utcnow
from lms.extensions import db
from tests.test_migrations import _keep_logging, app_on, empty_pg_database  # noqa: F401 - fixtures

BEFORE = "0006_user_anonymised"
WORDS_360 = "<p>" + "kata " * 360 + "</p>"  # two minutes at 180 words a minute

modules = sa.table(
    "modules",
    *(sa.column(name) for name in ("id", "slug", "title", "summary", "jp", "overview_html", "content_hash")),
    *(sa.column(name, sa.Boolean) for name in ("is_published", "is_archived")),
    *(sa.column(name) for name in ("estimated_minutes", "lesson_count", "question_count", "version")),
    sa.column("tags", sa.JSON),
    sa.column("synced_at", TZDateTime()),
    sa.column("created_at", TZDateTime()),
)
lessons = sa.table(
    "lessons",
    *(sa.column(name) for name in ("id", "module_id", "slug", "position", "title", "duration_minutes", "html")),
    sa.column("is_archived", sa.Boolean),
    sa.column("updated_at", TZDateTime()),
)
quizzes = sa.table(
    "quizzes",
    *(sa.column(name) for name in ("id", "module_id", "title", "passing_score", "max_attempts", "intro_html")),
    *(sa.column(name, sa.Boolean) for name in ("shuffle", "is_archived")),
)
questions = sa.table(
    "questions",
    *(sa.column(name) for name in ("id", "quiz_id", "key", "position", "kind", "prompt_html", "explanation_html")),
    sa.column("accepted", sa.JSON),
    sa.column("is_archived", sa.Boolean),
)
users = sa.table(
    "users",
    *(sa.column(name) for name in ("id", "nip", "name", "employee_type", "session_version")),
    *(sa.column(name, sa.Boolean) for name in ("is_active", "must_change_password")),
    sa.column("created_at", TZDateTime()),
)
progress = sa.table(
    "lesson_progress", sa.column("user_id"), sa.column("lesson_id"), sa.column("completed_at", TZDateTime())
)


def module_row(module_id: int, slug: str) -> dict:
    now = utcnow()
    return dict(
        id=module_id, slug=slug, title=slug, summary="-", jp=1, overview_html="", content_hash="0" * 64,
        is_published=True, is_archived=False, estimated_minutes=99, lesson_count=3, question_count=3, version=1,
        tags=[], synced_at=now, created_at=now,
    )  # fmt: skip


def lesson_row(lesson_id: int, module_id: int, minutes: int | None, html: str | None, archived: bool = False) -> dict:
    return dict(
        id=lesson_id, module_id=module_id, slug=f"p{lesson_id}", position=lesson_id, title="P",
        duration_minutes=minutes, html=html, is_archived=archived, updated_at=utcnow(),
    )  # fmt: skip


def question_row(question_id: int, archived: bool = False) -> dict:
    return dict(
        id=question_id, quiz_id=1, key=f"k{question_id}", position=question_id, kind="short", prompt_html="?",
        explanation_html="", accepted=["a"], is_archived=archived,
    )  # fmt: skip


def check_backfill(url: str) -> None:
    application = app_on(url)
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
        with application.app_context(), db.engine.begin() as conn:
            conn.execute(modules.insert(), [module_row(1, "dengan-kuis"), module_row(2, "tanpa-pelajaran")])
            conn.execute(
                lessons.insert(),
                [
                    lesson_row(1, 1, None, WORDS_360),  # estimated: 2 minutes
                    lesson_row(2, 1, 7, "<p>pendek</p>"),  # declared before: kept
                    lesson_row(3, 1, None, None, archived=True),  # no text: 1 minute, and not in the sum
                ],
            )
            conn.execute(
                quizzes.insert(),
                dict(id=1, module_id=1, title="Kuis", passing_score=70, max_attempts=0, intro_html="", shuffle=True,
                     is_archived=False),
            )  # fmt: skip
            conn.execute(questions.insert(), [question_row(1), question_row(2), question_row(3, archived=True)])
            conn.execute(
                users.insert(),
                dict(id=1, nip="198609262015051001", name="Siti", employee_type="PNS", session_version=1,
                     is_active=True, must_change_password=False, created_at=utcnow()),
            )  # fmt: skip
            conn.execute(progress.insert(), dict(user_id=1, lesson_id=1, completed_at=utcnow()))

        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output + repr(result.exception)

        with application.app_context(), db.engine.begin() as conn:
            minutes = dict(conn.execute(sa.select(lessons.c.id, lessons.c.duration_minutes)).all())
            assert minutes == {1: 2, 2: 7, 3: 1}
            assert conn.execute(sa.text("SELECT duration_minutes FROM quizzes")).scalar_one() == 2
            estimated = dict(conn.execute(sa.select(modules.c.id, modules.c.estimated_minutes)).all())
            assert estimated == {1: 2 + 7 + 2, 2: 99}  # a module without lessons keeps its figure
            # the lessons table was rebuilt on SQLite: the progress pointing at it is still there
            assert conn.execute(sa.text("SELECT count(*) FROM lesson_progress")).scalar_one() == 1
        for bad in (None, 0):
            with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(lessons.insert(), lesson_row(9, 1, bad, "<p>x</p>"))
        with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE quizzes SET duration_minutes = 0"))
    finally:
        with application.app_context():
            db.engine.dispose()


def test_rows_synced_before_get_their_minutes_on_sqlite(tmp_path):
    check_backfill(f"sqlite:///{tmp_path / 'sebelum.sqlite'}")


@pytest.mark.postgres
def test_rows_synced_before_get_their_minutes_on_postgresql(empty_pg_database):  # noqa: F811 - the fixture
    check_backfill(empty_pg_database)
