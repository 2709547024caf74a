"""Staff pages for members: directory, detail, CSV export, import and recruitment sources."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import streamed_attachment
from panel.extensions import db
from panel.forms_common import ConfirmForm, requested_page, show_field_error
from panel.input_cleaning import single_line, text_from_upload
from panel.members import reference
from panel.members.forms import DirectoryFilterForm, ImportForm, SourceForm
from panel.members.models import Member, MemberImport, MemberStatus
from panel.members.record_extras import consent_steps_for, record_sections
from panel.members.services import directory, importing, sources
from panel.members.views_support import (
    neighbourhood_choices,
    place_choices,
    postcode_places_or_none,
)
from panel.qr import qr_data_uri

blueprint = Blueprint("members", __name__, url_prefix="/staff/members")
PER_PAGE = 50


def _filter_form() -> tuple[DirectoryFilterForm, directory.DirectoryFilters]:
    form = DirectoryFilterForm(request.args)
    form.place_id.choices = [(0, "All places")] + place_choices()
    form.neighbourhood_id.choices = [(0, "All neighbourhoods")] + neighbourhood_choices(None)[1:]
    form.source_id.choices = [(0, "All sources")] + [
        (s.id, s.name) for s in sources.visible_sources(db.session, current_user)
    ]
    filters = directory.DirectoryFilters()
    if form.validate():
        filters = directory.DirectoryFilters(
            text=form.q.data or "",
            place_id=form.place_id.data or None,
            neighbourhood_id=form.neighbourhood_id.data or None,
            status=MemberStatus(form.status.data) if form.status.data else None,
            source_id=form.source_id.data or None,
            joined_from=form.joined_from.data,
            joined_to=form.joined_to.data,
        )
    return form, filters


def _filter_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "page"}


@blueprint.get("/")
@staff_required(*MEMBER_DATA_ROLES)
def index():
    """The member directory, filtered and a page at a time (audited)."""
    form, filters = _filter_form()
    page = requested_page()
    members, total = directory.list_members(
        db.session,
        current_user,
        filters,
        page=page,
        per_page=PER_PAGE,
        zone=current_app.config["TIMEZONE"],
    )
    record_audit(
        db.session,
        current_user,
        "members.list",
        "member",
        [m.id for m in members],
        detail=f"page {page}, {total} matching",
    )
    db.session.commit()
    args = _filter_args()
    return render_template(
        "panel/members/index.html",
        form=form,
        members=members,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        args=args,
        reference=reference,
    )


@blueprint.get("/<int:member_id>")
@staff_required(*MEMBER_DATA_ROLES)
def detail(member_id: int):
    """One member's record (audited)."""
    member = get_scoped_or_404(db.session, Member, member_id, current_user)
    record_audit(db.session, current_user, "member.view", "member", [member.id])
    db.session.commit()
    return render_template(
        "panel/members/detail.html",
        member=member,
        reference=reference,
        history=directory.contact_history(db.session, member),
        sections=record_sections(db.session, member),
        consent_steps=consent_steps_for(db.session, member),
        show_equality=current_user.role is Role.COMMS,
        # Members saved before places came from postcodes may disagree: say so, change nothing.
        postcode_places=postcode_places_or_none(member.postcode) if member.postcode else None,
    )


@blueprint.get("/export.csv")
@staff_required(*MEMBER_DATA_ROLES)
def export():
    """The filtered directory as a streamed CSV file (audited once complete)."""
    form, filters = _filter_form()
    if form.errors:
        # Never export the whole directory in place of the filtered one: show what is wrong.
        return redirect(url_for("members.index", **_filter_args()))
    produce = partial(
        directory.export_csv,
        user_id=current_user.id,
        filters=filters,
        zone=current_app.config["TIMEZONE"],
        now=utcnow(),
    )
    return streamed_attachment(produce, "panel-members.csv")


@blueprint.route("/import", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def import_upload():
    """Upload a CSV file of members to import."""
    form = ImportForm()
    form.source_id.choices = [(0, "None")] + [
        (s.id, s.name) for s in sources.visible_sources(db.session, current_user)
    ]
    if form.validate_on_submit():
        upload = form.file.data
        content = _read_upload(upload)
        if content is None:
            form.file.errors.append("Choose a CSV file saved as UTF-8, up to 5 MB")
        else:
            try:
                importing.preview_import(db.session, content, _household_limit())
            except importing.ImportFileError as error:
                form.file.errors.append(str(error))
            else:
                staged = importing.stage_import(
                    db.session,
                    current_user,
                    single_line(upload.filename or "") or "upload.csv",
                    content,
                    form.source_id.data or None,
                    utcnow(),
                )
                db.session.commit()
                return redirect(url_for("members.import_preview", import_id=staged.id))
    return render_template("panel/members/import.html", form=form)


def _household_limit() -> int:
    return current_app.config["MAX_MEMBERS_PER_HOUSEHOLD"]


def _read_upload(upload) -> str | None:
    return text_from_upload(upload, 5 * 1024 * 1024)


@blueprint.route("/import/<int:import_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def import_preview(import_id: int):
    """Preview an uploaded import; POST adds its good rows."""
    staged = db.session.get(MemberImport, import_id) or abort(404)
    if staged.confirmed_at is not None:
        return render_template("panel/members/import_done.html", staged=staged)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        created = importing.confirm_import(
            db.session, current_user, staged, utcnow(), _household_limit()
        )
        db.session.commit()
        flash(f"Imported {created} members", "info")
        return redirect(url_for("members.import_preview", import_id=staged.id))
    preview = importing.preview_import(db.session, staged.content, _household_limit())
    record_audit(db.session, current_user, "members.import_preview", "member_import", [staged.id])
    db.session.commit()
    return render_template("panel/members/import_preview.html", staged=staged, preview=preview)


@blueprint.route("/sources", methods=["GET", "POST"])
@staff_required(*MEMBER_DATA_ROLES)
def sources_index():
    """Recruitment sources; POST adds one."""
    form = SourceForm()
    form.place_id.choices = [(0, "The whole ICB (every place)")] + place_choices()
    if current_user.role is Role.COMMS and form.validate_on_submit():
        try:
            source = sources.create_source(
                db.session, current_user, form.name.data, form.place_id.data or None, utcnow()
            )
        except sources.SourceError as error:
            show_field_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("members.source_detail", source_id=source.id))
    elif request.method == "POST":
        abort(403)
    return render_template(
        "panel/members/sources.html",
        form=form,
        sources=sources.visible_sources(db.session, current_user),
        dashboard=sources.recruitment_dashboard(db.session, current_user),
    )


@blueprint.get("/sources/<int:source_id>")
@staff_required(*MEMBER_DATA_ROLES)
def source_detail(source_id: int):
    """One recruitment source, with its joining link and QR code."""
    source = sources.get_source_or_404(db.session, source_id, current_user)
    link = sources.signup_link(current_app.config["PUBLIC_BASE_URL"], source)
    return render_template(
        "panel/members/source_detail.html", source=source, link=link, qr=qr_data_uri(link)
    )
