"""fair selections record the special category fields they used

Revision ID: 0014_disclosure_rule
Revises: 0013_answer_codes
Create Date: 2026-12-05 10:00:00.000000

Selections made before this revision are marked from their quota characteristics and their
segment's definition as it is now (the definition they were made from was not kept).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_disclosure_rule'
down_revision = '0013_answer_codes'
branch_labels = None
depends_on = None

# A copy, not an import: this revision must keep meaning what it meant when it was written.
SPECIAL_CATEGORY_FIELDS = {
    'ethnic_group', 'ethnic_group_summary', 'religion', 'sexual_orientation', 'disability',
    'gender_identity',
}


def _special_fields(tree):
    found, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if node.get('type') == 'group':
            stack.extend(node.get('items') if isinstance(node.get('items'), list) else [])
        elif isinstance(node.get('field'), str) and node['field'] in SPECIAL_CATEGORY_FIELDS:
            found.add(node['field'])
    return found


def upgrade():
    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('special_category_fields', sa.JSON(), nullable=False,
                                      server_default='[]'))

    selections = sa.table(
        'fair_selections', sa.column('id', sa.Integer), sa.column('segment_id', sa.Integer),
        sa.column('features', sa.JSON), sa.column('special_category_fields', sa.JSON),
    )
    segments = sa.table('segments', sa.column('id', sa.Integer), sa.column('definition', sa.JSON))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(selections.c.id, selections.c.features, segments.c.definition)
        .join(segments, segments.c.id == selections.c.segment_id)
    ).all()
    for selection_id, features, definition in rows:
        used = _special_fields(definition) | (set(features or []) & SPECIAL_CATEGORY_FIELDS)
        if used:
            bind.execute(
                selections.update().where(selections.c.id == selection_id)
                .values(special_category_fields=sorted(used))
            )

    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.alter_column('special_category_fields', server_default=None)


def downgrade():
    with op.batch_alter_table('fair_selections', schema=None) as batch_op:
        batch_op.drop_column('special_category_fields')
