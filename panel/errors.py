"""Friendly NHS-styled error pages; a 500 never shows a stack trace outside debug."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from panel.extensions import db
from panel.i18n import N_, gettext
from panel.problem_details import is_api_request, problem_response

logger = logging.getLogger(__name__)

_MESSAGES = {
    400: (
        N_("Sorry, there is a problem with that request"),
        N_("The request could not be understood. Go back, check what you entered and try again."),
    ),
    403: (
        N_("You do not have permission to see this page"),
        N_("If you think you should, ask the communications and engagement team."),
    ),
    404: (
        N_("Page not found"),
        N_(
            "If you typed the web address, check it is correct. "
            "If you pasted the web address, check you copied the entire address."
        ),
    ),
    405: (
        N_("Sorry, there is a problem with that request"),
        N_("That action is not allowed here."),
    ),
    413: (N_("That file or text is too large"), N_("Go back and send something smaller.")),
    429: (
        N_("Too many attempts"),
        N_("You have tried too many times. Wait a few minutes and try again."),
    ),
    500: (
        N_("Sorry, there is a problem with the service"),
        N_(
            "Try again later. "
            "If the problem continues, contact the communications and engagement team."
        ),
    ),
}


def render_error(status: int, detail: str | None = None):
    """The error page for the status, with an optional message in place of the usual one."""
    title, message = _MESSAGES.get(status, _MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=gettext(title), message=detail or gettext(message)
    ), status


def init_app(app: Flask) -> None:
    """Register the error pages and the handler that logs unexpected errors."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return render_error(
            400,
            gettext(
                "Your form had expired or was sent from another site. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code and error.code < 400:
            return error
        if is_api_request(request.path):
            # The API answers in JSON (RFC 9457): its own handler names the field or key.
            return problem_response(error.code or 500, error.description or "")
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected_error(error):
        logger.exception("unhandled error")
        db.session.rollback()
        if is_api_request(request.path):
            return problem_response(500, "Something went wrong; try again later.")
        return render_error(500)
