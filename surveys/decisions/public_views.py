"""The public decisions register: every published decision, filtered by place, body and
status, and a page per decision with the involvement that informed it."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from panel.extensions import db
from panel.i18n import lazy_gettext
from surveys.decisions import public
from surveys.decisions.forms import PublicFilterForm
from surveys.decisions.models import BodyKind, DecisionStatus

blueprint = Blueprint("public_decisions", __name__, url_prefix="/decisions")

ICB_WIDE = "icb"


@blueprint.get("/")
def index():
    """Decisions and the involvement behind them."""
    form = PublicFilterForm(request.args)
    form.place.choices = [
        ("", lazy_gettext("Anywhere")),
        (ICB_WIDE, lazy_gettext("ICB-wide decisions only")),
        *[(str(p.id), p.name) for p in public.places(db.session)],
    ]
    form.validate()

    def good(field) -> str:
        return field.data if field.data and not field.errors else ""

    place = good(form.place)
    filters = public.PublicFilters(
        place_id=int(place) if place and place != ICB_WIDE else None,
        icb_wide=place == ICB_WIDE,
        body_kind=BodyKind(good(form.body)) if good(form.body) else None,
        status=DecisionStatus(good(form.status)) if good(form.status) else None,
    )
    return render_template(
        "decisions/index.html",
        form=form,
        decisions=public.published_decisions(db.session, filters),
    )


@blueprint.get("/<int:decision_id>")
def decision(decision_id: int):
    """One decision and its involvement trail."""
    record = public.published_decision(db.session, decision_id)
    if record is None:
        abort(404)
    return render_template(
        "decisions/decision.html",
        decision=record,
        timeline=public.timeline(db.session, record),
        public_surveys=public.public_survey_ids(db.session, record),
    )
