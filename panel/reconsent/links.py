"""The signed link in a re-consent email: it names the request and stops working once the
request is answered (its nonce changes) or the campaign closes."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from panel.reconsent.models import ReconsentRequest
from panel.tokens import InvalidToken, TokenPurpose, make_token, read_token

#: where members answer (the answer blueprint's prefix; emails link to it without a request).
ANSWER_PATH = "/consent"


def request_token(request: ReconsentRequest) -> str:
    """The signed token of a request's answer link."""
    return make_token(TokenPurpose.RECONSENT, [request.id, request.nonce])


def request_url(request: ReconsentRequest) -> str:
    """The member's own answer page, built from the configured public address so that jobs
    (which have no request) could put it in an email too."""
    return f"{current_app.config['PUBLIC_BASE_URL']}{ANSWER_PATH}/{request_token(request)}"


def find_request(session: Session, token: str) -> tuple[ReconsentRequest | None, bool]:
    """The request a link names, and whether the link is still unused.

    (None, False) for a link this site did not sign or whose request is gone."""
    try:
        request_id, nonce = read_token(TokenPurpose.RECONSENT, token, None)
    except (InvalidToken, TypeError, ValueError):
        return None, False
    request = session.get(ReconsentRequest, request_id) if isinstance(request_id, int) else None
    if request is None:
        return None, False
    return request, request.nonce == nonce
