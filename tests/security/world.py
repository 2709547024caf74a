"""A populated panel (the demo data plus what the demo leaves out) with hostile text in every
column a user can fill, and every page, export and download that reads it, for each role.

Used by the injection tests; the classification of columns below is itself tested, so a new text
column must be declared user-written (and is then poisoned) or not."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, url_for
from sqlalchemy.orm import Session

from panel.extensions import db
from tests.security.payloads import PAYLOADS

#: text columns a person can write, directly or through an import or a provider's event.
USER_TEXT = {
    "places.name", "neighbourhoods.name", "postcode_districts.post_town", "staff_users.name",
    "election_dates.description", "recruitment_sources.name", "segments.name",
    "segments.description", "bulletins.title", "bulletins.intro", "bulletin_items.title",
    "bulletin_items.body", "bulletin_items.link_url", "bulletin_items.link_text",
    "bulletin_items.review_note", "member_imports.filename", "members.first_name",
    "members.last_name", "surveys.title", "surveys.purpose", "surveys.decision",
    "surveys.already_known", "surveys.equality_considerations", "surveys.urgent_reason",
    "surveys.results_note", "survey_decisions.you_said", "survey_decisions.action",
    "survey_guidance_overrides.reason", "survey_open_links.source", "survey_responses.source",
    "survey_answer_tallies.source", "survey_results_pages.why_we_asked",
    "survey_results_pages.what_you_said", "survey_results_pages.recommendations",
    "survey_results_pages.next_steps", "survey_review_comments.body", "survey_snapshots.note",
    "survey_themes.name", "survey_answers.other_text", "survey_answers.comment",
    "survey_quotes.text", "email_events.reason", "email_events.url", "audit_events.detail",
    "bulletin_batches.error", "outbound_emails.last_error",
}  # fmt: skip

#: text columns no user writes as free text: codes, hashes, tokens, enums, reference data,
#: and copies rendered from user text (poisoned at their source instead).
NOT_USER_TEXT = {
    "email_events.sg_event_id", "email_events.dedupe_key", "email_events.event",
    "email_events.email_hash", "email_events.sg_message_id", "email_suppressions.email_hash",
    "join_drafts.token_hash", "places.code", "staff_users.email", "staff_users.password_hash",
    "staff_users.totp_secret", "staff_users.session_token", "tracking_hits.kind",
    "tracking_hits.machine_hint", "tracking_spool_files.name", "audit_events.action",
    "audit_events.object_type", "audit_events.object_ids", "districts.lad_code",
    "districts.name", "districts.icp_2018", "neighbourhoods.ods_code",
    "population_figures.dimension", "population_figures.category", "population_figures.note",
    "population_figures.source", "recruitment_sources.code", "staff_recovery_codes.code_hash",
    "bulletins.worker", "bulletins.frozen_subject", "bulletins.frozen_text",
    "bulletins.frozen_html", "member_imports.content", "members.email", "members.postcode",
    "members.age_band", "members.preferred_format", "members.language", "members.heard_from",
    "members.session_token", "postcode_districts.outward_code",
    "postcode_district_places.outward_code", "bulletin_batches.message_id",
    "bulletin_links.url", "consent_records.wording_version", "consent_records.method",
    "member_equality.sex", "member_equality.gender_identity",
    "member_equality.sexual_orientation", "member_equality.ethnic_group",
    "member_equality.religion", "member_equality.disability", "member_equality.carer",
    "member_equality.armed_forces", "outbound_emails.idempotency_key", "outbound_emails.kind",
    "outbound_emails.to_email", "outbound_emails.subject", "outbound_emails.text_body",
    "outbound_emails.html_body", "survey_answer_tallies.question_key",
    "survey_answer_tallies.option", "survey_answer_tallies.age_band",
    "survey_answer_tallies.sex", "survey_guidance_overrides.rule",
    "survey_guidance_overrides.question_key", "survey_invitations.channel",
    "survey_open_links.code", "survey_results_pages.topic", "survey_review_comments.question_key",
    "survey_snapshots.document", "survey_snapshots.sha256", "survey_responses.token_hash",
    "survey_responses.age_band", "survey_answers.question_key", "survey_theme_codings.part",
    "login_sessions.token_hash", "email_requests.email", "sign_in_throttles.key_hash",
}  # fmt: skip

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
            key: value if key in ("key", "type", "question", "block") else
            _poison_document(value, mapping)
            for key, value in document.items()
        }  # fmt: skip
    return document


def poison(session: Session) -> None:
    """Put a hostile payload into every user-written text in the database, consistently (an
    option's new text is also the answers' and the tallies' value)."""
    import json

    from panel.json_text import dumps
    from surveys.fieldwork.models import Answer
    from surveys.models import Survey, SurveySnapshot
    from surveys.results.models import AnswerTally

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
            if column_name in ("link_url", "url"):
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
    for tally in session.scalars(sa.select(AnswerTally)):
        tally.option = mapping(tally.option)
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


def staff_urls(app: Flask, session: Session, outbox_names: list[str]) -> list[str]:
    """Every staff GET route with the ids of real records filled in (several of each)."""
    from mailer.bulletins.models import Bulletin, BulletinItem
    from panel.auth.models import StaffUser
    from panel.auth.services import password_reset_token
    from panel.members.models import Member, MemberImport, RecruitmentSource
    from panel.places.models import Place, PostcodeDistrict
    from panel.segments.models import FairSelection, Segment
    from surveys.models import Survey, SurveySnapshot

    surveys = [row[0] for row in _ids(session, sa.select(Survey.id).order_by(Survey.id))]
    survey_keys = []
    for survey in session.scalars(sa.select(Survey).order_by(Survey.id)):
        for page in survey.pages[:2]:
            survey_keys += [(survey.id, q["key"]) for q in page["questions"][:2]]
    choices = {
        ("survey_id",): [(s,) for s in surveys],
        ("key", "survey_id"): [(k, s) for s, k in survey_keys],
        ("page_index", "survey_id"): [(0, s) for s in surveys],
        ("survey_id", "version"): _ids(
            session, sa.select(SurveySnapshot.survey_id, SurveySnapshot.version)
        ),
        ("bulletin_id",): _ids(session, sa.select(Bulletin.id)),
        ("bulletin_id", "item_id"): _ids(
            session,
            sa.select(BulletinItem.bulletin_id, BulletinItem.id).where(
                BulletinItem.bulletin_id.is_not(None)
            ),
        ),
        ("item_id",): _ids(session, sa.select(BulletinItem.id)),
        ("segment_id",): _ids(session, sa.select(Segment.id)),
        ("segment_id", "selection_id"): _ids(
            session, sa.select(FairSelection.segment_id, FairSelection.id)
        ),
        ("member_id",): _ids(session, sa.select(Member.id).order_by(Member.id).limit(4)),
        ("user_id",): _ids(session, sa.select(StaffUser.id)),
        ("place_id",): _ids(session, sa.select(Place.id)),
        ("code",): _ids(session, sa.select(PostcodeDistrict.outward_code).limit(2)),
        ("import_id",): _ids(session, sa.select(MemberImport.id)),
        ("source_id",): _ids(session, sa.select(RecruitmentSource.id)),
        ("name",): [(name,) for name in outbox_names[:6]],
        ("token",): [(password_reset_token(user),) for user in session.scalars(
            sa.select(StaffUser).where(StaffUser.password_hash.is_not(None)).limit(1)
        )],
    }  # fmt: skip
    urls = []
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or not rule.rule.startswith("/staff"):
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
