"""lessons and quizzes: the expected minutes of each, never empty (the basis of a module's JP and of time on task)

`lessons.duration_minutes` becomes required and `quizzes.duration_minutes` is added. Rows synced before
get an estimate: a lesson without declared minutes its stored text's words at 180 words a minute, a quiz
one minute per question; a module's `estimated_minutes` becomes its lessons' and quiz's sum. The next
`flask content sync` of a changed module replaces these with the checker's figures.

Revision ID: 0007_expected_minutes
Revises: 0006_user_anonymised
Create Date: 2026-12-03 20:00:00.000000

"""

import math
import re

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0007_expected_minutes"
down_revision = "0006_user_anonymised"
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must not change when the checker's figures do.
WORDS_PER_MINUTE = 180
_TAG = re.compile(r"<[^>]*>")

# Batch mode rebuilds `lessons` and `quizzes` on SQLite; env.py turns foreign keys off while migrating, so the
# progress rows that point at lessons survive the rebuild (and are checked afterwards).


def _reading_minutes(html: str | None) -> int:
    words = sum(1 for piece in _TAG.sub(" ", html or "").split() if any(char.isalnum() for char in piece))
    return max(1, math.floor(words / WORDS_PER_MINUTE + 0.5))


def _backfill(bind) -> None:
    lessons = sa.table(
        "lessons",
        sa.column("id", sa.Integer),
        sa.column("module_id", sa.Integer),
        sa.column("duration_minutes", sa.Integer),
        sa.column("html", sa.Text),
        sa.column("is_archived", sa.Boolean),
    )
    quizzes = sa.table(
        "quizzes",
        sa.column("id", sa.Integer),
        sa.column("module_id", sa.Integer),
        sa.column("duration_minutes", sa.Integer),
        sa.column("is_archived", sa.Boolean),
    )
    questions = sa.table("questions", sa.column("quiz_id", sa.Integer), sa.column("is_archived", sa.Boolean))
    modules = sa.table("modules", sa.column("id", sa.Integer), sa.column("estimated_minutes", sa.Integer))

    for lesson_id, html in bind.execute(
        sa.select(lessons.c.id, lessons.c.html).where(lessons.c.duration_minutes.is_(None))
    ).all():
        bind.execute(lessons.update().where(lessons.c.id == lesson_id).values(duration_minutes=_reading_minutes(html)))
    counts = dict(
        bind.execute(
            sa.select(questions.c.quiz_id, sa.func.count())
            .where(questions.c.is_archived == sa.false())
            .group_by(questions.c.quiz_id)
        ).all()
    )
    for (quiz_id,) in bind.execute(sa.select(quizzes.c.id)).all():
        bind.execute(
            quizzes.update().where(quizzes.c.id == quiz_id).values(duration_minutes=max(1, counts.get(quiz_id, 0)))
        )
    lesson_minutes = dict(
        bind.execute(
            sa.select(lessons.c.module_id, sa.func.sum(lessons.c.duration_minutes))
            .where(lessons.c.is_archived == sa.false())
            .group_by(lessons.c.module_id)
        ).all()
    )
    quiz_minutes = dict(
        bind.execute(
            sa.select(quizzes.c.module_id, quizzes.c.duration_minutes).where(quizzes.c.is_archived == sa.false())
        ).all()
    )
    for module_id, minutes in lesson_minutes.items():
        total = int(minutes) + int(quiz_minutes.get(module_id, 0))
        bind.execute(modules.update().where(modules.c.id == module_id).values(estimated_minutes=total))


def upgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.alter_column("duration_minutes", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_lessons_duration_positive"), "duration_minutes >= 1")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.alter_column("duration_minutes", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_quizzes_duration_positive"), "duration_minutes >= 1")


def downgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_quizzes_duration_positive"), type_="check")
        batch_op.drop_column("duration_minutes")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lessons_duration_positive"), type_="check")
        batch_op.alter_column("duration_minutes", existing_type=sa.Integer(), nullable=True)
