"""members pause the bulletin separately from survey invitations; format and language may be
unanswered

Revision ID: 0020_bulletin_pause
Revises: 0019_job_runs
Create Date: 2026-12-06 21:00:00.000000

Existing data keeps its meaning. ``paused_until`` was only ever set from the member's "Pause
survey invitations" page, which said "You will still get the bulletin": it stays the invitations
pause, and the new ``bulletin_paused_until`` starts empty for everyone, so nobody's bulletin is
paused without their asking (the bulletin audience had been wrongly leaving them out).
``preferred_format`` and ``language`` become nullable, because the join form no longer asks
them (null means "not asked"); every value already stored is kept as the member gave it.
"""
from alembic import op
import sqlalchemy as sa

import panel.database


# revision identifiers, used by Alembic.
revision = '0020_bulletin_pause'
down_revision = '0019_job_runs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('bulletin_paused_until', panel.database.UTCDateTime(), nullable=True)
        )
        batch_op.alter_column('preferred_format', existing_type=sa.String(length=20),
                              nullable=True)
        batch_op.alter_column('language', existing_type=sa.String(length=10), nullable=True)


def downgrade():
    op.execute("UPDATE members SET preferred_format = 'standard' WHERE preferred_format IS NULL")
    op.execute("UPDATE members SET language = 'en' WHERE language IS NULL")
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.alter_column('language', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('preferred_format', existing_type=sa.String(length=20),
                              nullable=False)
        batch_op.drop_column('bulletin_paused_until')
