"""The SendGrid Event Webhook: signatures, staleness, replays, duplicates, one transaction."""

from __future__ import annotations

import base64
import json
import time

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mailer.backends import verify_sendgrid_signature
from mailer.events.models import EmailEvent
from mailer.models import EmailSuppression, SuppressionReason
from mailer.suppression import email_hash
from panel.members.models import Member
from tests.factories import make_member

# SendGrid's published test vector (sendgrid-python test/unit/test_eventwebhook.py).
SAMPLE_KEY = (
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3G"
    "Rqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
)
SAMPLE_SIGNATURE = (
    "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqH"
    "h89M15TluLtEZtM="
)
SAMPLE_TIMESTAMP = "1600112502"
SAMPLE_PAYLOAD = (
    json.dumps(
        [
            {
                "email": "hello@world.com",
                "event": "dropped",
                "reason": "Bounced Address",
                "sg_event_id": "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA",
                "sg_message_id": "LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18"
                "-5F5FC76C-9.0",
                "smtp-id": "<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>",
                "timestamp": 1600112492,
            }
        ],
        sort_keys=True,
        separators=(",", ":"),
    )
    + "\r\n"
)

PRIVATE_KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_KEY = base64.b64encode(
    PRIVATE_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()


@pytest.fixture
def app_config(tmp_path):
    return {"SENDGRID_WEBHOOK_PUBLIC_KEY": PUBLIC_KEY, "OUTBOX_DIR": str(tmp_path / "outbox")}


def sign(body: bytes, timestamp: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    signature = PRIVATE_KEY.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


def event(kind, email="someone@example.com", event_id=None, **extra):
    return {
        "email": email,
        "event": kind,
        "timestamp": int(time.time()) - 5,
        "sg_event_id": event_id or f"{kind}-{email}-{extra.get('url', '')}",
        "sg_message_id": "msg-1",
        "bulletin_id": "3",
        "recipient_id": "7",
        **extra,
    }


def post(client, events, headers=None):
    body = json.dumps(events).encode()
    return client.post("/webhooks/sendgrid", data=body, headers=headers or sign(body))


def _count(session, model=EmailEvent):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_sendgrids_published_sample_vector_verifies():
    assert verify_sendgrid_signature(
        SAMPLE_KEY, SAMPLE_PAYLOAD.encode(), SAMPLE_SIGNATURE, SAMPLE_TIMESTAMP
    )
    assert not verify_sendgrid_signature(
        SAMPLE_KEY, SAMPLE_PAYLOAD.encode()[:-3] + b"}\r\n", SAMPLE_SIGNATURE, SAMPLE_TIMESTAMP
    )


def test_signed_events_are_stored_with_their_ids(client, session):
    response = post(client, [event("delivered"), event("open", sg_machine_open=True)])
    assert response.status_code == 200 and response.json["stored"] == 2
    opened = session.scalar(sa.select(EmailEvent).where(EmailEvent.event == "open"))
    assert opened.machine_open is True and opened.bulletin_id == 3 and opened.recipient_id == 7
    assert opened.email_hash == email_hash("someone@example.com")


@pytest.mark.parametrize("tamper", ["forged", "one_byte", "stale", "no_headers", "future"])
def test_forged_changed_and_stale_posts_change_nothing(client, session, tamper):
    body = json.dumps([event("spamreport")]).encode()
    headers = sign(body)
    if tamper == "forged":
        other = ec.generate_private_key(ec.SECP256R1())
        signature = other.sign(
            headers["X-Twilio-Email-Event-Webhook-Timestamp"].encode() + body,
            ec.ECDSA(hashes.SHA256()),
        )
        headers["X-Twilio-Email-Event-Webhook-Signature"] = base64.b64encode(signature).decode()
    elif tamper == "one_byte":
        body = body.replace(b"spamreport", b"spamreporT")
    elif tamper == "stale":
        headers = sign(body, str(int(time.time()) - 301))
    elif tamper == "future":
        headers = sign(body, str(int(time.time()) + 3600))
    else:
        headers = {"Content-Type": "application/json"}
    response = client.post("/webhooks/sendgrid", data=body, headers=headers)
    assert response.status_code == 403
    assert _count(session) == 0 and _count(session, EmailSuppression) == 0


def test_verbatim_replay_and_duplicate_events_count_once(client, session):
    delivered = event("delivered")
    body = json.dumps([delivered, delivered]).encode()
    headers = sign(body)
    first = client.post("/webhooks/sendgrid", data=body, headers=headers)
    replay = client.post("/webhooks/sendgrid", data=body, headers=headers)
    assert first.json == {"stored": 1, "duplicates": 1}
    assert replay.json == {"stored": 0, "duplicates": 2}
    # Built from the same event, not a new one: event() stamps the current second.
    renamed = {**delivered, "sg_event_id": "a-new-id-for-the-same-event"}
    assert post(client, [renamed]).json["stored"] == 0  # same message, event, time: a retry
    assert _count(session) == 1


def test_a_bad_item_rejects_the_whole_post(client, session):
    response = post(client, [event("bounce"), {"event": "nonsense"}])
    assert response.status_code == 400
    assert _count(session) == 0 and _count(session, EmailSuppression) == 0
    assert post(client, {"not": "a list"}).status_code == 400
    body = b"{not json"
    assert client.post("/webhooks/sendgrid", data=body, headers=sign(body)).status_code == 400


def test_hard_bounces_and_spam_reports_suppress_deferrals_do_not(client, session):
    member = make_member(session, email="complainer@example.com")
    session.commit()
    post(
        client,
        [
            event("bounce", email="bounced@example.com", type="bounce"),
            event("bounce", email="blocked@example.com", type="blocked"),
            event("deferred", email="slow@example.com"),
            event("spamreport", email="complainer@example.com"),
            event("group_unsubscribe", email="leaver@example.com"),
        ],
    )
    reasons = {row.email_hash: row.reason for row in session.scalars(sa.select(EmailSuppression))}
    assert reasons == {
        email_hash("bounced@example.com"): SuppressionReason.BOUNCED,
        email_hash("complainer@example.com"): SuppressionReason.COMPLAINED,
        email_hash("leaver@example.com"): SuppressionReason.UNSUBSCRIBED,
    }
    session.expire_all()
    assert session.get(Member, member.id).unsubscribed_at is not None


def test_addresses_in_bounce_reasons_are_not_kept(client, session):
    post(
        client,
        [
            event(
                "bounce",
                email="x@example.com",
                type="bounce",
                reason="550 x@example.com does not exist",
            )
        ],
    )
    stored = session.scalar(sa.select(EmailEvent))
    assert "x@example.com" not in stored.reason and "does not exist" in stored.reason


def test_without_a_configured_key_every_post_is_refused(app, client, session):
    from mailer.events.models import EmailEvent

    app.config["SENDGRID_WEBHOOK_PUBLIC_KEY"] = ""
    response = client.post("/webhooks/sendgrid", data=b"[]", content_type="application/json")
    assert response.status_code == 403
    assert session.query(EmailEvent).count() == 0
