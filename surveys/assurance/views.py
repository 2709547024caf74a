"""The assurance dashboard page: every staff role reads it (a place team for its places)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import show_field_error
from surveys.assurance import dashboard as assembled
from surveys.assurance import period as periods

blueprint = Blueprint("assurance", __name__, url_prefix="/staff/assurance")


@blueprint.get("/")
@staff_required()
def dashboard():
    """The committee's assurance figures for the chosen period, from the records."""
    now = utcnow()
    form = periods.PeriodForm(request.args)
    form.year.choices = periods.year_choices(now)
    form.validate()
    try:
        period = periods.chosen_period(form, now)
    except FieldError as error:
        show_field_error(form, error, fallback="since")
        period = periods.chosen_period(periods.PeriodForm(), now)
    periods.show_defaults(form, now)
    return render_template(
        "surveys/assurance/dashboard.html",
        form=form,
        dashboard=assembled.dashboard(db.session, current_user, now, period),
        may_see_members=current_user.role in (Role.COMMS, Role.PLACE),
    )
