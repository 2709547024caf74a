"""check_survey: every rule over a whole survey, and the list of rule names and severities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .questions import check_question
from .spec import Finding, SurveySpec
from .structure import check_structure
from .timing import PRE_ELECTION_WEEKS, check_timing

# Every rule name a finding can carry, with its severity ("error/advice": it depends).
RULES = {
    "why_we_ask": "advice",
    "too_many_questions": "advice",
    "too_long_survey": "advice",
    "no_free_text": "advice",
    "too_long": "advice",
    "branching_depth": "advice",
    "branching": "error",
    "duplicate_key": "error",
    "no_questions": "error",
    "jargon": "advice",
    "double_barrelled": "advice",
    "leading": "error/advice",
    "scale_fit": "error",
    "personal_data": "error",
    "equality_block_missing": "advice",
    "sign_off": "error",
    "timing": "error/advice",
    "pre_election": "error",
}


def check_survey(
    spec: SurveySpec,
    *,
    election_polling_days: Iterable[date] | None = None,
    pre_election_weeks: int = PRE_ELECTION_WEEKS,
) -> list[Finding]:
    """Every rule: each question in survey order, then the whole survey, then its dates.

    `election_polling_days` None uses the seed list in election_dates.csv; pass the app's
    maintained list (or [] to skip the pre-election check)."""
    findings: list[Finding] = []
    for question in spec.questions():
        findings += check_question(question)
    findings += check_structure(spec)
    findings += check_timing(
        spec, election_polling_days=election_polling_days, pre_election_weeks=pre_election_weeks
    )
    return findings
