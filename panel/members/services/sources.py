"""Recruitment sources (trackable sign-up links) and sign-ups per source and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import can_see_place, get_scoped_or_404, scope_to_places
from panel.auth.models import Role, StaffUser
from panel.field_errors import FieldError
from panel.members.models import Member, MemberStatus, RecruitmentSource
from panel.places.models import Place

PANEL_TARGET = 4000


class SourceError(FieldError):
    """The source cannot be created as asked; the message says why, ``field`` which field."""

    field = "name"


def create_source(
    session: Session, actor: StaffUser, name: str, place_id: int | None, now: datetime
) -> RecruitmentSource:
    """A new sign-up link for one place, or for the whole ICB (the communications team only).
    Raises SourceError."""
    name = " ".join(name.split())
    if place_id is None and actor.role is not Role.COMMS:
        raise SourceError("Choose one of your places", field="place_id")
    if place_id is not None and (
        not can_see_place(actor, place_id) or session.get(Place, place_id) is None
    ):
        raise SourceError("Choose one of your places", field="place_id")
    if session.scalar(
        sa.select(RecruitmentSource.id).where(sa.func.lower(RecruitmentSource.name) == name.lower())
    ):
        raise SourceError("A source with this name already exists")
    source = RecruitmentSource(name=name, place_id=place_id, created_at=now, created_by_id=actor.id)
    session.add(source)
    session.flush()
    return source


def visible_sources(session: Session, user: StaffUser) -> list[RecruitmentSource]:
    """The sources the user may see, by name: a place team's own places' only (ICB-wide ones
    are the communications team's), so every list of sources comes from here."""
    statement = sa.select(RecruitmentSource).order_by(RecruitmentSource.name)
    return list(session.scalars(scope_to_places(statement, user, RecruitmentSource.place_id)))


def get_source_or_404(session: Session, source_id: int, user: StaffUser) -> RecruitmentSource:
    """One source the user may see; another place's is a 404, exactly like a missing one."""
    return get_scoped_or_404(session, RecruitmentSource, source_id, user)


def signup_link(base_url: str, source: RecruitmentSource) -> str:
    """The joining address that credits the recruitment source."""
    return f"{base_url}/join?source={source.code}"


@dataclass
class RecruitmentDashboard:
    """Joiners by recruitment source and by place, for the recruitment dashboard."""

    by_source: list[tuple[str, int]]
    by_place: list[tuple[str, int, int]]
    total: int
    target: int = PANEL_TARGET


#: the row that counts a user's members who joined through a link the user may not see.
OTHER_TEAMS_SOURCES = "Links run by other teams"


def recruitment_dashboard(session: Session, user: StaffUser) -> RecruitmentDashboard:
    """Active members per source and per place (SQL aggregation), within the user's places.
    Only sources the user may see are named; the rest are counted together."""
    active = scope_to_places(
        sa.select(Member.recruitment_source_id, Member.place_id), user, Member.place_id
    ).where(Member.status == MemberStatus.ACTIVE)
    active = active.subquery()
    per_source = session.execute(
        sa.select(active.c.recruitment_source_id, sa.func.count()).group_by(
            active.c.recruitment_source_id
        )
    ).all()
    names = {source.id: source.name for source in visible_sources(session, user)}
    totals: dict[str, int] = {}
    for source_id, count in per_source:
        if source_id is None:
            label = "No source recorded"
        else:
            label = names.get(source_id, OTHER_TEAMS_SOURCES)
        totals[label] = totals.get(label, 0) + count
    by_source = sorted(totals.items(), key=lambda row: (-row[1], row[0]))
    counts = dict(
        session.execute(
            sa.select(active.c.place_id, sa.func.count()).group_by(active.c.place_id)
        ).all()
    )
    places = scope_to_places(sa.select(Place).order_by(Place.name), user, Place.id)
    total_population = session.scalar(sa.select(sa.func.sum(Place.population))) or 1
    by_place = []
    for place in session.scalars(places):
        # Each place's share of the 4,000 target follows its share of the population.
        target = round(PANEL_TARGET * (place.population or 0) / total_population)
        by_place.append((place.name, counts.get(place.id, 0), target))
    return RecruitmentDashboard(by_source, by_place, sum(counts.values()))
