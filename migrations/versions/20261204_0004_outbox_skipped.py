"""outbox: a `skipped` status for reminders no longer due when their turn came

Until now such a reminder (its session cancelled, started or moved, or the recipient taken
off it) was marked `failed` with an error beginning "not sent: ". It was never a failure:
it now has its own status, and the rows already marked that way move to it (the reason
kept, without the prefix).

Revision ID: 20261204_0004
Revises: 20261122_0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '20261204_0004'
down_revision = '20261122_0003'
branch_labels = None
depends_on = None

_PREFIX = "not sent: "
_REMINDER = sa.text("kind = 'reminder'")


def _statuses(*values: str) -> str:
    return "status IN ({})".format(", ".join(f"'{v}'" for v in values))


def _with_status_check(*values: str) -> None:
    # The partial unique index of reminders is dropped and made again around the change:
    # on SQLite the table is copied, and its WHERE clause must come through whole.
    op.drop_index('uq_outbox_reminder', table_name='outbox')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_status'), _statuses(*values))
    op.create_index('uq_outbox_reminder', 'outbox', ['session_id', 'recipient', 'kind', 'start_at'],
                    unique=True, sqlite_where=_REMINDER, postgresql_where=_REMINDER)


def upgrade() -> None:
    _with_status_check('pending', 'sending', 'sent', 'failed', 'skipped')
    op.execute(sa.text(
        "UPDATE outbox SET status = 'skipped', last_error = substr(last_error, :cut) "
        "WHERE status = 'failed' AND kind = 'reminder' AND last_error LIKE :prefix"
    ).bindparams(cut=len(_PREFIX) + 1, prefix=_PREFIX + "%"))


def downgrade() -> None:
    op.execute(sa.text(
        "UPDATE outbox SET status = 'failed', last_error = :prefix || coalesce(last_error, '') "
        "WHERE status = 'skipped'").bindparams(prefix=_PREFIX))
    _with_status_check('pending', 'sending', 'sent', 'failed')
