"""feedback: who recorded it, when not its author

Feedback is given by its author; staff may record it on the author's behalf, and who did is
kept beside it (empty for feedback the author gave).

Revision ID: 20261205_0005
Revises: 20261204_0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '20261205_0005'
down_revision = '20261204_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feedback_recorded_by_id_people'), 'people',
                                    ['recorded_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_recorded_by_id_people'),
                                 type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
