"""session recordings and check-in codes

- `recordings`: links to a session's recordings (for its participants, or public).
- `checkin_codes`: the check-in code of an in-person session while it runs.
- `checkin_attempts`: the wrong codes students gave (the rate limit counts them).

New tables only: people and sessions are not touched.

Revision ID: 20261208_0015
Revises: 20261208_0014
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261208_0015'
down_revision = '20261208_0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recordings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=True),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_recordings_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['people.id'],
                                name=op.f('fk_recordings_added_by_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
    )
    op.create_index(op.f('ix_recordings_session_id_id'), 'recordings', ['session_id', 'id'],
                    unique=False)
    op.create_table(
        'checkin_codes',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('made_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_checkin_codes_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', name=op.f('pk_checkin_codes')),
    )
    op.create_index(op.f('ix_checkin_codes_code'), 'checkin_codes', ['code'], unique=False)
    op.create_table(
        'checkin_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_checkin_attempts_student_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_attempts')),
    )
    op.create_index(op.f('ix_checkin_attempts_student_id_at'), 'checkin_attempts',
                    ['student_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_checkin_attempts_student_id_at'), table_name='checkin_attempts')
    op.drop_table('checkin_attempts')
    op.drop_index(op.f('ix_checkin_codes_code'), table_name='checkin_codes')
    op.drop_table('checkin_codes')
    op.drop_index(op.f('ix_recordings_session_id_id'), table_name='recordings')
    op.drop_table('recordings')
