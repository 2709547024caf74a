"""The member's "My events" page in the member area: their invitations and bookings, each with
its reply link, and the check-in QR code for a confirmed place."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from panel.database import utcnow
from panel.extensions import db
from panel.members.views_support import member_required
from panel.qr import qr_data_uri
from surveys.engagement_events.my_events import my_events

blueprint = Blueprint("my_events", __name__, url_prefix="/my-panel/events")


@blueprint.get("/")
@member_required
def index():
    """Upcoming invitations and bookings first, then past ones."""
    upcoming, past = my_events(db.session, g.member, utcnow(), qr_data_uri)
    return render_template("surveys/engagement_events/my_events.html", upcoming=upcoming, past=past)
