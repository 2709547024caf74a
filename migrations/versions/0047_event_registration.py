"""open public registration for events: the event's switch and questions, registrants on
event_invitations (issue 25 point 2)

Revision ID: 0047_event_registration
Revises: 0046_response_channels
Create Date: 2026-12-07 22:40:00.000000

member_id becomes nullable: a registrant is not a member. Existing rows are all members'
invitations and keep their member_id; registration is off for every existing event.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0047_event_registration'
down_revision = '0046_response_channels'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_open', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('registration_questions', sa.JSON(), nullable=True))
    op.execute("UPDATE engagement_events SET registration_questions = '[]'")
    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.alter_column('registration_questions', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('event_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registrant_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('registrant_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('registrant_language', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
        batch_op.alter_column('member_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_event_invitations_event_id_registrant_email'), ['event_id', 'registrant_email'])
        batch_op.create_check_constraint(batch_op.f('ck_event_invitations_member_or_registrant'), "member_id IS NOT NULL OR registrant_name != ''")


def downgrade():
    op.execute("DELETE FROM event_invitations WHERE member_id IS NULL")
    with op.batch_alter_table('event_invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_event_invitations_member_or_registrant'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_event_invitations_event_id_registrant_email'), type_='unique')
        batch_op.alter_column('member_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('answers')
        batch_op.drop_column('registrant_language')
        batch_op.drop_column('registrant_email')
        batch_op.drop_column('registrant_name')

    with op.batch_alter_table('engagement_events', schema=None) as batch_op:
        batch_op.drop_column('registration_questions')
        batch_op.drop_column('registration_open')
