"""The register's two measures, recounted from the rows each time: the median days from a
decision being made to its published "we did" (goal: 30 or fewer), and the share of the people
who took part who were told within 7 days of the decision. Each says when it cannot be worked
out rather than showing a 0."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.segments.models import ContactKind, MemberContact
from surveys.decisions.models import DecisionNotice, LinkKind
from surveys.decisions.register import visible_decisions

GOAL_DAYS = 30
TELL_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Measures:
    """The register's measures; a None figure could not be worked out (the counts say why)."""

    #: made decisions that some involvement informed (the first measure's population).
    made_with_involvement: int
    #: days from made to published "we did", one per decision whose "we did" is published.
    days_to_we_did: list[int]
    median_days: float | None
    #: made decisions with involvement whose "we did" is not public yet.
    waiting: int
    #: (decision, person) pairs: people who answered a survey a decision made at least 7 days
    #: ago used.
    contributors: int
    told_within: int
    share_told: float | None
    #: made decisions using surveys whose 7 days are not over yet (not counted yet).
    too_recent: int

    @property
    def meets_goal(self) -> bool | None:
        """Whether the median is within the goal (None when there is no median)."""
        return None if self.median_days is None else self.median_days <= GOAL_DAYS


def measures(session: Session, user: StaffUser, now: datetime) -> Measures:
    """Both measures over the decisions the user may see, as they stand at ``now``."""
    made = [d for d in session.scalars(visible_decisions(user)) if d.is_made]
    with_links = [d for d in made if d.links]
    days = sorted(
        (d.we_did_published_at.date() - d.decided_on).days
        for d in with_links
        if d.we_did_published_at is not None
    )
    today = now.date()
    surveys_of = {
        d.id: {link.survey_id for link in d.links if link.kind is LinkKind.SURVEY} for d in made
    }
    closed = [
        d
        for d in made
        if surveys_of[d.id] and today > d.decided_on + timedelta(days=TELL_WITHIN_DAYS)
    ]
    all_surveys = sorted(set().union(*(surveys_of[d.id] for d in closed))) if closed else []
    answered: dict[int, set[int]] = {}
    for survey_id, member_id in session.execute(
        sa.select(MemberContact.reference_id, MemberContact.member_id).where(
            MemberContact.kind == ContactKind.SURVEY_RESPONSE,
            MemberContact.reference_id.in_(all_surveys),
        )
    ):
        answered.setdefault(survey_id, set()).add(member_id)
    notices: dict[int, list[tuple[int, datetime]]] = {}
    for decision_id, member_id, queued_at in session.execute(
        sa.select(
            DecisionNotice.decision_id, DecisionNotice.member_id, DecisionNotice.queued_at
        ).where(DecisionNotice.decision_id.in_([d.id for d in closed]))
    ):
        notices.setdefault(decision_id, []).append((member_id, queued_at))
    contributors = told = 0
    for decision in closed:
        people = set().union(*(answered.get(s, set()) for s in surveys_of[decision.id]))
        deadline = decision.decided_on + timedelta(days=TELL_WITHIN_DAYS)
        in_time = {m for m, at in notices.get(decision.id, []) if at.date() <= deadline}
        contributors += len(people)
        told += len(people & in_time)
    return Measures(
        made_with_involvement=len(with_links),
        days_to_we_did=days,
        median_days=statistics.median(days) if days else None,
        waiting=sum(1 for d in with_links if d.we_did_published_at is None),
        contributors=contributors,
        told_within=told,
        share_told=told / contributors if contributors else None,
        too_recent=sum(1 for d in made if surveys_of[d.id] and d not in closed),
    )
