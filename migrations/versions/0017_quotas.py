"""fair selections record whose population their targets came from, and targets the user set

Revision ID: 0017_quotas
Revises: 0015_postcodes
Create Date: 2026-12-08 10:00:00.000000

Selections made before this revision get empty lists: their reports show the quotas they used,
without targets.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_quotas'
down_revision = '0015_postcodes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('population_place_ids', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('target_shares', sa.JSON(), nullable=False,
                                      server_default='{}'))
    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.alter_column('population_place_ids', server_default=None)
        batch_op.alter_column('target_shares', server_default=None)


def downgrade():
    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.drop_column('target_shares')
        batch_op.drop_column('population_place_ids')
