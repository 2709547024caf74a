"""What every check page before an email to many people shares on the web side: the example
email's HTML served for its frame (its own inline styles and images, no scripts, no requests
out, only this site may frame it) and the mark on each view that sends to many people (the
mechanism test finds them by it)."""

from __future__ import annotations

from flask import make_response

#: an email's HTML shown in a frame: its inline styles and images, no scripts, no requests out.
EMAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
    "frame-ancestors 'self'; sandbox"
)


def email_frame_response(html: str):
    """The response for a check page's email frame."""
    response = make_response(html)
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def sends_to_many(view):
    """Mark a view as the confirm step of a send to many people (tests/test_mail_checks.py)."""
    view.sends_to_many = True
    return view
