"""Bulletin figures on a small fixture worked out by hand: people against machines, the
consenting base, places, links, bounces, complaints, unsubscribes, the CSV and who sees what."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mailer.bulletins.models import BulletinBatch, BulletinRecipient
from mailer.bulletins.services.send import dispatch_due_bulletins
from mailer.events.models import EmailEvent
from mailer.tracking import stats
from mailer.tracking.models import BulletinLink, TrackingHit
from panel.audit.models import AuditEvent
from panel.auth.models import Role
from tests.factories import make_member, make_staff, place
from tests.mailer.bulletin_helpers import make_bulletin, make_due

_ids = itertools.count(1)


@pytest.fixture
def sent(session, now):
    """Blackpool B1-B8 (B1-B5 consent), South Cumbria S1-S4 (S1-S3 consent); all accepted."""
    comms = make_staff(session, Role.COMMS)
    people = {}
    for code, prefix, count, consenting in (("blackpool", "B", 8, 5), ("south-cumbria", "S", 4, 3)):
        for n in range(1, count + 1):
            people[f"{prefix}{n}"] = make_member(session, code, tracking_consent=n <= consenting)
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    recipient = {
        name: session.scalar(
            sa.select(BulletinRecipient.id).where(
                BulletinRecipient.bulletin_id == bulletin.id,
                BulletinRecipient.member_id == member.id,
            )
        )
        for name, member in people.items()
    }
    accepted_at = session.scalar(
        sa.select(BulletinBatch.finished_at).where(BulletinBatch.bulletin_id == bulletin.id)
    )
    delivered = accepted_at + timedelta(minutes=1)
    link = session.scalar(
        sa.select(BulletinLink.id).where(
            BulletinLink.bulletin_id == bulletin.id,
            BulletinLink.url == "https://example.nhs.uk/ucc",
        )
    )

    def event(name, kind, at=delivered):
        number = next(_ids)
        session.add(
            EmailEvent(
                sg_event_id=f"ev{number}",
                dedupe_key=f"key{number}",
                event=kind,
                email_hash="h",
                occurred_at=at,
                bulletin_id=bulletin.id,
                recipient_id=recipient[name],
            )
        )

    def hit(name, kind, after, hint="", link_id=None):
        session.add(
            TrackingHit(
                bulletin_id=bulletin.id,
                recipient_id=recipient[name],
                kind=kind,
                link_id=link_id,
                at=delivered + after,
                machine_hint=hint,
            )
        )

    for name in ("B1", "B2", "B3", "B4", "S1", "S2", "S3"):
        event(name, "delivered")
    event("B5", "bounce")
    event("B3", "spamreport")
    event("S4", "deferred")
    hit("B1", "open", timedelta(seconds=5))  # within seconds of delivery: a proxy
    hit("B1", "open", timedelta(hours=2))  # and later the person
    hit("B2", "open", timedelta(hours=1), hint="agent")
    hit("B3", "open", timedelta(hours=1))
    hit("B4", "click", timedelta(hours=1), link_id=link)  # a click with no open: a scanner
    hit("S1", "open", timedelta(seconds=3))
    hit("S2", "open", timedelta(minutes=30))
    hit("S2", "click", timedelta(minutes=31), link_id=link)
    hit("S2", "click", timedelta(minutes=32), link_id=link)
    hit("B6", "open", timedelta(hours=1))  # did not consent: never counted
    hit("S3", "unsubscribe", timedelta(hours=3))
    session.commit()
    return bulletin, comms


def test_figures_match_the_hand_count(session, sent):
    bulletin, _comms = sent
    names = {place(session, "blackpool").id: "Blackpool", place(session, "south-cumbria").id: "SC"}
    result = stats.bulletin_stats(session, bulletin, names)
    total = result.total
    assert (total.recipients, total.accepted, total.delivered) == (12, 12, 7)
    assert (total.bounced, total.deferred, total.complaints, total.unsubscribes) == (1, 1, 1, 1)
    assert (total.consenting, total.base) == (8, 7)
    assert (total.opened_all, total.opened_human) == (5, 3)
    assert (total.clicked_all, total.clicked_human) == (2, 1)
    assert total.open_rate_human == pytest.approx(3 / 7)
    assert total.open_rate_all == pytest.approx(5 / 7)

    by_place = dict(result.by_place)
    assert (by_place["Blackpool"].base, by_place["SC"].base) == (4, 3)
    assert (by_place["Blackpool"].opened_all, by_place["Blackpool"].opened_human) == (3, 2)
    assert (by_place["SC"].opened_all, by_place["SC"].opened_human) == (2, 1)
    assert (by_place["Blackpool"].clicked_human, by_place["SC"].clicked_human) == (0, 1)
    assert by_place["SC"].unsubscribes == 1

    ucc = next(link for link in result.links if link.url == "https://example.nhs.uk/ucc")
    assert (ucc.clicks_all, ucc.clickers_all, ucc.clickers_human) == (3, 2, 1)


def test_a_slower_fast_open_window_changes_only_the_human_figure(session, sent):
    bulletin, _comms = sent
    result = stats.bulletin_stats(session, bulletin, {}, fast=0)
    assert (result.total.opened_all, result.total.opened_human) == (5, 4)  # S1 now counts


def test_overview_trend_and_segment_totals(session, sent):
    bulletin, comms = sent
    result = stats.overview(session, comms)
    assert [row.bulletin.id for row in result.trend] == [bulletin.id]
    assert result.trend[0].figures.opened_human == 3
    assert [(name, count, figures.base) for name, count, figures in result.by_segment] == [
        ("Whole panel", 1, 7)
    ]


def test_stats_pages_show_both_open_rates_and_the_base(client, login_as, sent):
    bulletin, comms = sent
    login_as(comms)
    page = client.get(f"/staff/bulletins/{bulletin.id}/stats").text
    assert "42.9%" in page and "71.4%" in page  # 3/7 people, 5/7 with machine opens
    assert "7 of 12 accepted recipients agreed to open and click tracking" in page
    overview = client.get("/staff/bulletins/stats").text
    assert bulletin.title in overview and "50% benchmark" in overview


def test_csv_hides_small_place_counts_and_is_audited(session, client, login_as, sent):
    bulletin, comms = sent
    login_as(comms)
    response = client.get(f"/staff/bulletins/{bulletin.id}/stats.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    header, total, *rest = rows
    places = {row[0]: dict(zip(header, row, strict=True)) for row in rest[:2]}
    assert dict(zip(header, total, strict=True))["opened_human"] == "3"
    assert (
        places["place: Blackpool"]["base"] == "*" and places["place: South Cumbria"]["base"] == "*"
    )
    assert places["place: Blackpool"]["bounced"] == "*"
    assert any(row[1] == "https://example.nhs.uk/ucc" for row in rows if len(row) == 5)
    audit = session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "bulletin.stats_export")
    )
    assert audit is not None


def test_a_place_team_sees_figures_only_for_its_own_bulletins(session, client, login_as, sent):
    bulletin, _comms = sent  # the whole panel's bulletin, owned by the comms team
    cumbria = make_staff(session, Role.PLACE, places=["south-cumbria"])
    session.commit()
    login_as(cumbria)
    for path in (
        f"/staff/bulletins/{bulletin.id}/stats",
        f"/staff/bulletins/{bulletin.id}/stats.csv",
    ):
        assert client.get(path).status_code == 404
    assert bulletin.title not in client.get("/staff/bulletins/stats").text


def test_people_counted_as_reading_a_bulletin_get_one_contact_each(session, sent, now):
    """The readers the honest figure counts (not proxies, scanners or those who did not
    consent) become "opened a bulletin" contacts, once, which the segment condition and the
    inactivity cycle read."""
    from mailer.tracking.readers import record_bulletin_readers
    from panel.activity.inactivity import InactivityRules, silent_members
    from panel.members.models import Member
    from panel.segments.models import ContactKind, MemberContact
    from panel.segments.services.segments import members_matching

    bulletin, comms = sent
    later = now + timedelta(days=1)
    # seven months on, with nothing else heard from anyone since joining long ago
    session.execute(
        sa.update(Member).values(joined_at=now - timedelta(days=400), last_seen_at=None)
    )
    months_on, rules = now + timedelta(days=200), InactivityRules(7, 30)

    def silent() -> set[int]:
        query = silent_members(rules, months_on).with_only_columns(Member.id)
        return set(session.scalars(query))

    silent_before = silent()
    assert record_bulletin_readers(session, later) == 3
    assert record_bulletin_readers(session, later) == 0  # a second run adds nothing
    readers = session.scalars(
        sa.select(BulletinRecipient.member_id)
        .join(MemberContact, MemberContact.member_id == BulletinRecipient.member_id)
        .where(
            BulletinRecipient.bulletin_id == bulletin.id,
            MemberContact.kind == ContactKind.BULLETIN_OPEN,
            MemberContact.reference_id == bulletin.id,
        )
    ).all()
    figures = stats.bulletin_stats(session, bulletin, {}).total
    assert len(readers) == len(set(readers)) == figures.opened_human
    session.commit()

    condition = {
        "type": "group",
        "op": "and",
        "negate": False,
        "items": [{"type": "condition", "field": "opened_bulletin", "negate": False, "months": 1}],
    }
    matched = set(session.scalars(members_matching(session, condition, comms, later)))
    assert {member.id for member in matched} == set(readers)

    # those who could be asked "are you still interested?" no longer include the readers
    asked_before = set(readers) & silent_before
    assert asked_before
    assert silent() == silent_before - asked_before


def test_hits_older_than_the_window_wait_for_a_longer_run(session, sent, now):
    from mailer.tracking.readers import record_bulletin_readers

    long_after = now + timedelta(days=30)
    assert record_bulletin_readers(session, long_after) == 0
    assert record_bulletin_readers(session, long_after, days=60) == 3
