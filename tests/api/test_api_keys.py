"""The partner API: the same hidden cells as the public page, keys (unknown, revoked, expired,
scopes, place isolation), problem-details errors and one audit row per call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from panel.api_keys.models import ApiKey
from panel.api_keys.services import hash_secret, revoke_api_key
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.disclosure import HIDDEN
from surveys.results import public, publishing
from tests.api.helpers import bearer, key_for, published_survey
from tests.factories import make_staff

PROBLEM = "application/problem+json"


def _api_calls(session) -> list[AuditEvent]:
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api.call")))


def test_the_api_gives_the_public_pages_figures_with_the_same_cells_hidden(
    app, client, session, now
):
    survey = published_survey(app, session, now)
    answer = client.get(f"/api/v1/surveys/{survey.id}/results")
    assert answer.status_code == 200
    body = answer.get_json()
    with app.test_request_context():
        page = publishing.results_page(session, survey)
        shown = public.public_figures(session, survey, page)
    question = shown.questions[0]
    hidden = [count == HIDDEN for _label, count, _share in question.options]
    assert any(hidden) and not all(hidden)
    api_question = body["questions"][0]
    assert [o["label"] for o in api_question["options"]] == [o[0] for o in question.options]
    assert [o["count"] for o in api_question["options"]] == [
        None if count == HIDDEN else count for _label, count, _share in question.options
    ]
    assert [o["count"] is None for o in api_question["options"]] == hidden
    assert body["respondents"] == shown.respondents
    assert [(r["name"], r["count"]) for r in body["by_place"]] == [
        (r["name"], None if r["n"] == HIDDEN else r["n"]) for r in shown.by_place
    ]
    # The page itself says "hidden" for as many answers as the API gives null.
    html = client.get(f"/engagement/{survey.id}").get_data(as_text=True)
    assert html.count("hidden") >= sum(hidden)
    listed = client.get("/api/v1/surveys").get_json()
    assert [s["id"] for s in listed] == [survey.id]
    assert client.get("/api/v1/engagement").get_json()["published_results"][0]["id"] == survey.id


def test_bad_keys_and_bad_input_are_problems_with_a_clear_message(app, client, session, now):
    _key, secret = key_for(session, ["read-public"])
    revoked, revoked_secret = key_for(session, ["read-public"])
    revoke_api_key(session, make_staff(session, Role.COMMS), revoked, datetime.now(UTC))
    expired, expired_secret = key_for(session, ["read-public"])
    expired.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()

    cases = [
        ("/api/v1/surveys", bearer("lscp_not-a-key"), 401, "not recognised"),
        ("/api/v1/surveys", bearer(revoked_secret), 401, "revoked"),
        ("/api/v1/surveys", bearer(expired_secret), 401, "expired"),
        ("/api/v1/surveys", {"Authorization": "Basic abc"}, 401, "Bearer"),
        ("/api/v1/surveys?year=soon", bearer(secret), 422, "year"),
        ("/api/v1/decisions?status=maybe", {}, 422, "status"),
        ("/api/v1/bulletins?page=0", {}, 422, "page"),
        ("/api/v1/surveys/999/results", {}, 404, "no published survey results"),
        ("/api/v1/no-such-thing", {}, 404, "not found"),
        ("/api/v1/place-results", {}, 401, "read-place-results"),
        ("/api/v1/place-results", bearer(secret), 403, "read-place-results"),
    ]
    for url, headers, status, words in cases:
        answer = client.get(url, headers=headers)
        assert answer.status_code == status, url
        assert answer.mimetype == PROBLEM, url
        body = answer.get_json()
        assert body["status"] == status and body["title"]
        assert words.lower() in body["detail"].lower(), (url, body)
    assert client.post("/api/v1/surveys").status_code == 405
    assert client.get("/api/v1/surveys?year=soon").get_json()["errors"]["year"]
    # One audit row per call to an operation, anonymous or not; the key's id when it had one.
    calls = _api_calls(session)
    assert len(calls) == len(cases) - 1 + 1  # unknown paths and methods are no operation
    assert any(c.object_ids == str(revoked.id) and "401" in c.detail for c in calls)


def test_a_key_for_one_place_reads_no_row_of_another(app, client, session, now):
    blackpool = published_survey(app, session, now, "blackpool")
    lancashire = published_survey(app, session, now, "lancashire")
    _key, secret = key_for(session, ["read-place-results"], "blackpool")
    _icb_key, icb_secret = key_for(session, ["read-place-results"])

    own = client.get("/api/v1/place-results", headers=bearer(secret)).get_json()["results"]
    assert [r["survey"]["id"] for r in own] == [blackpool.id]
    # Every closed question, not only the page's featured one, still with small numbers hidden.
    assert len(own[0]["questions"]) > 1
    other = client.get(
        f"/api/v1/place-results?place_id={lancashire.place_id}", headers=bearer(secret)
    ).get_json()["results"]
    assert other == []
    everywhere = client.get("/api/v1/place-results", headers=bearer(icb_secret)).get_json()
    assert sorted(r["survey"]["id"] for r in everywhere["results"]) == sorted(
        [blackpool.id, lancashire.id]
    )


def test_the_comms_team_issues_a_key_shown_once_and_revokes_it(app, client, session, login_as):
    login_as(make_staff(session, Role.COMMS))
    form = {"organisation": "Healthwatch Lancashire", "name": "", "scopes": ["read-public"]}
    form["place_id"] = ""
    page = client.post("/staff/api-keys/new", data={**form, "expires_on": "2020-01-01"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Enter what the key is for" in html
    assert "Healthwatch Lancashire" in html  # nothing typed is lost
    past = client.post(
        "/staff/api-keys/new", data={**form, "name": "Site", "expires_on": "2020-01-01"}
    )
    assert "The expiry date must be in the future" in past.get_data(as_text=True)
    expires_on = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    issued = client.post(
        "/staff/api-keys/new", data={**form, "name": "Site", "expires_on": expires_on}
    ).get_data(as_text=True)
    secret = issued.split('id="secret" class="app-secret app-break-anywhere">')[1].split("<")[0]
    assert secret.startswith("lscp_")
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200
    listing = client.get("/staff/api-keys/").get_data(as_text=True)
    assert secret not in listing and secret[:12] in listing

    key = session.scalar(sa.select(ApiKey))
    # Only the hash is kept: no column holds the secret.
    assert key.key_hash == hash_secret(secret)
    assert secret not in {str(getattr(key, c.key)) for c in ApiKey.__table__.columns}
    client.post(f"/staff/api-keys/{key.id}/revoke")
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 401
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "api_key")
    )
    assert {"api_key.issue", "api_key.revoke"} <= set(actions)


def test_the_kept_answer_follows_every_change_to_what_it_is_made_from(app, client, session, now):
    """The results answer is kept between calls: each change below, made with plain SQL behind
    the application's back, shows in the very next answer."""
    survey = published_survey(app, session, now, "blackpool")
    url = f"/api/v1/surveys/{survey.id}/results"

    def answer() -> dict:
        got = client.get(url)
        assert got.status_code == 200
        return got.get_json()

    first = answer()
    assert answer() == first  # kept: the same answer again
    changes = [
        ("UPDATE surveys SET title = 'Renamed behind its back' WHERE id = :id", "title"),
        ("UPDATE survey_results_pages SET topic = 'Transport' WHERE survey_id = :id", "topic"),
        (
            "UPDATE places SET name = 'Blackpool and the Fylde'"
            " WHERE id = (SELECT place_id FROM surveys WHERE id = :id)",
            "place",
        ),
        ("UPDATE surveys SET responses_removed_at = CURRENT_TIMESTAMP WHERE id = :id", "removed"),
    ]
    for statement, field in changes:
        before = answer()
        session.execute(sa.text(statement), {"id": survey.id})
        session.commit()
        after = answer()
        if field == "removed":
            assert (before["figures_removed"], after["figures_removed"]) == (False, True)
        else:
            assert after["survey"][field] != before["survey"][field], field
    session.execute(
        sa.text("UPDATE survey_results_pages SET published_at = NULL WHERE survey_id = :id"),
        {"id": survey.id},
    )
    session.commit()
    assert client.get(url).status_code == 404
