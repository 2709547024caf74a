"""Changing a "you said, we did" decision after it was written: the earlier wording is kept as a
DecisionChange, the decision says when it was updated, and the change is audited."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from surveys.models import Survey
from surveys.results.models import Decision, DecisionChange, Outcome
from surveys.results.publishing import PublishingError


def decision_of(session: Session, survey: Survey, decision_id: int) -> Decision | None:
    """The survey's decision with that id, or None (another survey's is None too)."""
    decision = session.get(Decision, decision_id)
    return decision if decision is not None and decision.survey_id == survey.id else None


def change_decision(
    session: Session,
    decision: Decision,
    user: StaffUser,
    you_said: str,
    outcome: str,
    action: str,
    decided_on: date,
    now: datetime,
) -> bool:
    """Change a decision, keeping its earlier wording; False when nothing changed (nothing is
    recorded). Raises PublishingError naming the field for an empty or unknown value."""
    try:
        kind = Outcome(outcome)
    except ValueError:
        raise PublishingError("Choose what happened", "outcome") from None
    you_said, action = you_said.strip(), action.strip()
    if not you_said:
        raise PublishingError("Say what people told us", "you_said")
    if not action:
        raise PublishingError("Say what we did, or why we did not", "action")
    before = (decision.you_said, decision.outcome, decision.action, decision.decided_on)
    if before == (you_said, kind, action, decided_on):
        return False
    session.add(
        DecisionChange(
            decision_id=decision.id,
            you_said=decision.you_said,
            outcome=decision.outcome,
            action=decision.action,
            decided_on=decision.decided_on,
            changed_at=now,
            changed_by_id=user.id,
        )
    )
    decision.you_said, decision.outcome, decision.action = you_said, kind, action
    decision.decided_on, decision.updated_at = decided_on, now
    session.flush()
    record_audit(
        session,
        user,
        "results.decision_change",
        "survey",
        [decision.survey_id],
        f"decision {decision.id}",
        now=now,
    )
    return True


def changes(session: Session, survey: Survey) -> dict[int, list[DecisionChange]]:
    """{decision id: its earlier wordings, newest first} for the survey's changed decisions."""
    found: dict[int, list[DecisionChange]] = defaultdict(list)
    for change in session.scalars(
        sa.select(DecisionChange)
        .join(Decision, Decision.id == DecisionChange.decision_id)
        .where(Decision.survey_id == survey.id)
        .order_by(DecisionChange.changed_at.desc(), DecisionChange.id.desc())
    ):
        found[change.decision_id].append(change)
    return dict(found)
