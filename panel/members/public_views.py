"""Resident pages: join in a few steps, confirm by email, and unsubscribe."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from panel import i18n
from panel.database import utcnow
from panel.extensions import csrf, db, limiter
from panel.forms_common import ConfirmForm, show_field_error
from panel.limits import hit_limit
from panel.members import reference
from panel.members.forms import (
    AboutYouForm,
    CheckAnswersForm,
    EqualityForm,
    WhereYouLiveForm,
    YourDetailsForm,
    equality_form_errors,
    source_code,
)
from panel.members.models import Member
from panel.members.services import households, joining, member_area
from panel.members.views_support import (
    join_summary,
    offer_places,
    sign_member_in,
)
from panel.places.models import Place
from panel.places.services import (
    OutsideArea,
    PlaceChoiceProblem,
    PostcodeNotAccepted,
    place_for_postcode,
)
from panel.tokens import InvalidToken, TokenPurpose, read_token

blueprint = Blueprint("join", __name__)
DRAFT_KEY = "join_draft"
STEPS = [
    "join.your_details",
    "join.where_you_live",
    "join.about_you",
    "join.equality",
    "join.check_answers",
]


def _draft():
    return joining.load_draft(db.session, session.get(DRAFT_KEY))


def _require_draft(*needed: str):
    """The draft, if the earlier steps were done; otherwise the first step to do."""
    draft = _draft()
    if draft is None:
        return None, redirect(url_for("join.your_details"))
    for key, step in (
        ("email", "join.your_details"),
        ("place_id", "join.where_you_live"),
        ("age_band", "join.about_you"),
        ("equality_consent", "join.equality"),
    ):
        if key in needed and key not in draft.answers:
            return None, redirect(url_for(step))
    if "place_id" in needed and not _place_fits_postcode(draft.answers):
        return None, redirect(url_for("join.where_you_live"))
    return draft, None


def _place_fits_postcode(answers: dict) -> bool:
    """The place and neighbourhood chosen still agree with the postcode (which may have been
    changed since): otherwise the resident is asked again, never kept silently."""
    try:
        place_for_postcode(db.session, answers["postcode"]).choose(
            answers["place_id"], answers.get("neighbourhood_id")
        )
    except (PostcodeNotAccepted, PlaceChoiceProblem):
        return False
    return True


@blueprint.get("/join")
def start():
    """The first page. Like every GET of the join pages it stores nothing: a recruitment
    link's code travels on in the "Start now" link until the resident submits a step."""
    return render_template("panel/join/start.html", source=source_code(request.args.get("source")))


@blueprint.route("/join/your-details", methods=["GET", "POST"])
def your_details():
    """Joining, step one: name, email address and postcode."""
    draft = _draft()
    form = YourDetailsForm(data=draft.answers if draft else {})
    if request.method == "GET":
        form.source.data = source_code(request.args.get("source"))
    if form.validate_on_submit() and _postcode_is_known(form) and _household_has_room(form):
        now = utcnow()
        if draft is None:
            # The first step submitted: only now is anything kept about this resident.
            token, draft = joining.start_draft(db.session, now)
            session[DRAFT_KEY] = token
        answers = {
            k: getattr(form, k).data for k in ("first_name", "last_name", "email", "postcode")
        }
        if form.source.data:
            answers["source_code"] = form.source.data
        joining.save_answers(draft, answers, now)
        db.session.commit()
        return redirect(url_for("join.where_you_live"))
    return render_template("panel/join/your_details.html", form=form, step=1)


def _household_has_room(form) -> bool:
    """The optional limit of members per household, as a message by the postcode."""
    try:
        households.check_household_room(
            db.session,
            current_app.config["MAX_MEMBERS_PER_HOUSEHOLD"],
            form.last_name.data,
            form.postcode.data,
            form.email.data,
        )
    except households.HouseholdFull as problem:
        show_field_error(form, problem)
        return False
    return True


def _postcode_is_known(form) -> bool:
    """A postcode the table cannot place is a field error here, with who the panel is for; one
    outside the area is kept, and the next step explains (the resident may have made a typo,
    and the Back link keeps what they typed)."""
    try:
        place_for_postcode(db.session, form.postcode.data)
    except OutsideArea:
        return True
    except PostcodeNotAccepted as problem:
        form.postcode.errors.append(str(problem))
        return False
    return True


@blueprint.route("/join/where-you-live", methods=["GET", "POST"])
def where_you_live():
    """Joining: the place and neighbourhood for the postcode."""
    draft, redirect_to = _require_draft("email")
    if redirect_to:
        return redirect_to
    try:
        postcode_places = place_for_postcode(db.session, draft.answers["postcode"])
    except OutsideArea as outside:
        return render_template("panel/join/outside_area.html", postcode=outside.postcode)
    except PostcodeNotAccepted:
        return redirect(url_for("join.your_details"))  # the table changed since the first step
    earlier = draft.answers.get("place_id")
    place = postcode_places.suggested_place(earlier)
    form = WhereYouLiveForm(
        data={
            "place_id": place.id if place else None,
            "neighbourhood_id": draft.answers.get("neighbourhood_id") or 0,
        }
    )
    offer_places(form, postcode_places, form.place_id.data)
    if form.validate_on_submit():
        try:
            choice = postcode_places.choose(form.place_id.data, form.neighbourhood_id.data)
        except OutsideArea:
            return render_template("panel/join/outside_area.html", postcode=None)
        except PlaceChoiceProblem as problem:
            getattr(form, problem.field).errors.append(str(problem))
        else:
            neighbourhood = choice.neighbourhood
            joining.save_answers(
                draft,
                {
                    "place_id": choice.place.id,
                    "neighbourhood_id": neighbourhood.id if neighbourhood else None,
                },
                utcnow(),
            )
            db.session.commit()
            return redirect(url_for("join.about_you"))
    return render_template(
        "panel/join/where_you_live.html",
        form=form,
        step=2,
        postcode_places=postcode_places,
        earlier_place=_earlier_place_disagreeing(postcode_places, earlier),
    )


def _earlier_place_disagreeing(postcode_places, place_id: int | None) -> Place | None:
    """The place chosen before the postcode changed, if the new postcode does not cover it."""
    if place_id is None or postcode_places.place_for(place_id) is not None:
        return None
    return db.session.get(Place, place_id)


@blueprint.route("/join/about-you", methods=["GET", "POST"])
def about_you():
    """Joining: age band, topics and how they heard of the panel."""
    draft, redirect_to = _require_draft("email", "place_id")
    if redirect_to:
        return redirect_to
    form = AboutYouForm(data=draft.answers)
    if form.validate_on_submit():
        joining.save_answers(
            draft,
            {k: getattr(form, k).data for k in ("age_band", "topics", "heard_from")},
            utcnow(),
        )
        db.session.commit()
        return redirect(url_for("join.equality"))
    return render_template("panel/join/about_you.html", form=form, step=3)


@blueprint.route("/join/equality", methods=["GET", "POST"])
def equality():
    """Joining: the optional equality questions and their consent."""
    draft, redirect_to = _require_draft("email", "place_id", "age_band")
    if redirect_to:
        return redirect_to
    form = EqualityForm(
        data={
            **(draft.answers.get("equality") or {}),
            "consent": draft.answers.get("equality_consent", False),
        }
    )
    if request.method == "POST" and request.form.get("skip"):
        joining.save_answers(draft, {"equality": {}, "equality_consent": False}, utcnow())
        db.session.commit()
        return redirect(url_for("join.check_answers"))
    if form.validate_on_submit():
        equality_form_errors(form)
        if not form.consent.errors:
            answers = {f: getattr(form, f).data for f in reference.EQUALITY_FIELDS}
            consent = bool(form.consent.data) and any(answers.values())
            # Without consent nothing is kept, not even in the draft.
            joining.save_answers(
                draft,
                {"equality": answers if consent else {}, "equality_consent": consent},
                utcnow(),
            )
            db.session.commit()
            return redirect(url_for("join.check_answers"))
    return render_template(
        "panel/join/equality.html", form=form, step=4, questions=reference.EQUALITY_QUESTIONS
    )


@blueprint.route("/join/check-your-answers", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def check_answers():
    """Joining: check the answers and send them; the confirmation email follows."""
    draft, redirect_to = _require_draft("email", "place_id", "age_band", "equality_consent")
    if redirect_to:
        return redirect_to
    form = CheckAnswersForm(data={"tracking_consent": draft.answers.get("tracking_choice")})
    if form.validate_on_submit():
        email = draft.answers["email"]
        if _email_rate_limited(email):
            db.session.delete(draft)
        else:
            joining.request_join(
                db.session,
                draft,
                form.tracking_consent.data == "yes",
                utcnow(),
                language=i18n.joining_language(),
            )
        db.session.commit()
        session.pop(DRAFT_KEY, None)
        session["join_done_email"] = email
        return redirect(url_for("join.check_email"))
    return render_template(
        "panel/join/check_answers.html", form=form, step=5, summary=join_summary(draft.answers)
    )


def _email_rate_limited(email: str) -> bool:
    """At most a few confirmation emails an hour to one address, whoever asks."""
    return not hit_limit("3/hour", "join-email", email)


@blueprint.get("/join/check-your-email")
def check_email():
    """Joining: the page asking the person to follow the emailed link."""
    return render_template("panel/join/check_email.html", email=session.get("join_done_email"))


@blueprint.route("/join/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The emailed link opens a page with one button; only its POST confirms (mail scanners
    follow GETs, and a GET never writes)."""
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            joining.member_to_confirm(db.session, token)
            return render_template("panel/join/confirm.html", form=form)
        member = joining.confirm_membership(db.session, token, utcnow())
    except joining.AlreadyConfirmed:
        return render_template("panel/join/confirmed.html", already=True)
    except InvalidToken as error:
        return render_template("panel/join/link_problem.html", expired=error.expired), 400
    sign_member_in(member)
    db.session.commit()
    return render_template("panel/join/confirmed.html", already=False, member=member)


def _member_for_unsubscribe(token: str) -> Member:
    try:
        member_id = read_token(TokenPurpose.UNSUBSCRIBE, token, None)
    except InvalidToken:
        abort(404)
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    return member


@blueprint.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """Shows what unsubscribing does; a GET never changes anything (link scanners follow GETs)."""
    member = _member_for_unsubscribe(token)
    return render_template(
        "panel/join/unsubscribe.html",
        member=member,
        token=token,
        source=request.args.get("from", "")[:64],
    )


@blueprint.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058 one-click: mail providers POST without a form; the signed token decides.
@limiter.limit("30 per minute")
def unsubscribe_one_click(token: str):
    """One-click unsubscribe (RFC 8058) from an email's List-Unsubscribe header."""
    member = _member_for_unsubscribe(token)
    source = request.args.get("from", "")[:64]
    member_area.unsubscribe(db.session, member, utcnow(), "unsubscribe link", source)
    db.session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "", 200
    return render_template("panel/join/unsubscribed.html")
