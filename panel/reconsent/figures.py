"""A campaign's figures by place: how many were asked, confirmed, declined, expired, have not
answered yet, and whose equality answers the deadline would delete (all recounted from the rows
on each look)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.members.mail_check import NO_PLACE
from panel.members.models import Member
from panel.places.models import Place
from panel.reconsent.expiry import due_for_deletion
from panel.reconsent.models import Outcome, ReconsentCampaign, ReconsentRequest


@dataclass
class PlaceFigures:
    """One place's row (or the total)."""

    place: str
    by_outcome: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    due_for_deletion: int = 0

    @property
    def asked(self) -> int:
        return sum(self.by_outcome.values())


def campaign_figures(
    session: Session, campaign: ReconsentCampaign
) -> tuple[list[PlaceFigures], PlaceFigures]:
    """(rows by place, alphabetical, places with no one asked left out; the total row)."""
    names = dict(session.execute(sa.select(Place.id, Place.name)).all())
    rows: dict[str, PlaceFigures] = {}
    total = PlaceFigures("All places")
    counted = session.execute(
        sa.select(Member.place_id, ReconsentRequest.outcome, sa.func.count())
        .join(Member, Member.id == ReconsentRequest.member_id)
        .where(ReconsentRequest.campaign_id == campaign.id)
        .group_by(Member.place_id, ReconsentRequest.outcome)
    ).all()
    for place_id, outcome, count in counted:
        name = names.get(place_id, NO_PLACE)
        rows.setdefault(name, PlaceFigures(name)).by_outcome[outcome] += count
        total.by_outcome[outcome] += count
    for place_id, count in due_for_deletion(session, campaign).items():
        name = names.get(place_id, NO_PLACE)
        rows.setdefault(name, PlaceFigures(name)).due_for_deletion += count
        total.due_for_deletion += count
    return [rows[name] for name in sorted(rows)], total
