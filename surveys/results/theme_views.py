"""Staff theming of comments: suggest, confirm, rename, merge, delete, and code by hand."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import (
    ConfirmForm,
    PanelForm,
    QueryForm,
    requested_page,
    show_field_error,
    strip_whitespace,
)
from panel.redirects import referrer_path
from surveys.models import Survey
from surveys.results import coding, themes

blueprint = Blueprint("themes", __name__, url_prefix="/staff/surveys")


class ThemeNameForm(PanelForm):
    """A theme's name."""

    name = StringField(
        "Theme name",
        filters=[strip_whitespace],
        validators=[InputRequired("Give the theme a name"), Length(max=120)],
    )
    confirm = BooleanField("Confirmed: include it in reports")


class MergeForm(PanelForm):
    """Merge a theme into another."""

    target = SelectField("Merge into", coerce=int, validate_choice=True)


class CodeForm(PanelForm):
    """Code a comment to a theme."""

    answer_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    part = HiddenField(validators=[InputRequired()])
    theme_id = SelectField("Theme", coerce=int, validate_choice=True)


class CodingSearchForm(QueryForm):
    """Which comments the coding page lists."""

    q = StringField(
        "Search the comments",
        filters=[strip_whitespace],
        validators=[Length(max=200, message="Enter 200 characters or fewer")],
    )
    show = SelectField(
        "Show",
        choices=[("", "All comments"), ("uncoded", "Only comments not coded yet")],
        validate_choice=True,
    )


class BulkCodeForm(PanelForm):
    """One theme applied to the comments ticked."""

    comments = SelectMultipleField("Comments", validate_choice=False)
    theme_id = SelectField(
        "Theme to apply to the comments you chose",
        coerce=int,
        validate_choice=True,
        validators=[InputRequired("Choose a theme")],
    )


def _survey(survey_id: int) -> Survey:
    return get_scoped_or_404(db.session, Survey, survey_id, current_user)


def _back(survey: Survey):
    return redirect(url_for("themes.index", survey_id=survey.id))


@blueprint.get("/<int:survey_id>/results/themes")
@staff_required(*MEMBER_DATA_ROLES)
def index(survey_id: int, new_form: ThemeNameForm | None = None):
    """The survey's themes and their comments."""
    survey = _survey(survey_id)
    found = themes.summaries(db.session, survey)
    choices = [(s.theme.id, s.theme.name) for s in found]
    return render_template(
        "surveys/results/themes.html",
        survey=survey,
        summaries=found,
        confirm=ConfirmForm(),
        new_form=new_form or ThemeNameForm(prefix="new"),
        choices=choices,
        comment_count=len(themes.texts(db.session, survey)),
        minimum=themes.MIN_COMMENTS,
    )


@blueprint.post("/<int:survey_id>/results/themes/suggest")
@staff_required(*MEMBER_DATA_ROLES)
def suggest(survey_id: int):
    """Suggest themes from the comments."""
    survey = _survey(survey_id)
    if ConfirmForm().validate_on_submit():
        try:
            made = themes.suggest(db.session, survey, current_user, utcnow())
        except themes.ThemeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{len(made)} themes suggested. Check, rename and confirm them.", "success")
    return _back(survey)


@blueprint.post("/<int:survey_id>/results/themes/new")
@staff_required(*MEMBER_DATA_ROLES)
def create(survey_id: int):
    """Add a theme."""
    survey = _survey(survey_id)
    form = ThemeNameForm(prefix="new")
    if form.validate_on_submit():
        try:
            themes.create(db.session, survey, form.name.data, utcnow())
        except themes.ThemeError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            return _back(survey)
    return index(survey_id, new_form=form), 400


@blueprint.post("/<int:survey_id>/results/themes/<int:theme_id>")
@staff_required(*MEMBER_DATA_ROLES)
def rename(survey_id: int, theme_id: int):
    """Rename a theme."""
    survey = _survey(survey_id)
    form = ThemeNameForm()
    if not form.validate_on_submit():
        flash(form.name.errors[0] if form.name.errors else "Try again", "error")
        return _back(survey)
    try:
        themes.rename(db.session, survey, theme_id, form.name.data, form.confirm.data, utcnow())
    except themes.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return _back(survey)


@blueprint.post("/<int:survey_id>/results/themes/<int:theme_id>/merge")
@staff_required(*MEMBER_DATA_ROLES)
def merge(survey_id: int, theme_id: int):
    """Merge a theme into another."""
    survey = _survey(survey_id)
    form = MergeForm()
    form.target.choices = [(t.id, t.name) for t in themes.themes(db.session, survey)]
    if not form.validate_on_submit():
        flash("Choose a theme to merge into", "error")
        return _back(survey)
    try:
        themes.merge(db.session, survey, theme_id, form.target.data)
    except themes.ThemeError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return _back(survey)


@blueprint.post("/<int:survey_id>/results/themes/<int:theme_id>/delete")
@staff_required(*MEMBER_DATA_ROLES)
def delete(survey_id: int, theme_id: int):
    """Delete a theme."""
    survey = _survey(survey_id)
    if ConfirmForm().validate_on_submit():
        try:
            themes.delete(db.session, survey, theme_id)
        except themes.ThemeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
    return _back(survey)


@blueprint.post("/<int:survey_id>/results/themes/code")
@staff_required(*MEMBER_DATA_ROLES)
def code(survey_id: int):
    """Code a comment to a theme, or take it off one."""
    survey = _survey(survey_id)
    form = CodeForm()
    form.theme_id.choices = [(t.id, t.name) for t in themes.themes(db.session, survey)]
    if form.validate_on_submit():
        try:
            themes.code(db.session, survey, form.answer_id.data, form.part.data, form.theme_id.data)
        except themes.ThemeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Comment coded", "success")
    else:
        flash("Choose a theme for the comment", "error")
    return redirect(referrer_path(url_for("results.comment_list", survey_id=survey.id)))


def _coding_page(survey: Survey, form: BulkCodeForm):
    search = CodingSearchForm(request.args)
    search.validate()
    text = "" if search.q.errors else search.q.data or ""
    uncoded_only = search.show.data == "uncoded" and not search.show.errors
    found = coding.coding_page(db.session, survey, text, uncoded_only, requested_page())
    record_audit(
        db.session, current_user, "results.coding", "survey", [survey.id], f"page {found.page}"
    )
    db.session.commit()
    args = {k: v for k, v in request.args.items() if k in ("q", "show")}
    return render_template(
        "surveys/results/coding.html",
        survey=survey,
        search=search,
        found=found,
        form=form,
        ticked=set(form.comments.data or []),
        args=args,
    )


def _bulk_form(survey: Survey) -> BulkCodeForm:
    form = BulkCodeForm()
    form.theme_id.choices = [(t.id, t.name) for t in themes.themes(db.session, survey)]
    return form


@blueprint.get("/<int:survey_id>/results/coding")
@staff_required(*MEMBER_DATA_ROLES)
def coding_index(survey_id: int):
    """Code comments to themes: a page at a time, searchable, with how many are uncoded."""
    survey = _survey(survey_id)
    return _coding_page(survey, _bulk_form(survey))


@blueprint.post("/<int:survey_id>/results/coding")
@staff_required(*MEMBER_DATA_ROLES)
def code_many(survey_id: int):
    """Apply one theme to every comment ticked."""
    survey = _survey(survey_id)
    form = _bulk_form(survey)
    if form.validate_on_submit():
        try:
            chosen = coding.parse_keys(form.comments.data or [])
            added = coding.code_many(db.session, survey, form.theme_id.data, chosen)
        except themes.ThemeError as error:
            show_field_error(form, error, fallback="theme_id")
        else:
            db.session.commit()
            flash(f"{len(chosen):,} comments coded ({added:,} newly)", "success")
            return redirect(url_for("themes.coding_index", survey_id=survey.id, **request.args))
    return _coding_page(survey, form), 400
