"""Segment counts and the representativeness dashboard at 100,000 members.

Prints its figures, then one JSON line: n, count_median_ms (a segment with four conditions),
targeting_median_ms (the same with caps and pauses applied), dashboard_median_ms (all places),
postgres_* figures, and ratio_vs_python: the same count done by loading members into Python
(the naive way), divided by the SQL count time, in the same run.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import database_urls, make_app, median, timed

from panel.auth.models import Role, StaffUser
from panel.extensions import db
from panel.members.models import EqualityProfile, Member
from panel.places.models import Place
from panel.segments.models import ContactKind, MemberContact
from panel.segments.services.fatigue import target_counts
from panel.segments.services.representativeness import representativeness
from panel.segments.services.segments import count_members, members_matching

N = int(os.environ.get("BENCH_MEMBERS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
AGES = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
TOPICS = ["maternity", "gp", "cancer", "mental_health", "living_well", "ageing_well"]


def populate(n: int) -> None:
    rng = random.Random(7)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    now = datetime.now(UTC)
    members, equality, contacts = [], [], []
    for i in range(1, n + 1):
        members.append(
            {
                "id": i,
                "email": f"m{i}@bench.example",
                "first_name": "F",
                "last_name": "L",
                "postcode": "FY1 1AA",
                "place_id": rng.choice(place_ids),
                "age_band": rng.choice(AGES),
                "topics": rng.sample(TOPICS, rng.randint(0, 3)),
                "preferred_format": "standard",
                "language": "en",
                "status": "active",
                "consent_basis": "signup",
                "tracking_consent": False,
                "created_at": now,
                "joined_at": now,
                "session_token": f"t{i}",
            }
        )
        if rng.random() < 0.7:
            equality.append(
                {
                    "member_id": i,
                    "sex": rng.choice(["female", "male", "pns"]),
                    "ethnic_group": rng.choice(["13", "4", "3", "9", "6", "pns"]),
                    "disability": rng.choice(["yes_a_lot", "no", "no", "pns"]),
                    "carer": rng.choice(["no", "yes_under_20"]),
                    "updated_at": now,
                }
            )
        if rng.random() < 0.3:
            contacts.append(
                {
                    "member_id": i,
                    "kind": ContactKind.SURVEY_INVITATION,
                    "at": now - timedelta(days=rng.randint(0, 60)),
                }
            )
        if len(members) == 10_000:
            _flush(members, equality, contacts)
            members, equality, contacts = [], [], []
    _flush(members, equality, contacts)
    db.session.commit()


def _flush(members, equality, contacts) -> None:
    if members:
        db.session.execute(sa.insert(Member), members)
    if equality:
        db.session.execute(sa.insert(EqualityProfile), equality)
    if contacts:
        db.session.execute(sa.insert(MemberContact), contacts)


def four_conditions(place_id: int) -> dict:
    def cond(field, *values):
        return {"type": "condition", "field": field, "negate": False, "values": list(values)}

    return {
        "type": "group",
        "op": "and",
        "negate": False,
        "items": [
            cond("place", str(place_id)),
            cond("age_band", "16-24", "25-34"),
            cond("sex", "female"),
            cond("topics", "maternity", "gp"),
        ],
    }


def naive_count(place_id: int) -> int:
    """What a loop in Python would do: load every member and test the conditions one by one."""
    count = 0
    sexes = dict(
        db.session.execute(sa.select(EqualityProfile.member_id, EqualityProfile.sex)).all()
    )
    for member_id, member_place, age, topics in db.session.execute(
        sa.select(Member.id, Member.place_id, Member.age_band, Member.topics)
    ):
        if (
            member_place == place_id
            and age in ("16-24", "25-34")
            and sexes.get(member_id) == "female"
            and {"maternity", "gp"} & set(topics or [])
        ):
            count += 1
    return count


def run(kind: str, url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        populate(N)
        user = StaffUser(email="bench@example.nhs.uk", name="Bench", role=Role.COMMS)
        db.session.add(user)
        db.session.commit()
        place_id = db.session.scalar(sa.select(Place.id).where(Place.code == "lancashire"))
        tree = four_conditions(place_id)
        now = datetime.now(UTC)
        query = members_matching(db.session, tree, user, now)
        sql_count = count_members(db.session, query)
        assert sql_count == naive_count(place_id), "SQL and Python counts disagree"
        count_samples = timed(lambda: count_members(db.session, query), REPEAT)
        targeting = timed(lambda: target_counts(db.session, query, now), REPEAT)
        dashboard = timed(lambda: representativeness(db.session, user), max(5, REPEAT // 4))
        start = time.perf_counter()
        naive_count(place_id)
        naive_ms = (time.perf_counter() - start) * 1000
        db.session.remove()
        db.engine.dispose()
    result = {
        "count": sql_count,
        "count_median_ms": median(count_samples),
        "targeting_median_ms": median(targeting),
        "dashboard_median_ms": median(dashboard),
        "naive_ms": round(naive_ms, 1),
    }
    print(
        f"{kind}: {N:,} members; segment of four conditions ({sql_count:,} match): count "
        f"median {result['count_median_ms']} ms, with caps and pauses "
        f"{result['targeting_median_ms']} ms; dashboard (all places) "
        f"{result['dashboard_median_ms']} ms; naive Python count {result['naive_ms']} ms",
        file=sys.stderr,
    )
    return result


def main() -> None:
    results = {kind: run(kind, url) for kind, url in database_urls()}
    sqlite = results["sqlite"]
    summary = {
        "n": N,
        "count_median_ms": sqlite["count_median_ms"],
        "targeting_median_ms": sqlite["targeting_median_ms"],
        "dashboard_median_ms": sqlite["dashboard_median_ms"],
        "ratio_vs_python": round(sqlite["naive_ms"] / sqlite["count_median_ms"], 1),
        "count_target_ms": 50,
        "dashboard_target_ms": 500,
    }
    if "postgresql" in results:
        postgres = results["postgresql"]
        summary.update(
            {
                "postgres_count_median_ms": postgres["count_median_ms"],
                "postgres_targeting_median_ms": postgres["targeting_median_ms"],
                "postgres_dashboard_median_ms": postgres["dashboard_median_ms"],
            }
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
