"""The assurance dashboard and the committee report for a year with 100 decisions, 200
engagement exercises and 100,000 responses (and a panel of 4,000 members).

Times the dashboard page as an observer (GET /staff/assurance/, goal under 500 ms) and the
committee report for the whole year with its tagged PDF (goal under 5 s). Prints figures per
database, then one JSON line: dashboard_ms, report_s (the report's figures and its PDF), and in
the same run report_html_s (the same report without the PDF), pdf_s (the PDF's share) and
dashboard_place_ms (a place board observer's version), with the same per database.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import database_urls, make_app, median, timed

from panel.auth.models import Role, StaffUser
from panel.extensions import db
from panel.login_sessions import start_login_session
from panel.members.models import EqualityProfile, Member
from panel.places.models import Place
from surveys.assurance import committee_document, committee_report
from surveys.decisions.models import DecisionLink, DecisionRecord
from surveys.fieldwork.models import SurveyResponse
from surveys.models import ResultsPage, Survey, SurveyStatus

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
SURVEYS = int(os.environ.get("BENCH_SURVEYS", "200"))
DECISIONS = int(os.environ.get("BENCH_DECISIONS", "100"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "4000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
AGES = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
LEVELS = ["inform", "listen", "discuss", "collaborate", "empower"]


def populate(now: datetime) -> None:
    """A year of engagement, answered and decided."""
    rng = random.Random(22)
    place_ids = list(db.session.scalars(sa.select(Place.id)))
    db.session.execute(
        sa.insert(Member),
        [
            {
                "id": i,
                "email": f"m{i}@bench.example",
                "first_name": "F",
                "last_name": "L",
                "postcode": "FY1 1AA",
                "place_id": rng.choice(place_ids),
                "age_band": rng.choice(AGES),
                "topics": [],
                "preferred_format": "standard",
                "language": "en",
                "status": "active",
                "consent_basis": "signup",
                "tracking_consent": False,
                "created_at": now,
                "joined_at": now,
                "session_token": f"t{i}",
            }
            for i in range(1, MEMBERS + 1)
        ],
    )
    db.session.execute(
        sa.insert(EqualityProfile),
        [
            {"member_id": i, "sex": rng.choice(["female", "male"]), "updated_at": now}
            for i in range(1, MEMBERS + 1, 2)
        ],
    )
    surveys = []
    for i in range(1, SURVEYS + 1):
        opens = now - timedelta(days=rng.randint(20, 360))
        closed = opens + timedelta(days=30) < now - timedelta(days=1)
        surveys.append(
            {
                "id": i,
                "title": f"Exercise {i}",
                "status": SurveyStatus.CLOSED if closed else SurveyStatus.LIVE,
                "place_id": rng.choice([None, *place_ids]),
                "purpose": "Load.",
                "audience": "panel",
                "involvement": rng.choice(LEVELS),
                "content": {"pages": []},
                "opens_at": opens,
                "closes_at": opens + timedelta(days=30),
                "closed_at": opens + timedelta(days=30) if closed else None,
                "created_at": opens - timedelta(days=10),
                "updated_at": opens,
            }
        )
    db.session.execute(sa.insert(Survey), surveys)
    db.session.execute(
        sa.insert(ResultsPage),
        [
            {
                "survey_id": s["id"],
                "what_you_said": f"What people said in exercise {s['id']}.",
                "published_at": s["closed_at"] + timedelta(days=rng.randint(5, 40)),
                "updated_at": now,
            }
            for s in surveys
            if s["closed_at"] and rng.random() < 0.7
        ],
    )
    rows = []
    for _ in range(N):
        survey = surveys[rng.randrange(len(surveys))]
        at = min(survey["opens_at"] + timedelta(hours=rng.randint(1, 700)), now)
        rows.append(
            {
                "survey_id": survey["id"],
                "status": "submitted",
                "furthest_page": 1,
                "started_at": at,
                "updated_at": at,
                "submitted_at": at,
                "source": "Personal invitation",
                "place_id": rng.choice(place_ids),
                "age_band": rng.choice(AGES),
                "equality": {},
            }
        )
        if len(rows) == 10_000:
            db.session.execute(sa.insert(SurveyResponse), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(SurveyResponse), rows)
    decisions, links = [], []
    for i in range(1, DECISIONS + 1):
        decisions.append(
            {
                "id": i,
                "title": f"Decision {i}",
                "summary": "",
                "decided_on": (now - timedelta(days=rng.randint(0, 400))).date(),
                "body_kind": "board",
                "body_name": "ICB Board",
                "place_id": rng.choice([None, *place_ids]),
                "paper_reference": "",
                "paper_url": "",
                "status": rng.choice(["proposed", "made", "made", "implemented"]),
                "owner_name": "Director",
                "duty_applies": True,
                "duty_reason": "It changes services.",
                "no_involvement_reason": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        for _ in range(rng.randint(0, 3)):
            links.append(
                {
                    "decision_id": i,
                    "kind": "survey",
                    "survey_id": rng.randint(1, SURVEYS),
                    "people_said": "They said.",
                    "outcome": "did",
                    "how_used": "We did it.",
                    "created_at": now,
                }
            )
    db.session.execute(sa.insert(DecisionRecord), decisions)
    db.session.execute(sa.insert(DecisionLink), links)
    db.session.commit()


def signed_in(app, user: StaffUser, now: datetime):
    """A test client signed in as ``user``, as the real sign-in does (a server-side session)."""
    token = start_login_session(db.session, now, timedelta(hours=2), staff_user_id=user.id)
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = token
    return client


def run(kind: str, url: str) -> dict:
    """Build the year on one database and time the dashboard and the report."""
    app = make_app(url)
    now = datetime.now(UTC)
    with app.app_context():
        populate(now)
        observer = StaffUser(
            email="obs@bench.example", name="Observer", role=Role.OBSERVER, totp_confirmed_at=now
        )
        board = StaffUser(
            email="board@bench.example", name="Board", role=Role.OBSERVER, totp_confirmed_at=now
        )
        board.places = [db.session.scalar(sa.select(Place).order_by(Place.id))]
        db.session.add_all([observer, board])
        db.session.flush()
        client, place_client = signed_in(app, observer, now), signed_in(app, board, now)
        db.session.commit()
        period = committee_report.Period((now - timedelta(days=365)).date(), now.date())
        observer_id = observer.id

    def dashboard(which=client):
        response = which.get("/staff/assurance/")
        assert response.status_code == 200, response.status_code

    def report(pdf: bool):
        with app.test_request_context():
            user = db.session.get(StaffUser, observer_id)
            data = committee_report.committee_report(db.session, user, period, now)
            if pdf:
                assert committee_document.report_pdf(data).startswith(b"%PDF")
            else:
                committee_document.report_html(data)
            db.session.remove()

    dashboard_ms = median(timed(dashboard, REPEAT))
    place_ms = median(timed(lambda: dashboard(place_client), REPEAT))
    html_s = median(timed(lambda: report(False), REPEAT)) / 1000
    report_s = median(timed(lambda: report(True), max(2, REPEAT // 2))) / 1000
    with app.test_request_context():
        user = db.session.get(StaffUser, observer_id)
        data = committee_report.committee_report(db.session, user, period, now)
    figures = {
        "dashboard_ms": dashboard_ms,
        "dashboard_place_ms": place_ms,
        "report_s": round(report_s, 3),
        "report_html_s": round(html_s, 3),
        "pdf_s": round(report_s - html_s, 3),
        "exercises_in_report": len(data.exercises),
        "responses_in_report": data.respondents,
    }
    print(f"[{kind}] {json.dumps(figures)}", file=sys.stderr)
    return figures


def main() -> None:
    """Run on every database available and print the summary line last."""
    results = {kind: run(kind, url) for kind, url in database_urls()}
    first = results["sqlite"]
    summary = {
        "responses": N,
        "exercises": SURVEYS,
        "decisions": DECISIONS,
        "members": MEMBERS,
        "dashboard_ms": max(r["dashboard_ms"] for r in results.values()),
        "report_s": max(r["report_s"] for r in results.values()),
        "report_html_s": first["report_html_s"],
        "pdf_s": first["pdf_s"],
        "dashboard_place_ms": first["dashboard_place_ms"],
        **{f"{kind}_{k}": v for kind, r in results.items() for k, v in r.items()},
    }
    for key, value in summary.items():
        print(f"{key}: {value}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
