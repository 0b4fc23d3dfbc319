"""time on task: her reading time per lesson, the lesson she has open, and the time a completion records

`lesson_times` accumulates seconds per (user, lesson); `lesson_visits` holds, per user, the lesson she
opened last and when (the start of the interval her next lesson request credits). `completions` gains
`engaged_seconds` and `expected_minutes`, left empty for completions recorded before (not measured).

Revision ID: 0009_time_on_task
Revises: 0008_jp_rules
Create Date: 2026-12-04 22:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0009_time_on_task"
down_revision = "0008_jp_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lesson_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seconds >= 0", name=op.f("ck_lesson_times_seconds_nonnegative")),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"], name=op.f("fk_lesson_times_lesson_id_lessons"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lesson_times_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_times")),
        sa.UniqueConstraint("user_id", "lesson_id", name=op.f("uq_lesson_times_user_id_lesson_id")),
    )
    with op.batch_alter_table("lesson_times", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_times_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "lesson_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"], name=op.f("fk_lesson_visits_lesson_id_lessons"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lesson_visits_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_lesson_visits")),
    )
    with op.batch_alter_table("lesson_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_visits_lesson_id"), ["lesson_id"], unique=False)

    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engaged_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("expected_minutes", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_completions_engaged_seconds_nonnegative"), "engaged_seconds IS NULL OR engaged_seconds >= 0"
        )


def downgrade():
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_completions_engaged_seconds_nonnegative"), type_="check")
        batch_op.drop_column("expected_minutes")
        batch_op.drop_column("engaged_seconds")
    with op.batch_alter_table("lesson_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_visits_lesson_id"))
    op.drop_table("lesson_visits")
    with op.batch_alter_table("lesson_times", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_times_lesson_id"))
    op.drop_table("lesson_times")
