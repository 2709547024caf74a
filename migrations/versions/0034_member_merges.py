"""member merges: duplicate members proposed, merged (with what moved, for undo) or judged
different

Revision ID: 0034_member_merges
Revises: 0033_insights
Create Date: 2026-12-07 03:15:00

"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0034_member_merges'
down_revision = '0033_insights'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_member_id', sa.Integer(), nullable=True),
    sa.Column('merged_member_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'merged', 'undone', 'not_duplicate', 'purged', name='mergestatus', native_enum=False, length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.String(length=300), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', panel.database.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', panel.database.UTCDateTime(), nullable=True),
    sa.Column('undone_at', panel.database.UTCDateTime(), nullable=True),
    sa.Column('purged_at', panel.database.UTCDateTime(), nullable=True),
    sa.Column('moves', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'], name=op.f('fk_member_merges_decided_by_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kept_member_id'], ['members.id'], name=op.f('fk_member_merges_kept_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_member_id'], ['members.id'], name=op.f('fk_member_merges_merged_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['staff_users.id'], name=op.f('fk_member_merges_proposed_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_merges'))
    )
    with op.batch_alter_table('member_merges', schema=None) as batch_op:
        batch_op.create_index('ix_member_merges_status_merged', ['status', 'merged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_merges_kept_member_id'), ['kept_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_merges_merged_member_id'), ['merged_member_id'], unique=False)


def downgrade():
    with op.batch_alter_table('member_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_merges_merged_member_id'))
        batch_op.drop_index(batch_op.f('ix_member_merges_kept_member_id'))
        batch_op.drop_index('ix_member_merges_status_merged')

    op.drop_table('member_merges')
