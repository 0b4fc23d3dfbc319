"""Migration 0010: quizzes synced before get a credential's reveal and cooldown settings and keep their
attempts; question topics and granted attempts have their columns; the new rules are schema constraints."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.database import utcnow
from lms.extensions import db
from tests.content.test_minutes_migration import module_row, modules, question_row, questions, users
from tests.test_migrations import _keep_logging, app_on, empty_pg_database  # noqa: F401 - fixtures

# The modules table as it stands before this migration: 0008 (what counts toward JP) added jp_repeatable.
modules_since_0008 = sa.table(
    "modules", *(sa.column(c.name, c.type) for c in modules.columns), sa.column("jp_repeatable", sa.Boolean)
)
BEFORE = "0009_time_on_task"

quizzes = sa.table(
    "quizzes",
    *(sa.column(name) for name in ("id", "module_id", "title", "passing_score", "max_attempts", "intro_html")),
    *(sa.column(name, sa.Boolean) for name in ("shuffle", "is_archived")),
    sa.column("duration_minutes"),
)


def check_upgrade(url: str) -> None:
    application = app_on(url)
    runner = application.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
        with application.app_context(), db.engine.begin() as conn:
            conn.execute(modules_since_0008.insert(), [dict(module_row(1, "lama"), jp_repeatable=True)])
            conn.execute(
                quizzes.insert(),
                dict(id=1, module_id=1, title="Kuis", passing_score=70, max_attempts=0, intro_html="", shuffle=True,
                     is_archived=False, duration_minutes=3),
            )  # fmt: skip
            conn.execute(questions.insert(), [question_row(1), question_row(2)])
            conn.execute(
                users.insert(),
                dict(id=1, nip="198609262015051001", name="Siti", employee_type="PNS", session_version=1,
                     is_active=True, must_change_password=False, created_at=utcnow()),
            )  # fmt: skip

        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output + repr(result.exception)

        with application.app_context(), db.engine.begin() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT max_attempts, retry_after_minutes, time_limit_minutes, pick, show_explanations,"
                    " show_correct_answers FROM quizzes"
                )
            ).one()
            assert tuple(row) == (0, 30, None, None, "after_pass", "after_pass")
            assert conn.execute(sa.text("SELECT count(*) FROM questions WHERE group_name IS NULL")).scalar_one() == 2
        for bad in ("show_explanations = 'kadang'", "retry_after_minutes = -1", "pick = 0", "time_limit_minutes = 0"):
            with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(sa.text(f"UPDATE quizzes SET {bad}"))
        grant = sa.text(
            "INSERT INTO quiz_attempt_grants (user_id, quiz_id, extra, reason, granted_at)"
            " VALUES (1, 1, :extra, 'x', :now)"
        )
        with application.app_context(), db.engine.begin() as conn:
            conn.execute(grant, {"extra": 2, "now": utcnow()})
        for extra in (0, 11):
            with application.app_context(), pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(grant, {"extra": extra, "now": utcnow()})
        assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    finally:
        with application.app_context():
            db.engine.dispose()


def test_quizzes_synced_before_get_the_credential_settings_on_sqlite(tmp_path):
    check_upgrade(f"sqlite:///{tmp_path / 'sebelum.sqlite'}")


@pytest.mark.postgres
def test_quizzes_synced_before_get_the_credential_settings_on_postgresql(empty_pg_database):  # noqa: F811
    check_upgrade(empty_pg_database)
