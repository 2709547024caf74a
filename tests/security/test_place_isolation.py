"""A place team sees its own places and nothing else (quality bar 4): every staff page, list and
download, tried with other places' records, forged place fields and query parameters, holds none
of another place's members, and another place's record looks exactly like a missing one."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from mailer.bulletins.models import Bulletin
from mailer.bulletins.services import compose
from panel.auth.models import Role, StaffUser
from panel.members.models import Member, RecruitmentSource
from panel.segments.models import Segment
from surveys.decisions import register
from surveys.decisions.models import DecisionRecord
from surveys.decisions.register import DecisionFields
from surveys.demo import _plan
from surveys.models import Survey
from surveys.services import authoring
from tests.factories import place
from tests.security.world import build_world_with_place_records, sign_in_staff, staff_urls

#: URL pieces naming a record, and the model whose place decides who may see it.
RECORDS = {
    "members": Member,
    "segments": Segment,
    "surveys": Survey,
    "bulletins": Bulletin,
    "sources": RecruitmentSource,
    "decisions": DecisionRecord,
}
RECORD_IN_URL = re.compile(
    r"^/staff/(?:members/)?(members|segments|surveys|bulletins|sources|decisions)/(\d+)"
)


def _other_place_records(session, comms, elsewhere, now):
    """A segment, a survey, a bulletin and a recruitment source of a place the team is not in."""
    session.add(
        Segment(
            name="Elsewhere only",
            place_id=elsewhere.id,
            created_at=now,
            definition={"type": "group", "op": "and", "negate": False, "items": []},
            updated_at=now,
        )
    )
    authoring.create_survey(
        session,
        comms,
        _plan(
            "Elsewhere survey",
            "Purpose.",
            "Decision.",
            "Known.",
            now,
            now + timedelta(days=40),
            place_id=elsewhere.id,
        ),
        now,
    )
    compose.create_bulletin(session, comms, "Elsewhere news", elsewhere.id, now)
    session.add(
        RecruitmentSource(
            name="Elsewhere library", code="elsewhere1", place_id=elsewhere.id, created_at=now
        )
    )
    register.create_decision(
        session,
        comms,
        DecisionFields(
            title="Elsewhere decision",
            summary="",
            decided_on=now.date(),
            body_kind="place_board",
            body_name="Elsewhere board",
            place_id=elsewhere.id,
            paper_reference="",
            paper_url="",
            owner_name="Elsewhere owner",
            duty_applies=True,
            duty_reason="Reason.",
            no_involvement_reason="",
        ),
        now,
    )
    session.flush()


def _readable(response) -> bytes:
    """The response's bytes, a zip's files unpacked (addresses would hide in the compression)."""
    body = response.get_data()
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    return body


def _body(response) -> str:
    return re.sub(r'nonce="[^"]*"|name="csrf_token"[^>]*', "", response.get_data(as_text=True))


def test_a_place_team_gets_nothing_of_another_place_from_any_page(app, session):
    now = datetime.now(UTC)
    comms = build_world_with_place_records(app, session)
    team = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.PLACE))
    elsewhere = place(session, "lancashire")
    assert elsewhere.id not in team.place_ids
    _other_place_records(session, comms, elsewhere, now)
    session.commit()
    strangers = {
        name: {
            row[0]
            for row in session.execute(
                sa.select(model.id).where(
                    model.place_id.is_not(None), model.place_id.not_in(sorted(team.place_ids))
                )
            )
        }
        for name, model in RECORDS.items()
    }
    assert all(strangers.values()), strangers
    their_emails = set(
        session.scalars(
            sa.select(Member.email).where(
                Member.place_id == elsewhere.id, Member.email.is_not(None)
            )
        )
    )
    client = sign_in_staff(app, team)
    urls = staff_urls(app, session, [])
    # Lists with forged place fields and query parameters, and each kind of record of the other
    # place whether or not the crawl's sample picked one.
    forged = f"place_id={elsewhere.id}&place={elsewhere.id}&places={elsewhere.id}"
    urls += [f"{url}{'&' if '?' in url else '?'}{forged}" for url in urls if "<" not in url]
    for name, ids in strangers.items():
        prefix = "/staff/members/sources" if name == "sources" else f"/staff/{name}"
        urls += [f"{prefix}/{record_id}" for record_id in sorted(ids)[:3]]
    leaks, looked_found = {}, []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        content = _readable(response)
        seen = {email for email in their_emails if email.encode() in content}
        if seen:
            leaks[url] = sorted(seen)[:3]
        match = RECORD_IN_URL.match(url.split("?")[0])
        if match and int(match.group(2)) in strangers[match.group(1)]:
            missing = client.get(url.replace(f"/{match.group(2)}", "/2147483000", 1))
            looked_found.append((url, response.status_code, missing.status_code))
            assert response.status_code == missing.status_code == 404, url
            assert _body(response) == _body(missing), f"{url} does not look missing"
    assert leaks == {}
    assert len(looked_found) >= 5, looked_found
