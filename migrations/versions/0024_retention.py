"""retention: a survey records when its answers were deleted under the retention schedule

Revision ID: 0024_retention
Revises: 0021_decision_changes
Create Date: 2026-12-07 00:20:00.000000

Surveys before this revision have never had their answers deleted (the column is null).
"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0024_retention'
down_revision = '0021_decision_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('responses_removed_at', panel.database.UTCDateTime(), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('responses_removed_at')
