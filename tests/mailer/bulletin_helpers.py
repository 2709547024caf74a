"""Building bulletins and members for the bulletin tests."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from mailer.bulletins.models import Bulletin, BulletinStatus, ItemKind
from mailer.bulletins.services import compose
from panel.auth.models import Role
from surveys.models import Survey, SurveyStatus
from tests.factories import make_member, make_staff


def make_bulletin(session, now, user=None, place_id=None, title="Panel news, winter 2026"):
    user = user or make_staff(session, Role.COMMS)
    bulletin = compose.create_bulletin(session, user, title, place_id, now)
    compose.update_bulletin(bulletin, title, "Welcome to **this** edition, -first_name-.", now)
    compose.save_item(
        session,
        user,
        bulletin,
        None,
        kind=ItemKind.NEWS,
        title="New urgent care centre",
        body="Read [the opening hours](https://example.nhs.uk/ucc).",
        link_url="",
        link_text="",
        survey_id=None,
    )
    compose.save_item(
        session,
        user,
        bulletin,
        None,
        kind=ItemKind.SURVEY,
        title="Tell us about maternity care",
        body="It takes ten minutes.",
        link_url="https://panel.test/s/{token}",
        link_text="Take the maternity survey",
        survey_id=approved_survey(session, place_id).id,
    )
    return bulletin


def approved_survey(session, place_id=None, title="Maternity care"):
    """A survey approved but not yet live: items name it, and keep their own link pattern."""
    survey = Survey(
        title=title, status=SurveyStatus.APPROVED, place_id=place_id, content={"pages": []}
    )
    session.add(survey)
    session.flush()
    return survey


def make_due(session, bulletin, user, now):
    from mailer.bulletins.services.schedule import schedule_bulletin

    schedule_bulletin(
        session, bulletin, user, now - timedelta(seconds=1), now - timedelta(seconds=1)
    )
    assert bulletin.status is BulletinStatus.SCHEDULED
    return bulletin


def confirm_fields(html: str) -> dict[str, str]:
    """The hidden fields of a check page's confirm form (the last form on the page)."""
    form = html.rsplit('name="expected"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    fields["expected"] = html.rsplit('name="expected" value="', 1)[1].split('"', 1)[0]
    return {name: unescape(value) for name, value in fields.items()}


def make_members(session, count, place_code="blackpool", **overrides):
    return [make_member(session, place_code, **overrides) for _ in range(count)]


__all__ = ["Bulletin", "confirm_fields", "make_bulletin", "make_due", "make_members"]
