"""the scheduler records each job's last run: its heartbeat, failures and late runs

Revision ID: 0019_job_runs
Revises: 0018_finding_marks
Create Date: 2026-12-06 21:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from panel.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019_job_runs'
down_revision = '0018_finding_marks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('job_id', sa.String(length=60), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('last_started_at', UTCDateTime(), nullable=False),
        sa.Column('last_finished_at', UTCDateTime(), nullable=False),
        sa.Column('last_succeeded', sa.Boolean(), nullable=False),
        sa.Column('last_error', sa.String(length=120), nullable=False),
        sa.Column('late_seconds', sa.Integer(), nullable=False),
        sa.Column('last_late_at', UTCDateTime(), nullable=True),
        sa.Column('last_late_seconds', sa.Integer(), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('job_id', name=op.f('pk_job_runs')),
    )


def downgrade():
    op.drop_table('job_runs')
