"""No question at joining goes unread (issue 19, point 4): every field of every form the join
pages use is stored, and some code reads the stored answer and acts on it. The forms are found
from the join views themselves, so a new question without a reader fails here; so does a reader
left behind for a question that is no longer asked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from mailer.bulletins.models import BulletinRecipient
from mailer.bulletins.services.schedule import claim_bulletin
from panel.auth.models import Role
from panel.members import public_views, reference
from panel.members.models import ConsentKind, Member, RecruitmentSource
from panel.members.services.directory import DirectoryFilters, members_query
from panel.places.models import Neighbourhood
from panel.places.services import place_for_postcode
from panel.segments import definition as segment_definition
from panel.segments.services.segments import members_matching
from tests.factories import make_member, make_staff
from tests.mailer.bulletin_helpers import make_bulletin, make_due
from tests.panel.test_joining import run_email_requests, shown_place_id

#: join-form fields that carry no answer.
NOT_QUESTIONS = {"csrf_token"}
#: join-form fields whose segment condition has another name (same stored value).
SEGMENT_KEYS = {"place_id": "place", "neighbourhood_id": "neighbourhood", "source": "source"}


def join_form_fields() -> set[str]:
    """Every field of every form the join pages use (found from the views module)."""
    forms = [
        value
        for value in vars(public_views).values()
        if isinstance(value, type) and issubclass(value, FlaskForm)
    ]
    assert len(forms) >= 5, forms  # details, where you live, about you, equality, check
    fields = set()
    for form in forms:
        fields |= {name for name, value in vars(form).items() if hasattr(value, "field_class")}
    return fields - NOT_QUESTIONS


def _first_option(options, skip=("pns",)):
    return next(code for code, _label in options if code not in skip)


@pytest.fixture
def joined(app, client, session, outbox):
    """Robin joins through every page with a distinctive answer to every question; Sam, already
    a member, gave different answers."""
    source = RecruitmentSource(name="Library poster")
    session.add(source)
    session.commit()
    equality = {q.field: _first_option(q.options) for q in reference.EQUALITY_QUESTIONS}
    details = {
        "first_name": "Robin",
        "last_name": "Hartley",
        "email": "Robin.Hartley@example.com",
        "postcode": "fy1 1aa",
        "source": source.code,
    }
    assert client.post("/join/your-details", data=details).status_code == 302
    place_id = int(shown_place_id(client.get("/join/where-you-live").text))
    neighbourhood = session.scalar(
        sa.select(Neighbourhood).where(Neighbourhood.place_id == place_id).limit(1)
    )
    client.post(
        "/join/where-you-live",
        data={"place_id": place_id, "neighbourhood_id": neighbourhood.id},
    )
    about = {
        "age_band": "55-64",
        "topics": ["ageing_well"],
        "heard_from": _first_option(reference.HEARD_FROM),
    }
    assert client.post("/join/about-you", data=about).status_code == 302
    assert client.post("/join/equality", data={**equality, "consent": "y"}).status_code == 302
    client.post("/join/check-your-answers", data={"tracking_consent": "yes", "agree": "y"})
    run_email_requests()
    [message] = outbox()
    link = re.search(r"http://panel\.test(/join/confirm/\S+)", message.text_body).group(1)
    assert client.post(link).status_code == 200
    session.expire_all()
    robin = session.scalar(sa.select(Member).where(Member.last_name == "Hartley"))
    sam = make_member(
        session,
        "lancashire",
        first_name="Sam",
        age_band="16-24",
        topics=["gp"],
        heard_from="social_media",
    )
    session.commit()
    return {
        "robin": robin,
        "sam": sam,
        "answers": {**details, **about, **equality, "place_id": place_id},
        "email": message,
        "comms": make_staff(session, Role.COMMS),
    }


def _selected_by_segment(session, joined, field) -> bool:
    """A staff segment on the stored answer picks Robin and not Sam."""
    robin = joined["robin"]
    key = SEGMENT_KEYS.get(field, field)
    stored = {
        "place": robin.place_id,
        "neighbourhood": robin.neighbourhood_id,
        "source": robin.recruitment_source_id,
        "topics": (robin.topics or [None])[0],
    }.get(key)
    if stored is None:
        holder = robin.equality if field in reference.EQUALITY_FIELDS else robin
        stored = getattr(holder, field)
    assert stored is not None, f"{field}: the answer was not stored"
    tree = {
        "type": "group",
        "op": "and",
        "negate": False,
        "items": [{"type": "condition", "field": key, "negate": False, "values": [str(stored)]}],
    }
    query = members_matching(session, tree, joined["comms"], datetime.now(UTC))
    chosen = {member.id for member in session.scalars(query)}
    return robin.id in chosen and joined["sam"].id not in chosen


def _directory_finds(session, joined, text) -> bool:
    query = members_query(joined["comms"], DirectoryFilters(text=text))
    return [member.id for member in session.scalars(query)] == [joined["robin"].id]


def _consented(kind):
    def read(session, joined):
        return any(c.kind is kind and c.given for c in joined["robin"].consents)

    return read


def _bulletin_tracks(session, joined) -> bool:
    """The bulletin ledger copies the tracking answer: it decides pixels and tracked links."""
    now, comms = datetime.now(UTC), joined["comms"]
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    assert claim_bulletin(session, bulletin.id, "w1", now)
    tracking = dict(
        session.execute(
            sa.select(BulletinRecipient.member_id, BulletinRecipient.tracking_consent).where(
                BulletinRecipient.bulletin_id == bulletin.id
            )
        ).all()
    )
    return tracking[joined["robin"].id] is True and tracking[joined["sam"].id] is False


#: how each question's stored answer is read; a question missing here has no known reader.
READERS = {
    "first_name": lambda s, j: "Hello Robin," in j["email"].text_body,
    "last_name": lambda s, j: _directory_finds(s, j, "robin hartley"),
    "email": lambda s, j: j["email"].to_email == "robin.hartley@example.com",
    "postcode": lambda s, j: (
        place_for_postcode(s, j["robin"].postcode).place_for(j["robin"].place_id) is not None
    ),
    "consent": _consented(ConsentKind.SPECIAL_CATEGORY),
    "agree": _consented(ConsentKind.MEMBERSHIP),
    "tracking_consent": _bulletin_tracks,
}


def _segment_reader(field):
    return lambda session, joined: _selected_by_segment(session, joined, field)


for _field in set(segment_definition.FIELDS) | set(SEGMENT_KEYS):
    READERS.setdefault(_field, _segment_reader(_field))


def test_every_join_question_has_a_reader():
    asked = join_form_fields()
    assert not asked - set(READERS), f"asked at joining but never read: {asked - set(READERS)}"
    # Format and language are not asked until something uses them (issue 23).
    assert not asked & {"preferred_format", "language"}


@pytest.mark.parametrize("field", sorted(join_form_fields()))
def test_each_join_answer_is_stored_and_read(session, joined, field):
    assert READERS[field](session, joined), f"{field}: the stored answer made no difference"
