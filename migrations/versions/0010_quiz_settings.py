"""quizzes that test: reveal settings, cooldown, time limit, draw size, question topics, extra attempts granted

`quizzes` gains `show_explanations` and `show_correct_answers` (existing rows: after_pass), `retry_after_minutes`
(existing rows: 30), `time_limit_minutes` and `pick` (existing rows: none, i.e. no limit and the whole bank);
`max_attempts` is left as synced until the next `flask content sync` of the module. `questions` gains
`group_name` (the `group:` topic). `quiz_attempt_grants` records extra attempts granted to one learner.

Revision ID: 0010_quiz_settings
Revises: 0009_time_on_task
Create Date: 2026-12-04 22:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0010_quiz_settings"
down_revision = "0009_time_on_task"
branch_labels = None
depends_on = None

REVEAL = "('never', 'after_pass', 'after_last_attempt', 'always')"


def upgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_after_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("time_limit_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pick", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("show_explanations", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("show_correct_answers", sa.String(length=20), nullable=True))
    quizzes = sa.table(
        "quizzes",
        sa.column("retry_after_minutes", sa.Integer),
        sa.column("show_explanations", sa.String),
        sa.column("show_correct_answers", sa.String),
    )
    op.execute(
        quizzes.update().values(
            retry_after_minutes=30, show_explanations="after_pass", show_correct_answers="after_pass"
        )
    )
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.alter_column("retry_after_minutes", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("show_explanations", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("show_correct_answers", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(op.f("ck_quizzes_retry_after_nonnegative"), "retry_after_minutes >= 0")
        batch_op.create_check_constraint(
            op.f("ck_quizzes_time_limit_positive"), "time_limit_minutes IS NULL OR time_limit_minutes >= 1"
        )
        batch_op.create_check_constraint(op.f("ck_quizzes_pick_positive"), "pick IS NULL OR pick >= 1")
        batch_op.create_check_constraint(op.f("ck_quizzes_show_explanations_known"), f"show_explanations IN {REVEAL}")
        batch_op.create_check_constraint(
            op.f("ck_quizzes_show_correct_answers_known"), f"show_correct_answers IN {REVEAL}"
        )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_name", sa.String(length=100), nullable=True))
    op.create_table(
        "quiz_attempt_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", lms.database.TZDateTime(), nullable=False),
        sa.CheckConstraint("extra BETWEEN 1 AND 10", name=op.f("ck_quiz_attempt_grants_extra_range")),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_quiz_attempt_grants_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_attempt_grants_quiz_id_quizzes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quiz_attempt_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt_grants")),
    )
    with op.batch_alter_table("quiz_attempt_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_attempt_grants_quiz_id"), ["quiz_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_attempt_grants_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quiz_attempt_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_grants_quiz_id"))
    op.drop_table("quiz_attempt_grants")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("group_name")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        for name in ("show_correct_answers_known", "show_explanations_known", "pick_positive", "time_limit_positive"):
            batch_op.drop_constraint(op.f(f"ck_quizzes_{name}"), type_="check")
        batch_op.drop_constraint(op.f("ck_quizzes_retry_after_nonnegative"), type_="check")
        for column in (
            "show_correct_answers",
            "show_explanations",
            "pick",
            "time_limit_minutes",
            "retry_after_minutes",
        ):
            batch_op.drop_column(column)
