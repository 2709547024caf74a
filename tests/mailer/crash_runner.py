"""A sender to kill: `python -m tests.mailer.crash_runner MODE DB_URL FAKE_URL [KILL_AT]`.

MODE "setup" fills the database with members and a due bulletin; "send" runs the scheduler's
dispatch (and, with KILL_AT "marked:3", SIGKILLs itself at the third "marked" hazard point);
"recover" runs the dispatch an hour later, as a scheduler returning after the crash would.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import timedelta

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def _app(db_url: str, fake_url: str):
    from app import create_app
    from tests.conftest import BASE_CONFIG

    return create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": db_url,
            "MAIL_BACKEND": "sendgrid",
            "SENDGRID_API_KEY": "SG.crash-test",
            "SENDGRID_API_HOST": fake_url,
            "SENDGRID_TIMEOUT": 5,
            "BULLETIN_RETRY_DELAYS": (0.05,),
        }
    )


def setup(session, members: int) -> None:
    from panel.auth.models import Role
    from panel.database import utcnow
    from tests.factories import make_staff
    from tests.mailer.bulletin_helpers import make_bulletin, make_due, make_members

    now = utcnow()
    comms = make_staff(session, Role.COMMS)
    make_members(session, members)
    make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()


def main(argv: list[str]) -> None:
    mode, db_url, fake_url = argv[:3]
    kill_at = argv[3] if len(argv) > 3 else ""
    app = _app(db_url, fake_url)
    with app.app_context():
        from mailer.bulletins.services import send
        from panel.database import utcnow
        from panel.extensions import db

        if mode == "setup":
            setup(db.session, int(kill_at or 300))
            return
        calls: dict[str, int] = {}
        point, _, nth = kill_at.partition(":")

        def hazard(name: str) -> None:
            calls[name] = calls.get(name, 0) + 1
            if name == point and calls[name] == int(nth or 1):
                os.kill(os.getpid(), signal.SIGKILL)

        shift = timedelta(hours=1) if mode == "recover" else timedelta(0)
        now = utcnow() + shift
        send.mark_stale_batches_unknown(db.session, now)
        due = send.due_bulletin_ids(db.session, now)
        db.session.commit()
        for bulletin_id in due:
            worker = send.new_worker_name()
            if send.claim_bulletin(db.session, bulletin_id, worker, now):
                send.run_send(
                    db.session,
                    bulletin_id,
                    send.bulletin_sender(),
                    worker,
                    clock=lambda: utcnow() + shift,
                    batch_size=20,
                    hazard=hazard,
                )


def fold(argv: list[str]) -> None:
    """Fold the tracking spool at SPOOL_DIR into DB_URL: `fold DB_URL SPOOL_DIR`. The scheduler's
    fold needs only a session, so no app is built: the kill lands in the fold, not in start-up."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from mailer.tracking.spool import fold_spool
    from panel.database import utcnow
    from panel.database_setup import configure_engine, engine_options

    db_url, spool_dir = argv
    engine = sa.create_engine(db_url, **engine_options(db_url, {}))
    configure_engine(engine)
    with Session(engine) as session:
        fold_spool(session, spool_dir, utcnow())
    engine.dispose()


def fold_redis(argv: list[str]) -> None:
    """Fold the Redis stream KEY into DB_URL: `fold_redis DB_URL REDIS_URL KEY` (no app)."""
    import redis
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from mailer.tracking.hit_store import fold_stream
    from panel.database_setup import configure_engine, engine_options

    db_url, redis_url, key = argv
    engine = sa.create_engine(db_url, **engine_options(db_url, {}))
    configure_engine(engine)
    with Session(engine) as session:
        fold_stream(session, redis.Redis.from_url(redis_url), key)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
