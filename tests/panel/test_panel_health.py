"""The panel health page (issue 26 point 5): every monthly figure per place equals a recount of
the member rows, a place team sees only its places, the export is spreadsheet-safe, and no
page runs the duplicate detector (they read the stored scan and say when it ran)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from panel.activity.months import last_months
from panel.auth.models import Role
from panel.duplicates import scans
from panel.members.models import Member, MemberStatus
from panel.panel_health.figures import NO_PLACE, panel_health
from panel.places.models import Place
from tests.factories import make_member, make_staff, place

pytestmark = pytest.mark.usefixtures("app")
PLACES = ("blackpool", "lancashire", "south-cumbria")


def _random_panel(session, now, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        joined = now - timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 23))
        values = {"joined_at": joined, "created_at": joined}
        fate = rng.random()
        if fate < 0.2:
            values.update(
                status=MemberStatus.LEFT, left_at=joined + timedelta(days=rng.randint(0, 90))
            )
        elif fate < 0.35:
            values.update(
                status=MemberStatus.INACTIVE,
                inactive_at=joined + timedelta(days=rng.randint(0, 90)),
            )
        elif fate < 0.45:
            values.update(unreachable_at=joined + timedelta(days=rng.randint(0, 30)))
        elif fate < 0.5:
            values.update(status=MemberStatus.MERGED)
        values = {k: (min(v, now) if hasattr(v, "tzinfo") else v) for k, v in values.items()}
        make_member(session, rng.choice(PLACES), **values)


def _recount(session, months, place_ids):
    """Each measure per (place name, month key), straight from the rows in Python."""
    names = dict(session.execute(sa.select(Place.id, Place.name)).all())
    expected: dict = {}
    rows = session.scalars(sa.select(Member).where(Member.place_id.in_(place_ids))).all()
    # A record merged into another is the same person signing up twice: never counted.
    rows = [m for m in rows if m.status is not MemberStatus.MERGED]
    for month in months:
        for member in rows:
            key = (names[member.place_id], month.key)
            counts = expected.setdefault(
                key, dict.fromkeys(("size", "joined", "left", "inactive", "unreachable"), 0)
            )
            for measure, moment in (
                ("joined", member.joined_at),
                ("left", member.left_at),
                ("inactive", member.inactive_at),
                ("unreachable", member.unreachable_at),
            ):
                if moment is not None and month.start_at <= moment < month.end_at:
                    counts[measure] += 1
            if member.joined_at < month.end_at and (
                member.left_at is None or member.left_at >= month.end_at
            ):
                counts["size"] += 1
    return expected


def test_every_monthly_figure_per_place_equals_a_recount_of_the_rows(session, now):
    _random_panel(session, now, seed=26)
    comms = make_staff(session, Role.COMMS)
    blackpool_team = make_staff(session, Role.PLACE, places=["blackpool"])
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(Member.status == MemberStatus.MERGED))
    months = last_months(now, 12)
    for user, codes in ((comms, PLACES), (blackpool_team, ("blackpool",))):
        health = panel_health(session, user, now)
        ids = [place(session, code).id for code in codes]
        expected = _recount(session, months, ids)
        shown = {
            (label, key): {m: figures.value(m) for m in expected[(label, key)]}
            for label, by_month in health.by_place.items()
            for key, figures in by_month.items()
        }
        assert {k: v for k, v in shown.items() if any(v.values())} == {
            k: v for k, v in expected.items() if any(v.values())
        }
        for month in months:
            total = health.totals[month.key]
            assert total.joined == sum(
                v["joined"] for (label, key), v in expected.items() if key == month.key
            )
        assert NO_PLACE not in health.by_place


def test_the_pages_read_the_stored_scan_and_never_run_the_detector(
    session, client, login_as, now, monkeypatch
):
    make_member(session, first_name="Robert", last_name="Nowak", email="rnowak@example.com")
    make_member(session, first_name="Bob", last_name="Nowak", email="bob.nowak@example.org")
    formula = place(session, "blackpool")
    formula.name = "=HYPERLINK(1)"
    login_as(make_staff(session, Role.COMMS))
    session.commit()

    def refuse(*args, **kwargs):
        raise AssertionError("a page ran the duplicate detector")

    monkeypatch.setattr(scans, "find_duplicates", refuse)
    before = client.get("/staff/panel-health/")
    assert before.status_code == 200 and "The duplicate check has not run yet" in before.text
    assert "has not run yet" in client.get("/staff/duplicates/").text
    monkeypatch.undo()

    scan = scans.scan_duplicates(session, now)
    session.commit()
    assert scan.pair_count == 1 and scan.by_place == {str(formula.id): 1}
    monkeypatch.setattr(scans, "find_duplicates", refuse)
    page = client.get("/staff/panel-health/")
    assert "Likely duplicate pairs" in page.text and "duplicate check of" in page.text
    assert "<svg" in page.text and "month by month" in page.text
    listed = client.get("/staff/duplicates/").text
    assert "Bob Nowak" in listed and "Found by the duplicate check of" in listed
    export = client.get("/staff/panel-health/panel-health.csv")
    assert export.status_code == 200 and "'=HYPERLINK(1)" in export.text
    assert "=HYPERLINK" not in export.text.replace("'=HYPERLINK", "")
    assert "Panel health" in client.get("/staff/assurance/").text
