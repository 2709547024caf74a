"""Member directory with a place filter at 100,000 members, and sign-up confirmation throughput.

Prints its figures, then one JSON line: n, median_ms (SQLite, place filter), postgres_median_ms,
confirms_per_s, and ratio_vs_no_index (the same page with the directory index dropped, in the
same run: how much the migration's index buys).
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
from panel.login_sessions import start_login_session
from panel.members.models import Member, MemberStatus
from panel.members.services.links import confirm_token
from panel.places.models import Place

N = int(os.environ.get("BENCH_MEMBERS", "100000"))
CONFIRMS = int(os.environ.get("BENCH_CONFIRMS", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def populate(n: int) -> None:
    """Insert n members fast with executemany (the ORM would dominate the setup time)."""
    rng = random.Random(42)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        joined = now - timedelta(minutes=rng.randint(0, 1_500_000))
        rows.append(
            {
                "email": f"member{i}@bench.example",
                "first_name": f"First{i % 977}",
                "last_name": f"Last{i % 1409}",
                "postcode": "FY1 1AA",
                "place_id": rng.choice(place_ids),
                "age_band": rng.choice(["16-24", "45-54", "75+"]),
                "topics": [],
                "preferred_format": "standard",
                "language": "en",
                "status": "active" if rng.random() > 0.05 else "pending",
                "consent_basis": "signup",
                "tracking_consent": False,
                "created_at": joined,
                "joined_at": joined,
                "session_token": f"t{i}",
            }
        )
        if len(rows) == 10_000:
            db.session.execute(sa.insert(Member), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(Member), rows)
    db.session.commit()


def directory_timing(app, place_user_token: str, place_id: int) -> list[float]:
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = place_user_token

    def request_page():
        response = client.get(f"/staff/members/?place_id={place_id}")
        assert response.status_code == 200, response.status_code

    return timed(request_page, REPEAT)


def confirm_throughput(app, count: int) -> float:
    """Confirmations per second through the real endpoint (token check, update, commit)."""
    now = datetime.now(UTC)
    with app.test_request_context():
        place_id = db.session.scalar(sa.select(Place.id))
        members = [
            Member(
                email=f"pending{i}@bench.example",
                first_name="P",
                last_name="Q",
                postcode="FY1 1AA",
                place_id=place_id,
                status=MemberStatus.PENDING,
                created_at=now,
            )
            for i in range(count)
        ]
        db.session.add_all(members)
        db.session.commit()
        tokens = [confirm_token(m) for m in members]
    client = app.test_client()
    start = time.perf_counter()
    for token in tokens:
        assert client.get(f"/join/confirm/{token}").status_code == 200
    return round(count / (time.perf_counter() - start), 1)


def run(kind: str, url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        populate(N)
        place = db.session.scalar(sa.select(Place).where(Place.code == "blackpool"))
        user = StaffUser(
            email="bench@example.nhs.uk",
            name="Bench",
            role=Role.PLACE,
            totp_confirmed_at=datetime.now(UTC),
            places=[place],
        )
        db.session.add(user)
        db.session.flush()
        # Signed in as the real sign-in does: a server-side session whose token is the cookie's.
        token = start_login_session(
            db.session, datetime.now(UTC), timedelta(hours=1), staff_user_id=user.id
        )
        db.session.commit()
        place_id = place.id
        db.session.remove()
    samples = directory_timing(app, token, place_id)
    result = {"median_ms": median(samples), "max_ms": round(max(samples), 2)}
    with app.app_context():
        for index in (
            "ix_members_place_created",
            "ix_members_place_status",
            "ix_members_status_created",
        ):
            db.session.execute(sa.text(f"DROP INDEX {index}"))
        db.session.commit()
        db.session.remove()
    result["no_index_median_ms"] = median(directory_timing(app, token, place_id))
    result["confirms_per_s"] = confirm_throughput(app, CONFIRMS)
    with app.app_context():
        db.engine.dispose()
    print(
        f"{kind}: directory page (place filter, {N:,} members): median "
        f"{result['median_ms']} ms (max {result['max_ms']}), without the index "
        f"{result['no_index_median_ms']} ms; confirmations {result['confirms_per_s']}/s",
        file=sys.stderr,
    )
    return result


def main() -> None:
    results = {kind: run(kind, url) for kind, url in database_urls()}
    sqlite = results["sqlite"]
    summary = {
        "n": N,
        "median_ms": sqlite["median_ms"],
        "confirms_per_s": sqlite["confirms_per_s"],
        "ratio_vs_no_index": round(sqlite["no_index_median_ms"] / sqlite["median_ms"], 2),
        "target_ms": 300,
    }
    if "postgresql" in results:
        summary["postgres_median_ms"] = results["postgresql"]["median_ms"]
        summary["postgres_confirms_per_s"] = results["postgresql"]["confirms_per_s"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
