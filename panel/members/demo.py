"""Demo members spread over every place, so a new user sees a living panel (demo only)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members import reference
from panel.members.models import (
    ConsentKind,
    ConsentRecord,
    EqualityProfile,
    Member,
    MemberStatus,
    RecruitmentSource,
)
from panel.places.models import Neighbourhood, Place, PostcodeDistrict

DEMO_DOMAIN = "demo.lsc-panel.example"
DEMO_MEMBER_COUNT = 600
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Faisal",
    "Grace",
    "Harry",
    "Imran",
    "Jade",
    "Kasia",
    "Liam",
    "Maryam",
    "Noah",
    "Olivia",
    "Priya",
    "Reece",
    "Sana",
    "Tom",
    "Usman",
    "Vera",
    "Will",
    "Yasmin",
    "Zoe",
    "Margaret",
    "Keith",
    "Joan",
    "Bilal",
    "Amelia",
    "George",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Dobson",
    "Evans",
    "Fletcher",
    "Green",
    "Hussain",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lee",
    "Mistry",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Robinson",
    "Shah",
    "Taylor",
    "Walsh",
    "Wilson",
    "Wright",
    "Young",
]
DEMO_SOURCES = [
    ("Healthwatch Blackpool", "blackpool"),
    ("GP poster", None),
    ("Pennine mosque outreach", "lancashire"),
    ("Kendal library event", "south-cumbria"),
]
# Roughly each place's share of the population, with Lancashire under-recruited as in real panels.
PLACE_WEIGHTS = {
    "lancashire": 55,
    "blackpool": 15,
    "blackburn-with-darwen": 15,
    "south-cumbria": 15,
}


def create_demo_members(session: Session, now: datetime) -> int:
    """Create the demo members once (recognised by their demo email domain)."""
    exists = session.scalar(
        sa.select(Member.id).where(Member.email.like(f"%@{DEMO_DOMAIN}")).limit(1)
    )
    if exists:
        return 0
    rng = random.Random(2023)
    places = {p.code: p for p in session.scalars(sa.select(Place))}
    sources = []
    for name, place_code in DEMO_SOURCES:
        source = session.scalar(sa.select(RecruitmentSource).where(RecruitmentSource.name == name))
        if source is None:
            source = RecruitmentSource(
                name=name, place=places.get(place_code) if place_code else None, created_at=now
            )
            session.add(source)
        sources.append(source)
    outward = {}
    for row in session.scalars(sa.select(PostcodeDistrict)):
        if row.place_id is not None:  # a demo member lives in the place most of it is in
            outward.setdefault(row.place_id, []).append(row.outward_code)
    neighbourhoods = {}
    for n in session.scalars(sa.select(Neighbourhood)):
        neighbourhoods.setdefault(n.place_id, []).append(n.id)
    codes = list(PLACE_WEIGHTS)
    weights = [PLACE_WEIGHTS[c] for c in codes]
    for number in range(DEMO_MEMBER_COUNT):
        place = places[rng.choices(codes, weights)[0]]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        joined = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
        member = Member(
            email=f"{first}.{last}.{number}@{DEMO_DOMAIN}".lower(),
            first_name=first,
            last_name=last,
            place=place,
            postcode=f"{rng.choice(outward[place.id])} {rng.randint(1, 9)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            neighbourhood_id=rng.choice(neighbourhoods[place.id] + [None, None])
            if place.id in neighbourhoods
            else None,
            age_band=rng.choices(
                [c for c, _ in reference.AGE_BANDS[:-1]], [6, 10, 13, 15, 20, 22, 14]
            )[0],
            topics=rng.sample([c for c, _ in reference.TOPICS], rng.randint(1, 4)),
            preferred_format=rng.choices(["standard", "easy_read", "large_print"], [90, 5, 5])[0],
            language=rng.choices(["en", "ur", "pa", "pl"], [94, 3, 2, 1])[0],
            heard_from=rng.choice([c for c, _ in reference.HEARD_FROM]),
            recruitment_source=rng.choice(sources + [None, None, None]),
            status=MemberStatus.ACTIVE if rng.random() > 0.04 else MemberStatus.PENDING,
            tracking_consent=rng.random() < 0.7,
            created_at=joined - timedelta(hours=2),
        )
        if member.status is MemberStatus.ACTIVE:
            member.joined_at = joined
        if rng.random() < 0.65:
            member.equality = _demo_equality(rng)
            member.consents.append(
                ConsentRecord(
                    kind=ConsentKind.SPECIAL_CATEGORY,
                    given=True,
                    method="join form",
                    wording_version=reference.SPECIAL_CATEGORY_CONSENT_VERSION,
                    at=joined,
                )
            )
        session.add(member)
    session.flush()
    return DEMO_MEMBER_COUNT


def _demo_equality(rng: random.Random) -> EqualityProfile:
    return EqualityProfile(
        sex=rng.choices(["female", "male", "pns"], [58, 40, 2])[0],
        gender_identity=rng.choices(["yes", "no", "pns"], [96, 1, 3])[0],
        sexual_orientation=rng.choices(
            ["straight", "gay_lesbian", "bisexual", "pns"], [88, 3, 2, 7]
        )[0],
        ethnic_group=rng.choices(
            ["13", "17", "4", "3", "1", "9", "6", "pns"], [80, 3, 6, 3, 1, 1, 1, 5]
        )[0],
        religion=rng.choices(["christian", "none", "muslim", "hindu", "pns"], [50, 33, 9, 2, 6])[0],
        disability=rng.choices(["yes_a_lot", "yes_a_little", "no", "pns"], [9, 12, 74, 5])[0],
        carer=rng.choices(["no", "yes_under_20", "yes_20_49", "pns"], [85, 8, 3, 4])[0],
        armed_forces=rng.choices(["no", "regular", "pns"], [94, 3, 3])[0],
    )
