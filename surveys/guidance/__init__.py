"""Survey guidance checker: the ICB engagement guide's survey rules as plain Python checks.

Sources: the Insight, Co-production and Engagement Guide's eight survey rules ("Listen: how to
do it"), its timing rules (surveys open 30 days, consultations 12 weeks, the pre-election
period) and "What do we already know?". No Flask or database code lives here, so the builder,
the publish step and the command line can all call the same checks.

Severity: "error" blocks publishing unless someone records a reason to override it (the app's
job); "advice" is shown but never blocks.
"""

from __future__ import annotations

from .checks import RULES, check_survey
from .cli import run_cli
from .questions import check_question, check_text_lines
from .readability import MIN_WORDS_FOR_SCORE, PLAIN_ENGLISH_TARGET, reading_ease
from .spec import (
    Finding,
    PageSpec,
    QuestionSpec,
    SurveyFormatError,
    SurveySpec,
    survey_from_json,
    survey_to_json,
)
from .structure import estimate_minutes
from .timing import load_election_dates

__all__ = [
    "MIN_WORDS_FOR_SCORE",
    "PLAIN_ENGLISH_TARGET",
    "RULES",
    "Finding",
    "PageSpec",
    "QuestionSpec",
    "SurveyFormatError",
    "SurveySpec",
    "check_question",
    "check_survey",
    "check_text_lines",
    "estimate_minutes",
    "load_election_dates",
    "reading_ease",
    "run_cli",
    "survey_from_json",
    "survey_to_json",
]
