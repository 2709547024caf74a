"""The respondent's pages: start from a personal or open link, one page at a time, check
answers, submit once, and (open links) get a link by email to finish later."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from panel.database import utcnow
from panel.extensions import db, limiter
from panel.forms_common import ConfirmForm
from surveys.fieldwork import answering, branching, respondent
from surveys.fieldwork.answers import answers_of
from surveys.fieldwork.entry import entry_facts
from surveys.fieldwork.forms import ResumeLinkForm
from surveys.fieldwork.models import ResponseStatus

blueprint = Blueprint("take_part", __name__)


def _closed(survey):
    published = respondent.results_are_public(db.session, survey)
    return render_template(
        "surveys/take_part/closed.html", survey=survey, now=utcnow(), results_published=published
    ), 410


def _in_use(kind: str, token: str, now):
    """((survey, response), None) for a link in use on a survey that is open; otherwise
    (None, the page to answer with): the kind "closed" page for any link to a survey that is not
    open, whether or not its answers can still be found; the start page for a personal link not
    used yet; and a 404 only for a link that names no survey."""
    found = respondent.resolve(db.session, current_app, kind, token)
    if found is None:
        abort(404)
    survey, response = found
    if not survey.is_open(now):
        return None, _closed(survey)
    if response is None:
        return None, redirect(url_for("take_part.personal_start", token=token))
    return found, None


@blueprint.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def personal_start(token: str):
    """A member's personal survey link: the welcome page, or where they left off."""
    found = respondent.personal(db.session, current_app, token)
    if found is None:
        abort(404)
    survey, member_id = found
    if not survey.is_open(utcnow()):
        return _closed(survey)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        response = answering.start_personal(db.session, survey, member_id, utcnow())
        if response is None:
            abort(404)
        db.session.commit()
        if response.status is ResponseStatus.SUBMITTED:
            return redirect(url_for("take_part.check", kind="s", token=token))
        page = answering.resume_page(db.session, survey, response)
        return redirect(url_for("take_part.page", kind="s", token=token, number=page + 1))
    existing = respondent.existing_personal_response(db.session, survey, member_id)
    return render_template(
        "surveys/take_part/start.html",
        survey=survey,
        response=existing,
        form=ConfirmForm(),
        open_link=None,
    )


@blueprint.route("/o/<code>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def open_start(code: str):
    """An open survey link: the welcome page; POST starts a response."""
    link, survey = respondent.open_link(db.session, code)
    if link is None:
        abort(404)
    if not survey.is_open(utcnow()):
        return _closed(survey)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        _response, token = answering.start_open(db.session, survey, link, utcnow())
        db.session.commit()
        return redirect(url_for("take_part.page", kind="r", token=token, number=1))
    return render_template(
        "surveys/take_part/start.html",
        survey=survey,
        response=None,
        form=ConfirmForm(),
        open_link=link,
    )


@blueprint.route("/<any(s, r):kind>/<token>/page/<int:number>", methods=["GET", "POST"])
@limiter.limit("300 per minute", methods=["POST"])
def page(kind: str, token: str, number: int):
    """One page of the survey; POST saves its answers and moves on."""
    now = utcnow()
    errors, typed = {}, None
    if request.method == "POST":
        # No form object: CSRFProtect has already checked the token, as on every POST.
        typed = {key: request.form.getlist(key) for key in request.form}
        result = respondent.save_answered_page(
            db.engine, current_app, kind, token, number - 1, typed, now
        )
        if result is not None and not result.errors:
            if result.next_page is None:
                return redirect(url_for("take_part.check", kind=kind, token=token))
            following = result.next_page + 1
            return redirect(url_for("take_part.page", kind=kind, token=token, number=following))
        errors = result.errors if result is not None else {}
    found, instead = _in_use(kind, token, now)
    if instead is not None:
        return instead
    survey, response = found
    index = number - 1
    if index not in branching.visible_pages(survey, answers_of(db.session, response)):
        # A page that does not apply (branching) or does not exist: back to where they were.
        target = answering.first_unanswered_page(db.session, survey, response)
        return redirect(url_for("take_part.page", kind=kind, token=token, number=target + 1))
    context = respondent.page_context(db.session, survey, response, index, typed)
    return render_template(
        "surveys/take_part/page.html",
        **context,
        errors=errors,
        kind=kind,
        token=token,
        form=ConfirmForm(),
        resume_form=ResumeLinkForm(),
    ), (400 if errors else 200)


@blueprint.route("/<any(s, r):kind>/<token>/check", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def check(kind: str, token: str):
    """Check your answers; POST sends them."""
    now = utcnow()
    found, instead = _in_use(kind, token, now)
    if instead is not None:
        return instead
    survey, response = found
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        missing = answering.missing_page(db.session, survey, response)
        if missing is not None:
            return redirect(url_for("take_part.page", kind=kind, token=token, number=missing + 1))
        answering.submit(db.session, survey, response, now)
        db.session.commit()
        return redirect(url_for("take_part.done", kind=kind, token=token))
    return render_template(
        "surveys/take_part/check.html",
        **respondent.check_context(db.session, survey, response),
        kind=kind,
        token=token,
        form=ConfirmForm(),
    )


@blueprint.get("/<any(s, r):kind>/<token>/done")
def done(kind: str, token: str):
    """The thank-you page after the answers are sent."""
    found = respondent.resolve(db.session, current_app, kind, token)
    if found is None:
        abort(404)
    survey, response = found
    if response is None or response.status is not ResponseStatus.SUBMITTED:
        if not survey.is_open(utcnow()):
            return _closed(survey)
        return redirect(url_for("take_part.check", kind=kind, token=token))
    return render_template(
        "surveys/take_part/done.html",
        survey=survey,
        kind=kind,
        token=token,
        can_change=survey.is_open(utcnow()),
        entry=entry_facts(db.session, response),
    )


@blueprint.post("/r/<token>/resume-link")
@limiter.limit("5 per hour")
def resume_link(token: str):
    """Email an open-link respondent a link to come back to their answers."""
    found, instead = _in_use("r", token, utcnow())
    if instead is not None:
        return instead
    survey, response = found
    form = ResumeLinkForm()
    if form.validate_on_submit():
        respondent.email_resume_link(db.session, current_app, survey, token, form.email.data)
        db.session.commit()
        return render_template(
            "surveys/take_part/resume_sent.html", survey=survey, kind="r", token=token
        )
    number = answering.first_unanswered_page(db.session, survey, response) + 1
    context = respondent.page_context(db.session, survey, response, number - 1, None)
    return render_template(
        "surveys/take_part/page.html",
        **context,
        errors={},
        kind="r",
        token=token,
        form=ConfirmForm(),
        resume_form=form,
    ), 400
