"""What sending a survey's invitations would do, shown before anyone is emailed: how many
people it reaches (after contact caps, pauses, earlier invitations and the suppression list),
where they live, and the email exactly as it will arrive, with examples in place of the name,
the personal link and the unsubscribe link (so the page itself shows no one's details).

The same rendering queues the real emails, so what the page shows is what people get.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import RenderedEmail, preview_email, queue_email, unsuppressed
from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.members.models import Member
from panel.places.models import Place
from surveys.fieldwork.invitations import eligible_members
from surveys.models import Survey

EXAMPLE_NAME = "Sam"
EXAMPLE_TOKEN = "example-personal-link"  # noqa: S105 (a placeholder shown in previews, not a secret)
TEMPLATE = "survey_invitation"


@dataclass(frozen=True)
class InvitationPreview:
    """Who an invitation would reach and what they would get."""

    recipients: int
    #: (place name, people), largest first.
    by_place: list[tuple[str, int]]
    #: eligible under the contact rules but on the suppression list (bounced, unsubscribed).
    suppressed: int
    email: RenderedEmail


def example_email(survey: Survey) -> RenderedEmail:
    """The invitation as it will arrive, with an example name and example links."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return preview_email(
        TEMPLATE,
        {"first_name": EXAMPLE_NAME, "survey": survey, "survey_url": f"{base}/s/{EXAMPLE_TOKEN}"},
        unsubscribe_url=f"{base}/unsubscribe/{EXAMPLE_TOKEN}",
    )


def preview_invitation(
    session: Session, survey: Survey, user: StaffUser, now: datetime
) -> InvitationPreview:
    """How many people the invitation would reach now, by place, and the email. Raises
    InvitationError when it cannot go out."""
    rows = session.execute(
        eligible_members(session, survey, user, now)
        .with_only_columns(Member.email, Member.place_id)
        .order_by(None)
    ).all()
    reachable = unsuppressed(session, [email for email, _place in rows if email])
    places = dict(session.execute(sa.select(Place.id, Place.name)).all())
    counts = Counter(
        places.get(place_id, "No place recorded") for email, place_id in rows if email in reachable
    )
    return InvitationPreview(
        recipients=sum(counts.values()),
        by_place=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
        suppressed=sum(1 for email, _place in rows if email and email not in reachable),
        email=example_email(survey),
    )


def send_test_invitation(session: Session, survey: Survey, user: StaffUser, now: datetime):
    """Queue the example invitation to the staff user themselves (audited)."""
    rendered_for = f"survey-invitation-test:{survey.id}:{user.id}:{now.isoformat()}"
    base = current_app.config["PUBLIC_BASE_URL"]
    queue_email(
        session,
        to_email=user.email,
        template=TEMPLATE,
        context={
            "first_name": EXAMPLE_NAME,
            "survey": survey,
            "survey_url": f"{base}/s/{EXAMPLE_TOKEN}",
        },
        idempotency_key=rendered_for,
        now=now,
        unsubscribe_url=f"{base}/unsubscribe/{EXAMPLE_TOKEN}",
    )
    record_audit(session, user, "survey.invite_test", "survey", [survey.id], now=now)
