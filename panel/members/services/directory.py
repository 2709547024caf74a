"""The staff member directory: filtered, place-scoped lists, details and safe CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.models import OutboundEmail
from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members import reference
from panel.members.models import Member, MemberStatus


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
    query = members_query(user, filters, zone)
    total = session.scalar(query.with_only_columns(sa.func.count()).order_by(None)) or 0
    members = session.scalars(
        query.order_by(Member.created_at.desc(), Member.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(members), total


def contact_history(session: Session, member: Member) -> list[OutboundEmail]:
    return list(
        session.scalars(
            sa.select(OutboundEmail)
            .where(OutboundEmail.member_id == member.id)
            .order_by(OutboundEmail.id.desc())
            .limit(100)
        )
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Neutralise cells a spreadsheet would run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


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


def export_rows(
    session: Session, user: StaffUser, filters: DirectoryFilters
) -> Iterator[list[str]]:
    """CSV rows (header first) of the members the user may see; streamed in chunks."""
    yield EXPORT_COLUMNS
    query = members_query(user, filters).order_by(Member.id).execution_options(yield_per=1000)
    for member in session.scalars(query):
        yield [
            spreadsheet_safe(v)
            for v in (
                member.id,
                member.first_name,
                member.last_name,
                member.email,
                member.postcode,
                member.place.name if member.place else "",
                member.neighbourhood.name if member.neighbourhood else "",
                reference.label_for(reference.AGE_BANDS, member.age_band),
                "; ".join(member.topics or []),
                member.preferred_format,
                member.language,
                member.recruitment_source.name if member.recruitment_source else "",
                member.status.value,
                member.joined_at.date().isoformat() if member.joined_at else "",
                member.paused_until.date().isoformat() if member.paused_until else "",
                "yes" if member.unsubscribed_at else "",
            )
        ]


def rows_to_csv(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
