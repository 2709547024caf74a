"""What the scheduler last did, one row per job: the scheduler's heartbeat for /healthz and the
record of runs that came late (the scheduler or the database was down when they were due).

A job's failure is recorded by the class of its error only: an exception message may carry an
email address or a token, and this table is read by monitoring.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from panel.database import Base

#: a run that starts this much after it was due is reported as late (the scheduler polls every
#: few seconds and a busy machine may add a little; anything more means it was not running).
LATE_AFTER = timedelta(seconds=60)


class JobRun(Base):
    """The last run of one scheduled job."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    interval_seconds: Mapped[int]
    last_started_at: Mapped[datetime]
    last_finished_at: Mapped[datetime]
    last_succeeded: Mapped[bool]
    #: the error's class name when the last run failed (never its message), else "".
    last_error: Mapped[str] = mapped_column(sa.String(120), default="")
    #: how late the last run started against when it was due, in seconds (0 when on time).
    late_seconds: Mapped[int] = mapped_column(default=0)
    #: the last time a run started late, and by how much: kept until the next late run.
    last_late_at: Mapped[datetime | None]
    last_late_seconds: Mapped[int] = mapped_column(default=0)
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)


def lateness(run: JobRun | None, interval_seconds: int, started: datetime) -> timedelta:
    """How late a run starting at ``started`` is against the one before it (none for a first
    run: nothing was due yet)."""
    if run is None:
        return timedelta(0)
    due = run.last_started_at + timedelta(seconds=interval_seconds)
    late = started - due
    return late if late > LATE_AFTER else timedelta(0)


def record_job_run(
    session: Session,
    job_id: str,
    interval_seconds: int,
    started: datetime,
    finished: datetime,
    error: BaseException | None,
) -> JobRun:
    """Record one run of a job (the caller commits); returns its row."""
    run = session.get(JobRun, job_id)
    late = lateness(run, interval_seconds, started)
    if run is None:
        run = JobRun(job_id=job_id, runs=0, failures=0, last_late_seconds=0)
        session.add(run)
    run.interval_seconds = interval_seconds
    run.last_started_at, run.last_finished_at = started, finished
    run.last_succeeded = error is None
    run.last_error = "" if error is None else type(error).__name__[:120]
    run.late_seconds = int(late.total_seconds())
    if late:
        run.last_late_at, run.last_late_seconds = started, run.late_seconds
    run.runs += 1
    run.failures += error is not None
    session.flush()
    return run


def job_runs(session: Session) -> list[JobRun]:
    """Every job's last run, by job id."""
    return list(session.scalars(sa.select(JobRun).order_by(JobRun.job_id)))
