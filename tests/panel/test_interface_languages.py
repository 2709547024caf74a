"""Interface languages (issue 23): how a resident page picks its language, staff pages staying
English, right-to-left Urdu pages, and members' emails in their preferred language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.auth.models import Role
from panel.i18n import LANGUAGE_COOKIE, in_language
from panel.members.mail_check import check_mail
from panel.members.models import Member
from panel.members.services.links import queue_member_email
from panel.segments.models import MemberContact
from panel.templating import local_datetime
from surveys.decisions import telling
from surveys.engagement_events.reminders import send_event_reminders
from surveys.engagement_events.replies import ReplyFields, reply, reply_token
from tests.factories import make_member, make_staff
from tests.panel.test_joining import join
from tests.surveys.decisions_helpers import made_decision
from tests.surveys.event_helpers import invite, make_event
from tests.surveys.results_helpers import closed_survey


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


def _latest_by_member(session, kind: str) -> dict[int, OutboundEmail]:
    emails = session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id)
    )
    return {email.member_id: email for email in emails}


def test_event_emails_are_written_in_the_members_language_dates_included(app, session, now):
    """The place and reminder emails are queued without queue_member_email (they carry no
    unsubscribe link) and still follow the member's language, down to the event's date."""
    event = make_event(session, now)
    members = {code: make_member(session, language=code, first_name="Sam") for code in ("pl", "ur")}
    for member in members.values():
        reply(session, invite(session, event, now, member), ReplyFields(coming=True), now)
    placed = _latest_by_member(session, "event_place_confirmed")
    polish, urdu = placed[members["pl"].id], placed[members["ur"].id]
    assert polish.subject == "Twoje miejsce jest potwierdzone: Diabetes care workshop"
    assert "Dzień dobry Sam," in polish.text_body and "Miejsce: Central Library" in polish.text_body
    with in_language("pl"):
        polish_day = local_datetime(event.starts_at)
    assert polish_day != local_datetime(event.starts_at)  # not the English date
    assert f"Masz miejsce na wydarzeniu Diabetes care workshop w dniu {polish_day}." in (
        polish.text_body
    )
    assert urdu.subject == "آپ کی جگہ پکی ہو گئی ہے: Diabetes care workshop"
    assert '<html lang="ur" dir="rtl">' in urdu.html_body
    assert "مقام: Central Library" in urdu.html_body

    # Eight days on, the week's reminder goes out in each language too.
    assert send_event_reminders(session, now + timedelta(days=8)) == 2
    reminders = _latest_by_member(session, "event_reminder")
    assert reminders[members["pl"].id].subject == (
        "Przypomnienie: Diabetes care workshop w przyszłym tygodniu"
    )
    assert reminders[members["ur"].id].subject == "یاد دہانی: Diabetes care workshop اگلے ہفتے"


def test_a_decision_notice_is_written_in_each_members_language(app, session, now):
    """Through the check page's second click: each person told gets their own language."""
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now)[0]
    decision = made_decision(session, user, survey, now)
    took_part = session.scalars(
        sa.select(Member)
        .join(MemberContact, MemberContact.member_id == Member.id)
        .where(MemberContact.reference_id == survey.id)
        .order_by(Member.id)
    ).all()
    polish, urdu, english = took_part[:3]
    polish.language, urdu.language = "pl", "ur"
    with app.test_request_context():
        check = telling.preview_notice(session, decision, user)
        # The check page counts who gets which language before anyone is emailed.
        languages = [(language.code, people) for language, people in check.by_language]
        assert languages == [("en", check.recipients - 2), ("pl", 1), ("ur", 1)]
        assert telling.tell_contributors(session, decision, user, now, check.fingerprint) > 3
    told = _latest_by_member(session, "decision_notice")
    title = "Later bus services to the hospital"
    assert told[polish.id].subject == f"Decyzja podjęta: {title}"
    assert "Brałeś(-aś) udział w ankiecie, która pomogła" in told[polish.id].text_body
    assert "Powiedzieliście: Buses after 6pm are rare." in told[polish.id].text_body
    assert "Zrobiliśmy to: Two more buses" in told[polish.id].text_body
    assert told[urdu.id].subject == f"فیصلہ (کیا گیا): {title}"
    assert "آپ نے ایک سروے میں حصہ لیا تھا" in told[urdu.id].html_body
    assert told[english.id].subject == f"Decision made: {title}"
    assert "You took part in a survey that informed a decision by ICB Board." in (
        told[english.id].text_body
    )


def test_a_check_page_shows_how_many_people_get_each_language(session, client, login_as, now):
    """Only for an email written in each member's language: one everyone gets in English (a
    bulletin, which names no template) is not counted by language."""
    user = login_as(make_staff(session, Role.COMMS))
    survey = closed_survey(session, now)[0]
    decision = made_decision(session, user, survey, now)
    took_part = session.scalars(
        sa.select(Member)
        .join(MemberContact, MemberContact.member_id == Member.id)
        .where(MemberContact.reference_id == survey.id)
        .order_by(Member.id)
    ).all()
    took_part[0].language = "ur"
    session.commit()
    page = client.get(f"/staff/decisions/{decision.id}/tell").get_data(as_text=True)
    english = len(took_part) - 1
    assert (
        'Each person gets it in their own language (the example is in English): <span lang="en" '
        f'dir="ltr">English</span> {english}, <span lang="ur" dir="rtl">اردو</span> 1.'
    ) in page
    assert check_mail(session, [(took_part[0].id, "a@example.org", None)], None).by_language == ()


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


def test_the_home_privacy_and_decisions_pages_follow_the_chosen_language(client, session, now):
    """The public pages and the decisions register are resident pages too: Polish, and Urdu
    written right to left, down to a decision's status and what was done with what people said."""
    user = make_staff(session, Role.COMMS)
    decision = made_decision(session, user, closed_survey(session, now)[0], now)
    session.commit()
    expected = {
        "pl": {
            "/": "Panel obywatelski Lancashire i South Cumbria",
            "/privacy": "Informacja o ochronie prywatności",
            "/decisions/": "Decyzje i konsultacje, na których się opierają",
            f"/decisions/{decision.id}": "Konsultacje, na których się opiera",
        },
        "ur": {
            "/": "لنکاشائر اور ساؤتھ کمبریا سٹیزنز پینل",
            "/privacy": "پرائیویسی نوٹس",
            "/decisions/": "فیصلے اور ان کے پیچھے عوام کی شمولیت",
            f"/decisions/{decision.id}": "اس کے پیچھے عوامی شمولیت",
        },
    }
    for code, headings in expected.items():
        for path, heading in headings.items():
            page = client.get(f"{path}?lang={code}")
            assert page.status_code == 200, path
            html = page.get_data(as_text=True)
            assert heading in html, (code, path)
            assert f'lang="{code}"' in _html_tag(html)
            assert ('dir="rtl"' in _html_tag(html)) is (code == "ur")
    assert "Podjęta" in client.get("/decisions/?lang=pl").text
    assert "ہم نے یہ کیا:" in client.get(f"/decisions/{decision.id}?lang=ur").text
    # The privacy notice's retention periods, with the plural Polish needs.
    assert "usuwamy 30 dni po zamknięciu ankiety" in client.get("/privacy?lang=pl").text
