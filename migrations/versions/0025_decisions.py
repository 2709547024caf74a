"""the decisions register: decisions, the involvement that informed them, status history and
who was told

Revision ID: 0025_decisions
Revises: 0024_retention
Create Date: 2026-12-06 23:42:58.248347

"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0025_decisions'
down_revision = '0024_retention'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('body_kind', sa.Enum('board', 'committee', 'place_board', 'programme', name='bodykind', native_enum=False, length=20), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('paper_reference', sa.String(length=100), nullable=False),
    sa.Column('paper_url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'made', 'implemented', 'reviewed', name='decisionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('duty_applies', sa.Boolean(), nullable=False),
    sa.Column('duty_reason', sa.Text(), nullable=False),
    sa.Column('no_involvement_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('published_at', panel.database.UTCDateTime(), nullable=True),
    sa.Column('we_did_published_at', panel.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_decisions_created_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_decisions_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_place_id'), ['place_id'], unique=False)

    op.create_table('decision_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'made', 'implemented', 'reviewed', name='decisionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('changed_at', panel.database.UTCDateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_users.id'], name=op.f('fk_decision_status_changes_changed_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_status_changes_decision_id_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_status_changes'))
    )
    with op.batch_alter_table('decision_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_status_changes_decision_id'), ['decision_id'], unique=False)

    op.create_table('decision_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('survey', 'decision', 'other', name='linkkind', native_enum=False, length=20), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('earlier_decision_id', sa.Integer(), nullable=True),
    sa.Column('other_kind', sa.Enum('event', 'focus_group', 'partner_report', name='otherkind', native_enum=False, length=20), nullable=True),
    sa.Column('other_title', sa.String(length=200), nullable=False),
    sa.Column('other_date', sa.Date(), nullable=True),
    sa.Column('other_url', sa.String(length=500), nullable=False),
    sa.Column('people_said', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('did', 'did_not', name='linkoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('how_used', sa.Text(), nullable=False),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_links_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['earlier_decision_id'], ['decisions.id'], name=op.f('fk_decision_links_earlier_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_decision_links_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_links'))
    )
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_links_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_links_earlier_decision_id'), ['earlier_decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_links_survey_id'), ['survey_id'], unique=False)

    op.create_table('decision_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'made', 'implemented', 'reviewed', name='decisionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('queued_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_notices_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_decision_notices_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_notices')),
    sa.UniqueConstraint('decision_id', 'member_id', 'status', name=op.f('uq_decision_notices_decision_id_member_id_status'))
    )
    with op.batch_alter_table('decision_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_notices_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_notices_member_id'), ['member_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decision_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_notices_member_id'))
        batch_op.drop_index(batch_op.f('ix_decision_notices_decision_id'))

    op.drop_table('decision_notices')
    with op.batch_alter_table('decision_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_links_survey_id'))
        batch_op.drop_index(batch_op.f('ix_decision_links_earlier_decision_id'))
        batch_op.drop_index(batch_op.f('ix_decision_links_decision_id'))

    op.drop_table('decision_links')
    with op.batch_alter_table('decision_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_status_changes_decision_id'))

    op.drop_table('decision_status_changes')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_place_id'))

    op.drop_table('decisions')
