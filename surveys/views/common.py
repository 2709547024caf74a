"""What every survey authoring page shares: the blueprint, who may author, and finding the
survey a page is about."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404
from panel.extensions import db
from surveys.models import Survey

blueprint = Blueprint("surveys", __name__, url_prefix="/staff/surveys")
AUTHORS = tuple(MEMBER_DATA_ROLES)
#: where a "Change" link may send the author back to after saving: a name, never a URL, so a
#: crafted ``return_to`` can only pick one of these pages of the same survey (no open redirect).
RETURN_PAGES = {"check": ("surveys.check", "Back to checking the survey")}


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


def return_to() -> str | None:
    """The allowed ``return_to`` of this request (query string), or None for anything else."""
    name = request.args.get("return_to", "")
    return name if name in RETURN_PAGES else None


def return_url(survey: Survey, anchor: str = "") -> str | None:
    """Where the page a "Change" link came from is, if the request names an allowed one."""
    name = return_to()
    if name is None:
        return None
    return url_for(RETURN_PAGES[name][0], survey_id=survey.id) + (f"#{anchor}" if anchor else "")


def redirect_after_change(survey: Survey, anchor: str = ""):
    """Back to the page the "Change" link came from (check answers), else the survey page."""
    target = return_url(survey, anchor)
    return redirect(target) if target else redirect_to_survey(survey, anchor)
