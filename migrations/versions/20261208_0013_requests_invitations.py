"""requests and invitations: mentorship requests a student makes, a mentor claims and
schedules; invitations to a session by mail, with the digest of a single-use token

and availability_dates: windows on given days that replace a mentor's weekly pattern

New tables only (people and sessions are referred to, not changed).

Revision ID: 20261208_0013
Revises: 20261208_0012
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261208_0013'
down_revision = '20261208_0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('urgency', sa.String(length=8), nullable=False),
        sa.Column('tz', sa.String(length=64), nullable=False),
        sa.Column('preferences', sa.JSON(), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=True),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('feedback_asked_at', UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint('minutes BETWEEN 30 AND 60', name=op.f('ck_requests_minutes')),
        sa.CheckConstraint("status IN ('open', 'claimed', 'scheduled', 'completed', 'expired', "
                           "'cancelled')", name=op.f('ck_requests_status')),
        sa.CheckConstraint("urgency IN ('low', 'normal', 'high')",
                           name=op.f('ck_requests_urgency')),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'],
                                name=op.f('fk_requests_created_by_id_people')),
        sa.ForeignKeyConstraint(['mentor_id'], ['people.id'],
                                name=op.f('fk_requests_mentor_id_people')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_requests_session_id_sessions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_requests_student_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_requests')),
    )
    op.create_index(op.f('ix_requests_status_created_at'), 'requests', ['status', 'created_at'])
    op.create_index(op.f('ix_requests_student_id'), 'requests', ['student_id'])
    op.create_index(op.f('ix_requests_mentor_id'), 'requests', ['mentor_id'])
    op.create_index(op.f('ix_requests_session_id'), 'requests', ['session_id'])
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('sends', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('responded_at', UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('learner', 'instructor', 'observer')",
                           name=op.f('ck_invitations_role')),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'expired', 'revoked')",
                           name=op.f('ck_invitations_status')),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'],
                                name=op.f('fk_invitations_created_by_id_people')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_invitations_person_id_people')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_invitations_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    )
    op.create_index(op.f('ix_invitations_session_id_status'), 'invitations',
                    ['session_id', 'status'])
    op.create_table(
        'availability_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('start_time', sa.String(length=5), nullable=False),
        sa.Column('end_time', sa.String(length=5), nullable=False),
        sa.Column('tz', sa.String(length=64), nullable=False),
        sa.CheckConstraint('end_time > start_time', name=op.f('ck_availability_dates_range')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_availability_dates_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_dates')),
    )
    op.create_index(op.f('ix_availability_dates_person_id_day'), 'availability_dates',
                    ['person_id', 'day'])


def downgrade() -> None:
    op.drop_index(op.f('ix_availability_dates_person_id_day'), table_name='availability_dates')
    op.drop_table('availability_dates')
    op.drop_index(op.f('ix_invitations_session_id_status'), table_name='invitations')
    op.drop_table('invitations')
    op.drop_index(op.f('ix_requests_session_id'), table_name='requests')
    op.drop_index(op.f('ix_requests_mentor_id'), table_name='requests')
    op.drop_index(op.f('ix_requests_student_id'), table_name='requests')
    op.drop_index(op.f('ix_requests_status_created_at'), table_name='requests')
    op.drop_table('requests')
