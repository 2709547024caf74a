"""Changing a "you said, we did" decision, before or after the results page is public; the
earlier wording is kept and shown on the public page under "updated on"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import show_field_error
from surveys.models import Survey
from surveys.results import decision_changes
from surveys.results.forms import DecisionForm
from surveys.results.publishing import PublishingError

blueprint = Blueprint("decisions", __name__, url_prefix="/staff/surveys")


@blueprint.route("/<int:survey_id>/results/decisions/<int:decision_id>", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def change(survey_id: int, decision_id: int):
    """Change one decision; POST saves it, keeping the earlier wording (audited)."""
    survey = get_scoped_or_404(db.session, Survey, survey_id, current_user)
    decision = decision_changes.decision_of(db.session, survey, decision_id)
    if decision is None:
        abort(404)
    form = DecisionForm(obj=decision)
    if form.validate_on_submit():
        try:
            changed = decision_changes.change_decision(
                db.session,
                decision,
                current_user,
                form.you_said.data,
                form.outcome.data,
                form.action.data,
                form.decided_on.data,
                utcnow(),
            )
        except PublishingError as error:
            show_field_error(form, error, fallback="action")
        else:
            db.session.commit()
            flash("Decision changed" if changed else "Nothing was changed", "success")
            return redirect(url_for("results.edit_page", survey_id=survey.id))
    status = 400 if form.errors else 200
    return render_template(
        "surveys/results/change_decision.html",
        survey=survey,
        decision=decision,
        form=form,
        history=decision_changes.changes(db.session, survey).get(decision.id, []),
    ), status
