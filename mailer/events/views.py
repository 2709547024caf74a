"""The SendGrid Event Webhook endpoint: signature checked, then one transaction per post."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, request

from mailer.events.services import WebhookRejected, ingest_events, verify_post
from panel.database import utcnow
from panel.extensions import csrf, db

blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks")
logger = logging.getLogger(__name__)


@blueprint.post("/sendgrid")
@csrf.exempt  # SendGrid cannot send a CSRF token; the ECDSA signature authenticates the post.
def sendgrid_events():
    """SendGrid's Event Webhook: verify the signature, then store the events."""
    body = request.get_data(cache=False)
    now = utcnow()
    try:
        verify_post(
            current_app.config["SENDGRID_WEBHOOK_PUBLIC_KEY"],
            body,
            request.headers.get("X-Twilio-Email-Event-Webhook-Signature"),
            request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp"),
            now,
        )
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise WebhookRejected("the body is not JSON", status=400) from error
        result = ingest_events(db.session, payload, now)
    except WebhookRejected as rejected:
        db.session.rollback()
        logger.warning("webhook post rejected: %s", rejected)
        return {"error": str(rejected)}, rejected.status
    db.session.commit()
    return {"stored": result.stored, "duplicates": result.duplicates}, 200
