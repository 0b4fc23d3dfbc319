"""roster import: an optional short code per OPD, unique, that a roster CSV may name instead of the OPD's name

Revision ID: 0012_roster
Revises: 0011_mail_outbox
Create Date: 2026-12-05 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_roster"
down_revision = "0011_mail_outbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("opd", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_opd_code"), ["code"])


def downgrade():
    with op.batch_alter_table("opd", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_opd_code"), type_="unique")
        batch_op.drop_column("code")
