"""external training (riwayat pengembangan kompetensi): JP earned outside Lentera, with certificate PDFs

`external_trainings` holds one training done elsewhere per row (kind, dates, JP, certificate number,
status pending/approved/rejected, source hr/learner/import, who submitted and who decided);
`external_training_files` holds the certificate PDF's bytes apart, so lists never read them.

Revision ID: 0013_external_jp
Revises: 0010_quiz_settings
Create Date: 2026-12-05 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database

# revision identifiers, used by Alembic.
revision = "0013_external_jp"
down_revision = "0010_quiz_settings"
branch_labels = None
depends_on = None

# Frozen here: the lists when this migration ran.
KINDS = "('diklat', 'bimtek', 'seminar', 'workshop', 'kursus', 'elearning', 'lainnya')"
STATUSES = "('pending', 'approved', 'rejected')"
SOURCES = "('hr', 'learner', 'import')"


def upgrade():
    op.create_table(
        "external_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("certificate_number", sa.String(length=100), nullable=True),
        sa.Column("certificate_filename", sa.String(length=200), nullable=True),
        sa.Column("certificate_size", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", lms.database.TZDateTime(), nullable=True),
        sa.Column("created_at", lms.database.TZDateTime(), nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_external_trainings_known_kind")),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_external_trainings_known_status")),
        sa.CheckConstraint(f"source IN {SOURCES}", name=op.f("ck_external_trainings_known_source")),
        sa.CheckConstraint("jp BETWEEN 1 AND 1000", name=op.f("ck_external_trainings_jp_range")),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_external_trainings_end_after_start")),
        sa.CheckConstraint(
            "status <> 'rejected' OR rejection_reason IS NOT NULL",
            name=op.f("ck_external_trainings_rejection_has_reason"),
        ),
        sa.CheckConstraint(
            "(certificate_filename IS NULL) = (certificate_size IS NULL)",
            name=op.f("ck_external_trainings_certificate_file_described"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_external_trainings_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_external_trainings_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_external_trainings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_trainings")),
    )
    with op.batch_alter_table("external_trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_trainings_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_external_trainings_status_end_on", ["status", "end_on"], unique=False)
    op.create_table(
        "external_training_files",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["external_trainings.id"],
            name=op.f("fk_external_training_files_training_id_external_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("training_id", name=op.f("pk_external_training_files")),
    )


def downgrade():
    op.drop_table("external_training_files")
    with op.batch_alter_table("external_trainings", schema=None) as batch_op:
        batch_op.drop_index("ix_external_trainings_status_end_on")
        batch_op.drop_index(batch_op.f("ix_external_trainings_user_id"))
    op.drop_table("external_trainings")
