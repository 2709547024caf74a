"""Partner organisations for the comms team: add them, see their accounts, give them links."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.auth.services import list_staff
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import show_field_error
from panel.members.services import sources
from panel.partners import services
from panel.partners.forms import LinkSourceForm, OrganisationForm
from panel.places.services import all_places

blueprint = Blueprint("partner_admin", __name__, url_prefix="/staff/admin/partners")


@blueprint.route("/", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def index():
    """The partner organisations; POST adds one."""
    form = OrganisationForm()
    form.place_id.choices = [(0, "Across the ICB")] + [
        (place.id, place.name) for place in all_places(db.session)
    ]
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                db.session, current_user, form.name.data, form.place_id.data or None, utcnow()
            )
        except services.PartnerError as error:
            show_field_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("partner_admin.detail", organisation_id=organisation.id))
    page = render_template(
        "panel/partners/admin_index.html",
        form=form,
        organisations=services.all_organisations(db.session),
    )
    return page, 400 if form.errors else 200


@blueprint.route("/<int:organisation_id>", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def detail(organisation_id: int):
    """One organisation: its partner accounts and sign-up links; POST gives it a link."""
    organisation = services.find_organisation(db.session, organisation_id) or abort(404)
    form = LinkSourceForm()
    form.source_id.choices = [
        (source.id, source.name)
        for source in sources.visible_sources(db.session, current_user)
        if source.partner_organisation_id != organisation.id
    ]
    if form.validate_on_submit():
        source = sources.get_source_or_404(db.session, form.source_id.data, current_user)
        sources.give_source_to_partner(db.session, current_user, source, organisation.id, utcnow())
        db.session.commit()
        return redirect(url_for("partner_admin.detail", organisation_id=organisation.id))
    accounts = [
        user for user in list_staff(db.session) if user.partner_organisation_id == organisation.id
    ]
    page = render_template(
        "panel/partners/admin_detail.html",
        organisation=organisation,
        accounts=accounts,
        sources=sources.partner_sources(db.session, organisation.id),
        form=form,
    )
    return page, 400 if form.errors else 200
