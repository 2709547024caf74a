"""Small helpers the member views share: choices for place fields, summaries, signing in."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g, redirect, session, url_for

from panel.database import utcnow
from panel.extensions import db
from panel.i18n import gettext, ngettext
from panel.members import reference
from panel.members.models import Member
from panel.members.services import signing_in
from panel.places.models import Neighbourhood, Place
from panel.places.services import (
    LIVES_OUTSIDE,
    PostcodeNotAccepted,
    PostcodePlaces,
    place_for_postcode,
)

#: where the browser's cookie keeps the token of the member's server-side session.
MEMBER_SESSION_KEY = "member_session"


def member_required(view):
    """View decorator: the signed-in member in g.member, or a redirect to the member sign-in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.member = signing_in.member_for_session(
            db.session, session.get(MEMBER_SESSION_KEY), utcnow()
        )
        if g.member is None:
            return redirect(url_for("member_area.sign_in"))
        # The member's preferred language, unless they chose another with the language links.
        g.preferred_language = g.member.language
        return view(*args, **kwargs)

    return wrapped


def sign_member_in(member: Member) -> None:
    """Start a server-side session for the member on this browser (the caller commits)."""
    session[MEMBER_SESSION_KEY] = signing_in.start_member_session(db.session, member, utcnow())


def place_choices() -> list[tuple[int, str]]:
    """Every place as (id, name), by name."""
    return [(p.id, p.name) for p in db.session.scalars(sa.select(Place).order_by(Place.name))]


def neighbourhood_choices(place_id: int | None) -> list[tuple[int, str]]:
    """Neighbourhoods as (id, name), of one place if given, by name."""
    query = sa.select(Neighbourhood).order_by(Neighbourhood.name)
    if place_id:
        query = query.where(Neighbourhood.place_id == place_id)
    return [(0, gettext("Not sure"))] + [
        (n.id, f"{n.name} ({n.place.name})" if not place_id else n.name)
        for n in db.session.scalars(query)
    ]


def postcode_places_or_none(postcode: str | None) -> PostcodePlaces | None:
    """What the postcode says about where someone lives, or None if it puts them nowhere."""
    try:
        return place_for_postcode(db.session, postcode or "")
    except PostcodeNotAccepted:
        return None


def offer_places(form, postcode_places: PostcodePlaces | None, place_id: int | None) -> None:
    """Offer only the places the postcode covers (and "outside", where part of it is), and only
    the neighbourhoods of the place chosen, or else of the place the postcode suggests."""
    if postcode_places is None:
        form.place_id.choices = []
        form.neighbourhood_id.choices = [(0, gettext("Not sure"))]
        return
    choices = [(place.id, place.name) for place in postcode_places.places]
    if postcode_places.reaches_outside:
        choices.append((LIVES_OUTSIDE, gettext("Somewhere outside Lancashire and South Cumbria")))
    form.place_id.choices = choices
    place = postcode_places.suggested_place(place_id)
    form.neighbourhood_id.choices = [(0, gettext("Not sure"))] + [
        (n.id, n.name) for n in postcode_places.neighbourhoods(place)
    ]


def join_summary(answers: dict) -> list[tuple[str, str, str]]:
    """(question, answer, change link endpoint) rows for the check-your-answers page."""
    place = db.session.get(Place, answers.get("place_id") or 0)
    neighbourhood = db.session.get(Neighbourhood, answers.get("neighbourhood_id") or 0)
    topics = [_label(reference.TOPICS, t) for t in answers.get("topics") or []]
    equality = answers.get("equality") or {}
    answered = sum(1 for v in equality.values() if v)
    return [
        (
            gettext("Name"),
            f"{answers.get('first_name', '')} {answers.get('last_name', '')}",
            "join.your_details",
        ),
        (gettext("Email address"), answers.get("email", ""), "join.your_details"),
        (gettext("Postcode"), answers.get("postcode", ""), "join.your_details"),
        (gettext("Area"), place.name if place else "", "join.where_you_live"),
        (
            gettext("Neighbourhood"),
            neighbourhood.name if neighbourhood else gettext("Not sure"),
            "join.where_you_live",
        ),
        (
            gettext("Age"),
            _label(reference.AGE_BANDS, answers.get("age_band")),
            "join.about_you",
        ),
        (gettext("Topics"), ", ".join(topics) or gettext("None chosen"), "join.about_you"),
        (
            gettext("Heard about the panel from"),
            _label(reference.HEARD_FROM, answers.get("heard_from")) or gettext("Not given"),
            "join.about_you",
        ),
        (
            gettext("Equality monitoring"),
            ngettext("%(num)d question answered", "%(num)d questions answered", answered)
            if answered
            else gettext("Skipped"),
            "join.equality",
        ),
    ]


def _label(options: list[tuple[str, str]], value: str | None) -> str:
    """The option's label in the page's language ("" if the value is not one of them)."""
    label = reference.label_for(options, value)
    return gettext(label) if label else ""
