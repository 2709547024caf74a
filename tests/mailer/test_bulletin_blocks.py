"""Bulletins built from blocks: one renderer for preview, test and real send; every block's text
escaped in both parts; survey buttons personal and tracked; clicks counted per block."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mailer.bulletins import rendering
from mailer.bulletins.block_models import BlockKind, BulletinImage
from mailer.bulletins.models import BulletinRecipient
from mailer.bulletins.services import blocks as block_service
from mailer.bulletins.services import compose, images
from mailer.bulletins.services.compose import ComposeError
from mailer.bulletins.services.send import dispatch_due_bulletins
from mailer.tracking import stats
from mailer.tracking.models import BulletinLink, HitKind, TrackingHit
from panel.auth.models import Role
from surveys.models import ResultsPage, Survey, SurveyStatus
from surveys.results.models import Decision, Outcome
from tests.factories import make_member, make_staff
from tests.mailer.bulletin_helpers import make_due
from tests.security.html_audit import injection_problems, plain_text_problems
from tests.security.payloads import PAYLOADS


def _png(width, height, colour=(0, 94, 184)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="PNG")
    return output.getvalue()


HOSTILE = [p for p in PAYLOADS if "xss" in p.lower()][:12]


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "TRACKING_SPOOL_DIR": str(tmp_path / "spool")}


def _published_survey(session, now, text):
    survey = Survey(title=f"Results {text}", status=SurveyStatus.CLOSED, content={"pages": []})
    session.add(survey)
    session.flush()
    session.add(ResultsPage(survey_id=survey.id, what_you_said=text, published_at=now))
    decision = Decision(
        survey_id=survey.id,
        you_said=text,
        outcome=Outcome.DID,
        action=text,
        decided_on=date(2026, 11, 1),
    )
    session.add(decision)
    session.flush()
    return survey, decision


def _bulletin_with_every_block(session, now, text="Plain words"):
    """A bulletin with one block of each kind, ``text`` in every field a person writes."""
    comms = make_staff(session, Role.COMMS)
    bulletin = compose.create_bulletin(session, comms, "Winter news", None, now)
    live = Survey(title=f"Survey {text}", status=SurveyStatus.LIVE, content={"pages": []})
    session.add(live)
    session.flush()
    results, decision = _published_survey(session, now, text)
    image = images.store_image(session, _png(10, 10))
    values = {
        BlockKind.HEADING: {"text": text},
        BlockKind.TEXT: {"body": f"{text} with [the rota](https://example.nhs.uk/rota)"},
        BlockKind.IMAGE: {"alt": text, "caption": text},
        BlockKind.BUTTON: {"label": text, "url": "https://example.nhs.uk/join"},
        BlockKind.SURVEY: {"survey_id": str(live.id), "body": text, "label": text},
        BlockKind.EVENT: {"title": text, "when": text, "where": text, "body": text},
        BlockKind.RESULTS: {"survey_id": str(results.id), "label": text},
        BlockKind.DECISION: {"decision_id": str(decision.id), "label": text},
    }
    for kind, fields in values.items():
        block_service.save_block(
            session, comms, bulletin, None, kind, fields, image if kind is BlockKind.IMAGE else None
        )
    return bulletin, comms, live


def test_every_block_kind_shows_in_html_and_text_and_preview_matches_the_send(session, now):
    bulletin, _comms, live = _bulletin_with_every_block(session, now)
    tagged = rendering.render_with_tags(bulletin)
    person = rendering.render_for_person(bulletin, "Sam", 7)
    assert len(rendering.bulletin_context(bulletin)["blocks"]) == 8
    for rendered in (tagged, person):
        for part in (rendered.html_body, rendered.text_body):
            assert "Results Plain words" in part and "Survey Plain words" in part
            assert "We did: Plain words" in part
    assert re.search(
        r'src="http://panel.test/bulletins/images/\w{64}\.png" alt="Plain words"', person.html_body
    )
    # the survey button: a tag in the frozen email, the person's own link in a preview
    assert re.search(r'href="-personal_block_\d+-"', tagged.html_body)
    assert re.search(r'href="http://panel.test/s/[^"]+"', person.html_body)
    # the public web version carries no personal link
    web = rendering.bulletin_context(bulletin)["blocks"]
    assert all("/s/" not in view.link_url for view in web)
    assert live.id


def test_hostile_text_in_every_block_is_escaped_in_html_and_text(session, now):
    for payload in HOSTILE:
        bulletin, _comms, _live = _bulletin_with_every_block(session, now, payload)
        for rendered in (
            rendering.render_with_tags(bulletin),
            rendering.render_for_person(bulletin, "Sam", 3),
        ):
            assert injection_problems(rendered.html_body, allow_styles=True) == [], payload
            assert plain_text_problems(rendered.text_body) == [], payload
            assert plain_text_problems(rendered.subject) == [], payload


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        (BlockKind.HEADING, {"text": "  "}, "text"),
        (BlockKind.BUTTON, {"label": "Go", "url": "javascript:alert(1)"}, "url"),
        (BlockKind.IMAGE, {"alt": "", "caption": ""}, "alt"),
        (BlockKind.IMAGE, {"alt": "A ward"}, "image"),
        (BlockKind.SURVEY, {"survey_id": "999999"}, "survey_id"),
        (BlockKind.RESULTS, {"survey_id": "x"}, "survey_id"),
        (BlockKind.TEXT, {"body": "![](https://example.nhs.uk/a.png)"}, "body"),
    ],
)
def test_bad_block_fields_name_the_field(session, now, kind, values, field):
    bulletin, comms, _live = _bulletin_with_every_block(session, now)
    with pytest.raises(ComposeError) as error:
        block_service.save_block(session, comms, bulletin, None, kind, values)
    assert error.value.field == field


def test_survey_buttons_are_tracked_and_counted_per_block(session, app, client, now):
    bulletin, comms, live = _bulletin_with_every_block(session, now)
    tracked = make_member(session, "blackpool", tracking_consent=True)
    plain = make_member(session, "blackpool", tracking_consent=False)
    make_due(session, bulletin, comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    by_email = {m.to_email: m for m in app.extensions["mail_backend"].messages}
    survey_block = next(b for b in bulletin.blocks if b.kind is BlockKind.SURVEY)
    personal = session.scalar(
        sa.select(BulletinLink).where(
            BulletinLink.bulletin_id == bulletin.id, BulletinLink.personal.is_(True)
        )
    )
    assert personal.block_id == survey_block.id
    text_block = next(b for b in bulletin.blocks if b.kind is BlockKind.TEXT)
    rota = session.scalar(
        sa.select(BulletinLink).where(BulletinLink.url == "https://example.nhs.uk/rota")
    )
    assert rota.block_id == text_block.id
    # without consent: the person's own survey link, untracked
    assert "/t/c/" not in by_email[plain.email].html_body
    assert re.search(r'href="http://panel.test/s/[^"]+"', by_email[plain.email].html_body)
    # with consent: a tracked address that leads to the person's own survey link
    click = re.search(
        rf'href="http://panel.test(/t/c/[^"]+/{personal.id})"', by_email[tracked.email].html_body
    ).group(1)
    answer = client.get(click)
    assert answer.status_code == 302 and "/s/" in answer.headers["Location"]
    assert "-personal_block_" not in by_email[tracked.email].text_body
    assert live.id


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=25))
def test_clicks_per_block_equal_a_recount_of_the_raw_hits(session, now, clicks):
    bulletin, _comms, _live = _bulletin_with_every_block(session, now)
    session.execute(sa.delete(TrackingHit))
    recipients = []
    for index in range(4):
        member = make_member(session, "blackpool", tracking_consent=index != 3)
        recipient = BulletinRecipient(
            bulletin_id=bulletin.id, member_id=member.id, tracking_consent=index != 3
        )
        session.add(recipient)
        recipients.append(recipient)
    links = [
        BulletinLink(
            bulletin_id=bulletin.id,
            position=i + 1,
            url=f"https://e.nhs.uk/{i}",
            block_id=bulletin.blocks[i % 3].id if i < 5 else None,
        )
        for i in range(6)
    ]
    session.add_all(links)
    session.flush()
    for link_index, person in clicks:
        session.add(
            TrackingHit(
                bulletin_id=bulletin.id,
                recipient_id=recipients[person].id,
                kind=HitKind.CLICK.value,
                link_id=links[link_index].id,
                at=now,
            )
        )
    session.flush()
    figures = {row.label: row for row in stats.block_figures(session, bulletin)}
    for number, block in enumerate(bulletin.blocks[:3], start=1):
        block_links = {link.id for link in links if link.block_id == block.id}
        hits = [
            (link_index, person)
            for link_index, person in clicks
            if links[link_index].id in block_links and person != 3
        ]
        row = figures[f"{number}. {block.kind.label}"]
        assert row.clicks_all == len(hits)
        assert row.clickers_all == len({person for _, person in hits})


def test_images_are_checked_by_content_resized_and_stored_once(session):
    wide = images.store_image(session, _png(3000, 1500))
    assert (wide.width, wide.height, wide.content_type) == (1200, 600, "image/png")
    assert images.store_image(session, _png(3000, 1500)).id == wide.id
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    for bad in (b"", gif.getvalue(), b"<svg onload=alert(1)>", _png(10, 10)[:40]):
        with pytest.raises(ComposeError) as error:
            images.store_image(session, bad)
        assert error.value.field == "image"


def test_the_same_new_image_stored_by_two_servers_at_once_is_kept_once(session, monkeypatch):
    """The other server's row lands between this one's look-up and its insert: the upload still
    succeeds, with the one stored image, and the surrounding transaction is intact."""
    first = images.store_image(session, _png(20, 10))
    real_lookup = images.image_by_hash
    looked = []

    def not_yet_there(session_, digest):
        looked.append(digest)
        return None if len(looked) == 1 else real_lookup(session_, digest)

    monkeypatch.setattr(images, "image_by_hash", not_yet_there)
    again = images.store_image(session, _png(20, 10))
    assert again.id == first.id and len(looked) == 2
    assert session.scalar(sa.select(sa.func.count(BulletinImage.id))) == 1
