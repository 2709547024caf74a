"""What the public register shows: published decisions (filtered by place, body and status),
one decision's involvement trail, and the decisions that used a survey's results."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.places.models import Place
from surveys.decisions.models import (
    BodyKind,
    DecisionLink,
    DecisionRecord,
    DecisionStatus,
    DecisionStatusChange,
    LinkKind,
)
from surveys.models import ResultsPage


@dataclass(frozen=True)
class PublicFilters:
    """The public index's filters (None: any)."""

    place_id: int | None = None
    #: True: ICB-wide decisions only.
    icb_wide: bool = False
    body_kind: BodyKind | None = None
    status: DecisionStatus | None = None


def _published():
    return (
        sa.select(DecisionRecord)
        .options(selectinload(DecisionRecord.links), selectinload(DecisionRecord.place))
        .where(DecisionRecord.published_at.is_not(None))
    )


def published_decisions(session: Session, filters: PublicFilters) -> list[DecisionRecord]:
    """The decisions on the public register that match the filters, latest first."""
    query = _published()
    if filters.icb_wide:
        query = query.where(DecisionRecord.place_id.is_(None))
    elif filters.place_id is not None:
        query = query.where(DecisionRecord.place_id == filters.place_id)
    if filters.body_kind is not None:
        query = query.where(DecisionRecord.body_kind == filters.body_kind)
    if filters.status is not None:
        query = query.where(DecisionRecord.status == filters.status)
    order = (DecisionRecord.decided_on.desc(), DecisionRecord.id.desc())
    return list(session.scalars(query.order_by(*order)))


def places(session: Session) -> list[Place]:
    """Every place, by name (for the filter)."""
    return list(session.scalars(sa.select(Place).order_by(Place.name)))


def published_decision(session: Session, decision_id: int) -> DecisionRecord | None:
    """The decision if it is on the public register, else None."""
    decision = session.get(DecisionRecord, decision_id)
    return decision if decision is not None and decision.published_at is not None else None


def public_survey_ids(session: Session, decision: DecisionRecord) -> set[int]:
    """The linked surveys whose results page is public (only those are linked to)."""
    ids = [link.survey_id for link in decision.links if link.kind is LinkKind.SURVEY]
    return set(
        session.scalars(
            sa.select(ResultsPage.survey_id).where(
                ResultsPage.survey_id.in_(ids), ResultsPage.published_at.is_not(None)
            )
        )
    )


def timeline(session: Session, decision: DecisionRecord) -> list[DecisionStatusChange]:
    """When the decision reached each status, in order."""
    return list(
        session.scalars(
            sa.select(DecisionStatusChange)
            .where(DecisionStatusChange.decision_id == decision.id)
            .order_by(DecisionStatusChange.changed_at, DecisionStatusChange.id)
        )
    )


def decisions_using_survey(session: Session, survey_id: int) -> list[DecisionRecord]:
    """The public decisions that a survey informed, latest first."""
    used = sa.select(DecisionLink.decision_id).where(
        DecisionLink.kind == LinkKind.SURVEY, DecisionLink.survey_id == survey_id
    )
    query = _published().where(DecisionRecord.id.in_(used))
    order = (DecisionRecord.decided_on.desc(), DecisionRecord.id.desc())
    return list(session.scalars(query.order_by(*order)))
