"""archive tables

One `archive_<table>` per table `sessionsctl archive` moves rows out of (sessions, the rows
that belong to a session, its audit entries): the same columns and primary key, no foreign
keys, one index each. New tables only: no working table is touched.

Revision ID: 20261209_0016
Revises: 20261208_0015
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261209_0016'
down_revision = '20261208_0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('archive_attendance',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('check_in', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('check_out', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('recorded_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_attendance'))
    )
    with op.batch_alter_table('archive_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('archive_audit_log',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('actor_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('actor', sa.String(length=320), autoincrement=False, nullable=False),
    sa.Column('login', sa.String(length=320), autoincrement=False, nullable=True),
    sa.Column('action', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('entity', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('entity_id', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('before', sa.JSON(), autoincrement=False, nullable=True),
    sa.Column('after', sa.JSON(), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_audit_log'))
    )
    with op.batch_alter_table('archive_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_audit_log_entity_entity_id'), ['entity', 'entity_id'], unique=False)

    op.create_table('archive_checkin_codes',
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code', sa.String(length=12), autoincrement=False, nullable=False),
    sa.Column('made_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_archive_checkin_codes'))
    )
    with op.batch_alter_table('archive_checkin_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_checkin_codes_session_id'), ['session_id'], unique=False)

    op.create_table('archive_feedback',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rating', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('categories', sa.JSON(), autoincrement=False, nullable=False),
    sa.Column('text', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_feedback'))
    )
    with op.batch_alter_table('archive_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_feedback_session_id'), ['session_id'], unique=False)

    op.create_table('archive_invitations',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('email', sa.String(length=320), autoincrement=False, nullable=False),
    sa.Column('role', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('token_hash', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('expires_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('sent_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('sends', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('responded_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_invitations'))
    )
    with op.batch_alter_table('archive_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_invitations_session_id'), ['session_id'], unique=False)

    op.create_table('archive_materials',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=300), autoincrement=False, nullable=False),
    sa.Column('location', sa.String(length=2000), autoincrement=False, nullable=False),
    sa.Column('type', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('size', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('uploaded_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('media_type', sa.String(length=120), autoincrement=False, nullable=True),
    sa.Column('content', sa.LargeBinary(), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_materials'))
    )
    with op.batch_alter_table('archive_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_materials_session_id'), ['session_id'], unique=False)

    op.create_table('archive_outbox',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('template', sa.String(length=100), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('recipient', sa.String(length=320), autoincrement=False, nullable=False),
    sa.Column('start_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('payload', sa.JSON(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('attempts', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('claimed_by', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('claimed_until', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('last_error', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('sent_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_outbox'))
    )
    with op.batch_alter_table('archive_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_outbox_session_id'), ['session_id'], unique=False)

    op.create_table('archive_recordings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('url', sa.String(length=2000), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('public', sa.Boolean(), autoincrement=False, nullable=False),
    sa.Column('added_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('added_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_recordings'))
    )
    with op.batch_alter_table('archive_recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_recordings_session_id'), ['session_id'], unique=False)

    op.create_table('archive_registrations',
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('until_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('opened_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('opened_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_archive_registrations'))
    )
    with op.batch_alter_table('archive_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_registrations_session_id'), ['session_id'], unique=False)

    op.create_table('archive_requests',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=False),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('type', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('minutes', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('urgency', sa.String(length=8), autoincrement=False, nullable=False),
    sa.Column('tz', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('preferences', sa.JSON(), autoincrement=False, nullable=False),
    sa.Column('tags', sa.JSON(), autoincrement=False, nullable=False),
    sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('mentor_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('created_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('claimed_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('changed_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('feedback_asked_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_requests'))
    )
    with op.batch_alter_table('archive_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_requests_session_id'), ['session_id'], unique=False)

    op.create_table('archive_session_students',
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('end_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('cancelled', sa.Boolean(), autoincrement=False, nullable=False),
    sa.Column('forced', sa.Boolean(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('session_id', 'student_id', name=op.f('pk_archive_session_students'))
    )
    with op.batch_alter_table('archive_session_students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_session_students_session_id'), ['session_id'], unique=False)

    op.create_table('archive_sessions',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uid', sa.String(length=255), autoincrement=False, nullable=False),
    sa.Column('series_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('recurrence_id', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('title', sa.String(length=300), autoincrement=False, nullable=False),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('mentor_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('subject_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('room_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('type', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('start_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('end_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('tz', sa.String(length=64), autoincrement=False, nullable=False),
    sa.Column('location', sa.String(length=500), autoincrement=False, nullable=True),
    sa.Column('meeting_link', sa.String(length=2000), autoincrement=False, nullable=True),
    sa.Column('meeting_id', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('meeting_passcode', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('max_participants', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('notes', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('cost', sa.Numeric(precision=10, scale=2), autoincrement=False, nullable=True),
    sa.Column('cost_hundredths', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('payment_status', sa.String(length=16), autoincrement=False, nullable=False),
    sa.Column('cancel_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('cancelled_by', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('cancelled_at', UTCDateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('force_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('sequence', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.Column('modified_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('modified_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_sessions'))
    )
    with op.batch_alter_table('archive_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_sessions_start_at'), ['start_at'], unique=False)

    op.create_table('archive_waitlist',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('joined_at', UTCDateTime(timezone=True), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_waitlist'))
    )
    with op.batch_alter_table('archive_waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_waitlist_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('archive_waitlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_waitlist_session_id'))

    op.drop_table('archive_waitlist')
    with op.batch_alter_table('archive_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_sessions_start_at'))

    op.drop_table('archive_sessions')
    with op.batch_alter_table('archive_session_students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_session_students_session_id'))

    op.drop_table('archive_session_students')
    with op.batch_alter_table('archive_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_requests_session_id'))

    op.drop_table('archive_requests')
    with op.batch_alter_table('archive_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_registrations_session_id'))

    op.drop_table('archive_registrations')
    with op.batch_alter_table('archive_recordings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_recordings_session_id'))

    op.drop_table('archive_recordings')
    with op.batch_alter_table('archive_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_outbox_session_id'))

    op.drop_table('archive_outbox')
    with op.batch_alter_table('archive_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_materials_session_id'))

    op.drop_table('archive_materials')
    with op.batch_alter_table('archive_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_invitations_session_id'))

    op.drop_table('archive_invitations')
    with op.batch_alter_table('archive_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_feedback_session_id'))

    op.drop_table('archive_feedback')
    with op.batch_alter_table('archive_checkin_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_checkin_codes_session_id'))

    op.drop_table('archive_checkin_codes')
    with op.batch_alter_table('archive_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_audit_log_entity_entity_id'))

    op.drop_table('archive_audit_log')
    with op.batch_alter_table('archive_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_attendance_session_id'))

    op.drop_table('archive_attendance')
