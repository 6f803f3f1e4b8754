"""audit log: who acted as whom, no passcode; settings: the calendar lock

The audit log gains ``login`` (who acted, when an admin acted as another person) and an index
on ``at`` (``audit list --since``). Passcodes recorded before this revision are scrubbed from
the records kept before and after each change: a meeting's passcode is never in the log.
``settings`` holds the centre's settings kept with its data, the calendar lock first.

Revision ID: 20261207_0009
Revises: 20261206_0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '20261207_0009'
down_revision = '20261206_0008'
branch_labels = None
depends_on = None

REDACTED = "[redacted]"  # what core/domain/serialize.py writes in a passcode's place


def _scrub(value):
    if isinstance(value, dict):
        return {k: (REDACTED if k == "passcode" and v else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
    op.create_table(
        'settings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_settings')))
    audit = sa.table('audit_log', sa.column('id', sa.Integer()),
                     sa.column('before', sa.JSON()), sa.column('after', sa.JSON()))
    conn = op.get_bind()
    # Only rows whose JSON names a passcode are read (its text holds the key's name).
    named = sa.or_(sa.cast(audit.c.before, sa.Text).like('%passcode%'),
                   sa.cast(audit.c.after, sa.Text).like('%passcode%'))
    for row in conn.execute(sa.select(audit.c.id, audit.c.before, audit.c.after).where(named)):
        before, after = _scrub(row.before), _scrub(row.after)
        if (before, after) != (row.before, row.after):
            conn.execute(audit.update().where(audit.c.id == row.id)
                         .values(before=before, after=after))


def downgrade() -> None:
    op.drop_table('settings')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_column('login')
