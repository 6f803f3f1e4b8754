"""series: the series a split part was split from

`--scope following` splits a series in two; each part split off keeps the id of the original
series (the first of them all, also for a split of a split), so `--scope all` reaches every
part of it. Empty for a series never split off.

Revision ID: 20261206_0007
Revises: 20261205_0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '20261206_0007'
down_revision = '20261205_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_series_origin_id_series'), 'series',
                                    ['origin_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_series_origin_id'), ['origin_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_origin_id'))
        batch_op.drop_constraint(batch_op.f('fk_series_origin_id_series'), type_='foreignkey')
        batch_op.drop_column('origin_id')
