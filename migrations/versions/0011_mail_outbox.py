"""e-mail outbox; one-time codes may be e-mailed reset links

`outbox_messages` holds every e-mail to send (lms/mail), one per (event_key, recipient).
`one_time_codes.purpose` may also be 'reset_link' (the self-service password reset's token).

Revision ID: 0011_mail_outbox
Revises: 0010_quiz_settings
Create Date: 2026-12-05 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0011_mail_outbox"
down_revision = "0010_quiz_settings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", lms.database.TZDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", lms.database.TZDateTime(timezone=True), nullable=True),
        sa.Column("created_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_outbox_messages_known_status")
        ),
        sa.CheckConstraint("tries >= 0", name=op.f("ck_outbox_messages_tries_nonnegative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("event_key", "recipient", name=op.f("uq_outbox_messages_event_key_recipient")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_due", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_one_time_codes_known_purpose"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_one_time_codes_known_purpose"), "purpose IN ('activation', 'reset', 'reset_link')"
        )


def downgrade():
    op.execute("DELETE FROM one_time_codes WHERE purpose = 'reset_link'")
    with op.batch_alter_table("one_time_codes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_one_time_codes_known_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_one_time_codes_known_purpose"), "purpose IN ('activation', 'reset')")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_due")
    op.drop_table("outbox_messages")
