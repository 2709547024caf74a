"""figure versions: a mark per survey that database triggers change whenever its published
figures could change, so counted figures can be kept until then

Revision ID: 0039_open_data
Revises: 0038_email_attachments
Create Date: 2026-12-07 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0039_open_data'
down_revision = '0038_email_attachments'
branch_labels = None
depends_on = None

#: the response columns any figure is counted or broken down from.
FIGURE_COLUMNS = (
    "survey_id, status, answer_codes, place_id, neighbourhood_id, source, age_band, equality, "
    "submitted_at"
)
#: the survey columns the figures depend on (its questions; its answers deleted).
SURVEY_COLUMNS = "content, responses_removed_at"

SQLITE_BUMP = """
INSERT INTO figure_versions (survey_id, version) VALUES ({sid}, random())
  ON CONFLICT (survey_id) DO UPDATE SET version = random();
"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER figure_versions_response_insert AFTER INSERT ON survey_responses
    WHEN NEW.status = 'submitted' BEGIN {SQLITE_BUMP.format(sid='NEW.survey_id')} END""",
    f"""CREATE TRIGGER figure_versions_response_update AFTER UPDATE OF {FIGURE_COLUMNS}
    ON survey_responses WHEN OLD.status = 'submitted' OR NEW.status = 'submitted'
    BEGIN {SQLITE_BUMP.format(sid='OLD.survey_id')} {SQLITE_BUMP.format(sid='NEW.survey_id')} END""",
    f"""CREATE TRIGGER figure_versions_response_delete AFTER DELETE ON survey_responses
    WHEN OLD.status = 'submitted' BEGIN {SQLITE_BUMP.format(sid='OLD.survey_id')} END""",
    f"""CREATE TRIGGER figure_versions_survey_update AFTER UPDATE OF {SURVEY_COLUMNS} ON surveys
    BEGIN {SQLITE_BUMP.format(sid='NEW.id')} END""",
    """CREATE TRIGGER figure_versions_place_update AFTER UPDATE OF name ON places
    BEGIN UPDATE figure_versions SET version = random(); END""",
]

PG_FUNCTIONS = [
    """CREATE FUNCTION figure_versions_bump(changed integer) RETURNS void AS $$
    BEGIN
      INSERT INTO figure_versions (survey_id, version)
        VALUES (changed, (random() * 9e18)::bigint)
        ON CONFLICT (survey_id) DO UPDATE SET version = EXCLUDED.version;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION figure_versions_response() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM figure_versions_bump(OLD.survey_id); END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM figure_versions_bump(NEW.survey_id); END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION figure_versions_survey() RETURNS trigger AS $$
    BEGIN PERFORM figure_versions_bump(NEW.id); RETURN NULL; END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION figure_versions_place() RETURNS trigger AS $$
    BEGIN UPDATE figure_versions SET version = (random() * 9e18)::bigint; RETURN NULL; END
    $$ LANGUAGE plpgsql""",
]

PG_TRIGGERS = [
    """CREATE TRIGGER figure_versions_response_insert AFTER INSERT ON survey_responses
    FOR EACH ROW WHEN (NEW.status = 'submitted') EXECUTE FUNCTION figure_versions_response()""",
    f"""CREATE TRIGGER figure_versions_response_update AFTER UPDATE OF {FIGURE_COLUMNS}
    ON survey_responses FOR EACH ROW
    WHEN (OLD.status = 'submitted' OR NEW.status = 'submitted')
    EXECUTE FUNCTION figure_versions_response()""",
    """CREATE TRIGGER figure_versions_response_delete AFTER DELETE ON survey_responses
    FOR EACH ROW WHEN (OLD.status = 'submitted') EXECUTE FUNCTION figure_versions_response()""",
    f"""CREATE TRIGGER figure_versions_survey_update AFTER UPDATE OF {SURVEY_COLUMNS} ON surveys
    FOR EACH ROW EXECUTE FUNCTION figure_versions_survey()""",
    """CREATE TRIGGER figure_versions_place_update AFTER UPDATE OF name ON places
    FOR EACH ROW EXECUTE FUNCTION figure_versions_place()""",
]

TRIGGERS = (
    ("figure_versions_response_insert", "survey_responses"),
    ("figure_versions_response_update", "survey_responses"),
    ("figure_versions_response_delete", "survey_responses"),
    ("figure_versions_survey_update", "surveys"),
    ("figure_versions_place_update", "places"),
)


def upgrade():
    op.create_table('figure_versions',
    sa.Column('survey_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_figure_versions'))
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres:
        for name in ("figure_versions_place()", "figure_versions_survey()",
                     "figure_versions_response()", "figure_versions_bump(integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
    op.drop_table('figure_versions')
