"""Demo surveys: a live one that went through sign-off, one waiting for review, and a draft."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.places.models import Place
from surveys import content as doc
from surveys.models import AudienceKind, InvolvementLevel, Survey
from surveys.services import authoring, checking, lifecycle, marks

WHY_MATERNITY = "To decide how antenatal classes are offered from next spring."
WHY_TRANSPORT = "To decide where the hospital shuttle bus should stop."


def _plan(title, purpose, decision, known, opens, closes, place_id=None) -> authoring.Plan:
    return authoring.Plan(
        title=title,
        purpose=purpose,
        decision=decision,
        already_known=known,
        equality_considerations="Families who do not speak English at home; disabled parents.",
        audience=AudienceKind.PANEL,
        segment_id=None,
        involvement=InvolvementLevel.LISTEN,
        opens_at=opens,
        closes_at=closes,
        formal_consultation=False,
        urgent_reason="",
        anonymous=True,
        place_id=place_id,
    )


def create_demo_surveys(session: Session, now: datetime) -> None:
    """Add example surveys for the demo site, once."""
    staff = {
        user.role: user
        for user in session.scalars(sa.select(StaffUser).where(StaffUser.email.like("%@demo.%")))
    }
    comms, place_team = staff.get(Role.COMMS), staff.get(Role.PLACE)
    if comms is None or place_team is None or session.scalar(sa.select(Survey.id).limit(1)):
        return
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))

    maternity = authoring.create_survey(
        session,
        comms,
        _plan(
            "Maternity care: your experience",
            "To hear how people found maternity care in the last two years.",
            "How antenatal classes and postnatal visits are offered from April.",
            "The 2024 maternity voices survey found classes were hard to get to in the evening.",
            now - timedelta(days=3),
            now + timedelta(days=40),
        ),
        now - timedelta(days=10),
    )
    for question in (
        doc.question(
            "q1",
            "single_choice",
            "Where did you go to antenatal classes?",
            why_we_ask=WHY_MATERNITY,
            options=["At a hospital", "At a children's centre", "Online", "I did not go"],
        ),
        doc.question(
            "q2",
            "rating_scale",
            "How easy was it to get to your antenatal classes?",
            why_we_ask=WHY_MATERNITY,
            dont_know=True,
            options=[
                "Very easy",
                "Easy",
                "Neither easy nor difficult",
                "Difficult",
                "Very difficult",
            ],
        ),
        doc.question(
            "q3",
            "long_text",
            "What would have made the classes better for you?",
            why_we_ask=WHY_MATERNITY,
            required=False,
            max_length=2000,
        ),
    ):
        authoring.save_question(maternity, 0, question, now - timedelta(days=10))
    authoring.add_equality_block(maternity, now - timedelta(days=10))
    session.flush()
    lifecycle.submit_for_review(session, maternity, comms, now - timedelta(days=8))
    lifecycle.approve(session, maternity, place_team, now - timedelta(days=7))
    lifecycle.publish(session, maternity, comms, now - timedelta(days=3))

    transport = authoring.create_survey(
        session,
        place_team,
        _plan(
            "Getting to Blackpool Victoria Hospital",
            "To learn how people travel to hospital appointments in Blackpool.",
            "Where the new shuttle bus stops.",
            "Car parking came up in 40 complaints last year.",
            now + timedelta(days=14),
            now + timedelta(days=50),
            blackpool.id,
        ),
        now - timedelta(days=2),
    )
    authoring.save_question(
        transport,
        0,
        doc.question(
            "q1",
            "single_choice",
            "How do you usually travel to the hospital?",
            why_we_ask=WHY_TRANSPORT,
            options=["Car", "Bus", "Taxi", "Walking or cycling"],
            comment_box=True,
        ),
        now - timedelta(days=2),
    )
    authoring.save_question(
        transport,
        0,
        doc.question(
            "q2",
            "single_choice",
            "Don't you agree the shuttle bus is a great idea?",
            why_we_ask=WHY_TRANSPORT,
            options=["Yes", "No"],
        ),
        now - timedelta(days=2),
    )
    session.flush()
    lifecycle.submit_for_review(session, transport, place_team, now - timedelta(days=1))
    lifecycle.add_comment(
        session,
        transport,
        comms,
        "q2 reads as a leading question: could we ask how useful it would be?",
        "q2",
        None,
        now - timedelta(hours=20),
    )
    # An author who thinks the checker is wrong (the comms team's page lists it).
    (leading,) = [
        c
        for c in checking.check(session, transport).by_question["q2"]
        if c.finding.rule == "leading"
    ]
    marks.mark_finding_wrong(
        session,
        transport,
        place_team,
        leading.mark_id,
        "People here have asked for this bus for years; we want to know if they still do.",
        now - timedelta(hours=19),
    )

    draft = authoring.create_survey(
        session,
        comms,
        _plan(
            "Urgent care this winter",
            "To hear where people went for urgent care this winter.",
            "How to explain urgent treatment centres in next winter's campaign.",
            "",
            None,
            None,
        ),
        now,
    )
    authoring.save_question(
        draft,
        0,
        doc.question(
            "q1",
            "multiple_choice",
            "Where did you go for urgent care this winter?",
            options=["NHS 111", "A pharmacy", "An urgent treatment centre", "A&E", "My GP"],
            allow_other=True,
        ),
        now,
    )
    session.flush()
