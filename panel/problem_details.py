"""Errors as JSON problem details (RFC 9457) for the API: a type, a title, the status and a
detail a person can act on; field problems under "errors"."""

from __future__ import annotations

from flask import Response, json

#: paths answered with problem details instead of an error page.
API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Unauthorised",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem_response(
    status: int, detail: str, errors: dict | None = None, headers: dict | None = None
) -> Response:
    """A problem details response with the status's title."""
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request(path: str) -> bool:
    """True for the API's paths."""
    return path.startswith(API_PREFIX)
