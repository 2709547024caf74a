"""Inviting a fair selection or a segment to an event through the check page, and reserves
invited in order, within their stratum, as people decline (issue 25 point 2)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mailer.models import OutboundEmail
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.extensions import db
from panel.members.mail_check import AudienceChanged
from panel.members.models import EqualityProfile, Member
from panel.segments import definition as definitions
from panel.segments.models import ContactKind, FairSelection, MemberContact, Segment
from surveys.engagement_events import replies
from surveys.engagement_events.invite_checks import (
    EventInviteError,
    invite_checked,
    preview_event_invitation,
)
from surveys.engagement_events.models import EventInvitation, InvitationState
from surveys.engagement_events.reserves import strata_short_of_reserves
from tests.factories import make_member, make_staff, place
from tests.surveys.event_helpers import make_event


def _people(session, sexes, code="blackpool"):
    return [make_member(session, code, equality=EqualityProfile(sex=sex)).id for sex in sexes]


def _selection(session, chosen, sexes_in_pool=("female",) * 3 + ("male",) * 3, seed=7):
    """A Blackpool segment, a selection of ``chosen`` from it on sex, and reserves in the pool."""
    segment = Segment(
        name="Blackpool people",
        place=place(session, "blackpool"),
        definition=definitions.empty_definition(),
    )
    session.add(segment)
    session.flush()
    selected = _people(session, chosen)
    pool = _people(session, sexes_in_pool)
    selection = FairSelection(
        segment_id=segment.id,
        number_wanted=len(selected),
        seed=seed,
        features=["sex"],
        member_ids=selected,
        report={"all_met": True, "messages": []},
    )
    session.add(selection)
    session.flush()
    return segment, selection, selected, pool


def _event(session, now):
    return make_event(session, now, place_id=place(session, "blackpool").id)


def _invitations(session, event, state):
    return session.scalars(
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event.id, EventInvitation.state == state)
        .order_by(EventInvitation.reserve_rank, EventInvitation.id)
    ).all()


def _invite_selection(session, now, comms, chosen=("female", "male"), **kwargs):
    segment, selection, selected, pool = _selection(session, list(chosen), **kwargs)
    event = _event(session, now)
    check = preview_event_invitation(session, event, comms, now, selection=selection)
    invite_checked(session, event, comms, check.mail.fingerprint, now, selection=selection)
    return event, selection, selected, pool


def test_a_selection_is_invited_with_its_strata_and_its_reserves_kept_in_order(session, now):
    comms = make_staff(session, Role.COMMS)
    segment, selection, selected, pool = _selection(session, ["female", "male"])
    event = _event(session, now)

    check = preview_event_invitation(session, event, comms, now, selection=selection)
    assert (check.mail.recipients, check.audience, check.already) == (2, 2, 0)
    assert check.reserves == 6 and check.mail.by_place == [("Blackpool", 2)]
    outcome = invite_checked(
        session, event, comms, check.mail.fingerprint, now, selection=selection
    )

    assert (outcome.invited, outcome.reserves) == (2, 6)
    invited = _invitations(session, event, InvitationState.INVITED)
    assert sorted(i.member_id for i in invited) == sorted(selected)
    assert sorted(i.stratum for i in invited) == ["Sex: Female", "Sex: Male"]
    reserves = _invitations(session, event, InvitationState.RESERVE)
    assert sorted(r.member_id for r in reserves) == sorted(pool)
    assert [r.reserve_rank for r in reserves] == [1, 2, 3, 4, 5, 6]
    assert all(r.invited_at is None for r in reserves)
    assert event.selection_id == selection.id
    emails = session.scalars(sa.select(OutboundEmail.kind)).all()
    assert emails == ["event_invitation", "event_invitation"]
    contacts = session.scalars(sa.select(MemberContact.kind)).all()
    assert contacts == [ContactKind.EVENT_INVITATION] * 2
    audits = dict(session.execute(sa.select(AuditEvent.action, AuditEvent.detail)).all())
    assert audits["event.invite_confirmed"] == "2 recipients"
    assert audits["event.invite"] == f"2 invited from selection {selection.id}; 6 reserves kept"


def test_the_check_leaves_out_caps_pauses_unsubscribes_and_people_already_invited(session, now):
    comms = make_staff(session, Role.COMMS)
    segment = Segment(name="Everyone", place=None, definition=definitions.empty_definition())
    session.add(segment)
    event = _event(session, now)
    make_member(session), make_member(session)
    make_member(session, paused_until=now + timedelta(days=5))
    make_member(session, unsubscribed_at=now)
    capped = make_member(session)
    for days in (1, 2):
        session.add(
            MemberContact(
                member_id=capped.id,
                kind=ContactKind.SURVEY_INVITATION,
                reference_id=1,
                at=now - timedelta(days=days),
            )
        )
    already = make_member(session)
    session.add(
        EventInvitation(
            event_id=event.id, member_id=already.id, state=InvitationState.INVITED, reply_nonce="x"
        )
    )
    make_member(session, "lancashire")  # not in the event's place
    session.flush()

    check = preview_event_invitation(session, event, comms, now, segment=segment)

    assert (check.audience, check.already, check.not_contactable) == (6, 1, 3)
    assert check.mail.recipients == 2 and check.reserves == 0
    assert "You are invited: Diabetes care workshop" in check.mail.email.subject


def test_a_changed_audience_or_a_closed_event_sends_nothing(session, now):
    comms = make_staff(session, Role.COMMS)
    segment, selection, _selected, _pool = _selection(session, ["female", "male"])
    event = _event(session, now)
    check = preview_event_invitation(session, event, comms, now, selection=selection)
    make_member(session, unsubscribed_at=now)
    selection.member_ids = [*selection.member_ids[:1]]
    session.flush()
    with pytest.raises(AudienceChanged):
        invite_checked(session, event, comms, check.mail.fingerprint, now, selection=selection)
    with pytest.raises(EventInviteError, match="closed"):
        preview_event_invitation(session, event, comms, event.replies_close_at, segment=segment)
    assert session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 0


def test_a_decline_invites_the_next_reserve_of_the_same_stratum_until_none_is_left(session, now):
    comms = make_staff(session, Role.COMMS)
    event, _selection_, selected, pool = _invite_selection(
        session, now, comms, sexes_in_pool=("female", "male", "male")
    )
    woman = session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.member_id == selected[0]
        )
    )
    reserve_woman = _invitations(session, event, InvitationState.RESERVE)
    reserve_woman = [r for r in reserve_woman if r.stratum == "Sex: Female"][0]

    replies.reply(session, woman, replies.ReplyFields(coming=False), now)

    session.refresh(reserve_woman)
    assert reserve_woman.state is InvitationState.INVITED and reserve_woman.invited_at == now
    assert [r.stratum for r in _invitations(session, event, InvitationState.RESERVE)] == [
        "Sex: Male",
        "Sex: Male",
    ]
    assert session.scalars(sa.select(OutboundEmail.kind)).all().count("event_invitation") == 3
    assert strata_short_of_reserves(session, event) == []

    # The reserve says yes, then gives up the place: no woman is left to invite.
    replies.reply(session, reserve_woman, replies.ReplyFields(coming=True), now)
    replies.reply(session, reserve_woman, replies.ReplyFields(coming=False), now)
    short = strata_short_of_reserves(session, event)
    assert [(s.stratum, s.not_replaced) for s in short] == [("Sex: Female", 1)]
    assert len(_invitations(session, event, InvitationState.RESERVE)) == 2


def test_a_paused_reserve_is_passed_over_and_a_segment_invitee_brings_no_reserve(session, now):
    comms = make_staff(session, Role.COMMS)
    event, _sel, selected, pool = _invite_selection(
        session, now, comms, chosen=("female",), sexes_in_pool=("female", "female")
    )
    first, second = [r for r in _invitations(session, event, InvitationState.RESERVE)]
    session.get(Member, first.member_id).paused_until = now + timedelta(days=9)
    chosen = _invitations(session, event, InvitationState.INVITED)[0]
    replies.reply(session, chosen, replies.ReplyFields(coming=False), now)
    session.refresh(first), session.refresh(second)
    assert (first.state, second.state) == (InvitationState.RESERVE, InvitationState.INVITED)

    plain = EventInvitation(
        event_id=event.id,
        member_id=make_member(session).id,
        state=InvitationState.INVITED,
        reply_nonce="y",
    )
    session.add(plain)
    session.flush()
    replies.reply(session, plain, replies.ReplyFields(coming=False), now)
    session.refresh(first)
    assert first.state is InvitationState.RESERVE


def test_two_declines_at_the_same_instant_invite_two_different_reserves(app, session, now):
    comms = make_staff(session, Role.COMMS)
    rounds = []
    for _ in range(5):
        event, _sel, _selected, _pool = _invite_selection(
            session, now, comms, chosen=("female", "female"), sexes_in_pool=("female",) * 3
        )
        rounds.append((event.id, [i.id for i in _invitations(session, event, "invited")]))
    session.commit()

    def decline(invitation_id, barrier):
        with app.app_context():
            try:
                invitation = db.session.get(EventInvitation, invitation_id)
                assert invitation.event.selection_id is not None  # loaded before the race
                barrier.wait()
                replies.reply(db.session, invitation, replies.ReplyFields(coming=False), now)
                db.session.commit()
            except sa.exc.OperationalError:
                db.session.rollback()  # SQLite's lock timeout: this reply did not happen
            finally:
                db.session.remove()

    for _event_id, racers in rounds:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=decline, args=(r, barrier)) for r in racers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    session.expire_all()
    for event_id, racers in rounds:
        declined = session.scalar(
            sa.select(sa.func.count()).where(
                EventInvitation.id.in_(racers), EventInvitation.state == InvitationState.DECLINED
            )
        )
        brought_in = session.scalars(
            sa.select(EventInvitation.id).where(
                EventInvitation.event_id == event_id,
                EventInvitation.reserve_rank.is_not(None),
                EventInvitation.state == InvitationState.INVITED,
            )
        ).all()
        assert len(brought_in) == declined >= 1, event_id
        keys = [f"event-invitation:{invitation_id}" for invitation_id in brought_in]
        emailed = session.scalar(
            sa.select(sa.func.count(OutboundEmail.id)).where(
                OutboundEmail.idempotency_key.in_(keys)
            )
        )
        assert emailed == len(brought_in), event_id


def test_organisers_check_then_send_from_the_event_page(client, session, login_as, now):
    team = make_staff(session, Role.PLACE, places=["blackpool"])
    _segment, selection, selected, _pool = _selection(session, ["female", "male"])
    event = make_event(
        session,
        now,
        place_id=place(session, "blackpool").id,
        starts_at=now + timedelta(days=400),
        ends_at=now + timedelta(days=400, hours=2),
        replies_close_at=now + timedelta(days=300),
    )
    session.commit()
    login_as(team)

    detail = client.get(f"/staff/events/{event.id}")
    assert "Check the invitation to this selection" in detail.text
    check_url = f"/staff/events/{event.id}/invite?selection={selection.id}"
    page = client.get(check_url)
    assert page.status_code == 200
    assert "2 people will get this email" in page.text and "Reserves kept in order" in page.text
    assert session.scalar(sa.select(sa.func.count(EventInvitation.id))) == 0  # a GET never writes
    expected = page.text.rsplit('name="expected" value="', 1)[1].split('"', 1)[0]

    sent = client.post(check_url, data={"expected": expected})
    assert sent.status_code == 302
    assert len(_invitations(session, event, InvitationState.INVITED)) == 2
    again = client.get(f"/staff/events/{event.id}")
    assert "2 people invited; 6 reserves kept in order" in again.text


@pytest.mark.parametrize(
    "query", ["", "?selection=abc", "?selection=999999", "?segment=-1", "?segment=99999999999999"]
)
def test_a_missing_or_bad_source_is_a_404_never_a_500(client, session, login_as, now, query):
    event = _event(session, now)
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    assert client.get(f"/staff/events/{event.id}/invite{query}").status_code == 404


def test_another_place_team_cannot_invite_to_the_event(client, session, login_as, now):
    _segment, selection, _selected, _pool = _selection(session, ["female"])
    event = _event(session, now)
    login_as(make_staff(session, Role.PLACE, places=["lancashire"]))
    session.commit()
    assert (
        client.get(f"/staff/events/{event.id}/invite?selection={selection.id}").status_code == 404
    )
