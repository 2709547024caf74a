"""A GET never writes: every GET route of the app, crawled anonymously, as a panel member and as
each staff role, runs no INSERT, UPDATE, DELETE or COMMIT, save the audit log's record that a
member of staff looked at personal data.

Routes are taken from the app's url_map, so a new GET route is crawled without touching this
file; one whose arguments the crawl cannot fill fails until they are added below."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_request_context, request, url_for

from mailer.bulletins.block_models import BulletinImage
from mailer.bulletins.models import Bulletin, BulletinRecipient
from mailer.bulletins.rendering import view_token
from mailer.tracking.models import BulletinLink
from mailer.tracking.tokens import signer_for
from panel.auth.models import Role, StaffUser
from panel.extensions import db
from panel.members.models import Member, MemberStatus
from panel.members.services.links import confirm_token, magic_link_token, unsubscribe_token
from panel.reconsent.links import request_token
from panel.reconsent.models import ReconsentRequest
from panel.tokens import TokenPurpose, make_token
from surveys.decisions.models import DecisionRecord
from surveys.engagement_events.models import EngagementEvent, EventInvitation
from surveys.engagement_events.replies import reply_token
from surveys.fieldwork.models import OpenLink
from surveys.fieldwork.tokens import PersonalLinks
from surveys.models import Survey
from surveys.open_data.datasets import DATASETS
from tests.factories import STAFF_PASSWORD, make_staff
from tests.security.world import build_world, sign_in_staff, staff_urls

#: The one write a read may make: staff access to personal data is audited, and committed.
AUDIT_INSERT = "INSERT INTO audit_events"

#: GET endpoints allowed to write anyway: none. Kept as a named, empty exception list so that a
#: page which must write on a GET is argued for here, in review, rather than slipped in.
PENDING_READS_THAT_WRITE: set[str] = set()

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


@pytest.fixture
def app_config(tmp_path):
    return {"OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_BACKEND": "outbox"}


@pytest.fixture
def writes_by_endpoint(app):
    """``{endpoint: {"UPDATE members", "COMMIT", ...}}`` for every GET or HEAD request."""
    writes: dict[str, set[str]] = defaultdict(set)

    def during_a_read() -> str | None:
        if has_request_context() and request.method in {"GET", "HEAD"}:
            return request.endpoint or request.path
        return None

    def on_statement(conn, cursor, statement, parameters, context, executemany):
        endpoint = during_a_read()
        found = WRITE.match(statement)
        if endpoint and found:
            verb = " ".join(found.group(1).upper().split())
            writes[endpoint].add(f"{verb} {found.group(2).lower()}")

    def on_commit(conn):
        endpoint = during_a_read()
        if endpoint:
            writes[endpoint].add("COMMIT")

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", on_statement)
    sa.event.listen(engine, "commit", on_commit)
    yield writes
    sa.event.remove(engine, "before_cursor_execute", on_statement)
    sa.event.remove(engine, "commit", on_commit)


def _public_urls(app, session) -> list[str]:
    """Every GET route outside /staff, with real tokens and ids filled in."""
    member = session.scalar(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    )
    pending = session.scalar(sa.select(Member).where(Member.status == MemberStatus.PENDING))
    surveys = list(session.scalars(sa.select(Survey).order_by(Survey.id)))
    links = PersonalLinks(app.config["SECRET_KEY"])
    personal = [links.make(survey.id, member.id) for survey in surveys]
    recipient = session.scalar(sa.select(BulletinRecipient).order_by(BulletinRecipient.id))
    tracked = session.scalar(sa.select(BulletinLink).order_by(BulletinLink.id))
    tracking_token = signer_for(app.config).make(recipient.bulletin_id, recipient.id)
    arguments = {
        "pages.assets": [{"filename": "manifest.json"}],
        "static": [{"filename": "app.css"}],
        "engagement.results": [{"survey_id": s.id} for s in surveys],
        "api_v1.survey_results": [{"survey_id": s.id} for s in surveys],
        "api_v1.decision": [
            {"decision_id": d} for d in session.scalars(sa.select(DecisionRecord.id))
        ],
        "api_v1.bulletin": [{"bulletin_id": b} for b in session.scalars(sa.select(Bulletin.id))],
        "public_decisions.decision": [
            {"decision_id": d} for d in session.scalars(sa.select(DecisionRecord.id))
        ],
        "bulletin_view.view": [
            {"token": view_token(b)} for b in session.scalars(sa.select(Bulletin))
        ],
        "bulletin_archive.bulletin": [
            {"bulletin_id": b} for b in session.scalars(sa.select(Bulletin.id))
        ],
        "join.confirm": [{"token": confirm_token(pending or member)}],
        "join.unsubscribe_page": [{"token": unsubscribe_token(member)}],
        "member_area.use_link": [{"token": magic_link_token(member)}],
        "take_part.open_start": [
            {"code": link.code} for link in session.scalars(sa.select(OpenLink))
        ],
        "take_part.personal_start": [{"token": token} for token in personal],
        "take_part.page": [{"kind": "s", "token": t, "number": 1} for t in personal],
        "take_part.check": [{"kind": "s", "token": t} for t in personal],
        "take_part.done": [{"kind": "s", "token": t} for t in personal],
        "bulletin_images.image": [
            {"digest": image.sha256, "extension": "png"}
            for image in session.scalars(sa.select(BulletinImage))
        ],
        "tracking.pixel": [{"token": tracking_token}],
        "event_replies.reply": [
            {"token": reply_token(i)} for i in session.scalars(sa.select(EventInvitation))
        ],
        "event_registration.register": [
            {"event_id": e} for e in session.scalars(sa.select(EngagementEvent.id))
        ],
        "tracking.click": [{"token": tracking_token, "link_id": tracked.id}],
        "open_data.download": [
            {"slug": slug, "kind": kind} for slug in DATASETS for kind in ("csv", "json")
        ],
        "reconsent_answers.answer": [
            {"token": request_token(r)} for r in session.scalars(sa.select(ReconsentRequest))
        ],
        "still_interested.keep": [
            {"token": make_token(TokenPurpose.KEEP_ME, member_id)}
            for member_id in session.scalars(sa.select(Member.id).limit(3))
        ],
    }
    urls = []
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith("/staff"):
                continue
            if not rule.arguments:
                urls.append(url_for(rule.endpoint))
                continue
            if rule.endpoint not in arguments:
                raise AssertionError(f"no values to crawl {rule.rule}: add {rule.endpoint}")
            urls += [url_for(rule.endpoint, **values) for values in arguments[rule.endpoint]]
    return sorted(set(urls))


def _reads_that_write(writes: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each endpoint's writes beyond the audit log's record and the commit that keeps it."""
    found = {}
    for endpoint, statements in writes.items():
        extra = statements - {AUDIT_INSERT, "COMMIT"}
        # A page that applies the equality-data rule commits its audit rows, and so commits
        # nothing when the rule had nothing to record: only a commit of other writes is one.
        if extra:
            found[endpoint] = sorted(statements)
    return found


def test_no_get_request_writes_to_the_database(app, session, writes_by_endpoint):
    """Every GET route as anonymous, as a panel member and as each staff role."""
    build_world(app, session, poisoned=False)
    outbox = sorted(p.name for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    public = _public_urls(app, session)
    crawled = 0

    for url in public:  # anonymously, each from a fresh browser
        crawled += app.test_client().get(url).status_code == 200
    member_client = app.test_client()
    member = session.scalar(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    )
    signed_in = member_client.get(
        f"/my-panel/link/{magic_link_token(member)}", follow_redirects=True
    )
    assert signed_in.status_code == 200
    for url in public:  # as a signed-in panel member
        crawled += member_client.get(url).status_code == 200
    for role in Role:  # every kind of account, partners included
        user = session.scalar(sa.select(StaffUser).where(StaffUser.role == role))
        client = sign_in_staff(app, user)
        for url in staff_urls(app, session, outbox):
            crawled += client.get(url).status_code == 200

    writers = _reads_that_write(writes_by_endpoint)
    unexpected = {e: w for e, w in writers.items() if e not in PENDING_READS_THAT_WRITE}
    assert unexpected == {}, "\n".join(f"{e}: {', '.join(w)}" for e, w in unexpected.items())
    assert sorted(PENDING_READS_THAT_WRITE - set(writers)) == [], "reads only now: unlist them"
    assert crawled > 150, crawled


def test_the_authenticator_set_up_page_only_reads(client, session, writes_by_endpoint):
    """The one staff page the crawl cannot reach (its staff have authenticators already): the
    secret is made by the password step's POST, and showing it writes nothing."""
    user = make_staff(session, enrolled=False)
    session.commit()
    client.post("/staff/sign-in", data={"email": user.email, "password": STAFF_PASSWORD})
    page = client.get("/staff/sign-in/set-up-authenticator")
    assert page.status_code == 200 and 'class="app-code"' in page.text
    assert _reads_that_write(writes_by_endpoint) == {}
