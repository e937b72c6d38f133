"""provisioning: the add-may-have-been-sent mark and why a task was refused

Revision ID: ecb7ec0ea297
Revises: 5c1a7e0f3b21
Create Date: 2026-12-07 06:00:00

- community_provisioning.add_maybe_sent: an add left for the platform and no
  answer proved it failed; the next attempt looks the person up first;
- community_provisioning.refused_for: "credentials" when our key or token was
  refused, so a successful `community check` puts the task back in the queue.
"""
import sqlalchemy as sa
from alembic import op

revision = 'ecb7ec0ea297'
down_revision = '5c1a7e0f3b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('community_provisioning', schema=None) as batch_op:
        batch_op.add_column(sa.Column('add_maybe_sent', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('refused_for', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('community_provisioning', schema=None) as batch_op:
        batch_op.drop_column('refused_for')
        batch_op.drop_column('add_maybe_sent')
