"""The partner API (/api/v1): flask-smorest builds the OpenAPI 3.1 document from the views'
schemas; a server-rendered reference page reads that document."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from app.api import operations, reference

SECURITY_SCHEMES = {
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A key issued by the communications team: 'Authorization: Bearer <key>'.",
    }
}


class PanelApi(Api):
    """flask-smorest's Api, leaving the app's error pages alone: the API's blueprint answers
    its own errors as problem details, and panel.errors does so for unknown /api/ paths."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


def init_app(app: Flask) -> None:
    """Register the API, its OpenAPI document at /api/v1/openapi.json and the reference page."""
    app.config.setdefault("API_TITLE", "Lancashire and South Cumbria citizens' panel API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": reference.DESCRIPTION},
            "components": {"securitySchemes": SECURITY_SCHEMES},
            # Public data needs no key; a key is needed only where an operation says so.
            "security": [{}, {"apiKey": []}],
        },
    )
    api = PanelApi()
    api.init_app(app)
    api.register_blueprint(operations.blueprint)
    app.extensions["panel_api"] = api
    app.register_blueprint(reference.blueprint)
