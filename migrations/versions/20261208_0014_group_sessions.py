"""group sessions: sessions open for registration, and their waitlists

- `registrations`: a session students may register for, until when (`session open`).
- `waitlist`: the students waiting for a seat of a full session, in the order they came.

New tables only: people and sessions are not touched.

Revision ID: 20261208_0014
Revises: 20261208_0013
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261208_0014'
down_revision = '20261208_0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registrations',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('until_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_registrations_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opened_by_id'], ['people.id'],
                                name=op.f('fk_registrations_opened_by_id_people')),
        sa.PrimaryKeyConstraint('session_id', name=op.f('pk_registrations')),
    )
    op.create_table(
        'waitlist',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_waitlist_session_id_sessions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_waitlist_student_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist')),
        sa.UniqueConstraint('session_id', 'student_id',
                            name=op.f('uq_waitlist_session_id_student_id')),
    )
    op.create_index(op.f('ix_waitlist_session_id_id'), 'waitlist', ['session_id', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_waitlist_session_id_id'), table_name='waitlist')
    op.drop_table('waitlist')
    op.drop_table('registrations')
