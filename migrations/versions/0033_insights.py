"""the insight library, decisions informed by its findings, and drafts of the annual report's
involvement section

Revision ID: 0033_insights
Revises: 0032_bulletin_blocks
Create Date: 2026-12-07 02:43:18.760662

"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0033_insights'
down_revision = '0032_bulletin_blocks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_start', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('generated_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_annual_report_drafts_updated_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report_drafts')),
    sa.UniqueConstraint('year_start', name=op.f('uq_annual_report_drafts_year_start'))
    )
    op.create_table('insight_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source_kind', sa.Enum('survey', 'event', 'focus_group', 'partner_report', name='sourcekind', native_enum=False, length=20), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('heard_on', sa.Date(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('topic_codes', sa.String(length=500), nullable=False),
    sa.Column('group_codes', sa.String(length=500), nullable=False),
    sa.Column('people_heard', sa.Integer(), nullable=True),
    sa.Column('involvement', sa.Enum('inform', 'listen', 'discuss', 'collaborate', 'empower', name='involvementlevel', native_enum=False, length=20), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_insight_findings_created_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_insight_findings_decision_id_decisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_insight_findings_place_id_places')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_insight_findings_survey_id_surveys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_findings'))
    )
    with op.batch_alter_table('insight_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_findings_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_findings_heard_on'), ['heard_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_findings_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_findings_survey_id'), ['survey_id'], unique=False)

    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('insight_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_decision_links_insight_id'), ['insight_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_decision_links_insight_id_insight_findings'), 'insight_findings', ['insight_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decision_links_insight_id_insight_findings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_decision_links_insight_id'))
        batch_op.drop_column('insight_id')

    with op.batch_alter_table('insight_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_findings_survey_id'))
        batch_op.drop_index(batch_op.f('ix_insight_findings_place_id'))
        batch_op.drop_index(batch_op.f('ix_insight_findings_heard_on'))
        batch_op.drop_index(batch_op.f('ix_insight_findings_decision_id'))

    op.drop_table('insight_findings')
    op.drop_table('annual_report_drafts')
