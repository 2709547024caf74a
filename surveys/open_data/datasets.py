"""Open data: what the public pages publish (survey results, who took part by place, the "Our
engagement" index, the decisions register) as rows for CSV and JSON files under the Open
Government Licence. Every figure comes from the services behind the pages
(surveys.results.public through surveys.results.figure_cache, surveys.decisions.public), so the
small-number rule is applied exactly as on the pages, once. One row per language (a
``language`` column), never a column per language: surveys are in English today ("en"), and a
translation adds rows.

Each dataset's columns are declared once (name, meaning, type, how small numbers are shown);
the files' headers and keys and the data dictionary page are all read from that declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy.orm import Session

from panel.disclosure import HIDDEN
from surveys.decisions import public as public_decisions
from surveys.models import Survey
from surveys.results import figure_cache, public
from surveys.results.figures import removed_notice
from surveys.results.models import ResultsPage

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = (
    "Contains public sector information from NHS Lancashire and South Cumbria Integrated Care "
    "Board licensed under the Open Government Licence v3.0."
)
#: the language of every survey and decision today (BCP 47); translations add rows.
ENGLISH = "en"

NOT_COUNTS = "Not a count: never hidden."
HIDDEN_CELL = (
    "Empty (null in JSON) when hidden: counts from 1 to 7, and any count from which one of them "
    "could be worked out, are hidden exactly as on the results page."
)
HIDDEN_SHARE = "Empty (null in JSON) whenever the count beside it is hidden."


@dataclass(frozen=True)
class Column:
    """One column of a dataset, as the data dictionary describes it."""

    name: str
    meaning: str
    #: integer, decimal, text, date (YYYY-MM-DD, UK time), boolean (true/false), URL
    type: str
    small_numbers: str = NOT_COUNTS


@dataclass(frozen=True)
class Dataset:
    """A downloadable dataset: its name in URLs, title, description, columns and rows."""

    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Session, datetime], list[dict]]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def public_url(endpoint: str, **values) -> str:
    """The page's public address, the same wherever a file or the feed is read."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def local_day(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD (a moment as its UK calendar day), or empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return aware.astimezone(ZoneInfo("Europe/London")).date().isoformat()
    return value.isoformat()


def released(value):
    """A published count as a cell: None where the page hides it."""
    return None if value == HIDDEN else value


def _survey_columns() -> tuple[Column, ...]:
    return (
        Column(
            "survey_id", "The survey's number; the same in every dataset and the API.", "integer"
        ),
        Column("survey_title", "The survey's title.", "text"),
        Column(
            "language",
            "The language of the survey's wording (BCP 47 code, 'en' is English). A survey "
            "asked in several languages has a row per language.",
            "text",
        ),
    )


def published_surveys(session: Session) -> list[tuple[Survey, ResultsPage, object | None]]:
    """Surveys with published results, newest first, each with its page's figures as the page
    shows them (None once the answers were deleted under the retention schedule)."""
    found = []
    for survey, page in public.published_results(session, public.IndexFilters()):
        figures = None
        if not removed_notice(survey):
            figures = figure_cache.public_figures(session, survey, page)
        found.append((survey, page, figures))
    return found


def _results_rows(session: Session, now: datetime) -> list[dict]:
    rows = []
    for survey, page, figures in published_surveys(session):
        if figures is None:
            continue
        for question in figures.questions:
            for order, (label, count, share) in enumerate(question.options, start=1):
                rows.append(
                    {
                        "survey_id": survey.id,
                        "survey_title": survey.title,
                        "language": ENGLISH,
                        "question_key": question.key,
                        "question_text": question.text,
                        "multiple_choice": question.multiple,
                        "answered": released(question.answered),
                        "option_order": order,
                        "option_label": label,
                        "count": released(count),
                        "share": None if share is None else round(share, 4),
                        "published_on": local_day(page.published_at),
                        "page_url": public_url("engagement.results", survey_id=survey.id),
                    }
                )
    return rows


def _respondent_rows(session: Session, now: datetime) -> list[dict]:
    rows = []
    for survey, _page, figures in published_surveys(session):
        if figures is None:
            continue
        for row in figures.by_place:
            rows.append(
                {
                    "survey_id": survey.id,
                    "survey_title": survey.title,
                    "language": ENGLISH,
                    "lives_in": row["name"],
                    "respondents": released(row["n"]),
                    "all_respondents": released(figures.respondents),
                }
            )
    return rows


def _engagement_rows(session: Session, now: datetime) -> list[dict]:
    rows = [
        {
            "survey_id": survey.id,
            "survey_title": survey.title,
            "language": ENGLISH,
            "stage": "open",
            "place": survey.place.name if survey.place is not None else "",
            "topic": "",
            "opens_on": local_day(survey.opens_at),
            "closes_on": local_day(survey.closes_at),
            "results_published_on": "",
            "figures_removed": False,
            "page_url": public_url("take_part.open_start", code=code),
        }
        for survey, code in public.open_opportunities(session, now)
    ]
    for survey, page, figures in published_surveys(session):
        rows.append(
            {
                "survey_id": survey.id,
                "survey_title": survey.title,
                "language": ENGLISH,
                "stage": "results published",
                "place": survey.place.name if survey.place is not None else "",
                "topic": page.topic or "",
                "opens_on": local_day(survey.opens_at),
                "closes_on": local_day(survey.closed_at or survey.closes_at),
                "results_published_on": local_day(page.published_at),
                "figures_removed": figures is None,
                "page_url": public_url("engagement.results", survey_id=survey.id),
            }
        )
    return rows


def _decision_rows(session: Session, now: datetime) -> list[dict]:
    return [
        {
            "decision_id": record.id,
            "title": record.title,
            "language": ENGLISH,
            "summary": record.summary or "",
            "decided_on": local_day(record.decided_on),
            "body_kind": record.body_kind.value,
            "body_name": record.body_name,
            "status": record.status.value,
            "place": record.place.name if record.place is not None else "",
            "page_url": public_url("public_decisions.decision", decision_id=record.id),
        }
        for record in public_decisions.published_decisions(
            session, public_decisions.PublicFilters()
        )
    ]


RESULTS = Dataset(
    "survey-results",
    "Survey results",
    "Each answer option of each question the published results pages show, with how many "
    "people chose it. One row per survey, language, question and option.",
    (
        *_survey_columns(),
        Column("question_key", "The question's key within the survey.", "text"),
        Column("question_text", "The question as it was asked.", "text"),
        Column(
            "multiple_choice",
            "true if people could choose more than one option (the counts then add up to "
            "more than the people who answered).",
            "boolean",
        ),
        Column("answered", "How many people answered the question.", "integer", HIDDEN_CELL),
        Column("option_order", "The option's place in the list, from 1.", "integer"),
        Column("option_label", "The answer option.", "text"),
        Column("count", "How many people chose this option.", "integer", HIDDEN_CELL),
        Column(
            "share",
            "count divided by answered, from 0 to 1 (four decimal places).",
            "decimal",
            HIDDEN_SHARE,
        ),
        Column("published_on", "The day the results page was published.", "date"),
        Column("page_url", "The survey's public results page.", "URL"),
    ),
    _results_rows,
)

RESPONDENTS = Dataset(
    "survey-respondents",
    "Who took part, by place",
    "How many people sent answers to each survey with published results, by the place they "
    "live in, as the results pages show it. One row per survey, language and place.",
    (
        *_survey_columns(),
        Column(
            "lives_in",
            "The place the respondents live in ('Not known' when no postcode was given).",
            "text",
        ),
        Column(
            "respondents", "How many people from that place sent answers.", "integer", HIDDEN_CELL
        ),
        Column(
            "all_respondents",
            "How many people sent answers to the survey (the same on each of its rows).",
            "integer",
            HIDDEN_CELL,
        ),
    ),
    _respondent_rows,
)

ENGAGEMENT = Dataset(
    "engagement",
    "Our engagement",
    'The "Our engagement" index: surveys anyone can answer now and surveys whose results are '
    "published. One row per survey and language.",
    (
        *_survey_columns(),
        Column("stage", "'open' (anyone can answer now) or 'results published'.", "text"),
        Column("place", "The place the survey is about; empty for the whole ICB.", "text"),
        Column("topic", "The results page's topic, if it has one.", "text"),
        Column("opens_on", "The day the survey opened.", "date"),
        Column("closes_on", "The day the survey closes (or closed).", "date"),
        Column(
            "results_published_on", "The day its results were published; empty if not yet.", "date"
        ),
        Column(
            "figures_removed",
            "true once the answers were deleted under the retention schedule (what was said "
            "and done stays on the page; figures are no longer available).",
            "boolean",
        ),
        Column("page_url", "Where to answer the survey, or its results page.", "URL"),
    ),
    _engagement_rows,
)

DECISIONS = Dataset(
    "decisions",
    "Decisions",
    "Decisions on the public register, latest first. One row per decision and language.",
    (
        Column("decision_id", "The decision's number; the same in the API.", "integer"),
        Column("title", "The decision's title.", "text"),
        Column("language", "The language of the wording (BCP 47 code, 'en' is English).", "text"),
        Column("summary", "What was decided, in short.", "text"),
        Column("decided_on", "The day it was decided.", "date"),
        Column("body_kind", "Who decided: board, committee, place_board or programme.", "text"),
        Column("body_name", "The name of the body that decided.", "text"),
        Column("status", "proposed, made, implemented or reviewed.", "text"),
        Column("place", "The place it concerns; empty for the whole ICB.", "text"),
        Column("page_url", "The decision's page on the register.", "URL"),
    ),
    _decision_rows,
)

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset for dataset in (RESULTS, RESPONDENTS, ENGAGEMENT, DECISIONS)
}


def dataset(slug: str) -> Dataset | None:
    """The dataset with that name in URLs, or None."""
    return DATASETS.get(slug)
