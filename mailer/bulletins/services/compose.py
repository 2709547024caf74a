"""Writing a bulletin: title, introduction and ordered items, and a test send to yourself."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins import markdown, rendering
from mailer.bulletins.models import (
    AudienceKind,
    Bulletin,
    BulletinItem,
    ContributionStatus,
    IllegalTransition,
    ItemKind,
)
from mailer.queue import queue_email
from panel.audit.services import record_audit
from panel.auth.access import can_see_place, visible_place_ids
from panel.auth.models import Role, StaffUser
from panel.field_errors import FieldError
from panel.segments.services.special_category import (
    Use,
    check_special_category,
    special_category_fields,
)
from panel.web_links import is_web_link


class ComposeError(FieldError):
    """Content that cannot be accepted; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


#: f(session, user) -> [(survey id, title)]: the surveys ``user`` may invite people to, from the
#: surveys package's one place-scoped query. The surveys package registers it (it sits on top of
#: the bulletins, which therefore never import it); until then no survey can be chosen.
_invitable_surveys: Callable[[Session, StaffUser], list[tuple[int, str]]] | None = None


def invitable_survey_provider(function):
    """Register the function that lists the surveys a user may put in a bulletin item."""
    global _invitable_surveys
    _invitable_surveys = function
    return function


def invitable_surveys(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """(id, title) of every survey ``user`` may invite people to: a place team's own only."""
    return _invitable_surveys(session, user) if _invitable_surveys else []


def check_item(
    session: Session, user: StaffUser, kind: ItemKind, link_url: str, survey_id: int | None
) -> int | None:
    """The item's survey id (None unless it is a survey invitation). Raises ComposeError for a
    survey the user may not invite people to (another place's, a draft, a missing one: all
    the same) or a link that is not a web address."""
    if kind is ItemKind.SURVEY:
        if not survey_id or survey_id not in {sid for sid, _ in invitable_surveys(session, user)}:
            raise ComposeError("survey_id", "Choose one of your surveys that is approved or live")
        if "{token}" not in link_url:
            raise ComposeError(
                "link_url", "A survey invitation needs a link with {token} for each person's code"
            )
    if link_url.strip() and not is_web_link(link_url.strip()):
        raise ComposeError("link_url", "Enter a web address starting with https://")
    return survey_id if kind is ItemKind.SURVEY else None


def check_markdown(field: str, text: str) -> None:
    """Raises ComposeError for images without alt text (vague links are only flagged)."""
    problems = markdown.image_errors(text)
    if problems:
        raise ComposeError(field, problems[0])


def visible_bulletins(session: Session, user: StaffUser) -> list[Bulletin]:
    """Comms see every bulletin; a place team sees its places' bulletins; observers none."""
    if user.role is Role.OBSERVER:
        return []
    query = sa.select(Bulletin).order_by(Bulletin.id.desc())
    place_ids = visible_place_ids(user)
    if place_ids is not None:
        query = query.where(Bulletin.place_id.in_(sorted(place_ids)))
    return list(session.scalars(query))


def create_bulletin(
    session: Session, user: StaffUser, title: str, place_id: int | None, now: datetime
) -> Bulletin:
    """A new draft. A place team's bulletin must belong to one of its places. Raises
    ComposeError."""
    if user.role is Role.PLACE and not can_see_place(user, place_id):
        raise ComposeError("place_id", "Choose one of your places")
    bulletin = Bulletin(
        title=" ".join(title.split()),
        place_id=place_id,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(bulletin)
    session.flush()
    record_audit(session, user, "bulletin.create", "bulletin", [bulletin.id], now=now)
    return bulletin


def _editable(bulletin: Bulletin) -> None:
    if not bulletin.is_editable:
        raise IllegalTransition("A bulletin cannot be changed once sending has started")


def update_bulletin(bulletin: Bulletin, title: str, intro: str, now: datetime) -> None:
    """Raises ComposeError or IllegalTransition."""
    _editable(bulletin)
    check_markdown("intro", intro)
    bulletin.title = " ".join(title.split())
    bulletin.intro = intro.strip()
    bulletin.updated_at = now


def set_audience(
    session: Session, bulletin: Bulletin, segment, user: StaffUser, now: datetime
) -> None:
    """The whole panel (segment None) or a segment the user was allowed to load and may send to.
    Raises IllegalTransition, and SpecialCategoryRefused (audited) for a segment on special
    category fields chosen by anyone but the comms team."""
    _editable(bulletin)
    if segment is not None:
        check_special_category(
            session,
            user,
            special_category_fields(segment.definition),
            Use.BULLETIN,
            object_ids=[segment.id],
            now=now,
        )
    bulletin.audience = AudienceKind.SEGMENT if segment is not None else AudienceKind.PANEL
    bulletin.segment_id = segment.id if segment is not None else None


def save_item(
    session: Session,
    user: StaffUser,
    bulletin: Bulletin | None,
    item: BulletinItem | None,
    *,
    kind: ItemKind,
    title: str,
    body: str,
    link_url: str,
    link_text: str,
    survey_id: int | None,
) -> BulletinItem:
    """Add an item at the end of ``bulletin`` or change ``item``, as ``user``. Raises
    ComposeError (see check_item) or IllegalTransition."""
    if bulletin is not None:
        _editable(bulletin)
    check_markdown("body", body)
    survey_id = check_item(session, user, kind, link_url, survey_id)
    if item is None:
        item = BulletinItem(bulletin=bulletin, position=len(bulletin.items) if bulletin else 0)
        session.add(item)
    item.kind = kind
    item.title = " ".join(title.split())
    item.body = body.strip()
    item.link_url = link_url.strip()
    item.link_text = " ".join(link_text.split())
    item.survey_id = survey_id
    session.flush()
    return item


def move_item(bulletin: Bulletin, item: BulletinItem, step: int) -> None:
    """Swap the item with its neighbour (step -1 up, +1 down)."""
    _editable(bulletin)
    items = list(bulletin.items)
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position


def remove_item(session: Session, bulletin: Bulletin, item: BulletinItem) -> None:
    """Take an item out of an editable bulletin; a contribution goes back to the approved pile."""
    _editable(bulletin)
    if item.contribution_status is not None:
        # A contribution goes back to the approved pile rather than disappearing.
        item.bulletin = None
        item.contribution_status = ContributionStatus.APPROVED
    else:
        session.delete(item)
    session.flush()
    session.expire(bulletin, ["items"])
    for position, each in enumerate(bulletin.items):
        each.position = position


def test_send(session: Session, bulletin: Bulletin, user: StaffUser, now: datetime):
    """Queue the bulletin to the user's own address, through the one mail queue, personalised
    with their first name. Returns the queued email (None when the address is suppressed)."""
    email = queue_email(
        session,
        to_email=user.email,
        template="bulletin",
        context=rendering.person_context(bulletin, user.name.split()[0]),
        idempotency_key=f"bulletin-test:{bulletin.id}:{secrets.token_hex(8)}",
        now=now,
    )
    record_audit(session, user, "bulletin.test_send", "bulletin", [bulletin.id], now=now)
    return email
