"""Staff pages of the insight library: search and filter, record, read and change a finding.
Every staff role reads; the communications team and place teams (their places) keep it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import show_field_error
from surveys.decisions import public, register
from surveys.insights import library, partner_reports
from surveys.insights.forms import ICB_PLACE_FILTER, ICB_WIDE, InsightForm, InsightSearchForm
from surveys.insights.models import InsightFinding

blueprint = Blueprint("insights", __name__, url_prefix="/staff/insights")


def _finding(insight_id: int) -> InsightFinding:
    finding = db.session.scalars(
        library.visible_insights(current_user).where(InsightFinding.id == insight_id)
    ).first()
    if finding is None:
        abort(404)
    return finding


def _form(obj: InsightFinding | None = None) -> InsightForm:
    form = InsightForm(obj=obj)
    places = public.places(db.session)
    if current_user.role is Role.PLACE:
        form.place_id.choices = [
            (str(p.id), p.name) for p in places if p.id in current_user.place_ids
        ]
    else:
        form.place_id.choices = [ICB_WIDE, *[(str(p.id), p.name) for p in places]]
    surveys = register.linkable_surveys(db.session, current_user)
    form.survey_id.choices = [("", "No survey"), *[(str(s.id), s.title) for s in surveys]]
    decisions = register.decisions_for(db.session, current_user)
    form.decision_id.choices = [
        ("", "No decision"),
        *[(str(d.id), f"{d.title} ({d.decided_on:%-d %B %Y})") for d in decisions],
    ]
    if obj is not None and not form.is_submitted():
        form.place_id.data = str(obj.place_id) if obj.place_id else ""
        form.survey_id.data = str(obj.survey_id) if obj.survey_id else ""
        form.decision_id.data = str(obj.decision_id) if obj.decision_id else ""
        form.involvement.data = obj.involvement.value if obj.involvement else ""
        form.source_kind.data = obj.source_kind.value
        form.topics.data = obj.topics
        form.groups.data = obj.groups
    return form


@blueprint.get("/")
@staff_required(*ALL_STAFF)
def index():
    """The library: search words and filters, and the findings that match."""
    form = InsightSearchForm(request.args)
    form.place.choices = [
        ("", "Anywhere"),
        (ICB_PLACE_FILTER, "ICB-wide findings only"),
        *[(str(p.id), p.name) for p in public.places(db.session)],
    ]
    form.validate()
    findings = library.search_insights(db.session, current_user, form.query())
    status = 400 if any(field.errors for field in form) else 200
    return render_template(
        "surveys/insights/index.html",
        form=form,
        findings=findings,
        can_edit=current_user.role in MEMBER_DATA_ROLES,
    ), status


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def new():
    """Add a finding to the library."""
    form = _form()
    if form.validate_on_submit():
        try:
            finding = library.record_insight(db.session, current_user, form.values(), utcnow())
        except library.InsightError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Finding added to the insight library", "success")
            return redirect(url_for("insights.detail", insight_id=finding.id))
    status = 400 if form.errors else 200
    return render_template("surveys/insights/form.html", form=form, finding=None), status


@blueprint.get("/<int:insight_id>")
@staff_required(*ALL_STAFF)
def detail(insight_id: int):
    """One finding."""
    finding = _finding(insight_id)
    return render_template(
        "surveys/insights/detail.html",
        finding=finding,
        attachments=partner_reports.report_attachments(db.session, finding),
        can_edit=current_user.role in MEMBER_DATA_ROLES and library.can_edit(current_user, finding),
    )


@blueprint.get("/<int:insight_id>/files/<int:attachment_id>.pdf")
@staff_required(*MEMBER_DATA_ROLES)
def attachment_file(insight_id: int, attachment_id: int):
    """A file a partner sent with its report, as a PDF (audited: a partner's file may name
    people)."""
    finding = _finding(insight_id)
    file = partner_reports.find_attachment(db.session, finding, attachment_id) or abort(404)
    record_audit(db.session, current_user, "insight.file_download", "insight_attachment", [file.id])
    db.session.commit()
    return attachment(file.content, f"report-{finding.id}-file-{file.id}.pdf")


@blueprint.route("/<int:insight_id>/edit", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def edit(insight_id: int):
    """Change a finding."""
    finding = _finding(insight_id)
    if not library.can_edit(current_user, finding):
        abort(404)
    form = _form(finding)
    if form.validate_on_submit():
        try:
            library.update_insight(db.session, finding, current_user, form.values(), utcnow())
        except library.InsightError as error:
            show_field_error(form, error, fallback="title")
        else:
            db.session.commit()
            flash("Finding saved", "success")
            return redirect(url_for("insights.detail", insight_id=finding.id))
    status = 400 if form.errors else 200
    return render_template("surveys/insights/form.html", form=form, finding=finding), status
