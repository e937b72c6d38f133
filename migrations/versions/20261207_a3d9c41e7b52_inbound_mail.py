"""replies and bounces come back to the request (issue 23)

Revision ID: a3d9c41e7b52
Revises: 8643396c4ecb
Create Date: 2026-12-07 05:52:58

- inbound_message: replies, auto-replies, bounces and complaints, only the kept fields;
- membership_request: reply_tag (the +tag of its reply address), replied_at
  (waiting for staff), bounced_at and bounce_diagnostic (hard bounce);
- outbox_email: in_reply_to and thread_references (threaded staff answers),
  delivery_report (what a delivery status notification said);
- invitation_opt_out.complained_at: the address marked our email as spam.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3d9c41e7b52'
down_revision = '8643396c4ecb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.Column('thread_references', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('outbox_email_id', sa.Integer(), nullable=True),
    sa.Column('matched_by', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('attachments', sa.Text(), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_email_id'], ['outbox_email.id'], name=op.f('fk_inbound_message_outbox_email_id_outbox_email'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['membership_request.id'], name=op.f('fk_inbound_message_request_id_membership_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('message_key', name=op.f('uq_inbound_message_message_key'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_status'), ['status'], unique=False)

    with op.batch_alter_table('invitation_opt_out', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complained_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('membership_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_tag', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bounce_diagnostic', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_membership_request_reply_tag'), ['reply_tag'])

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=998), nullable=True))
        batch_op.add_column(sa.Column('thread_references', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('delivery_report', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('delivery_report')
        batch_op.drop_column('thread_references')
        batch_op.drop_column('in_reply_to')

    with op.batch_alter_table('membership_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_membership_request_reply_tag'), type_='unique')
        batch_op.drop_column('bounce_diagnostic')
        batch_op.drop_column('bounced_at')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply_tag')

    with op.batch_alter_table('invitation_opt_out', schema=None) as batch_op:
        batch_op.drop_column('complained_at')

    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_message_status'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_request_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_received_at'))

    op.drop_table('inbound_message')
