"""The demo resident: one named member whose "My surveys" shows a survey part done, one finished
with its results published, and one finished whose results are still to come; and an open link
to the live survey (demo only)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members import reference
from panel.members.demo import DEMO_DOMAIN
from panel.members.models import ConsentKind, ConsentRecord, Member, MemberStatus
from panel.places.models import Place
from panel.segments.models import ContactKind, MemberContact
from surveys.fieldwork.answering import start_personal
from surveys.fieldwork.answers import refresh_answer_codes, save_page
from surveys.fieldwork.invitations import create_open_link
from surveys.fieldwork.models import Answer, Invitation, ResponseStatus, SurveyResponse
from surveys.models import Survey, SurveyStatus

#: sign in as this member: ask for a link at /my-panel/sign-in (it lands in the outbox), or run
#: `flask --app wsgi demo-member-link`.
DEMO_RESIDENT_EMAIL = f"resident@{DEMO_DOMAIN}"
#: where the demo's open survey link is "shared"; the staff fieldwork page lists its address.
DEMO_OPEN_LINK_SOURCE = "Healthwatch Blackpool poster"


def create_demo_resident(session: Session, now: datetime) -> Member | None:
    """Create the demo resident and their surveys once; None if the surveys it needs are
    missing (the other demo steps have not run)."""
    found = session.scalar(sa.select(Member).where(Member.email == DEMO_RESIDENT_EMAIL))
    if found is not None:
        return found
    surveys = {s.title: s for s in session.scalars(sa.select(Survey))}
    live = surveys.get("Maternity care: your experience")
    published = surveys.get("Pharmacy opening hours")
    waiting = surveys.get("Pharmacy services for carers")
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))
    if None in (live, published, waiting, blackpool) or live.status is not SurveyStatus.LIVE:
        return None
    joined = now - timedelta(days=200)
    member = Member(
        email=DEMO_RESIDENT_EMAIL,
        first_name="Sam",
        last_name="Resident",
        postcode="FY1 1AA",
        place=blackpool,
        age_band="45-54",
        topics=["pharmacy", "maternity"],
        status=MemberStatus.ACTIVE,
        created_at=joined,
        joined_at=joined,
    )
    member.consents.append(
        ConsentRecord(
            kind=ConsentKind.MEMBERSHIP,
            given=True,
            wording_version=reference.MEMBERSHIP_CONSENT_VERSION,
            method="join form",
            at=joined,
        )
    )
    session.add(member)
    session.flush()
    # Part done: the first page of the live survey answered through the member's own link.
    response = start_personal(session, live, member.id, now - timedelta(days=1))
    typed = {q["key"]: q["options"][1:2] for q in live.pages[0]["questions"] if q.get("options")}
    result = save_page(session, live, response, 0, typed, now)
    if result.errors:
        raise ValueError(f"demo answers do not fit the live survey: {result.errors}")
    for survey in (published, waiting):
        _finished(session, survey, member)
    # An open (anonymous) link to the live survey, as a partner would print it on a poster.
    create_open_link(session, live, live.author, DEMO_OPEN_LINK_SOURCE, now)
    return member


def _finished(session: Session, survey: Survey, member: Member) -> None:
    """A sent response as an anonymous survey keeps it after closing: the answers no longer
    lead to the member; their invitation and contact record say they took part."""
    at = survey.opens_at + timedelta(days=2)
    session.add(
        Invitation(
            survey_id=survey.id, member_id=member.id, place_id=member.place_id, invited_at=at
        )
    )
    response = SurveyResponse(
        survey_id=survey.id,
        status=ResponseStatus.SUBMITTED,
        started_at=at,
        updated_at=at,
        submitted_at=at,
        source="Personal invitation",
        place_id=member.place_id,
        age_band=member.age_band,
    )
    session.add(response)
    session.flush()
    for question in survey.pages[0]["questions"]:
        if question.get("options"):
            value = question["options"][:1]
            chosen = value if question["type"] == "multiple_choice" else value[0]
            session.add(Answer(response_id=response.id, question_key=question["key"], value=chosen))
    session.flush()
    refresh_answer_codes(session, survey, response)
    session.add(
        MemberContact(
            member_id=member.id, kind=ContactKind.SURVEY_RESPONSE, reference_id=survey.id, at=at
        )
    )
