"""hr indexes: the compliance dashboard's sums read from indexes

`ix_completions_year_jp` (completed_at, user_id, jp, jp_exclusion) lets the JP of a year be summed per
person from the index alone; `ix_user_roles_role_user_id` finds everyone holding a role (the ASN of the
dashboard are the peserta) without reading the table. Measured with `make bench-hr` (docs/performance.md).

Revision ID: 0016_hr_indexes
Revises: 0010_quiz_settings
Create Date: 2026-12-05 00:35:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_hr_indexes"
down_revision = "0010_quiz_settings"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.create_index("ix_completions_year_jp", ["completed_at", "user_id", "jp", "jp_exclusion"], unique=False)
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.create_index("ix_user_roles_role_user_id", ["role", "user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_index("ix_user_roles_role_user_id")
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_index("ix_completions_year_jp")
