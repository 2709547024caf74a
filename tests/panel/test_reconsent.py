"""Re-consent (issue 26, point 3): the cycle with the clock moved forward (asked, some confirm,
some decline, some say nothing, then the deadline job), the counts the campaign page shows
recounted from the rows, and the history each member sees."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.models import OutboundEmail
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members import reference
from panel.members.models import ConsentKind, ConsentRecord, EqualityProfile, MemberStatus
from panel.members.services.joining import apply_equality
from panel.members.services.member_area import export_member_data
from panel.reconsent import answers, campaigns, expiry, figures, reminders
from panel.reconsent.models import CampaignStatus, Outcome, ReconsentRequest
from tests.factories import make_member, make_staff

OLD_EQUALITY = "equality-2026-11"
NEW_EQUALITY = "equality-2027-03"


def panel_member(session, now, *, equality=True, wording=OLD_EQUALITY, privacy=None, ago=30, **kw):
    """A member who joined ``ago`` days before ``now`` agreeing to the privacy notice
    (``privacy``, default the current one) and, with ``equality``, answering the equality
    questions with consent to ``wording``."""
    at = now - timedelta(days=ago)
    member = make_member(session, **kw)
    member.consents.append(
        ConsentRecord(
            kind=ConsentKind.MEMBERSHIP,
            given=True,
            wording_version=privacy or reference.MEMBERSHIP_CONSENT_VERSION,
            method="join form",
            at=at,
        )
    )
    if equality:
        member.equality = EqualityProfile(sex="female", ethnic_group="white_british", updated_at=at)
        member.consents.append(
            ConsentRecord(
                kind=ConsentKind.SPECIAL_CATEGORY,
                given=True,
                wording_version=wording,
                method="join form",
                at=at,
            )
        )
    session.flush()
    return member


def _campaign(session, now, days=21):
    comms = make_staff(session, Role.COMMS)
    campaign = campaigns.plan_campaign(
        session, comms, (now + timedelta(days=days)).date(), "Europe/London", now
    )
    return comms, campaign


def _request(session, campaign, member) -> ReconsentRequest:
    return session.scalars(
        sa.select(ReconsentRequest).where(
            ReconsentRequest.campaign_id == campaign.id, ReconsentRequest.member_id == member.id
        )
    ).one()


def test_the_re_consent_cycle_deletes_exactly_the_silent_and_declining_members_answers(
    app, session, now, monkeypatch
):
    monkeypatch.setattr(reference, "SPECIAL_CATEGORY_CONSENT_VERSION", NEW_EQUALITY)
    confirmer, decliner, silent = (panel_member(session, now) for _ in range(3))
    aged = panel_member(session, now, wording=NEW_EQUALITY, ago=4 * 365)
    privacy_only = panel_member(session, now, equality=False, privacy="membership-2025-01")
    renews_on_page = panel_member(session, now, place_code="lancashire")
    up_to_date = panel_member(session, now, wording=NEW_EQUALITY)
    unsubscribed = panel_member(session, now, unsubscribed_at=now)
    comms, campaign = _campaign(session, now)

    check = campaigns.check_campaign(session, campaign, now)
    asked_people = [confirmer, decliner, silent, aged, privacy_only, renews_on_page]
    assert check.mail.recipients == len(asked_people) and check.not_emailable == 1
    assert dict(check.reasons) == {
        "privacy_notice": 1,
        "equality_wording": 4,
        "equality_age": 1,
    }
    assert dict(check.privacy_held) == {"membership-2025-01": 1}
    assert dict(check.mail.by_place) == {"Blackpool": 5, "Lancashire": 1}
    assert campaigns.send_campaign(session, campaign, comms, now, check.mail.fingerprint) == 6
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 6

    # Some answer, one renews by saving the equality page, the rest say nothing.
    later = now + timedelta(days=3)
    answers.confirm(session, _request(session, campaign, confirmer), later, "email link")
    answers.decline(session, _request(session, campaign, decliner), later, "email link")
    assert decliner.equality is None  # at once, as withdrawing does
    reminder = reminders.check_reminder(session, campaign, later)
    assert reminder.recipients == 4  # the four who have not answered
    assert reminders.send_reminder(session, campaign, comms, later, reminder.fingerprint) == 4
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 10
    apply_equality(renews_on_page, {"sex": "male"}, True, later, "member area")
    session.flush()
    rows, total = figures.campaign_figures(session, campaign)
    assert total.due_for_deletion == 2  # the silent one and the aged one
    assert total.by_outcome == {"asked": 4, "confirmed": 1, "declined": 1, "expired": 0}
    assert campaigns.check_campaign(session, campaign, now).mail.recipients == 0  # asked once

    # The clock passes the deadline; the job runs, then runs again.
    after = campaign.deadline + timedelta(hours=1)
    expiry.expire_reconsent_job(session, after)
    expiry.expire_reconsent_job(session, after + timedelta(hours=1))
    session.commit()
    kept = {m.id for m in (confirmer, renews_on_page, up_to_date, unsubscribed)}
    gone = {m.id for m in (decliner, silent, aged)}
    holders = set(session.scalars(sa.select(EqualityProfile.member_id)))
    assert kept <= holders and not gone & holders
    audited = session.scalars(
        sa.select(AuditEvent.object_ids).where(AuditEvent.action == "reconsent.equality_deleted")
    ).all()
    assert sorted(audited) == sorted([str(silent.id), str(aged.id)])
    assert campaign.status is CampaignStatus.CLOSED
    outcomes = {r.member_id: r.outcome for r in campaign.requests}
    assert outcomes == {
        confirmer.id: Outcome.CONFIRMED,
        decliner.id: Outcome.DECLINED,
        silent.id: Outcome.EXPIRED,
        aged.id: Outcome.EXPIRED,
        privacy_only.id: Outcome.EXPIRED,
        renews_on_page.id: Outcome.CONFIRMED,
    }
    assert privacy_only.status is MemberStatus.ACTIVE  # nothing of theirs is deleted

    # Each member's history shows every step, with times and wording versions.
    def steps(member):
        section = export_member_data(session, member)["requests_to_confirm_consent"]
        return [row["step"] for row in section]

    assert steps(confirmer) == ["Asked to confirm", "Confirmed"]
    assert steps(decliner) == ["Asked to confirm", "Declined: equality answers deleted"]
    assert steps(silent) == [
        "Asked to confirm",
        "Reminded",
        "No answer by the deadline",
        "Equality answers deleted",
    ]
    asked_row = export_member_data(session, silent)["requests_to_confirm_consent"][0]
    assert f"{OLD_EQUALITY} → {NEW_EQUALITY}" in asked_row["wording_versions"]
    withdrawn = [c for c in silent.consents if c.kind is ConsentKind.SPECIAL_CATEGORY][-1]
    assert (withdrawn.given, withdrawn.method) == (False, "re-consent deadline")
    assert withdrawn.at == after
    renewed = [c for c in confirmer.consents if c.kind is ConsentKind.SPECIAL_CATEGORY][-1]
    assert (renewed.given, renewed.wording_version) == (True, NEW_EQUALITY)


def test_a_deadline_outside_the_notice_period_is_refused_next_to_the_field(app, session, now):
    comms = make_staff(session, Role.COMMS)
    for day in ((now + timedelta(days=5)).date(), date(9999, 12, 31), date(1, 1, 1)):
        try:
            campaigns.plan_campaign(session, comms, day, "Europe/London", now)
        except campaigns.FieldError as error:
            assert error.field == "deadline" and "14 days" in error.message
        else:
            raise AssertionError(f"a deadline of {day} was accepted")


OUTCOME_CHOICES = st.sampled_from(["silent", "confirm", "decline", "renew", "withdraw"])


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(st.tuples(st.booleans(), OUTCOME_CHOICES, st.booleans()), max_size=8))
def test_the_campaign_figures_equal_a_recount_from_the_rows(app, session, now, people):
    """Whatever members do, the figures by place and the count the deadline would delete are a
    recount of the rows at that moment."""
    session.rollback()
    session.execute(sa.delete(ReconsentRequest))
    comms, campaign = _campaign(session, now)
    members = [
        panel_member(
            session,
            now,
            equality=has_equality,
            privacy="membership-2020-01",
            place_code="lancashire" if west else "blackpool",
        )
        for has_equality, _choice, west in people
    ]
    check = campaigns.check_campaign(session, campaign, now)
    campaigns.send_campaign(session, campaign, comms, now, check.mail.fingerprint)
    later = now + timedelta(days=1)
    for member, (_has, choice, _west) in zip(members, people, strict=True):
        request = _request(session, campaign, member)
        if choice == "confirm":
            answers.confirm(session, request, later, "email link")
        elif choice == "decline":
            answers.decline(session, request, later, "email link")
        elif choice == "renew":
            apply_equality(member, {"carer": "no"}, True, later, "member area")
        elif choice == "withdraw":
            apply_equality(member, {}, False, later, "member area")
    session.flush()
    rows, total = figures.campaign_figures(session, campaign)
    shown = {row.place: (dict(row.by_outcome), row.due_for_deletion) for row in rows}
    expected: dict[str, tuple[dict, int]] = {}
    for member in members:
        request = _request(session, campaign, member)
        counts, due = expected.setdefault(member.place.name, (dict.fromkeys(Outcome, 0), 0))
        counts[request.outcome] += 1
        renewed = answers.renewed_at(session, request) is not None
        doomed = (
            request.outcome is Outcome.ASKED
            and member.equality is not None
            and "equality" in request.reasons
            and not renewed
        )
        expected[member.place.name] = (counts, due + doomed)
    assert shown == expected
    assert total.due_for_deletion == sum(due for _counts, due in expected.values())
    session.rollback()
