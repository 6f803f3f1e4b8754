"""caldav_sync: what `sync caldav` last sent to each calendar of each server

One row per resource (a series with its exceptions, or a one-off): the digest of what was
sent, so a second run sends only what changed. A new table: nothing else is touched.

Revision ID: 20261208_0011
Revises: 20261207_0010
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from sessionsctl.store.types import UTCDateTime

revision = '20261208_0011'
down_revision = '20261207_0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'caldav_sync',
        sa.Column('server', sa.String(length=500), nullable=False),
        sa.Column('calendar', sa.String(length=320), nullable=False),
        sa.Column('uid', sa.String(length=300), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('synced_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('server', 'calendar', 'uid', name=op.f('pk_caldav_sync')),
    )


def downgrade() -> None:
    op.drop_table('caldav_sync')
