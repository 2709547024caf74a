"""Survey retention: unsent answers, the link from answers to people, and a survey's answers and
evidence removed on schedule, audited with counts, safe to run twice; once the answers are gone,
every results view says so instead of showing figures."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.fieldwork import retention
from surveys.fieldwork.models import Answer, Invitation, ResponseStatus, SurveyResponse
from surveys.models import ReviewComment, Survey, SurveySnapshot, SurveyStatus
from surveys.results import figures, publishing
from tests.factories import make_staff
from tests.surveys.results_helpers import closed_survey

CONFIG = {
    "RETENTION_UNSENT_RESPONSE_DAYS": 30,
    "RETENTION_RESPONSE_LINK_MONTHS": 6,
    "RETENTION_SURVEY_RECORDS_YEARS": 6,
}
DAY = timedelta(days=1)


def _count(session, model, *where) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _retention_events(session) -> list[AuditEvent]:
    return list(
        session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "retention.surveys"))
    )


def test_unsent_answers_go_a_day_after_their_period_not_a_day_before(session, now):
    survey, _author = closed_survey(session, now)
    closed = survey.closed_at
    unsent = (SurveyResponse.status == ResponseStatus.IN_PROGRESS,)
    # The fieldwork page says its started and drop-off counts lost the unsent answers.
    assert retention.unsent_removed_notice(survey, closed + 29 * DAY, 30) is None
    assert "30 days" in retention.unsent_removed_notice(survey, closed + 31 * DAY, 30)
    before = retention.delete_unsent_responses(session, closed + 30 * DAY - DAY, 30)
    assert before == {"unsent responses": 0, "their answers": 0}
    assert _count(session, SurveyResponse, *unsent) == 1
    after = retention.delete_unsent_responses(session, closed + 30 * DAY + DAY, 30)
    assert after == {"unsent responses": 1, "their answers": 1}
    assert _count(session, SurveyResponse, *unsent) == 0
    # Sent answers are untouched, and a second run removes nothing.
    assert _count(session, SurveyResponse) == 22
    assert (
        retention.delete_unsent_responses(session, closed + 31 * DAY, 30)["unsent responses"] == 0
    )


def test_links_to_people_are_cut_after_six_months_and_no_figure_changes(session, now):
    survey, _author = closed_survey(session, now, anonymous=False)
    everyone = figures.ResultFilters()
    counted = [(r.key, r.answered) for r in figures.question_results(session, survey, everyone)]
    linked = (SurveyResponse.invitation_id.is_not(None),)
    assert _count(session, SurveyResponse, *linked) == 22
    six_months_on = survey.closed_at.replace(year=2027, month=5)
    assert retention.cut_response_links(session, six_months_on - DAY, 6) == {
        "responses unlinked from people": 0
    }
    assert retention.cut_response_links(session, six_months_on + DAY, 6) == {
        "responses unlinked from people": 22
    }
    assert _count(session, SurveyResponse, *linked) == 0
    assert retention.cut_response_links(session, six_months_on + DAY, 6) == {
        "responses unlinked from people": 0
    }
    session.expire_all()
    again = [(r.key, r.answered) for r in figures.question_results(session, survey, everyone)]
    assert again == counted


def test_a_survey_s_records_go_after_six_years_counted_and_audited_once(session, now):
    survey, author = closed_survey(session, now)
    session.add(ReviewComment(survey_id=survey.id, body="Clearer please", author_id=author.id))
    session.flush()
    of_survey = SurveyResponse.survey_id == survey.id
    expected = {
        "surveys": 1,
        "responses": _count(session, SurveyResponse, of_survey),
        "answers": _count(session, Answer, Answer.response.has(of_survey)),
        "invitations": _count(session, Invitation, Invitation.survey_id == survey.id),
        "review comments": 1,
        "snapshots": _count(session, SurveySnapshot, SurveySnapshot.survey_id == survey.id),
    }
    assert expected["responses"] == 23 and expected["invitations"] == 22
    assert expected["snapshots"] >= 1
    six_years_on = survey.closed_at.replace(year=survey.closed_at.year + 6)
    counts = retention.apply_survey_retention(session, six_years_on - DAY, CONFIG)
    assert counts["deleted surveys"] == 0 and counts["unsent responses"] == 1
    counts = retention.apply_survey_retention(session, six_years_on + DAY, CONFIG)
    assert {
        k.removeprefix("deleted "): n for k, n in counts.items() if k.startswith("deleted ")
    } == {
        **expected,
        "responses": expected["responses"] - 1,  # the unsent one went in the earlier run
        "answers": expected["answers"] - 1,
    }
    for model in (SurveyResponse, Invitation, ReviewComment, SurveySnapshot):
        assert _count(session, model, model.survey_id == survey.id) == 0
    session.refresh(survey)
    assert survey.responses_removed_at == six_years_on + DAY
    # Two runs removed something: two events, each counts only, by the system, naming the survey.
    first, second = _retention_events(session)
    assert first.staff_user_id is None and second.staff_user_id is None
    assert second.object_ids == str(survey.id)
    for event in (first, second):
        assert re.fullmatch(r"([a-z ]+: \d+)(; [a-z ]+: \d+)*", event.detail), event.detail
    assert "deleted responses: 22" in second.detail
    # A third run finds nothing, says 0 and writes no event.
    assert not any(
        retention.apply_survey_retention(session, six_years_on + 2 * DAY, CONFIG).values()
    )
    assert len(_retention_events(session)) == 2


def _published_and_removed(app, session, now):
    survey, author = closed_survey(session, now)
    with app.test_request_context():
        publishing.save_page(
            session,
            survey,
            author,
            {"why_we_asked": "To plan.", "what_you_said": "Bus.", "next_steps": "Trial."},
            now,
        )
        publishing.add_decision(
            session, survey, author, "More buses", "did", "A trial bus", now.date(), now
        )
        publishing.publish(session, survey, author, now)
    removed_at = now + timedelta(days=7 * 366)
    retention.delete_survey_records(session, removed_at, 6)
    session.commit()
    return survey, retention.removed_notice(survey)


def _says_so(response, notice: str) -> bool:
    if response.mimetype == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        return archive.read("responses-deleted.txt").decode().strip() == notice
    if response.mimetype == "application/pdf":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        return notice in " ".join(text.split())
    return html.escape(notice, quote=False) in response.text


def test_every_results_view_says_the_answers_were_deleted(app, client, login_as, session, now):
    survey, notice = _published_and_removed(app, session, now)
    assert notice.startswith("The answers to this survey were deleted on ")
    login_as(make_staff(session, Role.COMMS))
    checked = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        if blueprint not in {"results", "reports", "themes", "engagement", "fieldwork"}:
            continue
        if "GET" not in rule.methods or rule.arguments != {"survey_id"}:
            continue
        if rule.endpoint in {
            "results.edit_page",
            "fieldwork.invite_confirm",
            "fieldwork.invite_email_html",
            "fieldwork.remind_confirm",
            "fieldwork.remind_email_html",
        }:
            continue  # the page's words and decisions, inviting and reminding: no figures
        url = rule.rule.replace("<int:survey_id>", str(survey.id))
        response = client.get(url)
        assert response.status_code in (200, 410), (url, response.status_code)
        assert _says_so(response, notice), url
        checked.append(rule.endpoint)
    assert {
        "results.overview",
        "results.comment_list",
        "results.export_responses",
        "results.crosstab_download",
        "reports.report",
        "reports.report_pdf",
        "reports.evidence_pack",
        "themes.index",
        "themes.coding_index",
        "engagement.results",
        "fieldwork.overview",
    } <= set(checked)
    # The survey's page says so and leads to the words and decisions, which can still be edited.
    detail = client.get(f"/staff/surveys/{survey.id}").text
    assert "under the retention schedule, so there are no figures" in detail
    assert f'href="/staff/surveys/{survey.id}/results/page"' in detail
    editor = client.get(f"/staff/surveys/{survey.id}/results/page")
    assert editor.status_code == 200 and "A trial bus" in editor.text
    # What was said and done stays on the public page.
    public = client.get(f"/engagement/{survey.id}").text
    assert "A trial bus" in public and "Bus." in public


_CLOSE_AGES = st.lists(
    st.tuples(
        st.sampled_from([1, 29, 31, 150, 200, 2000, 2190, 2200, 2500]),  # days since close
        st.sampled_from(list(ResponseStatus)),
        st.booleans(),  # linked to an invitation
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=_CLOSE_AGES)
def test_what_is_removed_equals_a_recount_by_age(app, session, records):
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    six_months, six_years = (
        datetime(2026, 5, 23, 10, tzinfo=UTC),
        datetime(2020, 11, 23, 10, tzinfo=UTC),
    )
    responses = []
    for age, status, linked in records:
        closed_at = now - timedelta(days=age, hours=1)
        survey = Survey(
            title="Old", status=SurveyStatus.CLOSED, closes_at=closed_at, closed_at=closed_at
        )
        session.add(survey)
        session.flush()
        invitation = Invitation(survey_id=survey.id) if linked else None
        if invitation:
            session.add(invitation)
            session.flush()
        response = SurveyResponse(
            survey_id=survey.id, status=status, invitation_id=invitation.id if invitation else None
        )
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_key="q1", value="Car"))
        responses.append((closed_at, status, linked))
    counts = retention.apply_survey_retention(session, now, CONFIG)
    # The recount, rule by rule in the order they run, from each record's age alone.
    unsent = {
        i
        for i, (closed, status, _) in enumerate(responses)
        if status is ResponseStatus.IN_PROGRESS and closed < now - 30 * DAY
    }
    left = set(range(len(responses))) - unsent
    unlinked = {i for i in left if responses[i][2] and responses[i][0] < six_months}
    gone = {i for i in left if responses[i][0] < six_years}
    assert counts["unsent responses"] == len(unsent)
    assert counts["responses unlinked from people"] == len(unlinked)
    assert counts["deleted responses"] == len(gone)
    assert counts["deleted surveys"] == sum(1 for r in responses if r[0] < six_years)
    assert _count(session, SurveyResponse) == len(left - gone)
    still_linked = {i for i in left - gone - unlinked if responses[i][2]}
    assert _count(session, SurveyResponse, SurveyResponse.invitation_id.is_not(None)) == len(
        still_linked
    )
    assert not any(retention.apply_survey_retention(session, now, CONFIG).values())
    session.rollback()
