"""Interface languages (issue 23): how a resident page picks its language, staff pages staying
English, right-to-left Urdu pages, and members' emails in their preferred language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.i18n import LANGUAGE_COOKIE
from panel.members.models import Member
from panel.members.services.links import queue_member_email
from surveys.engagement_events.replies import reply_token
from tests.factories import make_member
from tests.panel.test_joining import join
from tests.surveys.event_helpers import invite, make_event


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def test_the_language_links_switch_a_resident_page_and_the_choice_is_remembered(client):
    english = client.get("/join").text
    assert 'lang="en"' in _html_tag(english) and 'dir="ltr"' in _html_tag(english)
    # Every resident page links to itself in each language, without JavaScript.
    assert 'href="/join?lang=pl"' in english and 'href="/join?lang=ur"' in english

    polish = client.get("/join?lang=pl")
    assert "Dołącz do panelu obywatelskiego" in polish.text
    assert 'lang="pl"' in _html_tag(polish.text)
    assert LANGUAGE_COOKIE in polish.headers["Set-Cookie"]
    assert "HttpOnly" in polish.headers["Set-Cookie"]
    # The next page, with no choice in its address, stays Polish.
    assert "Jesteś już członkiem?" in client.get("/join").text

    urdu = client.get("/engagement/?lang=ur").text
    assert 'lang="ur"' in _html_tag(urdu) and 'dir="rtl"' in _html_tag(urdu)
    assert "ہماری عوامی شمولیت" in urdu
    # Staff pages stay English whatever the resident chose.
    staff = client.get("/staff/sign-in").text
    assert 'lang="en"' in _html_tag(staff) and "Sign in" in staff


def test_accept_language_chooses_only_when_nothing_else_does(client):
    page = client.get("/my-panel/sign-in", headers={"Accept-Language": "ur, en;q=0.5"}).text
    assert 'lang="ur"' in _html_tag(page) and "اپنے ممبر ایریا میں جائیں" in page
    page = client.get("/my-panel/sign-in", headers={"Accept-Language": "de, fr;q=0.8"}).text
    assert 'lang="en"' in _html_tag(page)
    # An unknown ?lang= is ignored rather than an error.
    assert client.get("/my-panel/sign-in?lang=xx").status_code == 200


def test_a_signed_in_members_preference_sets_the_language_unless_they_choose_another(
    client, session, outbox
):
    member = make_member(session, language="pl")
    session.commit()
    client.post("/my-panel/sign-in", data={"email": member.email})
    message = outbox()[-1]
    # The sign-in email is in the member's language.
    assert message.subject == "Twój link do panelu członka panelu obywatelskiego"
    link = re.search(r"http://panel\.test(/my-panel/link/\S+)", message.text_body).group(1)
    assert client.post(link).status_code == 302
    home = client.get("/my-panel/", headers={"Accept-Language": "en"}).text
    assert 'lang="pl"' in _html_tag(home) and "Twój panel członka" in home
    assert "Wyloguj się" in home
    # A choice made with the language links wins over the preference, and is remembered.
    assert "Your member area" in client.get("/my-panel/?lang=en").text
    assert "Your member area" in client.get("/my-panel/").text
    # The member can change the language of their emails in their details.
    details = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "postcode": member.postcode,
        "place_id": str(member.place_id),
        "neighbourhood_id": "0",
        "age_band": member.age_band,
        "language": "ur",
    }
    assert client.post("/my-panel/details", data=details).status_code == 302
    session.refresh(member)
    assert member.language == "ur"


def test_joining_in_urdu_records_urdu_and_the_confirmation_email_is_in_urdu(client, outbox):
    client.get("/join?lang=ur")
    join(client)
    member = client.application.extensions["sqlalchemy"].session.scalar(sa.select(Member))
    assert member.language == "ur"
    message = outbox()[-1]
    assert message.subject == "تصدیق کریں کہ آپ سٹیزنز پینل میں شامل ہونا چاہتے ہیں"
    assert "ہیلو Ann،" in message.text_body
    assert '<html lang="ur" dir="rtl">' in message.html_body


def test_member_emails_are_written_in_the_members_language(app, session, now):
    members = {
        code: make_member(session, language=code, first_name="Sam") for code in ("pl", "ur", "pa")
    }
    for code, member in members.items():
        queue_member_email(
            session,
            member,
            template="member_magic_link",
            context={"first_name": member.first_name, "token": "t0ken"},
            idempotency_key=f"languages:{code}",
            now=now,
        )
    emails = {e.idempotency_key.split(":")[1]: e for e in session.scalars(sa.select(OutboundEmail))}
    assert emails["pl"].subject == "Twój link do panelu członka panelu obywatelskiego"
    assert "Dzień dobry Sam," in emails["pl"].text_body
    assert "Wypisz się lub odejdź z panelu:" in emails["pl"].text_body
    assert emails["ur"].subject == "سٹیزنز پینل کے ممبر ایریا کے لیے آپ کا لنک"
    assert '<html lang="ur" dir="rtl">' in emails["ur"].html_body
    assert "اپنے ممبر ایریا میں جائیں" in emails["ur"].html_body
    # Punjabi has no catalogue yet: English, not a mixture.
    assert emails["pa"].subject == "Your link to the citizens' panel member area"
    assert '<html lang="en" dir="ltr">' in emails["pa"].html_body


def test_an_event_reply_page_and_its_field_error_follow_the_residents_language(client, session):
    """The pages later branches added for residents (here the event reply page, opened from the
    email without signing in) follow the language too, down to a service's error message."""
    now = datetime.now(UTC)
    invitation = invite(session, make_event(session, now), now)
    session.commit()
    url = f"/events/reply/{reply_token(invitation)}?lang=pl"

    page = client.get(url).get_data(as_text=True)
    assert "Czy możesz przyjść?" in page and "Twoje zaproszenie" in page

    refused = client.post(url, data={"coming": "yes", "dietary_needs": "Wegańska"})
    assert refused.status_code == 400
    assert "Zaznacz pole, aby pozwolić nam przechowywać" in refused.get_data(as_text=True)
