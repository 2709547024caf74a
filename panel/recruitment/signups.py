"""Sign-ups month by month over the last year: per recruitment source, and per group the plan
says a place needs, so the team sees whether the work is reaching the people it is aimed at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.disclosure import suppress_table
from panel.members.models import EqualityProfile, Member
from panel.members.services.sources import OTHER_TEAMS_SOURCES, visible_sources
from panel.recruitment.plan import RecruitmentPlan
from panel.segments.services.representativeness import DIMENSIONS, PROTECTED_DIMENSIONS
from panel.segments.services.special_category import may_use_special_category

LONDON = ZoneInfo("Europe/London")
MONTHS = 12
NO_SOURCE = "No source recorded"


@dataclass(frozen=True)
class Series:
    """One line of a month-by-month table; HIDDEN marks a count under the small-number rule."""

    label: str
    counts: list[int | str]


@dataclass(frozen=True)
class SignupTables:
    """Joiners per month by source, and per place by the groups it most needs."""

    months: list[str]
    by_source: list[Series]
    #: (place name, rows of the groups it most needs)
    by_group: list[tuple[str, list[Series]]]


def _month_keys(now: datetime) -> list[tuple[int, int]]:
    local = now.astimezone(LONDON)
    keys, year, month = [], local.year, local.month
    for _ in range(MONTHS):
        keys.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys[::-1]


def signup_tables(
    session: Session, user: StaffUser, plan: RecruitmentPlan, now: datetime
) -> SignupTables:
    """Joiners per month (UK time) for the last twelve months, within the user's places."""
    keys = _month_keys(now)
    first = datetime(*keys[0], 1, tzinfo=LONDON)
    index = {key: i for i, key in enumerate(keys)}
    expressions = [DIMENSIONS[key][1] for key in DIMENSIONS]
    query = scope_to_places(
        sa.select(Member.joined_at, Member.place_id, Member.recruitment_source_id, *expressions)
        .outerjoin(EqualityProfile)
        .where(Member.joined_at >= first, Member.joined_at < now),
        user,
        Member.place_id,
    )
    names = {source.id: source.name for source in visible_sources(session, user)}
    by_source: dict[str, list[int]] = {}
    by_group: dict[tuple[int, str, str], list[int]] = {}
    for joined_at, place_id, source_id, *categories in session.execute(query):
        local = joined_at.astimezone(LONDON)
        column = index.get((local.year, local.month))
        if column is None:
            continue
        label = NO_SOURCE if source_id is None else names.get(source_id, OTHER_TEAMS_SOURCES)
        by_source.setdefault(label, [0] * MONTHS)[column] += 1
        for key, category in zip(DIMENSIONS, categories, strict=True):
            cell = by_group.setdefault((place_id, key, category), [0] * MONTHS)
            cell[column] += 1
    sources = [Series(label, counts) for label, counts in sorted(by_source.items())]
    labels = {
        (key, code): f"{DIMENSIONS[key][0]}: {label}"
        for key in DIMENSIONS
        for code, label in DIMENSIONS[key][2]
    }
    codes = {label: code for (key, code), label in labels.items()}
    groups = []
    protect = not may_use_special_category(user)
    for place in plan.places:
        rows = []
        for need in place.most_needed:
            key = next(k for k in DIMENSIONS if DIMENSIONS[k][0] == need.characteristic)
            code = codes[f"{need.characteristic}: {need.group}"]
            counts = by_group.get((place.area.place_id, key, code), [0] * MONTHS)
            if protect and key in PROTECTED_DIMENSIONS:
                [counts], _ = suppress_table([counts], pad_with_zeros=True)
            rows.append(Series(f"{need.characteristic}: {need.group}", list(counts)))
        groups.append((place.area.name, rows))
    months = [datetime(y, m, 1).strftime("%b %Y") for y, m in keys]
    return SignupTables(months, sources, groups)
