"""People reached through partners in a period: who partners' reports in the insight library
heard from (by group), and who joined the panel through recruitment sources' sign-up links.

"People reached from seldom-heard groups via partners" is counted from partner reports (for
example Healthwatch's), which record the groups heard from and, where the partner gave it, how
many people. A report without a number is counted as a report and said to lack one, never
guessed. Panel joiners cannot be split this way: a recruitment source does not record whether
it is a partner or a channel (a poster, a post), so they are shown by source only.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.access import scope_to_places
from panel.auth.models import StaffUser
from panel.members.models import Member, RecruitmentSource
from surveys.assurance.period import Period
from surveys.insights.models import InsightFinding, SourceKind
from surveys.insights.vocabulary import GROUPS, decode_codes

#: groups in the library's vocabulary that are not seldom heard.
NOT_SELDOM_HEARD = frozenset({"general_public", "women", "men"})


@dataclass(frozen=True)
class SourceCount:
    """Members who joined in the period through one recruitment source."""

    source_id: int
    name: str
    joined: int


@dataclass(frozen=True)
class Recruitment:
    """Who joined in the period, and through which sources."""

    joined: int
    through_sources: int
    by_source: list[SourceCount]


def recruitment(session: Session, user: StaffUser, period: Period) -> Recruitment:
    """Members who joined in the period (in the user's places), and how many came through each
    recruitment source; members who have since left still count as reached."""
    joined = scope_to_places(
        sa.select(Member.recruitment_source_id, sa.func.count(Member.id).label("joined"))
        .where(Member.joined_at >= period.start_at, Member.joined_at < period.end_at)
        .group_by(Member.recruitment_source_id),
        user,
        Member.place_id,
    ).subquery()
    rows = session.execute(
        sa.select(joined.c.recruitment_source_id, RecruitmentSource.name, joined.c.joined)
        .select_from(joined)
        .outerjoin(RecruitmentSource, RecruitmentSource.id == joined.c.recruitment_source_id)
    ).all()
    by_source = sorted(
        (SourceCount(source_id, name, count) for source_id, name, count in rows if source_id),
        key=lambda row: (-row.joined, row.name),
    )
    return Recruitment(
        sum(count for *_ignored, count in rows), sum(s.joined for s in by_source), by_source
    )


@dataclass(frozen=True)
class GroupReach:
    """Partner reports in the period that heard from one group."""

    code: str
    label: str
    reports: int
    #: people heard from, summed over the reports that gave a number.
    people: int
    reports_without_number: int


@dataclass(frozen=True)
class PartnerReach:
    """Who partners heard from in the period, from their reports in the insight library."""

    reports: int
    #: reports that heard from at least one seldom-heard group, and the people they heard from.
    seldom_heard_reports: int
    seldom_heard_people: int
    seldom_heard_without_number: int
    by_group: list[GroupReach]


def partner_reach(session: Session, user: StaffUser, period: Period) -> PartnerReach:
    """Partner reports heard in the period, in the user's places like every other figure on
    the dashboard (a place team: its places' reports, not ICB-wide ones), by group heard from.
    One query: a year's reports are tens of rows, so the grouping by code is done here."""
    rows = session.execute(
        scope_to_places(
            sa.select(InsightFinding.group_codes, InsightFinding.people_heard).where(
                InsightFinding.source_kind == SourceKind.PARTNER_REPORT,
                InsightFinding.heard_on >= period.first_day,
                InsightFinding.heard_on <= period.last_day,
            ),
            user,
            InsightFinding.place_id,
        )
    ).all()
    per_group: dict[str, list[int | None]] = {}
    seldom = [people for codes, people in rows if _seldom_heard(decode_codes(codes))]
    for codes, people in rows:
        for code in set(decode_codes(codes)):
            per_group.setdefault(code, []).append(people)
    by_group = [
        GroupReach(
            code,
            label,
            len(per_group[code]),
            sum(n for n in per_group[code] if n),
            sum(1 for n in per_group[code] if n is None),
        )
        for code, label in GROUPS
        if code in per_group
    ]
    return PartnerReach(
        reports=len(rows),
        seldom_heard_reports=len(seldom),
        seldom_heard_people=sum(n for n in seldom if n),
        seldom_heard_without_number=sum(1 for n in seldom if n is None),
        by_group=by_group,
    )


def _seldom_heard(codes: list[str]) -> bool:
    return any(code not in NOT_SELDOM_HEARD for code in codes)
