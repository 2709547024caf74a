"""The mechanism behind every email to many people (issue 20, point 1): each staff POST route is
either the confirm step of a check page (marked ``sends_to_many``) or named here as sending to at
most one person; for each confirm step, a POST without the check page's confirmation sends
nothing (the fake SendGrid receives zero), and a confirmed send reaches exactly the number of
people the check page showed, which the audit records."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from mailer.bulletins.services.send import dispatch_due_bulletins
from mailer.jobs import deliver_queued_emails_job
from mailer.models import OutboundEmail, SuppressionReason
from mailer.suppression import suppress
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from surveys.fieldwork import invitations
from surveys.fieldwork.models import Invitation
from surveys.results import publishing
from tests.factories import make_member, make_staff
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.mailer.bulletin_helpers import make_bulletin, make_due, make_members
from tests.role_matrix import STAFF_ROUTES
from tests.surveys.decisions_helpers import made_decision
from tests.surveys.fieldwork_helpers import live_survey
from tests.surveys.results_helpers import closed_survey

#: staff POST routes that email no one, or one person (the user themself, a colleague signing
#: off, a new colleague). Anything else must be a check page's confirm step.
AT_MOST_ONE_PERSON = {
    # tests to oneself, from a check page or the bulletin preview
    "bulletin_checks.test", "feedback.test", "fieldwork.invite_test", "fieldwork.remind_test",
    "event_invitations.invite_test",
    "bulletins.test_send", "decision_notices.send_test",
    # first steps that lead to a check page and send nothing themselves
    "bulletins.schedule_send", "bulletins.control", "results.add_decision",
    # a new colleague's invitation, one's own account
    "staff_admin.invite", "staff_admin.edit", "auth.account",
    # "send for review" tells the colleagues who may sign off (staff, not the panel); closing a
    # survey emails no one (see test_closing_a_survey_emails_no_one)
    "surveys.status",
    # editing that emails no one
    "bulletins.arrange_item", "bulletins.audience", "bulletins.contribute", "bulletins.edit",
    "bulletins.edit_item", "bulletins.index", "bulletins.new_item", "bulletins.offer_results",
    "bulletins.review", "decisions.change", "fieldwork.add_open_link", "members.import_preview",
    "members.import_upload", "members.sources_index", "places.edit", "places.edit_postcode",
    "api_keys.new", "api_keys.revoke", "recruitment.edit_targets",
    # answers gathered on paper or by phone: entering them and making paper copies email no one
    "response_entry.start", "response_entry.make_paper_copies",
    # webhook endpoints: disabling by staff emails no one (only the job tells the owner)
    "webhook_endpoints.new", "webhook_endpoints.rotate", "webhook_endpoints.disable",
    "webhook_endpoints.enable", "webhook_endpoints.redeliver",
    "results.add_quote", "results.edit_page", "results.remove_quote", "results.unpublish",
    "segments.add_condition", "segments.change", "segments.contact_rules",
    "segments.export_selection", "segments.index", "segments.select", "surveys.add_from_bank",
    "surveys.arrange_question", "surveys.correct_typo", "surveys.edit_question",
    "surveys.election_dates", "surveys.import_survey", "surveys.mark_finding", "surveys.new",
    "surveys.new_question", "surveys.override", "surveys.pages", "surveys.plan",
    "surveys.remove_election_date", "surveys.review", "themes.code", "themes.code_many",
    "decision_register.new", "decision_register.edit", "decision_register.add_link",
    "decision_register.remove_link", "decision_register.change_status",
    "decision_register.publish", "committee_report.meeting_dates",
    "bulletin_blocks.new", "bulletin_blocks.edit", "bulletin_blocks.arrange",
    "bulletin_blocks.save_block", "bulletin_blocks.save_template", "bulletin_blocks.add_saved",
    "insights.new", "insights.edit", "engagement_events.new", "engagement_events.edit",
    "event_day.mark", "event_day.undo", "event_day.check_in", "event_day.outputs_page",
    "event_day.add_finding",
    # a walk-in who asks to join gets the one confirmation email anyone joining gets
    "event_day.walk_in",
    # involvement payments email no one
    "event_payments.rates", "event_payments.create_claims", "event_payments.choice",
    "event_payments.add_expense", "event_payments.remove_expense", "event_payments.submit",
    "event_payments.approve", "event_payments.reject",
    "annual_report.generate", "annual_report.save",
    "survey_emails.edit", "survey_emails.reset",
    "themes.create", "themes.delete", "themes.merge", "themes.rename", "themes.suggest",
    "duplicates.merge", "duplicates.not_duplicate", "duplicates.propose", "duplicates.undo",
    "segments.add_group_cap", "segments.remove_group_cap", "activity.send_test",
    "reconsent.index", "reconsent.send_test", "reconsent.remind_test",
    # partner organisations and partners' own pages (issue 24) email no one
    "partner_admin.index", "partner_admin.detail", "partner.new_report",
    "partner_webhooks.new", "partner_webhooks.rotate", "partner_webhooks.disable",
    "partner_webhooks.enable", "partner_webhooks.redeliver",
}  # fmt: skip


@pytest.fixture
def fake():
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def app_config(tmp_path, fake):
    return {
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        **fake.app_config(),
    }


def _staff_posts(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint in STAFF_ROUTES
    }


def test_every_staff_post_route_is_a_checked_send_or_emails_at_most_one_person(app):
    marked = {e for e in _staff_posts(app) if getattr(app.view_functions[e], "sends_to_many", 0)}
    assert marked == set(SCENARIOS)
    assert _staff_posts(app) - marked == AT_MOST_ONE_PERSON


def _deliver(session) -> None:
    """What the scheduler does next: queue the invitation emails, send the queue and bulletins."""
    now = datetime.now(UTC) + timedelta(seconds=1)
    invitations.send_invitation_emails(session, now)
    session.commit()
    deliver_queued_emails_job(session, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    session.commit()


def _invite(session, now):
    survey, author = live_survey(session, now)
    for code in ("blackpool", "blackpool", "south-cumbria"):
        make_member(session, code)
    suppress(session, make_member(session, "lancashire").email, SuppressionReason.BOUNCED, now)
    make_member(session, "blackpool", paused_until=now + timedelta(days=3))
    return author, f"/staff/surveys/{survey.id}/invite", f"/staff/surveys/{survey.id}/invite"


def _remind(session, now):
    survey, author = live_survey(session, now)
    for code in ("blackpool", "lancashire", "lancashire", "blackpool"):
        member = make_member(session, code)
        session.add(
            Invitation(survey_id=survey.id, member_id=member.id, invited_at=now, emailed_at=now)
        )
    unsubscribed = make_member(session, unsubscribed_at=now)
    session.add(
        Invitation(survey_id=survey.id, member_id=unsubscribed.id, invited_at=now, emailed_at=now)
    )
    return author, f"/staff/surveys/{survey.id}/remind", f"/staff/surveys/{survey.id}/remind"


def _ready_results(session, now):
    survey, author = closed_survey(session, now)
    page = {
        "why_we_asked": "Why.",
        "what_you_said": "Bus.",
        "next_steps": "Next.",
        "topic": "hospitals",
    }
    publishing.save_page(session, survey, author, page, now)
    return survey, author


def _publish(session, now):
    survey, author = _ready_results(session, now)
    base = f"/staff/surveys/{survey.id}/results/publish"
    return author, base, base


def _announce(session, now):
    survey, author = _ready_results(session, now)
    publishing.publish(session, survey, author, now)
    decision = publishing.add_decision(
        session, survey, author, "Buses", "did", "More buses", now.date(), now
    )
    session.commit()
    _deliver(session)  # the results emails of publishing, before the check
    base = f"/staff/surveys/{survey.id}/results/announce"
    return author, f"{base}?decision={decision.id}", f"{base}?decision={decision.id}"


def _bulletin(session, now):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    make_members(session, 2, "lancashire", bulletin_paused_until=now + timedelta(days=2))
    make_members(session, 2, "lancashire")
    bulletin = make_bulletin(session, now, comms)
    base = f"/staff/bulletins/{bulletin.id}"
    return comms, f"{base}/send/check?at=now", f"{base}/send"


def _resend(session, now, fake=None):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    make_due(session, bulletin := make_bulletin(session, now, comms), comms, now)
    session.commit()
    fake.fail_next(1, status=400)
    _deliver(session)
    base = f"/staff/bulletins/{bulletin.id}/resend"
    return comms, base, base


def _tell(session, now):
    survey, author = closed_survey(session, now)
    decision = made_decision(session, author, survey, now)
    base = f"/staff/decisions/{decision.id}/tell"
    return author, base, base


def _still_interested(session, now):
    comms = make_staff(session, Role.COMMS)
    long_ago = now - timedelta(days=400)
    for code in ("blackpool", "blackpool", "lancashire"):
        make_member(session, code, joined_at=long_ago, created_at=long_ago)
    make_member(session, "blackpool")  # joined now: not silent
    return comms, "/staff/activity/still-interested", "/staff/activity/still-interested"


def _reconsent(session, now):
    from panel.reconsent.campaigns import plan_campaign

    comms = make_staff(session, Role.COMMS)
    # No consent record to the current privacy notice: each of them is asked.
    for code in ("blackpool", "blackpool", "south-cumbria"):
        make_member(session, code)
    suppress(session, make_member(session, "lancashire").email, SuppressionReason.BOUNCED, now)
    make_member(session, unsubscribed_at=now)
    campaign = plan_campaign(session, comms, (now + timedelta(days=30)).date(), "UTC", now)
    base = f"/staff/consent/{campaign.id}"
    return comms, base, f"{base}/send"


def _reconsent_reminder(session, now):
    from panel.reconsent.campaigns import check_campaign, send_campaign

    comms, campaign_url, _send_url = _reconsent(session, now)
    campaign_id = int(campaign_url.rsplit("/", 1)[1])
    from panel.reconsent.models import ReconsentCampaign

    campaign = session.get(ReconsentCampaign, campaign_id)
    fingerprint = check_campaign(session, campaign, now).mail.fingerprint
    send_campaign(session, campaign, comms, now, fingerprint)
    session.commit()
    _deliver(session)  # the first emails, before the reminder's check
    base = f"{campaign_url}/remind"
    return comms, base, base


def _event_invite(session, now):
    from panel.segments.definition import empty_definition
    from panel.segments.models import Segment
    from tests.surveys.event_helpers import make_event

    comms = make_staff(session, Role.COMMS)
    segment = Segment(name="Everyone", place=None, definition=empty_definition())
    session.add(segment)
    event = make_event(session, now)
    for code in ("blackpool", "blackpool", "south-cumbria"):
        make_member(session, code)
    suppress(session, make_member(session, "lancashire").email, SuppressionReason.BOUNCED, now)
    make_member(session, "blackpool", paused_until=now + timedelta(days=3))
    session.flush()
    url = f"/staff/events/{event.id}/invite?segment={segment.id}"
    return comms, url, url


SCENARIOS = {
    "event_invitations.invite": _event_invite,
    "activity.start_round": _still_interested,
    "fieldwork.invite": _invite,
    "fieldwork.remind": _remind,
    "feedback.publish": _publish,
    "feedback.announce": _announce,
    "bulletin_checks.send": _bulletin,
    "bulletin_checks.resend": _resend,
    "decision_notices.send": _tell,
    "reconsent.send": _reconsent,
    "reconsent.remind_send": _reconsent_reminder,
}


def _confirm_fields(html: str) -> dict[str, str]:
    form = html.rsplit('name="expected"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    fields["expected"] = html.rsplit('name="expected" value="', 1)[1].split('"', 1)[0]
    return {name: unescape(value) for name, value in fields.items()}


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
def test_nothing_goes_before_the_confirmation_and_then_exactly_the_people_counted(
    app, session, client, login_as, fake, endpoint
):
    now = datetime.now(UTC)
    build = SCENARIOS[endpoint]
    user, check_url, confirm_url = (
        build(session, now, fake) if endpoint == "bulletin_checks.resend" else build(session, now)
    )
    session.commit()
    login_as(user)
    _deliver(session)  # the colleagues' sign-off requests of setting up a survey
    fake.reset()
    queued_before = session.scalar(sa.select(sa.func.count(OutboundEmail.id)))

    client.post(confirm_url, data={"at": "now", "state": "draft:"})  # no confirmation
    _deliver(session)
    assert fake.accepted == [], endpoint
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == queued_before

    page = client.get(check_url)
    assert page.status_code == 200, endpoint
    shown = int(re.search(r"([\d,]+) (?:people|person) will get this email", page.text)[1])
    assert shown > 1 and "Who will get it, by place" in page.text
    confirmed = client.post(confirm_url, data=_confirm_fields(page.text))
    assert confirmed.status_code == 302, endpoint
    _deliver(session)
    assert len({message.to_email for message in fake.accepted}) == shown == len(fake.accepted)
    audited = session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.staff_user_id == user.id)
    )
    assert f"{shown} recipients" in list(audited), endpoint


def test_a_changed_audience_shows_the_page_again_and_sends_nothing(
    app, session, client, login_as, fake
):
    now = datetime.now(UTC)
    user, check_url, confirm_url = _bulletin(session, now)
    session.commit()
    login_as(user)
    fields = _confirm_fields(client.get(check_url).text)
    make_member(session, "blackpool")
    session.commit()
    again = client.post(confirm_url, data=fields)
    assert again.status_code == 409
    assert "changed since you looked" in again.text and "6 people will get" in again.text
    _deliver(session)
    assert fake.accepted == []


def test_closing_a_survey_emails_no_one(app, session, client, login_as, fake):
    now = datetime.now(UTC)
    survey, author = live_survey(session, now)
    for _ in range(3):
        member = make_member(session)
        session.add(Invitation(survey_id=survey.id, member_id=member.id, invited_at=now))
    session.commit()
    login_as(author)
    _deliver(session)
    fake.reset()
    before = session.scalar(sa.select(sa.func.count(OutboundEmail.id)))
    closed = client.post(f"/staff/surveys/{survey.id}/status", data={"action": "close"})
    assert closed.status_code == 302
    session.refresh(survey)
    assert survey.status.value == "closed"
    queued = session.scalar(sa.select(sa.func.count(OutboundEmail.id)))
    _deliver(session)
    assert queued == before and fake.accepted == []
