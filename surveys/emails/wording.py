"""The wording of a survey's invitation, reminder and results emails: good defaults, the team's
own subject and body checked when saved, and the text made ready once per send.

The body is plain text: paragraphs split by blank lines, a few {placeholders}, nothing else. The
parts an email must have are not in it, so they cannot be lost: the email's layout adds the
personal link (or the results link), the closing date and the unsubscribe link around it. Any
curly bracket that is not a known placeholder is a field error, so no template syntax and no
stray brackets ever reach a message; the text is escaped where the layout prints it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.input_cleaning import clean_text
from surveys.emails.models import EmailKind, SurveyEmail
from surveys.models import Survey, SurveyStatus

logger = logging.getLogger(__name__)

SUBJECT_MAX = 150
BODY_MAX = 5000
#: what each placeholder stands for, as the edit page lists them.
PLACEHOLDERS = {
    "first_name": "the person's first name",
    "survey_title": "the survey's title",
    "closing_date": "the date and time the survey closes",
    "survey_purpose": "the survey's purpose, from its plan",
    "survey_decision": "the decision the answers will help make, from its plan",
}
ALLOWED = {
    EmailKind.INVITATION: tuple(PLACEHOLDERS),
    EmailKind.REMINDER: ("first_name", "survey_title", "closing_date"),
    EmailKind.FEEDBACK: ("first_name", "survey_title"),
}
#: (subject, body) each email starts from: the wording the emails always had.
DEFAULTS = {
    EmailKind.INVITATION: (
        "Have your say: {survey_title}",
        "Hello {first_name},\n\nWe would like to hear from you: {survey_title}.\n\n"
        "{survey_purpose}\n\nYour answers will help decide: {survey_decision}",
    ),
    EmailKind.REMINDER: (
        "A few days left: {survey_title}",
        "Hello {first_name},\n\nThere are a few days left to take part in {survey_title}. "
        "If you have started, your answers so far are saved.",
    ),
    EmailKind.FEEDBACK: (
        "You said, we did: {survey_title}",
        "Hello {first_name},\n\nThank you for taking part in {survey_title}.\n\n"
        "We have published what people told us and what we are doing about it.",
    ),
}
#: what the layout adds below the body, so the edit page can say it is there.
FIXED_PARTS = {
    EmailKind.INVITATION: "a button with the person's own survey link, the closing date, "
    "whether answers are anonymous, and an unsubscribe link",
    EmailKind.REMINDER: "a button with the person's own survey link, the closing date, "
    "and an unsubscribe link",
    EmailKind.FEEDBACK: "the next steps from the results page, a button to the results, "
    "and an unsubscribe link",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
#: stands for the first name in prepared text until each person's email is rendered (control
#: characters never reach stored text: panel.input_cleaning removes them at the door).
_FIRST_NAME = "\x00"


class EmailWordingError(FieldError):
    """The subject or body cannot be used; the message says why and names the field."""


def _name(raw: str) -> str:
    return "_".join(raw.strip().lower().split())


def check_wording(kind: EmailKind, subject: str, body: str) -> tuple[str, str]:
    """The subject and body, trimmed, if the email can use them. Raises EmailWordingError
    naming the field (an unknown placeholder, a stray curly bracket, empty or too long)."""
    subject, body = " ".join(subject.split()), body.strip()
    for field, text, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        noun = "subject line" if field == "subject" else "message"
        if not text:
            raise EmailWordingError(f"Enter the {noun}", field)
        if len(text) > limit:
            raise EmailWordingError(
                f"The {noun} must be {limit:,} characters or fewer (it has {len(text):,})", field
            )
        _check_placeholders(kind, text, field)
    return subject, body


def _check_placeholders(kind: EmailKind, text: str, field: str) -> None:
    allowed = ALLOWED[kind]
    names = ", ".join(f"{{{name}}}" for name in allowed)
    for match in _PLACEHOLDER.finditer(text):
        if _name(match.group(1)) not in allowed:
            raise EmailWordingError(
                f"{match.group(0)[:40]} is not a placeholder this email can use. Use one of "
                f"{names}. The personal link, the closing date and the unsubscribe link are "
                "added below your text for you.",
                field,
            )
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise EmailWordingError(
            f"Curly brackets are only for placeholders such as {{first_name}}: remove the "
            f"others, or use one of {names}",
            field,
        )


@dataclass(frozen=True)
class PreparedMessage:
    """An email's wording with everything but the first name filled in, made once per send;
    each person's email then only puts their name in (the layout escapes the text)."""

    subject: str
    #: paragraphs, each a tuple of its lines.
    paragraphs: tuple[tuple[str, ...], ...]
    #: the same as plain text: lines as typed, a blank line between paragraphs.
    text: str = ""

    def subject_for(self, first_name: str | None) -> str:
        """The subject line for a person."""
        return self.subject.replace(_FIRST_NAME, first_name or "there")

    def paragraphs_for(self, first_name: str | None) -> list[list[str]]:
        """The body's paragraphs (each a list of its lines) for a person."""
        name = first_name or "there"
        return [[line.replace(_FIRST_NAME, name) for line in lines] for lines in self.paragraphs]

    def text_for(self, first_name: str | None) -> str:
        """The body as plain text for a person: lines as typed, a blank line between
        paragraphs (the template escapes it like any other value)."""
        return self.text.replace(_FIRST_NAME, first_name or "there")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (the text passed check_wording)."""
    return _PLACEHOLDER.sub(lambda match: values[_name(match.group(1))], text)


def prepare(kind: EmailKind, subject: str, body: str, values: dict[str, str]) -> PreparedMessage:
    """The wording ready to send, with ``values`` (placeholder name -> text) filled in and the
    first name left for each person. Stored wording that no longer passes check_wording (a
    placeholder since retired) falls back to the default, so a send never fails or shows
    brackets."""
    try:
        subject, body = check_wording(kind, clean_text(subject), clean_text(body))
    except EmailWordingError as error:
        logger.warning("survey email wording unusable (%s), default used: %s", kind, error)
        subject, body = DEFAULTS[kind]
    values = {**values, "first_name": _FIRST_NAME}
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(fill_placeholders(body, values).strip()):
        lines = tuple(line.strip() for line in paragraph.split("\n") if line.strip())
        if lines:
            paragraphs.append(lines)
    return PreparedMessage(
        " ".join(fill_placeholders(subject, values).split()),
        tuple(paragraphs),
        "\n\n".join("\n".join(lines) for lines in paragraphs),
    )


def closing_date(survey: Survey) -> str:
    """'23 November 2026, 2:05pm', the survey's closing time where the panel lives."""
    if survey.closes_at is None:
        return "the closing date"
    local = survey.closes_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local.day} {local:%B %Y}, {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def placeholder_values(survey: Survey) -> dict[str, str]:
    """What each placeholder but the first name stands for in this survey's emails."""
    return {
        "survey_title": survey.title,
        "closing_date": closing_date(survey),
        "survey_purpose": survey.purpose or "",
        "survey_decision": survey.decision or "",
    }


def saved_wording(session: Session, survey: Survey, kind: EmailKind) -> SurveyEmail | None:
    """The team's own wording of the email, or None while it uses the default."""
    return session.scalar(
        sa.select(SurveyEmail).where(SurveyEmail.survey_id == survey.id, SurveyEmail.kind == kind)
    )


def wording(session: Session, survey: Survey, kind: EmailKind) -> tuple[str, str]:
    """The subject and body the email uses now (the team's, else the default)."""
    row = saved_wording(session, survey, kind)
    return (row.subject, row.body) if row is not None else DEFAULTS[kind]


def message_for(session: Session, survey: Survey, kind: EmailKind) -> PreparedMessage:
    """The email's wording for this survey, ready to send (call once per send)."""
    subject, body = wording(session, survey, kind)
    return prepare(kind, subject, body, placeholder_values(survey))


def _while_live(survey: Survey) -> str:
    if survey.status in (SurveyStatus.LIVE, SurveyStatus.CLOSED):
        return f" while the survey was {survey.status.value}"
    return ""


def save_wording(
    session: Session,
    survey: Survey,
    user: StaffUser,
    kind: EmailKind,
    subject: str,
    body: str,
    now: datetime,
) -> SurveyEmail:
    """Keep the team's subject and body for the email (audited, saying so when the survey is
    already live). Raises EmailWordingError."""
    subject, body = check_wording(kind, subject, body)
    row = saved_wording(session, survey, kind)
    if row is None:
        row = SurveyEmail(survey_id=survey.id, kind=kind, subject=subject, body=body)
        session.add(row)
    row.subject, row.body, row.updated_by_id, row.updated_at = subject, body, user.id, now
    session.flush()
    record_audit(
        session,
        user,
        "survey.email_wording",
        "survey",
        [survey.id],
        f"{kind.label} changed{_while_live(survey)}",
        now=now,
    )
    return row


def reset_wording(
    session: Session, survey: Survey, user: StaffUser, kind: EmailKind, now: datetime
) -> None:
    """Go back to the default wording of the email (audited; nothing to do if it already is)."""
    row = saved_wording(session, survey, kind)
    if row is None:
        return
    session.delete(row)
    session.flush()
    record_audit(
        session,
        user,
        "survey.email_wording",
        "survey",
        [survey.id],
        f"{kind.label} back to the default wording{_while_live(survey)}",
        now=now,
    )
