"""Keeping the insight library: record and edit a finding (checked, audited), list and search
findings with filters, and find what we already know for a survey's plan. Place teams read their
places' and ICB-wide findings and keep their places' own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.audit.services import record_audit
from panel.auth.access import can_see_place, visible_place_ids
from panel.auth.models import StaffUser
from panel.domain_events import EventType, emit
from panel.field_errors import FieldError
from panel.places.models import Place
from panel.web_links import is_web_link
from surveys.decisions.models import DecisionRecord
from surveys.insights.models import InsightFinding, SourceKind
from surveys.insights.vocabulary import (
    GROUP_LABELS,
    TOPIC_LABELS,
    encode_codes,
    normalise,
    query_words,
)
from surveys.models import InvolvementLevel, ResultsPage, Survey

#: a LIKE pattern's own wildcards, escaped with this character.
_ESCAPE = "\\"


class InsightError(FieldError):
    """The finding cannot be saved; the message says why, next to the field it names."""


@dataclass
class InsightFields:
    """What staff type about a finding (the form's values, as plain Python)."""

    title: str
    summary: str
    source_kind: str
    heard_on: date | None
    owner_name: str
    source_name: str = ""
    source_url: str = ""
    survey_id: int | None = None
    decision_id: int | None = None
    place_id: int | None = None
    topics: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    people_heard: int | None = None
    involvement: str = ""
    is_public: bool = False


@dataclass(frozen=True)
class InsightQuery:
    """A search of the library: words (every one must appear) and filters (None: any)."""

    words: str = ""
    topic: str | None = None
    group: str | None = None
    source_kind: SourceKind | None = None
    place_id: int | None = None
    #: True: ICB-wide findings only.
    icb_wide: bool = False
    heard_from: date | None = None
    heard_to: date | None = None


def visible_insights(user: StaffUser):
    """A select() of the findings the user may read: a place team's places and ICB-wide ones."""
    query = sa.select(InsightFinding).options(
        selectinload(InsightFinding.place), selectinload(InsightFinding.survey)
    )
    place_ids = visible_place_ids(user)
    if place_ids is None:
        return query
    return query.where(
        sa.or_(InsightFinding.place_id.is_(None), InsightFinding.place_id.in_(sorted(place_ids)))
    )


def can_read(user: StaffUser, finding: InsightFinding) -> bool:
    """Whether the user may read this finding (a place team: its places' and ICB-wide ones)."""
    return finding.place_id is None or can_see_place(user, finding.place_id)


def can_edit(user: StaffUser, finding: InsightFinding) -> bool:
    """Whether the user keeps this finding (a place team: its places' findings only)."""
    return can_see_place(user, finding.place_id)


def _like_word(word: str) -> str:
    escaped = word.replace(_ESCAPE, _ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def _code(column, code: str):
    return column.like(f"%|{code}|%")


def _filtered(query, search: InsightQuery):
    for word in query_words(search.words):
        # " word" at the start of a word: "hosp" finds "hospital", "ital" does not.
        query = query.where(InsightFinding.search_text.like(_like_word(word), escape=_ESCAPE))
    if search.topic:
        query = query.where(_code(InsightFinding.topic_codes, search.topic))
    if search.group:
        query = query.where(_code(InsightFinding.group_codes, search.group))
    if search.source_kind is not None:
        query = query.where(InsightFinding.source_kind == search.source_kind)
    if search.icb_wide:
        query = query.where(InsightFinding.place_id.is_(None))
    elif search.place_id is not None:
        query = query.where(InsightFinding.place_id == search.place_id)
    if search.heard_from is not None:
        query = query.where(InsightFinding.heard_on >= search.heard_from)
    if search.heard_to is not None:
        query = query.where(InsightFinding.heard_on <= search.heard_to)
    return query


def search_insights(
    session: Session, user: StaffUser, search: InsightQuery, limit: int = 200
) -> list[InsightFinding]:
    """The findings the user may read that match every word and filter, newest first."""
    query = _filtered(visible_insights(user), search)
    order = (InsightFinding.heard_on.desc(), InsightFinding.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def insights_for_survey(
    session: Session, user: StaffUser, survey: Survey, limit: int = 5
) -> list[InsightFinding]:
    """What the library already knows for a survey's plan: findings for its place (or ICB-wide)
    that share words with its title, purpose and decision, or its results page's topic, most
    matches first."""
    words = [w for w in query_words(f"{survey.title} {survey.purpose} {survey.decision}", 40)]
    matches = [
        InsightFinding.search_text.like(_like_word(w), escape=_ESCAPE) for w in words if len(w) > 3
    ]
    topic = session.scalar(sa.select(ResultsPage.topic).where(ResultsPage.survey_id == survey.id))
    if topic:
        matches.append(_code(InsightFinding.topic_codes, topic))
    if not matches:
        return []
    query = visible_insights(user)
    if survey.place_id is not None:
        query = query.where(
            sa.or_(InsightFinding.place_id.is_(None), InsightFinding.place_id == survey.place_id)
        )
    score = sum((sa.case((match, 1), else_=0) for match in matches), sa.literal(0))
    query = query.add_columns(score.label("score")).where(sa.or_(*matches))
    order = (sa.desc("score"), InsightFinding.heard_on.desc(), InsightFinding.id.desc())
    return [row[0] for row in session.execute(query.order_by(*order).limit(limit))]


def linkable_insights(session: Session, user: StaffUser) -> list[InsightFinding]:
    """The findings the user may link a decision to, newest first."""
    order = (InsightFinding.heard_on.desc(), InsightFinding.id.desc())
    return list(session.scalars(visible_insights(user).order_by(*order)))


def _required(value: str, name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InsightError(message, name)
    return value


def _codes(codes: list[str], known: dict[str, str], name: str, message: str) -> list[str]:
    chosen = list(dict.fromkeys(codes or []))
    if any(code not in known for code in chosen):
        raise InsightError(message, name)
    return chosen


def _check(session: Session, user: StaffUser, fields: InsightFields, now: datetime) -> dict:
    title = _required(fields.title, "title", "Enter the finding's title")
    summary = _required(fields.summary, "summary", "Say what we heard")
    try:
        kind = SourceKind(fields.source_kind)
    except ValueError:
        raise InsightError("Choose where the finding came from", "source_kind") from None
    if fields.heard_on is None:
        raise InsightError("Enter the date we heard it", "heard_on")
    if fields.heard_on > now.date():
        raise InsightError("The date we heard it cannot be in the future", "heard_on")
    owner = _required(fields.owner_name, "owner_name", "Enter the name of the finding's owner")
    url = (fields.source_url or "").strip()
    if url and not is_web_link(url):
        raise InsightError("Enter a web address starting with https:// or http://", "source_url")
    place = session.get(Place, fields.place_id) if fields.place_id is not None else None
    if fields.place_id is not None and place is None:
        raise InsightError("Choose a place from the list", "place_id")
    if not can_see_place(user, fields.place_id):
        raise InsightError("Choose one of your places", "place_id")
    survey = session.get(Survey, fields.survey_id) if fields.survey_id else None
    if fields.survey_id and (survey is None or not can_see_place(user, survey.place_id)):
        raise InsightError("Choose a survey from the list", "survey_id")
    if kind is SourceKind.SURVEY and survey is None:
        raise InsightError("Choose the survey whose results this finding comes from", "survey_id")
    decision = session.get(DecisionRecord, fields.decision_id) if fields.decision_id else None
    if fields.decision_id and (decision is None or not can_see_place(user, decision.place_id)):
        raise InsightError("Choose a decision from the list", "decision_id")
    if fields.people_heard is not None and not 0 <= fields.people_heard <= 10_000_000:
        raise InsightError("Enter a number of people from 0 to 10,000,000", "people_heard")
    involvement = None
    if fields.involvement:
        try:
            involvement = InvolvementLevel(fields.involvement)
        except ValueError:
            raise InsightError("Choose a level of involvement", "involvement") from None
    topics = _codes(fields.topics, TOPIC_LABELS, "topics", "Choose topics from the list")
    if not topics:
        raise InsightError("Choose at least one topic", "topics")
    groups = _codes(fields.groups, GROUP_LABELS, "groups", "Choose groups from the list")
    source_name = (fields.source_name or "").strip()
    words = [
        title,
        summary,
        source_name,
        place.name if place else "ICB-wide",
        *(TOPIC_LABELS[c] for c in topics),
        *(GROUP_LABELS[c] for c in groups),
    ]
    return {
        "title": title,
        "summary": summary,
        "source_kind": kind,
        "source_name": source_name,
        "source_url": url,
        "survey_id": survey.id if survey else None,
        "decision_id": decision.id if decision else None,
        "heard_on": fields.heard_on,
        "place_id": fields.place_id,
        "topic_codes": encode_codes(topics),
        "group_codes": encode_codes(groups),
        "people_heard": fields.people_heard,
        "involvement": involvement,
        "owner_name": owner,
        "is_public": bool(fields.is_public),
        "search_text": normalise(" ".join(words)),
    }


def record_insight(
    session: Session, user: StaffUser, fields: InsightFields, now: datetime
) -> InsightFinding:
    """Add a finding to the library; raises InsightError naming the field at fault."""
    finding = InsightFinding(
        **_check(session, user, fields, now), created_by_id=user.id, created_at=now, updated_at=now
    )
    session.add(finding)
    session.flush()
    record_audit(session, user, "insight.create", "insight", [finding.id], now=now)
    if finding.source_kind is SourceKind.PARTNER_REPORT:
        announce_insight_report(session, finding, now)
    return finding


def announce_insight_report(session: Session, finding: InsightFinding, now: datetime) -> None:
    """Tell subscribers (partners' webhooks) that a partner's insight report was received: the
    one call for every way a report arrives (typed in by staff here, sent by a partner)."""
    emit(session, EventType.INSIGHT_REPORT_RECEIVED, finding.id, finding.place_id, now)


def update_insight(
    session: Session, finding: InsightFinding, user: StaffUser, fields: InsightFields, now: datetime
) -> InsightFinding:
    """Change a finding; raises InsightError naming the field at fault."""
    if not can_edit(user, finding):
        raise InsightError("Only the finding's place team or the communications team can change it")
    for name, value in _check(session, user, fields, now).items():
        setattr(finding, name, value)
    finding.updated_at = now
    record_audit(session, user, "insight.edit", "insight", [finding.id], now=now)
    return finding
