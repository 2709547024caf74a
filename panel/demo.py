"""Demo data so a new user sees a living system; safe to run again (nothing is duplicated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.auth.passwords import hash_password
from panel.places.models import Place
from panel.places.services import load_reference_places

DEMO_PASSWORD = "demo-panel-password"  # noqa: S105 (demo accounts only)  # noqa: S105 (demo accounts only; refused in production)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    place_codes: tuple[str, ...]
    #: fixed so the README and browser tests can produce codes; demo accounts only.
    totp_secret: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "comms@demo.lsc-panel.example",
        "Casey Comms",
        Role.COMMS,
        (),
        "JBSWY3DPEHPK3PXPCOMMSDEMOAAAAAAA",
    ),
    DemoAccount(
        "place@demo.lsc-panel.example",
        "Priya Place",
        Role.PLACE,
        ("blackpool", "south-cumbria"),
        "JBSWY3DPEHPK3PXPPLACEDEMOAAAAAAA",
    ),
    DemoAccount(
        "observer@demo.lsc-panel.example",
        "Olu Observer",
        Role.OBSERVER,
        (),
        "JBSWY3DPEHPK3PXPOBSERVERDEMOAAAA",
    ),
)


def create_demo_staff(session: Session, now: datetime) -> list[DemoAccount]:
    """Create the demo staff accounts that do not exist yet."""
    places = {p.code: p for p in session.scalars(sa.select(Place))}
    for account in DEMO_ACCOUNTS:
        exists = session.scalar(sa.select(StaffUser.id).where(StaffUser.email == account.email))
        if exists:
            continue
        session.add(
            StaffUser(
                email=account.email,
                name=account.name,
                role=account.role,
                password_hash=hash_password(DEMO_PASSWORD),
                password_changed_at=now,
                totp_secret=account.totp_secret,
                totp_confirmed_at=now,
                created_at=now,
                places=[places[code] for code in account.place_codes],
            )
        )
    session.flush()
    return list(DEMO_ACCOUNTS)


def create_demo_data(session: Session, now: datetime) -> list[DemoAccount]:
    """Everything the demo needs; later capabilities add their own steps here."""
    from mailer.bulletins.demo import create_demo_bulletins
    from mailer.tracking.demo import create_demo_tracking
    from panel.members.demo import create_demo_members
    from panel.segments.demo import create_demo_segments
    from surveys.demo import create_demo_surveys
    from surveys.results.demo import create_demo_results

    load_reference_places(session)
    accounts = create_demo_staff(session, now)
    create_demo_members(session, now)
    create_demo_segments(session, now)
    create_demo_surveys(session, now)
    create_demo_bulletins(session, now)
    create_demo_tracking(session, now)
    create_demo_results(session, now)
    return accounts
