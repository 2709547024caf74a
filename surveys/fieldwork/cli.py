"""`flask recount-answers`: write every sent response's answer codes again from its answers."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from panel.extensions import db
from surveys.fieldwork.answers import refresh_answer_codes
from surveys.fieldwork.models import ResponseStatus, SurveyResponse
from surveys.models import Survey


@click.command("recount-answers")
@click.option("--survey", "survey_id", type=int, default=None, help="Only this survey.")
@with_appcontext
def recount_answers(survey_id: int | None) -> None:
    """For responses sent before answer codes existed, or after a survey's questions changed:
    the results pages say when it is needed. Safe to run again."""
    query = sa.select(Survey)
    if survey_id is not None:
        query = query.where(Survey.id == survey_id)
    total = 0
    for survey in db.session.scalars(query).all():
        responses = db.session.scalars(
            sa.select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.status == ResponseStatus.SUBMITTED,
            )
        ).all()
        for response in responses:
            refresh_answer_codes(db.session, survey, response)
        db.session.commit()
        total += len(responses)
    click.echo(f"Recounted the answers of {total} sent responses")
