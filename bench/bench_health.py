"""Duplicate detection over 100,000 members, and its precision and recall on labelled members.

The members come from the labelled sample generator of the tests (tests/panel/duplicate_sample.py:
second sign-ups with short names, typos, new providers, married names and moves, and the
look-alikes that are not duplicates: twins, families, namesakes, shared email names), inserted
into a migrated database. dedupe_s times what the duplicates page does for the comms team:
read every active member and find the pairs. In the same run, comparing every pair of a
2,000-member subset is timed against blocking on that subset (same pairs found).

health_ms is the panel health page (issue 26 point 5): after the detector's timing, the members
are spread over four places and two years of joining, a tenth marked left, a tenth inactive and
one in twenty-five unreachable; the hourly job stores its scan; then the server time of a GET of
/staff/panel-health/ by the comms team, median over several requests. Compared in the same run:
the duplicates list read from the stored scan (what every view of it cost before: dedupe_s, the
detector per view), and the same health figures recounted in Python from every member row.

Prints its figures, then one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import database_urls, make_app, median, timed

from panel.activity.months import last_months
from panel.auth.access import scope_to_places
from panel.auth.models import Role, StaffUser
from panel.duplicates.scans import scan_duplicates
from panel.duplicates.services import match_records
from panel.extensions import db
from panel.members.matching import (
    DEFAULT_THRESHOLD,
    find_duplicates,
    find_duplicates_all_pairs,
)
from panel.members.models import Member, MemberStatus
from panel.places.models import Place
from tests.factories import sign_in_test_client
from tests.panel.duplicate_sample import build_sample, precision_recall, true_pairs

N = int(os.environ.get("BENCH_MEMBERS", "100000"))
SUBSET = int(os.environ.get("BENCH_ALL_PAIRS_SUBSET", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
TARGET_S = 30
HEALTH_TARGET_MS = 500


def labelled_members(n: int):
    """``n`` labelled records with unique email addresses (a clash gets a +tag, which the
    detector reads as the same email name)."""
    sample = []
    people = int(n / 1.33)
    while len(sample) < n:
        sample = build_sample(people, seed=5)
        people = int(people * 1.05) + 1
    sample = sample[:n]
    seen: dict[str, int] = {}
    emails = []
    for labelled in sample:
        email = labelled.record.email
        if email in seen:
            seen[email] += 1
            local, _, domain = email.partition("@")
            email = f"{local}+{seen[email]}@{domain}"
        seen.setdefault(email, 0)
        emails.append(email)
    return sample, emails


def populate(sample, emails) -> dict[int, int]:
    """Insert the sample as active members (over four places, joined over two years); returns
    member id -> labelled person."""
    place_ids = list(db.session.scalars(sa.select(Place.id).order_by(Place.id)))
    now = datetime.now(UTC)
    rows = []
    for i, (labelled, email) in enumerate(zip(sample, emails, strict=True)):
        r = labelled.record
        joined = now - timedelta(minutes=7 * i + 5)
        place_id = place_ids[i % len(place_ids)]
        rows.append(
            {
                "email": email,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "postcode": r.postcode,
                "place_id": place_id,
                "age_band": r.age_band,
                "topics": [],
                "status": "active",
                "consent_basis": "signup",
                "tracking_consent": False,
                "created_at": joined,
                "joined_at": joined,
                "session_token": f"t{i}",
            }
        )
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(Member), rows[start : start + 10_000])
    db.session.commit()
    ids = db.session.execute(sa.select(Member.email, Member.id)).all()
    by_email = dict(ids)
    return {by_email[e]: labelled.person for labelled, e in zip(sample, emails, strict=True)}


def age_the_panel(now: datetime) -> None:
    """A tenth left, a tenth inactive, one in twenty-five unreachable (after dedupe timing)."""
    changes = []
    for member_id, joined in db.session.execute(sa.select(Member.id, Member.joined_at)):
        later = min(now, joined + timedelta(days=30 + member_id % 200))
        if member_id % 10 == 0:
            changes.append({"id": member_id, "status": MemberStatus.LEFT, "left_at": later})
        elif member_id % 10 == 1:
            changes.append({"id": member_id, "status": MemberStatus.INACTIVE, "inactive_at": later})
        elif member_id % 25 == 2:
            changes.append(
                {"id": member_id, "unreachable_at": later, "unreachable_reason": "bounced"}
            )
    for start in range(0, len(changes), 10_000):
        batch = changes[start : start + 10_000]
        for keys in {tuple(sorted(c)) for c in batch}:
            db.session.execute(sa.update(Member), [c for c in batch if tuple(sorted(c)) == keys])
    db.session.commit()


def python_recount(session, user, now: datetime) -> None:
    """The comparison: the health page's monthly figures recounted from every row in Python."""
    months = last_months(now, 12)
    counts: dict = {}
    rows = session.execute(
        scope_to_places(
            sa.select(
                Member.place_id,
                Member.status,
                Member.joined_at,
                Member.left_at,
                Member.inactive_at,
                Member.unreachable_at,
            ),
            user,
            Member.place_id,
        )
    ).all()
    for place_id, status, *moments in rows:
        for month in months:
            bucket = counts.setdefault((place_id, month.key), [0] * 5)
            for index, moment in enumerate(moments):
                if moment is not None and month.start_at <= moment < month.end_at:
                    bucket[index] += 1
            joined, left = moments[0], moments[1]
            if (
                status != "merged"
                and joined is not None
                and joined < month.end_at
                and (left is None or left >= month.end_at)
            ):
                bucket[4] += 1


def time_health(app, user_id: int) -> dict:
    """Server time of the health page and the duplicates list (GETs, median), and the Python
    recount, over the stored scan."""
    now = datetime.now(UTC)
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        age_the_panel(now)
        start = time.perf_counter()
        scan = scan_duplicates(db.session, now)
        db.session.commit()
        scan_s = time.perf_counter() - start
        pairs = scan.pair_count
        client = app.test_client()
        sign_in_test_client(client, user)
        db.session.commit()

    def get(path: str):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    health = timed(lambda: get("/staff/panel-health/"), REPEAT)
    duplicates = timed(lambda: get("/staff/duplicates/"), REPEAT)
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        recount = timed(lambda: python_recount(db.session, user, now), max(3, REPEAT // 2))
        db.session.remove()
    return {
        "health_ms": median(health),
        "health_max_ms": round(max(health), 1),
        "duplicates_page_ms": median(duplicates),
        "python_recount_ms": median(recount),
        "scan_job_s": round(scan_s, 2),
        "stored_pairs": pairs,
    }


def run(kind: str, url: str, sample, emails) -> dict:
    app = make_app(url)
    with app.app_context():
        person_of = populate(sample, emails)
        user = StaffUser(
            email="bench@example.nhs.uk",
            name="Bench",
            role=Role.COMMS,
            totp_confirmed_at=datetime.now(UTC),
        )
        db.session.add(user)
        db.session.commit()
        start = time.perf_counter()
        records = match_records(db.session, user)
        detection = find_duplicates(records, DEFAULT_THRESHOLD)
        seconds = time.perf_counter() - start
        found = {(p.first_id, p.second_id) for p in detection.pairs}
        by_person: dict[int, list[int]] = {}
        for member_id, person in person_of.items():
            by_person.setdefault(person, []).append(member_id)
        truth = {
            (a, b)
            for ids in by_person.values()
            for i, a in enumerate(sorted(ids))
            for b in sorted(ids)[i + 1 :]
        }
        precision, recall = precision_recall(found, truth)
        user_id = user.id
        db.session.remove()
    print(
        f"{kind}: {len(records):,} members checked in {seconds:.2f} s "
        f"({detection.compared:,} pairs scored, {detection.skipped_blocks} blocks too big); "
        f"{len(found):,} pairs listed, precision {precision}, recall {recall}",
        file=sys.stderr,
    )
    health = time_health(app, user_id)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    print(
        f"{kind}: panel health page median {health['health_ms']} ms "
        f"(max {health['health_max_ms']} ms, goal under {HEALTH_TARGET_MS} ms); duplicates list "
        f"from the stored scan {health['duplicates_page_ms']} ms against {seconds:.2f} s for "
        f"the detector per view before; the same health figures recounted in Python "
        f"{health['python_recount_ms']} ms; the scan job took {health['scan_job_s']} s and "
        f"stored {health['stored_pairs']:,} pairs",
        file=sys.stderr,
    )
    return {
        "dedupe_s": round(seconds, 2),
        "pairs": len(found),
        "precision": precision,
        "recall": recall,
        **health,
    }


def all_pairs_comparison() -> dict:
    """Blocking against comparing every pair on the same subset, timed in this run."""
    subset = [labelled.record for labelled in build_sample(int(SUBSET / 1.33), seed=11)][:SUBSET]
    start = time.perf_counter()
    everything = find_duplicates_all_pairs(subset)
    all_pairs_s = time.perf_counter() - start
    start = time.perf_counter()
    blocked = find_duplicates(subset)
    blocked_s = time.perf_counter() - start
    same = {(p.first_id, p.second_id) for p in everything.pairs} == {
        (p.first_id, p.second_id) for p in blocked.pairs
    }
    print(
        f"{len(subset):,} members: all pairs {all_pairs_s:.2f} s ({everything.compared:,} "
        f"compared), blocking {blocked_s:.3f} s ({blocked.compared:,}); same pairs: {same}",
        file=sys.stderr,
    )
    return {
        "all_pairs_s": round(all_pairs_s, 3),
        "blocked_s": round(blocked_s, 4),
        "speedup": round(all_pairs_s / blocked_s, 1),
        "same_pairs": same,
    }


def main() -> None:
    sample, emails = labelled_members(N)
    held_out = build_sample(3000, seed=2026)
    held_out_run = find_duplicates([labelled.record for labelled in held_out])
    sample_precision, sample_recall = precision_recall(
        {(p.first_id, p.second_id) for p in held_out_run.pairs}, true_pairs(held_out)
    )
    print(
        f"held-out labelled sample ({len(held_out):,} members): precision {sample_precision}, "
        f"recall {sample_recall} at threshold {DEFAULT_THRESHOLD}",
        file=sys.stderr,
    )
    results = {kind: run(kind, url, sample, emails) for kind, url in database_urls()}
    comparison = all_pairs_comparison()
    sqlite = results["sqlite"]
    summary = {
        "n": N,
        "dedupe_s": sqlite["dedupe_s"],
        "target_s": TARGET_S,
        "threshold": DEFAULT_THRESHOLD,
        "precision": sqlite["precision"],
        "recall": sqlite["recall"],
        "sample_precision": sample_precision,
        "sample_recall": sample_recall,
        "all_pairs_subset": SUBSET,
        **{f"subset_{k}": v for k, v in comparison.items()},
        "health_ms": sqlite["health_ms"],
        "health_target_ms": HEALTH_TARGET_MS,
        "duplicates_page_ms": sqlite["duplicates_page_ms"],
        "health_python_recount_ms": sqlite["python_recount_ms"],
        "scan_job_s": sqlite["scan_job_s"],
    }
    if "postgresql" in results:
        postgres = results["postgresql"]
        summary["postgres_dedupe_s"] = postgres["dedupe_s"]
        summary["postgres_health_ms"] = postgres["health_ms"]
        summary["postgres_duplicates_page_ms"] = postgres["duplicates_page_ms"]
        summary["postgres_health_python_recount_ms"] = postgres["python_recount_ms"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
