"""The staff member directory: filtered, place-scoped lists, details and safe CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.transport import MemberEmail, emails_for_member
from panel import csv_export
from panel.audit.services import record_audit
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.csv_export import spreadsheet_safe
from panel.members import reference
from panel.members.models import Member, MemberStatus, RecruitmentSource
from panel.places.models import Neighbourhood, Place


@dataclass
class DirectoryFilters:
    """What the directory's filter form gives; every field optional."""

    text: str = ""
    place_id: int | None = None
    neighbourhood_id: int | None = None
    status: MemberStatus | None = None
    source_id: int | None = None
    joined_from: date | None = None
    joined_to: date | None = None

    def describe(self) -> str:
        """The filters in use, for the audit log: ids and dates, never the search text (it may
        be a name or an email address)."""
        parts = [
            f"{name} {value}"
            for name, value in (
                ("place", self.place_id),
                ("neighbourhood", self.neighbourhood_id),
                ("status", self.status.value if self.status else None),
                ("source", self.source_id),
                ("joined from", self.joined_from),
                ("joined to", self.joined_to),
            )
            if value
        ]
        if self.text.strip():
            parts.append("a name or email search")
        return "filters: " + (", ".join(parts) if parts else "none")


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def members_query(user: StaffUser, filters: DirectoryFilters, zone: str = "Europe/London"):
    """A select() of the members this user may see, narrowed by the filters."""
    query = scope_to_places(sa.select(Member), user, Member.place_id)
    if filters.status is not None:
        query = query.where(Member.status == filters.status)
    else:
        query = query.where(Member.status != MemberStatus.LEFT)
    if filters.place_id:
        query = query.where(Member.place_id == filters.place_id)
    if filters.neighbourhood_id:
        query = query.where(Member.neighbourhood_id == filters.neighbourhood_id)
    if filters.source_id:
        query = query.where(Member.recruitment_source_id == filters.source_id)
    if filters.joined_from:
        query = query.where(Member.joined_at >= _local_midnight(filters.joined_from, zone))
    if filters.joined_to:
        end = _local_midnight(filters.joined_to, zone) + (
            _local_midnight(date(2000, 1, 2), zone) - _local_midnight(date(2000, 1, 1), zone)
        )
        query = query.where(Member.joined_at < end)
    text = " ".join(filters.text.split()).lower()
    if text:
        # Escape LIKE wildcards so a search for "100%" means what it says.
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        full_name = sa.func.lower(
            sa.func.coalesce(Member.first_name, "") + " " + sa.func.coalesce(Member.last_name, "")
        )
        query = query.where(
            sa.or_(Member.email.like(pattern, escape="\\"), full_name.like(pattern, escape="\\"))
        )
    return query


def list_members(
    session: Session,
    user: StaffUser,
    filters: DirectoryFilters,
    *,
    page: int,
    per_page: int = 50,
    zone: str = "Europe/London",
) -> tuple[list[Member], int]:
    """One page of the members the user may see with the filters applied, and the total."""
    query = members_query(user, filters, zone)
    total = session.scalar(query.with_only_columns(sa.func.count()).order_by(None)) or 0
    members = session.scalars(
        query.order_by(Member.created_at.desc(), Member.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(members), total


def contact_history(session: Session, member: Member) -> list[MemberEmail]:
    """The latest hundred emails queued for the member, newest first."""
    return emails_for_member(session, member.id, newest_first=True, limit=100)


EXPORT_COLUMNS = [
    "member_id",
    "first_name",
    "last_name",
    "email",
    "postcode",
    "place",
    "neighbourhood",
    "age_band",
    "topics",
    "preferred_format",
    "language",
    "source",
    "status",
    "joined",
    "invitations_paused_until",
    "unsubscribed",
]

#: about this many characters of CSV go out in one piece of the export (tests make it small).
CHUNK_CHARACTERS = csv_export.CHUNK_CHARACTERS


def export_rows(
    session: Session,
    user: StaffUser,
    filters: DirectoryFilters,
    zone: str = "Europe/London",
    exported_ids: list[int] | None = None,
) -> Iterator[list[str]]:
    """CSV rows (header first) of the members the user may see with the filters applied, read
    in batches; each member's id is appended to ``exported_ids`` as its row is made."""
    yield EXPORT_COLUMNS
    query = (
        members_query(user, filters, zone)
        .outerjoin(Place, Place.id == Member.place_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Member.neighbourhood_id)
        .outerjoin(RecruitmentSource, RecruitmentSource.id == Member.recruitment_source_id)
        .add_columns(Place.name, Neighbourhood.name, RecruitmentSource.name)
        .order_by(Member.id)
        .execution_options(yield_per=1000)
    )
    for member, place_name, neighbourhood_name, source_name in session.execute(query):
        if exported_ids is not None:
            exported_ids.append(member.id)
        # Safe as made, whoever reads the rows; csv_chunks applies it again, which changes nothing.
        yield [
            spreadsheet_safe(v)
            for v in (
                member.id,
                member.first_name,
                member.last_name,
                member.email,
                member.postcode,
                place_name,
                neighbourhood_name,
                reference.label_for(reference.AGE_BANDS, member.age_band),
                "; ".join(member.topics or []),
                member.preferred_format,
                member.language,
                source_name,
                member.status.value,
                member.joined_at.date().isoformat() if member.joined_at else "",
                member.paused_until.date().isoformat() if member.paused_until else "",
                "yes" if member.unsubscribed_at else "",
            )
        ]


def export_csv(
    session: Session, user_id: int, filters: DirectoryFilters, *, zone: str, now: datetime
) -> Iterator[str]:
    """The directory export for staff user ``user_id``, as CSV text in pieces; once the last
    row is made, the audit row naming every exported member is added (the caller commits it
    only if the whole file was made). Raises NoResultFound if the user is gone."""
    user = session.get_one(StaffUser, user_id)
    exported_ids: list[int] = []
    yield from csv_export.csv_chunks(
        None, export_rows(session, user, filters, zone, exported_ids), CHUNK_CHARACTERS
    )
    record_audit(
        session,
        user,
        "members.export",
        "member",
        exported_ids,
        detail=f"CSV export of the directory: {len(exported_ids)} members; {filters.describe()}",
        now=now,
    )
