"""The staff home page: where each role starts, with the sections each package offers."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template
from flask_login import current_user

from panel.auth.access import ALL_ACCOUNTS, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.staff_home_sections import StaffHomeSectionSource

blueprint = Blueprint("staff_home", __name__, url_prefix="/staff")


def use_sections(app: Flask, sections: tuple[StaffHomeSectionSource, ...]) -> None:
    """Show these sections (collected by the composition root) on the page, in this order."""
    app.extensions["staff_home_sections"] = sections


@blueprint.get("/")
@staff_required(*ALL_ACCOUNTS)
def index():
    """The role's links, then each package's section that has something to show (a partner
    account gets its own links only: the sections are the ICB's work)."""
    now = utcnow()
    sources = current_app.extensions["staff_home_sections"]
    if current_user.role is Role.PARTNER:
        sources = ()
    sections = [s for s in (source(db.session, current_user, now) for source in sources) if s]
    return render_template("panel/staff_home.html", sections=sections)
