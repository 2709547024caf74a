"""The member's answer page, opened from the emailed link without signing in (or from the
member area's prompt): the current wording, why they are asked, yes or no. A bad, used or
closed link gets a kind page, never an error."""

from __future__ import annotations

from flask import Blueprint, g, render_template, url_for

from panel.database import utcnow
from panel.extensions import db, limiter
from panel.i18n import lazy_gettext as _l
from panel.members import reference
from panel.members.views_support import member_required
from panel.reconsent import answers
from panel.reconsent.forms import AnswerForm
from panel.reconsent.links import ANSWER_PATH, find_request
from panel.reconsent.models import ReconsentRequest

blueprint = Blueprint("reconsent_answers", __name__)


def _done(request: ReconsentRequest | None, reason: str, status: int = 200):
    return render_template(
        "panel/reconsent/answer_done.html", consent_request=request, reason=reason
    ), status


def _answer(request: ReconsentRequest, method: str, action: str):
    """The answer page and its POST, shared by the emailed link and the member area."""
    now = utcnow()
    member = request.member
    form = AnswerForm()
    if member.equality is None:
        form.answer.choices = [
            ("confirm", _l("Yes, I agree")),
            ("decline", _l("No, I do not agree")),
        ]
    if form.validate_on_submit():
        try:
            if form.answer.data == "confirm":
                answers.confirm(db.session, request, now, method)
            else:
                answers.decline(db.session, request, now, method)
        except answers.RequestClosed:
            db.session.rollback()
            return _done(request, "closed", 410)
        db.session.commit()
        return _done(request, "answered")
    return render_template(
        "panel/reconsent/answer.html",
        form=form,
        consent_request=request,
        member=member,
        action=action,
        equality_text=reference.SPECIAL_CATEGORY_CONSENT_TEXT,
    ), 400 if form.errors else 200


@blueprint.route(f"{ANSWER_PATH}/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def answer(token: str):
    """Confirm or decline from the emailed link."""
    request, unused = find_request(db.session, token)
    if request is None:
        return _done(None, "unknown", 404)
    if not unused:
        return _done(request, "used")
    if not answers.is_open(request, utcnow()):
        return _done(request, "closed", 410)
    return _answer(request, "email link", url_for("reconsent_answers.answer", token=token))


@blueprint.route("/my-panel/consent", methods=["GET", "POST"])
@member_required
def member_answer():
    """The same question in the member area (the prompt on its home page links here)."""
    request = answers.open_request_for(db.session, g.member, utcnow())
    if request is None:
        return _done(None, "nothing")
    return _answer(request, "member area", url_for("reconsent_answers.member_answer"))
