"""Staff pages of the mailer: the development outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from mailer.outbox import list_outbox, read_outbox_entry
from panel.audit.services import record_audit
from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.extensions import db

blueprint = Blueprint("mailer", __name__, url_prefix="/staff/outbox")


@blueprint.get("/")
@staff_required(Role.COMMS)
def outbox():
    """The development outbox: emails written to disk instead of sent (audited)."""
    entries = list_outbox(current_app.config["OUTBOX_DIR"])
    record_audit(db.session, current_user, "outbox.list", "outbox", [], f"{len(entries)} shown")
    db.session.commit()
    return render_template(
        "mailer/outbox.html", entries=entries, backend=current_app.config["MAIL_BACKEND"]
    )


@blueprint.get("/<name>")
@staff_required(Role.COMMS)
def outbox_message(name: str):
    """One email from the development outbox (audited)."""
    entry = read_outbox_entry(current_app.config["OUTBOX_DIR"], name) or abort(404)
    record_audit(db.session, current_user, "outbox.view", "outbox", [name])
    db.session.commit()
    return render_template("mailer/outbox_message.html", entry=entry)
