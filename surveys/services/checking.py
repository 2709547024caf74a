"""The guidance checker run on a stored survey, with recorded overrides applied."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.guidance import check_survey, estimate_minutes, survey_from_json
from surveys.guidance.spec import Finding, SurveyFormatError
from surveys.models import GuidanceOverride, Survey, SurveyStatus
from surveys.services.documents import export_document
from surveys.services.elections import polling_days

#: errors no written reason can wave through.
NOT_OVERRIDABLE = {"sign_off", "no_questions", "duplicate_key", "branching"}


def finding_id(finding: Finding) -> str:
    """A short stable name for one finding of a survey (its rule, question and message)."""
    text = f"{finding.rule}|{finding.question_key or ''}|{finding.message}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class CheckedFinding:
    """A guidance finding and the override that answers it, if any."""

    finding: Finding
    override: GuidanceOverride | None

    @property
    def blocking(self) -> bool:
        return self.finding.severity == "error" and self.override is None

    @property
    def mark_id(self) -> str:
        """The name a "this finding is wrong" form gives the finding (see finding_id)."""
        return finding_id(self.finding)

    @property
    def overridable(self) -> bool:
        return self.finding.severity == "error" and self.finding.rule not in NOT_OVERRIDABLE


@dataclass
class CheckReport:
    """The guidance checker's findings by question and survey-wide, and minutes to complete."""

    by_question: dict[str, list[CheckedFinding]]
    survey_wide: list[CheckedFinding]
    minutes: float
    question_count: int

    @property
    def all(self) -> list[CheckedFinding]:
        return self.survey_wide + [f for items in self.by_question.values() for f in items]

    @property
    def blocking(self) -> list[CheckedFinding]:
        return [f for f in self.all if f.blocking]


def check(session: Session, survey: Survey) -> CheckReport:
    """Every finding for the survey as it is now, each with its override if one was recorded;
    the pre-election check uses the polling days staff keep on the election dates page."""
    document = export_document(survey)
    signed_off = survey.status in (SurveyStatus.APPROVED, SurveyStatus.LIVE, SurveyStatus.CLOSED)
    document["plan"]["approved_by_other"] = bool(
        signed_off and survey.approved_by_id and survey.approved_by_id != survey.author_id
    )
    try:
        spec = survey_from_json(document)
    except SurveyFormatError as error:
        # Stored content is written only through the services, so this means a bug; show it.
        spec, findings = None, [Finding("format", "error", error.reason)]
    else:
        findings = check_survey(spec, election_polling_days=polling_days(session))
    overrides = {
        (o.rule, o.question_key): o
        for o in session.scalars(
            sa.select(GuidanceOverride).where(GuidanceOverride.survey_id == survey.id)
        )
    }
    by_question: dict[str, list[CheckedFinding]] = defaultdict(list)
    survey_wide = []
    for finding in findings:
        checked = CheckedFinding(finding, overrides.get((finding.rule, finding.question_key or "")))
        if finding.question_key:
            by_question[finding.question_key].append(checked)
        else:
            survey_wide.append(checked)
    return CheckReport(
        dict(by_question),
        survey_wide,
        estimate_minutes(spec) if spec else 0.0,
        len(spec.questions()) if spec else 0,
    )
