"""Merging two records of one person and undoing it: every response kept exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.auth.models import Role
from panel.duplicates.member_data import merges_section
from panel.duplicates.merging import (
    MergeError,
    merge_members,
    purge_merged_records,
    undo_merge,
)
from panel.duplicates.models import MergeStatus
from panel.members.models import ConsentKind, ConsentRecord, EqualityProfile, Member, MemberStatus
from panel.segments.models import ContactKind, MemberContact
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse
from surveys.services import authoring
from tests.factories import make_member, make_staff
from tests.surveys.helpers import plan

#: for each survey, what each record had: not invited, invited, started, or sent.
STATES = st.sampled_from(["none", "invited", "started", "sent"])
_SURVEYS: dict[int, list[int]] = {}


def _surveys(session, now, n=3):
    author = make_staff(session, Role.COMMS)
    return [authoring.create_survey(session, author, plan(), now).id for _ in range(n)]


def _give(session, member, survey_id, state, at):
    if state == "none":
        return
    invitation = Invitation(survey_id=survey_id, member_id=member.id, invited_at=at)
    session.add(invitation)
    session.flush()
    if state in ("started", "sent"):
        session.add(
            SurveyResponse(
                survey_id=survey_id,
                invitation_id=invitation.id,
                status=ResponseStatus.SUBMITTED if state == "sent" else ResponseStatus.IN_PROGRESS,
                started_at=at,
                updated_at=at,
                submitted_at=at if state == "sent" else None,
            )
        )
    session.flush()


def _state(session, members):
    """Every row that follows a member, as (table, id, owner, status) facts."""
    ids = [m.id for m in members]
    invitations = session.execute(
        sa.select(Invitation.id, Invitation.member_id).where(Invitation.member_id.in_(ids))
    ).all()
    responses = session.execute(
        sa.select(SurveyResponse.id, Invitation.member_id, SurveyResponse.status)
        .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
        .where(Invitation.member_id.in_(ids))
    ).all()
    consents = session.execute(
        sa.select(ConsentRecord.id, ConsentRecord.member_id).where(ConsentRecord.member_id.in_(ids))
    ).all()
    details = [(m.id, m.email, m.first_name, m.last_name, m.postcode, m.status) for m in members]
    return sorted(invitations), sorted(responses), sorted(consents), details


def _counted(session, members, survey_id) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(SurveyResponse)
        .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
        .where(
            SurveyResponse.survey_id == survey_id,
            SurveyResponse.status == ResponseStatus.SUBMITTED,
            Invitation.member_id.in_([m.id for m in members]),
        )
    )


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    plans=st.lists(st.tuples(STATES, STATES), min_size=3, max_size=3),
    later_sent_first=st.booleans(),
)
def test_merge_and_undo_keep_every_response_exactly_once(session, now, plans, later_sent_first):
    # The fixtures' database lives across the examples: make the surveys once per database.
    survey_ids = _SURVEYS.get(id(session)) or _SURVEYS.setdefault(
        id(session), _surveys(session, now)
    )
    comms = make_staff(session, Role.COMMS)
    older = make_member(session, first_name="Robert", joined_at=now - timedelta(days=400))
    newer = make_member(session, first_name="Bob", joined_at=now - timedelta(days=10))
    for survey_id, (older_state, newer_state) in zip(survey_ids, plans, strict=True):
        older_at = now - timedelta(days=5 if later_sent_first else 2)
        newer_at = now - timedelta(days=2 if later_sent_first else 5)
        _give(session, older, survey_id, older_state, older_at)
        _give(session, newer, survey_id, newer_state, newer_at)
    before = _state(session, [older, newer])
    all_responses = {r[0] for r in before[1]}

    merge = merge_members(session, comms, newer, older, now)

    assert merge.kept_member_id == older.id  # the earliest join date stays
    assert newer.status is MemberStatus.MERGED
    for survey_id, (older_state, newer_state) in zip(survey_ids, plans, strict=True):
        sent = "sent" in (older_state, newer_state)
        # One person: at most one counted response per survey, and it is the kept record's.
        assert _counted(session, [older, newer], survey_id) == (1 if sent else 0)
        assert _counted(session, [older], survey_id) == (1 if sent else 0)
        if "none" not in (older_state, newer_state) or older_state != newer_state:
            invited = session.scalar(
                sa.select(sa.func.count()).where(
                    Invitation.survey_id == survey_id, Invitation.member_id == older.id
                )
            )
            assert invited == (0 if older_state == newer_state == "none" else 1)
    after = _state(session, [older, newer])
    assert {r[0] for r in after[1]} == all_responses  # nothing deleted

    undo_merge(session, comms, merge, now + timedelta(days=29))
    session.expire_all()
    assert _state(session, [older, newer]) == before
    assert merge.status is MergeStatus.UNDONE


def test_merge_takes_the_latest_details_the_union_of_consents_and_is_audited(session, now):
    comms = make_staff(session, Role.COMMS)
    older = make_member(
        session,
        first_name="Kate",
        last_name="Holmes",
        email="kate.h@example.com",
        joined_at=now - timedelta(days=700),
        created_at=now - timedelta(days=700),
        tracking_consent=True,
    )
    newer = make_member(
        session,
        first_name="Catherine",
        last_name="Holmes",
        email="cath.holmes@example.org",
        postcode="FY2 0AA",
        joined_at=now - timedelta(days=3),
        created_at=now - timedelta(days=3),
        equality=EqualityProfile(sex="female", updated_at=now - timedelta(days=3)),
        paused_until=now + timedelta(days=60),
    )
    for member, at, consent in ((older, 700, True), (newer, 3, False)):
        session.add(
            ConsentRecord(
                member_id=member.id,
                kind=ConsentKind.TRACKING,
                given=consent,
                wording_version="v1",
                method="join form",
                at=now - timedelta(days=at),
            )
        )
    session.add(MemberContact(member_id=newer.id, kind=ContactKind.SURVEY_INVITATION, at=now))
    session.flush()

    merge = merge_members(session, comms, older, newer, now)
    session.flush()

    assert (older.first_name, older.email, older.postcode) == (
        "Catherine",
        "cath.holmes@example.org",
        "FY2 0AA",
    )
    assert older.joined_at == now - timedelta(days=700)
    assert older.equality.sex == "female"
    assert older.paused_until == now + timedelta(days=60)  # limits on contact from either
    assert older.tracking_consent is False  # the latest tracking choice, across both
    assert (
        len(
            session.scalars(
                sa.select(ConsentRecord).where(ConsentRecord.member_id == older.id)
            ).all()
        )
        == 2
    )
    assert newer.email is None and newer.first_name == "Catherine"  # kept, not deleted
    assert merges_section(session, older)[1][0]["status"] == "merged"
    audit = session.execute(sa.text("select action, object_ids from audit_events")).all()
    assert ("members.merge", f"{older.id},{newer.id}") in audit

    undo_merge(session, comms, merge, now + timedelta(days=1))
    assert (older.first_name, older.email, older.postcode) == (
        "Kate",
        "kate.h@example.com",
        "FY1 1AA",
    )
    assert older.equality is None and older.tracking_consent is True
    assert newer.email == "cath.holmes@example.org" and newer.status is MemberStatus.ACTIVE


def test_undo_is_refused_after_30_days_and_the_retention_job_then_erases_the_merged_record(
    session, now
):
    comms = make_staff(session, Role.COMMS)
    older = make_member(session, joined_at=now - timedelta(days=90))
    newer = make_member(session, joined_at=now - timedelta(days=9))
    merge = merge_members(session, comms, older, newer, now)
    assert purge_merged_records(session, now + timedelta(days=29)) == 0
    later = now + timedelta(days=30)
    with pytest.raises(MergeError):
        undo_merge(session, comms, merge, later)
    assert purge_merged_records(session, later) == 1
    assert purge_merged_records(session, later) == 0  # safe to run twice
    assert newer.status is MemberStatus.LEFT and newer.first_name is None
    assert merge.status is MergeStatus.PURGED and "kept_before" not in merge.moves
    assert older.status is MemberStatus.ACTIVE


def test_only_two_active_different_members_can_be_merged(session, now):
    member = make_member(session)
    pending = make_member(session, status=MemberStatus.PENDING)
    with pytest.raises(MergeError):
        merge_members(session, None, member, member, now)
    with pytest.raises(MergeError):
        merge_members(session, None, member, pending, now)
    assert session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2
