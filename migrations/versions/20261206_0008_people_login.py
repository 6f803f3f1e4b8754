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
    # A unique index, not a unique constraint: SQLite adds it in place, where a constraint
    # would rebuild `people`, a table every other refers to.
    op.add_column('people', sa.Column('login', sa.String(length=128), nullable=True))
    op.create_index(op.f('ix_people_login'), 'people', ['login'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_people_login'), table_name='people')
    op.drop_column('people', 'login')
