"""run_cli: JSON lines out for a text file or a survey export; exit 2 for unusable input."""

from __future__ import annotations

import io
import json
from pathlib import Path

from surveys.guidance import run_cli

WHY = "To plan transport."


def run(path: Path) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = run_cli(str(path), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def export(**plan) -> dict:
    plan = {"opens_at": "2026-09-01T09:00", "closes_at": "2026-10-05T17:00", **plan}
    question = {"type": "single_choice", "why_we_ask": WHY, "options": ["Car", "Bus"]}
    return {
        "format": "lsc-panel-survey",
        "version": 1,
        "title": "Travel",
        "plan": plan,
        "pages": [
            {
                "title": "Your visit",
                "show_if": None,
                "questions": [
                    {**question, "key": "travel", "text": "How did you travel to the hospital?"},
                    {**question, "key": "staff", "text": "Was the staff friendly and helpful?"},
                    {
                        "key": "more",
                        "type": "long_text",
                        "text": "Anything else?",
                        "why_we_ask": WHY,
                    },
                    {**question, "key": "age", "text": "What is your age?", "block": "equality"},
                ],
            }
        ],
    }


def test_text_file_gives_one_json_line_per_finding_with_line_numbers(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("How did you travel to the hospital?\n\nDid the MDT explain?\n")
    code, records = run(path)
    assert code == 0
    assert records == [
        {
            "line": 3,
            "rule": "jargon",
            "severity": "advice",
            "message": records[0]["message"],
        }
    ]
    assert "MDT" in records[0]["message"]


def test_clean_text_file_prints_nothing_and_exits_0(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("How did you travel to the hospital?\nAny other comments?\n")
    assert run(path) == (0, [])


def test_findings_still_exit_0(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("What is your NHS number?\n")
    code, records = run(path)
    assert code == 0
    assert [(r["line"], r["rule"], r["severity"]) for r in records] == [
        (1, "personal_data", "error")
    ]


def test_survey_export_lines_are_question_numbers_in_survey_order(tmp_path):
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(export()))
    code, records = run(path)
    assert code == 0
    assert [(r["line"], r["rule"]) for r in records] == [(2, "double_barrelled")]
    assert set(records[0]) == {"line", "rule", "severity", "message"}


def test_survey_level_findings_have_a_null_line(tmp_path):
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(export(closes_at="2026-09-10T17:00")))
    _, records = run(path)
    assert {"line": None, "rule": "timing", "severity": "error"}.items() <= records[-1].items()


def test_json_is_recognised_by_content_whatever_the_file_name(tmp_path):
    path = tmp_path / "survey.txt"
    path.write_text(json.dumps(export()))
    _, records = run(path)
    assert [r["rule"] for r in records] == ["double_barrelled"]


def test_malformed_json_prints_one_input_error_and_exits_2(tmp_path):
    path = tmp_path / "survey.json"
    path.write_text('{"format": "lsc-panel-survey", "pages": [')
    code, records = run(path)
    assert code == 2
    (record,) = records
    assert (record["rule"], record["severity"], record["line"]) == ("input", "error", None)
    assert "not valid JSON" in record["message"]


def test_json_that_is_not_a_survey_export_exits_2_with_the_reason(tmp_path):
    path = tmp_path / "survey.json"
    broken = export()
    broken["pages"][0]["questions"][0]["type"] = "dropdown"
    path.write_text(json.dumps(broken))
    code, (record,) = run(path)
    assert code == 2
    assert record["rule"] == "input"
    assert "dropdown" in record["message"]


def test_missing_file_exits_2(tmp_path):
    code, (record,) = run(tmp_path / "nope.txt")
    assert code == 2
    assert record["rule"] == "input" and record["severity"] == "error"


def test_file_that_is_not_utf8_text_exits_2(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_bytes(b"\xff\xfe\x00\x80 not text")
    code, (record,) = run(path)
    assert code == 2
    assert "UTF-8" in record["message"]


def test_directory_instead_of_a_file_exits_2(tmp_path):
    code, (record,) = run(tmp_path)
    assert code == 2
    assert record["rule"] == "input"
