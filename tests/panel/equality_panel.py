"""A small panel for the equality-data searches: 30 members in two places, spread over every
field, with varied equality answers and some contact history; and the search settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from panel.auth.models import Role
from panel.members import reference
from panel.members.models import EqualityProfile, RecruitmentSource
from panel.places.models import Neighbourhood
from panel.segments.models import ContactKind, MemberContact
from panel.segments.services.special_category import SPECIAL_CATEGORY_FIELDS
from tests.factories import make_member, make_staff, place

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PLACES = ("blackpool", "lancashire")
#: the special category columns of the equality record (the summary field reads ethnic_group).
SPECIAL_COLUMNS = sorted(SPECIAL_CATEGORY_FIELDS - {"ethnic_group_summary"})
SPECIAL_OPTIONS = {
    q.field: [code for code, _label in q.options]
    for q in reference.EQUALITY_QUESTIONS
    if q.field in SPECIAL_COLUMNS
}
SEARCH = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _cycle(options, number):
    """The code of the option ``number`` lands on, going round the list."""
    return options[number % len(options)][0]


def build_panel(session):
    """30 members, 16 in Blackpool and 14 in Lancashire, spread over every field; contact history
    that caps some; and the three roles (the place team holds both places)."""
    sources = [RecruitmentSource(name=f"Source {n}") for n in range(3)]
    session.add_all(sources)
    session.flush()
    members = []
    for number in range(30):
        code = PLACES[0] if number < 16 else PLACES[1]
        neighbourhoods = session.scalars(
            sa.select(Neighbourhood.id)
            .where(Neighbourhood.place_id == place(session, code).id)
            .order_by(Neighbourhood.id)
        ).all()
        special = {
            field: options[(number * (index + 2)) % len(options)]
            for index, (field, options) in enumerate(sorted(SPECIAL_OPTIONS.items()))
        }
        member = make_member(
            session,
            code,
            age_band=_cycle(reference.AGE_BANDS, number),
            topics=[_cycle(reference.TOPICS, number), _cycle(reference.TOPICS, number * 7)],
            language=_cycle(reference.LANGUAGES, number % 4),
            preferred_format=_cycle(reference.FORMATS, number),
            heard_from=_cycle(reference.HEARD_FROM, number),
            recruitment_source_id=sources[number % 3].id if number % 4 else None,
            neighbourhood_id=neighbourhoods[number % len(neighbourhoods)]
            if neighbourhoods
            else None,
            joined_at=NOW - timedelta(days=9 * number + 1),
            paused_until=NOW + timedelta(days=10) if number % 7 == 3 else None,
            unsubscribed_at=NOW - timedelta(days=1) if number == 11 else None,
            equality=EqualityProfile(
                sex=["female", "male", "pns", None][number % 4],
                carer=_cycle(reference.EQUALITY_QUESTIONS[6].options, number),
                armed_forces=["no", "regular", None][number % 3],
                **special,
            ),
        )
        members.append(member)
        kinds = [
            (number % 5 == 0, ContactKind.SURVEY_INVITATION, 3),
            (number % 5 == 0, ContactKind.SURVEY_INVITATION, 12),
            (number % 4 == 1, ContactKind.SURVEY_RESPONSE, 40),
            (number % 6 == 2, ContactKind.BULLETIN_OPEN, 100),
        ]
        session.add_all(
            MemberContact(member_id=member.id, kind=kind, at=NOW - timedelta(days=days))
            for wanted, kind, days in kinds
            if wanted
        )
    session.flush()
    staff = {
        "comms": make_staff(session, Role.COMMS),
        "place": make_staff(session, Role.PLACE, places=list(PLACES)),
        "observer": make_staff(session, Role.OBSERVER),
    }
    return members, staff
