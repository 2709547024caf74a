"""The API's request and response shapes (marshmallow), from which the OpenAPI document is
generated. A count hidden under the small-number rule is null, never a number."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from surveys.decisions.models import BodyKind, DecisionStatus

#: ids fit the database's integer column (PostgreSQL refuses larger numbers in a query).
_ID = validate.Range(min=1, max=2**31 - 1)
HIDDEN_NOTE = "null when hidden under the small-number rule (as on the public page)"


class SurveyFilterSchema(Schema):
    """Filters for published results: place, topic, year the survey closed."""

    place_id = fields.Integer(validate=_ID, metadata={"description": "surveys in this place"})
    topic = fields.String(validate=validate.Length(max=60))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class PlaceFilterSchema(Schema):
    """The place whose results to read (a place-scoped key reads only its own)."""

    place_id = fields.Integer(validate=_ID)


class DecisionFilterSchema(Schema):
    """Filters for the decisions register."""

    place_id = fields.Integer(validate=_ID)
    status = fields.Enum(DecisionStatus, by_value=True)
    body_kind = fields.Enum(BodyKind, by_value=True)


class PageSchema(Schema):
    """A page of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class SurveySummarySchema(Schema):
    """A survey whose results are published."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    place = fields.String(allow_none=True, metadata={"description": "null: the whole ICB"})
    topic = fields.String(required=True)
    closed_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(required=True)
    page_url = fields.String(required=True)


class OpenSurveySchema(Schema):
    """A live survey anyone may join."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    closes_at = fields.DateTime(required=True)
    take_part_url = fields.String(required=True)


class EngagementSchema(Schema):
    """The "Our engagement" index: surveys open now and published results."""

    open_surveys = fields.List(fields.Nested(OpenSurveySchema), required=True)
    published_results = fields.List(fields.Nested(SurveySummarySchema), required=True)


class OptionSchema(Schema):
    """One answer option's count and share."""

    label = fields.String(required=True)
    count = fields.Integer(allow_none=True, required=True, metadata={"description": HIDDEN_NOTE})
    share = fields.Float(allow_none=True, required=True)


class QuestionSchema(Schema):
    """A closed question's published figures."""

    key = fields.String(required=True)
    text = fields.String(required=True)
    answered = fields.Integer(allow_none=True, required=True, metadata={"description": HIDDEN_NOTE})
    multiple = fields.Boolean(required=True)
    options = fields.List(fields.Nested(OptionSchema), required=True)


class PlaceCountSchema(Schema):
    """People who answered, in one place."""

    name = fields.String(required=True)
    count = fields.Integer(allow_none=True, required=True, metadata={"description": HIDDEN_NOTE})


class ResultsSchema(Schema):
    """A survey's published figures, small numbers hidden."""

    survey = fields.Nested(SurveySummarySchema, required=True)
    figures_removed = fields.Boolean(
        required=True, metadata={"description": "true once the answers were deleted on schedule"}
    )
    respondents = fields.Integer(allow_none=True, metadata={"description": HIDDEN_NOTE})
    by_place = fields.List(fields.Nested(PlaceCountSchema), required=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True)


class PlaceResultsSchema(Schema):
    """Every closed question of the published surveys of the key's place."""

    results = fields.List(fields.Nested(ResultsSchema), required=True)


class DecisionSchema(Schema):
    """A decision on the public register."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    decided_on = fields.Date(required=True)
    body_kind = fields.String(required=True)
    body_name = fields.String(required=True)
    status = fields.String(required=True)
    place = fields.String(allow_none=True, metadata={"description": "null: the whole ICB"})
    page_url = fields.String(required=True)


class BulletinSchema(Schema):
    """A sent bulletin in the public archive."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    sent_at = fields.DateTime(required=True)
    place_label = fields.String(required=True)
    summary = fields.String(required=True)
    page_url = fields.String(required=True)


class BulletinPageSchema(Schema):
    """One page of the bulletin archive."""

    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    bulletins = fields.List(fields.Nested(BulletinSchema), required=True)


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict()
