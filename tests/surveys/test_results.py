"""Results: figures on a hand-counted fixture (counts, shares, filters, cross-tabs), small-number
suppression, comments with contact details redacted, the export, publishing the results page and
telling the people who took part exactly once, the public pages, and follow-through."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl.utils import get_column_letter

from mailer.models import OutboundEmail
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.disclosure import HIDDEN, suppress_table
from surveys.results import comments, export, figures, follow_through, public, publishing
from surveys.results.figures import OTHER_LABEL, ResultFilters
from tests.factories import make_staff, place
from tests.surveys.results_helpers import COMMENT_WITH_CONTACTS, closed_survey


@pytest.fixture
def survey(session, now):
    return closed_survey(session, now)[0]


def _by_key(results):
    return {r.key: r for r in results}


def _counts(result):
    return {o.label: o.count for o in result.options}


def test_counts_and_shares_match_the_hand_count(session, survey):
    results = _by_key(figures.question_results(session, survey, ResultFilters()))
    q1 = results["q1"]
    assert q1.answered == 22  # the started-but-not-sent response is left out
    assert _counts(q1) == {"Car": 8, "Bus": 12, "Walking": 1, OTHER_LABEL: 1}
    assert [round(o.share, 4) for o in q1.options] == [0.3636, 0.5455, 0.0455, 0.0455]
    q3 = results["q3"]
    assert q3.answered == 12
    assert _counts(q3) == {"Town centre": 4, "Station": 12, "Hospital": 3}
    assert results["q4"].texts == 2 and results["q4"].options == []
    assert figures.respondents(session, survey, ResultFilters()) == 22


def test_filters_narrow_the_figures(session, survey, now):
    blackpool = place(session, "blackpool").id
    q1 = _by_key(figures.question_results(session, survey, ResultFilters(place_id=blackpool)))["q1"]
    assert _counts(q1) == {"Car": 6, "Bus": 4, "Walking": 0, OTHER_LABEL: 0}
    older = ResultFilters(age_band="65-74")
    assert figures.respondents(session, survey, older) == 11
    men = ResultFilters(equality=(("sex", "male"),))
    assert figures.respondents(session, survey, men) == 7  # responses 3, 6, ... 21
    # Responses were sent one a day from 29 days ago; the last ten days hold numbers 13-22.
    recent = ResultFilters(submitted_from=(now - timedelta(days=17)).date())
    assert figures.respondents(session, survey, recent) == 10
    window = ResultFilters(
        submitted_from=(now - timedelta(days=28)).date(),
        submitted_to=(now - timedelta(days=27)).date(),
    )
    assert figures.respondents(session, survey, window) == 2
    assert figures.respondents(session, survey, ResultFilters(source="Healthwatch")) == 0


def test_cross_tab_by_place(session, survey):
    dimension = figures.dimensions(session)["place"]
    tables = {
        t.question["key"]: t
        for t in figures.cross_tabs(session, survey, dimension, ResultFilters())
    }
    assert set(tables) == {"q1", "q2", "q3"} | {k for k in tables if k.startswith("eq_")}
    q1 = tables["q1"]
    assert q1.columns == ["Blackpool", "Lancashire"]
    assert q1.rows == ["Car", "Bus", "Walking", OTHER_LABEL]
    assert q1.cells == [[6, 2], [4, 8], [0, 1], [0, 1]]
    assert q1.column_totals == [10, 12]
    assert round(q1.share(1, 1), 4) == round(8 / 12, 4)
    q3 = tables["q3"]
    assert q3.cells == [[4, 0], [4, 8], [0, 3]]


def test_cross_tab_by_an_equality_field(session, survey):
    dimension = figures.dimensions(session)["sex"]
    q1 = figures.cross_tabs(session, survey, dimension, ResultFilters(), keys=["q1"])[0]
    assert q1.columns == ["Female", "Male"]
    assert [sum(column) for column in zip(*q1.cells, strict=True)] == [15, 7]


def test_small_cells_and_the_cells_that_would_reveal_them_are_hidden():
    cells = [[20, 3, 40], [30, 25, 50], [0, 12, 9]]
    shown, totals = suppress_table(cells, [50, 40, 99])
    # 3 and 9 are small; each row and column holding hidden cells gets more hidden until
    # what is hidden in it adds up to more than 7, so none can be worked out from totals.
    assert shown[0][1] == HIDDEN and shown[2][1] == HIDDEN
    for line, hidden_line in zip(
        [*cells, *zip(*cells, strict=True)], [*shown, *zip(*shown, strict=True)], strict=True
    ):
        hidden_sum = sum(n for n, cell in zip(line, hidden_line, strict=True) if cell == HIDDEN)
        assert hidden_sum == 0 or hidden_sum > 7, (line, hidden_line)
    assert totals == [50, 40, 99]
    assert suppress_table([[5], [0]], [5]) == ([[HIDDEN], [0]], [HIDDEN])


def test_the_small_number_limit_is_configurable():
    shown, _ = suppress_table([[9, 30], [30, 30]], limit=10)
    assert shown[0][0] == HIDDEN


def test_public_figures_hide_small_counts(app, session, survey, now):
    user = make_staff(session, Role.COMMS)
    page = publishing.save_page(
        session,
        survey,
        user,
        {
            "why_we_asked": "To plan the bus.",
            "what_you_said": "Most came by bus.",
            "next_steps": "A trial.",
            "featured_questions": ["q1", "q3", "q4"],
        },
        now,
    )
    with app.test_request_context():
        shown = public.public_figures(session, survey, page)
    assert shown.respondents == 22
    assert {row["name"]: row["n"] for row in shown.by_place} == {"Blackpool": 10, "Lancashire": 12}
    q1 = shown.questions[0]
    counts = {label: n for label, n, _share in q1.options}
    # Walking (1) and Other (1) are small; Car (8) is hidden too so the two cannot be worked
    # out from the number who answered.
    assert counts == {"Car": HIDDEN, "Bus": 12, "Walking": HIDDEN, OTHER_LABEL: HIDDEN}
    assert [len(shown.questions), shown.questions[1].multiple] == [2, True]  # q4 is free text


def test_comments_are_searchable_and_redacted(session, survey):
    found, total = comments.comments(session, survey, ResultFilters())
    assert total == 3  # two q4 answers and one "other"
    texts = [c.text for c in found]
    assert "Call me on [phone number removed] or write to [email removed] please" in texts
    assert "Taxi" in texts and COMMENT_WITH_CONTACTS not in texts
    found, total = comments.comments(session, survey, ResultFilters(), "TAXI")
    assert total == 1 and found[0].kind == "other"


def test_a_quote_is_stored_redacted_and_only_from_this_survey(session, survey, now):
    user = make_staff(session, Role.COMMS)
    found, _ = comments.comments(session, survey, ResultFilters(), "call me")
    quote = publishing.choose_quote(session, survey, user, found[0].answer_id, now)
    assert "[email removed]" in quote.text and "@" not in quote.text
    with pytest.raises(publishing.PublishingError):
        publishing.choose_quote(session, survey, user, 10**9, now)


def test_export_has_a_codebook_pseudonymous_ids_and_safe_cells(session, survey):
    archive = zipfile.ZipFile(io.BytesIO(export.export_zip(session, survey, ResultFilters())))
    assert sorted(archive.namelist()) == ["codebook.csv", "responses.csv", "responses.xlsx"]
    rows = list(csv.reader(io.StringIO(archive.read("responses.csv").decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 22
    assert [row[0] for row in body[:3]] == ["R1", "R2", "R3"]
    assert not any(name.startswith("eq_") for name in header)  # special category stays in
    text = archive.read("responses.csv").decode("utf-8-sig")
    assert "@example.com" in text  # answers are kept as given for analysis...
    assert "member" not in text  # ...but no contact details or names of members
    assert {row[header.index("channel")] for row in body} == {"online"}
    q4 = header.index("q4")
    assert '\'=HYPERLINK("http://evil.example")' in [row[q4] for row in body]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(archive.read("responses.xlsx")))
    sheet = book["Responses"]
    assert sheet.max_row == 23 and sheet.cell(2, 1).value == "R1"
    formula = [c for c in sheet[get_column_letter(q4 + 1)] if "HYPERLINK" in str(c.value)]
    assert formula and all(c.data_type == "s" for c in formula)
    assert book["Codebook"].cell(1, 1).value == "column"
    codebook = archive.read("codebook.csv").decode("utf-8-sig")
    assert "How did you travel here?" in codebook and "q1_other" in codebook


def _feedback(session):
    return session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.idempotency_key.like("survey-feedback:%"))
    ).all()


def _ready(session, survey, user, now):
    publishing.save_page(
        session,
        survey,
        user,
        {
            "why_we_asked": "To plan the bus.",
            "what_you_said": "Most came by bus.",
            "next_steps": "A trial from March.",
            "topic": "hospitals",
        },
        now,
    )


def test_publishing_emails_each_participant_exactly_once(app, session, survey, now):
    user = make_staff(session, Role.COMMS)
    _ready(session, survey, user, now)
    with app.test_request_context():
        assert publishing.publish(session, survey, user, now) == 22
        session.commit()
        assert len(_feedback(session)) == 22
        with pytest.raises(publishing.PublishingError):
            publishing.publish(session, survey, user, now)  # a double click
        assert publishing.tell_participants(session, survey, "results", None, now) == 0
        decision = publishing.add_decision(
            session,
            survey,
            user,
            "Buses are too rare",
            "did",
            "Two more buses an hour",
            date(2027, 1, 5),
            now,
        )
        assert decision.announced_at is None and len(_feedback(session)) == 22  # not yet
        told = publishing.announce_decision(session, survey, decision, user, now)
        session.commit()
    assert told == 22 and decision.announced_at == now
    emails = _feedback(session)
    assert len(emails) == 44
    assert len({e.to_email for e in emails}) == 22
    assert "Two more buses an hour" in emails[-1].text_body


def test_people_who_left_or_unsubscribed_are_not_emailed(app, session, survey, now):
    from panel.members.models import Member, MemberStatus

    user = make_staff(session, Role.COMMS)
    people = session.scalars(sa.select(Member).order_by(Member.id)).all()
    people[0].unsubscribed_at = now
    people[1].status = MemberStatus.LEFT
    _ready(session, survey, user, now)
    with app.test_request_context():
        assert publishing.publish(session, survey, user, now) == len(people) - 2


def test_results_need_the_words_before_publishing(app, session, survey, now):
    user = make_staff(session, Role.COMMS)
    publishing.save_page(session, survey, user, {"why_we_asked": "Why."}, now)
    with app.test_request_context(), pytest.raises(publishing.PublishingError) as error:
        publishing.publish(session, survey, user, now)
    assert "what people said" in str(error.value) and "next steps" in str(error.value)


def test_follow_through_flags_surveys_without_results_after_twelve_weeks(session, survey, now):
    user = make_staff(session, Role.COMMS)
    rows = follow_through.follow_through(session, user, now + timedelta(weeks=13), 12)
    assert [(r.survey.id, r.overdue, r.results_published) for r in rows] == [
        (survey.id, True, False)
    ]
    assert not follow_through.follow_through(session, user, now + timedelta(weeks=11), 12)[
        0
    ].overdue
    place_user = make_staff(session, Role.PLACE, ["blackpool"])
    assert follow_through.follow_through(session, place_user, now, 12) == []


# Through the web ------------------------------------------------------------------------------


def test_staff_results_page_with_filters_and_cross_tab(client, login_as, session, survey):
    login_as(make_staff(session, Role.OBSERVER))
    blackpool = place(session, "blackpool").id
    page = client.get(f"/staff/surveys/{survey.id}/results?place={blackpool}&by=age_band")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "10 people sent answers matching the filters" in html
    assert "By age" in html and "<svg" in html and "Share of population" in html
    bad = client.get(f"/staff/surveys/{survey.id}/results?submitted_from=31/02&place=999999")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Enter a real date" in html and "Not a valid choice" in html
    assert "22 people sent answers" in html  # the bad filters are left out, not fatal
    assert client.get(f"/staff/surveys/{survey.id}/results/comments").status_code == 403
    weighted = client.get(f"/staff/surveys/{survey.id}/results?weights=census")
    html = weighted.get_data(as_text=True)
    assert "Effective sample size" in html and "Weighted share" in html


def test_a_place_team_sees_results_only_for_its_surveys(client, login_as, session, now):
    blackpool_survey, _ = closed_survey(session, now, place_id=place(session, "blackpool").id)
    icb_survey = closed_survey(session, now, members=False)[0]
    login_as(make_staff(session, Role.PLACE, ["lancashire"]))
    for path in ("results", "results/comments", "results/export.zip", "results/page"):
        assert client.get(f"/staff/surveys/{blackpool_survey.id}/{path}").status_code == 404
    # An ICB-wide survey: the figures for its own places (test_place_results_of_icb_surveys).
    for path in ("results/comments", "results/export.zip", "results/page"):
        assert client.get(f"/staff/surveys/{icb_survey.id}/{path}").status_code == 404
    assert client.get(f"/staff/surveys/{icb_survey.id}/results").status_code == 200
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    assert client.get(f"/staff/surveys/{blackpool_survey.id}/results").status_code == 200


def test_comments_and_export_are_audited(client, login_as, session, survey):
    login_as(make_staff(session, Role.COMMS))
    assert "[email removed]" in client.get(f"/staff/surveys/{survey.id}/results/comments").get_data(
        as_text=True
    )
    response = client.get(f"/staff/surveys/{survey.id}/results/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    actions = set(session.scalars(sa.select(AuditEvent.action)))
    assert {"results.comments", "results.export"} <= actions


def test_writing_publishing_and_the_public_pages(client, login_as, session, survey):
    login_as(make_staff(session, Role.COMMS))
    base = f"/staff/surveys/{survey.id}/results"
    assert client.get(f"/engagement/{survey.id}").status_code == 404
    bad = client.post(
        f"{base}/decisions",
        data={"you_said": "", "outcome": "maybe", "action": "Things", "decided_on": "2027-13-01"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Say what people told us" in html and "Enter a real date" in html
    assert "Things" in html  # what was typed is kept
    saved = client.post(
        f"{base}/page",
        data={
            "why_we_asked": "To plan the shuttle bus.",
            "what_you_said": "Most came by bus.",
            "next_steps": "A trial from March.",
            "topic": "hospitals",
            "featured_questions": ["q1"],
        },
    )
    assert saved.status_code == 302
    client.post(f"{base}/publish")  # without the check page's confirmation: nothing happens
    assert client.get(f"/engagement/{survey.id}").status_code == 404
    check = client.get(f"{base}/publish").get_data(as_text=True)
    expected = check.split('name="expected" value="', 1)[1].split('"', 1)[0]
    client.post(f"{base}/publish", data={"expected": expected})
    public_page = client.get(f"/engagement/{survey.id}")
    html = public_page.get_data(as_text=True)
    assert public_page.status_code == 200
    # Small counts are hidden (labelled "hidden": see surveys.results.published).
    assert "Most came by bus." in html and ">hidden<" in html and "A trial from March." in html
    added = client.post(
        f"{base}/decisions",
        data={
            "you_said": "Buses are too rare",
            "outcome": "did_not",
            "action": "The road is too narrow for more buses",
            "decided_on": "2027-01-05",
        },
    )
    assert added.status_code == 302
    html = client.get(f"/engagement/{survey.id}").get_data(as_text=True)
    assert "We did not, because" in html and "too narrow" in html
    index = client.get("/engagement/?topic=hospitals").get_data(as_text=True)
    assert survey.title in index
    assert survey.title not in client.get("/engagement/?topic=dental").get_data(as_text=True)


def test_the_closed_survey_page_links_to_published_results(app, client, session, now):
    from surveys.fieldwork import invitations

    survey = closed_survey(session, now, members=False)[0]
    link = invitations.create_open_link(session, survey, None, "Library", now)
    session.commit()
    page = client.get(f"/o/{link.code}")
    assert page.status_code == 410
    assert f"/engagement/{survey.id}" not in page.get_data(as_text=True)
    user = make_staff(session, Role.COMMS)
    _ready(session, survey, user, now)
    with app.test_request_context():
        publishing.publish(session, survey, user, now)
    session.commit()
    assert f"/engagement/{survey.id}" in client.get(f"/o/{link.code}").get_data(as_text=True)


def test_figures_from_real_submissions_match_a_recount_from_the_answers(app, session, now):
    """Answers sent through the answering service, then changed after sending: the figures,
    whole and filtered, equal a recount of the answer rows by hand."""
    from surveys.fieldwork import answering
    from surveys.fieldwork.answers import save_page
    from surveys.fieldwork.models import OpenLink, SurveyResponse
    from tests.surveys.fieldwork_helpers import live_survey
    from tests.surveys.recount import recount, shown

    survey, _author = live_survey(session, now)
    link = OpenLink(survey_id=survey.id, source="Library", code="tally-test")
    session.add(link)
    session.flush()
    people = [
        {"q1": ["Car"], "q2": ["Easy"], "q4": ["More buses"], "q5": ["3"]},
        {"q1": ["Bus"], "q3": ["Station", "Hospital"], "q4": [""]},
        {"q1": ["Bus"], "q3": ["Station"], "q5": ["12"]},
    ]
    sent = []
    for form in people:
        response, _token = answering.start_open(session, survey, link, now)
        index = 0
        while index is not None:  # save_page keeps only the fields on the page it is given
            result = save_page(session, survey, response, index, form, now)
            assert not result.errors, result.errors
            index = result.next_page
        assert answering.submit(session, survey, response, now)
        sent.append(response)
    session.commit()
    everyone = figures.question_results(session, survey, ResultFilters())
    assert shown(everyone) == recount(session, survey)
    assert _counts(_by_key(everyone)["q1"]) == {"Car": 1, "Bus": 2, "Walking": 0, OTHER_LABEL: 0}
    # The second person changes their mind after sending: Car now, so no bus stops.
    save_page(session, survey, sent[1], 0, {"q1": ["Car"], "q2": ["Difficult"]}, now)
    session.commit()
    after = _by_key(figures.question_results(session, survey, ResultFilters()))
    assert _counts(after["q1"])["Car"] == 2 and shown(after.values()) == recount(session, survey)
    on_the_bus = ResultFilters(answers=(("q1", "Bus"),))
    assert shown(figures.question_results(session, survey, on_the_bus)) == recount(
        session, survey, lambda r: r.id == sent[2].id
    )
    assert figures.respondents(session, survey, on_the_bus) == 1
    assert session.get(SurveyResponse, sent[1].id).answer_codes is not None


def test_weights_rake_each_place_to_its_census_age_and_sex_make_up(session, survey):
    from surveys.fieldwork.models import ResponseStatus, SurveyResponse
    from surveys.results import weighting

    found = weighting.weights_for(session, survey)
    assert found.not_done is None
    assert found.respondents == found.in_frame == 22
    assert set(found.margins) == {"place", "age band within each place", "sex within each place"}
    sex = SurveyResponse.equality["sex"].as_string()  # one expression: PostgreSQL groups by it
    cells = session.execute(
        sa.select(SurveyResponse.place_id, SurveyResponse.age_band, sex, sa.func.count())
        .where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.status == ResponseStatus.SUBMITTED
        )
        .group_by(SurveyResponse.place_id, SurveyResponse.age_band, sex)
    ).all()
    weighted_total = sum(n * found.weight((p, a, s)) for p, a, s, n in cells)
    assert weighted_total == pytest.approx(22)
    census = weighting.census_margins(session, sorted({p for p, *_ in cells}))
    for place_id in {p for p, *_ in cells}:
        in_place = [(a, s, n * found.weight((p, a, s))) for p, a, s, n in cells if p == place_id]
        place_total = sum(w for *_, w in in_place)
        for index, dimension in ((0, "age_band"), (1, "sex")):
            present = {row[index] for row in in_place}
            size = sum(census[(place_id, dimension, k)] for k in present)
            for category in present:
                share = sum(w for *row, w in in_place if row[index] == category) / place_total
                assert share == pytest.approx(
                    census[(place_id, dimension, category)] / size, abs=1e-6
                )
    assert 0 < found.effective_n <= 22 and found.design_effect >= 1
    weighted = weighting.weighted_results(session, survey, found)
    assert sum(o.count for o in weighted["q1"].options) == pytest.approx(22, abs=2)
    assert sum(o.share for o in weighted["q1"].options) == pytest.approx(1)


def test_a_you_said_we_did_bulletin_item_carries_the_same_summary(app, session, survey, now):
    from mailer.bulletins.models import ContributionStatus, ItemKind
    from mailer.bulletins.services.compose import ComposeError
    from mailer.bulletins.services.results_items import offer_results

    user = make_staff(session, Role.COMMS)
    _ready(session, survey, user, now)
    with app.test_request_context():
        with pytest.raises(ComposeError, match="Publish the results page"):
            offer_results(session, survey, user, now)  # not public yet
        publishing.publish(session, survey, user, now)
        publishing.add_decision(
            session,
            survey,
            user,
            "Buses are too rare",
            "doing",
            "Two more buses an hour",
            date(2027, 1, 5),
            now,
        )
        item = offer_results(session, survey, user, now)
    assert item.kind is ItemKind.RESULT
    assert item.contribution_status is ContributionStatus.SUBMITTED
    assert "Most came by bus." in item.body and "Two more buses an hour" in item.body
    assert item.link_url.endswith(f"/engagement/{survey.id}")


def test_offering_results_to_the_bulletin_from_the_editor_waits_for_publishing(
    client, login_as, session, survey, now
):
    from mailer.bulletins.models import BulletinItem, ItemKind

    user = make_staff(session, Role.COMMS)
    _ready(session, survey, user, now)
    session.commit()
    login_as(user)
    offer = f"/staff/bulletins/results/{survey.id}"
    refused = client.post(offer, follow_redirects=True)
    assert "Publish the results page before offering it" in refused.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(BulletinItem.id))) == 0
    publishing.publish(session, survey, user, now)
    session.commit()
    offered = client.post(offer, follow_redirects=True)
    assert offered.request.path == f"/staff/surveys/{survey.id}/results/page"
    items = session.scalars(sa.select(BulletinItem)).all()
    assert [item.kind for item in items] == [ItemKind.RESULT]


def test_shared_cross_tabs_hide_small_numbers(client, login_as, session, survey):
    login_as(make_staff(session, Role.OBSERVER))
    response = client.get(f"/staff/surveys/{survey.id}/results/crosstabs.csv?by=place")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    start = rows.index(["How did you travel here?"])
    assert rows[start + 1] == ["Answer", "Blackpool", "Lancashire"]
    q1 = {row[0]: row[1:] for row in rows[start + 2 : start + 7]}
    # Car 6/2, Bus 4/8, Walking 0/1, Other 0/1: everything small, and what would reveal it;
    # a zero beside a lone small count is hidden too (it would show the count is the row's all).
    assert q1["Car"] == [HIDDEN, HIDDEN] and q1["Walking"] == [HIDDEN, HIDDEN]
    assert q1["People who answered"] == ["10", "12"]
    assert "results.crosstabs" in set(session.scalars(sa.select(AuditEvent.action)))


def test_generated_input_to_the_results_forms_never_causes_a_server_error(
    client, login_as, session, survey
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.panel.test_bad_input_fuzz import nasty_text

    login_as(make_staff(session, Role.COMMS))
    base = f"/staff/surveys/{survey.id}/results"

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def garbage(data):
        fields = [
            "place",
            "neighbourhood",
            "source",
            "channel",
            "age_band",
            "eq_sex",
            "submitted_from",
            "submitted_to",
            "by",
            "weights",
            "q",
            "page",
        ]
        query = {name: data.draw(nasty_text) for name in fields}
        for path in ("", "/comments", "/crosstabs.csv"):
            assert client.get(base + path, query_string=query).status_code < 500
        decision = {
            name: data.draw(nasty_text) for name in ("you_said", "outcome", "action", "decided_on")
        }
        assert client.post(f"{base}/decisions", data=decision).status_code < 500
        names = ("why_we_asked", "what_you_said", "next_steps", "topic", "featured_questions")
        words = {name: data.draw(nasty_text) for name in names}
        assert client.post(f"{base}/page", data=words).status_code < 500
        assert (
            client.post(f"{base}/quotes", data={"answer_id": data.draw(nasty_text)}).status_code
            < 500
        )
        assert (
            client.post(
                f"{base}/themes/code",
                data={
                    "answer_id": data.draw(nasty_text),
                    "part": data.draw(nasty_text),
                    "theme_id": data.draw(nasty_text),
                },
            ).status_code
            < 500
        )

    garbage()
