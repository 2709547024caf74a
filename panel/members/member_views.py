"""The member area, reached by an emailed magic link (residents have no passwords)."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db, limiter
from panel.forms_common import ConfirmForm
from panel.i18n import gettext
from panel.json_text import dumps
from panel.limits import hit_limit
from panel.login_sessions import end_login_session
from panel.members import reference
from panel.members.forms import (
    EqualityForm,
    LeaveForm,
    MagicLinkForm,
    MemberDetailsForm,
    PauseForm,
    TrackingForm,
    equality_form_errors,
)
from panel.members.record_extras import prompts_for
from panel.members.services import joining, member_area, signing_in, staying
from panel.members.views_support import (
    MEMBER_SESSION_KEY,
    member_required,
    offer_places,
    postcode_places_or_none,
    sign_member_in,
)
from panel.places.services import (
    PlaceChoiceProblem,
    PlaceDisagrees,
    PostcodeNotAccepted,
    PostcodePlaces,
    place_for_postcode,
)
from panel.tokens import InvalidToken

blueprint = Blueprint("member_area", __name__, url_prefix="/my-panel")


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in():
    """Members ask for a sign-in link by email."""
    form = MagicLinkForm()
    if form.validate_on_submit():
        if hit_limit("5/hour", "magic-link", form.email.data):
            signing_in.request_magic_link(db.session, form.email.data, utcnow())
            db.session.commit()
        return render_template("panel/member_area/link_sent.html")
    return render_template("panel/member_area/sign_in.html", form=form)


@blueprint.route("/link/<token>", methods=["GET", "POST"])
def use_link(token: str):
    """The emailed link opens a page with one button; only its POST signs in and uses the link
    up (mail scanners follow GETs, and a GET never writes)."""
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            signing_in.member_for_magic_link(db.session, token)
            return render_template("panel/member_area/use_link.html", form=form)
        member = signing_in.use_magic_link(db.session, token, utcnow())
    except InvalidToken as error:
        return render_template(
            "panel/join/link_problem.html", expired=error.expired, magic=True
        ), 400
    session.clear()
    sign_member_in(member)
    db.session.commit()
    return redirect(url_for("member_area.home"))


@blueprint.get("/")
@member_required
def home():
    """The member area's home page."""
    now = utcnow()
    return render_template(
        "panel/member_area/home.html",
        member=g.member,
        now=now,
        reference=reference,
        retry_form=ConfirmForm(),
        prompts=prompts_for(db.session, g.member, now),
    )


@blueprint.post("/try-my-address-again")
@member_required
def try_address_again():
    """The member says their address works again after a bounce: emails go to it again."""
    if ConfirmForm().validate_on_submit():
        try:
            staying.try_address_again(db.session, g.member)
        except staying.CannotRetry as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Thank you: we will email this address again", "info")
    return redirect(url_for("member_area.home"))


@blueprint.route("/details", methods=["GET", "POST"])
@member_required
def details():
    """A member changes their details."""
    member = g.member
    form = MemberDetailsForm(obj=member)
    if not form.is_submitted():
        form.neighbourhood_id.data = member.neighbourhood_id or 0
    # The areas offered are always those of the postcode the page is about: the one just typed
    # if it places them, else the one on record.
    postcode_places = postcode_places_or_none(member.postcode)
    if form.is_submitted():
        postcode_places = postcode_places_or_none(form.postcode.data) or postcode_places
    if form.validate_on_submit():
        try:
            postcode_places = place_for_postcode(db.session, form.postcode.data)
            choice = postcode_places.choose(form.place_id.data, form.neighbourhood_id.data)
        except PostcodeNotAccepted as problem:
            form.postcode.errors.append(str(problem))
        except PlaceChoiceProblem as problem:
            _ask_again(form, postcode_places, problem)
        else:
            member_area.update_details(
                member,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                postcode=postcode_places.postcode,
                place_id=choice.place.id,
                neighbourhood_id=choice.neighbourhood.id if choice.neighbourhood else None,
                age_band=form.age_band.data,
                topics=form.topics.data or [],
                language=form.language.data,
            )
            db.session.commit()
            flash(gettext("Your details have been saved"), "info")
            return redirect(url_for("member_area.home"))
    elif not form.is_submitted() and postcode_places is not None:
        form.place_id.data = _shown_place_id(postcode_places, member.place_id)
    offer_places(form, postcode_places, form.place_id.data)
    disagrees = postcode_places is not None and not postcode_places.place_for(member.place_id)
    return render_template(
        "panel/member_area/details.html",
        form=form,
        postcode_places=postcode_places,
        earlier_place=member.place if disagrees else None,
    )


def _shown_place_id(postcode_places: PostcodePlaces, place_id: int | None) -> int | None:
    place = postcode_places.suggested_place(place_id)
    return place.id if place else None


def _ask_again(form, postcode_places: PostcodePlaces, problem: PlaceChoiceProblem) -> None:
    """The area or neighbourhood does not fit the postcode (often a new one): show its areas,
    say why, and save nothing until the member has looked."""
    getattr(form, problem.field).errors.append(str(problem))
    if isinstance(problem, PlaceDisagrees):
        form.place_id.data = None if postcode_places.needs_choice else postcode_places.places[0].id
        form.neighbourhood_id.data = 0


@blueprint.route("/equality", methods=["GET", "POST"])
@member_required
def equality():
    """A member gives, changes or withdraws their equality answers."""
    member = g.member
    current = (
        {f: getattr(member.equality, f) for f in reference.EQUALITY_FIELDS}
        if member.equality
        else {}
    )
    form = EqualityForm(data={**current, "consent": member.equality is not None})
    if request.method == "POST" and request.form.get("delete") and form.validate_on_submit():
        member_area.withdraw_equality(db.session, member, utcnow(), "member area")
        db.session.commit()
        flash(gettext("We have deleted your equality monitoring answers"), "info")
        return redirect(url_for("member_area.home"))
    if form.validate_on_submit():
        equality_form_errors(form)
        if not form.consent.errors:
            answers = {f: getattr(form, f).data for f in reference.EQUALITY_FIELDS}
            joining.apply_equality(
                member, answers, bool(form.consent.data), utcnow(), "member area"
            )
            if member.equality is None:
                member_area.withdraw_equality(db.session, member, utcnow(), "member area")
            db.session.commit()
            flash(
                gettext("Your equality monitoring answers have been saved")
                if member.equality
                else gettext("We have deleted your equality monitoring answers"),
                "info",
            )
            return redirect(url_for("member_area.home"))
    return render_template(
        "panel/member_area/equality.html", form=form, questions=reference.EQUALITY_QUESTIONS
    )


@blueprint.route("/pause", methods=["GET", "POST"])
@member_required
def pause():
    """A member pauses survey invitations and the bulletin, each as they choose."""
    form = PauseForm()
    if form.validate_on_submit():
        member_area.choose_pauses(
            g.member, _months(form.months.data), _months(form.bulletin_months.data), utcnow()
        )
        db.session.commit()
        flash(
            gettext("Your choices about survey invitations and the bulletin have been saved"),
            "info",
        )
        return redirect(url_for("member_area.home"))
    return render_template("panel/member_area/pause.html", form=form, member=g.member, now=utcnow())


def _months(choice: str) -> int | None:
    return None if choice == "keep" else int(choice)


@blueprint.route("/emails", methods=["GET", "POST"])
@member_required
def emails():
    """A member's email choices: tracking consent, and subscribing again."""
    member = g.member
    form = TrackingForm(data={"tracking_consent": "yes" if member.tracking_consent else "no"})
    resubscribe_form = ConfirmForm(prefix="resubscribe")
    if resubscribe_form.submit_requested("resubscribe") and resubscribe_form.validate_on_submit():
        member_area.resubscribe(db.session, member, utcnow())
        db.session.commit()
        flash(gettext("You will get panel emails again"), "info")
        return redirect(url_for("member_area.emails"))
    if form.validate_on_submit():
        member_area.set_tracking_consent(member, form.tracking_consent.data == "yes", utcnow())
        db.session.commit()
        flash(gettext("Your email choices have been saved"), "info")
        return redirect(url_for("member_area.home"))
    return render_template(
        "panel/member_area/emails.html", form=form, member=member, resubscribe_form=resubscribe_form
    )


@blueprint.get("/your-data")
@member_required
def your_data():
    """What the panel holds about the member, as a page."""
    data = member_area.export_member_data(db.session, g.member)
    return render_template("panel/member_area/your_data.html", data=data)


@blueprint.get("/your-data.json")
@member_required
def your_data_json():
    """What the panel holds about the member, as a JSON download."""
    data = member_area.export_member_data(db.session, g.member)
    return attachment(dumps(data), "my-panel-data.json")


@blueprint.route("/leave", methods=["GET", "POST"])
@member_required
def leave():
    """Leave the panel: the member's personal data is erased."""
    form = LeaveForm()
    if form.validate_on_submit():
        if form.leave.data != "yes":
            flash(gettext("You are still on the panel: nothing has changed"), "info")
            return redirect(url_for("member_area.home"))
        member_area.erase_member(db.session, g.member, utcnow(), "member area")
        db.session.commit()
        session.clear()
        return render_template("panel/member_area/left.html")
    return render_template("panel/member_area/leave.html", form=form)


@blueprint.post("/sign-out")
def sign_out():
    """End the member's session."""
    ConfirmForm().validate_on_submit()
    end_login_session(db.session, session.get(MEMBER_SESSION_KEY))
    db.session.commit()
    session.clear()
    flash(gettext("You have signed out of your member area"), "info")
    return redirect(url_for("pages.home"))


@blueprint.app_context_processor
def _member_context():
    return {
        "member_signed_in": bool(session.get(MEMBER_SESSION_KEY))
        and request.path.startswith("/my-panel")
    }
