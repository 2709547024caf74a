"""Which of the surveys run in a period met the guidance, rule by rule: open for at least 30
days (12 weeks for a formal consultation), signed off by someone other than the author, and
clear of the pre-election period; and the overrides used.

Three queries whatever the number of surveys (the surveys' dates and sign-off, their overrides
counted by rule in SQL, the polling days); each survey's dates then go through the guidance
checker's own timing rules (surveys.guidance.timing), so the dashboard and the checker can never
disagree about a clock change or a pre-election period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from surveys.assurance.period import Period
from surveys.guidance.spec import SurveySpec
from surveys.guidance.timing import check_timing
from surveys.models import GuidanceOverride, Survey, SurveyStatus
from surveys.services.elections import polling_days

#: the rules the dashboard reports, in page order, with the checker's rule name.
RULES = (
    ("timing", "Open for at least 30 days (12 weeks for a formal consultation)"),
    ("sign_off", "Signed off by someone other than the author"),
    ("pre_election", "Clear of the pre-election period"),
)
MET, URGENT, OVERRIDDEN, NOT_MET = "met", "urgent", "overridden", "not met"
OUTCOME_LABELS = {
    MET: "Met",
    URGENT: "Shorter, with a recorded urgent reason",
    OVERRIDDEN: "Overridden with a written reason",
    NOT_MET: "Not met, and no override on record",
}
RAN_STATUSES = (SurveyStatus.LIVE, SurveyStatus.CLOSED)


@dataclass(frozen=True)
class SurveyOutcome:
    """One survey run in the period and how it stood against each rule."""

    survey_id: int
    title: str
    outcomes: dict[str, str]

    @property
    def met_all(self) -> bool:
        return all(outcome == MET for outcome in self.outcomes.values())


@dataclass
class RuleFigures:
    """How the surveys run in a period stood against one rule."""

    rule: str
    label: str
    counts: Counter = field(default_factory=Counter)

    def share_met(self, total: int) -> float | None:
        return self.counts[MET] / total if total else None


@dataclass(frozen=True)
class GuidanceFigures:
    """Every survey run in the period, each rule's counts, and the overrides used."""

    surveys: list[SurveyOutcome]
    rules: list[RuleFigures]
    #: every recorded override of those surveys, by the checker's rule name (any rule).
    overrides_by_rule: list[tuple[str, int]]

    @property
    def ran(self) -> int:
        return len(self.surveys)

    @property
    def met_all(self) -> int:
        return sum(1 for s in self.surveys if s.met_all)

    @property
    def share_met_all(self) -> float | None:
        return self.met_all / self.ran if self.ran else None


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive values; stored times are UTC (a naive value would read as London).
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _timing_outcomes(row, days, overridden: set[str]) -> dict[str, str]:
    spec = SurveySpec(
        title=row.title,
        opens_at=_utc(row.opens_at),
        closes_at=_utc(row.closes_at),
        formal_consultation=row.formal_consultation,
        urgent_reason=row.urgent_reason or "",
    )
    found = {(f.rule, f.severity) for f in check_timing(spec, election_polling_days=days)}
    outcomes = {}
    for rule in ("timing", "pre_election"):
        if (rule, "error") in found:
            outcomes[rule] = OVERRIDDEN if rule in overridden else NOT_MET
        elif (rule, "advice") in found:
            outcomes[rule] = URGENT
        else:
            outcomes[rule] = MET
    return outcomes


def guidance_figures(session: Session, user: StaffUser, period: Period) -> GuidanceFigures:
    """The surveys the user may see that opened in the period, measured rule by rule."""
    query = scope_to_places(
        sa.select(
            Survey.id,
            Survey.title,
            Survey.opens_at,
            Survey.closes_at,
            Survey.formal_consultation,
            Survey.urgent_reason,
            Survey.author_id,
            Survey.approved_by_id,
        ).where(
            Survey.status.in_(RAN_STATUSES),
            Survey.opens_at >= period.start_at,
            Survey.opens_at < period.end_at,
            Survey.closes_at.is_not(None),
        ),
        user,
        Survey.place_id,
    ).order_by(Survey.opens_at, Survey.id)
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    override_rows = session.execute(
        sa.select(GuidanceOverride.survey_id, GuidanceOverride.rule, sa.func.count())
        .where(GuidanceOverride.survey_id.in_(ids))
        .group_by(GuidanceOverride.survey_id, GuidanceOverride.rule)
    ).all()
    overridden: dict[int, set[str]] = {}
    by_rule: Counter = Counter()
    for survey_id, rule, count in override_rows:
        overridden.setdefault(survey_id, set()).add(rule)
        by_rule[rule] += count
    days = polling_days(session)
    surveys = []
    rules = {rule: RuleFigures(rule, label) for rule, label in RULES}
    for row in rows:
        mine = overridden.get(row.id, set())
        outcomes = _timing_outcomes(row, days, mine)
        signed = row.approved_by_id is not None and row.approved_by_id != row.author_id
        outcomes["sign_off"] = MET if signed else OVERRIDDEN if "sign_off" in mine else NOT_MET
        ordered = {rule: outcomes[rule] for rule, _label in RULES}
        for rule, outcome in ordered.items():
            rules[rule].counts[outcome] += 1
        surveys.append(SurveyOutcome(row.id, row.title, ordered))
    return GuidanceFigures(
        surveys, list(rules.values()), sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    )
