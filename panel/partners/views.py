"""A partner account's own pages (issue 24): its organisation's sign-up links and counts, and
the insight reports it sends with what was done with them.

Every page here is for the partner role only and shows the signed-in account's own
organisation; nothing here reads a member's name, email or postcode."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import show_field_error
from panel.members.services import sources
from panel.partners.forms import ReportForm
from panel.places.services import all_places
from surveys.insights import partner_reports
from surveys.insights.vocabulary import GROUPS

blueprint = Blueprint("partner", __name__, url_prefix="/staff/partner")


def own_organisation():
    """The signed-in partner's organisation (an account without one may see nothing)."""
    return current_user.partner_organisation or abort(403)


@blueprint.get("/")
@staff_required(Role.PARTNER)
def home():
    """The organisation's sign-up links and how many people joined through each."""
    organisation = own_organisation()
    signups = sources.partner_signups(db.session, organisation.id)
    base_url = current_app.config["PUBLIC_BASE_URL"]
    links = {row["source"].id: sources.signup_link(base_url, row["source"]) for row in signups.rows}
    return render_template(
        "panel/partners/home.html", organisation=organisation, signups=signups, links=links
    )


def _report_form() -> ReportForm:
    form = ReportForm()
    form.groups.choices = GROUPS
    organisation = own_organisation()
    places = all_places(db.session)
    if organisation.place_id is not None:
        places = [place for place in places if place.id == organisation.place_id]
    form.place_id.choices = [(0, "Across the ICB")] + [(place.id, place.name) for place in places]
    return form


def _uploads(form: ReportForm) -> list[tuple[str, bytes]]:
    # One byte more than the limit is read, so a larger file is refused without reading it all.
    files = [upload for upload in (form.attachments.data or []) if upload and upload.filename]
    return [
        (upload.filename, upload.read(partner_reports.MAX_ATTACHMENT_BYTES + 1))
        for upload in files[: partner_reports.MAX_ATTACHMENTS + 1]
    ]


@blueprint.get("/reports")
@staff_required(Role.PARTNER)
def reports():
    """The organisation's insight reports, newest first."""
    organisation = own_organisation()
    return render_template(
        "panel/partners/reports.html",
        organisation=organisation,
        reports=partner_reports.organisation_reports(db.session, organisation.id),
    )


@blueprint.route("/reports/new", methods=["GET", "POST"])
@staff_required(Role.PARTNER)
def new_report():
    """Send an insight report; it goes to the ICB's insight library for review."""
    form = _report_form()
    if form.validate_on_submit():
        fields = partner_reports.ReportFields(
            title=form.title.data,
            summary=form.summary.data,
            groups=list(form.groups.data or []),
            place_id=form.place_id.data or None,
            attachments=_uploads(form),
        )
        try:
            report = partner_reports.submit_report(db.session, current_user, fields, utcnow())
        except partner_reports.ReportError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Thank you: your report has been sent to the ICB", "info")
            return redirect(url_for("partner.report", report_id=report.id))
    page = render_template("panel/partners/new_report.html", form=form)
    return page, 400 if form.errors else 200


def _own_report(report_id: int):
    organisation = own_organisation()
    return partner_reports.find_report(db.session, report_id, organisation.id) or abort(404)


@blueprint.get("/reports/<int:report_id>")
@staff_required(Role.PARTNER)
def report(report_id: int):
    """One of the organisation's reports, its files and what was done with it."""
    finding = _own_report(report_id)
    return render_template(
        "panel/partners/report.html",
        report=finding,
        attachments=partner_reports.report_attachments(db.session, finding),
        outcomes=partner_reports.what_was_done(db.session, finding),
    )


@blueprint.get("/reports/<int:report_id>/files/<int:attachment_id>.pdf")
@staff_required(Role.PARTNER)
def report_file(report_id: int, attachment_id: int):
    """A file the organisation sent with its report, as the PDF that was kept."""
    finding = _own_report(report_id)
    file = partner_reports.find_attachment(db.session, finding, attachment_id) or abort(404)
    return attachment(file.content, f"report-{finding.id}-file-{file.id}.pdf")
