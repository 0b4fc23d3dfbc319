"""certificates: record the electronic signature of the stored PDF (when, and which signing certificate)

Existing certificates get NULL in both columns: unsigned, verified by their QR code.

Revision ID: 0005_certificate_signature
Revises: 0004_certificates
Create Date: 2026-12-01 02:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0005_certificate_signature"
down_revision = "0004_certificates"
branch_labels = None
depends_on = None


# recreate='never': plain ALTER TABLE ADD/DROP COLUMN, also on SQLite. Batch mode would otherwise rebuild
# `certificates` on SQLite, and dropping the old table with foreign keys on cascades to certificate_files:
# every stored PDF (a signed one cannot be made again) would be deleted, and reissue links cleared.
# DROP COLUMN needs SQLite 3.35 or later.


def upgrade():
    with op.batch_alter_table("certificates", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("signed_at", lms.database.TZDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signature_subject", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("certificates", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("signature_subject")
        batch_op.drop_column("signed_at")
