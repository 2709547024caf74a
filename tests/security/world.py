"""A populated panel (the demo data plus what the demo leaves out), optionally with hostile text
in every column a user can fill, and every page, export and download that reads it, for each role.

Used by the injection and download tests; the classification of columns below is itself
tested, so a new text column must be declared user-written (and is then poisoned) or not."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, url_for
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.extensions import db
from tests.clients import server_like_client
from tests.factories import sign_in_test_client
from tests.security.payloads import PAYLOADS
from tests.world_snapshots import built_once

#: text columns a person can write, directly or through an import or a provider's event.
USER_TEXT = {
    "places.name",
    "neighbourhoods.name",
    "postcode_districts.post_town",
    "staff_users.name",
    "election_dates.description",
    "recruitment_sources.name",
    "segments.name",
    "segments.description",
    "bulletins.title",
    "bulletins.intro",
    "bulletin_items.title",
    "bulletin_items.body",
    "bulletin_items.link_url",
    "bulletin_items.link_text",
    "bulletin_items.review_note",
    "bulletin_saved_blocks.name",
    "bulletin_templates.name",
    "member_imports.filename",
    "members.first_name",
    "members.last_name",
    "surveys.title",
    "surveys.purpose",
    "surveys.decision",
    "surveys.already_known",
    "surveys.equality_considerations",
    "surveys.urgent_reason",
    "surveys.results_note",
    "survey_decisions.you_said",
    "survey_decisions.action",
    "survey_decision_changes.you_said",
    "survey_decision_changes.action",
    "decisions.title",
    "decisions.summary",
    "decisions.body_name",
    "decisions.paper_reference",
    "decisions.paper_url",
    "decisions.owner_name",
    "decisions.duty_reason",
    "decisions.no_involvement_reason",
    "decision_links.other_title",
    "decision_links.other_url",
    "decision_links.people_said",
    "decision_links.how_used",
    "insight_findings.title",
    "insight_findings.summary",
    "insight_findings.source_name",
    "insight_findings.source_url",
    "insight_findings.owner_name",
    "engagement_events.title",
    "engagement_events.purpose",
    "engagement_events.venue",
    "engagement_events.accessibility",
    "engagement_events.map_url",
    "engagement_events.joining_link",
    "event_invitations.access_needs",
    "event_invitations.dietary_needs",
    "event_invitations.registrant_name",
    "event_invitations.registrant_email",
    "event_attendances.walk_in_name",
    "event_outputs.summary",
    "payment_claims.cost_centre",
    "payment_claims.decision_note",
    "payment_expense_items.description",
    "annual_report_drafts.body",
    "survey_guidance_overrides.reason",
    "survey_finding_marks.reason",
    "survey_emails.subject",
    "survey_emails.body",
    "survey_open_links.source",
    "survey_responses.source",
    "survey_results_pages.why_we_asked",
    "survey_results_pages.what_you_said",
    "survey_results_pages.recommendations",
    "survey_results_pages.next_steps",
    "survey_review_comments.body",
    "survey_snapshots.note",
    "survey_themes.name",
    "survey_answers.other_text",
    "survey_answers.comment",
    "survey_quotes.text",
    "email_events.reason",
    "email_events.url",
    "audit_events.detail",
    "api_keys.organisation",
    "api_keys.name",
    "partner_organisations.name",
    "insight_attachments.filename",
    "webhook_endpoints.organisation",
    "webhook_endpoints.name",
    "webhook_endpoints.url",
    "group_contact_caps.reason",
    "bulletin_batches.error",
    "outbound_emails.last_error",
}

#: text columns no user writes as free text: codes, hashes, tokens, enums, reference data,
#: and copies rendered from user text (poisoned at their source instead).
NOT_USER_TEXT = {
    "api_keys.prefix",
    "api_keys.key_hash",
    "api_keys.scopes",
    # webhooks: a checked email address, encrypted secrets, codes, and text the sender writes
    # (disabled_reason is fixed phrases and a staff name, poisoned at its source)
    "webhook_endpoints.contact_email",
    "webhook_endpoints.event_types",
    "webhook_endpoints.secret_encrypted",
    "webhook_endpoints.previous_secret_encrypted",
    "webhook_endpoints.disabled_reason",
    "webhook_deliveries.message_id",
    "webhook_deliveries.event_type",
    "webhook_deliveries.payload",
    "webhook_attempts.error",
    # the duplicate detector's reasons, written by code from fixed phrases
    "member_merges.reasons",
    # a group cap's field and code come from fixed lists; "bounced" or "complained"
    "group_contact_caps.field",
    "group_contact_caps.value",
    "members.unreachable_reason",
    # re-consent: wording versions from code constants, reason and method codes, a random nonce
    "reconsent_campaigns.privacy_version",
    "reconsent_campaigns.equality_version",
    "reconsent_requests.reasons",
    "reconsent_requests.privacy_version_held",
    "reconsent_requests.equality_version_held",
    "reconsent_requests.nonce",
    "reconsent_requests.answer_method",
    "email_events.sg_event_id",
    "email_events.dedupe_key",
    "email_events.event",
    "email_events.email_hash",
    "email_events.sg_message_id",
    "email_suppressions.email_hash",
    "join_drafts.token_hash",
    "places.code",
    "staff_users.email",
    "staff_users.password_hash",
    "staff_users.totp_secret",
    "staff_users.session_token",
    "tracking_hits.kind",
    "tracking_hits.machine_hint",
    "tracking_spool_files.name",
    "audit_events.action",
    "audit_events.object_type",
    "audit_events.object_ids",
    "districts.lad_code",
    "districts.name",
    "districts.icp_2018",
    "neighbourhoods.ods_code",
    "population_figures.dimension",
    "population_figures.category",
    "population_figures.note",
    "population_figures.source",
    "recruitment_sources.code",
    "staff_recovery_codes.code_hash",
    "bulletins.worker",
    "bulletins.frozen_subject",
    "bulletins.frozen_text",
    "bulletins.frozen_html",
    "member_imports.content",
    "members.email",
    "members.postcode",
    "members.age_band",
    "members.preferred_format",
    "members.language",
    "members.heard_from",
    "members.session_token",
    "postcode_districts.outward_code",
    "postcode_district_places.outward_code",
    "bulletin_batches.message_id",
    "bulletin_links.url",
    "bulletin_images.sha256",
    "bulletin_images.content_type",
    "consent_records.wording_version",
    "consent_records.method",
    "member_equality.sex",
    "member_equality.gender_identity",
    "member_equality.sexual_orientation",
    "member_equality.ethnic_group",
    "member_equality.religion",
    "member_equality.disability",
    "member_equality.carer",
    "member_equality.armed_forces",
    "outbound_emails.idempotency_key",
    "outbound_emails.kind",
    "outbound_emails.to_email",
    "outbound_emails.subject",
    "outbound_emails.text_body",
    "outbound_emails.html_body",
    "survey_guidance_overrides.rule",
    "survey_guidance_overrides.question_key",
    "survey_finding_marks.rule",
    "survey_finding_marks.question_key",
    "survey_finding_marks.question_type",
    "survey_finding_marks.question_text",
    "survey_finding_marks.message",
    "survey_invitations.channel",
    "survey_open_links.code",
    "survey_paper_copies.reference",
    "survey_results_pages.topic",
    "survey_review_comments.question_key",
    "survey_snapshots.document",
    "survey_snapshots.sha256",
    "survey_responses.token_hash",
    "survey_responses.age_band",
    "survey_answers.question_key",
    "survey_theme_codings.part",
    "survey_responses.answer_codes",
    "login_sessions.token_hash",
    "email_requests.email",
    "sign_in_throttles.key_hash",
    "job_runs.job_id",
    "job_runs.last_error",
    "insight_findings.topic_codes",
    "insight_findings.group_codes",
    "insight_findings.search_text",
    "event_invitations.stratum",
    "event_invitations.reply_nonce",
    # a registrant's language code, from the page's language choice
    "event_invitations.registrant_language",
    "annual_report_drafts.fingerprint",
    # a receipt's media type, found from its content
    "payment_expense_items.receipt_type",
}

URL_PAYLOADS = tuple(p for p in PAYLOADS if p.lower().startswith(("javascript", "jav")))


def text_columns() -> set[str]:
    """Every String or Text column (enums and JSON apart) in the schema."""
    return {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.String | sa.Text) and not isinstance(column.type, sa.Enum)
    }


def payload_for(text: str, limit: int | None = None, *, nul_ok: bool = True) -> str:
    """The same hostile payload for the same original text, fitted into ``limit`` characters."""
    candidates = [p for p in PAYLOADS if nul_ok or "\x00" not in p]
    payload = candidates[zlib.crc32(text.encode()) % len(candidates)]
    if limit is not None and len(payload) > limit:
        fitting = [p for p in candidates if len(p) <= limit] or ["<b xss>"]
        payload = fitting[zlib.crc32(text.encode()) % len(fitting)]
    return payload


def poisoned(text: str | None, limit: int | None = None, *, nul_ok: bool = True) -> str:
    """``text`` with a payload after it (the original kept, so the record still makes sense)."""
    original = text or ""
    payload = payload_for(original, limit, nul_ok=nul_ok)
    if limit is None:
        return f"{original} {payload}".strip()
    room = limit - len(payload) - 1
    return (f"{original[:room]} {payload}" if room > 0 else payload)[:limit].strip()


def _poison_document(document, mapping) -> object:
    if isinstance(document, str):
        return mapping(document)
    if isinstance(document, list):
        return [_poison_document(item, mapping) for item in document]
    if isinstance(document, dict):
        return {
            key: value
            if key in ("key", "type", "question", "block")
            else _poison_document(value, mapping)
            for key, value in document.items()
        }
    return document


def poison(session: Session) -> None:
    """Put a hostile payload into every user-written text in the database, consistently (an
    option's new text is also the answers' value; the answer codes hold positions, not texts)."""
    import json

    from mailer.bulletins.block_models import BulletinBlock
    from panel.json_text import dumps
    from surveys.engagement_events.models import EngagementEvent, EventInvitation
    from surveys.fieldwork.models import Answer
    from surveys.models import Survey, SurveySnapshot

    nul_ok = session.get_bind().dialect.name != "postgresql"
    tables = {table.name: table for table in db.metadata.sorted_tables}
    for name in sorted(USER_TEXT):
        table_name, column_name = name.split(".")
        table, column = tables[table_name], tables[table_name].columns[column_name]
        limit = getattr(column.type, "length", None)
        key = list(table.primary_key.columns)
        rows = session.execute(sa.select(*key, column).where(column.is_not(None))).all()
        for row in rows:
            value = row[-1]
            if column_name in ("link_url", "url", "paper_url", "other_url"):
                new = URL_PAYLOADS[zlib.crc32(str(value).encode()) % len(URL_PAYLOADS)]
            else:
                new = poisoned(value, limit, nul_ok=nul_ok)
            condition = sa.and_(*(k == row[i] for i, k in enumerate(key)))
            session.execute(sa.update(table).where(condition).values({column_name: new}))

    def mapping(text: str) -> str:
        return poisoned(text, 300, nul_ok=nul_ok) if text else text

    for survey in session.scalars(sa.select(Survey)):
        survey.content = _poison_document(survey.content or {}, mapping)
    for snapshot in session.scalars(sa.select(SurveySnapshot)):
        snapshot.document = dumps(_poison_document(json.loads(snapshot.document), mapping))
    for answer in session.scalars(sa.select(Answer)):
        answer.value = _poison_document(answer.value, mapping)
    for block in session.scalars(sa.select(BulletinBlock)):
        block.data = {
            name: (
                URL_PAYLOADS[zlib.crc32(value.encode()) % len(URL_PAYLOADS)]
                if name == "url"
                else poisoned(value, 150, nul_ok=nul_ok)
            )
            if isinstance(value, str) and value
            else value
            for name, value in (block.data or {}).items()
        }
    # An event's own registration questions (organisers') and registrants' answers (residents').
    for event in session.scalars(sa.select(EngagementEvent)):
        event.registration_questions = [mapping(q) for q in event.registration_questions or []]
    for invitation in session.scalars(
        sa.select(EventInvitation).where(EventInvitation.answers.is_not(None))
    ):
        invitation.answers = [
            {key: mapping(text) if isinstance(text, str) else text for key, text in pair.items()}
            for pair in invitation.answers
        ]
    session.flush()


@dataclass
class Crawl:
    """What a role's crawl found: problems by URL and the URLs visited."""

    visited: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def add(self, url: str, found: list[str]) -> None:
        if found:
            self.problems.setdefault(url, []).extend(found)


def _ids(session: Session, statement) -> list:
    return list(session.execute(statement).all())


def _member_pairs(session: Session) -> list[tuple[int, int]]:
    """Pairs of members for the duplicates pages: the first four of each place, two by two."""
    from panel.members.models import Member

    rows = session.execute(
        sa.select(Member.place_id, Member.id).order_by(Member.place_id, Member.id)
    ).all()
    by_place: dict = {}
    for place_id, member_id in rows:
        by_place.setdefault(place_id, []).append(member_id)
    return [
        (ids[i], ids[i + 1]) for ids in by_place.values() for i in range(0, min(len(ids), 4) - 1, 2)
    ]


def staff_urls(
    app: Flask,
    session: Session,
    outbox_names: list[str],
    *,
    method: str = "GET",
    endpoints: set[str] | None = None,
) -> list[str]:
    """Every staff route taking ``method`` (only ``endpoints`` if given) with the ids of real
    records filled in (several of each)."""
    from mailer.bulletins.block_models import BulletinBlock
    from mailer.bulletins.models import Bulletin, BulletinItem
    from panel.auth.models import StaffUser
    from panel.auth.services import password_reset_token
    from panel.duplicates.models import MemberMerge
    from panel.members.models import Member, MemberImport, RecruitmentSource
    from panel.partners.models import PartnerOrganisation
    from panel.places.models import Place, PostcodeDistrict
    from panel.reconsent.models import ReconsentCampaign
    from panel.segments.models import FairSelection, GroupContactCap, Segment
    from panel.webhooks.models import WebhookDelivery, WebhookEndpoint
    from surveys.decisions.models import DecisionLink, DecisionRecord
    from surveys.engagement_events.attendance_models import EventAttendance
    from surveys.engagement_events.models import EngagementEvent, EventInvitation
    from surveys.engagement_events.payment_models import ExpenseItem, PaymentClaim
    from surveys.insights.models import InsightAttachment, InsightFinding
    from surveys.models import Survey, SurveySnapshot
    from surveys.results.models import Decision

    surveys = [row[0] for row in _ids(session, sa.select(Survey.id).order_by(Survey.id))]
    survey_keys = []
    for survey in session.scalars(sa.select(Survey).order_by(Survey.id)):
        for page in survey.pages[:2]:
            survey_keys += [(survey.id, q["key"]) for q in page["questions"][:2]]
    choices = {
        ("survey_id",): [(s,) for s in surveys],
        ("key", "survey_id"): [(k, s) for s, k in survey_keys],
        ("kind", "survey_id"): [(k, s) for s in surveys for k in ("invitation", "feedback")],
        ("page_index", "survey_id"): [(0, s) for s in surveys],
        ("survey_id", "version"): _ids(
            session, sa.select(SurveySnapshot.survey_id, SurveySnapshot.version)
        ),
        ("decision_id", "survey_id"): _ids(session, sa.select(Decision.id, Decision.survey_id)),
        ("decision_id",): _ids(session, sa.select(DecisionRecord.id)),
        ("insight_id",): _ids(session, sa.select(InsightFinding.id)),
        ("event_id",): _ids(session, sa.select(EngagementEvent.id)),
        ("event_id", "invitation_id"): _ids(
            session, sa.select(EventInvitation.event_id, EventInvitation.id).limit(4)
        ),
        ("attendance_id", "event_id"): _ids(
            session, sa.select(EventAttendance.id, EventAttendance.event_id).limit(3)
        ),
        ("event_id", "token"): _check_in_links(session),
        ("claim_id", "event_id"): _ids(
            session, sa.select(PaymentClaim.id, PaymentClaim.event_id).limit(3)
        ),
        ("claim_id", "event_id", "expense_id"): _ids(
            session,
            sa.select(ExpenseItem.claim_id, PaymentClaim.event_id, ExpenseItem.id)
            .join(PaymentClaim, PaymentClaim.id == ExpenseItem.claim_id)
            .where(ExpenseItem.receipt_type != "")  # items with a receipt to download
            .limit(3),
        ),
        ("campaign_id",): _ids(session, sa.select(ReconsentCampaign.id)),
        ("start_year",): [(2025,), (2026,)],
        ("decision_id", "link_id"): _ids(
            session, sa.select(DecisionLink.decision_id, DecisionLink.id)
        ),
        ("bulletin_id",): _ids(session, sa.select(Bulletin.id)),
        ("bulletin_id", "item_id"): _ids(
            session,
            sa.select(BulletinItem.bulletin_id, BulletinItem.id).where(
                BulletinItem.bulletin_id.is_not(None)
            ),
        ),
        ("item_id",): _ids(session, sa.select(BulletinItem.id)),
        ("block_id", "bulletin_id"): _ids(
            session, sa.select(BulletinBlock.id, BulletinBlock.bulletin_id)
        ),
        ("segment_id",): _ids(session, sa.select(Segment.id)),
        ("segment_id", "selection_id"): _ids(
            session, sa.select(FairSelection.segment_id, FairSelection.id)
        ),
        ("member_id",): _ids(session, sa.select(Member.id).order_by(Member.id).limit(4)),
        ("member_id", "other_id"): _member_pairs(session),
        ("merge_id",): _ids(session, sa.select(MemberMerge.id).limit(3)),
        ("cap_id",): _ids(session, sa.select(GroupContactCap.id)),
        ("user_id",): _ids(session, sa.select(StaffUser.id)),
        ("place_id",): _ids(session, sa.select(Place.id)),
        ("code",): _ids(session, sa.select(PostcodeDistrict.outward_code).limit(2)),
        ("import_id",): _ids(session, sa.select(MemberImport.id)),
        ("source_id",): _ids(session, sa.select(RecruitmentSource.id)),
        ("endpoint_id",): _ids(session, sa.select(WebhookEndpoint.id)),
        ("organisation_id",): _ids(session, sa.select(PartnerOrganisation.id)),
        ("attachment_id", "insight_id"): _ids(
            session, sa.select(InsightAttachment.id, InsightAttachment.finding_id).limit(3)
        ),
        ("report_id",): _ids(
            session,
            sa.select(InsightFinding.id).where(InsightFinding.partner_organisation_id.is_not(None)),
        ),
        ("attachment_id", "report_id"): _ids(
            session, sa.select(InsightAttachment.id, InsightAttachment.finding_id).limit(3)
        ),
        ("delivery_id", "endpoint_id"): _ids(
            session, sa.select(WebhookDelivery.id, WebhookDelivery.endpoint_id).limit(3)
        ),
        ("name",): [(name,) for name in outbox_names[:6]],
        ("token",): [
            (password_reset_token(user),)
            for user in session.scalars(
                sa.select(StaffUser).where(StaffUser.password_hash.is_not(None)).limit(1)
            )
        ],
    }
    urls = []
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        for rule in app.url_map.iter_rules():
            if method not in rule.methods or not rule.rule.startswith("/staff"):
                continue
            if endpoints is not None and rule.endpoint not in endpoints:
                continue
            arguments = tuple(sorted(rule.arguments))
            if not arguments:
                urls.append(url_for(rule.endpoint))
                continue
            if arguments not in choices:
                raise AssertionError(f"no records to crawl {rule.rule}: add {arguments}")
            for values in choices[arguments]:
                urls.append(url_for(rule.endpoint, **dict(zip(arguments, values, strict=True))))
    return sorted(set(urls))


def _check_in_links(session: Session) -> list[tuple]:
    """(event id, check-in token) of a few confirmed bookings, for the attendees' QR codes."""
    from surveys.engagement_events.attendance import check_in_token
    from surveys.engagement_events.models import EventInvitation, InvitationState

    confirmed = session.scalars(
        sa.select(EventInvitation)
        .where(EventInvitation.state == InvitationState.CONFIRMED)
        .order_by(EventInvitation.id)
        .limit(2)
    )
    return [(invitation.event_id, check_in_token(invitation)) for invitation in confirmed]


def sign_in_staff(app: Flask, user: StaffUser, *, like_a_server: bool = False):
    """A test client signed in as ``user`` (both factors done); ``like_a_server`` gives one
    whose every request ends its own database session before the body is read."""
    client = server_like_client(app) if like_a_server else app.test_client()
    sign_in_test_client(client, user)
    db.session.commit()
    return client


def build_world(app: Flask, session: Session, *, poisoned: bool) -> StaffUser:
    """The demo data, hostile text in every user-written column if ``poisoned``, and what the
    demo lacks; returns the comms user who made it. Built once per test process and copied for
    each later test (tests/world_snapshots.py), on a database no test has written to yet."""
    from app.demo import create_demo_data

    def build() -> StaffUser:
        create_demo_data(session, datetime.now(UTC))
        session.commit()
        if poisoned:
            poison(session)
            session.commit()
        comms = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
        make_what_the_demo_lacks(app, session, comms)
        return comms

    return built_once(app, session, ("security world", poisoned), build)


def build_world_with_place_records(app: Flask, session: Session) -> StaffUser:
    """The unpoisoned world and ``add_place_team_records``, built once per process like it."""

    def build() -> StaffUser:
        comms = build_world(app, session, poisoned=False)
        add_place_team_records(session, datetime.now(UTC))
        return comms

    return built_once(app, session, ("security world, place records",), build)


def make_what_the_demo_lacks(app: Flask, session: Session, comms: StaffUser) -> None:
    """Through the staff pages themselves, with hostile text in what is typed: a selection, an
    import, an open link, a theme, a contribution, invitations and emails."""
    from mailer.bulletins.models import BulletinItem
    from mailer.jobs import deliver_queued_emails
    from panel.members.models import MemberImport, RecruitmentSource
    from panel.segments.models import FairSelection, Segment
    from surveys.emails.models import SurveyEmail
    from surveys.fieldwork.invitations import send_invitation_emails
    from surveys.fieldwork.models import OpenLink
    from surveys.models import Survey, SurveyStatus
    from surveys.results.models import Theme
    from tests.security.forms import page_forms

    client = sign_in_staff(app, comms)

    def count(model) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(model))

    def submit(url, overrides, made, *, action=None, files=None, tick_first=()):
        before = count(made)
        page = client.get(url)
        assert page.status_code == 200, url
        forms = [f for f in page_forms(page.text) if f.method == "post"]
        form = next(f for f in forms if action is None or f.action.endswith(action))
        data = {**form.defaults(), **overrides, **(files or {})}
        for name in tick_first:
            data[name] = [form.choice_fields()[name][0]]
        response = client.post(form.action or url, data=data)
        assert response.status_code < 500, (url, response.status_code)
        errors = re.findall(r"error-message[^>]*>(?:<[^>]+>)*([^<]*)", response.text)
        assert count(made) > before, (url, made.__name__, response.status_code, errors)

    segment = session.scalar(sa.select(Segment).order_by(Segment.id))
    submit(
        f"/staff/segments/{segment.id}/select",
        {"number_wanted": "5", "seed": "7"},
        FairSelection,
        tick_first=["features"],
    )
    csv_text = (
        "first_name,last_name,email,postcode\n"
        f'"{PAYLOADS[0]}","{PAYLOADS[13].replace(chr(34), chr(39))}",x@example.com,FY1 1AA\n'
    )
    csv_file = {"file": (io.BytesIO(csv_text.encode()), "a.csv")}
    submit("/staff/members/import", {}, MemberImport, files=csv_file)
    submit("/staff/members/sources", {"name": PAYLOADS[28]}, RecruitmentSource)
    live = session.scalar(sa.select(Survey).where(Survey.status == SurveyStatus.LIVE))
    closed = session.scalar(sa.select(Survey).where(Survey.status == SurveyStatus.CLOSED))
    submit(
        f"/staff/surveys/{live.id}/fieldwork",
        {"source": PAYLOADS[48]},
        OpenLink,
        action="/open-links",
    )
    hostile = [p for p in PAYLOADS if "{" not in p and "}" not in p]  # braces: a field error
    submit(
        f"/staff/surveys/{live.id}/emails/invitation",
        {"subject": hostile[13], "body": "Hello {first_name}\n\n" + "\n\n".join(hostile[:12])},
        SurveyEmail,
    )
    check = client.get(f"/staff/surveys/{live.id}/invite").get_data(as_text=True)
    expected = check.rsplit('name="expected" value="', 1)[1].split('"', 1)[0]  # the second click
    client.post(f"/staff/surveys/{live.id}/invite", data={"expected": expected})
    submit(
        f"/staff/surveys/{closed.id}/results/themes",
        {"new-name": PAYLOADS[71]},
        Theme,
        action="/themes/new",
    )
    submit(
        "/staff/bulletins/contributions",
        {"title": PAYLOADS[72], "body": PAYLOADS[73]},
        BulletinItem,
    )
    send_invitation_emails(session, datetime.now(UTC))
    session.commit()
    deliver_queued_emails(session, app.extensions["mail_backend"], datetime.now(UTC))
    session.commit()
    add_paper_copies(session, comms)
    session.commit()


def add_paper_copies(session: Session, user) -> None:
    """Two paper copies of every survey that has none, so each survey's printable copies (a
    download) have something to print."""
    from surveys.fieldwork.models import PaperCopy
    from surveys.fieldwork.paper import make_paper_copies
    from surveys.models import Survey

    if user is None:
        user = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    printed = set(session.scalars(sa.select(PaperCopy.survey_id)))
    for survey in session.scalars(sa.select(Survey).order_by(Survey.id)):
        if survey.id not in printed:
            make_paper_copies(session, survey, user, 2, datetime.now(UTC))
    session.flush()


def add_place_team_records(session: Session, now: datetime) -> None:
    """What the demo gives the other roles but not the place team: a closed survey of its first
    place with a snapshot and that place's members' answers, and a bulletin sent to that place."""
    import random
    from datetime import timedelta

    from mailer.bulletins.models import BulletinStatus
    from mailer.bulletins.services import audience, compose
    from mailer.bulletins.services.send import freeze_content
    from panel.members.models import Member, MemberStatus
    from surveys import content as doc
    from surveys.demo import _plan
    from surveys.results.demo import HOURS, WHY, _answer
    from surveys.services import authoring, lifecycle

    team = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.PLACE))
    comms = session.scalar(sa.select(StaffUser).where(StaffUser.role == Role.COMMS))
    home = team.places[0]
    opened, closed = now - timedelta(weeks=11), now - timedelta(weeks=6)
    plan = _plan(
        f"Pharmacy hours in {home.name}",
        "To hear when people need a pharmacy.",
        "Which pharmacies open later.",
        "Complaints in 2025.",
        opened,
        closed,
        place_id=home.id,
    )
    survey = authoring.create_survey(session, team, plan, opened - timedelta(days=7))
    for question in (
        doc.question(
            "q1",
            "multiple_choice",
            "When would you visit a pharmacy?",
            why_we_ask=WHY,
            options=HOURS,
        ),
        doc.question("q2", "rating_scale", "How easy is it to get to a pharmacy?", why_we_ask=WHY),
        doc.question(
            "q3", "long_text", "Anything else?", why_we_ask=WHY, required=False, max_length=2000
        ),
    ):
        authoring.save_question(survey, 0, question, opened - timedelta(days=7))
    session.flush()
    lifecycle.submit_for_review(session, survey, team, opened - timedelta(days=6))
    lifecycle.approve(session, survey, comms, opened - timedelta(days=5))
    lifecycle.publish(session, survey, team, opened - timedelta(days=1))
    lifecycle.close(session, survey, None, closed)
    members = session.scalars(
        sa.select(Member)
        .where(Member.place_id == home.id, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.id)
        .limit(40)
    ).all()
    _answer(session, survey, members, random.Random(7), opened, closed)

    sent_at = now - timedelta(days=7)
    bulletin = compose.create_bulletin(session, team, f"{home.name} panel news", home.id, sent_at)
    compose.update_bulletin(bulletin, bulletin.title, "News from your place team.", sent_at)
    bulletin.scheduled_by_id = team.id
    bulletin.send_at = bulletin.started_at = sent_at
    audience.fix_recipients(session, bulletin, team, sent_at)
    freeze_content(session, bulletin)
    bulletin.status = BulletinStatus.SENT
    bulletin.finished_at = sent_at + timedelta(minutes=2)
    session.flush()
    add_paper_copies(session, None)
