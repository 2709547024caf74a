"""the panel's recruitment target and places' own shares of it; Census unpaid carers (issue 26)

Revision ID: 0037_recruitment_targets
Revises: 0036_events
Create Date: 2026-12-07 06:40:00

"""

from alembic import op
import sqlalchemy as sa
import panel.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = "0037_recruitment_targets"
down_revision = "0036_events"
branch_labels = None
depends_on = None


#: Census 2021 TS039, aged 5 and over, summed over each place's districts (none for South Cumbria).
CARERS = [
    ("blackburn-with-darwen", "carer", 13279),
    ("blackburn-with-darwen", "not_carer", 131403),
    ("blackpool", "carer", 14613),
    ("blackpool", "not_carer", 119063),
    ("lancashire", "carer", 112737),
    ("lancashire", "not_carer", 1058892),
]
SOURCE = "ONS Census 2021 TS039 (aged 5 and over; via shared/data/census2021_unpaid_care_lancashire14.csv)"


def upgrade():
    op.create_table(
        "recruitment_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", panel.database.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_recruitment_targets_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_users.id"],
            name=op.f("fk_recruitment_targets_updated_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruitment_targets")),
        sa.UniqueConstraint("place_id", name=op.f("uq_recruitment_targets_place_id")),
    )
    # A database whose reference figures are already loaded gains the carers' figures (a new
    # one loads them with the rest, from panel/places/data/population_2021.csv).
    for code, category, population in CARERS:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO population_figures (place_id, dimension, category, population, note, "
                "source) SELECT p.id, 'carer', :category, :population, '', :source FROM places p "
                "WHERE p.code = :code AND EXISTS (SELECT 1 FROM population_figures) "
                "AND NOT EXISTS (SELECT 1 FROM population_figures f WHERE f.place_id = p.id "
                "AND f.dimension = 'carer' AND f.category = :existing_category)"
            ),
            {
                "code": code,
                "category": category,
                # a second name for the same value: PostgreSQL cannot give one parameter
                # both the select list's text type and the column's varchar type
                "existing_category": category,
                "population": population,
                "source": SOURCE,
            },
        )


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM population_figures WHERE dimension = 'carer'"))
    op.drop_table("recruitment_targets")
