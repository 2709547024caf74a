"""The communications team's webhook pages: add an endpoint (a refused address keeps what was
typed; the secret is shown once), read the delivery log, rotate, disable, enable, redeliver,
each change audited."""

from __future__ import annotations

import re

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.domain_events import EventType, emit
from panel.webhooks.delivery import record_answer
from panel.webhooks.egress import Answer
from panel.webhooks.models import WebhookDelivery, WebhookEndpoint
from panel.webhooks.services import EndpointFields, WebhookError, create_endpoint
from tests.factories import make_staff

FORM = {
    "organisation": "Healthwatch Blackpool",
    "name": "Website",
    "url": "http://hooks.example.org/panel",
    "contact_email": "digital@healthwatch.example.org",
    "event_types": ["results.published", "decision.recorded"],
    "place_id": "",
}


def _secret(page: str) -> str:
    return re.search(r'id="secret"[^>]*>(whsec_[A-Za-z0-9+/=]+)<', page).group(1)


def test_the_comms_team_adds_rotates_disables_enables_and_redelivers(
    session, client, login_as, now
):
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    assert "No endpoints have been added yet" in client.get("/staff/webhooks/").text

    refused = client.post("/staff/webhooks/new", data=FORM)
    assert refused.status_code == 200
    assert "The address must start with https://" in refused.text
    assert (
        'value="Healthwatch Blackpool"' in refused.text
        and 'value="decision.recorded" checked' in refused.text
    )

    added = client.post("/staff/webhooks/new", data={**FORM, "url": "https://hooks.example.org/p"})
    secret = _secret(added.text)
    endpoint = session.scalar(sa.select(WebhookEndpoint))
    emit(session, EventType.RESULTS_PUBLISHED, 12, None, now)
    delivery = session.scalar(sa.select(WebhookDelivery))
    record_answer(session, delivery, Answer(503, "", 87), now)
    session.commit()

    detail = client.get(f"/staff/webhooks/{endpoint.id}").text
    assert secret not in detail and secret[6:20] not in detail
    assert delivery.message_id in detail and "503" in detail and "87 ms" in detail

    rotated = client.post(f"/staff/webhooks/{endpoint.id}/rotate")
    assert _secret(rotated.text) != secret and "signed with both" in rotated.text
    page = client.post(f"/staff/webhooks/{endpoint.id}/disable", follow_redirects=True).text
    assert "Disabled the endpoint" in page
    redeliver = f"/staff/webhooks/{endpoint.id}/deliveries/{delivery.id}/redeliver"
    assert "Enable the endpoint before" in client.post(redeliver, follow_redirects=True).text
    client.post(f"/staff/webhooks/{endpoint.id}/enable")
    assert "to send again" in client.post(redeliver, follow_redirects=True).text
    assert client.get(f"/staff/webhooks/{endpoint.id}/deliveries/999/redeliver").status_code == 405
    assert client.post(f"/staff/webhooks/{endpoint.id + 1}/rotate").status_code == 404

    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("webhook.%"))
    ).all()
    assert sorted(actions) == sorted(
        [
            "webhook.create",
            "webhook.rotate",
            "webhook.disable",
            "webhook.enable",
            "webhook.redeliver",
        ]
    )


ODD_URLS = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "https://[::1",
            "https://a.example:99999/",
            "https://a.example:0/",
            "https://a.example:-1/",
            "https:///path",
            "https://a.example/\x00",
            "https://" + "a" * 600 + ".example/",
            "https://\u202ehooks.example/",
            "https://xn--.example/",
            "//hooks.example.org/",
        ]
    ),
)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=ODD_URLS, contact=st.text(max_size=60), organisation=st.text(max_size=130))
def test_odd_endpoint_input_is_a_field_error_never_a_crash(
    session, now, url, contact, organisation
):
    fields = EndpointFields(organisation, "Website", url, contact, ["survey.closed"], None)
    try:
        endpoint, _secret = create_endpoint(session, None, fields, now, allow_loopback=False)
    except WebhookError as problem:
        assert problem.field in {"organisation", "url", "contact_email"}
    else:
        assert endpoint.url.startswith("https://") and len(endpoint.url) <= 500
        assert 0 < len(endpoint.organisation) <= 120 and "\x00" not in endpoint.organisation
    session.rollback()
