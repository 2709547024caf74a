"""The segment condition tree: its fields, validation, and translation into one SQL condition.

Shape (JSON):
    group:     {"type": "group", "op": "and" | "or", "negate": bool, "items": [node, ...]}
    condition: {"type": "condition", "field": F, "negate": bool, ...}
      choice fields:  "values": [codes]                     (matches any of them)
      joined:         "after": "YYYY-MM-DD" | null, "before": "YYYY-MM-DD" | null
      engagement:     "months": N                           (invited / responded / opened)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from panel.members import reference
from panel.members.models import EqualityProfile, Member
from panel.members.services.sources import visible_sources
from panel.places.models import Neighbourhood, Place
from panel.segments.models import ContactKind, MemberContact

MAX_DEPTH = 4
MAX_NODES = 60


class SegmentDefinitionError(FieldError):
    """The definition is malformed or names an unknown field or value; the message says which."""


#: the input of the add-condition form that a problem with each kind of condition belongs to.
CONDITION_INPUTS = {
    "choice": "values",
    "topics": "values",
    "joined": "after",
    "engagement": "months",
}


def build_condition(
    field: Field,
    *,
    negate: bool,
    values: list[str] | None = None,
    after: date | None = None,
    before: date | None = None,
    months: int | None = None,
) -> dict:
    """One condition node for ``field`` from the add-condition form's inputs (validated later,
    when the definition is saved)."""
    condition: dict = {"type": "condition", "field": field.key, "negate": negate}
    if field.kind in ("choice", "topics"):
        condition["values"] = values or []
    elif field.kind == "joined":
        condition["after"] = after.isoformat() if after else None
        condition["before"] = before.isoformat() if before else None
    else:
        condition["months"] = months
    return condition


@dataclass(frozen=True)
class Field:
    """A field a segment condition can test, with its label and kind."""

    key: str
    label: str
    kind: str  # choice, topics, joined, engagement


def _equality_field(question) -> Field:
    return Field(
        question.field,
        question.question.split("?")[0].replace("What is your ", "").capitalize(),
        "choice",
    )


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field("place", "Place", "choice"),
        Field("neighbourhood", "Neighbourhood", "choice"),
        Field("age_band", "Age band", "choice"),
        *[
            Field(q.field, label, "choice")
            for q, label in zip(
                reference.EQUALITY_QUESTIONS,
                [
                    "Sex",
                    "Gender same as sex registered at birth",
                    "Sexual orientation",
                    "Ethnic group",
                    "Religion",
                    "Disability (day-to-day activities limited)",
                    "Unpaid carer",
                    "Served in the Armed Forces",
                ],
                strict=True,
            )
        ],
        Field("ethnic_group_summary", "Ethnic group (five Census groups)", "choice"),
        Field("topics", "Topics of interest", "topics"),
        Field("preferred_format", "Preferred format", "choice"),
        Field("language", "Language", "choice"),
        Field("source", "Recruitment source", "choice"),
        Field("heard_from", "Heard about the panel from", "choice"),
        Field("joined", "Joined date", "joined"),
        Field("invited", "Invited to a survey in the last N months", "engagement"),
        Field("responded", "Answered a survey in the last N months", "engagement"),
        Field("opened_bulletin", "Opened a bulletin in the last N months", "engagement"),
    ]
}

_SUMMARY_GROUPS = [
    ("white", "White"),
    ("mixed", "Mixed or Multiple"),
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("other", "Other"),
]
_ENGAGEMENT_KINDS = {
    "invited": ContactKind.SURVEY_INVITATION,
    "responded": ContactKind.SURVEY_RESPONSE,
    "opened_bulletin": ContactKind.BULLETIN_OPEN,
}


def field_options(session: Session, key: str, user: StaffUser) -> list[tuple[str, str]]:
    """The values a choice or topics field can take for ``user``, as (code, label)."""
    if key == "place":
        return [(str(p.id), p.name) for p in session.scalars(sa.select(Place).order_by(Place.name))]
    if key == "neighbourhood":
        return [
            (str(n.id), f"{n.name} ({n.place.name})")
            for n in session.scalars(sa.select(Neighbourhood).order_by(Neighbourhood.name))
        ]
    if key == "source":
        return [(str(s.id), s.name) for s in visible_sources(session, user)]
    if key == "ethnic_group_summary":
        return _SUMMARY_GROUPS
    static = {
        "age_band": reference.AGE_BANDS,
        "topics": reference.TOPICS,
        "preferred_format": reference.FORMATS,
        "language": reference.LANGUAGES,
        "heard_from": reference.HEARD_FROM,
    }
    if key in static:
        return list(static[key])
    for question in reference.EQUALITY_QUESTIONS:
        if question.field == key:
            return list(question.options)
    raise SegmentDefinitionError(f"{key} has no list of values")


def empty_definition() -> dict:
    """A segment definition that matches everyone: an empty "all of" group."""
    return {"type": "group", "op": "and", "negate": False, "items": []}


def validate(
    session: Session, node: dict, user: StaffUser, depth: int = 0, counter: list | None = None
) -> None:
    """Raise SegmentDefinitionError unless the tree is well formed with fields known and values
    ``user`` may choose (a place team: only its own places' recruitment sources)."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    if counter[0] > MAX_NODES or depth > MAX_DEPTH:
        raise SegmentDefinitionError("The segment has too many conditions or levels")
    if not isinstance(node, dict):
        raise SegmentDefinitionError("Each part of a segment must be a group or a condition")
    if node.get("type") == "group":
        if node.get("op") not in ("and", "or") or not isinstance(node.get("items"), list):
            raise SegmentDefinitionError("A group needs 'all' or 'any' and a list of items")
        for item in node["items"]:
            validate(session, item, user, depth + 1, counter)
        return
    if node.get("type") != "condition":
        raise SegmentDefinitionError("Each part of a segment must be a group or a condition")
    field = FIELDS.get(node.get("field", ""))
    if field is None:
        raise SegmentDefinitionError(f"Unknown field: {node.get('field')!r}")
    if field.kind in ("choice", "topics"):
        values = node.get("values")
        allowed = {code for code, _ in field_options(session, field.key, user)}
        if not isinstance(values, list) or not values:
            raise SegmentDefinitionError(f"Choose at least one value for {field.label}")
        unknown = [v for v in values if str(v) not in allowed]
        if unknown:
            raise SegmentDefinitionError(f"Unknown value for {field.label}: {unknown[0]!r}")
    elif field.kind == "joined":
        dates = [_parse_date(node.get("after")), _parse_date(node.get("before"))]
        if not any(dates):
            raise SegmentDefinitionError("Give a joined-after or joined-before date")
    elif field.kind == "engagement":
        months = node.get("months")
        if not isinstance(months, int) or not 1 <= months <= 120:
            raise SegmentDefinitionError("Months must be a whole number from 1 to 120")


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise SegmentDefinitionError(f"{value!r} is not a date (YYYY-MM-DD)") from error


def to_condition(node: dict, now: datetime, zone: str = "Europe/London"):
    """One SQL boolean for the tree, over Member outer-joined to EqualityProfile.

    Each leaf is made NULL-free, so "not female" includes people who did not say."""
    if node["type"] == "group":
        parts = [to_condition(item, now, zone) for item in node["items"]]
        if not parts:
            expression = sa.true()
        else:
            expression = sa.and_(*parts) if node["op"] == "and" else sa.or_(*parts)
    else:
        expression = _leaf(node, now, zone)
    return sa.not_(expression) if node.get("negate") else expression


def _in(column, values):
    return sa.and_(column.is_not(None), column.in_(values))


def _local_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def _leaf(node: dict, now: datetime, zone: str):
    key = node["field"]
    values = [str(v) for v in node.get("values") or []]
    if key == "place":
        return _in(Member.place_id, [int(v) for v in values])
    if key == "neighbourhood":
        return _in(Member.neighbourhood_id, [int(v) for v in values])
    if key == "source":
        return _in(Member.recruitment_source_id, [int(v) for v in values])
    if key in ("age_band", "preferred_format", "language", "heard_from"):
        return _in(getattr(Member, key), values)
    if key in reference.EQUALITY_FIELDS:
        return _in(getattr(EqualityProfile, key), values)
    if key == "ethnic_group_summary":
        codes = [c for c, group in reference.ETHNIC_GROUP_SUMMARY.items() if group in values]
        return _in(EqualityProfile.ethnic_group, codes)
    if key == "topics":
        # Topic codes are plain identifiers, so matching the quoted code in the JSON text is exact
        # and works the same on SQLite and PostgreSQL.
        text = sa.cast(Member.topics, sa.Text)
        return sa.or_(*[text.like(f'%"{code}"%') for code in values])
    if key == "joined":
        parts = [Member.joined_at.is_not(None)]
        after, before = _parse_date(node.get("after")), _parse_date(node.get("before"))
        if after:
            parts.append(Member.joined_at >= _local_start(after, zone))
        if before:
            parts.append(Member.joined_at < _local_start(before + timedelta(days=1), zone))
        return sa.and_(*parts)
    if key in _ENGAGEMENT_KINDS:
        since = now - timedelta(days=round(30.44 * int(node["months"])))
        return sa.exists().where(
            MemberContact.member_id == Member.id,
            MemberContact.kind == _ENGAGEMENT_KINDS[key],
            MemberContact.at >= since,
        )
    raise SegmentDefinitionError(f"Unknown field: {key!r}")


def describe(session: Session, node: dict, user: StaffUser) -> str:
    """Plain-English reading of the tree, for pages and audit details, in ``user``'s words."""
    if node["type"] == "group":
        joiner = " and " if node["op"] == "and" else " or "
        inner = joiner.join(describe(session, item, user) for item in node["items"]) or "everyone"
        text = f"({inner})" if len(node["items"]) > 1 else inner
        return f"not {text}" if node.get("negate") else text
    field = FIELDS[node["field"]]
    if field.kind in ("choice", "topics"):
        labels = dict(field_options(session, field.key, user))
        text = f"{field.label} is " + " or ".join(
            labels.get(str(v), str(v)) for v in node["values"]
        )
    elif field.kind == "joined":
        bounds = [
            f"on or after {node['after']}" if node.get("after") else "",
            f"on or before {node['before']}" if node.get("before") else "",
        ]
        text = "joined " + " and ".join(b for b in bounds if b)
    else:
        text = f"{field.label.replace('N months', str(node['months']) + ' months')}"
    return f"not ({text})" if node.get("negate") else text
