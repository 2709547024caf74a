"""decisions can be changed after publishing: each change keeps the earlier wording

Revision ID: 0021_decision_changes
Revises: 0020_bulletin_pause
Create Date: 2026-12-06 21:10:00.000000

Decisions made before this revision have no changes and no updated_at.
"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0021_decision_changes'
down_revision = '0020_bulletin_pause'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', panel.database.UTCDateTime(), nullable=True))
    op.create_table('survey_decision_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('did', 'doing', 'did_not', name='outcome', native_enum=False, length=20), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('changed_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_users.id'], name=op.f('fk_survey_decision_changes_changed_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['survey_decisions.id'], name=op.f('fk_survey_decision_changes_decision_id_survey_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_decision_changes'))
    )
    with op.batch_alter_table('survey_decision_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_decision_changes_decision_id'), ['decision_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_decision_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_decision_changes_decision_id'))
    op.drop_table('survey_decision_changes')
    with op.batch_alter_table('survey_decisions', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
