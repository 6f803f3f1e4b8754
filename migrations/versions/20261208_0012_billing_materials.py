"""billing: rates, an exact cost, who cancelled and when, invoices

- `rates`: a charge rate per student, course or subject and a pay rate per mentor, per hour
  or per session, in integer minor units of a currency.
- `sessions.cost_hundredths`: the cost set on a session as an exact integer (the Numeric
  `cost` is stored as a float on SQLite), filled in from `cost`; `cost` stays, written in
  step, for whoever reads it.
- `invoices` (numbered, never reused; issued or void) and `invoice_lines` (the places each
  charges, as priced then).
- `materials.media_type` and `materials.content`: a file kept inside the database (so every
  terminal on a shared PostgreSQL reads it), its type read from its content.
- `sessions.cancelled_by` (student, centre or mentor) and `sessions.cancelled_at`: whether a
  cancellation is charged (inside the notice window) or owed as a make-up.

Columns are added in place on SQLite (remaking sessions would cascade to its rows). On
PostgreSQL `sessionsctl_private(id)` read `cost`; it is dropped here (a student's connection
reads sessions again once `access sync` has made it anew, reading `cost_hundredths`).

Revision ID: 20261208_0012
Revises: 20261208_0011
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261208_0012'
down_revision = '20261208_0011'
branch_labels = None
depends_on = None

_COLUMNS = (
    ('cost_hundredths', sa.BigInteger()),
    ('cancelled_by', sa.String(length=16)),
    ('cancelled_at', UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        'rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('unit', sa.String(length=8), nullable=False),
        sa.Column('changed_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('charge', 'pay')", name=op.f('ck_rates_kind')),
        sa.CheckConstraint("target IN ('student', 'course', 'subject', 'mentor')",
                           name=op.f('ck_rates_target')),
        sa.CheckConstraint("unit IN ('hour', 'session')", name=op.f('ck_rates_unit')),
        sa.CheckConstraint('amount >= 0', name=op.f('ck_rates_amount')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rates')),
        sa.UniqueConstraint('kind', 'target', 'target_id',
                            name=op.f('uq_rates_kind_target_target_id')),
    )
    op.create_table(
        'invoices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('issued', 'void')", name=op.f('ck_invoices_status')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['people.id'],
                                name=op.f('fk_invoices_issued_by_id_people')),
        sa.ForeignKeyConstraint(['student_id'], ['people.id'],
                                name=op.f('fk_invoices_student_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
        sa.UniqueConstraint('number', name=op.f('uq_invoices_number')),
    )
    op.create_index(op.f('ix_invoices_student_id'), 'invoices', ['student_id'], unique=False)
    op.create_table(
        'invoice_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'],
                                name=op.f('fk_invoice_lines_invoice_id_invoices'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_invoice_lines_session_id_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    )
    op.create_index(op.f('ix_invoice_lines_invoice_id'), 'invoice_lines', ['invoice_id'],
                    unique=False)
    op.create_index(op.f('ix_invoice_lines_session_id'), 'invoice_lines', ['session_id'],
                    unique=False)
    bind = op.get_bind()
    have = {c['name'] for c in sa.inspect(bind).get_columns('sessions')}
    for name, type_ in _COLUMNS:
        if name not in have:  # a downgrade on SQLite leaves them (see downgrade())
            op.add_column('sessions', sa.Column(name, type_, nullable=True))
    have_m = {c['name'] for c in sa.inspect(bind).get_columns('materials')}
    for name, type_ in (('media_type', sa.String(length=120)), ('content', sa.LargeBinary())):
        if name not in have_m:
            op.add_column('materials', sa.Column(name, type_, nullable=True))
    # cost holds whole cents (the rules refuse anything finer): round away SQLite's float.
    op.execute("UPDATE sessions SET cost_hundredths = CAST(ROUND(cost * 100) AS BIGINT) "
               "WHERE cost IS NOT NULL")
    if bind.dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS sessionsctl_private(integer)")


def downgrade() -> None:
    op.drop_table('invoice_lines')
    op.drop_table('invoices')
    op.execute("DELETE FROM settings WHERE key = 'invoice_number'")
    op.drop_table('rates')
    if op.get_bind().dialect.name != 'sqlite':
        for name, _ in reversed(_COLUMNS):
            op.drop_column('sessions', name)
        op.drop_column('materials', 'content')
        op.drop_column('materials', 'media_type')
    # On SQLite the columns stay: dropping a column remakes nothing, but sessions' foreign
    # keys make any rebuild of it cascade; they are unused at the older revision.
