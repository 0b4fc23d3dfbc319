"""notifications: a learner may turn off optional e-mail (users.wants_optional_mail, on by default)

Mandatory notices (assignment reminders, activation codes, password messages) are sent whatever it says;
the HR weekly digest is optional (docs/deploy.md lists every message).

Revision ID: 0017_notifications
Revises: 0016_hr_indexes
Create Date: 2026-12-05 01:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_notifications"
down_revision = "0016_hr_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wants_optional_mail", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:  # existing accounts: on; the model sets it
        batch_op.alter_column("wants_optional_mail", existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wants_optional_mail")
