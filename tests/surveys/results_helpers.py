"""A closed survey with a hand-counted set of responses, for the results tests.

Blackpool: 10 sent (Car 6, Bus 4); the 4 on the bus chose Town centre and Station.
Lancashire: 12 sent (Car 2, Bus 8, Walking 1, Other 1 "Taxi"); of the 8 on the bus, 5 chose
Station and 3 Hospital and Station. One more Blackpool response was started, not sent.
"""

from __future__ import annotations

from datetime import timedelta

from panel.segments.models import ContactKind, MemberContact
from surveys.fieldwork import invitations
from surveys.fieldwork.answers import refresh_answer_codes
from surveys.fieldwork.models import Answer, Invitation, ResponseStatus, SurveyResponse
from tests.factories import make_member, place
from tests.surveys.fieldwork_helpers import live_survey

BLACKPOOL = [("Car", None)] * 6 + [("Bus", ["Town centre", "Station"])] * 4
LANCASHIRE = (
    [("Car", None)] * 2
    + [("Bus", ["Station"])] * 5
    + [("Bus", ["Hospital", "Station"])] * 3
    + [("Walking", None), ("__other__", None)]
)
COMMENT_WITH_CONTACTS = "Call me on 01253 123456 or write to jo.bloggs@example.com please"


def closed_survey(session, now, members: bool = True, **plan):
    """The survey above, closed; with ``members`` each response comes from a panel member
    (whose taking part is recorded), otherwise from an open link."""
    survey, author = live_survey(session, now - timedelta(days=41), **plan)
    number = 0
    for place_code, answers in (("blackpool", BLACKPOOL), ("lancashire", LANCASHIRE)):
        place_id = place(session, place_code).id
        for q1, q3 in answers:
            number += 1
            submitted_at = now - timedelta(days=30 - number)
            invitation_id = None
            if members:
                member = make_member(
                    session, place_code, age_band="25-34" if number % 2 else "65-74"
                )
                invitation = Invitation(
                    survey_id=survey.id,
                    member_id=member.id,
                    place_id=place_id,
                    invited_at=submitted_at,
                )
                session.add(invitation)
                session.flush()
                invitation_id = invitation.id
                session.add(
                    MemberContact(
                        member_id=member.id,
                        kind=ContactKind.SURVEY_RESPONSE,
                        reference_id=survey.id,
                        at=submitted_at,
                    )
                )
            response = SurveyResponse(
                survey_id=survey.id,
                invitation_id=invitation_id,
                status=ResponseStatus.SUBMITTED,
                submitted_at=submitted_at,
                started_at=submitted_at,
                updated_at=submitted_at,
                place_id=place_id,
                source="Personal invitation" if members else "Healthwatch",
                age_band="25-34" if number % 2 else "65-74",
                equality={"sex": "female" if number % 3 else "male"},
            )
            session.add(response)
            session.flush()
            rows = [
                Answer(
                    response_id=response.id,
                    question_key="q1",
                    value=q1,
                    other_text="Taxi" if q1 == "__other__" else "",
                )
            ]
            if q3:
                rows.append(Answer(response_id=response.id, question_key="q3", value=q3))
            if number == 3:
                rows.append(
                    Answer(response_id=response.id, question_key="q4", value=COMMENT_WITH_CONTACTS)
                )
            if number == 4:
                rows.append(
                    Answer(
                        response_id=response.id,
                        question_key="q4",
                        value='=HYPERLINK("http://evil.example")',
                    )
                )
            session.add_all(rows)
            refresh_answer_codes(session, survey, response)
    started = SurveyResponse(
        survey_id=survey.id,
        status=ResponseStatus.IN_PROGRESS,
        place_id=place(session, "blackpool").id,
        started_at=now,
        updated_at=now,
    )
    session.add(started)
    session.flush()
    session.add(Answer(response_id=started.id, question_key="q1", value="Car"))
    survey.closes_at = now - timedelta(days=1)
    invitations.close_survey(session, survey, None, now - timedelta(days=1))
    session.commit()
    return survey, author
