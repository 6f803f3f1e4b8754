"""The archive tables: for each working table `archive` moves rows out of, a table of the same
name prefixed ``archive_``, with the same columns generated from it (`sessionsctl archive`).

An archive table keeps the columns, their types and the primary key, so rows move out and back
with ``INSERT ... SELECT *`` and keep their ids; it has no foreign keys, unique or check
constraints (what it holds was checked when written, and must not hold back a change to a
person, room or series), and one index: what reports and a restore select by.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Table

from .schema import (
    attendance_table,
    audit_table,
    feedback_table,
    material_table,
    metadata,
    session_student_table,
    session_table,
)
from .schema_billing import session_payment_table
from .schema_groups import checkin_code_table, recording_table, registration_table, waitlist_table
from .schema_mail import outbox_table
from .schema_requests import invitation_table, request_table

PREFIX = "archive_"

# What moves with a session, each by its ``session_id``: every table with a foreign key to
# sessions but invoice_lines (an invoice holds its session where it is: core/archive/rule.py).
# tests/unit/test_archive_tables.py holds this list to the schema's foreign keys.
BY_SESSION: tuple[Table, ...] = (
    session_student_table, attendance_table, feedback_table, material_table, registration_table,
    waitlist_table, recording_table, checkin_code_table, invitation_table, request_table,
    outbox_table, session_payment_table)
# Holders: tables whose rows keep a session in the working tables.
HOLDERS = ("invoice_lines",)
SESSIONS = session_table
AUDIT = audit_table
MOVED: tuple[Table, ...] = (SESSIONS, *BY_SESSION, AUDIT)


def _archive_of(table: Table) -> Table:
    columns = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                      autoincrement=False) for c in table.columns]
    key = ("start_at",) if table is SESSIONS else ("entity", "entity_id") if table is AUDIT \
        else ("session_id",)
    return Table(PREFIX + table.name, metadata, *columns, Index(None, *key))


ARCHIVE: dict[str, Table] = {table.name: _archive_of(table) for table in MOVED}
