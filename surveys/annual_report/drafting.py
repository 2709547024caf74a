"""The section's text: generated from the year's figures as Markdown, kept as an editable draft
per financial year with the figures it came from, and compared with the figures as they are now
(so staff are warned when the register changed after the draft was written)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from panel.auth.models import StaffUser
from panel.field_errors import FieldError
from surveys.annual_report.figures import AnnualFigures, FinancialYear, as_record, fingerprint
from surveys.annual_report.models import AnnualReportDraft

#: the longest draft kept (about forty pages).
MAX_DRAFT = 100_000
#: (kind, id) -> the public address of a decision ("decision"), a survey's "You said, we did"
#: page ("results") or the public register ("register", id 0).
LinkFor = Callable[[str, int], str]
#: what could make user text a link, emphasis or code: escaped (text is always mid-line).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")

#: the figures compared between a draft and now, with what the page calls them.
COMPARED = {
    "decisions_made": "Decisions made",
    "decisions_with_involvement": "Decisions with involvement evidence",
    "decisions_duty_applied": "Decisions to which the duty to involve applied",
    "duty_applied_without_involvement": "Of those, decisions without recorded involvement",
    "decisions_published": "Decisions on the public register",
    "surveys_run": "Surveys run",
    "events_run": "Events and focus groups",
    "survey_responses": "Completed survey responses",
    "people_at_events": "People at events and focus groups",
    "partner_reports": "Partner reports",
    "results_published": "Survey results published",
}


class DraftError(FieldError):
    """The draft cannot be saved; the message says why."""

    field = "body"


def _text(value: str) -> str:
    """User-written text made literal in Markdown (no links, emphasis or headings of its own)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((value or "").split()))


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "not applicable: none were made"


def _decisions(f: AnnualFigures, link_for: LinkFor) -> list[str]:
    if not f.decisions_made:
        return [
            f"No decision made in {f.year_label} is recorded in the decisions register.",
        ]
    return [
        f"In {f.year_label} the Board, its committees, place-based partnership boards and "
        f"programmes made {_plural(f.decisions_made, 'decision')} recorded in our decisions "
        f"register. {f.decisions_with_involvement:,} of them "
        f"({_share(f.decisions_with_involvement, f.decisions_made)}) were informed by public "
        "involvement recorded with the decision: what people said and how it was used.",
        "",
        f"The duty to involve the public applied to {f.decisions_duty_applied:,} of these "
        f"decisions. {f.duty_applied_without_involvement:,} of those had no recorded "
        "involvement; the register records why for each.",
        "",
        f"{f.decisions_published:,} of the decisions are on our "
        f"[public decisions register]({link_for('register', 0)}), each with the involvement "
        "behind it.",
    ]


def _exercises(f: AnnualFigures) -> list[str]:
    lines = [
        f"We ran {_plural(f.exercises, 'engagement exercise')}: {_plural(f.surveys_run, 'survey')} "
        f"and {_plural(f.events_run, 'event or focus group', 'events and focus groups')}.",
    ]
    if f.by_level:
        lines += ["", "By level of involvement:", ""]
        lines += [f"- {label}: {count:,}" for label, count in f.by_level]
    if f.by_place:
        lines += ["", "By place:", ""]
        lines += [f"- {_text(label)}: {count:,}" for label, count in f.by_place]
    lines += [
        "",
        f"We also drew on {_plural(f.partner_reports, 'report')} from partners such as "
        "Healthwatch and voluntary, community and faith organisations.",
    ]
    return lines


def _heard(f: AnnualFigures) -> list[str]:
    unknown = (
        f" ({_plural(f.events_without_numbers, 'event or focus group', 'events or focus groups')}"
        " did not record how many people took part)"
        if f.events_without_numbers
        else ""
    )
    return [
        f"We received {_plural(f.survey_responses, 'completed survey response')} and heard from "
        f"{_plural(f.people_at_events, 'person', 'people')} at events and focus groups{unknown}. "
        "Someone who took part more than once is counted each time.",
        "",
        f"We published the results of {_plural(f.results_published, 'survey')} with what we did "
        'about them ("You said, we did").',
    ]


def _changes(f: AnnualFigures, link_for: LinkFor) -> list[str]:
    if not f.examples:
        return [
            f"No decision made in {f.year_label} and on the public register records a change "
            "made because of what people told us yet."
        ]
    lines = ["Some of the decisions that changed because of what people told us:", ""]
    for example in f.examples:
        results = (
            f" [You said, we did]({link_for('results', example.survey_id)})."
            if example.survey_id
            else ""
        )
        lines.append(
            f"- [{_text(example.decision_title)}]({link_for('decision', example.decision_id)}) "
            f"({example.decided_on}). {_text(example.involvement)}: people told us "
            f"\u201c{_text(example.people_said)}\u201d We did: {_text(example.we_did)}{results}"
        )
    return lines


def generate_text(figures: AnnualFigures, link_for: LinkFor) -> str:
    """The section as Markdown, every figure from ``figures``."""
    f = figures
    lines = [
        f"## How we involved the public in {f.year_label}",
        "",
        "Section 14Z58 of the NHS Act 2006 asks us to explain in this report how we met our "
        "duty to involve the public in commissioning (section 14Z45). This section covers "
        f"1 April {f.start[:4]} to 31 March {f.end[:4]}; its figures are counted from our "
        "decisions register, survey results and insight library.",
        "",
        "### Decisions and the involvement behind them",
        "",
        *_decisions(f, link_for),
        "",
        "### How we involved people",
        "",
        *_exercises(f),
        "",
        "### Who we heard from",
        "",
        *_heard(f),
        "",
        "### What changed because of what people told us",
        "",
        *_changes(f, link_for),
    ]
    return "\n".join(lines) + "\n"


def draft_for(session: Session, year: FinancialYear) -> AnnualReportDraft | None:
    """The year's saved draft, if any."""
    return session.scalar(
        sa.select(AnnualReportDraft).where(AnnualReportDraft.year_start == year.start_year)
    )


def generate_draft(
    session: Session,
    user: StaffUser,
    year: FinancialYear,
    figures: AnnualFigures,
    link_for: LinkFor,
    now: datetime,
) -> AnnualReportDraft:
    """Write the year's draft afresh from ``figures`` (replacing any earlier text)."""
    draft = draft_for(session, year)
    if draft is None:
        draft = AnnualReportDraft(year_start=year.start_year)
        session.add(draft)
    draft.body = generate_text(figures, link_for)
    draft.figures = as_record(figures)
    draft.fingerprint = fingerprint(figures)
    draft.generated_at = draft.updated_at = now
    draft.updated_by_id = user.id
    session.flush()
    record_audit(
        session, user, "annual_report.generate", "annual_report", [year.start_year], now=now
    )
    return draft


def save_draft(
    session: Session, user: StaffUser, year: FinancialYear, body: str, now: datetime
) -> AnnualReportDraft:
    """Keep staff's edits to the year's draft; raises DraftError for an empty or overlong text
    or when no draft was generated yet."""
    draft = draft_for(session, year)
    if draft is None:
        raise DraftError("Generate the draft from the register before saving changes to it")
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise DraftError("Enter the section's text, or generate it again from the register")
    if len(body) > MAX_DRAFT:
        raise DraftError(f"Enter {MAX_DRAFT:,} characters or fewer")
    draft.body = body
    draft.updated_at = now
    draft.updated_by_id = user.id
    record_audit(session, user, "annual_report.edit", "annual_report", [year.start_year], now=now)
    return draft


def changed_figures(draft: AnnualReportDraft, figures: AnnualFigures) -> list[tuple[str, int, int]]:
    """(name, in the draft, now) of each compared figure that changed since the draft was
    generated; examples changing show as their number only if that changed too."""
    now_record = as_record(figures)
    changes = [
        (label, draft.figures.get(key), now_record[key])
        for key, label in COMPARED.items()
        if draft.figures.get(key) != now_record[key]
    ]
    return changes


def is_stale(draft: AnnualReportDraft, figures: AnnualFigures) -> bool:
    """Whether anything the draft was generated from (figures or examples) has changed since."""
    return draft.fingerprint != fingerprint(figures)
