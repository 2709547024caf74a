"""Open and click tracking: consent decides what an email carries, tokens cannot be forged,
hits go through the spool into the database exactly once, and unsubscribes are attributed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mailer.bulletins.models import BulletinRecipient
from mailer.bulletins.services.send import dispatch_due_bulletins
from mailer.tracking.machines import machine_hint
from mailer.tracking.models import BulletinLink, HitKind, SpoolFile, TrackingHit
from mailer.tracking.spool import SpoolWriter, fold_spool
from mailer.tracking.tokens import TrackingSigner, signer_for
from panel.auth.models import Role
from tests.factories import make_member, make_staff
from tests.mailer.bulletin_helpers import make_bulletin, make_due


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "TRACKING_SPOOL_DIR": str(tmp_path / "spool")}


def _send(session, app, now, consents=(True, False)):
    comms = make_staff(session, Role.COMMS)
    members = [
        make_member(session, "blackpool", tracking_consent=consent, first_name=f"P{i}")
        for i, consent in enumerate(consents)
    ]
    bulletin = make_due(session, make_bulletin(session, now, comms), comms, now)
    session.commit()
    dispatch_due_bulletins(session, now)
    by_email = {m.to_email: m for m in app.extensions["mail_backend"].messages}
    return bulletin, members, [by_email[m.email] for m in members]


def _recipient_id(session, bulletin, member):
    return session.scalar(
        sa.select(BulletinRecipient.id).where(
            BulletinRecipient.bulletin_id == bulletin.id, BulletinRecipient.member_id == member.id
        )
    )


def _fold(session, app):
    return fold_spool(session, app.config["TRACKING_SPOOL_DIR"], datetime.now(UTC))


def test_only_consenting_recipients_get_a_pixel_and_tracked_links(session, app, now):
    bulletin, _members, (tracked, plain) = _send(session, app, now)

    assert re.search(r'<img src="http://panel.test/t/o/[\w-]{27}\.gif"', tracked.html_body)
    assert 'href="http://panel.test/t/c/' in tracked.html_body
    assert "https://example.nhs.uk/ucc" not in tracked.html_body

    assert "/t/o/" not in plain.html_body and "/t/c/" not in plain.html_body
    assert 'href="https://example.nhs.uk/ucc"' in plain.html_body
    for message in (tracked, plain):
        assert (
            "-tracked_url_" not in message.html_body and "-tracking_pixel-" not in message.html_body
        )
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/t/" not in message.text_body  # the plain-text part never tracks
        # the personal survey link is the person's own, not a redirect
        assert "https://panel.test/s/" in message.html_body
    stored = session.scalars(
        sa.select(BulletinLink.url).where(BulletinLink.bulletin_id == bulletin.id)
    )
    assert "https://example.nhs.uk/ucc" in set(stored)


def test_pixel_answers_a_gif_that_is_never_cached_and_is_counted_once_folded(
    session, app, client, now
):
    bulletin, (reader, _), (tracked, _) = _send(session, app, now)
    pixel_path = re.search(r'src="http://panel.test(/t/o/[^"]+)"', tracked.html_body).group(1)

    for _ in range(3):
        response = client.get(pixel_path, headers={"User-Agent": "Mozilla/5.0 (iPhone) Safari"})
        assert response.status_code == 200
        assert response.mimetype == "image/gif" and response.data.startswith(b"GIF89a")
        assert "no-store" in response.headers["Cache-Control"]
    assert session.scalar(sa.select(sa.func.count(TrackingHit.id))) == 0  # nothing on the request

    report = _fold(session, app)
    assert report.hits == 3
    assert _fold(session, app).hits == 0  # folding again adds nothing
    hits = session.scalars(sa.select(TrackingHit)).all()
    assert {(h.kind, h.recipient_id, h.bulletin_id) for h in hits} == {
        ("open", _recipient_id(session, bulletin, reader), bulletin.id)
    }
    assert {h.machine_hint for h in hits} == {""}


def test_tampered_tokens_and_foreign_links_answer_404_and_record_nothing(session, app, client, now):
    bulletin, _members, (tracked, _) = _send(session, app, now)
    token, link_id = re.search(r"/t/c/([\w-]{27})/(\d+)", tracked.html_body).groups()
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(f"/t/o/{flipped}.gif").status_code == 404
    assert client.get(f"/t/o/{token[:-2]}.gif").status_code == 404
    assert client.get("/t/o/not-a-token-at-all.gif").status_code == 404
    assert client.get(f"/t/c/{flipped}/{link_id}").status_code == 404
    assert client.get(f"/t/c/{token}/999999").status_code == 404
    # A genuine token with another bulletin's link is no open redirect either.
    other = make_bulletin(session, now, title="Another")
    session.add(BulletinLink(bulletin_id=other.id, position=1, url="https://evil.example/"))
    session.commit()
    other_link = session.scalar(
        sa.select(BulletinLink.id).where(BulletinLink.bulletin_id == other.id)
    )
    assert client.get(f"/t/c/{token}/{other_link}").status_code == 404
    assert _fold(session, app).hits == 0

    response = client.get(f"/t/c/{token}/{link_id}")
    assert response.status_code == 302
    url = session.scalar(sa.select(BulletinLink.url).where(BulletinLink.id == int(link_id)))
    assert response.headers["Location"] == url
    assert _fold(session, app).hits == 1


def test_known_proxies_are_flagged_at_the_request(session, app, client, now):
    _bulletin, _members, (tracked, _) = _send(session, app, now)
    pixel_path = re.search(r'src="http://panel.test(/t/o/[^"]+)"', tracked.html_body).group(1)
    proxy = (
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
    )
    client.get(pixel_path, headers={"User-Agent": proxy})
    client.get(pixel_path, headers={"User-Agent": "Mozilla/5.0"})
    client.get(
        pixel_path,
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/140.0"},
        environ_base={"REMOTE_ADDR": "17.58.1.2"},
    )
    client.get(pixel_path, headers={"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/140.0"})
    _fold(session, app)
    hints = sorted(session.scalars(sa.select(TrackingHit.machine_hint)))
    assert hints == ["", "agent", "agent", "network"]


@pytest.mark.parametrize(
    ("agent", "address", "expected"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) AppleWebKit Mobile", "81.2.69.160", ""),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "", "agent"),
        ("Mozilla/5.0", "81.2.69.160", "agent"),
        ("", None, "agent"),
        ("Mozilla/5.0 (Macintosh) Safari/605", "17.1.2.3", "network"),
        ("Mozilla/5.0 (Macintosh) Safari/605", "not an address", ""),
    ],
)
def test_machine_hints(agent, address, expected):
    assert machine_hint(agent, address, ("17.0.0.0/8",)) == expected


def test_tokens_round_trip_and_refuse_other_keys():
    signer = TrackingSigner("secret")
    token = signer.make(12, 3456789)
    assert len(token) == 27 and signer.read(token) == (12, 3456789)
    assert TrackingSigner("other secret").read(token) is None
    assert TrackingSigner("secret", b"bulletin-unsubscribe").read(token) is None
    assert signer.read(token + "A") is None and signer.read("=" * 27) is None


def test_the_fold_takes_only_whole_lines_and_skips_malformed_ones(session, app, tmp_path):
    spool = tmp_path / "spool"
    writer = SpoolWriter(spool)
    writer.append(HitKind.OPEN, 1, 10)
    writer.append(HitKind.CLICK, 1, 11, link_id=4, machine_hint="agent")
    path = next(spool.glob("*.hits"))
    with path.open("ab") as file:
        file.write(b"garbage line\nopen\t1\t12\t\t17")  # the last line is still being written
    report = _fold(session, app)
    assert (report.hits, report.malformed) == (2, 1)
    with path.open("ab") as file:
        file.write(b"64000000000\t\n")
    assert _fold(session, app).hits == 1
    assert _fold(session, app).hits == 0
    rows = session.execute(
        sa.select(TrackingHit.kind, TrackingHit.recipient_id, TrackingHit.link_id).order_by(
            TrackingHit.recipient_id
        )
    ).all()
    assert rows == [("open", 10, None), ("click", 11, 4), ("open", 12, None)]
    assert session.scalar(sa.select(SpoolFile.folded_bytes)) == path.stat().st_size


def test_the_fold_resumes_from_the_mark_stored_with_the_rows(session, app, tmp_path):
    writer = SpoolWriter(tmp_path / "spool")
    writer.append(HitKind.OPEN, 1, 10)
    path = next((tmp_path / "spool").glob("*.hits"))
    # An earlier fold (here, or in another process) already took these bytes.
    session.add(SpoolFile(name=path.name, folded_bytes=path.stat().st_size))
    session.commit()
    writer.append(HitKind.OPEN, 1, 11)
    assert _fold(session, app).hits == 1
    assert session.scalars(sa.select(TrackingHit.recipient_id)).all() == [11]


def test_finished_spool_files_are_removed_only_when_folded_and_their_hour_is_over(
    session, app, tmp_path
):
    writer = SpoolWriter(tmp_path / "spool")
    long_ago = datetime.now(UTC) - timedelta(hours=3)
    writer.append(HitKind.OPEN, 1, 10, at=long_ago.timestamp())
    path = next((tmp_path / "spool").glob("*.hits"))
    _fold(session, app)
    assert path.exists()  # touched just now: a writer may still hold it
    later = datetime.now(UTC) + timedelta(minutes=30)
    assert fold_spool(session, tmp_path / "spool", later).removed == 1
    assert not path.exists()
    assert session.scalar(sa.select(sa.func.count()).select_from(SpoolFile)) == 0
    assert session.scalar(sa.select(sa.func.count(TrackingHit.id))) == 1


def test_one_click_unsubscribe_is_attributed_to_the_bulletin_once(session, app, client, now):
    from panel.members.models import Member

    bulletin, (reader, other), (tracked, _) = _send(session, app, now)
    url = tracked.headers["List-Unsubscribe"].strip("<>").replace("http://panel.test", "")
    assert "?from=" in url
    for _ in range(2):
        response = client.post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    hits = session.scalars(sa.select(TrackingHit).where(TrackingHit.kind == "unsubscribe")).all()
    assert [(h.bulletin_id, h.recipient_id) for h in hits] == [
        (bulletin.id, _recipient_id(session, bulletin, reader))
    ]
    assert session.get(Member, reader.id).unsubscribed_at is not None
    # Someone else's attribution token on this member's link counts nothing.
    other_url = url.split("?")[0] + "?from=" + signer_for(app.config).make(bulletin.id, 1)
    client.post(other_url, data={"List-Unsubscribe": "One-Click"})
    assert session.scalar(sa.select(sa.func.count(TrackingHit.id))) == 1

    # And afterwards nothing reaches them by any path: the next bulletin leaves them out.
    app.extensions["mail_backend"].messages.clear()
    second = make_due(session, make_bulletin(session, now, title="Next"), _comms(session), now)
    session.commit()
    dispatch_due_bulletins(session, now)
    sent_to = {m.to_email for m in app.extensions["mail_backend"].messages}
    assert reader.email not in sent_to and other.email in sent_to
    assert second.id != bulletin.id


def _comms(session):
    from panel.auth.models import StaffUser

    return session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS).limit(1))


def test_the_fold_command_reports_what_it_folded(app, tmp_path):
    SpoolWriter(app.config["TRACKING_SPOOL_DIR"]).append(HitKind.OPEN, 1, 10)
    result = app.test_cli_runner().invoke(args=["fold-tracking"])
    assert result.exit_code == 0, result.output
    assert "1 hits folded from 1 files" in result.output
