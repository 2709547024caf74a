"""Survey invitation items in bulletins: which surveys a user may invite people to, and each
recipient's own personal link."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from mailer.bulletins.block_rendering import SURVEY_LINK_PROVIDERS
from mailer.bulletins.models import BulletinItem, ItemKind
from mailer.bulletins.rendering import PERSONAL_LINK_PROVIDERS, personal_link_provider
from mailer.bulletins.services.compose import invitable_survey_provider
from panel.auth.models import StaffUser
from panel.extensions import db
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import Survey, SurveyStatus
from surveys.services.authoring import visible_surveys

_fallback = PERSONAL_LINK_PROVIDERS.get(ItemKind.SURVEY)
#: approved surveys too, so an invitation can be written before the survey opens.
INVITABLE_STATUSES = (SurveyStatus.APPROVED, SurveyStatus.LIVE)


@invitable_survey_provider
def invitable_surveys(session: Session, user: StaffUser) -> list[tuple[int, str]]:
    """The surveys the user may see (the one place-scoped query) that are approved or live."""
    return [(s.id, s.title) for s in visible_surveys(session, user, INVITABLE_STATUSES)]


@personal_link_provider(ItemKind.SURVEY)
def survey_personal_links(item: BulletinItem, member_ids: list[int]) -> dict[int, str]:
    """Each member's sealed link to the item's survey (the invitation is made when they open
    it); an item naming no live survey keeps the link pattern it was written with."""
    survey = db.session.get(Survey, item.survey_id) if item.survey_id else None
    if survey is None or survey.status is not SurveyStatus.LIVE:
        return _fallback(item, member_ids) if _fallback else {}
    return live_survey_links(survey.id, member_ids)


def live_survey_links(survey_id: int, member_ids: list[int]) -> dict[int, str]:
    """Each member's sealed link to a survey if it is live; none for any other survey."""
    survey = db.session.get(Survey, survey_id) if survey_id else None
    if survey is None or survey.status is not SurveyStatus.LIVE:
        return {}
    links = PersonalLinks(current_app.config["SECRET_KEY"])
    base = current_app.config["PUBLIC_BASE_URL"]
    return {member_id: f"{base}/s/{links.make(survey.id, member_id)}" for member_id in member_ids}


if live_survey_links not in SURVEY_LINK_PROVIDERS:
    SURVEY_LINK_PROVIDERS.append(live_survey_links)
