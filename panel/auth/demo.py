"""The demo staff accounts, one a role, with fixed sign-in secrets (refused in production)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.auth.passwords import hash_password
from panel.partners.models import PartnerOrganisation
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
    #: a partner account's organisation (made with the account if it does not exist yet).
    organisation: str = ""


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
    DemoAccount(
        "partner@demo.lsc-panel.example",
        "Parveen Partner",
        Role.PARTNER,
        ("blackpool",),
        "JBSWY3DPEHPK3PXPPARTNERDEMOAAAAA",
        organisation="Healthwatch Blackpool",
    ),
)


def _organisation(session: Session, account: DemoAccount, places: dict) -> PartnerOrganisation:
    """The partner account's organisation (working in the account's place), made once."""
    organisation = session.scalar(
        sa.select(PartnerOrganisation).where(PartnerOrganisation.name == account.organisation)
    )
    if organisation is None:
        place = places.get(account.place_codes[0]) if account.place_codes else None
        organisation = PartnerOrganisation(
            name=account.organisation, place_id=place.id if place else None
        )
        session.add(organisation)
        session.flush()
    return organisation


def create_demo_staff(session: Session, now: datetime) -> list[DemoAccount]:
    """Create the demo staff accounts that do not exist yet."""
    places = {p.code: p for p in session.scalars(sa.select(Place))}
    for account in DEMO_ACCOUNTS:
        exists = session.scalar(sa.select(StaffUser.id).where(StaffUser.email == account.email))
        if exists:
            continue
        partner = account.role is Role.PARTNER
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
                places=[] if partner else [places[code] for code in account.place_codes],
                partner_organisation=_organisation(session, account, places) if partner else None,
            )
        )
    session.flush()
    return list(DEMO_ACCOUNTS)
