"""Bulletin pages through the client: editing with sanitising, scheduling across clock changes,
place isolation, test sends, contributions and the view-in-browser page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from mailer.bulletins.models import Bulletin, BulletinStatus, ContributionStatus
from mailer.bulletins.rendering import view_token
from mailer.bulletins.services.schedule import claim_bulletin
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.local_time import AmbiguousTime, NonExistentTime, resolve_local_time
from tests.factories import make_staff, place
from tests.mailer.bulletin_helpers import confirm_fields, make_bulletin, make_due, make_members


def test_spring_forward_gap_does_not_exist():
    with pytest.raises(NonExistentTime):
        resolve_local_time(date(2027, 3, 28), time(1, 30), "Europe/London")


def test_fall_back_overlap_needs_a_choice_and_each_choice_is_its_own_instant():
    with pytest.raises(AmbiguousTime):
        resolve_local_time(date(2026, 10, 25), time(1, 30), "Europe/London")
    first = resolve_local_time(date(2026, 10, 25), time(1, 30), "Europe/London", fold=0)
    second = resolve_local_time(date(2026, 10, 25), time(1, 30), "Europe/London", fold=1)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_summer_time_is_stored_as_utc():
    instant = resolve_local_time(date(2027, 6, 1), time(9, 0), "Europe/London")
    assert instant == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)


def _schedule(client, bulletin, day, at, **extra):
    return client.post(
        f"/staff/bulletins/{bulletin.id}/schedule",
        data={"when": "later", "send_date": day, "send_time": at, **extra},
    )


def test_schedule_page_rejects_a_missing_hour_and_asks_about_a_repeated_one(
    session, client, login_as, now
):
    comms = login_as(make_staff(session, Role.COMMS))
    bulletin = make_bulletin(session, now, comms)
    make_members(session, 3)
    session.commit()

    gap = _schedule(client, bulletin, "2027-03-28", "01:30")
    assert gap.status_code == 200
    assert "clocks go forward" in gap.text

    overlap = _schedule(client, bulletin, "2027-10-31", "01:30")
    assert "happens twice" in overlap.text and "The second time (GMT)" in overlap.text

    chosen = _schedule(client, bulletin, "2027-10-31", "01:30", fold="1")
    assert chosen.status_code == 302
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.DRAFT  # not yet: the check page confirms it
    check = client.get(chosen.location)
    assert "Sunday 31 October 2027" in check.text or "31 October 2027" in check.text
    client.post(f"/staff/bulletins/{bulletin.id}/send", data=confirm_fields(check.text))
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.SCHEDULED
    assert bulletin.send_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert session.query(AuditEvent).filter_by(action="bulletin.schedule").count() == 1


def test_editor_sanitises_markdown_and_refuses_images_without_alt_text(
    session, client, login_as, now
):
    comms = login_as(make_staff(session, Role.COMMS))
    bulletin = make_bulletin(session, now, comms)
    session.commit()

    refused = client.post(
        f"/staff/bulletins/{bulletin.id}/edit",
        data={"title": "News", "intro": "![](https://example.org/a.png)"},
    )
    assert "alt text" in refused.text

    client.post(
        f"/staff/bulletins/{bulletin.id}/edit",
        data={
            "title": "News",
            "intro": "<script>alert(1)</script> [here](javascript:alert(1)) [click here](https://x.org)",
        },
    )
    page = client.get(f"/staff/bulletins/{bulletin.id}/preview")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and 'href="javascript' not in page.text
    assert "does not say where it goes" in page.text


def test_place_team_gets_404_for_another_places_bulletin(session, client, login_as, now):
    other = make_bulletin(
        session,
        now,
        make_staff(session, Role.COMMS),
        place_id=place(session, "blackburn-with-darwen").id,
    )
    whole = make_bulletin(session, now, make_staff(session, Role.COMMS))
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    for bulletin in (other, whole):
        assert client.get(f"/staff/bulletins/{bulletin.id}").status_code == 404
        assert (
            client.post(
                f"/staff/bulletins/{bulletin.id}/control", data={"action": "cancel"}
            ).status_code
            == 404
        )
    assert other.title not in client.get("/staff/bulletins/").text


def test_test_send_goes_through_the_queue_to_the_staff_member(
    session, client, login_as, now, outbox
):
    comms = login_as(make_staff(session, Role.COMMS, name="Priya Shah"))
    bulletin = make_bulletin(session, now, comms)
    session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/test-send")
    (message,) = outbox()
    assert message.to_email == comms.email
    assert "Hello Priya" in message.text_body and "Hello Priya" in message.html_body


def test_cancel_and_pause_are_audited_and_follow_the_states(session, client, login_as, now):
    comms = login_as(make_staff(session, Role.COMMS))
    make_members(session, 2)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    assert claim_bulletin(session, bulletin.id, "w1", now)
    client.post(f"/staff/bulletins/{bulletin.id}/control", data={"action": "pause"})
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.PAUSED
    client.post(f"/staff/bulletins/{bulletin.id}/control", data={"action": "cancel"})
    session.refresh(bulletin)
    assert bulletin.status is BulletinStatus.CANCELLED
    actions = {e.action for e in session.query(AuditEvent)}
    assert {"bulletin.pause", "bulletin.cancel"} <= actions
    page = client.get(f"/staff/bulletins/{bulletin.id}")
    assert "Not sent (cancelled)" in page.text


def test_contributors_see_the_status_after_comms_places_their_item(session, client, login_as, now):
    contributor = login_as(make_staff(session, Role.OBSERVER))
    session.commit()
    client.post(
        "/staff/bulletins/contributions",
        data={"kind": "event", "title": "Drop-in at Morecambe library", "body": "Come along."},
    )
    comms = login_as(make_staff(session, Role.COMMS))
    bulletin = make_bulletin(session, now, comms)
    session.commit()
    from mailer.bulletins.models import BulletinItem

    item = session.query(BulletinItem).filter_by(contributed_by_id=contributor.id).one()
    response = client.post(
        f"/staff/bulletins/contributions/{item.id}",
        data={
            "kind": "event",
            "title": "Drop-in at Morecambe Library",
            "body": "Come along on Tuesday.",
            "decision": "place",
            "bulletin_id": bulletin.id,
        },
    )
    assert response.status_code == 302
    session.refresh(item)
    assert item.contribution_status is ContributionStatus.PLACED and item.bulletin_id == bulletin.id
    login_as(contributor)
    assert "Placed" in client.get("/staff/bulletins/contributions").text


def test_view_in_browser_shows_the_sent_bulletin_without_personal_links(session, client, now):
    comms = make_staff(session, Role.COMMS)
    (member,) = make_members(session, 1)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    assert claim_bulletin(session, bulletin.id, "w1", now)
    page = client.get(f"/bulletins/view/{view_token(bulletin)}")
    assert page.status_code == 200
    assert "Tell us about maternity care" in page.text
    assert "{token}" not in page.text and member.first_name not in page.text
    assert client.get("/bulletins/view/forged").status_code == 404


def test_draft_bulletins_are_not_viewable_in_the_browser(session, client, now):
    bulletin = make_bulletin(session, now)
    session.commit()
    assert isinstance(bulletin, Bulletin)
    assert client.get(f"/bulletins/view/{view_token(bulletin)}").status_code == 404
