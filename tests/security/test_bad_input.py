"""Every form a resident or staff member can reach, and the CSV and JSON imports, fed hostile
input (NUL and other control characters, bidirectional overrides, zero-width characters,
20,000-character strings, numbers beyond any database's range) on a populated panel: never a
response of 500 or above (issue 16 item 3, quality bar items 1 and 26).

The forms are read off the pages as a browser sees them, so a new form is covered without
touching this file."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo import create_demo_data
from panel.auth.models import Role, StaffUser
from panel.extensions import db
from tests.factories import sign_in_test_client
from tests.security.forms import PageForm, page_forms
from tests.security.html_audit import response_problems
from tests.security.world import staff_urls
from tests.world_snapshots import built_once

#: values that broke pages or exports before (issue 16 item 3), tried in every field.
NASTY = (
    "\x00",
    "before\x00after",
    "\x01\x02\x03\x08\x0b\x0c\x0e\x1b[31m\x7f\x85\x9f",
    "line\rbreak\r\nand\nmore\u2028",
    "\u202egnp.exe\u202c \u2066isolate\u2069 \u200f",
    "zero\u200bwidth\u200c\u200d\ufeffjoiners\u2060",
    "x" * 20_000,
    "é€𝄞" * 7_000,
    "99999999999999999999999999",
    "-9223372036854775809",
    "2147483648",
    "1e309",
    "NaN",
    "",
    "   ",
    "2026-02-30",
    "<script>alert('xss')</script>",
    '=HYPERLINK("https://evil.example")',
    "\U0001f600\U000e0001 four-byte and tag characters",
)
VALID = {
    "email": "resident@example.com",
    "first_name": "Sam",
    "last_name": "Jones",
    "postcode": "FY1 1AA",
    "name": "A name",
    "title": "A title",
    "number_wanted": "3",
    "seed": "11",
    "max_invitations": "3",
    "window_days": "30",
    "source": "Library",
    "password": "a long enough test password",
    "confirm": "a long enough test password",
    "new-name": "Waiting times",
    "reason": "Because it is needed here",
    "body": "Some text",
    "text": "How was your visit?",
    "note": "typo",
}
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
SKIPPED_ACTIONS = ("/sign-out", "/my-panel/sign-out")
SIGN_IN_PATH = "/staff/sign-in"


def _sign_in(app, user: StaffUser, client=None):
    client = client or app.test_client()
    sign_in_test_client(client, user)
    db.session.commit()
    return client


def _collect_forms(client, urls) -> list[tuple[str, PageForm]]:
    """One of each distinct form (by where it posts and what it holds) on the given pages."""
    found: dict[tuple, tuple[str, PageForm]] = {}
    for url in urls:
        page = client.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        for form in page_forms(page.text):
            action = form.action or url
            if action.endswith(SKIPPED_ACTIONS) or (form.method == "get" and not form.names()):
                continue
            shape = (form.method, _shape_of(action), tuple(form.names()))
            found.setdefault(shape, (url, form))
    return list(found.values())


def _shape_of(url: str) -> str:
    """/staff/surveys/3/plan and /staff/surveys/4/plan are the same form."""
    return "/".join("#" if part.isdigit() else part for part in url.split("?")[0].split("/"))


def _send(client, url: str, form: PageForm, values: dict):
    action = form.action or url
    data = {**form.defaults(), **{k: v for k, v in VALID.items() if k in form.names()}, **values}
    if "file" in form.names() and "file" not in values:
        data["file"] = (io.BytesIO(b"first_name,last_name,email,postcode\n"), "x.csv")
    if form.method == "get":
        return client.get(action.split("?")[0], query_string=data)
    return client.post(action, data=data, content_type=form.enctype)


def _check(response, where) -> None:
    assert response.status_code < 500, (where, response.status_code)


def _kinds_of_field(names: list[str]) -> list[list[str]]:
    """A form's fields grouped by kind: names that differ only by a number (share-sex-0,
    share-sex-1, ...) are boxes of one kind, made by one loop with one set of validators."""
    kinds: dict[str, list[str]] = {}
    for name in names:
        kinds.setdefault(re.sub(r"\d+", "#", name), []).append(name)
    return list(kinds.values())


def _refused_fields(response) -> set[str]:
    """The fields a page shows an error against (NHS.UK error messages carry the field's id
    with "-error"); empty when the answer is not the form shown again (200, or 400 with
    errors)."""
    if response.status_code not in (200, 400) or response.mimetype != "text/html":
        return set()
    return set(ERROR_MESSAGE_ID.findall(response.get_data(as_text=True)))


ERROR_MESSAGE_ID = re.compile(r'class="nhsuk-error-message" id="([^"]+)-error"')


def _sweep(client, forms, send=_send) -> int:
    """Each nasty value in each field of each form, the other fields sensibly filled.

    First each value goes into every field of the form at once: one post per value shows which
    fields refuse it on their own (the page marks them with an error). Then each value goes
    alone into each field, the others valid, so that what a field accepts reaches the service
    and the database behind it; a value the field was seen to refuse would only be refused
    again by the same validator, so that post is not repeated. Within a kind of field (names
    that differ by a number) the values take turns over its fields, so every field gets hostile
    input and the kind gets every value."""
    sent = 0
    for url, form in forms:
        buttons = set(form.names("submit", "button", "reset", "image", "file"))
        editable = [name for name in form.names() if name not in buttons]
        refused = {}
        for value in NASTY:
            probe = send(client, url, form, dict.fromkeys(editable, value))
            _check(probe, (url, "every field", value[:40]))
            refused[value] = _refused_fields(probe)
            sent += 1
        for names in _kinds_of_field(form.names()):
            for turn in range(max(len(NASTY), len(names))):
                name, value = names[turn % len(names)], NASTY[turn % len(NASTY)]
                if name in refused[value]:
                    continue
                _check(send(client, url, form, {name: value}), (url, name, value[:40]))
                sent += 1
    return sent


def _fuzz(client, forms, examples: int, send=_send) -> None:
    """Random hostile values in every field at once, hypothesis choosing the form."""

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def post_garbage(data):
        url, form = data.draw(st.sampled_from(forms))
        choices = form.choice_fields()
        values = {}
        for name in form.names():
            options = [o for o in choices.get(name, []) if o]
            strategy = st.one_of(st.sampled_from(options), nasty_text) if options else nasty_text
            values[name] = data.draw(strategy, label=name)
        _check(send(client, url, form, values), (url, values))

    post_garbage()


@pytest.fixture
def world(app, session):
    def build() -> StaffUser:
        create_demo_data(session, datetime.now(UTC))
        session.commit()
        return session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))

    built_once(app, session, ("demo",), build)
    return session


@pytest.mark.parametrize("role", [Role.COMMS, Role.PLACE, Role.OBSERVER])
def test_every_staff_form_answers_hostile_input_without_a_server_error(app, world, role):
    user = world.scalar(sa.select(StaffUser).where(StaffUser.role == role))
    client = _sign_in(app, user)
    forms = _collect_forms(client, staff_urls(app, world, []))
    assert len(forms) > {Role.COMMS: 40, Role.PLACE: 20, Role.OBSERVER: 5}[role], len(forms)

    def send_signed_in(client, url, form, values):
        # A form may end the session (a password or role change): then the next post is sent
        # to the sign-in page instead, so sign in again and send it again.
        world.rollback()
        response = _send(client, url, form, values)
        if response.status_code == 302 and SIGN_IN_PATH in response.location:
            _sign_in(app, world.get(StaffUser, user.id), client)
            response = _send(client, url, form, values)
        return response

    if role is Role.COMMS:
        assert _sweep(client, forms, send_signed_in) > 1_000
    _fuzz(client, forms, examples=150 if role is Role.COMMS else 60, send=send_signed_in)
    if role is Role.COMMS:
        # Whatever hostile text the forms accepted is shown as text on every page since.
        world.rollback()
        _sign_in(app, world.get(StaffUser, user.id), client)
        problems = {}
        for url in staff_urls(app, world, []):
            response = client.get(url)
            if response.mimetype == "text/html" and (found := response_problems(response)):
                problems[url] = found[:2]
        assert problems == {}


def test_every_public_form_answers_hostile_input_without_a_server_error(app, world):
    from panel.members.models import Member, MemberStatus
    from panel.members.services.links import magic_link_token, unsubscribe_token
    from surveys.engagement_events.models import EngagementEvent
    from surveys.fieldwork.tokens import PersonalLinks
    from surveys.models import Survey, SurveyStatus

    member = world.scalar(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    )
    live = world.scalar(sa.select(Survey).where(Survey.status == SurveyStatus.LIVE))
    registering = world.scalar(
        sa.select(EngagementEvent.id).where(EngagementEvent.registration_open.is_(True))
    )
    token = PersonalLinks(app.config["SECRET_KEY"]).make(live.id, member.id)
    resident = app.test_client()
    _check(resident.post(f"/s/{token}", data={}), "start the survey")
    pages = [f"/s/{token}/page/{n}" for n in range(1, len(live.pages) + 1)]
    urls = [
        *pages,
        f"/s/{token}/check",
        "/my-panel/sign-in",
        "/staff/sign-in",
        "/staff/password-reset",
        f"/unsubscribe/{unsubscribe_token(member)}",
        f"/events/{registering}/register",
    ]
    forms = _collect_forms(resident, urls)
    assert any(url.endswith("/register") for url, _ in forms), "the event registration form"
    signed_in = app.test_client()
    signed_in.post(f"/my-panel/link/{magic_link_token(member)}")
    member_urls = ["/my-panel/details", "/my-panel/equality", "/my-panel/emails", "/my-panel/pause"]
    member_forms = _collect_forms(signed_in, member_urls)
    assert len(forms) >= 5 and len(member_forms) >= 4, (len(forms), len(member_forms))
    _sweep(resident, forms)
    _sweep(signed_in, member_forms)
    _fuzz(resident, forms, examples=60)
    _fuzz(signed_in, member_forms, examples=60)


def test_every_step_of_joining_answers_hostile_input_without_a_server_error(app, world):
    resident = app.test_client()
    _check(resident.get("/join"), "/join")
    forms = []
    url = "/join/your-details"
    for _step in range(5):
        page = resident.get(url)
        _check(page, url)
        form = next((f for f in page_forms(page.text) if f.method == "post"), None)
        if form is None:
            break
        forms.append((url, form))
        # Each step filled in sensibly first, so the next one can be reached and fuzzed.
        moved = _send(
            resident, url, form, {"place_id": form.choice_fields().get("place_id", [""])[-1]}
        )
        if moved.status_code != 302:
            break
        url = moved.headers["Location"]
    assert len(forms) >= 4, [u for u, _ in forms]
    _sweep(resident, forms)
    _fuzz(resident, forms, examples=80)


csv_cell = st.one_of(
    nasty_text, st.sampled_from(["Sam", "FY1 1AA", "x@example.com", "a" * 200_000])
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    rows=st.lists(st.lists(csv_cell, min_size=1, max_size=6), min_size=0, max_size=6),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    header=st.sampled_from(["first_name,last_name,email,postcode", "", "email", "\ufeffemail,x"]),
)
def test_member_imports_answer_any_csv_without_a_server_error(app, world, rows, line_end, header):
    comms = world.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    client = _sign_in(app, comms)
    text = line_end.join([header, *(",".join(json.dumps(c) for c in row) for row in rows)])
    for encoded in (text.encode("utf-8", "surrogatepass"), text.encode("utf-16")):
        response = client.post(
            "/staff/members/import",
            data={"file": (io.BytesIO(encoded), "members\x00.csv"), "source_id": "0"},
            content_type="multipart/form-data",
        )
        _check(response, "import")
        if response.status_code == 302:
            _check(client.get(response.headers["Location"]), "import preview")


json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(),
        nasty_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)
    ),
    max_leaves=20,
)
survey_shaped = st.fixed_dictionaries(
    {
        "format": st.just("lsc-panel-survey"),
        "version": st.integers(0, 3),
        "title": nasty_text,
        "plan": st.dictionaries(
            st.sampled_from(["purpose", "decision", "audience", "opens_at"]), json_value
        ),
        "pages": st.lists(
            st.fixed_dictionaries(
                {
                    "title": nasty_text,
                    "questions": st.lists(
                        st.dictionaries(
                            st.sampled_from(
                                ["key", "type", "text", "options", "show_if", "max_length"]
                            ),
                            json_value,
                        ),
                        max_size=3,
                    ),
                }
            ),
            max_size=3,
        ),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(document=st.one_of(json_value, survey_shaped))
def test_survey_imports_answer_any_json_without_a_server_error(app, world, document):
    comms = world.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    client = _sign_in(app, comms)
    bodies = [json.dumps(document, allow_nan=True).encode(), b"[" * 100_000 + b"]" * 100_000]
    for body in bodies:
        response = client.post(
            "/staff/surveys/import",
            data={"file": (io.BytesIO(body), "survey.json")},
            content_type="multipart/form-data",
        )
        _check(response, "survey import")


def test_a_request_body_over_the_limit_gets_a_413_page(app, client):
    response = client.post("/join/your-details", data={"first_name": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/staff/surveys/99999999999999999999",
        "/staff/members/2147483648",
        "/engagement/9223372036854775808",
        "/decisions/9223372036854775808",
        "/staff/decisions/4294967296/tell",
        "/staff/bulletins/4294967296/preview",
        "/staff/audit/?page=99999999999999999999",
        "/staff/members/?page=-99999999999999999",
    ],
)
def test_numbers_beyond_the_database_range_in_urls_are_not_found(app, world, url):
    comms = world.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    response = _sign_in(app, comms).get(url)
    assert response.status_code in (200, 404), response.status_code
