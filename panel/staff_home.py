"""The staff home page: where each role starts."""

from __future__ import annotations

from flask import Blueprint, render_template

from panel.auth.access import staff_required

blueprint = Blueprint("staff_home", __name__, url_prefix="/staff")


@blueprint.get("/")
@staff_required()
def index():
    return render_template("panel/staff_home.html")
