"""Duplicate detection over 100,000 members, and its precision and recall on labelled members.

The members come from the labelled sample generator of the tests (tests/panel/duplicate_sample.py:
second sign-ups with short names, typos, new providers, married names and moves, and the
look-alikes that are not duplicates: twins, families, namesakes, shared email names), inserted
into a migrated database. dedupe_s times what the duplicates page does for the comms team:
read every active member and find the pairs. In the same run, comparing every pair of a
2,000-member subset is timed against blocking on that subset (same pairs found).

health_ms belongs to the panel health page (issue 26 point 5), which does not exist yet: it is
printed as null with a note, never an invented figure.

Prints its figures, then one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import database_urls, make_app

from panel.auth.models import Role, StaffUser
from panel.duplicates.services import match_records
from panel.extensions import db
from panel.members.matching import (
    DEFAULT_THRESHOLD,
    find_duplicates,
    find_duplicates_all_pairs,
)
from panel.members.models import Member
from panel.places.models import Place
from tests.panel.duplicate_sample import build_sample, precision_recall, true_pairs

N = int(os.environ.get("BENCH_MEMBERS", "100000"))
SUBSET = int(os.environ.get("BENCH_ALL_PAIRS_SUBSET", "2000"))
TARGET_S = 30
HEALTH_NOTE = "the panel health page (issue 26 point 5) is not built yet: nothing to time"


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
    """Insert the sample as active members; returns member id -> labelled person."""
    place_id = db.session.scalar(sa.select(Place.id))
    now = datetime.now(UTC)
    rows = []
    for i, (labelled, email) in enumerate(zip(sample, emails, strict=True)):
        r = labelled.record
        joined = now - timedelta(minutes=i)
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


def run(kind: str, url: str, sample, emails) -> dict:
    app = make_app(url)
    with app.app_context():
        person_of = populate(sample, emails)
        user = StaffUser(email="bench@example.nhs.uk", name="Bench", role=Role.COMMS)
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
        db.session.remove()
        db.engine.dispose()
    print(
        f"{kind}: {len(records):,} members checked in {seconds:.2f} s "
        f"({detection.compared:,} pairs scored, {detection.skipped_blocks} blocks too big); "
        f"{len(found):,} pairs listed, precision {precision}, recall {recall}",
        file=sys.stderr,
    )
    return {
        "dedupe_s": round(seconds, 2),
        "pairs": len(found),
        "precision": precision,
        "recall": recall,
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
    print(f"health_ms: null ({HEALTH_NOTE})", file=sys.stderr)
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
        "health_ms": None,
        "health_note": HEALTH_NOTE,
    }
    if "postgresql" in results:
        summary["postgres_dedupe_s"] = results["postgresql"]["dedupe_s"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
