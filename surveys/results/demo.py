"""Demo results: a closed survey with answers from demo members, its public results page and a
"you said, we did" entry; and an older closed survey still waiting for results (flagged)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.members.models import Member, MemberStatus
from panel.members.reference import EQUALITY_FIELDS
from panel.segments.models import ContactKind, MemberContact
from surveys import content as doc
from surveys.demo import _plan
from surveys.fieldwork.answers import refresh_answer_codes
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.guidance.standard_scales import SCALES
from surveys.models import Survey
from surveys.results.models import Decision, Outcome, Quote, ResultsPage
from surveys.services import authoring, lifecycle

WHY = "To decide which pharmacies open later on weekday evenings."
#: q2 asks "How easy ...", so it gets the ease scale (surveys.content.question).
EASE = list(SCALES["ease"].options)
HOURS = ["Before 9am", "9am to 5pm", "5pm to 8pm", "After 8pm", "At weekends"]
COMMENTS = [
    "The pharmacy near me shuts at 5 so I can never collect after work.",
    "Saturday mornings are the only time I can get there.",
    "Longer hours would save me a trip to the walk-in centre.",
    "My pharmacist is brilliant, it is just the hours that are hard.",
]


def _closed_survey(session, author, approver, title, purpose, decision, opened, closed):
    survey = authoring.create_survey(
        session,
        author,
        _plan(title, purpose, decision, "Pharmacy complaints in 2025.", opened, closed),
        opened - timedelta(days=7),
    )
    for question in (
        doc.question(
            "q1",
            "multiple_choice",
            "When would you like to be able to visit a pharmacy?",
            why_we_ask=WHY,
            options=HOURS,
        ),
        doc.question(
            "q2",
            "rating_scale",
            "How easy is it to get to a pharmacy when it is open?",
            why_we_ask=WHY,
        ),
        doc.question(
            "q3",
            "long_text",
            "Is there anything else you would like to tell us?",
            why_we_ask=WHY,
            required=False,
            max_length=2000,
        ),
    ):
        authoring.save_question(survey, 0, question, opened - timedelta(days=7))
    session.flush()
    lifecycle.submit_for_review(session, survey, author, opened - timedelta(days=6))
    lifecycle.approve(session, survey, approver, opened - timedelta(days=5))
    lifecycle.publish(session, survey, author, opened - timedelta(days=1))
    lifecycle.close(session, survey, None, closed)
    return survey


def _answer(session, survey, members, rng, opened, closed) -> None:
    span = (closed - opened).total_seconds()
    for member in members:
        at = opened + timedelta(seconds=rng.random() * span)
        # What submitting copies from the member: place, age band, consented equality answers.
        equality = {}
        if member.equality is not None:
            equality = {
                name: getattr(member.equality, name)
                for name in EQUALITY_FIELDS
                if getattr(member.equality, name)
            }
        response = SurveyResponse(
            survey_id=survey.id,
            status=ResponseStatus.SUBMITTED,
            started_at=at,
            updated_at=at,
            submitted_at=at,
            source="Personal invitation",
            place_id=member.place_id,
            neighbourhood_id=member.neighbourhood_id,
            age_band=member.age_band or "",
            equality=equality,
        )
        session.add(response)
        session.flush()
        late = member.age_band in ("25-34", "35-44", "45-54")
        chosen = [
            h
            for h, p in zip(HOURS, (0.2, 0.5, 0.7 if late else 0.3, 0.25, 0.45), strict=True)
            if rng.random() < p
        ] or ["9am to 5pm"]
        session.add(Answer(response_id=response.id, question_key="q1", value=chosen))
        session.add(
            Answer(
                response_id=response.id,
                question_key="q2",
                value=rng.choices(EASE, (2, 4, 3, 2, 1))[0],
            )
        )
        if rng.random() < 0.15:
            session.add(
                Answer(response_id=response.id, question_key="q3", value=rng.choice(COMMENTS))
            )
        refresh_answer_codes(session, survey, response)
        session.add(
            MemberContact(
                member_id=member.id, kind=ContactKind.SURVEY_RESPONSE, reference_id=survey.id, at=at
            )
        )


def create_demo_results(session: Session, now: datetime) -> None:
    """Add example results, decisions and quotes for the demo site, once."""
    staff = {
        user.role: user
        for user in session.scalars(sa.select(StaffUser).where(StaffUser.email.like("%@demo.%")))
    }
    comms, place_team = staff.get(Role.COMMS), staff.get(Role.PLACE)
    taken = session.scalar(sa.select(Survey.id).where(Survey.title.like("Pharmacy opening%")))
    if comms is None or place_team is None or taken:
        return
    rng = random.Random(2026)
    active = sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
    members = list(session.scalars(active.order_by(Member.id)))
    opened, closed = now - timedelta(weeks=11), now - timedelta(weeks=6)
    pharmacy = _closed_survey(
        session,
        comms,
        place_team,
        "Pharmacy opening hours",
        "To find out when people need their local pharmacy to be open.",
        "Which pharmacies take part in the late-opening pilot.",
        opened,
        closed,
    )
    _answer(session, pharmacy, rng.sample(members, min(len(members), 320)), rng, opened, closed)
    session.add(
        ResultsPage(
            survey_id=pharmacy.id,
            why_we_asked="We asked when you need your local pharmacy to be open, to choose which "
            "pharmacies take part in a pilot of later weekday opening.",
            what_you_said="Most people want to visit a pharmacy between 5pm and 8pm on weekdays, "
            "especially people of working age. Saturday mornings came a close second.",
            recommendations="Run the late-opening pilot in the places with the fewest pharmacies "
            "open after 5pm; review Saturday cover with community pharmacy partners.",
            next_steps="The pilot starts in the spring. We will report how it went here.",
            topic="pharmacy",
            featured_questions=["q1", "q2"],
            published_at=closed + timedelta(weeks=3),
            published_by_id=comms.id,
            updated_at=closed + timedelta(weeks=3),
        )
    )
    session.add(
        Decision(
            survey_id=pharmacy.id,
            you_said="You need pharmacies open after work on weekdays.",
            outcome=Outcome.DOING,
            action="Twelve pharmacies will open until 8pm on weekdays in a six-month pilot.",
            decided_on=(closed + timedelta(weeks=4)).date(),
            created_by_id=comms.id,
            created_at=closed + timedelta(weeks=4),
            announced_at=closed + timedelta(weeks=4),
        )
    )
    session.add(Quote(survey_id=pharmacy.id, text=COMMENTS[0], chosen_by_id=comms.id))
    older_open, older_close = now - timedelta(weeks=20), now - timedelta(weeks=14)
    waiting = _closed_survey(
        session,
        comms,
        place_team,
        "Pharmacy services for carers",
        "To hear what unpaid carers need from pharmacies.",
        "What the carers' prescription service offers.",
        older_open,
        older_close,
    )
    _answer(
        session, waiting, rng.sample(members, min(len(members), 60)), rng, older_open, older_close
    )
    session.flush()
