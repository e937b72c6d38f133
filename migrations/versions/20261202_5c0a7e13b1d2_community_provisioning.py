"""community provisioning

Revision ID: 5c0a7e13b1d2
Revises: 10e376d58a42
Create Date: 2026-12-02 14:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5c0a7e13b1d2"
down_revision = "10e376d58a42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "community_provisioning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("member_id", sa.String(length=64), nullable=True),
        sa.Column("already_member", sa.Boolean(), nullable=False),
        sa.Column("way_in_url", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["membership_request.id"],
            name=op.f("fk_community_provisioning_request_id_membership_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_provisioning")),
        sa.UniqueConstraint("request_id", name=op.f("uq_community_provisioning_request_id")),
    )
    op.create_index(
        "ix_community_provisioning_status_next_attempt_at",
        "community_provisioning",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade():
    op.drop_index(
        "ix_community_provisioning_status_next_attempt_at", table_name="community_provisioning"
    )
    op.drop_table("community_provisioning")
