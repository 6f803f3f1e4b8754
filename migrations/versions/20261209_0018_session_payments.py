"""per-student payment status of a place in a session

- `session_payments`: one student's own payment status for their place in a session (each
  student of a group session pays); a place without a row has its session's payment_status.

A new table only: sessions keep their payment_status (the default of their places).

Revision ID: 20261209_0018
Revises: 20261209_0016
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261209_0018'
down_revision = '20261209_0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'session_payments',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('unpaid', 'paid', 'waived', 'refunded')",
                           name=op.f('ck_session_payments_status')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_session_payments_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_session_payments_student_id_people')),
        sa.PrimaryKeyConstraint('session_id', 'student_id', name=op.f('pk_session_payments')),
    )
    # Its archive (store/schema_archive.py): moved with its session by `sessionsctl archive`.
    op.create_table(
        'archive_session_payments',
        sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('session_id', 'student_id',
                                name=op.f('pk_archive_session_payments')),
    )
    with op.batch_alter_table('archive_session_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_session_payments_session_id'),
                              ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table('archive_session_payments')
    op.drop_table('session_payments')
