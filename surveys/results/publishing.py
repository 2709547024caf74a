"""Writing and publishing a survey's results page, adding "you said, we did" decisions, choosing
quotes, and telling the people who took part (exactly one email each per announcement)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.domain_events import EventType, emit
from panel.field_errors import FieldError
from panel.members.models import Member, MemberStatus
from panel.members.reference import TOPICS
from panel.members.services.links import queue_member_email
from panel.segments.models import ContactKind, MemberContact
from surveys import content as doc
from surveys.emails.models import EmailKind
from surveys.emails.wording import message_for
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey, SurveyStatus
from surveys.results import comments
from surveys.results.models import Decision, Outcome, Quote, ResultsPage

MAX_QUOTES = 12


class PublishingError(FieldError):
    """The change cannot be made; the message says why (shown next to the field)."""


def results_page(session: Session, survey: Survey) -> ResultsPage | None:
    """The survey's results page, or None if none was started."""
    return session.scalar(sa.select(ResultsPage).where(ResultsPage.survey_id == survey.id))


def page_for_editing(session: Session, survey: Survey) -> ResultsPage:
    """The survey's results page, started from the plan's purpose when there is none yet."""
    page = results_page(session, survey)
    if page is None:
        page = ResultsPage(
            survey_id=survey.id, why_we_asked=survey.purpose or "", featured_questions=[]
        )
    return page


def save_page(
    session: Session, survey: Survey, user: StaffUser, values: dict, now: datetime
) -> ResultsPage:
    """Keep the page's words, topic and featured questions (published or not)."""
    if survey.status is not SurveyStatus.CLOSED:
        raise PublishingError("Results can be written once the survey has closed")
    if values.get("topic") and values["topic"] not in dict(TOPICS):
        raise PublishingError("Choose a topic from the list", "topic")
    closed = {q["key"] for q in doc.questions(survey.content or {}) if q["type"] in CHOICE_TYPES}
    featured = [key for key in values.get("featured_questions", []) if key in closed]
    page = page_for_editing(session, survey)
    for name in ("why_we_asked", "what_you_said", "recommendations", "next_steps", "topic"):
        setattr(page, name, (values.get(name) or "").strip())
    page.featured_questions = featured
    page.updated_at = now
    session.add(page)
    record_audit(session, user, "results.edit", "survey", [survey.id], now=now)
    return page


def check_publishable(session: Session, survey: Survey) -> ResultsPage:
    """The results page if it may be published now; raises PublishingError saying why not."""
    page = results_page(session, survey)
    if page is None or survey.status is not SurveyStatus.CLOSED:
        raise PublishingError("Write the results page before publishing it")
    missing = [
        label
        for name, label in (
            ("why_we_asked", "what we asked and why"),
            ("what_you_said", "what people said"),
            ("next_steps", "the next steps"),
        )
        if not getattr(page, name).strip()
    ]
    if missing:
        raise PublishingError("Before publishing, say " + ", ".join(missing))
    if page.published_at is not None:
        raise PublishingError("The results page is already public")
    return page


def publish(session: Session, survey: Survey, user: StaffUser, now: datetime) -> int:
    """Make the results page public and email everyone who took part; returns emails queued."""
    page = check_publishable(session, survey)
    page.published_at, page.published_by_id = now, user.id
    record_audit(session, user, "results.publish", "survey", [survey.id], now=now)
    emit(session, EventType.RESULTS_PUBLISHED, survey.id, survey.place_id, now)
    queued = tell_participants(session, survey, "results", None, now)
    for decision in _decisions(session, survey):
        decision.announced_at = decision.announced_at or now
    return queued


def unpublish(session: Session, survey: Survey, user: StaffUser, now: datetime) -> None:
    """Take the results page off the public site (audited)."""
    page = results_page(session, survey)
    if page is not None and page.published_at is not None:
        page.published_at = None
        record_audit(session, user, "results.unpublish", "survey", [survey.id], now=now)


def _decisions(session: Session, survey: Survey) -> list[Decision]:
    return list(
        session.scalars(
            sa.select(Decision)
            .where(Decision.survey_id == survey.id)
            .order_by(Decision.decided_on, Decision.id)
        )
    )


def decisions(session: Session, survey: Survey) -> list[Decision]:
    """The survey's decisions."""
    return _decisions(session, survey)


def add_decision(
    session: Session,
    survey: Survey,
    user: StaffUser,
    you_said: str,
    outcome: str,
    action: str,
    decided_on: date,
    now: datetime,
) -> Decision:
    """Record a decision; once the results page is public, the participants hear about it from
    the check page (announce_decision), never from this first click."""
    if survey.status is not SurveyStatus.CLOSED:
        raise PublishingError("Decisions can be added once the survey has closed")
    try:
        kind = Outcome(outcome)
    except ValueError:
        raise PublishingError("Choose what happened", "outcome") from None
    if not you_said.strip():
        raise PublishingError("Say what people told us", "you_said")
    if not action.strip():
        raise PublishingError("Say what we did, or why we did not", "action")
    decision = Decision(
        survey_id=survey.id,
        you_said=you_said.strip(),
        outcome=kind,
        action=action.strip(),
        decided_on=decided_on,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(decision)
    session.flush()
    record_audit(session, user, "results.decision", "survey", [survey.id], now=now)
    return decision


def announce_decision(
    session: Session, survey: Survey, decision: Decision, user: StaffUser, now: datetime
) -> int:
    """Email the decision to everyone who took part (once each); returns emails queued."""
    queued = tell_participants(session, survey, "decision", decision, now)
    decision.announced_at = now
    record_audit(
        session, user, "results.announce", "survey", [survey.id], f"{queued} recipients", now=now
    )
    return queued


def choose_quote(
    session: Session, survey: Survey, user: StaffUser, answer_id: int, now: datetime
) -> Quote:
    """Quote a comment on the results page (redacted); raises PublishingError if not allowed."""
    text = comments.comment_text(session, survey, answer_id)
    if text is None:
        raise PublishingError("That comment is not part of this survey's answers")
    existing = session.scalar(
        sa.select(Quote).where(Quote.survey_id == survey.id, Quote.answer_id == answer_id)
    )
    if existing is not None:
        return existing
    count = session.scalar(sa.select(sa.func.count(Quote.id)).where(Quote.survey_id == survey.id))
    if count >= MAX_QUOTES:
        raise PublishingError(f"A results page can quote at most {MAX_QUOTES} comments")
    quote = Quote(
        survey_id=survey.id, answer_id=answer_id, text=text, chosen_by_id=user.id, chosen_at=now
    )
    session.add(quote)
    record_audit(
        session, user, "results.quote", "survey", [survey.id], f"answer {answer_id}", now=now
    )
    return quote


def remove_quote(session: Session, survey: Survey, user: StaffUser, quote_id: int, now) -> None:
    """Remove a quote from the results page (audited)."""
    quote = session.get(Quote, quote_id)
    if quote is not None and quote.survey_id == survey.id:
        session.delete(quote)
        record_audit(session, user, "results.unquote", "survey", [survey.id], now=now)


def quotes(session: Session, survey: Survey) -> list[Quote]:
    """The survey's quotes, in the order they were chosen."""
    return list(
        session.scalars(sa.select(Quote).where(Quote.survey_id == survey.id).order_by(Quote.id))
    )


def participants(session: Session, survey: Survey):
    """Members who submitted an answer and can still be emailed (recorded at submit time, so
    anonymous surveys need no link from answers to people)."""
    took_part = sa.select(MemberContact.member_id).where(
        MemberContact.kind == ContactKind.SURVEY_RESPONSE, MemberContact.reference_id == survey.id
    )
    return sa.select(Member).where(
        Member.id.in_(took_part),
        Member.status == MemberStatus.ACTIVE,
        Member.unsubscribed_at.is_(None),
        Member.email.is_not(None),
    )


def tell_participants(
    session: Session, survey: Survey, event: str, decision: Decision | None, now: datetime
) -> int:
    """Queue the feedback email to each participant once for this announcement (the
    idempotency key makes a retry or a double click send nothing more)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    url = f"{base}/engagement/{survey.id}"
    tag = event if decision is None else f"decision-{decision.id}"
    page = results_page(session, survey)
    message = message_for(session, survey, EmailKind.FEEDBACK)
    queued = 0
    for member in session.scalars(participants(session, survey).order_by(Member.id)):
        email = queue_member_email(
            session,
            member,
            template="survey_feedback",
            context={
                "first_name": member.first_name,
                "survey": survey,
                "page": page,
                "decision": decision,
                "message": message,
                "results_url": url,
            },
            idempotency_key=f"survey-feedback:{survey.id}:{tag}:{member.id}",
            now=now,
        )
        queued += email is not None
    return queued


def bulletin_item_body(session: Session, survey: Survey) -> str:
    """The same summary the participants' email gives, as Markdown for a bulletin item."""
    page = results_page(session, survey)
    lines = []
    if page is not None and page.what_you_said:
        lines.append(page.what_you_said.strip())
    for decision in _decisions(session, survey):
        lines.append(
            f"**You said:** {decision.you_said}  \n**{decision.outcome.label}:** {decision.action}"
        )
    if page is not None and page.next_steps:
        lines.append(f"**Next steps:** {page.next_steps.strip()}")
    return "\n\n".join(lines)
