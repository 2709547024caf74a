"""Between forms and services for the survey pages: choices, the plan read from its form,
questions read from theirs, and what each page shows (templates never query)."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.local_time import AmbiguousTime, NonExistentTime, resolve_local_time
from panel.members.views_support import place_choices
from panel.segments.services.segments import segment_choices as choices
from surveys import content as doc
from surveys.forms import PlanForm, QuestionForm
from surveys.guidance.spec import CHOICE_TYPES
from surveys.guidance.standard_scales import (
    CUSTOM,
    scale_answers,
    standard_scale_of,
    suggest_scale,
)
from surveys.insights import library
from surveys.models import AudienceKind, InvolvementLevel, Survey
from surveys.services import checking, lifecycle, similar
from surveys.services.authoring import Plan
from surveys.validation import CONDITION_VALUES_MAX

DEFAULT_OPEN = time(9, 0)
DEFAULT_CLOSE = time(23, 59)


def owner_choices(user: StaffUser) -> list[tuple[int, str]]:
    """The owners a user may give a survey: their places, or the whole ICB for the ICB teams."""
    if user.role is Role.PLACE:
        return [(p.id, p.name) for p in user.places]
    return [(0, "The whole ICB (communications and engagement team)"), *place_choices()]


def segment_choices(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """Segment choices for the plan form, with a prompt first."""
    return [(0, "Choose a segment"), *choices(session, user)]


def prepare_plan_form(form: PlanForm, session: Session, user: StaffUser) -> PlanForm:
    """The plan form with its owner and segment choices filled in."""
    form.place_id.choices = owner_choices(user)
    form.segment_id.choices = segment_choices(session, user)
    return form


def fill_plan_form(form: PlanForm, survey: Survey, zone: str) -> None:
    """Fill the plan form from the survey, dates in the local time zone."""
    local = ZoneInfo(zone)
    form.title.data = survey.title
    form.place_id.data = survey.place_id or 0
    for name in ("purpose", "decision", "already_known", "equality_considerations"):
        getattr(form, name).data = getattr(survey, name)
    form.audience.data = survey.audience.value
    form.segment_id.data = survey.segment_id or 0
    form.involvement.data = survey.involvement.value
    for prefix, value in (("opens", survey.opens_at), ("closes", survey.closes_at)):
        if value is not None:
            shown = value.astimezone(local)
            getattr(form, f"{prefix}_day").data = shown.date()
            getattr(form, f"{prefix}_time").data = shown.time().replace(second=0, microsecond=0)
    form.formal_consultation.data = survey.formal_consultation
    form.urgent_reason.data = survey.urgent_reason
    form.anonymous.data = "yes" if survey.anonymous else "no"
    form.reminder_days.data = survey.reminder_days
    form.results_note.data = survey.results_note


def _instant(form: PlanForm, prefix: str, default: time, zone: str):
    day, at = getattr(form, f"{prefix}_day"), getattr(form, f"{prefix}_time")
    if day.data is None:
        if at.data is not None:
            day.errors = [*day.errors, "Enter the date as well as the time"]
        return None
    try:
        return resolve_local_time(day.data, at.data or default, zone)
    except NonExistentTime:
        at.errors = [*at.errors, "That time does not exist: the clocks go forward at 1am"]
    except AmbiguousTime:
        at.errors = [*at.errors, "That time happens twice when the clocks go back: choose another"]
    return None


def plan_from_form(form: PlanForm, zone: str) -> Plan | None:
    """The plan, or None with messages put next to the date and time fields."""
    opens = _instant(form, "opens", DEFAULT_OPEN, zone)
    closes = _instant(form, "closes", DEFAULT_CLOSE, zone)
    if any(
        getattr(form, name).errors
        for name in ("opens_day", "opens_time", "closes_day", "closes_time")
    ):
        return None
    return Plan(
        title=form.title.data,
        purpose=form.purpose.data or "",
        decision=form.decision.data or "",
        already_known=form.already_known.data or "",
        equality_considerations=form.equality_considerations.data or "",
        audience=AudienceKind(form.audience.data),
        segment_id=form.segment_id.data or None,
        involvement=InvolvementLevel(form.involvement.data),
        opens_at=opens,
        closes_at=closes,
        formal_consultation=bool(form.formal_consultation.data),
        urgent_reason=form.urgent_reason.data or "",
        anonymous=form.anonymous.data == "yes",
        place_id=form.place_id.data or None,
        reminder_days=form.reminder_days.data,
        results_note=form.results_note.data or "",
    )


def _rule_target(question: dict) -> tuple[str, str]:
    """A question a "show only if" can use, named with the answers the rule may give."""
    answers = " | ".join(question["options"])
    answers = answers if len(answers) <= 100 else answers[:99] + "…"
    return question["key"], f"{question['key']}: {question['text'][:60]} (answers: {answers})"


def prepare_question_form(
    form: QuestionForm, survey: Survey, key: str | None, page_index: int
) -> QuestionForm:
    """Only earlier questions with answers to choose from can decide whether this one is
    shown (the content rules refuse any other): those before it, or for a new question (added
    at the end of page ``page_index``) those on that page and the pages before it."""
    content = survey.content or doc.empty()
    if key is None:
        content = {"pages": content["pages"][: page_index + 1]}
    earlier = []
    for question in doc.questions(content):
        if question["key"] == key:
            break
        if question["type"] in CHOICE_TYPES:
            earlier.append(_rule_target(question))
    form.show_if_key.choices = [("", "Always show it"), *earlier]
    return form


def scale_hint(text: str) -> str:
    """What the builder says beside the scales: the one the wording asks for, and why."""
    if not text.strip():
        return "The scale that fits the question's wording is suggested when you save."
    suggestion = suggest_scale(text)
    return (
        f"Suggested for this question: {suggestion.scale.label.lower()}, as "
        f"{suggestion.reason}. Choose “Custom” to change the answers."
    )


def fill_question_form(form: QuestionForm, question: dict) -> None:
    """Fill the question form from a question of the survey's content."""
    form.type.data = question["type"]
    form.text.data = question["text"]
    form.help_text.data = question["help_text"]
    form.why_we_ask.data = question["why_we_ask"]
    form.required.data = question["required"]
    options = [o for o in question["options"] if o != doc.DONT_KNOW]
    form.options.data = "\n".join(options)
    if question["type"] == "rating_scale":
        form.scale.data = standard_scale_of(options) or CUSTOM
    form.rows.data = "\n".join(question.get("rows") or [])
    form.allow_other.data = question["allow_other"]
    form.dont_know.data = question["dont_know"]
    form.comment_box.data = question["comment_box"]
    form.max_length.data = question["max_length"]
    show_if = question.get("show_if") or {}
    form.show_if_key.data = show_if.get("question", "")
    form.show_if_values.data = " | ".join(str(v) for v in show_if.get("equals", []))
    form.ig_justification.data = question["ig_justification"]


def question_from_form(form: QuestionForm, key: str, block: str | None) -> dict:
    """The question as typed (a rating scale's answers from the scale chosen, QuestionForm
    having checked the choice); whether it may be kept is for the service (surveys.validation).
    A "show only if" half filled in is kept as typed, so the rules say what is missing."""
    options = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
    if form.type.data == "rating_scale":
        options = scale_answers(form.scale.data, options) or []
    show_if = None
    values = [v.strip() for v in (form.show_if_values.data or "").split("|") if v.strip()]
    if form.show_if_key.data or values:
        show_if = {"question": form.show_if_key.data or "", "equals": values}
    return doc.question(
        key,
        form.type.data,
        form.text.data,
        help_text=form.help_text.data or "",
        why_we_ask=form.why_we_ask.data or "",
        required=bool(form.required.data),
        options=options,
        allow_other=bool(form.allow_other.data),
        dont_know=bool(form.dont_know.data),
        max_length=form.max_length.data,
        comment_box=bool(form.comment_box.data),
        show_if=show_if,
        ig_justification=form.ig_justification.data or "",
        block=block,
        rows=[line.strip() for line in (form.rows.data or "").splitlines() if line.strip()],
    )


def page_condition(form) -> dict | None:
    """The page form's "show only if" (question key and answers separated by |), if either is
    given: half of one is kept as typed, so the content rules say what is missing."""
    key = (form.get("show_if_key") or "").strip()[:60]
    values = [v.strip() for v in (form.get("show_if_values") or "").split("|") if v.strip()]
    # One more than allowed is kept, so the rules say there are too many.
    values = values[: CONDITION_VALUES_MAX + 1]
    return {"question": key, "equals": values} if key or values else None


def earlier_questions(survey: Survey) -> list[list[tuple[str, str]]]:
    """For each page, the questions on the pages before it that a page may depend on (those
    with answers to choose from), each named with its answers."""
    result, seen = [], []
    for page in survey.pages:
        result.append(list(seen))
        seen += [_rule_target(q) for q in page["questions"] if q["type"] in CHOICE_TYPES]
    return result


def survey_context(session: Session, survey: Survey, user: StaffUser) -> dict:
    """What the survey page shows: the guidance report, comments, what we already know (earlier
    surveys and the insight library's findings the user may read) and the rest."""
    return {
        "insights": library.insights_for_survey(session, user, survey),
        "survey": survey,
        "report": checking.check(session, survey),
        "comments": lifecycle.comments_by_question(session, survey),
        "similar": similar.similar_surveys(session, survey),
        "snapshots": lifecycle.snapshots(session, survey),
        "type_labels": doc.TYPE_LABELS,
        "earlier": earlier_questions(survey),
    }
