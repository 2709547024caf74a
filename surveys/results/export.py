"""Responses for analysis elsewhere: a zip of responses.csv (one row per submitted response,
pseudonymous ids, no contact details, formula-safe cells), codebook.csv (what each column
holds) and the same two as sheets of responses.xlsx (every cell text). Equality answers stay
out: they are special category data and stay in the app."""

from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.csv_export import csv_text
from surveys import compound
from surveys import content as doc
from surveys.fieldwork.models import Answer, SurveyResponse
from surveys.guidance.questions import EQUALITY_BLOCK
from surveys.guidance.spec import CHOICE_TYPES
from surveys.models import Survey
from surveys.results.figures import OTHER_LABEL, ResultFilters, dimensions, submitted_responses
from surveys.results.published import hidden_note, published_crosstab

PROFILE_COLUMNS = [
    ("respondent", "Pseudonymous respondent number (R1, R2, ... in the order answers arrived)"),
    ("submitted_on", "Date the answers were sent (UK time)"),
    ("source", "Where they answered: personal invitation or an open link's source"),
    ("channel", "How the answers came in: online, paper, phone, event or partner"),
    ("place", "Place when they answered (panel members)"),
    ("neighbourhood", "Neighbourhood when they answered (panel members)"),
    ("age_band", "Age band when they answered (panel members)"),
]


def _questions(survey: Survey) -> list[dict]:
    # Grids and rankings have a column per row or ranked answer (surveys.compound).
    return [
        part
        for q in doc.questions(survey.content or {})
        if q.get("block") != EQUALITY_BLOCK
        for part in compound.parts(q)
    ]


def _columns(survey: Survey) -> list[tuple[str, str, dict | None, str]]:
    """(column, description, question, part) with part "value", "other" or "comment"."""
    columns = [(name, text, None, "") for name, text in PROFILE_COLUMNS]
    for q in _questions(survey):
        options = f" Options: {'; '.join(q['options'])}." if q["type"] in CHOICE_TYPES else ""
        several = (
            " Several answers are separated by '; '." if q["type"] == "multiple_choice" else ""
        )
        columns.append(
            (
                q["key"],
                f"{q['text']} ({_kind(q)}).{options}{several}",
                q,
                "value",
            )
        )
        if q.get("allow_other"):
            columns.append(
                (f"{q['key']}_other", f"{q['text']}: the 'other' answer in their words", q, "other")
            )
        if q.get("comment_box"):
            columns.append((f"{q['key']}_comment", f"{q['text']}: comment", q, "comment"))
    return columns


def _kind(q: dict) -> str:
    if q.get("compound") == compound.GRID:
        return "a row of a grid question"
    if q.get("compound") == compound.RANKING:
        return "the rank given to this answer in a ranking question"
    return q["type"].replace("_", " ")


def _cell(answer: Answer | None, part: str, q: dict | None = None) -> str:
    if answer is None:
        return ""
    if q and q.get("compound") and part == "value":
        return compound.part_value(q["compound"], q["member"], answer.value) or ""
    if part == "other":
        return answer.other_text
    if part == "comment":
        return answer.comment
    value = answer.value
    if isinstance(value, list):
        return "; ".join(OTHER_LABEL if v == "__other__" else str(v) for v in value)
    if value == "__other__":
        return OTHER_LABEL
    return "" if value is None else str(value)


def _csv(rows) -> bytes:
    # With a byte order mark, Excel reads the file as UTF-8.
    return csv_text(None, rows).encode("utf-8-sig")


def response_rows(session: Session, survey: Survey, filters: ResultFilters):
    """The responses as rows, header first, read in batches."""
    columns = _columns(survey)
    yield [name for name, *_ in columns]
    found = dimensions(session)
    responses = session.scalars(
        sa.select(SurveyResponse)
        .where(*submitted_responses(survey, filters))
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
        .execution_options(yield_per=1000)
    )
    number = 0
    batch: list[SurveyResponse] = []

    def flush(batch):
        nonlocal number
        answers: dict[int, dict[str, Answer]] = {r.id: {} for r in batch}
        for answer in session.scalars(
            sa.select(Answer).where(Answer.response_id.in_(list(answers)))
        ):
            answers[answer.response_id][answer.question_key] = answer
        for response in batch:
            number += 1
            profile = [
                f"R{number}",
                response.submitted_at.date().isoformat() if response.submitted_at else "",
                response.source,
                response.channel.value,
                found["place"].label_of(response.place_id) if response.place_id else "",
                found["neighbourhood"].label_of(response.neighbourhood_id)
                if response.neighbourhood_id
                else "",
                response.age_band,
            ]
            given = answers[response.id]
            yield profile + [
                _cell(given.get(q.get("part_of") or q["key"]), part, q)
                for _name, _text, q, part in columns
                if q
            ]

    for response in responses:
        batch.append(response)
        if len(batch) == 500:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook where every cell is text: nothing a person wrote can become a formula."""
    from openpyxl import Workbook  # noqa: PLC0415  openpyxl loads slowly; only exports need it

    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415  as in _xlsx
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415  as in _xlsx

    # Control characters stored before input was cleaned would make openpyxl refuse the file.
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def export_zip(session: Session, survey: Survey, filters: ResultFilters) -> bytes:
    """The responses zip: responses and codebook as CSV, and both as sheets of a workbook."""
    codebook = [["column", "what it holds"], *[[n, t] for n, t, *_ in _columns(survey)]]
    rows = list(response_rows(session, survey, filters))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("responses.csv", _csv(rows))
        archive.writestr("codebook.csv", _csv(codebook))
        archive.writestr("responses.xlsx", _xlsx({"Responses": rows, "Codebook": codebook}))
    return buffer.getvalue()


def crosstab_csv(tables: list) -> bytes:
    """Cross-tabs for sharing, with the small-number rule applied as everywhere else
    (surveys.results.published)."""
    rows: list[list] = []
    for table in map(published_crosstab, tables):
        rows.append([table.question["text"]])
        rows.append(["Answer", *table.columns])
        rows.extend([label, *row] for label, row in zip(table.rows, table.cells, strict=True))
        rows.append(["People who answered", *table.column_totals])
        rows.append([])
    rows.append([f"* {hidden_note()}"])
    return _csv(rows)
