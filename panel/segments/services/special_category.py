"""Protecting equality data: the one rule that keeps anyone but the communications and engagement
team from singling people out by their special category answers through segments.

Which fields are special category (UK GDPR Art. 9):
    ethnic group and its five-group summary (racial or ethnic origin), religion (religious
    beliefs), sexual orientation, disability (health), and gender identity. Art. 9 does not name
    gender identity, but whether someone's gender differs from their sex registered at birth can
    reveal their health or gender history (which the Gender Recognition Act protects), so it is
    treated as special. Sex, age band, unpaid carer and Armed Forces service are equality
    monitoring answers but not special category data: every staff role may use them.

The rule:
    - The communications and engagement team (who act for the controller) may use every field;
      each use of a special category field (saving it, counting, selecting, exporting, sending)
      writes a "segment.special_category_use" audit row.
    - Nobody else (place teams, observers) gets anything that rests on a special category
      condition, wherever it sits in the tree: negated, inside an "any" group or under a negated
      group, it still sorts people by their answers. They cannot save such a condition; for a
      segment that holds one (a comms segment shared with their place) every figure is withheld,
      large ones too, and nothing is selected, exported, sent or invited from it; they cannot
      balance a selection on a special category characteristic, nor see or download a selection
      made with one. Each refusal writes a "segment.special_category_refused" audit row.
    - Why withheld and not "fewer than 8": a place team changes the figures of a shared segment
      itself (inviting one person twice caps them, so the segment's "will be skipped" moves by
      one exactly when that person is in it), so any exact figure could be differenced down to
      one person. With the rule, every figure a place team or observer can get from segments is
      the same whatever anyone's special category answers are, so no sequence of them
      (differences, negations, unions) singles anyone out:
      tests/panel/test_equality_protection_search.py searches generated sequences for a
      counterexample.
    - Fixed breakdowns that are not built from conditions (the representativeness dashboard's
      ethnic group and disability tables) follow NHS Digital's small-number rule for these users
      instead: see panel.segments.services.representativeness.

Every count, selection, export, bulletin audience and survey invitation drawn from a segment
goes through ``check_special_category`` (``members_matching`` calls it), so a new page cannot
forget the rule; views turn ``SpecialCategoryRefused`` into a message next to the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import Role, StaffUser
from panel.segments.definition import SegmentDefinitionError

#: field key -> how a message names it.
SPECIAL_CATEGORY_LABELS = {
    "ethnic_group": "ethnic group",
    "ethnic_group_summary": "ethnic group",
    "religion": "religion",
    "sexual_orientation": "sexual orientation",
    "disability": "disability",
    "gender_identity": "gender identity",
}
SPECIAL_CATEGORY_FIELDS = frozenset(SPECIAL_CATEGORY_LABELS)

REFUSED = "segment.special_category_refused"
USED = "segment.special_category_use"


class Use(StrEnum):
    """What a special category condition was about to be used for."""

    SAVE = "save"
    FIGURES = "figures"
    SELECT = "select"
    BALANCE = "balance"
    SELECTION_RESULT = "selection result"
    BULLETIN = "bulletin audience"
    SURVEY = "survey audience"


_REFUSALS = {
    Use.SAVE: "Only the communications and engagement team can use conditions on {fields}, to "
    "protect people's equality answers. Remove those conditions to change this segment.",
    Use.FIGURES: "This segment uses {fields}, so its figures are shown to the communications and "
    "engagement team only.",
    Use.SELECT: "This segment uses {fields}, so only the communications and engagement team can "
    "select people from it.",
    Use.BALANCE: "Only the communications and engagement team can balance a selection on "
    "{fields}: choose other characteristics.",
    Use.SELECTION_RESULT: "This selection was made using {fields}, so who was chosen is shown to "
    "the communications and engagement team only.",
    Use.BULLETIN: "This segment uses {fields}, so only the communications and engagement team can "
    "send to it.",
    Use.SURVEY: "This segment uses {fields}, so only the communications and engagement team can "
    "invite it to a survey or see its figures.",
}


def _names(fields: Iterable[str]) -> str:
    labels = list(dict.fromkeys(SPECIAL_CATEGORY_LABELS[field] for field in sorted(fields)))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


class SpecialCategoryRefused(SegmentDefinitionError):
    """The user may not use special category fields for this; the message says which and why."""

    def __init__(self, fields: list[str], use: Use):
        self.fields = fields
        self.use = use
        super().__init__(_REFUSALS[use].format(fields=_names(fields)))


def special_category_fields(tree) -> list[str]:
    """Every special category field named anywhere in a segment definition, sorted.

    Position does not matter: a negated condition, one inside an "any" group or under a negated
    group still sorts people by their answer. Tolerates malformed trees (finds what it can)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if node.get("type") == "group":
            items = node.get("items")
            stack.extend(items if isinstance(items, list) else [])
        elif isinstance(node.get("field"), str) and node["field"] in SPECIAL_CATEGORY_FIELDS:
            found.add(node["field"])
    return sorted(found)


def may_use_special_category(user: StaffUser | None) -> bool:
    """Only the communications and engagement team."""
    return user is not None and user.role is Role.COMMS


def check_special_category(
    session: Session,
    user: StaffUser | None,
    fields: Iterable[str],
    use: Use,
    *,
    object_type: str = "segment",
    object_ids: Iterable[object] = (),
    now: datetime | None = None,
) -> None:
    """The gate every use of segment conditions passes: audit a permitted use of special
    category ``fields`` by the comms team, refuse (and audit) anyone else's.

    Raises SpecialCategoryRefused."""
    special = sorted(set(fields) & SPECIAL_CATEGORY_FIELDS)
    if not special:
        return
    detail = f"{use.value}: {', '.join(special)}"
    ids = list(object_ids)
    if may_use_special_category(user):
        record_audit(session, user, USED, object_type, ids, detail, now=now)
        return
    record_audit(session, user, REFUSED, object_type, ids, detail, now=now)
    raise SpecialCategoryRefused(special, use)


def usable_choices(user: StaffUser, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (field, label) choices this user may use: the special category ones only for the comms
    team (the services refuse them anyway; this keeps them off other users' pages)."""
    allowed = may_use_special_category(user)
    return [(key, label) for key, label in choices if allowed or key not in SPECIAL_CATEGORY_FIELDS]


def special_category_note(user: StaffUser) -> str:
    """What pages tell someone who may not use the special category fields, or ""."""
    if may_use_special_category(user):
        return ""
    names = _names(SPECIAL_CATEGORY_FIELDS)
    return (
        f"{names[0].upper()}{names[1:]} are special category data: to protect people's equality "
        "answers, only the communications and engagement team can use them."
    )
