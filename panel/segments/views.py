"""Staff pages: segment builder with live counts, contact caps, representativeness, selection."""

from __future__ import annotations

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
from panel.auth.access import MEMBER_DATA_ROLES, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.members.views_support import place_choices
from panel.segments import definition as definitions
from panel.segments import member_data  # noqa: F401  (registers export and erasure steps)
from panel.segments import tree as trees
from panel.segments.forms import (
    ChooseFieldForm,
    ConditionForm,
    ContactRulesForm,
    GroupCapForm,
    SegmentForm,
    selection_form,
)
from panel.segments.models import FairSelection, GroupContactCap
from panel.segments.selection import QuotasConflict, SelectionError
from panel.segments.services import fair_selection, fatigue, quotas, segments
from panel.segments.services.figures import segment_figures
from panel.segments.services.representativeness import UNDER_REPRESENTED_BELOW, representativeness
from panel.segments.services.special_category import (
    SpecialCategoryRefused,
    Use,
    special_category_note,
    usable_choices,
)

blueprint = Blueprint("segments", __name__, url_prefix="/staff/segments")
EDITORS = MEMBER_DATA_ROLES


def _owner_choices():
    if current_user.role is Role.PLACE:
        return [(p.id, p.name) for p in current_user.places]
    return [(0, "The whole ICB (communications and engagement team)")] + place_choices()


@blueprint.route("/", methods=["GET", "POST"])
@staff_required()
def index():
    """The user's segments; POST creates one."""
    form = SegmentForm()
    form.place_id.choices = _owner_choices()
    if request.method == "POST":
        if current_user.role not in EDITORS:
            abort(403)
        if form.validate_on_submit():
            try:
                segment = segments.create_segment(
                    db.session,
                    current_user,
                    form.name.data,
                    form.description.data or "",
                    form.place_id.data or None,
                    utcnow(),
                )
            except segments.SegmentError as error:
                show_field_error(form, error)
            else:
                db.session.commit()
                return redirect(url_for("segments.builder", segment_id=segment.id))
    return render_template(
        "panel/segments/index.html",
        form=form,
        segments=segments.visible_segments(db.session, current_user),
    )


def _figures(segment):
    figures = segment_figures(
        db.session, segment, current_user, utcnow(), current_app.config["TIMEZONE"]
    )
    db.session.commit()  # the equality-data rule's audit rows (a use, or a refusal)
    return figures


@blueprint.get("/<int:segment_id>")
@staff_required()
def builder(segment_id: int):
    """The segment builder: its conditions and figures."""
    segment = segments.get_segment_or_404(db.session, segment_id, current_user)
    choose = ChooseFieldForm()
    choose.field.choices = usable_choices(
        current_user, [(key, field.label) for key, field in definitions.FIELDS.items()]
    )
    return render_template(
        "panel/segments/builder.html",
        segment=segment,
        figures=_figures(segment),
        nodes=list(trees.walk(segment.definition)),
        choose=choose,
        describe=lambda node: definitions.describe(db.session, node, current_user),
        can_edit=current_user.role in EDITORS,
        special_category_note=special_category_note(current_user),
        action_form=ConfirmForm(),
    )


@blueprint.post("/<int:segment_id>/change")
@staff_required(*EDITORS)
def change(segment_id: int):
    """One edit of the tree (set all/any, negate, remove, add a group); then back to the page."""
    segment = segments.get_segment_or_404(db.session, segment_id, current_user)
    path, action = request.form.get("path", ""), request.form.get("action", "")
    edits = {
        "all": lambda t: trees.set_op(t, path, "and"),
        "any": lambda t: trees.set_op(t, path, "or"),
        "negate": lambda t: trees.toggle_negate(t, path),
        "remove": lambda t: trees.remove(t, path),
        "add_group": lambda t: trees.add_group(t, path),
    }
    if action not in edits:
        abort(400)
    try:
        segments.save_definition(
            db.session, current_user, segment, edits[action](segment.definition), utcnow()
        )
    except definitions.SegmentDefinitionError as error:
        flash(str(error), "error")
    db.session.commit()  # the change, or only the audit of a refused one
    return redirect(url_for("segments.builder", segment_id=segment.id) + "#conditions")


@blueprint.route("/<int:segment_id>/add", methods=["GET", "POST"])
@staff_required(*EDITORS)
def add_condition(segment_id: int):
    """Add a condition to a segment."""
    segment = segments.get_segment_or_404(db.session, segment_id, current_user)
    path = request.values.get("path", "")
    field = definitions.FIELDS.get(request.values.get("field", ""))
    if field is None:
        abort(404)
    form = ConditionForm()
    if field.kind in ("choice", "topics"):
        form.values.choices = definitions.field_options(db.session, field.key, current_user)
    if form.validate_on_submit():
        condition = definitions.build_condition(
            field,
            negate=form.negate.data == "y",
            values=form.values.data,
            after=form.after.data,
            before=form.before.data,
            months=form.months.data,
        )
        try:
            segments.save_definition(
                db.session,
                current_user,
                segment,
                trees.add_item(segment.definition, path, condition),
                utcnow(),
            )
        except definitions.SegmentDefinitionError as error:
            show_field_error(form, error, fallback=definitions.CONDITION_INPUTS[field.kind])
            db.session.commit()  # only the audit of a refused special category condition
        else:
            db.session.commit()
            return redirect(url_for("segments.builder", segment_id=segment.id) + "#conditions")
    return render_template(
        "panel/segments/add_condition.html", segment=segment, field=field, form=form, path=path
    )


@blueprint.get("/representativeness")
@staff_required()
def dashboard():
    """How representative the panel is, area by area."""
    areas = representativeness(db.session, current_user)
    return render_template(
        "panel/segments/representativeness.html", areas=areas, threshold=UNDER_REPRESENTED_BELOW
    )


def _contact_rules_page(form, cap_form, status: int = 200):
    rules = fatigue.contact_rules(db.session)
    now = utcnow()
    caps = [
        (
            cap,
            fatigue.group_label(db.session, cap, current_user),
            fatigue.members_in_group(db.session, cap, now),
        )
        for cap in fatigue.group_caps(db.session)
    ]
    cap_form.group.choices = [("", "Choose a group")] + fatigue.group_cap_choices(
        db.session, current_user
    )
    return render_template(
        "panel/segments/contact_rules.html",
        form=form,
        rules=rules,
        caps=caps,
        cap_form=cap_form,
        remove_form=ConfirmForm(),
    ), status


@blueprint.route("/contact-rules", methods=["GET", "POST"])
@staff_required()
def contact_rules():
    """The contact rules and the groups with their own caps; POST changes the rules."""
    rules = fatigue.contact_rules(db.session)
    form = ContactRulesForm(obj=rules)
    if request.method == "POST":
        if current_user.role is not Role.COMMS:
            abort(403)
        if form.validate_on_submit():
            fatigue.update_contact_rules(
                db.session, rules, form.max_invitations.data, form.window_days.data, utcnow()
            )
            record_audit(
                db.session,
                current_user,
                "contact_rules.update",
                "contact_rules",
                [1],
                detail=f"{rules.max_invitations} per {rules.window_days} days",
            )
            db.session.commit()
            flash("Contact caps saved", "info")
            return redirect(url_for("segments.contact_rules"))
    return _contact_rules_page(form, GroupCapForm(formdata=None, prefix="cap"))


@blueprint.post("/contact-rules/groups")
@staff_required(Role.COMMS)
def add_group_cap():
    """Save a stricter cap for one group (comms team)."""
    form = GroupCapForm(prefix="cap")
    if form.validate_on_submit():
        try:
            cap = fatigue.add_group_cap(
                db.session,
                current_user,
                form.group.data,
                form.max_invitations.data,
                form.window_days.data,
                form.reason.data or "",
                utcnow(),
            )
        except fatigue.GroupCapError as error:
            db.session.rollback()
            show_field_error(form, error, "group")
        else:
            record_audit(
                db.session,
                current_user,
                "contact_rules.group_cap",
                "group_contact_cap",
                [cap.id],
                detail=f"{cap.field}={cap.value}: {cap.max_invitations} per {cap.window_days} days",
            )
            db.session.commit()
            flash("The group's cap is saved: every invitation now respects it", "info")
            return redirect(url_for("segments.contact_rules"))
    rules = fatigue.contact_rules(db.session)
    return _contact_rules_page(ContactRulesForm(obj=rules, formdata=None), form, 422)


@blueprint.post("/contact-rules/groups/<int:cap_id>/remove")
@staff_required(Role.COMMS)
def remove_group_cap(cap_id: int):
    """Remove a group's own cap (the panel-wide cap still applies to them)."""
    cap = db.session.get(GroupContactCap, cap_id)
    if cap is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        record_audit(
            db.session,
            current_user,
            "contact_rules.group_cap_removed",
            "group_contact_cap",
            [cap.id],
            detail=f"{cap.field}={cap.value}",
        )
        db.session.delete(cap)
        db.session.commit()
        flash("The group's own cap is removed", "info")
    return redirect(url_for("segments.contact_rules"))


@blueprint.route("/<int:segment_id>/select", methods=["GET", "POST"])
@staff_required(*EDITORS)
def select(segment_id: int):
    """Check the pool against the targets (the "check" button), or select; a pool short of a
    target, or quotas no group meets at once, are shown for the user to decide."""
    segment = segments.get_segment_or_404(db.session, segment_id, current_user)
    usable = set(dict(usable_choices(current_user, quotas.SELECTION_FEATURES)))
    choices = [
        c for c in quotas.characteristics(db.session, current_user, segment) if c.key in usable
    ]
    form = selection_form(
        choices,
        quotas.population_choices(db.session, current_user, segment),
        data={"seed": 2026, "features": ["age_band", "sex"]} if request.method == "GET" else None,
    )
    plan = None
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "check":
                plan = quotas.plan_selection(
                    db.session, current_user, segment, now=utcnow(), **form.plan_options()
                )
            else:
                selection = fair_selection.run_fair_selection(
                    db.session, current_user, segment, now=utcnow(), **form.selection_options()
                )
                db.session.commit()
                return redirect(
                    url_for("segments.selection", segment_id=segment.id, selection_id=selection.id)
                )
        except SpecialCategoryRefused as error:
            field = form.features if error.use is Use.BALANCE else form.number_wanted
            field.errors.append(str(error))
        except quotas.QuotasShort as short:
            plan = short.plan
            form.accept_shortfall.errors.append(str(short))
        except QuotasConflict as conflict:
            form.widen_by.errors.append(str(conflict))
        except SelectionError as error:
            form.number_wanted.errors.append(str(error))
    return render_template(
        "panel/segments/select.html",
        segment=segment,
        form=form,
        plan=plan,
        census=quotas.census_percentages(db.session, current_user, segment),
        figures=_figures(segment),
        special_category_note=special_category_note(current_user),
    )


def _selection_or_404(segment_id: int, selection_id: int) -> FairSelection:
    segment = segments.get_segment_or_404(db.session, segment_id, current_user)
    selection = db.session.get(FairSelection, selection_id)
    if selection is None or selection.segment_id != segment.id:
        abort(404)
    return selection


@blueprint.get("/<int:segment_id>/selections/<int:selection_id>")
@staff_required(*EDITORS)
def selection(segment_id: int, selection_id: int):
    """A fair selection's result, unless it must be withheld."""
    chosen = _selection_or_404(segment_id, selection_id)
    withheld = fair_selection.selection_withheld(db.session, current_user, chosen, utcnow())
    db.session.commit()  # the equality-data rule's audit rows
    return render_template(
        "panel/segments/selection.html",
        selection=chosen,
        withheld=withheld,
        segment=chosen.segment,
        export_form=ConfirmForm(),
    )


@blueprint.post("/<int:segment_id>/selections/<int:selection_id>/export.csv")
@staff_required(*EDITORS)
def export_selection(segment_id: int, selection_id: int):
    """The members a fair selection chose, as CSV (audited)."""
    chosen = _selection_or_404(segment_id, selection_id)
    try:
        content = fair_selection.export_selection_csv(db.session, current_user, chosen, utcnow())
    except SpecialCategoryRefused as error:
        db.session.commit()  # the audit of the refusal
        flash(str(error), "error")
        return redirect(
            url_for("segments.selection", segment_id=segment_id, selection_id=selection_id)
        )
    db.session.commit()
    return attachment(content, f"selection-{chosen.id}.csv")
