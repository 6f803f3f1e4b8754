"""enrolments: a student in a course (one row per course and student), sessions of a course,
and the enrolment manager's role

- `enrolments` replaces `enrollments`, which tied a student to a batch only. A row is now a
  student in a course, in one of its batches or none; its status is active, paused, completed
  or dropped (unenrolling drops, and keeps the row). The rows there were move over, each with
  its batch's course; `ended` becomes `completed`. A student in several batches of one course
  keeps one row: the active one, else the latest enrolled.
- `sessions.course_id`: the course a session belongs to, set with its batch or alone (the
  course's unbatched sessions, which an enrolled student with no batch sees). Filled in from
  the batches sessions are in.
- `people.role` may be `enrolment` (an enrolment manager).

On SQLite neither people nor sessions is remade: foreign keys are on (and cannot be switched
off inside the migration's transaction), so dropping either would cascade to the rows that
refer to it. people's CHECK is changed in place (SQLite's documented writable_schema way) and
sessions gains its column by ADD COLUMN.

Revision ID: 20261207_0010
Revises: 20261207_0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261207_0010'
down_revision = '20261207_0009'
branch_labels = None
depends_on = None

OLD_ROLES = ('admin', 'staff', 'mentor', 'student')
NEW_ROLES = ('admin', 'staff', 'enrolment', 'mentor', 'student')


def _in(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def _people_roles(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """The roles ``people.role`` may hold: ``old`` before, ``new`` after."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_people_role'), 'people', type_='check')
        op.create_check_constraint(op.f('ck_people_role'), 'people', _in('role', new))
        return
    # SQLite's documented way to change a CHECK in place (every row holds one of the roles
    # allowed after): the table's text in the schema, the schema's version moved on so every
    # connection reads it again. Remaking the table would not do: dropping it with foreign
    # keys on (they cannot be switched off inside this transaction) deletes the
    # availability and time off that cascade from people.
    before, after = f"CHECK ({_in('role', old)})", f"CHECK ({_in('role', new)})"
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people'").scalar_one()
    if sql.count(before) != 1:
        raise RuntimeError(f"people's role check is not {before!r}: {sql}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'people'",
                         (sql.replace(before, after),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _sessions_course() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # ADD COLUMN with its reference: remaking sessions would cascade to their rows. A
        # downgrade leaves the column there (see downgrade()), to be used again.
        if 'course_id' not in {c['name'] for c in sa.inspect(bind).get_columns('sessions')}:
            op.execute("ALTER TABLE sessions ADD COLUMN course_id INTEGER CONSTRAINT "
                       "fk_sessions_course_id_courses REFERENCES courses (id)")
    else:
        op.add_column('sessions', sa.Column('course_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_sessions_course_id_courses'), 'sessions', 'courses',
                              ['course_id'], ['id'])
    op.create_index(op.f('ix_sessions_course_id_batch_id'), 'sessions',
                    ['course_id', 'batch_id'], unique=False)
    op.execute("UPDATE sessions SET course_id = (SELECT course_id FROM batches "
               "WHERE batches.id = sessions.batch_id) WHERE batch_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        'enrolments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('enrolled_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in('status', ('active', 'paused', 'completed', 'dropped')),
                           name=op.f('ck_enrolments_status')),
        sa.ForeignKeyConstraint(['batch_id'], ['batches.id'],
                                name=op.f('fk_enrolments_batch_id_batches')),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_enrolments_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_enrolments_student_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
        sa.UniqueConstraint('course_id', 'student_id',
                            name=op.f('uq_enrolments_course_id_student_id')),
    )
    op.create_index(op.f('ix_enrolments_student_id_status'), 'enrolments',
                    ['student_id', 'status'], unique=False)
    op.execute(
        "INSERT INTO enrolments (course_id, batch_id, student_id, status, enrolled_at, "
        "changed_at) SELECT course_id, batch_id, student_id, "
        "CASE status WHEN 'ended' THEN 'completed' ELSE status END, enrolled_at, enrolled_at "
        "FROM (SELECT b.course_id, e.batch_id, e.student_id, e.status, e.enrolled_at, "
        "ROW_NUMBER() OVER (PARTITION BY b.course_id, e.student_id ORDER BY "
        "CASE e.status WHEN 'active' THEN 0 ELSE 1 END, e.enrolled_at DESC, e.id DESC) AS n "
        "FROM enrollments e JOIN batches b ON b.id = e.batch_id) AS ranked WHERE n = 1")
    op.drop_index(op.f('ix_enrollments_student_id'), table_name='enrollments')
    op.drop_table('enrollments')
    _sessions_course()
    _people_roles(OLD_ROLES, NEW_ROLES)


def downgrade() -> None:
    # An enrolment manager keeps only what every role may: the least of them.
    op.execute("UPDATE people SET role = 'student' WHERE role = 'enrolment'")
    _people_roles(NEW_ROLES, OLD_ROLES)
    op.drop_index(op.f('ix_sessions_course_id_batch_id'), table_name='sessions')
    # SQLite cannot drop a column with a reference, and remaking sessions would cascade to
    # their rows: there the column stays, unread by the code of older revisions.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_sessions_course_id_courses'), 'sessions', type_='foreignkey')
        op.drop_column('sessions', 'course_id')
    op.create_table(
        'enrollments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('enrolled_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in('status', ('active', 'paused', 'ended')),
                           name=op.f('ck_enrollments_status')),
        sa.ForeignKeyConstraint(['batch_id'], ['batches.id'],
                                name=op.f('fk_enrollments_batch_id_batches'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_enrollments_student_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
        sa.UniqueConstraint('batch_id', 'student_id',
                            name=op.f('uq_enrollments_batch_id_student_id')),
    )
    op.create_index(op.f('ix_enrollments_student_id'), 'enrollments', ['student_id'],
                    unique=False)
    # An enrolment in no batch has no place in the old table and is left behind.
    op.execute(
        "INSERT INTO enrollments (batch_id, student_id, status, enrolled_at) "
        "SELECT batch_id, student_id, CASE WHEN status IN ('completed', 'dropped') "
        "THEN 'ended' ELSE status END, enrolled_at FROM enrolments WHERE batch_id IS NOT NULL")
    op.drop_index(op.f('ix_enrolments_student_id_status'), table_name='enrolments')
    op.drop_table('enrolments')
