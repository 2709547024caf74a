"""Schemathesis against the API's own OpenAPI document, in process: property-based requests to
every operation, anonymous and with a place-scoped key; no answer of 500 or above, and every
answer (status, media type, body) as the document describes it."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.helpers import bearer, key_for, published_survey

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_answers_as_its_document_says(app, session, now):
    published_survey(app, session, now, "blackpool")
    _key, secret = key_for(session, ["read-public", "read-place-results"], "blackpool")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    assert schema.raw_schema["openapi"] == "3.1.0"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8

    for operation in operations:
        for headers in ({}, bearer(secret)):
            _check(operation, headers)


def _check(operation, headers: dict) -> None:
    @SETTINGS
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call_and_validate(headers=headers)
        assert response.status_code < 500

    call()
