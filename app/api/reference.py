"""The API's reference page: every operation of the OpenAPI document, server-rendered (no
script, so it works with the content security policy and without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

DESCRIPTION = (
    "Published figures of the Lancashire and South Cumbria citizens' panel. Public data needs "
    "no key (60 calls a minute per address); a key issued by the communications team is sent "
    "as 'Authorization: Bearer <key>' (600 calls a minute per key). Counts from 1 to the "
    "small-number limit, and any count from which one could be worked out, are null, exactly "
    "as on the public pages. Errors are JSON problem details (RFC 9457). Every call is audited."
)

blueprint = Blueprint("api_reference", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict) -> list[dict]:
    """Each operation of the document: method, path, summary, parameters, responses."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                    "responses": operation.get("responses", {}),
                }
            )
    return found


@blueprint.get("/")
def reference():
    """How to call the API, and every operation."""
    spec = current_app.extensions["panel_api"].spec.to_dict()
    return render_template(
        "api/reference.html", spec=spec, operations=operations(spec), description=DESCRIPTION
    )
