"""authoring in the browser: module sources, versions (all files), drafts, owners; the kurator role

`module_sources` (one per slug), `module_versions` with `module_version_files`, one `module_drafts` per
source with `module_draft_files`, and `module_owners`. `user_roles.role` may now be 'kurator'. Existing
modules get their first version at their next `flask content sync`.

Revision ID: 0015_authoring
Revises: 0014_assignments
Create Date: 2026-12-05 00:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import lms.database  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "0015_authoring"
down_revision = "0014_assignments"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('peserta', 'pelatih', 'hr', 'admin')"
ROLES_AFTER = "role IN ('peserta', 'pelatih', 'kurator', 'hr', 'admin')"


def upgrade():
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_user_roles_known_role"), sa.text(ROLES_AFTER))

    op.create_table(
        "module_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("created_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_module_sources_slug")),
    )
    op.create_table(
        "module_owners",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["module_sources.id"], name=op.f("fk_module_owners_source_id_module_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_module_owners_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", "user_id", name=op.f("pk_module_owners")),
    )
    op.create_table(
        "module_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_module_versions_number_positive")),
        sa.CheckConstraint("origin IN ('disk', 'browser')", name=op.f("ck_module_versions_known_origin")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_module_versions_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["module_sources.id"], name=op.f("fk_module_versions_source_id_module_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_versions")),
        sa.UniqueConstraint("source_id", "number", name=op.f("uq_module_versions_source_id_number")),
    )
    op.create_table(
        "module_version_files",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["module_versions.id"],
            name=op.f("fk_module_version_files_version_id_module_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "path", name=op.f("pk_module_version_files")),
    )
    op.create_table(
        "module_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", lms.database.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_module_drafts_revision_positive")),
        sa.CheckConstraint("state IN ('draft', 'submitted', 'returned')", name=op.f("ck_module_drafts_known_state")),
        sa.ForeignKeyConstraint(
            ["based_on_id"], ["module_versions.id"], name=op.f("fk_module_drafts_based_on_id_module_versions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["module_sources.id"], name=op.f("fk_module_drafts_source_id_module_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_module_drafts_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_drafts")),
        sa.UniqueConstraint("source_id", name=op.f("uq_module_drafts_source_id")),
    )
    op.create_table(
        "module_draft_files",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["module_drafts.id"], name=op.f("fk_module_draft_files_draft_id_module_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("draft_id", "path", name=op.f("pk_module_draft_files")),
    )


def downgrade():
    op.drop_table("module_draft_files")
    op.drop_table("module_drafts")
    op.drop_table("module_version_files")
    op.drop_table("module_versions")
    op.drop_table("module_owners")
    op.drop_table("module_sources")
    op.execute("DELETE FROM user_roles WHERE role = 'kurator'")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_user_roles_known_role"), sa.text(ROLES_BEFORE))
