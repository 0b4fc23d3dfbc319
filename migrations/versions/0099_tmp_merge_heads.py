"""TEMPORARY merge of two Alembic heads (0013_external_jp, 0014_assignments) so the dashboard branch's tests
run; the coordinator re-chains the migrations and deletes this file.

Revision ID: 0099_tmp_merge_heads
Revises: 0013_external_jp, 0014_assignments
"""

revision = "0099_tmp_merge_heads"
down_revision = ("0013_external_jp", "0014_assignments")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
