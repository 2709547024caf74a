"""Sending bulletins: who is left out, batches through the real sendgrid client against the
fake server, failures, retries, message hygiene and the scheduler's claim."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mailer.bulletins.models import (
    BatchState,
    BulletinBatch,
    BulletinRecipient,
    BulletinStatus,
    RecipientState,
)
from mailer.bulletins.services import audience
from mailer.bulletins.services.schedule import claim_bulletin
from mailer.bulletins.services.send import dispatch_due_bulletins, resend_unresolved, run_send
from mailer.models import SuppressionReason
from mailer.suppression import suppress
from panel.auth.models import Role
from tests.factories import make_member, make_staff
from tests.fakes.fake_sendgrid import FakeSendGrid
from tests.mailer.bulletin_helpers import make_bulletin, make_due, make_members


@pytest.fixture
def fake():
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def app_config(tmp_path, fake):
    return {
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        **fake.app_config(),
        "BULLETIN_RETRY_DELAYS": (0.01, 0.01, 0.01),
    }


def _ledger(session, bulletin_id):
    return dict(
        session.execute(
            sa.select(BulletinRecipient.member_id, BulletinRecipient.state).where(
                BulletinRecipient.bulletin_id == bulletin_id
            )
        ).all()
    )


def test_recipient_list_leaves_out_everyone_who_must_not_be_emailed(session, now):
    from panel.members.models import MemberStatus

    comms = make_staff(session, Role.COMMS)
    included = make_members(session, 3)
    pending = make_member(session, status=MemberStatus.PENDING)
    left = make_member(session, status=MemberStatus.LEFT, email=None)
    unsubscribed = make_member(session, unsubscribed_at=now)
    paused = make_member(session, bulletin_paused_until=now + timedelta(days=30))
    # Pausing survey invitations never stops the bulletin (issue 19): this member gets it.
    invitations_paused = make_member(session, paused_until=now + timedelta(days=30))
    # A bulletin pause that has ended no longer keeps anyone out.
    pause_over = make_member(session, bulletin_paused_until=now - timedelta(days=1))
    bounced = make_member(session)
    complained = make_member(session)
    suppress(session, bounced.email, SuppressionReason.BOUNCED, now)
    suppress(session, complained.email, SuppressionReason.COMPLAINED, now)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()

    assert claim_bulletin(session, bulletin.id, "w1", now)

    ledger = _ledger(session, bulletin.id)
    assert set(ledger) == {m.id for m in included} | {invitations_paused.id, pause_over.id}
    assert bulletin.audience_count == 11 and bulletin.recipient_count == 5
    assert bulletin.exclusions == {
        "pending": 1,
        "left": 1,
        "unsubscribed": 1,
        "paused": 1,
        "bounced": 1,
        "complained": 1,
    }
    assert {pending.id, left.id, unsubscribed.id, paused.id} & set(ledger) == set()


def test_place_team_bulletin_reaches_only_its_own_places(session, now):
    place_user = make_staff(session, Role.PLACE, places=["blackpool"])
    own = make_members(session, 2, "blackpool")
    make_members(session, 2, "blackburn-with-darwen")
    bulletin = make_bulletin(session, now, place_user, place_id=own[0].place_id)
    make_due(session, bulletin, place_user, now)
    session.commit()

    assert claim_bulletin(session, bulletin.id, "w1", now)
    assert set(_ledger(session, bulletin.id)) == {m.id for m in own}


def test_place_team_cannot_widen_the_audience_by_forging_the_bulletins_place(session, now):
    place_user = make_staff(session, Role.PLACE, places=["blackpool"])
    make_members(session, 2, "blackburn-with-darwen")
    bulletin = make_bulletin(session, now, make_staff(session, Role.COMMS))
    # Even a whole-panel bulletin scheduled by a place user is cut to that user's places.
    make_due(session, bulletin, place_user, now)
    session.commit()

    counts = audience.count_audience(session, bulletin, place_user, now)
    assert counts["total"] == 0


def test_send_hands_every_recipient_to_sendgrid_once_with_headers_and_text(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    members = make_members(session, 5, first_name="Ann <b>&")
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()

    assert dispatch_due_bulletins(session, now) == 1

    accepted = fake.accepted
    assert sorted(a.to_email for a in accepted) == sorted(m.email for m in members)
    for message in accepted:
        assert message.headers["List-Unsubscribe"].startswith("<http://panel.test/unsubscribe/")
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.content_types == ("text/plain", "text/html")
        assert set(message.custom_args) == {"bulletin_id", "recipient_id"}
        # The text part reads as typed but carries no tag (quality bar 7): < and > stay escaped.
        assert message.substitutions["-first_name-"] == "Ann &lt;b&gt;&"
        assert message.substitutions["-first_name_html-"] == "Ann &lt;b&gt;&amp;"
        assert "/s/" in message.substitutions[next(k for k in message.substitutions if "link" in k)]
    session.expire_all()
    assert bulletin.status is BulletinStatus.SENT
    assert set(_ledger(session, bulletin.id).values()) == {RecipientState.ACCEPTED}


def test_the_email_body_carries_the_unsubscribe_link_and_tags_not_names(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 1)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    session.refresh(bulletin)
    assert 'href="-unsubscribe_url-"' in bulletin.frozen_html
    assert "-unsubscribe_url-" in bulletin.frozen_text
    assert "-first_name_html-" in bulletin.frozen_html and "First" not in bulletin.frozen_html


def test_a_rejected_batch_is_failed_with_the_providers_message(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    fake.fail_next(1, status=400)

    dispatch_due_bulletins(session, now)

    batch = session.scalar(sa.select(BulletinBatch))
    assert batch.state is BatchState.FAILED
    assert "400" in batch.error
    assert set(_ledger(session, bulletin.id).values()) == {RecipientState.FAILED}
    assert fake.accepted == []


def test_a_rate_limited_batch_is_retried_and_accepted(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    fake.fail_next(2, status=429, retry_after=0)

    dispatch_due_bulletins(session, now)

    batch = session.scalar(sa.select(BulletinBatch))
    assert batch.state is BatchState.ACCEPTED and batch.attempts == 3
    assert len(fake.accepted) == 3
    assert set(_ledger(session, bulletin.id).values()) == {RecipientState.ACCEPTED}


def test_a_dropped_answer_is_unknown_and_resent_only_when_a_person_asks(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    fake.drop_next(1)

    dispatch_due_bulletins(session, now)
    assert set(_ledger(session, bulletin.id).values()) == {RecipientState.UNKNOWN}
    dispatch_due_bulletins(session, now + timedelta(hours=1))
    assert len(fake.accepted) == 3  # nothing was sent again on its own

    resend_unresolved(session, bulletin, comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    assert len(fake.accepted) == 6
    assert set(_ledger(session, bulletin.id).values()) == {RecipientState.ACCEPTED}


def test_batches_hold_at_most_a_thousand_and_resume_after_a_crash(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 25)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    assert claim_bulletin(session, bulletin.id, "w1", now)

    class Crash(Exception):
        pass

    def crash_after_second_mark(name, calls=[]):  # noqa: B006
        calls.append(name)
        if calls.count("marked") == 2:
            raise Crash()

    with pytest.raises(Crash):
        run_send(
            session,
            bulletin.id,
            _sender(),
            "w1",
            clock=lambda: now,
            batch_size=10,
            hazard=crash_after_second_mark,
        )
    session.rollback()
    later = now + timedelta(hours=1)
    assert claim_bulletin(session, bulletin.id, "w2", later)
    run_send(session, bulletin.id, _sender(), "w2", clock=lambda: later, batch_size=10)

    states = list(_ledger(session, bulletin.id).values())
    assert states.count(RecipientState.ACCEPTED) == 15
    assert states.count(RecipientState.UNKNOWN) == 10
    assert len(fake.accepted) == 15
    assert len({a.to_email for a in fake.accepted}) == 15


def _sender():
    from mailer.bulletins.services.send import bulletin_sender

    return bulletin_sender()


def test_an_unsubscribe_after_the_list_is_fixed_means_no_email(session, now, fake):
    from panel.members.services.member_area import unsubscribe

    comms = make_staff(session, Role.COMMS)
    stays, goes = make_members(session, 2)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    assert claim_bulletin(session, bulletin.id, "w1", now)
    unsubscribe(session, goes, now, "unsubscribe link")
    session.commit()

    run_send(session, bulletin.id, _sender(), "w1", clock=lambda: now)

    assert [a.to_email for a in fake.accepted] == [stays.email]
    assert _ledger(session, bulletin.id)[goes.id] is RecipientState.SKIPPED


def test_two_schedulers_racing_for_one_due_bulletin_claim_it_once(app, session, now):
    from panel.extensions import db

    comms = make_staff(session, Role.COMMS)
    make_members(session, 20)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    bulletin_id = bulletin.id
    results = []
    barrier = threading.Barrier(2)

    def race(worker):
        with app.app_context():
            barrier.wait()
            try:
                results.append(claim_bulletin(db.session, bulletin_id, worker, now))
            except sa.exc.OperationalError:
                results.append(False)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert session.scalar(sa.select(sa.func.count()).select_from(BulletinRecipient)) == 20


def test_many_races_of_two_schedulers_each_claim_once(app, session, now):
    from panel.extensions import db

    comms = make_staff(session, Role.COMMS)
    make_members(session, 3)
    session.commit()
    for race_number in range(25):
        bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
        session.commit()
        bulletin_id, results = bulletin.id, []
        barrier = threading.Barrier(2)

        def race(worker, bulletin_id=bulletin_id, results=results, barrier=barrier):
            with app.app_context():
                barrier.wait()
                try:
                    results.append(claim_bulletin(db.session, bulletin_id, worker, now))
                except sa.exc.OperationalError:
                    results.append(False)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=race, args=(f"r{race_number}w{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True], race_number


def test_a_send_missed_while_the_scheduler_was_down_runs_on_return_and_says_late(
    session, now, fake, client, login_as
):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 2)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    back = now + timedelta(minutes=42)  # the scheduler's first run after it came back
    assert dispatch_due_bulletins(session, back) == 1
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.SENT and len(fake.accepted) == 2
    assert bulletin.late_seconds == 42 * 60 + 1  # due a second before "now"
    login_as(comms)
    assert "minutes late" in client.get(f"/staff/bulletins/{bulletin.id}").text


def test_a_send_on_time_is_not_called_late(session, now, fake):
    comms = make_staff(session, Role.COMMS)
    make_members(session, 1)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    dispatch_due_bulletins(session, now + timedelta(seconds=20))
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.SENT and bulletin.late_seconds == 0
