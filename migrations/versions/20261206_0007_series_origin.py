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
    # Added in place, its reference inline (ALTER TABLE ... ADD COLUMN ... REFERENCES): on
    # SQLite, rebuilding `series` would mean dropping a table sessions refer to.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE series ADD COLUMN origin_id INTEGER '
                   'CONSTRAINT fk_series_origin_id_series REFERENCES series (id)')
    else:
        op.add_column('series', sa.Column(
            'origin_id', sa.Integer(),
            sa.ForeignKey('series.id', name=op.f('fk_series_origin_id_series')), nullable=True))
    op.create_index(op.f('ix_series_origin_id'), 'series', ['origin_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_series_origin_id'), table_name='series')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE series DROP COLUMN origin_id')  # SQLite 3.35+, no rebuild
    else:
        op.drop_constraint(op.f('fk_series_origin_id_series'), 'series', type_='foreignkey')
        op.drop_column('series', 'origin_id')
