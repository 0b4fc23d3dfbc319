"""TEMPORARY merge of the Alembic heads 0013_external_jp, 0014_assignments and 0016_hr_indexes (the
dashboard's) so the dashboard branch's tests run; the coordinator re-chains the migrations and deletes it.

Revision ID: 0099_tmp_merge_heads
Revises: 0013_external_jp, 0016_hr_indexes, 0017_notifications
"""

revision = "0099_tmp_merge_heads"
down_revision = ("0013_external_jp", "0016_hr_indexes", "0017_notifications")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
