"""The panel health page and its export (reads only: every figure is counted from the rows, the
duplicates from the stored scan)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from panel.auth.access import staff_required
from panel.csv_export import csv_text
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.panel_health import charts
from panel.panel_health.figures import MEASURES, export_rows, panel_health

blueprint = Blueprint("panel_health", __name__, url_prefix="/staff/panel-health")


@blueprint.get("/")
@staff_required()
def index():
    """Size, joiners, leavers, inactive, unreachable and duplicates per month and per place."""
    health = panel_health(db.session, current_user, utcnow())
    return render_template(
        "panel/panel_health/index.html",
        health=health,
        measures=MEASURES,
        charts=charts.monthly_charts(health),
    )


@blueprint.get("/panel-health.csv")
@staff_required()
def export():
    """The same figures per month and place, for the assurance report (spreadsheet-safe)."""
    rows = list(export_rows(panel_health(db.session, current_user, utcnow())))
    return attachment(csv_text(rows[0], rows[1:]), "panel-health.csv")
