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
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                          server_default=sa.true()))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('active')
