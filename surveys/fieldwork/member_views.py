"""The member's "My surveys" page in the member area: carry on, what they finished, and what
was done with the results."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm
from panel.members.views_support import member_required
from surveys.fieldwork.my_surveys import my_surveys
from surveys.fieldwork.tokens import PersonalLinks

blueprint = Blueprint("my_surveys", __name__, url_prefix="/my-panel/surveys")


@blueprint.get("/")
@member_required
def index():
    """Surveys open to the member with their progress, the ones they finished, and results."""
    links, now = PersonalLinks(current_app.config["SECRET_KEY"]), utcnow()
    return render_template(
        "surveys/my_surveys.html",
        surveys=my_surveys(db.session, g.member, now),
        now=now,
        link=lambda survey: links.make(survey.id, g.member.id),
        form=ConfirmForm(),
    )
