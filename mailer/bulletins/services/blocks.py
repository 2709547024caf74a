"""Building a bulletin from blocks: add, change, remove and reorder, each checked per kind."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.block_models import BlockKind, BulletinBlock, BulletinImage
from mailer.bulletins.block_rendering import published_results, published_you_said
from mailer.bulletins.models import AudienceKind, Bulletin
from mailer.bulletins.services.compose import (
    ComposeError,
    _editable,
    check_markdown,
    invitable_surveys,
)
from panel.auth.models import StaffUser
from panel.web_links import is_web_link
from surveys.models import ResultsPage, Survey
from surveys.results.models import Decision

#: each kind's fields, in form order: (name, label, required, longest).
FIELDS: dict[BlockKind, list[tuple[str, str, bool, int]]] = {
    BlockKind.HEADING: [("text", "Heading", True, 150)],
    BlockKind.TEXT: [("body", "Text", True, 20000)],
    BlockKind.IMAGE: [
        ("alt", "Describe the image for people who cannot see it (alt text)", True, 250),
        ("caption", "Caption (optional)", False, 250),
    ],
    BlockKind.BUTTON: [
        ("label", "Button text", True, 80),
        ("url", "Web address the button goes to", True, 500),
    ],
    BlockKind.SURVEY: [
        ("survey_id", "Survey", True, 0),
        ("body", "Why take part (optional)", False, 5000),
        ("label", "Button text (optional)", False, 80),
    ],
    BlockKind.EVENT: [
        ("title", "Event name", True, 150),
        ("when", "Date and time", True, 150),
        ("where", "Place (optional)", False, 200),
        ("body", "About the event (optional)", False, 5000),
        ("url", "Web address for details or booking (optional)", False, 500),
        ("label", "Button text (optional)", False, 80),
    ],
    BlockKind.RESULTS: [
        ("survey_id", "Published results", True, 0),
        ("label", "Button text (optional)", False, 80),
    ],
    BlockKind.DECISION: [
        ("decision_id", "You said, we did", True, 0),
        ("label", "Button text (optional)", False, 80),
    ],
}
CHOICE_FIELDS = {"survey_id", "decision_id"}
#: what to say when a required field is empty.
MISSING = {
    "text": "Enter the heading",
    "body": "Enter the text",
    "alt": "Describe the image for people who cannot see it (alt text)",
    "label": "Enter the button text",
    "url": "Enter the web address the button goes to",
    "title": "Enter the name of the event",
    "when": "Enter the date and time of the event",
}


def survey_choices(session: Session, user: StaffUser, bulletin: Bulletin) -> list[tuple[int, str]]:
    """Approved or live surveys the user may invite to that this bulletin's audience may take:
    ICB-wide or the bulletin's own place, and a segment's survey only in a bulletin to it."""
    allowed = {survey_id for survey_id, _ in invitable_surveys(session, user)}
    if not allowed:
        return []
    surveys = session.scalars(sa.select(Survey).where(Survey.id.in_(sorted(allowed))))
    segment = bulletin.segment_id if bulletin.audience is AudienceKind.SEGMENT else None
    return [
        (survey.id, survey.title)
        for survey in surveys
        if survey.place_id in (None, bulletin.place_id)
        and (survey.segment_id is None or survey.segment_id == segment)
    ]


def results_choices(session: Session) -> list[tuple[int, str]]:
    """Surveys whose results page is public, newest first."""
    rows = session.execute(
        sa.select(Survey.id, Survey.title)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None))
        .order_by(ResultsPage.published_at.desc())
    )
    return [(survey_id, title) for survey_id, title in rows]


def decision_choices(session: Session) -> list[tuple[int, str]]:
    """ "You said, we did" entries of surveys whose results are public, newest first."""
    rows = session.execute(
        sa.select(Decision.id, Decision.you_said, Survey.title)
        .join(Survey, Survey.id == Decision.survey_id)
        .join(ResultsPage, ResultsPage.survey_id == Survey.id)
        .where(ResultsPage.published_at.is_not(None))
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    return [(d_id, f"{title}: {' '.join(said.split())[:80]}") for d_id, said, title in rows]


def _choice(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clean_fields(
    session: Session, user: StaffUser, bulletin: Bulletin, kind: BlockKind, values: dict
) -> dict:
    """The block's data from what was typed: trimmed, checked, ids as numbers. Raises
    ComposeError naming the first field that is wrong."""
    data: dict = {}
    for name, label, required, longest in FIELDS[kind]:
        raw = values.get(name)
        if name in CHOICE_FIELDS:
            data[name] = _choice(raw)
            continue
        text = str(raw or "").replace("\x00", "").strip()
        if name != "body":
            text = " ".join(text.split())
        if required and not text:
            raise ComposeError(name, MISSING.get(name, f"Enter {label.lower()}"))
        if len(text) > longest:
            raise ComposeError(name, f"Use {longest:,} characters or fewer")
        data[name] = text
    if "url" in data and data["url"] and not is_web_link(data["url"]):
        raise ComposeError("url", "Enter a web address starting with https://")
    if "body" in data:
        check_markdown("body", data["body"])
    _check_choice(session, user, bulletin, kind, data)
    return data


def _check_choice(session, user, bulletin, kind: BlockKind, data: dict) -> None:
    if kind is BlockKind.SURVEY:
        if data["survey_id"] not in {i for i, _ in survey_choices(session, user, bulletin)}:
            raise ComposeError("survey_id", "Choose a survey this bulletin's readers may take")
    elif kind is BlockKind.RESULTS and published_results(data["survey_id"]) is None:
        raise ComposeError("survey_id", "Choose a survey whose results are published")
    elif kind is BlockKind.DECISION and published_you_said(data["decision_id"]) is None:
        raise ComposeError("decision_id", "Choose a published “you said, we did”")


def save_block(
    session: Session,
    user: StaffUser,
    bulletin: Bulletin,
    block: BulletinBlock | None,
    kind: BlockKind,
    values: dict,
    image: BulletinImage | None = None,
) -> BulletinBlock:
    """Add a block at the end of the bulletin, or change ``block``. An image block needs an
    image (a new upload or the one it has). Raises ComposeError or IllegalTransition."""
    _editable(bulletin)
    data = clean_fields(session, user, bulletin, kind, values)
    if kind is BlockKind.IMAGE and image is None and (block is None or block.image is None):
        raise ComposeError("image", "Choose a PNG or JPEG image to upload")
    if block is None:
        block = BulletinBlock(kind=kind, position=len(bulletin.blocks))
        bulletin.blocks.append(block)
    block.data = data
    if image is not None:
        block.image = image
    session.flush()
    return block


def remove_block(session: Session, bulletin: Bulletin, block: BulletinBlock) -> None:
    """Take a block out of an editable bulletin and close the gap."""
    _editable(bulletin)
    bulletin.blocks.remove(block)
    session.flush()
    for position, each in enumerate(bulletin.blocks):
        each.position = position


def move_block(bulletin: Bulletin, block: BulletinBlock, to_index: int) -> None:
    """Put the block at ``to_index`` (clamped), shifting the others; the order is renumbered."""
    _editable(bulletin)
    blocks = list(bulletin.blocks)
    blocks.remove(block)
    blocks.insert(max(0, min(to_index, len(blocks))), block)
    for position, each in enumerate(blocks):
        each.position = position
    bulletin.blocks.sort(key=lambda each: each.position)
