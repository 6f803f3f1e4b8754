"""PostgreSQL: exclusion constraints, the final guard against double booking

No two live (not cancelled, not forced) sessions of one mentor, one room or one student may
overlap. The use cases check first, inside the same transaction; these constraints catch the
race where two terminals check at the same moment and both find the slot free. SQLite needs
none: its writers take the write lock up front (BEGIN IMMEDIATE) and so run one at a time.

Revision ID: 20261122_0002
Revises: 20261121_0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "20261122_0002"
down_revision = "20261121_0001"
branch_labels = None
depends_on = None

_SPAN = "tstzrange(start_at, end_at, '[)') WITH &&"
CONSTRAINTS = {
    "ex_sessions_mentor_overlap": (
        "sessions", f"mentor_id WITH =, {_SPAN}",
        "status <> 'cancelled' AND force_reason IS NULL"),
    "ex_sessions_room_overlap": (
        "sessions", f"room_id WITH =, {_SPAN}",
        "status <> 'cancelled' AND force_reason IS NULL AND room_id IS NOT NULL"),
    "ex_session_students_student_overlap": (
        "session_students", f"student_id WITH =, {_SPAN}", "NOT cancelled AND NOT forced"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Several databases or schemas may be migrated at once on one server; the extension is
    # one per database, so create it under a lock and in public, where every schema sees it.
    op.execute("SELECT pg_advisory_xact_lock(5545)")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
    for name, (table, elements, where) in CONSTRAINTS.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} "
                   f"EXCLUDE USING gist ({elements}) WHERE ({where})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, _elements, _where) in CONSTRAINTS.items():
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
