"""A survey's published results offered as a "You said, we did" bulletin item. The bulletin
side asks surveys for the page and its summary; surveys never reach up into bulletins."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from mailer.bulletins.models import BulletinItem, ItemKind
from mailer.bulletins.services.compose import ComposeError
from mailer.bulletins.services.contributions import submit_contribution
from panel.auth.models import StaffUser
from surveys.models import Survey
from surveys.results.publishing import bulletin_item_body, results_page


def offer_results(session: Session, survey: Survey, user: StaffUser, now: datetime) -> BulletinItem:
    """A "You said, we did" item for the communications team to place in a bulletin, linking
    to the public results page. Raises ComposeError until the results page is public."""
    page = results_page(session, survey)
    if page is None or page.published_at is None:
        raise ComposeError(
            "link_url", "Publish the results page before offering it to the bulletin"
        )
    url = f"{current_app.config['PUBLIC_BASE_URL']}/engagement/{survey.id}"
    return submit_contribution(
        session,
        user,
        kind=ItemKind.RESULT,
        title=f"You said, we did: {survey.title}"[:150],
        body=bulletin_item_body(session, survey),
        link_url=url,
        link_text="See what people told us and what we did",
        now=now,
    )
