"""The check before the people who took part are emailed: on publishing the results page, and
for each decision added once it is public. The same mechanism as every send to many people
(panel.members.mail_check): the count after the do-not-email list by place, the email for an
example person, a test to oneself, and a confirm that sends only to the people counted."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.members.mail_check import (
    MailCheck,
    audit_confirmation,
    check_mail,
    example_email,
    require_unchanged,
    send_test,
)
from panel.members.models import Member
from surveys.emails.models import EmailKind
from surveys.emails.wording import message_for
from surveys.models import Survey
from surveys.results import publishing
from surveys.results.models import Decision
from surveys.results.publishing import PublishingError, results_page

TEMPLATE = "survey_feedback"


def decision_to_announce(session: Session, survey: Survey, decision_id: int | None):
    """The survey's decision not yet announced on a public page; raises PublishingError."""
    decision = session.get(Decision, decision_id) if decision_id else None
    if decision is None or decision.survey_id != survey.id:
        raise PublishingError("That decision is no longer there")
    page = results_page(session, survey)
    if page is None or page.published_at is None:
        raise PublishingError("Publish the results page first: it tells people about decisions")
    if decision.announced_at is not None:
        raise PublishingError("The people who took part were already told about this decision")
    return decision


def _context(session: Session, survey: Survey, decision: Decision | None) -> dict:
    return {
        "survey": survey,
        "page": results_page(session, survey),
        "decision": decision,
        "message": message_for(session, survey, EmailKind.FEEDBACK),
        "results_url": f"{current_app.config['PUBLIC_BASE_URL']}/engagement/{survey.id}",
    }


def feedback_email(session: Session, survey: Survey, decision: Decision | None = None):
    """The feedback email for an example person."""
    return example_email(TEMPLATE, _context(session, survey, decision))


def preview_feedback(session: Session, survey: Survey, decision_id: int | None = None) -> MailCheck:
    """Who the results email (or a decision's) would reach now, by place, and the email.
    Raises PublishingError when it cannot go out."""
    if decision_id is None:
        publishing.check_publishable(session, survey)
        decision = None
    else:
        decision = decision_to_announce(session, survey, decision_id)
    rows = session.execute(
        publishing.participants(session, survey)
        .with_only_columns(Member.id, Member.email, Member.place_id)
        .order_by(Member.id)
    ).all()
    return check_mail(session, rows, feedback_email(session, survey, decision), TEMPLATE)


def publish_checked(
    session: Session, survey: Survey, user: StaffUser, expected: str | None, now: datetime
) -> int:
    """Publish and email the people counted on the check page; returns how many (audited).
    Raises AudienceChanged or PublishingError."""
    require_unchanged(preview_feedback(session, survey), expected)
    queued = publishing.publish(session, survey, user, now)
    audit_confirmation(session, user, "results.publish_confirmed", "survey", survey.id, queued, now)
    return queued


def announce_checked(
    session: Session,
    survey: Survey,
    decision_id: int,
    user: StaffUser,
    expected: str | None,
    now: datetime,
) -> int:
    """Email the decision to the people counted on the check page; returns how many (audited
    by announce_decision). Raises AudienceChanged or PublishingError."""
    require_unchanged(preview_feedback(session, survey, decision_id), expected)
    decision = decision_to_announce(session, survey, decision_id)
    return publishing.announce_decision(session, survey, decision, user, now)


def send_test_feedback(
    session: Session, survey: Survey, decision_id: int | None, user: StaffUser, now: datetime
) -> None:
    """Queue the example feedback email to the staff user themselves (audited)."""
    decision = session.get(Decision, decision_id) if decision_id else None
    if decision is not None and decision.survey_id != survey.id:
        decision = None
    send_test(
        session,
        user,
        template=TEMPLATE,
        context=_context(session, survey, decision),
        action="results.feedback_test",
        object_type="survey",
        object_id=survey.id,
        now=now,
    )
