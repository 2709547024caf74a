"""each response's channel (online, paper, phone, event, partner), paper copies with unique
references, and who entered a response gathered offline (issue 23 point 4)

Revision ID: 0046_response_channels
Revises: 0045_partners
Create Date: 2026-12-07 22:10:00.000000

Every existing response was answered online, so the new column's server default marks them
so. The column is added without rebuilding survey_responses (SQLite would rebuild it for a
foreign key, and drop the figure-mark triggers of 0039_open_data with it): who entered a
response lives in a table of its own.
"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0046_response_channels'
down_revision = '0045_partners'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('survey_responses', sa.Column(
        'channel',
        sa.Enum('online', 'paper', 'phone', 'event', 'partner', name='responsechannel', native_enum=False, length=20),
        server_default='online',
        nullable=False,
    ))
    op.create_table('survey_paper_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_paper_copies_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_survey_paper_copies_created_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_paper_copies')),
    sa.UniqueConstraint('reference', name=op.f('uq_survey_paper_copies_reference'))
    )
    with op.batch_alter_table('survey_paper_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_paper_copies_survey_id'), ['survey_id'], unique=False)
    op.create_table('survey_response_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('paper_copy_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_response_entries_response_id_survey_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['staff_users.id'], name=op.f('fk_survey_response_entries_entered_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['paper_copy_id'], ['survey_paper_copies.id'], name=op.f('fk_survey_response_entries_paper_copy_id_survey_paper_copies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response_entries')),
    sa.UniqueConstraint('response_id', name=op.f('uq_survey_response_entries_response_id')),
    sa.UniqueConstraint('paper_copy_id', name=op.f('uq_survey_response_entries_paper_copy_id'))
    )
    with op.batch_alter_table('survey_response_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_entries_entered_by_id'), ['entered_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_response_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_entries_entered_by_id'))
    op.drop_table('survey_response_entries')
    with op.batch_alter_table('survey_paper_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_paper_copies_survey_id'))
    op.drop_table('survey_paper_copies')
    # A plain DROP COLUMN (SQLite 3.35+), so the table is not rebuilt and keeps its triggers.
    op.drop_column('survey_responses', 'channel')
