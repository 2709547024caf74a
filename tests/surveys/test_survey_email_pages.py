"""The survey's "Emails" pages: a bad subject or message is a message next to the field that
keeps what was typed, a saved one comes back with the guidance checker's advice and the email
as it will arrive, "go back to the standard wording" undoes it, and a place team reaches only
its own places' surveys."""

from __future__ import annotations

import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.emails.models import SurveyEmail
from tests.factories import make_staff, place
from tests.surveys.fieldwork_helpers import live_survey


def test_a_bad_message_is_shown_next_to_the_field_and_keeps_what_was_typed(
    session, client, login_as, now
):
    survey, author = live_survey(session, now)
    session.commit()
    login_as(author)
    url = f"/staff/surveys/{survey.id}/emails/invitation"
    typed = "Dear {name},\n\nPlease <b>do</b> take part."
    response = client.post(url, data={"subject": "Over to you", "body": typed})
    assert response.status_code == 400
    assert "There is a problem" in response.text and 'href="#body"' in response.text
    assert "{name} is not a placeholder this email can use" in response.text
    assert "Dear {name},\n\nPlease &lt;b&gt;do&lt;/b&gt; take part." in response.text
    assert 'value="Over to you"' in response.text
    assert session.scalar(sa.select(sa.func.count(SurveyEmail.id))) == 0
    assert client.get(f"/staff/surveys/{survey.id}/emails/nonsense").status_code == 404


def test_a_saved_email_shows_its_advice_and_itself_and_can_go_back_to_the_standard_wording(
    session, client, login_as, now
):
    survey, author = live_survey(session, now)
    session.commit()
    login_as(author)
    url = f"/staff/surveys/{survey.id}/emails/reminder"
    body = (
        "Hello {first_name},\n\nThe ICB's MSK pathway transformation programme will leverage "
        "your views."
    )
    subject = "Last chance to tell us what you think about getting to hospital appointments"
    saved = client.post(url, data={"subject": subject, "body": body})
    assert saved.status_code == 302
    page = client.get(url).text
    assert "Guidance on the subject line saved" in page and "phones show about 60" in page
    assert "Guidance on the message saved" in page and "jargon" in page.lower()
    assert f"{subject}</dd>" in page  # the email as it will arrive
    assert "The ICB&#39;s MSK pathway" in page and "Standard wording" not in page
    frame = client.get(f"{url}/email.html")
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    assert "Hello Sam," in frame.text and "/s/example-personal-link" in frame.text
    listed = client.get(f"/staff/surveys/{survey.id}/emails").text
    assert subject in listed and listed.count("Standard wording") == 2
    assert f"/staff/surveys/{survey.id}/emails" in client.get(f"/staff/surveys/{survey.id}").text
    check_page = client.get(f"/staff/surveys/{survey.id}/remind").text  # the check before sending
    assert f"{subject}</dd>" in check_page and "leverage your views" in check_page

    client.post(f"{url}/reset")
    assert "A few days left" in client.get(url).text
    assert session.scalar(sa.select(sa.func.count(SurveyEmail.id))) == 0
    details = session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "survey.email_wording")
    ).all()
    assert sorted(details) == [
        "Reminder back to the default wording while the survey was live",
        "Reminder changed while the survey was live",
    ]


def test_place_teams_reach_only_their_places_survey_emails(session, client, login_as, now):
    survey, _author = live_survey(session, now, place_id=place(session, "south-cumbria").id)
    blackpool_team = make_staff(session, Role.PLACE, places=["blackpool"])
    observer = make_staff(session, Role.OBSERVER)
    session.commit()
    url = f"/staff/surveys/{survey.id}/emails/invitation"
    login_as(blackpool_team)
    assert client.get(url).status_code == 404
    assert client.get(f"/staff/surveys/{survey.id}/emails").status_code == 404
    refused = client.post(url, data={"subject": "Mine now", "body": "Hi"})
    assert refused.status_code == 404
    assert client.post(f"{url}/reset").status_code == 404
    login_as(observer)
    assert client.get(url).status_code == 403
    assert session.scalar(sa.select(sa.func.count(SurveyEmail.id))) == 0
