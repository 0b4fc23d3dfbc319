"""mandatory modules (penugasan wajib): assignments, the OPD they are for, and their members

`assignments` holds a module HR requires of a group (every ASN, OPD, PNS/PPPK, a NIP list) between a start
and a due date (WIB); `assignment_opds` the OPD of an assignment of kind 'opd'; `assignment_members` each
person reached, with her own due date (extensions), when she was added and when she left the group.

Revision ID: 0014_assignments
Revises: 0013_external_jp
Create Date: 2026-12-05 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0014_assignments"
down_revision = "0013_external_jp"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_employee_type", sa.String(length=8), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("late_join_days", sa.Integer(), nullable=True),
        sa.Column("allow_earlier_completion", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("scope_opd_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", lms.database.TZDateTime(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_at", lms.database.TZDateTime(), nullable=False),
        sa.CheckConstraint("due_on >= start_on", name=op.f("ck_assignments_due_not_before_start")),
        sa.CheckConstraint(
            "target_kind IN ('all', 'opd', 'employee_type', 'nip')", name=op.f("ck_assignments_known_target_kind")
        ),
        sa.CheckConstraint(
            "(target_kind = 'employee_type' AND target_employee_type IN ('PNS', 'PPPK')) "
            "OR (target_kind <> 'employee_type' AND target_employee_type IS NULL)",
            name=op.f("ck_assignments_employee_type_target"),
        ),
        sa.CheckConstraint(
            "late_join_days IS NULL OR late_join_days BETWEEN 1 AND 365",
            name=op.f("ck_assignments_late_join_days_range"),
        ),
        sa.CheckConstraint(
            "(cancelled_at IS NULL AND cancel_reason IS NULL) "
            "OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)",
            name=op.f("ck_assignments_cancel_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["users.id"], name=op.f("fk_assignments_cancelled_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_assignments_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["module_id"], ["modules.id"], name=op.f("fk_assignments_module_id_modules"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["scope_opd_id"], ["opd.id"], name=op.f("fk_assignments_scope_opd_id_opd")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_module_id"), ["module_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_scope_opd_id"), ["scope_opd_id"], unique=False)

    op.create_table(
        "assignment_opds",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_opds_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_assignment_opds_opd_id_opd"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assignment_id", "opd_id", name=op.f("pk_assignment_opds")),
    )
    with op.batch_alter_table("assignment_opds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_opds_opd_id"), ["opd_id"], unique=False)

    op.create_table(
        "assignment_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("added_at", lms.database.TZDateTime(), nullable=False),
        sa.Column("removed_at", lms.database.TZDateTime(), nullable=True),
        sa.Column("extended_at", lms.database.TZDateTime(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(extended_at IS NULL AND extension_reason IS NULL) "
            "OR (extended_at IS NOT NULL AND extension_reason IS NOT NULL)",
            name=op.f("ck_assignment_members_extension_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_members_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assignment_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_members")),
        sa.UniqueConstraint("assignment_id", "user_id", name=op.f("uq_assignment_members_assignment_id_user_id")),
    )
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_members_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("assignment_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_members_user_id"))
    op.drop_table("assignment_members")
    with op.batch_alter_table("assignment_opds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_opds_opd_id"))
    op.drop_table("assignment_opds")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_scope_opd_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_module_id"))
    op.drop_table("assignments")
