"""A partner account's own webhook endpoints (issue 24 point 4): added for its organisation
whatever is typed, its delivery log, rotate, disable, enable and redeliver; another
organisation's endpoint and messages are 404s."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.domain_events import EventType, emit
from panel.webhooks import services
from panel.webhooks.delivery import record_answer
from panel.webhooks.egress import Answer
from panel.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import make_partner, make_partner_organisation, place

FORM = {
    "name": "Website",
    "url": "https://hooks.example.org/panel",
    "contact_email": "digital@healthwatch.example.org",
    "event_types": ["results.published", "decision.recorded"],
    "place_id": "",
}


def _fields(**overrides) -> services.EndpointFields:
    values = {
        "organisation": "Someone else entirely",
        "name": "Website",
        "url": "https://hooks.example.org/panel",
        "contact_email": "digital@healthwatch.example.org",
        "event_types": ["results.published"],
    }
    return services.EndpointFields(**{**values, **overrides})


def test_a_partner_endpoint_is_always_its_own_organisation_s(session, now):
    organisation = make_partner_organisation(session, "Healthwatch Blackpool", "blackpool")
    partner = make_partner(session, organisation)
    endpoint, secret = services.create_partner_endpoint(
        session, partner, _fields(), now, allow_loopback=False
    )
    assert endpoint.organisation == "Healthwatch Blackpool" and secret.startswith("whsec_")
    assert services.all_endpoints(session, "Healthwatch Blackpool") == [endpoint]
    with pytest.raises(services.WebhookError) as error:
        services.create_partner_endpoint(
            session,
            partner,
            _fields(place_id=place(session, "south-cumbria").id),
            now,
            allow_loopback=False,
        )
    assert error.value.field == "place_id"


def test_a_partner_manages_its_endpoint_and_redelivers(session, client, login_as, now):
    partner = login_as(make_partner(session, make_partner_organisation(session, "Healthwatch")))
    session.commit()
    refused = client.post(
        "/staff/partner/webhooks/new", data={**FORM, "url": "http://x.example.org"}
    )
    assert refused.status_code == 400 and "The address must start with https://" in refused.text
    assert 'value="Website"' in refused.text
    added = client.post("/staff/partner/webhooks/new", data=FORM)
    assert added.status_code == 200
    secret = re.search(r'id="secret"[^>]*>(whsec_[A-Za-z0-9+/=]+)<', added.text).group(1)
    endpoint = session.scalar(sa.select(WebhookEndpoint))
    assert endpoint.organisation == "Healthwatch" and endpoint.created_by_id == partner.id
    emit(session, EventType.RESULTS_PUBLISHED, 12, None, now)
    delivery = session.scalar(sa.select(WebhookDelivery))
    record_answer(session, delivery, Answer(503, "", 87), now)
    session.commit()

    assert "Website" in client.get("/staff/partner/webhooks/").text
    detail = client.get(f"/staff/partner/webhooks/{endpoint.id}").text
    assert secret not in detail and delivery.message_id in detail and "503" in detail
    rotated = client.post(f"/staff/partner/webhooks/{endpoint.id}/rotate")
    assert "whsec_" in rotated.text and "signed with both" in rotated.text
    page = client.post(
        f"/staff/partner/webhooks/{endpoint.id}/deliveries/{delivery.id}/redeliver",
        follow_redirects=True,
    ).text
    assert "to send again" in page
    assert (
        "Disabled the endpoint"
        in client.post(f"/staff/partner/webhooks/{endpoint.id}/disable", follow_redirects=True).text
    )
    assert (
        "Enabled the endpoint"
        in client.post(f"/staff/partner/webhooks/{endpoint.id}/enable", follow_redirects=True).text
    )
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.staff_user_id == partner.id)
    ).all()
    assert set(actions) >= {
        "webhook.create",
        "webhook.rotate",
        "webhook.redeliver",
        "webhook.disable",
        "webhook.enable",
    }


def test_another_organisation_s_endpoint_is_a_404(session, client, login_as, now):
    theirs = make_partner(session, make_partner_organisation(session, "Healthwatch Cumbria"))
    endpoint, _secret = services.create_partner_endpoint(
        session, theirs, _fields(), now, allow_loopback=False
    )
    emit(session, EventType.RESULTS_PUBLISHED, 12, None, now)
    delivery = session.scalar(sa.select(WebhookDelivery))
    login_as(make_partner(session, make_partner_organisation(session, "Healthwatch Blackpool")))
    session.commit()
    assert "Healthwatch Cumbria" not in client.get("/staff/partner/webhooks/").text
    assert client.get(f"/staff/partner/webhooks/{endpoint.id}").status_code == 404
    for action in ("rotate", "disable", "enable", f"deliveries/{delivery.id}/redeliver"):
        response = client.post(f"/staff/partner/webhooks/{endpoint.id}/{action}")
        assert response.status_code == 404, action
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).disabled_at is None
    assert (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "webhook.rotate")
        )
        == 0
    )


def test_generated_input_on_partner_forms_never_causes_a_server_error(session, client, login_as):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.panel.test_bad_input_fuzz import nasty_text

    login_as(make_partner(session, make_partner_organisation(session, "Healthwatch", "blackpool")))
    session.commit()
    fields = {
        "/staff/partner/reports/new": ["title", "summary", "groups", "place_id"],
        "/staff/partner/webhooks/new": ["name", "url", "contact_email", "event_types", "place_id"],
    }

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def post_garbage(data):
        url = data.draw(st.sampled_from(sorted(fields)))
        form = {name: data.draw(nasty_text) for name in fields[url]}
        response = client.post(url, data=form)
        assert response.status_code in (200, 302, 400), (url, form, response.status_code)

    post_garbage()
