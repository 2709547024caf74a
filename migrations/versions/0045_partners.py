"""partner organisations, partner accounts and partners' report attachments (issue 24 point 3)

Revision ID: 0045_partners
Revises: 0044_involvement_payments
Create Date: 2026-12-07 19:50:00.000000

Existing rows get no organisation: staff accounts, recruitment sources and insight findings
stay as they were; the comms team links sources to organisations afterwards.
"""
from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0045_partners'
down_revision = '0044_involvement_payments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_partner_organisations_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_organisations_name'))
    )
    for table in ('staff_users', 'recruitment_sources', 'insight_findings'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('partner_organisation_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_partner_organisation_id'), ['partner_organisation_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_partner_organisation_id_partner_organisations'), 'partner_organisations', ['partner_organisation_id'], ['id'])
    op.create_table('insight_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', panel.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['insight_findings.id'], name=op.f('fk_insight_attachments_finding_id_insight_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_attachments'))
    )
    with op.batch_alter_table('insight_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_attachments_finding_id'), ['finding_id'], unique=False)


def downgrade():
    with op.batch_alter_table('insight_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_attachments_finding_id'))
    op.drop_table('insight_attachments')
    for table in ('insight_findings', 'recruitment_sources', 'staff_users'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_partner_organisation_id_partner_organisations'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_partner_organisation_id'))
            batch_op.drop_column('partner_organisation_id')
    op.drop_table('partner_organisations')
