"""worker tables: pending look-ups, scheduled-run locks, worker heartbeats

Revision ID: 7c1f0b2e9a41
Revises: 5c0a7e13b1d2
Create Date: 2026-12-02 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c1f0b2e9a41'
down_revision = '5c0a7e13b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_job'))
    )
    op.create_index('ix_pending_job_status_run_after', 'pending_job', ['status', 'run_after'], unique=False)
    op.create_table('scheduled_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('slot', sa.DateTime(timezone=True), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_run')),
    sa.UniqueConstraint('job', 'slot', name=op.f('uq_scheduled_run_job'))
    )
    op.create_table('worker_heartbeat',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeat'))
    )
    op.create_index(op.f('ix_worker_heartbeat_last_seen'), 'worker_heartbeat', ['last_seen'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_worker_heartbeat_last_seen'), table_name='worker_heartbeat')
    op.drop_table('worker_heartbeat')
    op.drop_table('scheduled_run')
    op.drop_index('ix_pending_job_status_run_after', table_name='pending_job')
    op.drop_table('pending_job')
