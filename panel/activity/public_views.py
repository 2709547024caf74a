"""The "yes, keep me" link of the "are you still interested?" email: no sign-in, a signed link
whose page has one button (mail scanners follow links; only the POST changes anything)."""

from __future__ import annotations

from flask import Blueprint, render_template

from panel.activity import inactivity
from panel.database import utcnow
from panel.extensions import db, limiter
from panel.forms_common import ConfirmForm
from panel.tokens import InvalidToken

blueprint = Blueprint("still_interested", __name__, url_prefix="/still-interested")


@blueprint.route("/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def keep(token: str):
    """Show the button; its POST keeps the member on the panel (and brings back an inactive
    one)."""
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            member = inactivity.member_for_keep_link(db.session, token)
            return render_template("panel/activity/keep.html", form=form, member=member)
        member = inactivity.keep_member(db.session, token, utcnow())
    except InvalidToken:
        return render_template("panel/activity/keep_problem.html"), 400
    db.session.commit()
    return render_template("panel/activity/kept.html", member=member)
