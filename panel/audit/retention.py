"""The retention schedule: how long each kind of record is kept, and the audit of each run of
the retention jobs (what they removed, as counts: never names, emails or answers)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.models import AuditEvent
from panel.audit.services import record_audit

#: promised by the privacy notice and the quality bar (item 20), not configurable.
UNCONFIRMED_SIGN_UP_DAYS = 7
#: a join form's unfinished draft (typed answers kept while someone moves between pages).
JOIN_DRAFT_DAYS = 1

#: audit actions of the retention jobs start with this.
ACTION_PREFIX = "retention."


@dataclass(frozen=True)
class Rule:
    """One line of the schedule: what is removed, when, and where the period is set."""

    records: str
    period: str
    setting: str
    why: str


def schedule(config) -> list[Rule]:
    """The retention schedule as the app is configured now."""
    unsent = config["RETENTION_UNSENT_RESPONSE_DAYS"]
    link = config["RETENTION_RESPONSE_LINK_MONTHS"]
    years = config["RETENTION_SURVEY_RECORDS_YEARS"]
    return [
        Rule(
            "Sign-ups never confirmed (name, email, postcode, equality answers, consent)",
            f"{UNCONFIRMED_SIGN_UP_DAYS} days after signing up",
            "fixed",
            "The privacy notice promises it (and the quality bar, item 20).",
        ),
        Rule(
            "Unfinished join forms",
            f"{JOIN_DRAFT_DAYS} day after the last change",
            "fixed",
            "Kept only so that nothing typed is lost between pages.",
        ),
        Rule(
            "Survey answers started but never sent",
            f"{unsent} days after the survey closes",
            "RETENTION_UNSENT_RESPONSE_DAYS",
            "Never counted in results; kept a short while for questions about the fieldwork.",
        ),
        Rule(
            "The link between sent answers and the member or link that gave them",
            f"{link} months after the survey closes",
            "RETENTION_RESPONSE_LINK_MONTHS",
            "Needed for follow-up and data rights requests; the answers stay and the figures "
            "do not change.",
        ),
        Rule(
            "A survey's answers, invitations, review comments and published snapshots",
            f"{years} years after the survey closes",
            "RETENTION_SURVEY_RECORDS_YEARS",
            "The evidence of engagement, kept in case it is challenged; the ICB's records "
            "retention schedule sets the period. The plan, results page text and decisions stay.",
        ),
    ]


def months_before(now: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's end)."""
    index = now.year * 12 + now.month - 1 - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def describe(counts: dict[str, int]) -> str:
    """Counts as one line, e.g. "unconfirmed sign-ups: 3; join drafts: 0"."""
    return "; ".join(f"{kind}: {n}" for kind, n in counts.items())


def record_retention_run(
    session: Session,
    rule: str,
    counts: dict[str, int],
    now: datetime,
    object_type: str = "retention",
    object_ids=(),
) -> AuditEvent | None:
    """One audit event (actor: the system) for a run that removed something; None if nothing."""
    if not any(counts.values()):
        return None
    return record_audit(
        session, None, ACTION_PREFIX + rule, object_type, object_ids, describe(counts), now=now
    )


def last_runs(session: Session, limit: int = 50) -> list[AuditEvent]:
    """The retention jobs' latest audited runs, newest first."""
    return list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action.startswith(ACTION_PREFIX))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
