"""Retention of sign-ups (7 days unconfirmed, join drafts a day), audited with counts and safe to
run twice; the staff Retention page; `flask retention --dry-run`."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.scheduler import JOBS, run_job
from panel.audit.models import AuditEvent
from panel.audit.retention import months_before
from panel.auth.models import Role
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
