"""A live survey with branching, for the fieldwork tests."""

from __future__ import annotations

from datetime import timedelta

from panel.auth.models import Role
from surveys import content as doc
from surveys.services import authoring, lifecycle
from tests.factories import make_staff
from tests.surveys.helpers import plan

WHY = "To plan the shuttle bus."


def live_survey(session, now, **plan_overrides):
    """Open from an hour ago for 40 days. Page 1: q1 (how you travel) and q2 (how easy parking
    was, on the ease scale its wording gets; only for "Car"); page 2 (only for "Bus"): q3 bus
    stop; page 3: q4 free text, q5 number."""
    author, approver = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    values = {
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=40),
        "urgent_reason": "",
        **plan_overrides,
    }
    survey = authoring.create_survey(session, author, plan(**values), now - timedelta(days=2))
    questions = [
        (
            0,
            doc.question(
                "q1",
                "single_choice",
                "How did you travel here?",
                why_we_ask=WHY,
                options=["Car", "Bus", "Walking"],
                allow_other=True,
                comment_box=True,
            ),
        ),
        (
            0,
            doc.question(
                "q2",
                "rating_scale",
                "How easy was parking?",
                why_we_ask=WHY,
                show_if={"question": "q1", "equals": ["Car"]},
            ),
        ),
        (
            1,
            doc.question(
                "q3",
                "multiple_choice",
                "Which bus stops do you use?",
                why_we_ask=WHY,
                options=["Town centre", "Station", "Hospital"],
            ),
        ),
        (
            2,
            doc.question(
                "q4",
                "long_text",
                "What would help?",
                why_we_ask=WHY,
                required=False,
                max_length=100,
            ),
        ),
        (
            2,
            doc.question(
                "q5",
                "number",
                "How many times a year do you come?",
                why_we_ask=WHY,
                required=False,
                max_length=365,
            ),
        ),
    ]
    authoring.add_page(survey, "Buses", now)
    authoring.add_page(survey, "Anything else", now)
    for page, question in questions:
        authoring.save_question(survey, page, question, now)
    authoring.change_page(survey, 1, "Buses", {"question": "q1", "equals": ["Bus"]}, now)
    authoring.add_equality_block(survey, now)
    session.flush()
    lifecycle.submit_for_review(session, survey, author, now)
    lifecycle.approve(session, survey, approver, now)
    for finding in lifecycle.checking.check(session, survey).blocking:
        lifecycle.record_override(
            session,
            survey,
            author,
            finding.finding.rule,
            finding.finding.question_key or "",
            "Needed for this test.",
            now,
        )
    lifecycle.publish(session, survey, author, now)
    session.commit()
    return survey, author
