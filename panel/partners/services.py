"""Partner organisations: adding them and finding them (the comms team manages them)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.field_errors import FieldError
from panel.partners.models import PartnerOrganisation
from panel.places.models import Place


class PartnerError(FieldError):
    """The organisation cannot be saved as asked; ``field`` names the field at fault."""

    field = "name"


def create_organisation(
    session: Session, actor, name: str, place_id: int | None, now: datetime
) -> PartnerOrganisation:
    """Add a partner organisation (audited). Raises PartnerError for an empty or taken name or
    an unknown place."""
    name = " ".join((name or "").split())[:120]
    if not name:
        raise PartnerError("Enter the organisation's name")
    if place_id is not None and session.get(Place, place_id) is None:
        raise PartnerError("Choose a place from the list", field="place_id")
    taken = session.scalar(
        sa.select(PartnerOrganisation.id).where(
            sa.func.lower(PartnerOrganisation.name) == name.lower()
        )
    )
    if taken:
        raise PartnerError("An organisation with this name already exists")
    organisation = PartnerOrganisation(name=name, place_id=place_id, created_at=now)
    session.add(organisation)
    session.flush()
    record_audit(
        session, actor, "partner.create", "partner_organisation", [organisation.id], now=now
    )
    return organisation


def all_organisations(session: Session) -> list[PartnerOrganisation]:
    """Every partner organisation, by name."""
    return list(session.scalars(sa.select(PartnerOrganisation).order_by(PartnerOrganisation.name)))


def find_organisation(session: Session, organisation_id: int) -> PartnerOrganisation | None:
    """One partner organisation, or None."""
    return session.get(PartnerOrganisation, organisation_id)
