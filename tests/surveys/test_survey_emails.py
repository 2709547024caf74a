"""A survey's own wording of its invitation, reminder and results emails (issue 20, point 2):
checked when saved (placeholders, brackets, length), audited, and used by the real sends, which
still carry the personal link, the closing date and the unsubscribe link the layout adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.jobs import deliver_queued_emails_job
from mailer.models import OutboundEmail
from panel.audit.models import AuditEvent
from surveys.emails import wording
from surveys.emails.advice import wording_findings
from surveys.emails.models import EmailKind, SurveyEmail
from surveys.emails.wording import EmailWordingError, check_wording, prepare
from surveys.fieldwork import invitations
from surveys.fieldwork.invitation_preview import example_email_for
from surveys.results import publishing
from surveys.results.feedback_check import feedback_email
from tests.factories import make_member
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.security.html_audit import injection_problems, plain_text_problems
from tests.surveys.fieldwork_helpers import live_survey
from tests.surveys.results_helpers import closed_survey


@pytest.fixture
def fake():
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def app_config(tmp_path, fake):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), **fake.app_config()}


@pytest.mark.parametrize(
    ("kind", "body", "field_words"),
    [
        (EmailKind.INVITATION, "Hello {name},", "{name} is not a placeholder"),
        (EmailKind.INVITATION, "Your link: {survey_link}", "added below your text"),
        (EmailKind.FEEDBACK, "Closes {closing_date}", "{closing_date} is not a placeholder"),
        (EmailKind.REMINDER, "Hi {{ first_name }}", "Curly brackets are only for placeholders"),
        (EmailKind.REMINDER, "{% if x %}hi{% endif %}", "{% if x %} is not a placeholder"),
        (EmailKind.REMINDER, "A stray } bracket", "Curly brackets are only for placeholders"),
        (EmailKind.REMINDER, "   \n\n  ", "Enter the message"),
        (EmailKind.REMINDER, "x" * 5001, "5,000 characters or fewer"),
    ],
)
def test_a_body_the_email_cannot_use_is_a_message_next_to_the_body(kind, body, field_words):
    with pytest.raises(EmailWordingError) as raised:
        check_wording(kind, "A subject", body)
    assert raised.value.field == "body" and field_words in str(raised.value)


def test_a_subject_is_one_trimmed_line_and_checked_like_the_body():
    assert check_wording(EmailKind.INVITATION, "  Have\n your  say ", "Hi")[0] == "Have your say"
    for subject, words in (("", "Enter the subject line"), ("Hi {nme}", "not a placeholder")):
        with pytest.raises(EmailWordingError) as raised:
            check_wording(EmailKind.INVITATION, subject, "Hi")
        assert raised.value.field == "subject" and words in str(raised.value)
    with pytest.raises(EmailWordingError, match="150 characters or fewer"):
        check_wording(EmailKind.INVITATION, "x" * 151, "Hi")


def test_placeholders_are_filled_once_and_the_name_per_person():
    message = prepare(
        EmailKind.INVITATION,
        "Hi { First Name }: {survey_title}",
        "Hello {first_name},\nline two\n\n\n{survey_purpose}\n\nCloses {closing_date}.",
        {"survey_title": "Buses", "survey_purpose": "", "closing_date": "1 May 2027, 5:00pm"},
    )
    assert message.subject_for("Asha") == "Hi Asha: Buses"
    # an empty purpose leaves no empty paragraph; a single newline is a line break
    assert message.paragraphs_for("Asha") == [
        ["Hello Asha,", "line two"],
        ["Closes 1 May 2027, 5:00pm."],
    ]
    assert message.paragraphs_for(None)[0][0] == "Hello there,"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.text(alphabet=st.sampled_from("ab {}_%first_nme\n"), max_size=40),
    body=st.text(alphabet=st.sampled_from("ab {}_%first_nme\n<>&"), max_size=80),
    kind=st.sampled_from(list(EmailKind)),
)
def test_any_text_is_refused_with_a_message_or_sent_without_brackets(subject, body, kind):
    try:
        check_wording(kind, subject, body)
    except EmailWordingError as error:
        assert error.field in ("subject", "body")
        return
    values = {name: "V" for name in wording.PLACEHOLDERS if name != "first_name"}
    message = prepare(kind, subject, body, values)
    sent = [message.subject_for("Sam"), *sum(message.paragraphs_for("Sam"), [])]
    assert not any(ch in text for text in sent for ch in "{}\x00")


def test_stored_wording_that_no_longer_passes_falls_back_to_the_default(app, session, now):
    survey, _author = live_survey(session, now)
    session.add(
        SurveyEmail(survey_id=survey.id, kind=EmailKind.REMINDER, subject="{{ 7*7 }}", body="{x}")
    )
    session.flush()
    with app.app_context():
        message = wording.message_for(session, survey, EmailKind.REMINDER)
    assert message.subject_for("Sam") == f"A few days left: {survey.title}"
    assert "49" not in str(message) and "{" not in str(message)


def test_saving_and_resetting_are_audited_and_say_when_the_survey_is_live(app, session, now):
    survey, author = live_survey(session, now)
    wording.save_wording(
        session, survey, author, EmailKind.INVITATION, "New {survey_title}", "Hi", now
    )
    wording.save_wording(session, survey, author, EmailKind.INVITATION, "Again", "Hi there", now)
    assert wording.wording(session, survey, EmailKind.INVITATION) == ("Again", "Hi there")
    assert session.scalar(sa.select(sa.func.count(SurveyEmail.id))) == 1
    wording.reset_wording(session, survey, author, EmailKind.INVITATION, now)
    wording.reset_wording(session, survey, author, EmailKind.INVITATION, now)  # nothing to do
    assert (
        wording.wording(session, survey, EmailKind.INVITATION)
        == wording.DEFAULTS[EmailKind.INVITATION]
    )
    details = session.scalars(
        sa.select(AuditEvent.detail)
        .where(AuditEvent.action == "survey.email_wording")
        .order_by(AuditEvent.id)
    ).all()
    assert details == [
        "Invitation changed while the survey was live",
        "Invitation changed while the survey was live",
        "Invitation back to the default wording while the survey was live",
    ]
    with pytest.raises(EmailWordingError):
        wording.save_wording(session, survey, author, EmailKind.INVITATION, "S", "{bad}", now)


def _deliver(session, now):
    deliver_queued_emails_job(session, now + timedelta(seconds=1))
    session.commit()


def _sent(session, kind: str) -> list[OutboundEmail]:
    return list(
        session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id)
        )
    )


def _assert_sent_with_wording(fake, emails, subject_start, body_words, required):
    accepted = {message.to_email: message for message in fake.accepted}
    assert emails and {email.to_email for email in emails} == set(accepted)
    for email in emails:
        provider = accepted[email.to_email]
        assert provider.subject.startswith(subject_start)
        assert provider.headers["List-Unsubscribe"].startswith("<http://panel.test/unsubscribe/")
        for part in (email.text_body, email.html_body):
            assert body_words in part
            for needed in (*required, "/unsubscribe/"):
                assert needed in part, needed


def test_invitations_and_reminders_go_with_the_edited_wording_and_their_required_parts(
    app, session, fake, monkeypatch
):
    now = datetime.now(UTC)
    survey, author = live_survey(session, now)
    members = [make_member(session) for _ in range(3)]
    for kind, subject in ((EmailKind.INVITATION, "Bus survey"), (EmailKind.REMINDER, "Last call")):
        wording.save_wording(
            session, survey, author, kind, f"{subject} for {{first_name}}",
            "Dear {first_name},\n\nTell us about {survey_title} by {closing_date}.", now,
        )  # fmt: skip
    session.commit()
    _deliver(session, now)  # the colleagues' sign-off requests of setting up the survey
    fake.reset()
    prepared = []
    monkeypatch.setattr(wording, "prepare", lambda *a: prepared.append(a) or real_prepare(*a))
    invitations.invite(session, survey, author, now)
    invitations.send_invitation_emails(session, now)
    session.commit()
    assert len(prepared) == 1  # the wording is made ready once per send, not per person
    _deliver(session, now)
    closes = wording.closing_date(survey)
    required = ("/s/", f"closes on {closes}")
    sent = _sent(session, "survey_invitation")
    _assert_sent_with_wording(fake, sent, "Bus survey for ", f"by {closes}.", required)
    first = next(email for email in sent if email.to_email == members[0].email)
    assert first.subject == f"Bus survey for {members[0].first_name}"
    assert f"Dear {members[0].first_name}," in first.text_body

    fake.reset()
    later = survey.closes_at - timedelta(days=survey.reminder_days or 3)
    survey.reminder_days = survey.reminder_days or 3
    session.commit()
    assert invitations.send_reminders(session, later) == 3
    session.commit()
    _deliver(session, later)
    _assert_sent_with_wording(
        fake, _sent(session, "survey_reminder"), "Last call for ", "Dear ", required
    )


real_prepare = wording.prepare


def test_the_results_email_on_publishing_goes_with_the_edited_wording(app, session, fake):
    now = datetime.now(UTC)
    survey, author = closed_survey(session, now)
    publishing.save_page(
        session,
        survey,
        author,
        {"why_we_asked": "Why.", "what_you_said": "Bus.", "next_steps": "More buses.",
         "topic": "hospitals"},
        now,
    )  # fmt: skip
    wording.save_wording(
        session, survey, author, EmailKind.FEEDBACK, "Your views on {survey_title}",
        "Hi {first_name},\n\nHere is what changed because of you.", now,
    )  # fmt: skip
    session.commit()
    _deliver(session, now)  # the colleagues' sign-off requests of setting up the survey
    fake.reset()
    assert publishing.publish(session, survey, author, now) > 1
    session.commit()
    _deliver(session, now)
    results = f"http://panel.test/engagement/{survey.id}"
    _assert_sent_with_wording(
        fake,
        _sent(session, "survey_feedback"),
        f"Your views on {survey.title}",
        "Here is what changed because of you.",
        (results, "Next steps: More buses."),
    )


def test_the_previews_show_the_edited_wording(app, session, now):
    survey, author = live_survey(session, now)
    for kind in EmailKind:
        wording.save_wording(session, survey, author, kind, f"{kind} subject", f"{kind} body", now)
    with app.test_request_context():
        shown = [
            example_email_for(session, "invite", survey),
            example_email_for(session, "remind", survey),
            feedback_email(session, survey),
        ]
    for email, kind in zip(shown, EmailKind, strict=True):
        assert email.subject == f"{kind} subject"
        assert f"{kind} body" in email.text_body and f"{kind} body" in email.html_body


HOSTILE_BODY = "\n\n".join(
    [
        "Hello {first_name} <script>alert('xss')</script>",
        "<img src=x onerror=alert('xss')> & \"quotes\" 'too'",
        "[click me](javascript:alert('xss')) **bold** <a href=\"javascript:alert(1)\">xss</a>",
        "</p></div><form action=https://evil.example><input name=xss></form>",
        "<meta http-equiv=refresh content=0;url=https://evil.example>",
        "https://example.com/" + "a" * 3000,
    ]
)
HOSTILE_SUBJECT = "</title><script>alert('xss')</script> {survey_title} & more"


@pytest.mark.parametrize("kind", list(EmailKind))
def test_hostile_wording_is_text_in_both_parts_of_each_email(app, session, now, kind):
    survey, author = live_survey(session, now)
    for template_text in ("{{ 7*7 }}", "{% include 'x' %}", "{survey_title.__class__}"):
        with pytest.raises(EmailWordingError):
            wording.save_wording(session, survey, author, kind, "S", template_text, now)
    wording.save_wording(session, survey, author, kind, HOSTILE_SUBJECT, HOSTILE_BODY, now)
    with app.test_request_context():
        if kind is EmailKind.FEEDBACK:
            email = feedback_email(session, survey)
        else:
            which = "invite" if kind is EmailKind.INVITATION else "remind"
            email = example_email_for(session, which, survey)
    assert injection_problems(email.html_body, allow_styles=True) == []
    assert plain_text_problems(email.text_body + email.subject) == []
    assert "Hello Sam &lt;script&gt;alert('xss')&lt;/script&gt;" in email.html_body
    assert "[click me](javascript:alert('xss')) **bold**" in email.text_body  # as typed
    assert "&lt;script&gt;" in email.subject and f"{survey.title} & more" in email.subject
    assert "Hello Sam &lt;script&gt;" in email.text_body
    long_line = "https://example.com/" + "a" * 3000
    assert long_line in email.text_body and long_line in email.html_body  # not cut, not linked
    assert "overflow-wrap: break-word" in email.html_body
    assert email.html_body.count("/unsubscribe/") == 1 and "/unsubscribe/" in email.text_body


def test_the_guidance_checker_reads_the_subject_and_message_as_advice():
    plain = wording_findings(
        "Have your say: {survey_title}", wording.DEFAULTS[EmailKind.REMINDER][1]
    )
    assert plain == {"subject": [], "body": []}
    long_subject = "Please tell us what you think about the new ways of getting to appointments"
    found = wording_findings(
        long_subject,
        "Hello {first_name},\n\nThe ICB will leverage your views on the MSK pathway. "
        + "We want to hear from you. " * 30,
    )
    assert [f.rule for f in found["subject"]] == ["email_length"]
    assert "phones show about 60" in found["subject"][0].why
    rules = [f.rule for f in found["body"]]
    assert "email_length" in rules and "jargon" in rules
    assert all(f.severity == "advice" for f in found["subject"] + found["body"])
