"""authors can mark a guidance finding as wrong, with a reason (issue 27)

Revision ID: 0018_finding_marks
Revises: 0017_quotas
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import panel.database


# revision identifiers, used by Alembic.
revision = '0018_finding_marks'
down_revision = '0017_quotas'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_finding_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('question_key', sa.String(length=60), nullable=False),
    sa.Column('question_type', sa.String(length=40), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['staff_users.id'], name=op.f('fk_survey_finding_marks_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_finding_marks_survey_id_surveys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_finding_marks'))
    )
    with op.batch_alter_table('survey_finding_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_finding_marks_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_finding_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_finding_marks_survey_id'))
    op.drop_table('survey_finding_marks')
