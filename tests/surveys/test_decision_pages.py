"""The register's pages through HTTP: a bad value is a message next to its field that keeps
what was typed; the public page shows the trail and links both ways with the survey's "You
said, we did" page; the check page sends nothing until the second click; observers read only;
another place's decision looks missing to a place team."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.auth.models import Role
from surveys.decisions import register
from surveys.decisions.models import DecisionRecord
from surveys.results import publishing
from tests.factories import make_staff, place
from tests.surveys.decisions_helpers import fields
from tests.surveys.results_helpers import closed_survey

NEW = {
    "title": "Evening buses <b>to</b> the hospital",
    "summary": "Two more buses an hour.",
    "decided_on": "2026-11-01",
    "body_kind": "committee",
    "body_name": "Quality Committee",
    "place_id": "",
    "paper_reference": "QC-11",
    "paper_url": "javascript:alert(1)",
    "status": "made",
    "owner_name": "Director of Strategy",
    "duty_applies": "yes",
    "duty_reason": "It changes how people reach care.",
    "no_involvement_reason": "",
}


def test_staff_record_link_publish_and_tell_then_the_public_sees_the_trail(
    app, client, login_as, session, now
):
    user = login_as(make_staff(session, Role.COMMS))
    survey = closed_survey(session, now)[0]
    publishing.save_page(
        session,
        survey,
        user,
        {"why_we_asked": "Why.", "what_you_said": "Bus.", "next_steps": "Next."},
        now,
    )
    with app.test_request_context():
        publishing.publish(session, survey, user, now)
    session.commit()
    bad = client.post("/staff/decisions/new", data=NEW)
    assert bad.status_code == 400
    assert "Enter a web address starting with https:// or http://" in bad.text
    assert "Evening buses &lt;b&gt;to&lt;/b&gt; the hospital" in bad.text  # kept, escaped
    saved = client.post("/staff/decisions/new", data={**NEW, "paper_url": "https://e.org/qc"})
    assert saved.status_code == 302
    decision = session.scalar(sa.select(DecisionRecord))
    detail = f"/staff/decisions/{decision.id}"
    link = {
        "link-kind": "survey",
        "link-survey_id": str(survey.id),
        "link-people_said": "Buses after 6pm are rare.",
        "link-outcome": "did_not",
        "link-how_used": "",
        "link-other_kind": "",
    }
    missing = client.post(f"{detail}/links", data=link)
    assert missing.status_code == 400 and "Say what we did, or why we did not" in missing.text
    assert "Buses after 6pm are rare." in missing.text
    added = client.post(f"{detail}/links", data={**link, "link-how_used": "No money."})
    assert added.status_code == 302
    assert client.post(f"{detail}/publish", data={"publish": "1"}).status_code == 302
    emails = session.scalar(sa.select(sa.func.count(OutboundEmail.id)))
    check = client.get(f"{detail}/tell")
    assert check.status_code == 200 and "22 people will get this email" in check.text
    assert client.get(f"{detail}/tell/email.html").status_code == 200
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == emails
    changed = client.post(f"{detail}/tell", data={"expected": "21:0"})
    assert changed.status_code == 409 and "changed since you looked" in changed.text
    shown = check.text.rsplit('name="expected" value="', 1)[1].split('"', 1)[0]
    sent = client.post(f"{detail}/tell", data={"expected": shown})
    assert sent.status_code == 302
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == emails + 22
    client.get("/auth/logout")
    page = client.get(f"/decisions/{decision.id}").text
    assert "We did not, because" in page and "No money." in page
    assert f'href="/engagement/{survey.id}"' in page and 'href="https://e.org/qc"' in page
    assert "javascript:" not in page
    results = client.get(f"/engagement/{survey.id}").text
    assert f'href="/decisions/{decision.id}"' in results
    index = client.get(
        f"/decisions/?body=committee&status=made&place={place(session, 'blackpool').id}"
    )
    assert decision.title not in index.text.replace("&lt;", "<").replace("&gt;", ">")
    assert "Evening buses" in client.get("/decisions/?body=committee&place=icb").text
    assert client.get("/decisions/?status=nonsense").status_code == 200


def test_observers_read_and_place_teams_see_only_their_places(client, login_as, session, now):
    comms = make_staff(session, Role.COMMS)
    lancashire = place(session, "lancashire")
    elsewhere = register.create_decision(session, comms, fields(place_id=lancashire.id), now)
    session.commit()
    login_as(make_staff(session, Role.OBSERVER))
    assert client.get(f"/staff/decisions/{elsewhere.id}").status_code == 200
    assert client.get("/staff/decisions/measures").status_code == 200
    assert client.post(f"/staff/decisions/{elsewhere.id}/publish").status_code == 403
    login_as(make_staff(session, Role.PLACE, ["blackpool"]))
    assert client.get(f"/staff/decisions/{elsewhere.id}").status_code == 404
    assert client.get(f"/staff/decisions/{elsewhere.id}/tell").status_code == 404
    assert elsewhere.title not in client.get("/staff/decisions/").text
