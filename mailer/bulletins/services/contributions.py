"""Items other staff contribute: submitted, then approved, edited or rejected by the
communications team, who place them in a bulletin; contributors follow the status."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mailer.bulletins.models import Bulletin, BulletinItem, ContributionStatus, ItemKind
from mailer.bulletins.services.compose import ComposeError, check_item, check_markdown
from panel.audit.services import record_audit
from panel.auth.models import StaffUser


def submit_contribution(
    session: Session,
    user: StaffUser,
    *,
    kind: ItemKind,
    title: str,
    body: str,
    link_url: str,
    link_text: str,
    now: datetime,
    survey_id: int | None = None,
) -> BulletinItem:
    """An item for the communications team to review. A survey invitation may name only a
    survey the user may invite people to (a place team's own). Raises ComposeError."""
    check_markdown("body", body)
    survey_id = check_item(session, user, kind, link_url, survey_id)
    item = BulletinItem(
        kind=kind,
        title=" ".join(title.split()),
        body=body.strip(),
        link_url=link_url.strip(),
        link_text=" ".join(link_text.split()),
        survey_id=survey_id,
        contribution_status=ContributionStatus.SUBMITTED,
        contributed_by_id=user.id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    record_audit(session, user, "bulletin_item.submit", "bulletin_item", [item.id], now=now)
    return item


def my_contributions(session: Session, user: StaffUser) -> list[BulletinItem]:
    """The items the user contributed, newest first."""
    return list(
        session.scalars(
            sa.select(BulletinItem)
            .where(BulletinItem.contributed_by_id == user.id)
            .order_by(BulletinItem.id.desc())
        )
    )


def contributions_to_review(session: Session) -> list[BulletinItem]:
    """Submitted and approved-but-unplaced items, oldest first."""
    return list(
        session.scalars(
            sa.select(BulletinItem)
            .where(
                BulletinItem.contribution_status.in_(
                    [ContributionStatus.SUBMITTED, ContributionStatus.APPROVED]
                )
            )
            .order_by(BulletinItem.id)
        )
    )


def review_contribution(
    session: Session,
    user: StaffUser,
    item: BulletinItem,
    *,
    decision: str,
    note: str,
    bulletin: Bulletin | None,
    now: datetime,
) -> None:
    """``decision`` is "approve", "reject" or "place" (approve and add to ``bulletin``).
    Raises ComposeError or IllegalTransition."""
    if item.contribution_status in (ContributionStatus.REJECTED, ContributionStatus.PLACED):
        raise ComposeError("decision", "This item has already been dealt with")
    item.review_note = note.strip()[:500]
    if decision == "reject":
        item.contribution_status = ContributionStatus.REJECTED
    elif decision == "place":
        if bulletin is None or not bulletin.is_editable:
            raise ComposeError("bulletin_id", "Choose a bulletin that has not been sent yet")
        item.position = len(bulletin.items)
        item.bulletin = bulletin
        item.contribution_status = ContributionStatus.PLACED
    else:
        item.contribution_status = ContributionStatus.APPROVED
    record_audit(session, user, f"bulletin_item.{decision}", "bulletin_item", [item.id], now=now)
