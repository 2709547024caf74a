"""A partner account's own pages: its organisation's sign-up links and counts (issue 24).

Every page here is for the partner role only and shows the signed-in account's own
organisation; nothing here reads a member's name, email or postcode."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.extensions import db
from panel.members.services import sources

blueprint = Blueprint("partner", __name__, url_prefix="/partner")


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
