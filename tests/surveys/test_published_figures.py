"""The small-number rule gives the same result wherever a breakdown appears (the public page, the
report, the shared cross-tabs CSV, the staff page as a place team reads it), and no hidden count
can be worked out from what is shown (issue 17 item 8, quality bar 18): checked on generated
panels with an integer programme that plays the attacker, knowing every published count and
every row and column total."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from panel.auth.models import Role
from panel.disclosure import HIDDEN
from surveys import content as doc
from surveys.answer_codes import encode, layout_of
from surveys.fieldwork.models import Answer, ResponseStatus, SurveyResponse
from surveys.models import Survey, SurveyStatus
from surveys.results import figures, published, publishing, report
from surveys.results.figures import ResultFilters
from tests.factories import make_staff, place

OPTIONS = ["Car", "Bus", "Train", "Walk"]
PLACES = ("blackpool", "lancashire", "south-cumbria")


def _survey_with(session, now, counts: list[list[int]]) -> Survey:
    """counts[option][place]: sent responses that chose that option in that place."""
    question = doc.question(
        "q1", "single_choice", "How do you travel?", why_we_ask="Test.", options=OPTIONS
    )
    survey = Survey(
        title="Travel",
        status=SurveyStatus.CLOSED,
        purpose="Test.",
        decision="Test.",
        content={"pages": [{"title": "", "show_if": None, "questions": [question]}]},
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
    )
    session.add(survey)
    session.flush()
    layout = layout_of(survey.content)
    for row, option in enumerate(OPTIONS):
        for column, code in enumerate(PLACES):
            for _ in range(counts[row][column]):
                response = SurveyResponse(
                    survey_id=survey.id,
                    status=ResponseStatus.SUBMITTED,
                    submitted_at=now,
                    started_at=now,
                    updated_at=now,
                    place_id=place(session, code).id,
                    answer_codes=encode(layout, {"q1": option}),
                )
                session.add(response)
                session.flush()
                session.add(Answer(response_id=response.id, question_key="q1", value=option))
    session.commit()
    return survey


def _recoverable(shown: list[list], totals_known: dict) -> list[tuple[int, int]]:
    """Hidden cells whose value the published figures pin down: for each, the smallest and
    largest value consistent with every shown cell and the known row and column totals."""
    hidden = [(r, c) for r, row in enumerate(shown) for c, v in enumerate(row) if v == HIDDEN]
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, columns = len(shown), len(shown[0])
    matrix, lower, upper = [], [], []
    for kind, number, total in [("row", r, totals_known.get(("row", r))) for r in range(rows)] + [
        ("column", c, totals_known.get(("column", c))) for c in range(columns)
    ]:
        if total is None or total == HIDDEN:
            continue
        line = (
            [(number, c) for c in range(columns)]
            if kind == "row"
            else [(r, number) for r in range(rows)]
        )
        coefficients = np.zeros(len(hidden))
        known = 0
        for cell in line:
            if cell in index:
                coefficients[index[cell]] = 1
            else:
                known += shown[cell[0]][cell[1]]
        if coefficients.any():
            matrix.append(coefficients)
            lower.append(total - known)
            upper.append(total - known)
    found = []
    for cell, i in index.items():
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(hidden))
            objective[i] = sign
            result = milp(
                objective,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(0, 10_000),
                constraints=[LinearConstraint(np.array(matrix), lower, upper)] if matrix else [],
            )
            ends.append(round(result.x[i]))
        if ends[0] == ends[1]:
            found.append(cell)
    return found


class _Tables(HTMLParser):
    """Every table on a page as {caption: [rows of cell texts, for each table so captioned]}
    (header cells included as the first item of each row)."""

    def __init__(self):
        super().__init__()
        self.tables, self._caption, self._rows, self._cell, self._in = {}, "", [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th") and self._rows:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table":
            self.tables.setdefault(" ".join(self._caption.split()), []).append(self._rows)

    def handle_data(self, data):
        if self._in == "caption":
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def _tables(html: str) -> dict[str, list[list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _hidden_pattern(rows: list[list[str]]) -> list[list[bool]]:
    return [["hidden" in cell or cell == "*" for cell in row[1:]] for row in rows]


counts_strategy = st.lists(
    st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=4, max_size=4
).filter(lambda c: sum(map(sum, c)) > 0)


def _count_column_hidden(rows: list[list[str]], labels: list[str]) -> list[bool]:
    """For a question's table (answer, people, share): which answers' counts are hidden."""
    by_label = {row[0]: row for row in rows if row}
    return ["hidden" in by_label[label][1] for label in labels]


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(counts=counts_strategy)
def test_no_hidden_count_can_be_worked_out_and_every_output_hides_the_same(
    app, client, login_as, session, now, counts
):
    survey = _survey_with(session, now, counts)
    comms = make_staff(session, Role.COMMS)
    words = {
        "why_we_asked": "Why.",
        "what_you_said": "What.",
        "next_steps": "Next.",
        "featured_questions": ["q1"],
    }
    with app.test_request_context():
        publishing.save_page(session, survey, comms, words, now)
        publishing.publish(session, survey, comms, now)
        session.commit()
        question = published.published_question(
            figures.question_results(session, survey, ResultFilters())[0]
        )
        table = figures.cross_tabs(
            session, survey, figures.dimensions(session)["place"], ResultFilters()
        )[0]
        crosstab = published.published_crosstab(table)
        report_html = report.report_html(report.report_data(session, survey, now))
    # The attacker knows every shown cell, the published totals and, from the question's own
    # table, each row total of the cross-tab it shows: no hidden count may follow from them.
    column = [[count] for _label, count, _share in question.options]
    assert _recoverable(column, {("column", 0): question.answered}) == []
    rows_known = {("row", r): count for r, (_l, count, _s) in enumerate(question.options)}
    columns_known = {("column", c): t for c, t in enumerate(crosstab.column_totals)}
    assert _recoverable(crosstab.cells, rows_known | columns_known) == []

    # The same breakdown hides the same cells on the public page, in the report, and on the
    # staff page as a place team or observer reads it.
    expected = [count == HIDDEN for _label, count, _share in question.options]
    public_html = client.get(f"/engagement/{survey.id}").get_data(as_text=True)
    login_as(make_staff(session, Role.OBSERVER))
    staff_html = client.get(f"/staff/surveys/{survey.id}/results?by=place").get_data(as_text=True)
    for html in (public_html, report_html, staff_html):
        tables = _tables(html)
        caption = next(c for c in tables if c.startswith("How do you travel"))
        assert _count_column_hidden(tables[caption][0], OPTIONS) == expected
    # And the cross-tab: the shared download and the staff page.
    expected_tab = [[cell == HIDDEN for cell in row] for row in crosstab.cells]
    download = client.get(f"/staff/surveys/{survey.id}/results/crosstabs.csv?by=place")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    by_label = {row[0]: row for row in rows if row}
    assert [[cell == HIDDEN for cell in by_label[o][1:]] for o in OPTIONS] == expected_tab
    staff_tab = _tables(staff_html)["How do you travel?"][-1]  # the cross-tab comes last
    staff_by_label = {row[0]: row for row in staff_tab if row}
    assert [["hidden" in cell for cell in staff_by_label[o][1:]] for o in OPTIONS] == expected_tab


def test_a_lone_small_count_is_never_left_beside_a_total_that_is_shown(app):
    with app.test_request_context():
        rows = published.published_rows([{"n": 3}, {"n": 0}, {"n": 20}])
    shown = [[row["n"]] for row in rows]
    assert shown[0] == [HIDDEN] and _recoverable(shown, {("column", 0): 23}) == []


@pytest.fixture
def now():
    return datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
