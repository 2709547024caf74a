"""Recruitment sources (trackable sign-up links) and sign-ups per source and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member, MemberStatus, RecruitmentSource
from panel.places.models import Place

PANEL_TARGET = 4000


class SourceError(ValueError):
    """The source cannot be created as asked; the message says why."""


def create_source(
    session: Session, actor: StaffUser, name: str, place_id: int | None, now: datetime
) -> RecruitmentSource:
    name = " ".join(name.split())
    if session.scalar(
        sa.select(RecruitmentSource.id).where(sa.func.lower(RecruitmentSource.name) == name.lower())
    ):
        raise SourceError("A source with this name already exists")
    source = RecruitmentSource(
        name=name, place_id=place_id or None, created_at=now, created_by_id=actor.id
    )
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session) -> list[RecruitmentSource]:
    return list(session.scalars(sa.select(RecruitmentSource).order_by(RecruitmentSource.name)))


def signup_link(base_url: str, source: RecruitmentSource) -> str:
    return f"{base_url}/join?source={source.code}"


@dataclass
class RecruitmentDashboard:
    by_source: list[tuple[str, int]]
    by_place: list[tuple[str, int, int]]
    total: int
    target: int = PANEL_TARGET


def recruitment_dashboard(session: Session, user: StaffUser) -> RecruitmentDashboard:
    """Active members per source and per place (SQL aggregation), within the user's places."""
    active = scope_to_places(
        sa.select(Member.recruitment_source_id, Member.place_id), user, Member.place_id
    ).where(Member.status == MemberStatus.ACTIVE)
    active = active.subquery()
    by_source = session.execute(
        sa.select(sa.func.coalesce(RecruitmentSource.name, "No source recorded"), sa.func.count())
        .select_from(active)
        .outerjoin(RecruitmentSource, RecruitmentSource.id == active.c.recruitment_source_id)
        .group_by(RecruitmentSource.name)
        .order_by(sa.func.count().desc())
    ).all()
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
    return RecruitmentDashboard([tuple(r) for r in by_source], by_place, sum(counts.values()))
