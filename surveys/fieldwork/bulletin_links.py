"""A bulletin's survey invitation item carries each recipient's own personal link."""

from __future__ import annotations

from flask import current_app

from mailer.bulletins.models import BulletinItem, ItemKind
from mailer.bulletins.rendering import PERSONAL_LINK_PROVIDERS, personal_link_provider
from panel.extensions import db
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import Survey, SurveyStatus

_fallback = PERSONAL_LINK_PROVIDERS.get(ItemKind.SURVEY)


@personal_link_provider(ItemKind.SURVEY)
def survey_personal_links(item: BulletinItem, member_ids: list[int]) -> dict[int, str]:
    """Each member's sealed link to the item's survey (the invitation is made when they open
    it); an item naming no live survey keeps the link pattern it was written with."""
    survey = db.session.get(Survey, item.survey_id) if item.survey_id else None
    if survey is None or survey.status is not SurveyStatus.LIVE:
        return _fallback(item, member_ids) if _fallback else {}
    links = PersonalLinks(current_app.config["SECRET_KEY"])
    base = current_app.config["PUBLIC_BASE_URL"]
    return {member_id: f"{base}/s/{links.make(survey.id, member_id)}" for member_id in member_ids}
