"""users: record when an account's personal data were erased on request (UU 27/2022 PDP)

Existing accounts get NULL: not anonymised.

Revision ID: 0006_user_anonymised
Revises: 0005_certificate_signature
Create Date: 2026-12-02 06:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0006_user_anonymised"
down_revision = "0005_certificate_signature"
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN, also on SQLite: no batch mode, so `users` is never rebuilt (a rebuild
# would drop and recreate the table every learning record points to). DROP COLUMN needs SQLite 3.35+.


def upgrade():
    op.add_column("users", sa.Column("anonymised_at", lms.database.TZDateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("users", "anonymised_at")
