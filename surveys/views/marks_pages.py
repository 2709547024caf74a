"""Findings authors say are wrong: the form beside each finding, and the comms team's list and
corpus download."""

from __future__ import annotations

from flask import flash, render_template
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from surveys import page_data
from surveys.forms import MarkFindingForm, OverrideForm
from surveys.services import marks
from surveys.views.common import AUTHORS, blueprint, redirect_to_survey, scoped_survey


@blueprint.post("/<int:survey_id>/findings/mark")
@staff_required(*AUTHORS)
def mark_finding(survey_id: int):
    """Record that a finding is wrong, with the author's reason."""
    survey = scoped_survey(survey_id)
    form = MarkFindingForm()
    if form.validate_on_submit():
        try:
            marks.mark_finding_wrong(
                db.session, survey, current_user, form.finding.data, form.reason.data, utcnow()
            )
        except marks.MarkError as error:
            if not show_field_error(form, error):
                flash(str(error), "error")
                return redirect_to_survey(survey, "findings")
        else:
            db.session.commit()
            flash("Thank you: the comms team will look at your note.", "success")
            return redirect_to_survey(survey, "findings")
    context = page_data.survey_context(db.session, survey, current_user)
    return render_template(
        "surveys/survey.html",
        **context,
        form=ConfirmForm(),
        override_form=OverrideForm(),
        mark_form=form,
    )


@blueprint.get("/finding-marks")
@staff_required(Role.COMMS)
def finding_marks():
    """Findings authors marked as wrong, newest first."""
    return render_template("surveys/finding_marks.html", marks=marks.recent_marks(db.session))


@blueprint.get("/finding-marks.csv")
@staff_required(Role.COMMS)
def finding_marks_csv():
    """The marks in the checker corpus's format, to check and add to the corpus."""
    return attachment(marks.marks_csv(marks.recent_marks(db.session)), "finding-marks.csv")
