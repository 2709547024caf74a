"""What every survey authoring page shares: the blueprint, who may author, and finding the
survey a page is about."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404
from panel.extensions import db
from surveys.models import Survey

blueprint = Blueprint("surveys", __name__, url_prefix="/staff/surveys")
AUTHORS = tuple(MEMBER_DATA_ROLES)


def scoped_survey(survey_id: int) -> Survey:
    """The survey, if the user's places may see it: another place's survey is a 404, exactly
    like a missing one."""
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def redirect_to_survey(survey: Survey, anchor: str = ""):
    """Back to the survey's page, at `anchor` if given."""
    return redirect(
        url_for("surveys.detail", survey_id=survey.id) + (f"#{anchor}" if anchor else "")
    )


def local_zone() -> str:
    """The time zone dates are typed in."""
    return current_app.config["TIMEZONE"]
