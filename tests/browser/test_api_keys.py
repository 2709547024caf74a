"""API keys and the API reference in Chromium with axe-core: the comms team issues a key (after
a refused first try that keeps what was typed), sees it once, uses it, revokes it; the API's
reference page reads on a phone without sideways scrolling; the comms team adds a webhook
endpoint (a private address refused first), sees its secret once, rotates it and disables it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from panel.auth.models import Role


def test_issue_use_and_revoke_a_key_then_read_the_reference_on_a_phone(staff_page, phone):
    comms = staff_page(Role.COMMS, "api-keys")
    page = comms.page
    comms.goto("/staff/api-keys/")
    page.click("text=Issue a key")
    comms.check()
    page.fill("#organisation", "Healthwatch Blackpool")
    page.fill("#name", "Website")
    page.check("input[name=scopes][value=read-place-results]")
    page.select_option("#place_id", label="Blackpool")
    page.fill("#expires_on", "2020-01-01")
    page.click("button:has-text('Issue the key')")
    comms.check()
    assert "The expiry date must be in the future" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#organisation") == "Healthwatch Blackpool"
    assert page.is_checked("input[name=scopes][value=read-place-results]")
    page.fill("#expires_on", (datetime.now(UTC) + timedelta(days=60)).date().isoformat())
    page.click("button:has-text('Issue the key')")
    comms.check()
    secret = page.inner_text("#secret").strip()
    assert secret.startswith("lscp_")

    answer = page.request.get(
        comms.url("/api/v1/place-results"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200 and "results" in answer.json()
    comms.goto("/staff/api-keys/")
    assert secret not in page.content()
    page.click("button:has-text('Revoke')")
    comms.check()
    assert "Revoked the key" in page.inner_text("main")
    answer = page.request.get(
        comms.url("/api/v1/place-results"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 401 and "revoked" in answer.json()["detail"]

    reader = phone("api-reference")
    reader.goto("/api/v1/")
    assert "GET /api/v1/surveys/{survey_id}/results" in reader.page.inner_text("main")
    reader.no_horizontal_scroll()


def test_add_an_endpoint_see_its_secret_once_rotate_and_disable_it(staff_page):
    comms = staff_page(Role.COMMS, "webhooks")
    page = comms.page
    comms.goto("/staff/webhooks/")
    page.click("text=Add an endpoint")
    page.fill("#organisation", "Healthwatch Lancashire")
    page.fill("#name", "Results feed")
    page.fill("#url", "https://10.0.0.7/hooks")
    page.fill("#contact_email", "digital@healthwatch-lancashire.example")
    page.check("input[name=event_types][value='results.published']")
    page.click("button:has-text('Add the endpoint')")
    comms.check()
    assert "public internet" in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#organisation") == "Healthwatch Lancashire"
    page.fill("#url", "https://hooks.healthwatch-lancashire.example/panel")
    page.click("button:has-text('Add the endpoint')")
    comms.check()
    secret = page.inner_text("#secret").strip()
    assert secret.startswith("whsec_")
    page.click("text=Go to the endpoint")
    comms.check()
    assert secret not in page.content()
    page.click("button:has-text('Make a new signing secret')")
    assert page.inner_text("#secret").strip() not in ("", secret)
    page.click("text=Go to the endpoint")
    page.click("button:has-text('Disable the endpoint')")
    assert "Disabled" in page.inner_text("#state")
