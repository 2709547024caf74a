"""Staff pages for bulletins: list, editor, audience, preview, schedule, progress and controls;
contributions; and the public "view in browser" page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mailer.bulletins import (
    member_data,  # noqa: F401  (registers export and erasure steps)
    page_data,
    rendering,
)
from mailer.bulletins.forms import (
    AudienceForm,
    BulletinForm,
    ContributionForm,
    ItemForm,
    NewBulletinForm,
    ReviewForm,
    ScheduleForm,
)
from mailer.bulletins.models import Bulletin, BulletinItem, IllegalTransition
from mailer.bulletins.services import compose, contributions, results_items, schedule
from panel.auth.access import ALL_STAFF, MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.segments.services.special_category import SpecialCategoryRefused
from panel.tokens import InvalidToken, TokenPurpose, read_token
from surveys.models import Survey

blueprint = Blueprint("bulletins", __name__, url_prefix="/staff/bulletins")
public_blueprint = Blueprint("bulletin_view", __name__, url_prefix="/bulletins")
EDITORS = tuple(MEMBER_DATA_ROLES)


CONTROLS = {
    "pause": schedule.pause_bulletin,
    "resume": schedule.resume_bulletin,
    "cancel": schedule.cancel_bulletin,
    "unschedule": schedule.unschedule_bulletin,
}
CONTROL_MESSAGES = {
    "pause": "Sending paused: no more batches go until you resume",
    "resume": "Sending resumes within a minute",
    "cancel": "Bulletin cancelled: no one else will get it",
    "unschedule": "Unscheduled: the bulletin is a draft again and will not be sent",
}


def _bulletin(bulletin_id: int) -> Bulletin:
    """Another place's bulletin is a 404, exactly like a missing one."""
    return get_scoped_or_404(db.session, Bulletin, bulletin_id, current_user)


def _item(bulletin: Bulletin, item_id: int) -> BulletinItem:
    item = db.session.get(BulletinItem, item_id)
    if item is None or item.bulletin_id != bulletin.id:
        abort(404)
    return item


def _to_detail(bulletin: Bulletin):
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


@blueprint.route("/", methods=["GET", "POST"])
@staff_required(*ALL_STAFF)
def index():
    """The bulletin list; POST starts a new bulletin."""
    form = NewBulletinForm()
    form.place_id.choices = page_data.owner_choices(current_user)
    if form.validate_on_submit():
        if current_user.role not in EDITORS:
            abort(403)
        try:
            bulletin = compose.create_bulletin(
                db.session, current_user, form.title.data, form.place_id.data or None, utcnow()
            )
        except compose.ComposeError as error:
            show_field_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id))
    bulletins = compose.visible_bulletins(db.session, current_user)
    return render_template("mailer/bulletins/index.html", form=form, bulletins=bulletins)


@blueprint.get("/<int:bulletin_id>")
@staff_required(*EDITORS)
def detail(bulletin_id: int):
    """A bulletin's page (or only its progress panel, for polling)."""
    bulletin = _bulletin(bulletin_id)
    context = page_data.detail_context(db.session, bulletin, current_user, utcnow())
    if request.args.get("part") == "progress":
        return render_template("mailer/bulletins/_progress.html", **context)
    db.session.commit()  # the equality-data rule's audit of the audience count
    return render_template("mailer/bulletins/detail.html", form=ConfirmForm(), **context)


@blueprint.route("/<int:bulletin_id>/edit", methods=["GET", "POST"])
@staff_required(*EDITORS)
def edit(bulletin_id: int):
    """Edit a bulletin's title and introduction."""
    bulletin = _bulletin(bulletin_id)
    form = BulletinForm(obj=bulletin)
    if form.validate_on_submit():
        try:
            compose.update_bulletin(bulletin, form.title.data, form.intro.data or "", utcnow())
        except compose.ComposeError as error:
            show_field_error(form, error)
        except IllegalTransition as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Bulletin saved", "info")
            return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id))
    warnings = rendering.content_warnings(bulletin)
    return render_template(
        "mailer/bulletins/edit.html",
        form=form,
        bulletin=bulletin,
        warnings=warnings,
        action_form=ConfirmForm(),
    )


def _save_item(bulletin: Bulletin, item: BulletinItem | None):
    form = page_data.with_survey_choices(ItemForm(obj=item), db.session, current_user)
    if form.validate_on_submit():
        try:
            compose.save_item(
                db.session,
                current_user,
                bulletin,
                item,
                **page_data.item_values(form),
            )
        except compose.ComposeError as error:
            show_field_error(form, error)
        except IllegalTransition as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id))
    return render_template("mailer/bulletins/item.html", form=form, bulletin=bulletin, item=item)


@blueprint.route("/<int:bulletin_id>/items/new", methods=["GET", "POST"])
@staff_required(*EDITORS)
def new_item(bulletin_id: int):
    """Add an item to a bulletin."""
    return _save_item(_bulletin(bulletin_id), None)


@blueprint.route("/<int:bulletin_id>/items/<int:item_id>", methods=["GET", "POST"])
@staff_required(*EDITORS)
def edit_item(bulletin_id: int, item_id: int):
    """Edit one of a bulletin's items."""
    bulletin = _bulletin(bulletin_id)
    return _save_item(bulletin, _item(bulletin, item_id))


@blueprint.post("/<int:bulletin_id>/items/<int:item_id>/arrange")
@staff_required(*EDITORS)
def arrange_item(bulletin_id: int, item_id: int):
    """Move an item up or down, or remove it."""
    bulletin = _bulletin(bulletin_id)
    item = _item(bulletin, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            if request.form.get("action") == "remove":
                compose.remove_item(db.session, bulletin, item)
            else:
                compose.move_item(bulletin, item, -1 if request.form.get("action") == "up" else 1)
        except IllegalTransition as error:
            flash(str(error), "error")
        db.session.commit()
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id))


@blueprint.route("/<int:bulletin_id>/audience", methods=["GET", "POST"])
@staff_required(*EDITORS)
def audience(bulletin_id: int):
    """Choose who the bulletin goes to."""
    bulletin = _bulletin(bulletin_id)
    form = AudienceForm(segment_id=bulletin.segment_id or 0)
    form.segment_id.choices = page_data.audience_choices(db.session, current_user)
    if form.validate_on_submit():
        segment = page_data.segment_or_404(db.session, form.segment_id.data, current_user)
        try:
            compose.set_audience(db.session, bulletin, segment, current_user, utcnow())
        except IllegalTransition as error:
            flash(str(error), "error")
        except SpecialCategoryRefused as error:
            form.segment_id.errors.append(str(error))
        db.session.commit()  # the audience, or only the audit of a refused one
        if not form.segment_id.errors:
            return _to_detail(bulletin)
    return render_template("mailer/bulletins/audience.html", form=form, bulletin=bulletin)


@blueprint.get("/<int:bulletin_id>/preview")
@staff_required(*EDITORS)
def preview(bulletin_id: int):
    """The bulletin as the signed-in user would get it."""
    bulletin = _bulletin(bulletin_id)
    rendered = rendering.render_for_person(bulletin, current_user.name.split()[0])
    return render_template(
        "mailer/bulletins/preview.html",
        bulletin=bulletin,
        rendered=rendered,
        items=rendering.item_views(bulletin),
        context=rendering.bulletin_context(bulletin),
        warnings=rendering.content_warnings(bulletin),
        form=ConfirmForm(),
    )


@blueprint.post("/<int:bulletin_id>/test-send")
@staff_required(*EDITORS)
def test_send(bulletin_id: int):
    """Send the bulletin to the signed-in user only."""
    bulletin = _bulletin(bulletin_id)
    if ConfirmForm().validate_on_submit():
        compose.test_send(db.session, bulletin, current_user, utcnow())
        db.session.commit()
        flash(f"A test copy is on its way to {current_user.email}", "info")
    return redirect(url_for("bulletins.preview", bulletin_id=bulletin.id))


@blueprint.route("/<int:bulletin_id>/schedule", methods=["GET", "POST"])
@staff_required(*EDITORS)
def schedule_send(bulletin_id: int):
    """Schedule the bulletin now or for later, or take it back, pause, resume or cancel it."""
    bulletin = _bulletin(bulletin_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        now = utcnow()
        when = page_data.resolve_schedule_form(form, current_app.config["TIMEZONE"], now)
        if when is not None:  # nothing is scheduled yet: the check page confirms it
            at = "now" if when <= now else when.isoformat()
            return redirect(url_for("bulletin_checks.send_page", bulletin_id=bulletin.id, at=at))
    counts = page_data.audience_counts(db.session, bulletin, current_user, utcnow())
    db.session.commit()  # the equality-data rule's audit rows (a refused send, the count)
    return render_template(
        "mailer/bulletins/schedule.html", form=form, bulletin=bulletin, counts=counts
    )


@blueprint.post("/<int:bulletin_id>/control")
@staff_required(*EDITORS)
def control(bulletin_id: int):
    """Pause, resume, cancel or unschedule (the button pressed says which); "resend" only
    leads to its check page."""
    bulletin = _bulletin(bulletin_id)
    if request.form.get("action") == "resend":
        return redirect(url_for("bulletin_checks.resend_page", bulletin_id=bulletin.id))
    name = request.form.get("action", "")
    action = CONTROLS.get(name) or abort(400)
    if ConfirmForm().validate_on_submit():
        try:
            action(db.session, bulletin, current_user, utcnow())
        except IllegalTransition as error:
            flash(str(error), "error")
        else:
            flash(CONTROL_MESSAGES[name], "success")
        db.session.commit()
    return _to_detail(bulletin)


@blueprint.route("/contributions", methods=["GET", "POST"])
@staff_required(*ALL_STAFF)
def contribute():
    """A place team offers an item for a bulletin; lists their earlier offers."""
    form = page_data.with_survey_choices(ContributionForm(), db.session, current_user)
    if form.validate_on_submit():
        try:
            contributions.submit_contribution(
                db.session,
                current_user,
                **page_data.item_values(form),
                now=utcnow(),
            )
        except compose.ComposeError as error:
            show_field_error(form, error)
        else:
            db.session.commit()
            flash("Thank you: the communications team will review your item", "info")
            return redirect(url_for("bulletins.contribute"))
    mine = contributions.my_contributions(db.session, current_user)
    return render_template("mailer/bulletins/contributions.html", form=form, items=mine)


@blueprint.post("/results/<int:survey_id>")
@staff_required(*MEMBER_DATA_ROLES)
def offer_results(survey_id: int):
    """Offer a survey's published results as a bulletin item, from its results editor."""
    survey = get_scoped_or_404(db.session, Survey, survey_id, current_user)
    if ConfirmForm().validate_on_submit():
        try:
            results_items.offer_results(db.session, survey, current_user, utcnow())
        except compose.ComposeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                "A 'You said, we did' item is waiting for the communications team to place in "
                "a bulletin.",
                "success",
            )
    return redirect(url_for("results.edit_page", survey_id=survey.id))


@blueprint.get("/contributions/review")
@staff_required(Role.COMMS)
def review_list():
    """Contributed items waiting for the communications team."""
    items = contributions.contributions_to_review(db.session)
    return render_template("mailer/bulletins/review_list.html", items=items)


@blueprint.route("/contributions/<int:item_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def review(item_id: int):
    """Approve, reject or place one contributed item."""
    item = db.session.get(BulletinItem, item_id)
    if item is None or item.contribution_status is None:
        abort(404)
    form = page_data.with_survey_choices(ReviewForm(obj=item), db.session, current_user)
    form.bulletin_id.choices = page_data.open_bulletin_choices(db.session, current_user)
    if form.validate_on_submit():
        error = page_data.apply_review(db.session, current_user, item, form, utcnow())
        if error is None:
            db.session.commit()
            return redirect(url_for("bulletins.review_list"))
        show_field_error(form, error)
    return render_template("mailer/bulletins/review.html", form=form, item=item)


@public_blueprint.get("/view/<token>")
def view(token: str):
    """The bulletin as sent, with no one's name or links in it."""
    try:
        bulletin_id = read_token(TokenPurpose.BULLETIN_VIEW, token, None)
    except InvalidToken:
        abort(404)
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None or bulletin.started_at is None:
        abort(404)
    return render_template(
        "mailer/bulletins/view.html",
        bulletin=bulletin,
        items=rendering.item_views(bulletin),
        context=rendering.bulletin_context(bulletin),
    )
