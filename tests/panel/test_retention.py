"""Retention of sign-ups (7 days unconfirmed, join drafts a day), audited with counts and safe to
run twice; the staff Retention page; `flask retention --dry-run`."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.scheduler import JOBS, run_job
from mailer.models import EmailStatus, OutboundEmail
from panel.api_keys.services import record_api_call
from panel.audit.models import AuditEvent
from panel.audit.retention import months_before
from panel.auth.models import Role
from panel.auth.throttle import SignInThrottle
from panel.database import utcnow
from panel.login_sessions import LoginSession, start_login_session
from panel.members.models import JoinDraft, Member, MemberStatus
from panel.members.services.joining import purge_unconfirmed_job
from tests.factories import make_member, make_staff

DAY = timedelta(days=1)


def _pending(session, created_at) -> Member:
    return make_member(session, status=MemberStatus.PENDING, joined_at=None, created_at=created_at)


def _events(session) -> list[AuditEvent]:
    return list(
        session.scalars(sa.select(AuditEvent).where(AuditEvent.action.startswith("retention.")))
    )


def test_sign_ups_go_after_seven_days_audited_once(session, now):
    older = _pending(session, now - 8 * DAY)
    younger = _pending(session, now - 6 * DAY)
    member = make_member(session, created_at=now - 30 * DAY)
    session.add_all(
        [
            JoinDraft(token_hash="a" * 64, updated_at=now - 2 * DAY),
            JoinDraft(token_hash="b" * 64, updated_at=now - DAY / 2),
        ]
    )
    session.flush()
    assert purge_unconfirmed_job(session, now) == 1
    remaining = set(session.scalars(sa.select(Member.id)))
    assert older.id not in remaining and {younger.id, member.id} <= remaining
    assert session.scalar(sa.select(sa.func.count(JoinDraft.id))) == 1
    (event,) = _events(session)
    assert event.staff_user_id is None and event.action == "retention.sign_ups"
    assert event.detail == "unconfirmed sign-ups: 1; join drafts: 1"
    assert event.object_ids == ""  # nothing that leads back to the people removed
    # A second run removes nothing and writes no event.
    assert purge_unconfirmed_job(session, now) == 0
    assert len(_events(session)) == 1
    # A day later the younger sign-up is past its seven days.
    assert purge_unconfirmed_job(session, now + 2 * DAY) == 1


def test_months_before_keeps_the_day_or_ends_the_month(now):
    assert months_before(now, 6) == now.replace(month=5)
    assert months_before(now.replace(month=8, day=31), 6) == now.replace(month=2, day=28)
    assert months_before(now, 72) == now.replace(year=now.year - 6)


def test_the_retention_page_lists_the_schedule_and_what_was_removed(
    app, client, login_as, session, now
):
    _pending(session, now - 8 * DAY)
    purge_unconfirmed_job(session, now)
    session.commit()
    login_as(make_staff(session, Role.COMMS))
    page = client.get("/staff/audit/retention")
    assert page.status_code == 200
    for text in (
        "7 days after signing up",
        "30 days after the survey closes",
        "RETENTION_RESPONSE_LINK_MONTHS",
        "6 years after the survey closes",
        "<li>unconfirmed sign-ups: 1</li><li>join drafts: 0</li>",
    ):
        assert text in page.text
    # The privacy notice tells members the same periods.
    privacy = client.get("/privacy").text
    assert "deleted 30 days after the survey closes" in privacy
    assert "removed 6 months after it closes" in privacy
    assert "deleted 6 years after it closes" in privacy


def test_the_dry_run_says_what_would_go_and_removes_nothing(app, session, now):
    gone = _pending(session, now - 30 * DAY)
    session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove now:" in dry.output and "unconfirmed sign-ups: 1" in dry.output
    assert "deleted surveys: 0" in dry.output
    session.expire_all()
    assert session.get(Member, gone.id) is not None and not _events(session)
    done = runner.invoke(args=["retention"])
    assert "Removed:" in done.output and "unconfirmed sign-ups: 1" in done.output
    session.expire_all()
    assert session.get(Member, gone.id) is None and len(_events(session)) == 1
    assert "unconfirmed sign-ups: 0" in runner.invoke(args=["retention", "--dry-run"]).output


def test_the_scheduler_runs_the_retention_jobs_and_commits(app, session, now):
    gone = _pending(session, now - 30 * DAY).id
    session.commit()
    for job in ("purge-unconfirmed-sign-ups", "survey-retention"):
        run_job(app, next(spec for spec in JOBS if spec.id == job))
    assert session.get(Member, gone) is None
    assert [e.action for e in _events(session)] == ["retention.sign_ups"]


@pytest.fixture
def real_now():
    """The jobs below run through the scheduler, which reads the clock."""
    return utcnow()


def test_the_housekeeping_purges_are_audited_with_counts_and_listed(
    app, client, login_as, session, real_now
):
    """Sent email copies, ended sign-in sessions and old failed sign-ins go on schedule (the
    jobs run at the real time), each run audited with a count only (never an address), and a
    run that removes nothing is silent."""
    staff = make_staff(session, Role.COMMS)
    start_login_session(session, real_now - 3 * DAY, timedelta(hours=12), staff_user_id=staff.id)
    start_login_session(session, real_now, timedelta(hours=12), staff_user_id=staff.id)
    session.add_all(
        [
            SignInThrottle(key_hash="c" * 64, failures=3, updated_at=real_now - 2 * DAY),
            SignInThrottle(key_hash="d" * 64, failures=1, updated_at=real_now),
            *(
                OutboundEmail(
                    idempotency_key=f"old-{age}",
                    kind="member_magic_link",
                    to_email=f"resident{age}@example.com",
                    subject="Sign in",
                    text_body="https://panel.example/m/secret",
                    html_body="<p>secret</p>",
                    status=EmailStatus.SENT,
                    sent_at=real_now - age * DAY,
                )
                for age in (40, 2)
            ),
        ]
    )
    for age in (91, 89):  # partner API calls: kept 90 days (RETENTION_API_CALL_DAYS)
        record_api_call(session, None, "GET", "/api/v1/surveys", 200, real_now - age * DAY)
    session.commit()
    jobs = {
        "forget-old-api-calls": ("retention.api_calls", "API call audit rows deleted: 1"),
        "purge-sent-email-bodies": ("retention.email_copies", "sent email copies blanked: 1"),
        "purge-expired-login-sessions": ("retention.login_sessions", "ended sign-in sessions: 1"),
        "forget-old-sign-in-failures": (
            "retention.sign_in_failures",
            "failed sign-in counts forgotten: 1",
        ),
    }
    for _ in range(2):  # the second round finds nothing and writes nothing
        for job in jobs:
            run_job(app, next(spec for spec in JOBS if spec.id == job))
    session.expire_all()
    events = {e.action: e for e in _events(session)}
    assert {action: e.detail for action, e in events.items()} == dict(jobs.values())
    assert all(e.object_ids == "" and e.staff_user_id is None for e in events.values())
    assert session.scalar(sa.select(sa.func.count(LoginSession.id))) == 1
    assert session.scalar(sa.select(sa.func.count(SignInThrottle.id))) == 1
    kept = session.scalars(sa.select(OutboundEmail.to_email).order_by(OutboundEmail.id)).all()
    assert kept == ["(removed)", "resident2@example.com"]
    calls = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "api.call")
    assert session.scalar(calls) == 1

    login_as(staff)
    page = client.get("/staff/audit/retention").text
    for text in ("30 days after sending", "Sign-in sessions", "failed sign-ins", "90 days after"):
        assert text in page
    assert "<li>ended sign-in sessions: 1</li>" in page
