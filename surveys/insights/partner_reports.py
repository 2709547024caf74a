"""Insight reports sent by partner organisations (issue 24 point 3): checked, kept in the
insight library as partner reports for the communications team to review, announced to
webhooks, and read back by the organisation that sent them with what was done with them.

A partner account never reads another organisation's reports: every read here takes the
organisation, and another organisation's report is None (a 404), exactly like a missing one."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from panel.audit.services import record_audit
from panel.field_errors import FieldError
from panel.input_cleaning import clean_text, single_line
from panel.partners.models import PartnerOrganisation
from panel.places.models import Place
from surveys.decisions.models import DecisionLink, DecisionRecord
from surveys.engagement_events.receipts import (
    MAX_RECEIPT_BYTES,
    ReceiptError,
    receipt_pdf,
    receipt_type,
)
from surveys.insights.library import announce_insight_report
from surveys.insights.models import InsightAttachment, InsightFinding, SourceKind
from surveys.insights.vocabulary import GROUP_LABELS, encode_codes, normalise

#: at most this many files with one report, each at most MAX_ATTACHMENT_BYTES.
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = MAX_RECEIPT_BYTES
MAX_SUMMARY_CHARS = 10_000


class ReportError(FieldError):
    """The report cannot be accepted; the message says why, ``field`` next to which field."""

    field = "title"


@dataclass
class ReportFields:
    """What a partner sends: a title, a summary, the groups heard from and a place."""

    title: str
    summary: str
    groups: list[str] = field(default_factory=list)
    #: None: across the ICB.
    place_id: int | None = None
    #: (the name the file was sent with, its bytes) for each attached file.
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def _attachment(filename: str, data: bytes) -> InsightAttachment:
    name = single_line(os.path.basename((filename or "").replace("\\", "/"))).strip()[:200]
    name = name or "attachment"
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ReportError(f"{name} is too large: each file must be 5 MB or smaller", "attachments")
    try:
        receipt_type(data)
    except ReceiptError:
        raise ReportError(
            f"{name} cannot be used: attach PDF, PNG or JPEG files only", "attachments"
        ) from None
    try:
        content = receipt_pdf(data)
    except ReceiptError:
        raise ReportError(f"{name} cannot be read: try another file", "attachments") from None
    if not name.lower().endswith(".pdf"):
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.pdf"[:200]
    return InsightAttachment(filename=name, content=content, size_bytes=len(content))


def _checked(session: Session, organisation: PartnerOrganisation, fields: ReportFields) -> dict:
    title = single_line(fields.title or "").strip()
    if not title:
        raise ReportError("Enter the report's title", "title")
    if len(title) > 200:
        raise ReportError("The title must be 200 characters or fewer", "title")
    summary = clean_text(fields.summary or "").strip()
    if not summary:
        raise ReportError("Say what you heard", "summary")
    if len(summary) > MAX_SUMMARY_CHARS:
        raise ReportError("The summary must be 10,000 characters or fewer", "summary")
    groups = list(dict.fromkeys(fields.groups or []))
    if any(code not in GROUP_LABELS for code in groups):
        raise ReportError("Choose groups from the list", "groups")
    place = session.get(Place, fields.place_id) if fields.place_id is not None else None
    if fields.place_id is not None and place is None:
        raise ReportError("Choose a place from the list", "place_id")
    if organisation.place_id is not None and fields.place_id not in (None, organisation.place_id):
        raise ReportError("Choose your organisation's place or the whole ICB", "place_id")
    if len(fields.attachments) > MAX_ATTACHMENTS:
        raise ReportError(f"Attach at most {MAX_ATTACHMENTS} files", "attachments")
    words = [title, summary, organisation.name, place.name if place else "ICB-wide"]
    words += [GROUP_LABELS[code] for code in groups]
    return {
        "title": title,
        "summary": summary,
        "group_codes": encode_codes(groups),
        "place_id": fields.place_id,
        "search_text": normalise(" ".join(words)),
    }


def submit_report(session: Session, partner, fields: ReportFields, now: datetime) -> InsightFinding:
    """Add the partner's report to the insight library (not public; the communications team
    reviews it, tags its topics and links it to what was decided), with its files, audited and
    announced to webhooks. Raises ReportError naming the field at fault."""
    organisation = partner.partner_organisation
    if organisation is None:
        raise ReportError("Only a partner organisation's account can send a report")
    values = _checked(session, organisation, fields)
    attachments = [_attachment(name, data) for name, data in fields.attachments if data]
    finding = InsightFinding(
        **values,
        source_kind=SourceKind.PARTNER_REPORT,
        source_name=organisation.name,
        partner_organisation_id=organisation.id,
        heard_on=now.date(),
        owner_name="",
        is_public=False,
        created_by_id=partner.id,
        created_at=now,
        updated_at=now,
    )
    session.add(finding)
    session.flush()
    for attachment in attachments:
        attachment.finding_id = finding.id
        attachment.created_at = now
        session.add(attachment)
    session.flush()
    record_audit(
        session,
        partner,
        "insight.partner_report",
        "insight",
        [finding.id],
        detail=f"partner={organisation.id} files={len(attachments)}",
        now=now,
    )
    announce_insight_report(session, finding, now)
    return finding


def organisation_reports(session: Session, organisation_id: int) -> list[InsightFinding]:
    """The organisation's own reports, newest first."""
    return list(
        session.scalars(
            sa.select(InsightFinding)
            .options(selectinload(InsightFinding.place), selectinload(InsightFinding.decision))
            .where(InsightFinding.partner_organisation_id == organisation_id)
            .order_by(InsightFinding.created_at.desc(), InsightFinding.id.desc())
        )
    )


def find_report(session: Session, report_id: int, organisation_id: int) -> InsightFinding | None:
    """One of the organisation's reports; another organisation's is None, like a missing one."""
    finding = session.get(InsightFinding, report_id)
    if finding is None or finding.partner_organisation_id != organisation_id:
        return None
    return finding


def report_attachments(session: Session, finding: InsightFinding) -> list[InsightAttachment]:
    """The files sent with a report (their names and sizes; the content is loaded too)."""
    return list(
        session.scalars(
            sa.select(InsightAttachment)
            .where(InsightAttachment.finding_id == finding.id)
            .order_by(InsightAttachment.id)
        )
    )


def find_attachment(
    session: Session, finding: InsightFinding, attachment_id: int
) -> InsightAttachment | None:
    """One file of the report, or None."""
    attachment = session.get(InsightAttachment, attachment_id)
    if attachment is None or attachment.finding_id != finding.id:
        return None
    return attachment


@dataclass
class Outcome:
    """One decision the report fed into, as the public register shows it."""

    decision: DecisionRecord
    #: how the report was used ("" when the finding was linked without a note).
    outcome: str = ""
    how_used: str = ""


def what_was_done(session: Session, finding: InsightFinding) -> list[Outcome]:
    """The decisions the report fed into, once they are on the public register (a decision
    still being drafted is not shown to a partner): those whose involvement trail lists the
    report, with what was done with it, and the decision the finding itself names."""
    links = session.scalars(
        sa.select(DecisionLink)
        .join(DecisionRecord, DecisionRecord.id == DecisionLink.decision_id)
        .where(DecisionLink.insight_id == finding.id, DecisionRecord.published_at.is_not(None))
        .order_by(DecisionLink.id)
    ).all()
    outcomes = [Outcome(link.decision, link.outcome.label, link.how_used) for link in links]
    named = finding.decision
    shown = {outcome.decision.id for outcome in outcomes}
    if named is not None and named.published_at is not None and named.id not in shown:
        outcomes.append(Outcome(named))
    return outcomes
