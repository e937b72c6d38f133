"""canonical addresses, request versions, hashed opt-outs, sign-in throttle

Revision ID: 5c1a7e0f3b21
Revises: 7c1f0b2e9a41
Create Date: 2026-12-02 14:30:00

- every `email_normalized` column (and staff_user.email) is recomputed in the one
  canonical form of services.privacy.addresses (IDNA domain, NFC, case-folded), so
  full-width and ideographic dots and letters match the real address;
- membership_request.version: the state machine's conditional updates;
- the one-open-request index ignores purged requests;
- invitation_opt_out keeps a keyed hash (email_hash) once its address is purged;
- sign_in_throttle: failed staff sign-ins per (client, address), hashed.
"""
from alembic import op
import sqlalchemy as sa

from services.privacy.addresses import canonical_email

revision = '5c1a7e0f3b21'
down_revision = '7c1f0b2e9a41'
branch_labels = None
depends_on = None

OPEN = "state IN ('submitted', 'in_review', 'invited', 'expired')"


def upgrade():
    with op.batch_alter_table('membership_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_index('uq_membership_request_open_email', sqlite_where=sa.text(OPEN),
                            postgresql_where=sa.text(OPEN))
    with op.batch_alter_table('invitation_opt_out', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_hash', sa.String(length=64), nullable=True))
        batch_op.alter_column('email_normalized', existing_type=sa.String(length=254),
                              nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_invitation_opt_out_email_hash'),
                                          ['email_hash'])
    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_sign_in_throttle_key_hash'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failed_at'),
                              ['last_failed_at'], unique=False)
    _backfill_canonical_addresses(op.get_bind())
    new_open = f"{OPEN} AND purged_at IS NULL"
    with op.batch_alter_table('membership_request', schema=None) as batch_op:
        batch_op.create_index('uq_membership_request_open_email', ['email_normalized'],
                              unique=True, sqlite_where=sa.text(new_open),
                              postgresql_where=sa.text(new_open))


def _backfill_canonical_addresses(bind):
    """Recompute each canonical address; a row that now equals another is a duplicate."""
    # account_user: one row per (account, address); a duplicate row is dropped.
    rows = bind.execute(
        sa.text("SELECT id, account_id, email, email_normalized FROM account_user ORDER BY id")
    ).all()
    _recompute(bind, "account_user",
               [(row_id, account, canonical_email(email), current)
                for row_id, account, email, current in rows])
    # membership_request: purged rows keep their placeholder. Of open requests that
    # turn out to be one address, the newer are withdrawn (the index is made after).
    for row_id, email in bind.execute(
        sa.text("SELECT id, email FROM membership_request WHERE purged_at IS NULL")
    ).all():
        bind.execute(sa.text("UPDATE membership_request SET email_normalized = :c WHERE id = :id"),
                     {"c": canonical_email(email), "id": row_id})
    _close_duplicate_open_requests(bind)
    rows = bind.execute(
        sa.text("SELECT id, email_normalized FROM invitation_opt_out ORDER BY id")
    ).all()
    _recompute(bind, "invitation_opt_out",
               [(row_id, None, canonical_email(email), email) for row_id, email in rows])
    taken = {email for (email,) in bind.execute(sa.text("SELECT email FROM staff_user"))}
    for row_id, email in bind.execute(
        sa.text("SELECT id, email FROM staff_user ORDER BY id")
    ).all():
        canonical = canonical_email(email)
        if canonical != email and canonical not in taken:
            taken.add(canonical)
            bind.execute(sa.text("UPDATE staff_user SET email = :c WHERE id = :id"),
                         {"c": canonical, "id": row_id})


def _recompute(bind, table, rows):
    """Set each row's email_normalized to its canonical form; delete rows that duplicate one.

    rows: (id, scope, canonical, current). Rows already canonical claim their value
    first, so no update ever collides with a row not yet visited.
    """
    taken = {(scope, canonical) for _id, scope, canonical, current in rows if canonical == current}
    for row_id, scope, canonical, current in rows:
        if canonical == current:
            continue
        if (scope, canonical) in taken:
            bind.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
            continue
        taken.add((scope, canonical))
        bind.execute(sa.text(f"UPDATE {table} SET email_normalized = :c WHERE id = :id"),
                     {"c": canonical, "id": row_id})


def _close_duplicate_open_requests(bind):
    """Of open requests that are now one address, the newer ones are withdrawn."""
    seen = set()
    for row_id, canonical in bind.execute(sa.text(
        f"SELECT id, email_normalized FROM membership_request WHERE {OPEN} "
        "AND purged_at IS NULL ORDER BY created_at, id"
    )).all():
        if canonical in seen:
            bind.execute(sa.text("UPDATE membership_request SET state = 'withdrawn' "
                                 "WHERE id = :id"), {"id": row_id})
        seen.add(canonical)


def downgrade():
    with op.batch_alter_table('membership_request', schema=None) as batch_op:
        new_open = f"{OPEN} AND purged_at IS NULL"
        batch_op.drop_index('uq_membership_request_open_email', sqlite_where=sa.text(new_open),
                            postgresql_where=sa.text(new_open))
        batch_op.create_index('uq_membership_request_open_email', ['email_normalized'],
                              unique=True, sqlite_where=sa.text(OPEN),
                              postgresql_where=sa.text(OPEN))
        batch_op.drop_column('version')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failed_at'))
    op.drop_table('sign_in_throttle')
    op.execute("DELETE FROM invitation_opt_out WHERE email_normalized IS NULL")
    with op.batch_alter_table('invitation_opt_out', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invitation_opt_out_email_hash'), type_='unique')
        batch_op.alter_column('email_normalized', existing_type=sa.String(length=254),
                              nullable=False)
        batch_op.drop_column('email_hash')
