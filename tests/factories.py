"""Plain functions that add, flush and return test records."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa

from panel.auth.models import Role, StaffUser
from panel.auth.passwords import hash_password
from panel.places.models import Place

_counter = itertools.count(1)
STAFF_PASSWORD = "a long enough test password"


def place(session, code: str) -> Place:
    return session.scalar(sa.select(Place).where(Place.code == code))


def make_staff(
    session,
    role: Role = Role.COMMS,
    places=(),
    *,
    email: str | None = None,
    password: str = STAFF_PASSWORD,
    enrolled: bool = True,
    **overrides,
) -> StaffUser:
    number = next(_counter)
    now = datetime.now(UTC)
    user = StaffUser(
        email=email or f"staff{number}@example.nhs.uk",
        name=overrides.pop("name", f"Staff Member {number}"),
        role=role,
        password_hash=hash_password(password) if password else None,
        totp_secret=pyotp.random_base32() if enrolled else None,
        totp_confirmed_at=now if enrolled else None,
        places=[place(session, code) if isinstance(code, str) else code for code in places],
        **overrides,
    )
    session.add(user)
    session.flush()
    return user


def make_partner_organisation(session, name: str | None = None, place_code: str | None = None):
    """A partner organisation (for example Healthwatch Blackpool)."""
    from panel.partners.models import PartnerOrganisation

    organisation = PartnerOrganisation(
        name=name or f"Partner Organisation {next(_counter)}",
        place_id=place(session, place_code).id if place_code else None,
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_partner(session, organisation=None, **overrides) -> StaffUser:
    """A partner account (the partner role) for ``organisation`` (a new one when not given)."""
    organisation = organisation or make_partner_organisation(session)
    return make_staff(session, Role.PARTNER, partner_organisation=organisation, **overrides)


def make_member(session, place_code: str = "blackpool", **overrides):
    """An active member (pass status=... for others)."""
    from panel.members.models import Member, MemberStatus

    number = next(_counter)
    now = datetime.now(UTC)
    values = {
        "email": f"member{number}@example.com",
        "first_name": f"First{number}",
        "last_name": f"Last{number}",
        "postcode": "FY1 1AA",
        "place": place(session, place_code),
        "age_band": "45-54",
        "status": MemberStatus.ACTIVE,
        "joined_at": now,
        "created_at": now,
    }
    values.update(overrides)
    member = Member(**values)
    session.add(member)
    session.flush()
    return member


def sign_in_test_client(test_client, user) -> str:
    """Give ``test_client`` a server-side session of the staff ``user`` (both factors assumed
    done), as the real sign-in does; returns the session's token. The caller commits."""
    from panel.extensions import db
    from panel.login_sessions import start_login_session

    db.session.flush()  # the user may have just been added
    token = start_login_session(
        db.session, datetime.now(UTC), timedelta(hours=12), staff_user_id=user.id
    )
    with test_client.session_transaction() as flask_session:
        flask_session["_user_id"] = token
        flask_session["_fresh"] = True
    return token
