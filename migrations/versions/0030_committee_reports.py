"""the committee's meeting dates, so its report covers the time since the last meeting

Revision ID: 0030_committee_reports
Revises: 0025_decisions
Create Date: 2026-12-07 02:55:00

"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0030_committee_reports'
down_revision = '0025_decisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meetings')),
    sa.UniqueConstraint('held_on', name=op.f('uq_committee_meetings_held_on'))
    )


def downgrade():
    op.drop_table('committee_meetings')
