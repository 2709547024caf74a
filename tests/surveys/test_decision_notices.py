"""Telling the people who took part that a decision using their views was made or moved on:
the check page's count (after unsubscribes and the do-not-email list, by place) is what the
second click sends, each person once per status, place teams only their places' people; and
the two measures are recounts of the rows, or say they cannot be worked out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.models import OutboundEmail
from mailer.transport import SuppressionReason, suppress
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.members.mail_check import AudienceChanged
from panel.members.models import Member
from panel.segments.models import ContactKind, MemberContact
from surveys.decisions import measures, register, telling
from surveys.decisions.models import DecisionNotice, DecisionRecord
from surveys.decisions.register import DecisionError
from tests.factories import make_staff
from tests.surveys.decisions_helpers import fields, made_decision, survey_link
from tests.surveys.results_helpers import closed_survey


def _emails(session) -> int:
    return session.scalar(sa.select(sa.func.count(OutboundEmail.id)))


def test_the_check_counts_who_can_be_told_and_the_send_tells_exactly_them(app, session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now)[0]
    decision = made_decision(session, user, survey, now)
    people = session.scalars(
        sa.select(Member)
        .join(MemberContact, MemberContact.member_id == Member.id)
        .where(MemberContact.reference_id == survey.id)
        .order_by(Member.id)
    ).all()
    people[0].unsubscribed_at = now  # Blackpool
    suppress(session, people[-1].email, SuppressionReason.BOUNCED, now)  # Lancashire
    before = _emails(session)  # sign-off requests while the survey was made
    with app.test_request_context():
        preview = telling.preview_notice(session, decision, user)
        assert _emails(session) == before  # the check page sends nothing
        assert (preview.recipients, preview.suppressed) == (20, 1)
        assert preview.by_place == [("Lancashire", 11), ("Blackpool", 9)]
        assert decision.title in preview.email.subject and "Sam" in preview.email.text_body
        with pytest.raises(AudienceChanged, match="21 then, 20 now"):
            telling.tell_contributors(session, decision, user, now, "21:0123456789abcdef")
        assert telling.tell_contributors(session, decision, user, now, preview.fingerprint) == 20
        assert telling.preview_notice(session, decision, user).recipients == 0
        with pytest.raises(AudienceChanged):  # a double click sends nothing more
            telling.tell_contributors(session, decision, user, now, preview.fingerprint)
        assert telling.already_told(session, decision, user) == 20
        register.change_status(session, decision, user, "implemented", now)
        assert telling.preview_notice(session, decision, user).recipients == 20
    told = session.scalars(sa.select(DecisionNotice.member_id)).all()
    assert sorted(told) == [p.id for p in people[1:-1]]
    assert _emails(session) == before + 20
    email = session.scalar(sa.select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(1))
    assert email.member_id is not None and "/unsubscribe/" in email.text_body
    assert f"/decisions/{decision.id}" in email.text_body
    audit = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.notify"))
    assert audit.detail == "20 recipients"


def test_a_place_team_tells_only_its_places_people(app, session, now):
    comms = make_staff(session, Role.COMMS)
    team = make_staff(session, Role.PLACE, ["blackpool"])
    survey = closed_survey(session, now)[0]
    decision = made_decision(session, comms, survey, now)
    with app.test_request_context():
        check = telling.preview_notice(session, decision, team)
        assert check.by_place == [("Blackpool", 10)]
        assert telling.tell_contributors(session, decision, team, now, check.fingerprint) == 10
    assert telling.notices_by_status(session, decision, team)[0][1] == 10


def test_nothing_is_sent_about_an_unpublished_or_proposed_decision(app, session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now)[0]
    decision = register.create_decision(session, user, fields(), now)
    register.add_link(session, decision, user, survey_link(survey.id), now)
    before = _emails(session)
    with app.test_request_context():
        with pytest.raises(DecisionError, match="public register"):
            telling.preview_notice(session, decision, user)
        register.publish(session, decision, user, now)
        with pytest.raises(DecisionError, match="once the decision is made"):
            telling.tell_contributors(session, decision, user, now, None)
    assert _emails(session) == before


def test_the_measures_say_when_they_cannot_be_worked_out(session, now):
    user = make_staff(session, Role.OBSERVER)
    figures = measures.measures(session, user, now)
    assert figures.median_days is None and figures.share_told is None
    assert figures.meets_goal is None


def _recount(session, now) -> tuple[float | None, float | None]:
    """Both measures straight from the tables, the long way."""
    rows = session.execute(
        sa.text(
            "SELECT d.id, d.decided_on, d.we_did_published_at FROM decisions d "
            "WHERE d.status != 'proposed' AND EXISTS "
            "(SELECT 1 FROM decision_links l WHERE l.decision_id = d.id)"
        )
    ).all()
    days = sorted(
        (d.we_did_published_at.date() - d.decided_on).days
        for d in session.scalars(
            sa.select(DecisionRecord).where(DecisionRecord.id.in_([r[0] for r in rows]))
        )
        if d.we_did_published_at is not None
    )
    median = None
    if days:
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    pairs = told = 0
    for decision in session.scalars(sa.select(DecisionRecord)):
        if not decision.is_made or now.date() <= decision.decided_on + timedelta(days=7):
            continue
        surveys = {link.survey_id for link in decision.links if link.survey_id}
        people = set(
            session.scalars(
                sa.select(MemberContact.member_id).where(
                    MemberContact.kind == ContactKind.SURVEY_RESPONSE,
                    MemberContact.reference_id.in_(surveys),
                )
            )
        )
        in_time = {
            n.member_id
            for n in session.scalars(
                sa.select(DecisionNotice).where(DecisionNotice.decision_id == decision.id)
            )
            if n.queued_at.date() <= decision.decided_on + timedelta(days=7)
        }
        pairs += len(people)
        told += len(people & in_time)
    return median, (told / pairs if pairs else None)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    decisions=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=60),  # days ago it was made
            st.one_of(st.none(), st.integers(min_value=0, max_value=45)),  # days to publish
            st.one_of(st.none(), st.integers(min_value=0, max_value=12)),  # days to tell
            st.sampled_from(["blackpool", "lancashire"]),  # the telling team's place
        ),
        max_size=4,
    )
)
def test_the_measures_are_recounts_of_the_rows(app, session, now, surveyed, decisions):
    user, survey = surveyed
    observer = make_staff(session, Role.OBSERVER)
    with app.test_request_context():
        for made_ago, publish_after, tell_after, team_place in decisions:
            made_on = now - timedelta(days=made_ago)
            decision = register.create_decision(
                session, user, fields(decided_on=made_on.date()), made_on - timedelta(days=1)
            )
            register.add_link(session, decision, user, survey_link(survey.id), made_on)
            register.change_status(session, decision, user, "made", made_on)
            if publish_after is not None and made_on + timedelta(days=publish_after) <= now:
                register.publish(session, decision, user, made_on + timedelta(days=publish_after))
                told_at = made_on + timedelta(days=publish_after + (tell_after or 0))
                if tell_after is not None and told_at <= now:
                    team = make_staff(session, Role.PLACE, [team_place])
                    shown = telling.preview_notice(session, decision, team).fingerprint
                    telling.tell_contributors(session, decision, team, told_at, shown)
        session.flush()
        figures = measures.measures(session, observer, now)
    assert (figures.median_days, figures.share_told) == _recount(session, now)
    session.rollback()


@pytest.fixture
def surveyed(session, now):
    user = make_staff(session, Role.COMMS)
    survey = closed_survey(session, now)[0]
    session.commit()
    return user, survey
