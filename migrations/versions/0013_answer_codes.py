"""answer codes on sent responses, counted by the results; the answer tallies go

Tallies kept at submit time drifted from the answers when a sent response was changed: every
figure is now counted from the answers' codes at the moment it is shown. Existing sent responses
get their codes here.

Revision ID: 0013_answer_codes
Revises: 0012_login_sessions
Create Date: 2026-12-06 05:40:00

"""
import json
from collections import defaultdict

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0013_answer_codes'
down_revision = '0012_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_codes', sa.Text(), nullable=True))
    _fill_codes()
    op.drop_table('survey_answer_tallies')
    if op.get_bind().dialect.name == 'postgresql':
        # Results filter and group by these fields across every response: JSONB reads a field
        # without parsing the whole text again.
        op.alter_column('survey_responses', 'equality', type_=postgresql.JSONB(),
                        postgresql_using='equality::jsonb')


def _fill_codes():
    # The encoder is a pure function of the questions and the answers (surveys.answer_codes).
    from surveys.answer_codes import encode, layout_of

    bind = op.get_bind()
    responses = sa.table('survey_responses', sa.column('id'), sa.column('survey_id'),
                         sa.column('status'), sa.column('answer_codes'))
    answers = sa.table('survey_answers', sa.column('response_id'), sa.column('question_key'),
                       sa.column('value'))
    surveys = sa.table('surveys', sa.column('id'), sa.column('content'))
    sent = bind.execute(
        sa.select(responses.c.id, responses.c.survey_id).where(responses.c.status == 'submitted')
    ).all()
    by_survey = defaultdict(list)
    for response_id, survey_id in sent:
        by_survey[survey_id].append(response_id)
    for survey_id, response_ids in by_survey.items():
        content = bind.execute(sa.select(surveys.c.content).where(surveys.c.id == survey_id)).scalar()
        content = json.loads(content) if isinstance(content, str) else (content or {})
        layout = layout_of(content)
        for start in range(0, len(response_ids), 1000):
            chunk = response_ids[start:start + 1000]
            found = defaultdict(dict)
            for response_id, key, value in bind.execute(
                sa.select(answers.c.response_id, answers.c.question_key, answers.c.value)
                .where(answers.c.response_id.in_(chunk))
            ):
                found[response_id][key] = json.loads(value) if isinstance(value, str) else value
            bind.execute(
                responses.update().where(responses.c.id == sa.bindparam('response_id'))
                .values(answer_codes=sa.bindparam('codes')),
                [{'response_id': r, 'codes': encode(layout, found.get(r, {}))} for r in chunk],
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('survey_responses', 'equality', type_=sa.JSON(),
                        postgresql_using='equality::json')
    op.create_table('survey_answer_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=60), nullable=False),
    sa.Column('option', sa.String(length=300), nullable=False),
    sa.Column('place_key', sa.Integer(), nullable=False),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_answer_tallies_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer_tallies')),
    sa.UniqueConstraint('survey_id', 'question_key', 'option', 'place_key', 'age_band', 'sex', 'source', name='uq_survey_answer_tallies_cell')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_column('answer_codes')
