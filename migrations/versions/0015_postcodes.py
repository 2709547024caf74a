"""postcode districts record every place they cover and whether they reach outside the ICB

Revision ID: 0015_postcodes
Revises: 0014_disclosure_rule
Create Date: 2026-12-06 10:00:00.000000

The flags ``straddles`` and ``in_icb`` could disagree with the place a district suggested (a
district "in the ICB" with no place, one "straddling" with one place), and no row said which
other places a shared district covers. Each district now lists the places it covers and whether
part of it lies outside the ICB; both flags are read from those. Rows already stored keep their
place (staff may have corrected it) and gain the places and the outside part the project's data
file records for their code; rows staff marked as outside the ICB cover no place.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_postcodes'
down_revision = '0014_disclosure_rule'
branch_labels = None
depends_on = None

# Copies, not imports: this revision must keep meaning what it meant when it was written
# (panel/places/data/postcode_districts.csv: place_code, other_place_codes, reaches_outside).
_COVERS = {
    ('blackburn-with-darwen', 'lancashire'): 'BB1 BB2',
    ('blackburn-with-darwen',): 'BB3 BL7',
    ('lancashire',): 'BB4 BB5 BB6 BB7 BB8 BB9 BB10 BB11 BB12 BB18 FY7 FY8 LA1 LA2 LA3 LA4 PR1 '
                     'PR2 PR3 PR4 PR5 PR6 PR7 PR8 PR9 PR25 PR26 L39 L40 WN8 WN6 OL12 OL13 BL0 BL6',
    ('blackpool',): 'FY1 FY2',
    ('blackpool', 'lancashire'): 'FY3 FY4 FY5 FY6',
    ('lancashire', 'south-cumbria'): 'LA5 LA6',
    ('south-cumbria',): 'LA7 LA8 LA9 LA10 LA11 LA12 LA13 LA14 LA15 LA16 LA17 LA20 LA21 LA22 LA23',
}
COVERS = {code: places for places, codes in _COVERS.items() for code in codes.split()}
REACHES_OUTSIDE = set(
    'BB7 BB18 BL0 BL6 BL7 LA2 LA6 LA10 LA20 OL12 PR8 PR9 WN6 WN8'.split()
)

districts = sa.table(
    'postcode_districts', sa.column('outward_code', sa.String), sa.column('place_id', sa.Integer),
    sa.column('in_icb', sa.Boolean), sa.column('straddles', sa.Boolean),
    sa.column('reaches_outside', sa.Boolean),
)
covered = sa.table(
    'postcode_district_places', sa.column('outward_code', sa.String),
    sa.column('place_id', sa.Integer),
)
places = sa.table('places', sa.column('id', sa.Integer), sa.column('code', sa.String))


def upgrade():
    # Read what the old flags said first: the batch operation below rebuilds the table on
    # SQLite, which must happen before any row refers to it (a rebuild would cascade).
    bind = op.get_bind()
    place_ids = dict(bind.execute(sa.select(places.c.code, places.c.id)).all())
    coverage = {}
    for code, place_id, in_icb in bind.execute(
        sa.select(districts.c.outward_code, districts.c.place_id, districts.c.in_icb)
    ).all():
        ids = set()
        if in_icb:
            ids = {place_id} if place_id is not None else set()
            ids |= {place_ids[c] for c in COVERS.get(code, ()) if c in place_ids}
        coverage[code] = (ids, code in REACHES_OUTSIDE or not ids)

    with op.batch_alter_table('postcode_districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reaches_outside', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.drop_column('straddles')
        batch_op.drop_column('in_icb')
    with op.batch_alter_table('postcode_districts', schema=None) as batch_op:
        batch_op.alter_column('reaches_outside', server_default=None)

    op.create_table('postcode_district_places',
    sa.Column('outward_code', sa.String(length=4), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outward_code'], ['postcode_districts.outward_code'], name=op.f('fk_postcode_district_places_outward_code_postcode_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_postcode_district_places_place_id_places')),
    sa.PrimaryKeyConstraint('outward_code', 'place_id', name=op.f('pk_postcode_district_places'))
    )
    with op.batch_alter_table('postcode_district_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postcode_district_places_place_id'), ['place_id'], unique=False)

    for code, (ids, reaches_outside) in coverage.items():
        for covered_id in sorted(ids):
            bind.execute(covered.insert().values(outward_code=code, place_id=covered_id))
        # The place a district suggests is always one it covers.
        values = {'reaches_outside': reaches_outside}
        if not ids:
            values['place_id'] = None
        bind.execute(districts.update().where(districts.c.outward_code == code).values(**values))


def downgrade():
    bind = op.get_bind()
    counts = dict(bind.execute(
        sa.select(covered.c.outward_code, sa.func.count()).group_by(covered.c.outward_code)
    ).all())
    with op.batch_alter_table('postcode_district_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postcode_district_places_place_id'))
    op.drop_table('postcode_district_places')

    with op.batch_alter_table('postcode_districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_icb', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('straddles', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    for code, reaches_outside in bind.execute(
        sa.select(districts.c.outward_code, districts.c.reaches_outside)
    ).all():
        count = counts.get(code, 0)
        bind.execute(districts.update().where(districts.c.outward_code == code).values(
            in_icb=count > 0, straddles=count > 1 or (count > 0 and reaches_outside)))
    with op.batch_alter_table('postcode_districts', schema=None) as batch_op:
        batch_op.alter_column('in_icb', server_default=None)
        batch_op.alter_column('straddles', server_default=None)
        batch_op.drop_column('reaches_outside')
