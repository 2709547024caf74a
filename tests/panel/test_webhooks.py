"""Outbound webhooks against a loopback receiver: Standard Webhooks signatures checked with the
reference implementation (both secrets during a rotation), retries with exponential backoff as
`now` moves on, 410 and repeated failure disabling the endpoint and telling its owner, manual
redelivery, replay protection, thin payloads, and events queued in the change's transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.domain_events import DomainEvent, EventType, emit
from panel.webhooks.delivery import (
    LOG_RETENTION,
    RETRY_DELAYS,
    deliver_due_webhooks,
    forget_old_deliveries,
    record_answer,
)
from panel.webhooks.egress import Answer
from panel.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from panel.webhooks.outbox import MAX_PAYLOAD_BYTES, new_message_id, payload_for
from panel.webhooks.services import (
    ROTATION_OVERLAP,
    WebhookError,
    delivery_log,
    enable_endpoint,
    redeliver,
    rotate_secret,
)
from panel.webhooks.signing import decrypt_secret, new_secret, signed_headers, signing_secrets
from surveys.fieldwork.invitations import close_survey
from surveys.insights.library import record_insight
from surveys.models import Survey, SurveyStatus
from surveys.services import lifecycle
from tests.factories import make_staff, place
from tests.panel.webhook_helpers import loopback_endpoint, start_receiver
from tests.surveys.insight_helpers import finding_fields


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "WEBHOOK_ALLOW_LOOPBACK": True}


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def _deliver(session, now) -> int:
    return deliver_due_webhooks(session, now, allow_loopback=True)


def _deliveries(session) -> list[WebhookDelivery]:
    return list(session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _actions(session, action) -> list[AuditEvent]:
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_reference_implementation_verifies_a_delivery_with_either_secret_during_rotation(
    session, receiver
):
    now = datetime.now(UTC)  # the reference verifier checks the timestamp against its clock
    endpoint, old = loopback_endpoint(session, receiver.url, now)
    new = rotate_secret(session, None, endpoint, now)
    emit(session, EventType.RESULTS_PUBLISHED, 7, None, now)
    session.commit()

    assert _deliver(session, now) == 1
    got = receiver.received[0]
    assert got.path == "/hooks?source=panel"
    assert got.headers["content-type"] == "application/json"
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(got.body, got.headers)["data"]["id"] == 7
    assert _deliveries(session)[0].status is DeliveryStatus.DELIVERED

    # After the overlap only the new secret signs, and the job forgets the old one.
    after = now + ROTATION_OVERLAP + timedelta(seconds=1)
    headers = signed_headers(signing_secrets(endpoint, after), "msg_x", got.body, now)
    Webhook(new).verify(got.body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, headers)
    _deliver(session, after)
    assert session.get(WebhookEndpoint, endpoint.id).previous_secret_encrypted is None


def test_a_failing_receiver_is_retried_with_exponential_backoff_until_it_answers(
    session, receiver, now
):
    receiver.answers = [500, 503]
    endpoint, _secret = loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.DECISION_RECORDED, 3, None, now)
    session.commit()

    assert _deliver(session, now) == 1
    (delivery,) = _deliveries(session)
    first = delivery.attempts[0]
    assert (delivery.status, delivery.failures, first.status_code) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    assert delivery.next_attempt_at - first.attempted_at == RETRY_DELAYS[0] == timedelta(minutes=1)
    assert _deliver(session, delivery.next_attempt_at - timedelta(seconds=1)) == 0

    assert _deliver(session, delivery.next_attempt_at) == 1
    second = delivery.attempts[1]
    assert second.status_code == 503
    assert delivery.next_attempt_at - second.attempted_at == RETRY_DELAYS[1] == timedelta(minutes=4)
    assert session.get(WebhookEndpoint, endpoint.id).failing_since == first.attempted_at

    assert _deliver(session, delivery.next_attempt_at) == 1
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.next_attempt_at is None
    assert session.get(WebhookEndpoint, endpoint.id).failing_since is None
    log = delivery_log(session, endpoint)
    assert [attempt.status_code for attempt, _ in log] == [200, 503, 500]
    assert all(attempt.duration_ms >= 0 for attempt, _ in log)
    # Every attempt of one message carries its webhook-id; the timestamps are each attempt's.
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.message_id}
    assert len({r.headers["webhook-timestamp"] for r in receiver.received}) == 3


def test_after_about_three_days_of_failure_the_endpoint_is_disabled_and_its_owner_emailed(
    session, receiver, now, outbox
):
    receiver.answers = [500] * 20
    endpoint, _secret = loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.SURVEY_CLOSED, 5, None, now)
    session.commit()

    (delivery,) = _deliveries(session)
    while delivery.status is DeliveryStatus.PENDING:
        assert _deliver(session, delivery.next_attempt_at) == 1
    assert delivery.status is DeliveryStatus.FAILED
    assert len(delivery.attempts) == len(RETRY_DELAYS) + 1 == 9
    span = delivery.attempts[-1].attempted_at - delivery.attempts[0].attempted_at
    assert timedelta(days=2, hours=22) < span < timedelta(days=3)
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.disabled_at is not None and "two days" in endpoint.disabled_reason
    (message,) = [m for m in outbox() if m.to_email == "digital@healthwatch.example.org"]
    assert "disabled" in message.subject and endpoint.url in message.text_body
    assert [a.staff_user_id for a in _actions(session, "webhook.disable")] == [None]


def test_an_answer_of_410_disables_the_endpoint_and_the_rest_wait_until_it_is_enabled(
    session, receiver, now, outbox
):
    receiver.answers = [410]
    endpoint, _secret = loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.SURVEY_PUBLISHED, 1, None, now)
    emit(session, EventType.SURVEY_PUBLISHED, 2, None, now)
    session.commit()

    assert _deliver(session, now) == 1
    gone, waiting = _deliveries(session)
    assert (gone.status, waiting.status) == (DeliveryStatus.FAILED, DeliveryStatus.PENDING)
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert "410" in endpoint.disabled_reason
    assert [m.to_email for m in outbox()] == ["digital@healthwatch.example.org"]
    # Nothing goes to a disabled endpoint, and no new message is queued for it.
    emit(session, EventType.SURVEY_PUBLISHED, 3, None, now)
    assert _deliver(session, now + timedelta(days=1)) == 0
    assert len(_deliveries(session)) == 2

    later = now + timedelta(days=2)
    assert enable_endpoint(session, make_staff(session, Role.COMMS), endpoint, later) == 1
    session.commit()
    assert _deliver(session, later) == 1
    assert waiting.status is DeliveryStatus.DELIVERED and len(receiver.received) == 2


def test_redirects_are_not_followed(session, receiver, now):
    receiver.answers = [302]
    receiver.extra_headers = {302: {"Location": "http://127.0.0.1:9/elsewhere"}}
    loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.SURVEY_PUBLISHED, 1, None, now)
    session.commit()
    _deliver(session, now)
    (delivery,) = _deliveries(session)
    assert [a.status_code for a in delivery.attempts] == [302]
    assert delivery.status is DeliveryStatus.PENDING and len(receiver.received) == 1


def test_redelivery_sends_the_same_message_again_and_is_audited(session, receiver, now):
    endpoint, _secret = loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.RESULTS_PUBLISHED, 4, None, now)
    session.commit()
    _deliver(session, now)
    (delivery,) = _deliveries(session)
    staff = make_staff(session, Role.COMMS)

    redeliver(session, staff, delivery, now + timedelta(minutes=5))
    session.commit()
    assert _deliver(session, now + timedelta(minutes=5)) == 1
    first, again = receiver.received
    assert first.body == again.body
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == delivery.message_id
    assert first.headers["webhook-timestamp"] != again.headers["webhook-timestamp"]
    assert [a.staff_user_id for a in _actions(session, "webhook.redeliver")] == [staff.id]

    endpoint.disabled_at = now
    with pytest.raises(WebhookError, match="Enable the endpoint"):
        redeliver(session, staff, delivery, now)


@settings(max_examples=25)
@given(position=st.integers(min_value=0, max_value=10_000), change=st.integers(1, 255))
def test_replay_protection_rests_on_the_signed_id_and_timestamp(position, change):
    secret, now = new_secret(), datetime.now(UTC)
    body = b'{"type":"survey.closed","data":{"id":1}}'
    headers = signed_headers([secret], "msg_abc", body, now)
    Webhook(secret).verify(body, headers)
    # A message kept and sent again later is refused for its age (the tolerance is 5 minutes).
    for moment in (now - timedelta(minutes=6), now + timedelta(minutes=6)):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(body, signed_headers([secret], "msg_abc", body, moment))
    # Its id and timestamp are signed: changing either (to slip past a receiver's list of ids
    # already seen, or to look fresh) breaks the signature, as does changing one byte.
    stamp = str(int(headers["webhook-timestamp"]) - 1)
    tampered = bytearray(body)
    tampered[position % len(body)] ^= change
    for forged_headers, forged_body in (
        ({**headers, "webhook-id": "msg_abd"}, body),
        ({**headers, "webhook-timestamp": stamp}, body),
        (headers, bytes(tampered)),
    ):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(forged_body, forged_headers)


def test_message_ids_are_unique_and_fit_their_column():
    ids = {new_message_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(i.startswith("msg_") and len(i) <= 40 for i in ids)


def test_payloads_are_ids_and_links_well_under_twenty_kilobytes(app, now):
    links = {
        EventType.SURVEY_PUBLISHED: {"api", "page"},
        EventType.RESULTS_PUBLISHED: {"api", "page"},
        EventType.INSIGHT_REPORT_RECEIVED: set(),
    }
    for kind in EventType:
        body = payload_for(DomainEvent(kind, 2**31 - 1, 12, now))
        assert len(body.encode()) < MAX_PAYLOAD_BYTES
        document = json.loads(body)
        assert document["type"] == kind.value and document["timestamp"].endswith("Z")
        assert set(document["data"]) == {"id", "place_id", "links"}
        assert all(
            url.startswith("http://panel.test/") for url in document["data"]["links"].values()
        )
        if kind in links:
            assert set(document["data"]["links"]) == links[kind]
    results = json.loads(payload_for(DomainEvent(EventType.RESULTS_PUBLISHED, 9, None, now)))
    assert results["data"]["links"] == {
        "api": "http://panel.test/api/v1/surveys/9/results",
        "page": "http://panel.test/engagement/9",
    }


def test_surveys_and_insights_queue_events_in_the_transaction_of_the_change(
    session, now, monkeypatch
):
    endpoint, _secret = loopback_endpoint(session, "https://hooks.example.org/panel", now)
    elsewhere, _ = loopback_endpoint(
        session, "https://hooks.example.org/south-cumbria", now,
        place_id=place(session, "south-cumbria").id,
    )  # fmt: skip
    session.commit()
    survey = Survey(
        title="Parking at the hospital",
        status=SurveyStatus.APPROVED,
        place_id=place(session, "blackpool").id,
        opens_at=now,
        closes_at=now + timedelta(days=40),
        content={"pages": []},
    )
    session.add(survey)
    session.flush()
    # The guidance checker is not under test here (and slow): nothing blocks.
    monkeypatch.setattr(lifecycle.checking, "check", lambda *args: SimpleNamespace(blocking=[]))
    lifecycle.publish(session, survey, make_staff(session, Role.COMMS), now)
    session.commit()
    assert [(d.event_type, d.endpoint_id) for d in _deliveries(session)] == [
        ("survey.published", endpoint.id)
    ]

    close_survey(session, survey, None, now)
    session.rollback()  # the close never happened: nor did its event
    assert len(_deliveries(session)) == 1
    close_survey(session, session.get(type(survey), survey.id), None, now)
    record_insight(session, make_staff(session, Role.COMMS), finding_fields(), now)
    record_insight(
        session, make_staff(session, Role.COMMS), finding_fields(source_kind="event"), now
    )
    session.commit()
    kinds = [(d.event_type, d.endpoint_id) for d in _deliveries(session)]
    # The insight report is ICB-wide, so the South Cumbria endpoint hears of it; a survey of
    # Blackpool is not its business.
    assert kinds[1:] == [
        ("survey.closed", endpoint.id),
        ("insight_report.received", endpoint.id),
        ("insight_report.received", elsewhere.id),
    ]


def test_the_secret_is_kept_encrypted_and_only_this_secret_key_reads_it(app, session, now):
    endpoint, secret = loopback_endpoint(session, "https://hooks.example.org/panel", now)
    assert secret.startswith("whsec_") and len(Webhook(secret)._whsecret) == 32
    assert secret[6:] not in endpoint.secret_encrypted
    assert decrypt_secret(endpoint.secret_encrypted) == secret
    app.config["SECRET_KEY"] = "another-secret-key"
    try:
        with pytest.raises(InvalidToken):
            decrypt_secret(endpoint.secret_encrypted)
    finally:
        app.config["SECRET_KEY"] = "test-secret-key-not-for-production"


def test_the_delivery_log_keeps_finished_messages_for_ninety_days(session, now):
    loopback_endpoint(session, "https://hooks.example.org/panel", now)
    for subject in (1, 2, 3):
        emit(session, EventType.SURVEY_CLOSED, subject, None, now)
    delivered, failed, waiting = _deliveries(session)
    record_answer(session, delivered, Answer(204, "", 5), now)
    record_answer(session, failed, Answer(410, "", 5), now)
    session.commit()
    assert forget_old_deliveries(session, now + LOG_RETENTION) == 0
    assert forget_old_deliveries(session, now + LOG_RETENTION + timedelta(seconds=1)) == 2
    assert forget_old_deliveries(session, now + LOG_RETENTION + timedelta(days=1)) == 0
    assert [d.id for d in _deliveries(session)] == [waiting.id]


def test_after_secret_key_changes_messages_fail_until_a_new_secret_is_made(
    app, session, receiver, now
):
    endpoint, _old = loopback_endpoint(session, receiver.url, now)
    emit(session, EventType.SURVEY_CLOSED, 8, None, now)
    session.commit()
    app.config["SECRET_KEY"] = "a-new-secret-key"
    try:
        assert _deliver(session, now) == 1
        (delivery,) = _deliveries(session)
        assert "signing secret cannot be read" in delivery.attempts[0].error
        assert delivery.failures == 1 and receiver.received == []
        new = rotate_secret(session, None, endpoint, now)
        session.commit()
        assert _deliver(session, delivery.next_attempt_at) == 1
        (got,) = receiver.received
        assert len(got.headers["webhook-signature"].split(" ")) == 1
        assert delivery.status is DeliveryStatus.DELIVERED
        assert new.startswith("whsec_")
    finally:
        app.config["SECRET_KEY"] = "test-secret-key-not-for-production"
