"""What bulletins hold about a member (the ledger), in their data export and at erasure."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.bulletins.models import (
    Bulletin,
    BulletinItem,
    BulletinRecipient,
    ItemKind,
    RecipientState,
)
from panel.members.services.member_area import erasure_step, member_data_section


@member_data_section("bulletin_recipients")
def bulletins_section(session, member):
    """The bulletins a member was sent, for their copy of their data."""
    rows = session.execute(
        sa.select(Bulletin.title, Bulletin.started_at, BulletinRecipient.state)
        .join(Bulletin, Bulletin.id == BulletinRecipient.bulletin_id)
        .where(BulletinRecipient.member_id == member.id)
        .order_by(BulletinRecipient.id)
    ).all()
    return "bulletins_sent_to_you", [
        {
            "bulletin": title,
            "sent_at": started.isoformat() if started else None,
            "status": state.value,
        }
        for title, started, state in rows
    ]


@erasure_step("bulletin_recipients")
def erase_bulletin_history(session, member, now) -> None:
    """Detach the member from their bulletin recipient rows (the rows stay for the counts)."""
    # The row stays so the bulletin's counts stay true; the link to the person goes.
    session.execute(
        sa.update(BulletinRecipient)
        .where(BulletinRecipient.member_id == member.id)
        .values(member_id=None)
    )


def surveys_offered_to(session, member_id: int) -> set[int]:
    """The surveys whose items were in bulletins the provider accepted for the member (for the
    member's "My surveys", registered by the composition root)."""
    return set(
        session.scalars(
            sa.select(BulletinItem.survey_id)
            .join(BulletinRecipient, BulletinRecipient.bulletin_id == BulletinItem.bulletin_id)
            .where(
                BulletinRecipient.member_id == member_id,
                BulletinRecipient.state == RecipientState.ACCEPTED,
                BulletinItem.kind == ItemKind.SURVEY,
                BulletinItem.survey_id.is_not(None),
            )
        )
    )
