"""a survey's own wording of its invitation, reminder and results emails

Revision ID: 0031_survey_emails
Revises: 0030_committee_reports
Create Date: 2026-12-07 02:55:00.000000

"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0031_survey_emails'
down_revision = '0030_committee_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invitation', 'reminder', 'feedback', name='emailkind', native_enum=False, length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_emails_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_survey_emails_updated_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_emails')),
    sa.UniqueConstraint('survey_id', 'kind', name=op.f('uq_survey_emails_survey_id_kind'))
    )
    with op.batch_alter_table('survey_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_emails_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_emails_survey_id'))

    op.drop_table('survey_emails')
