"""The committee report (a page and a tagged PDF, for any staff role, a place's version for
place teams and place board observers) and the committee's meeting dates (comms team)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.auth.access import ALL_STAFF, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import show_field_error
from surveys.assurance import committee_document, committee_report, meetings
from surveys.assurance.forms import MeetingForm, PeriodForm

blueprint = Blueprint("committee_report", __name__, url_prefix="/staff/assurance")


def _report() -> tuple[PeriodForm, committee_report.CommitteeReport]:
    """The report for the period in the query string (the default one while it has errors)."""
    form = PeriodForm(request.args)
    now = utcnow()
    period = committee_report.default_period(db.session, now.date())
    if form.validate():
        try:
            period = committee_report.chosen_period(
                db.session, now.date(), form.start.data, form.end.data
            )
        except FieldError as error:
            show_field_error(form, error, fallback="start")
    return form, committee_report.committee_report(db.session, current_user, period, now)


@blueprint.get("/report")
@staff_required(*ALL_STAFF)
def report():
    """The committee's insight and assurance report as a page."""
    form, data = _report()
    return render_template(
        "surveys/assurance/report.html",
        form=form,
        report=data,
        title=committee_document.title(data),
        pdf_args={"start": data.period.start.isoformat(), "end": data.period.end.isoformat()},
    )


@blueprint.get("/report.pdf")
@staff_required(*ALL_STAFF)
def report_pdf():
    """The committee report as a tagged PDF for the committee papers."""
    _form, data = _report()
    pdf = committee_document.report_pdf(data)
    return attachment(pdf, f"committee-report-{data.period.start}-to-{data.period.end}.pdf")


@blueprint.route("/meetings", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def meeting_dates():
    """The committee's meeting dates, and a form to add one."""
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meetings.add_meeting(db.session, form.held_on.data)
        except FieldError as error:
            show_field_error(form, error, fallback="held_on")
        else:
            db.session.commit()
            flash("Meeting date added", "success")
            return redirect(url_for("committee_report.meeting_dates"))
    status = 400 if form.errors else 200
    return render_template(
        "surveys/assurance/meetings.html",
        form=form,
        meetings=committee_report.meetings(db.session),
    ), status
