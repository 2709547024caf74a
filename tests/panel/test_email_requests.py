"""Forms that may email a typed address only note the request; the job decides what to send."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.email_requests import (
    EMAIL_REQUEST_HANDLERS,
    EmailRequest,
    EmailRequestKind,
    handle_email_requests,
)
from panel.members.models import JoinDraft, Member
from tests.factories import make_member, make_staff
from tests.panel.test_joining import fill_in_every_step, run_email_requests, submit_join_form


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_every_kind_of_request_has_a_handler(app):
    assert set(EMAIL_REQUEST_HANDLERS) == set(EmailRequestKind)


def test_a_request_writes_the_same_row_for_known_and_unknown_addresses(client, session):
    user, member = make_staff(session), make_member(session)
    session.commit()
    for email in (user.email, "nobody@example.nhs.uk"):
        client.post("/staff/password-reset", data={"email": email})
    for email in (member.email, "stranger@example.com"):
        client.post("/my-panel/sign-in", data={"email": email})
    assert _count(session, OutboundEmail) == 0  # nothing rendered or queued in a request
    kinds = session.scalars(sa.select(EmailRequest.kind).order_by(EmailRequest.id)).all()
    assert (
        kinds
        == [EmailRequestKind.STAFF_PASSWORD_RESET] * 2 + [EmailRequestKind.MEMBER_SIGN_IN_LINK] * 2
    )


def test_the_job_emails_only_known_addresses_and_forgets_every_request(client, session, outbox):
    user, member = make_staff(session), make_member(session)
    session.commit()
    for email in (user.email, "nobody@example.nhs.uk"):
        client.post("/staff/password-reset", data={"email": email})
    for email in (member.email, "stranger@example.com"):
        client.post("/my-panel/sign-in", data={"email": email})
    assert sorted(message.to_email for message in outbox()) == sorted([user.email, member.email])
    assert _count(session, EmailRequest) == 0
    assert handle_email_requests(session, datetime.now(UTC)) == 0  # safe to run twice
    assert len(outbox()) == 2


def test_a_join_submitted_twice_before_the_job_makes_one_member_and_one_email(app, session, outbox):
    browser = app.test_client()
    fill_in_every_step(browser)
    double_click = app.test_client()
    double_click.set_cookie("session", browser.get_cookie("session").value)
    assert submit_join_form(browser).status_code == 302
    assert submit_join_form(double_click).status_code == 302
    assert _count(session, EmailRequest) == 2 and _count(session, Member) == 0
    run_email_requests()
    assert _count(session, Member) == 1 and len(outbox()) == 1
    assert _count(session, JoinDraft) == 0 and _count(session, EmailRequest) == 0
