"""completions and modules: what counts toward JP, and recertification

`completions` gains `cycle` (a learner completes a module once per cycle; the unique key becomes
(user, module, cycle)), `valid_until` (when the completion's validity ends, from the module's
`certificate_valid_months`), `voided_at` (declared invalid) and `jp_exclusion` (why it earns no JP;
NULL: it counts). `modules` gains `jp_repeatable` (default true). `enrolments` gains `cycle_started_at`
(when she began the module again; NULL in her first cycle).

Rows from before: every completion is cycle 1; its `valid_until` is its original certificate's; a
completion whose certificate in force was revoked as *tidak sah* (penyelesaian tidak sah) is voided at
the revocation's moment and stops counting, as the rule now says. Nothing else changes: there was one
completion per learner and module, so no other exclusion can apply.

Revision ID: 0008_jp_rules
Revises: 0007_expected_minutes
Create Date: 2026-12-04 22:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database

# revision identifiers, used by Alembic.
revision = "0008_jp_rules"
down_revision = "0007_expected_minutes"
branch_labels = None
depends_on = None

# Frozen here: the categories that void a completion when this migration ran.
_VOIDING_CATEGORIES = ("tidak_sah",)

# Batch mode rebuilds `completions` on SQLite; env.py turns foreign keys off while migrating, so the
# certificates that point at completions survive the rebuild (and are checked afterwards).


def _backfill(bind) -> None:
    completions = sa.table(
        "completions",
        sa.column("id", sa.Integer),
        sa.column("valid_until", sa.Date),
        sa.column("voided_at", lms.database.TZDateTime()),
        sa.column("jp_exclusion", sa.String),
    )
    certificates = sa.table(
        "certificates",
        sa.column("completion_id", sa.Integer),
        sa.column("issue_no", sa.Integer),
        sa.column("valid_until", sa.Date),
        sa.column("status", sa.String),
        sa.column("revoked_at", lms.database.TZDateTime()),
        sa.column("revoke_category", sa.String),
        sa.column("replaced_by_id", sa.Integer),
    )
    for completion_id, valid_until in bind.execute(
        sa.select(certificates.c.completion_id, certificates.c.valid_until).where(
            certificates.c.issue_no == 1, certificates.c.valid_until.is_not(None)
        )
    ).all():
        bind.execute(completions.update().where(completions.c.id == completion_id).values(valid_until=valid_until))
    for completion_id, revoked_at in bind.execute(
        sa.select(certificates.c.completion_id, certificates.c.revoked_at).where(
            certificates.c.status == "revoked",
            certificates.c.replaced_by_id.is_(None),
            certificates.c.revoke_category.in_(_VOIDING_CATEGORIES),
        )
    ).all():
        bind.execute(
            completions.update()
            .where(completions.c.id == completion_id)
            .values(voided_at=revoked_at, jp_exclusion="void")
        )


def upgrade():
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle_started_at", lms.database.TZDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jp_repeatable", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.alter_column("jp_repeatable", existing_type=sa.Boolean(), server_default=None)

    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", lms.database.TZDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("jp_exclusion", sa.String(length=20), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.alter_column("cycle", existing_type=sa.Integer(), server_default=None)
        batch_op.drop_constraint(op.f("uq_completions_user_id_module_id"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_completions_user_id_module_id_cycle"), ["user_id", "module_id", "cycle"])
        batch_op.create_check_constraint(op.f("ck_completions_cycle_positive"), "cycle >= 1")
        batch_op.create_check_constraint(
            op.f("ck_completions_known_jp_exclusion"),
            "jp_exclusion IS NULL OR jp_exclusion IN ('void', 'same_year', 'counted_before')",
        )


def downgrade():
    # Only possible while every learner has one completion per module (no recertification yet).
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_completions_known_jp_exclusion"), type_="check")
        batch_op.drop_constraint(op.f("ck_completions_cycle_positive"), type_="check")
        batch_op.drop_constraint(op.f("uq_completions_user_id_module_id_cycle"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_completions_user_id_module_id"), ["user_id", "module_id"])
        batch_op.drop_column("jp_exclusion")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("valid_until")
        batch_op.drop_column("cycle")
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.drop_column("jp_repeatable")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_column("cycle_started_at")
