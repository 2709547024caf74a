"""Recruitment sources (trackable sign-up links) and sign-ups per source and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.access import can_see_place, get_scoped_or_404, scope_to_places
from panel.auth.models import Role, StaffUser
from panel.disclosure import HIDDEN, SMALL_NUMBER_MAX, suppress_small
from panel.field_errors import FieldError
from panel.members.models import Member, MemberStatus, RecruitmentSource
from panel.partners.models import PartnerOrganisation
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


def give_source_to_partner(
    session: Session,
    actor: StaffUser,
    source: RecruitmentSource,
    organisation_id: int | None,
    now: datetime,
) -> None:
    """Make the sign-up link the partner organisation's (None: no organisation's), so its
    partner accounts see the link's sign-up counts (audited). Raises SourceError for an
    unknown organisation."""
    if organisation_id is not None and session.get(PartnerOrganisation, organisation_id) is None:
        raise SourceError("Choose an organisation from the list", field="source_id")
    source.partner_organisation_id = organisation_id
    session.flush()
    record_audit(
        session,
        actor,
        "source.partner",
        "recruitment_source",
        [source.id],
        detail=f"partner={organisation_id or '-'}",
        now=now,
    )


def partner_sources(session: Session, organisation_id: int) -> list[RecruitmentSource]:
    """The sign-up links given to one partner organisation, by name."""
    return list(
        session.scalars(
            sa.select(RecruitmentSource)
            .where(RecruitmentSource.partner_organisation_id == organisation_id)
            .order_by(RecruitmentSource.name)
        )
    )


@dataclass
class PartnerSignups:
    """What a partner account sees of its sign-up links: counts only, small ones hidden."""

    #: one row per link: {"source": RecruitmentSource, "joined": int | "*", "active": int | "*"}
    rows: list[dict]
    joined_total: int | str
    active_total: int | str


def partner_signups(session: Session, organisation_id: int) -> PartnerSignups:
    """People who confirmed their membership through each of the organisation's links (and
    how many of them are members now), counted in SQL with NHS Digital's small-number rule
    applied (panel.disclosure): no name, email or postcode ever leaves this function."""
    sources = partner_sources(session, organisation_id)
    joined_statuses = [status for status in MemberStatus if status is not MemberStatus.PENDING]
    counts = {
        source_id: (joined, active or 0)
        for source_id, joined, active in session.execute(
            sa.select(
                Member.recruitment_source_id,
                sa.func.count(),
                sa.func.sum(sa.case((Member.status == MemberStatus.ACTIVE, 1), else_=0)),
            )
            .where(
                Member.recruitment_source_id.in_([source.id for source in sources]),
                Member.status.in_(joined_statuses),
            )
            .group_by(Member.recruitment_source_id)
        )
    }
    rows = [
        {
            "source": source,
            "joined": counts.get(source.id, (0, 0))[0],
            "active": counts.get(source.id, (0, 0))[1],
        }
        for source in sources
    ]
    joined_total = sum(row["joined"] for row in rows)
    active_total = sum(row["active"] for row in rows)
    return PartnerSignups(
        rows=suppress_small(rows, ["joined", "active"]),
        joined_total=HIDDEN if 1 <= joined_total <= SMALL_NUMBER_MAX else joined_total,
        active_total=HIDDEN if 1 <= active_total <= SMALL_NUMBER_MAX else active_total,
    )
