"""people: the login each acts as

A person's login is the database role their connection authenticates as (PostgreSQL) or their
operating-system user (SQLite); who runs the program acts as the person bound to it.

Revision ID: 20261206_0008
Revises: 20261206_0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = '20261206_0008'
down_revision = '20261206_0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_login'), ['login'])


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_people_login'), type_='unique')
        batch_op.drop_column('login')
