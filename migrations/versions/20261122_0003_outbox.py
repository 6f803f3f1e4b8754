"""outbox: mail notices and reminders written in the same transaction as the change

A change that must tell someone writes one row per recipient here (decision 5); a sender
drains the table over SMTP. Reminders are unique per (session, recipient, kind, start), so
the reminder job run twice or concurrently enqueues each once, and a moved session (new
start) gets a fresh one.

Revision ID: 20261122_0003
Revises: 20261122_0002
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
import sessionsctl.store.types


revision = '20261122_0003'
down_revision = '20261122_0002'
branch_labels = None
depends_on = None

_REMINDER = sa.text("kind = 'reminder'")


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('start_at', sessionsctl.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sessionsctl.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('claimed_until', sessionsctl.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sessionsctl.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sessionsctl.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('booked', 'changed', 'cancelled', 'reminder', 'custom', 'test')", name=op.f('ck_outbox_kind')),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_status')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_outbox_session_id_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_status_next_attempt_at'), ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_outbox_reminder', ['session_id', 'recipient', 'kind', 'start_at'], unique=True,
                              sqlite_where=_REMINDER, postgresql_where=_REMINDER)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('uq_outbox_reminder')
        batch_op.drop_index(batch_op.f('ix_outbox_session_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_status_next_attempt_at'))
    op.drop_table('outbox')
