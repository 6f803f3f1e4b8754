"""people, rooms and subjects: whether they may still be booked

A person deactivated, a room or subject retired, is kept for the sessions that name it but
cannot be booked again (until reactivated).

Revision ID: 20261205_0006
Revises: 20261205_0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '20261205_0006'
down_revision = '20261205_0005'
branch_labels = None
depends_on = None

TABLES = ('people', 'rooms', 'subjects')


def upgrade() -> None:
    # In place (ALTER TABLE ... ADD COLUMN): on SQLite a rebuild would drop tables others
    # refer to.
    for table in TABLES:
        op.add_column(table, sa.Column('active', sa.Boolean(), nullable=False,
                                       server_default=sa.true()))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, 'active')  # SQLite 3.35+ drops a plain column in place
