"""Logs never carry email addresses, tokens, passwords or equality answers (quality bar 19)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from mailer.backends import DeliveryError
from mailer.jobs import deliver_queued_emails
from tests.panel.test_joining import join, run_email_requests


class RefusingBackend:
    name = "refusing"

    def send(self, message):
        raise DeliveryError("provider said no")


def test_a_join_and_a_failed_delivery_log_no_personal_data(client, session, caplog, outbox):
    caplog.set_level(logging.DEBUG)
    join(client, equality={"religion": "sikh", "consent": "y"})
    link = re.search(r"(/join/confirm/\S+)", outbox()[0].text_body).group(1)
    client.post(link)
    client.post("/my-panel/sign-in", data={"email": "ann@example.com"})
    run_email_requests()
    deliver_queued_emails(session, RefusingBackend(), datetime.now(UTC))
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "not delivered" in text  # the failure was logged, without the address
    assert "ann@example.com" not in text.lower()
    assert link.split("/")[-1] not in text
    assert "sikh" not in text.lower()
