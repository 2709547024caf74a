"""The builder's JSON export format, the jargon list, and the package's independence."""

from __future__ import annotations

import ast
import copy
import random
from datetime import datetime
from pathlib import Path

import pytest

from surveys.guidance import (
    RULES,
    SurveyFormatError,
    check_text_lines,
    survey_from_json,
    survey_to_json,
)
from surveys.guidance.jargon import load_jargon

PACKAGE = Path(__file__).resolve().parents[2] / "surveys" / "guidance"

EXPORT = {
    "format": "lsc-panel-survey",
    "version": 1,
    "title": "Travel to hospital",
    "plan": {
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2027-01-05T17:00",
        "formal_consultation": False,
        "urgent_reason": "",
        "purpose": "ignored: the checker does not use it",
    },
    "pages": [
        {
            "title": "Your visit",
            "show_if": None,
            "questions": [
                {
                    "key": "q1",
                    "type": "single_choice",
                    "text": "Did you drive?",
                    "help_text": "",
                    "why_we_ask": "To plan parking.",
                    "required": True,
                    "options": ["Yes", "No"],
                    "allow_other": False,
                    "dont_know": False,
                    "max_length": None,
                    "comment_box": False,
                    "show_if": None,
                    "ig_justification": "",
                    "block": None,
                },
                {
                    "key": "q2",
                    "type": "short_text",
                    "text": "Where did you park?",
                    "show_if": {"question": "q1", "equals": ["Yes"]},
                },
            ],
        }
    ],
}


def with_change(path: list, value) -> dict:
    data = copy.deepcopy(EXPORT)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def test_export_is_read_with_defaults_for_missing_optional_fields():
    spec = survey_from_json(EXPORT)
    assert spec.title == "Travel to hospital"
    assert spec.opens_at == datetime(2026, 12, 1, 9, 0)
    assert spec.closes_at == datetime(2027, 1, 5, 17, 0)
    q1, q2 = spec.questions()
    assert (q1.options, q1.why_we_ask) == (["Yes", "No"], "To plan parking.")
    assert (q2.required, q2.options, q2.why_we_ask, q2.block) == (True, [], "", None)
    assert q2.show_if == {"question": "q1", "equals": ["Yes"]}
    assert spec.approved_by_other is None


def test_export_round_trips():
    spec = survey_from_json(EXPORT)
    assert survey_from_json(survey_to_json(spec)) == spec


def test_missing_plan_means_no_dates():
    data = copy.deepcopy(EXPORT)
    del data["plan"]
    spec = survey_from_json(data)
    assert (spec.opens_at, spec.closes_at, spec.formal_consultation) == (None, None, False)


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (["format"], "something-else", "format"),
        (["version"], 2, "version"),
        (["version"], True, "version"),
        (["title"], 7, "survey.title"),
        (["pages"], {}, "survey.pages"),
        (["plan"], [], "survey.plan"),
        (["plan", "opens_at"], "next Tuesday", "plan.opens_at"),
        (["plan", "formal_consultation"], "no", "plan.formal_consultation"),
        (["pages", 0], "page", "pages[0]"),
        (["pages", 0, "questions"], None, "pages[0].questions"),
        (["pages", 0, "questions", 0, "type"], "dropdown", "pages[0].questions[0].type"),
        (["pages", 0, "questions", 0, "key"], "  ", "pages[0].questions[0].key"),
        (["pages", 0, "questions", 0, "text"], "", "pages[0].questions[0].text"),
        (["pages", 0, "questions", 0, "options"], ["Yes", 2], "options"),
        (["pages", 0, "questions", 0, "required"], 1, "required"),
        (["pages", 0, "questions", 0, "max_length"], True, "max_length"),
        (["pages", 0, "questions", 0, "max_length"], 0, "max_length"),
        (["pages", 0, "questions", 0, "show_if"], {"question": "q0"}, "show_if"),
        (["pages", 0, "questions", 1, "key"], "q1", "more than once"),
    ],
)
def test_malformed_export_raises_a_clear_reason(path, value, reason):
    with pytest.raises(SurveyFormatError) as caught:
        survey_from_json(with_change(path, value))
    assert reason in caught.value.reason


def test_non_object_input_is_rejected():
    with pytest.raises(SurveyFormatError, match="expected a JSON object"):
        survey_from_json(["not", "a", "survey"])  # type: ignore[arg-type]


def test_jargon_list_is_maintained_as_data_with_at_least_60_flagged_terms():
    terms = load_jargon()
    flagged = [t for t in terms if t.action == "flag"]
    assert len(flagged) >= 60
    assert all(t.plain_alternative for t in flagged)
    assert len({t.term for t in terms}) == len(terms)
    allowed = {t.term for t in terms if t.action == "allow"}
    assert {"GP", "A&E"} <= allowed


def test_package_does_not_import_flask_or_sqlalchemy():
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in {"flask", "sqlalchemy", "panel"}]


def random_texts(count: int = 200):
    # Seeded so a failure reproduces; mixes words the rules look for with noise and newlines.
    rng = random.Random(20260501)
    vocab = [
        "and",
        "or",
        "your",
        "name",
        "ICB",
        "A&E",
        "?",
        ",",
        "\n",
        "don't",
        "you",
        "agree",
        "postcode",
        "satisfied",
        "with",
        "the",
        "very",
        "é",
        "",
        "  ",
        "Surely",
        "rate",
    ]
    for _ in range(count):
        yield " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 30)))


def test_any_text_gives_well_formed_findings():
    for text in random_texts():
        lines = len(text.splitlines())
        for finding in check_text_lines(text):
            assert finding.rule in RULES
            assert finding.severity in {"error", "advice"}
            assert 1 <= finding.line <= lines
            assert finding.message
