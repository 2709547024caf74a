"""The demo staff accounts, one a role, with fixed sign-in secrets (refused in production)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.auth.passwords import hash_password
from panel.places.models import Place

DEMO_PASSWORD = "demo-panel-password"  # noqa: S105 (demo accounts only; refused in production)


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff account as the README and the browser tests know it."""

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
