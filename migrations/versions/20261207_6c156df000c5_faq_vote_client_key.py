"""faq_vote.client_key: one vote per client per answer (issue 22)

Revision ID: 6c156df000c5
Revises: ecb7ec0ea297
Create Date: 2026-12-07 06:00:00

- faq_vote.client_key: a keyed hash of the client's address and browser, unique per
  answer, cleared after a day by the data purge.
"""
from alembic import op
import sqlalchemy as sa

revision = '6c156df000c5'
down_revision = 'ecb7ec0ea297'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('faq_vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_faq_vote_slug_client_key'),
                                          ['slug', 'client_key'])


def downgrade():
    with op.batch_alter_table('faq_vote', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_faq_vote_slug_client_key'), type_='unique')
        batch_op.drop_column('client_key')
