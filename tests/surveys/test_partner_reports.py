"""Insight reports sent by partner accounts (issue 24 point 3): checked fields and files, kept
in the insight library for review, audited and announced; each organisation reads only its own
reports and what was done with them."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from panel.audit.models import AuditEvent
from panel.auth.models import Role
from panel.domain_events import LISTENERS
from surveys.decisions.models import (
    BodyKind,
    DecisionLink,
    DecisionRecord,
    DecisionStatus,
    LinkKind,
    LinkOutcome,
)
from surveys.insights import partner_reports
from surveys.insights.models import InsightAttachment, InsightFinding, SourceKind
from tests.factories import make_partner, make_partner_organisation, make_staff, place


def _png() -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 200, 200)).save(output, format="PNG")
    return output.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fields(**overrides) -> partner_reports.ReportFields:
    values = {
        "title": "Waiting for a GP appointment",
        "summary": "Carers told us they phone at 8am and still cannot get through.",
        "groups": ["carers"],
        "place_id": None,
    }
    return partner_reports.ReportFields(**{**values, **overrides})


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _decision(session, now, published=True) -> DecisionRecord:
    decision = DecisionRecord(
        title="Extra phone lines at 8am",
        summary="",
        decided_on=date(2026, 11, 1),
        body_kind=BodyKind.BOARD,
        body_name="ICB Board",
        status=DecisionStatus.MADE,
        owner_name="Director",
        duty_applies=True,
        duty_reason="A change to services",
        published_at=now if published else None,
    )
    session.add(decision)
    session.flush()
    return decision


# --- services, without HTTP -------------------------------------------------------------


def test_a_report_lands_in_the_library_as_a_private_partner_report(session, now):
    organisation = make_partner_organisation(session, "Healthwatch Blackpool", "blackpool")
    partner = make_partner(session, organisation)
    blackpool = place(session, "blackpool")
    report = partner_reports.submit_report(
        session,
        partner,
        _fields(place_id=blackpool.id, attachments=[("notes.pdf", PDF), ("photo.png", PNG)]),
        now,
    )
    assert report.source_kind is SourceKind.PARTNER_REPORT
    assert report.source_name == "Healthwatch Blackpool" and not report.is_public
    assert report.partner_organisation_id == organisation.id and report.place_id == blackpool.id
    assert report.groups == ["carers"]
    files = partner_reports.report_attachments(session, report)
    assert [file.filename for file in files] == ["notes.pdf", "photo.pdf"]
    assert all(file.content.startswith(b"%PDF-") for file in files)
    actions = session.scalars(sa.select(AuditEvent.action)).all()
    assert "insight.partner_report" in actions


def test_a_report_is_announced_to_webhooks(session, now, monkeypatch):
    heard = []
    monkeypatch.setattr(
        "panel.domain_events.LISTENERS", [*LISTENERS, lambda _s, e: heard.append(e)]
    )
    report = partner_reports.submit_report(session, make_partner(session), _fields(), now)
    assert [(event.type.value, event.subject_id) for event in heard] == [
        ("insight_report.received", report.id)
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 10_001}, "summary"),
        ({"groups": ["not-a-group"]}, "groups"),
        ({"place_id": 999999}, "place_id"),
        ({"attachments": [("a.exe", b"MZ\x90\x00")]}, "attachments"),
        ({"attachments": [("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)]}, "attachments"),
        ({"attachments": [("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))]}, "attachments"),
        ({"attachments": [("a.pdf", PDF)] * 4}, "attachments"),
    ],
)
def test_bad_reports_name_the_field_and_save_nothing(session, now, overrides, field):
    partner = make_partner(session)
    with pytest.raises(partner_reports.ReportError) as error:
        partner_reports.submit_report(session, partner, _fields(**overrides), now)
    assert error.value.field == field
    assert _count(session, InsightFinding) == 0 and _count(session, InsightAttachment) == 0


def test_an_organisation_with_a_place_reports_on_that_place_or_the_icb(session, now):
    organisation = make_partner_organisation(session, "Healthwatch Blackpool", "blackpool")
    partner = make_partner(session, organisation)
    cumbria = place(session, "south-cumbria")
    with pytest.raises(partner_reports.ReportError) as error:
        partner_reports.submit_report(session, partner, _fields(place_id=cumbria.id), now)
    assert error.value.field == "place_id"
    assert partner_reports.submit_report(session, partner, _fields(), now).place_id is None


def test_only_a_partner_account_sends_reports(session, now):
    with pytest.raises(partner_reports.ReportError):
        partner_reports.submit_report(session, make_staff(session, Role.COMMS), _fields(), now)


def test_each_organisation_reads_only_its_own_reports(session, now):
    mine, theirs = make_partner(session), make_partner(session)
    report = partner_reports.submit_report(session, mine, _fields(), now)
    other = partner_reports.submit_report(session, theirs, _fields(title="Theirs"), now)
    mine_id = mine.partner_organisation_id
    assert partner_reports.organisation_reports(session, mine_id) == [report]
    assert partner_reports.find_report(session, other.id, mine_id) is None
    assert partner_reports.find_report(session, report.id, mine_id) is report


def test_what_was_done_shows_published_decisions_only(session, now):
    report = partner_reports.submit_report(session, make_partner(session), _fields(), now)
    draft = _decision(session, now, published=False)
    session.add(
        DecisionLink(
            decision_id=draft.id,
            kind=LinkKind.INSIGHT,
            insight_id=report.id,
            people_said="Hard to get through",
            outcome=LinkOutcome.DID,
            how_used="We added lines",
        )
    )
    session.flush()
    assert partner_reports.what_was_done(session, report) == []
    draft.published_at = now
    session.flush()
    [outcome] = partner_reports.what_was_done(session, report)
    assert outcome.decision is draft and outcome.how_used == "We added lines"


# --- pages --------------------------------------------------------------------------------


def test_a_partner_sends_a_report_with_a_file_and_reads_it_back(client, session, login_as):
    partner = login_as(make_partner(session))
    session.commit()
    response = client.post(
        "/staff/partner/reports/new",
        data={
            "title": "Waiting for a GP appointment",
            "summary": "Carers cannot get through at 8am.",
            "groups": ["carers"],
            "place_id": "0",
            "attachments": [(io.BytesIO(PNG), "photo.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text[:2000]
    page = client.get(response.location)
    assert page.status_code == 200 and "photo.pdf" in page.text
    report = session.scalar(sa.select(InsightFinding))
    assert report.partner_organisation_id == partner.partner_organisation_id
    file = session.scalar(sa.select(InsightAttachment))
    download = client.get(f"/staff/partner/reports/{report.id}/files/{file.id}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "Waiting for a GP appointment" in client.get("/staff/partner/reports").text


def test_a_bad_file_is_a_400_next_to_the_field_keeping_the_text(client, session, login_as):
    login_as(make_partner(session))
    session.commit()
    response = client.post(
        "/staff/partner/reports/new",
        data={
            "title": "Kept title",
            "summary": "Kept summary",
            "place_id": "0",
            "attachments": [(io.BytesIO(b"MZ\x90\x00 not a pdf"), "tool.exe")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "attach PDF, PNG or JPEG files only" in response.text
    assert 'value="Kept title"' in response.text and "Kept summary" in response.text
    assert _count(session, InsightFinding) == 0


def test_another_organisation_s_report_and_file_are_404(client, session, login_as, now):
    theirs = make_partner(session)
    other = partner_reports.submit_report(
        session, theirs, _fields(attachments=[("a.pdf", PDF)]), now
    )
    file = session.scalar(sa.select(InsightAttachment))
    login_as(make_partner(session))
    session.commit()
    assert client.get(f"/staff/partner/reports/{other.id}").status_code == 404
    assert client.get(f"/staff/partner/reports/{other.id}/files/{file.id}.pdf").status_code == 404
    assert "Waiting for a GP" not in client.get("/staff/partner/reports").text


def test_comms_read_the_report_in_the_library_and_its_file_download_is_audited(
    client, session, login_as, now
):
    report = partner_reports.submit_report(
        session, make_partner(session), _fields(attachments=[("a.pdf", PDF)]), now
    )
    file = session.scalar(sa.select(InsightAttachment))
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    page = client.get(f"/staff/insights/{report.id}")
    assert page.status_code == 200 and "a.pdf" in page.text
    download = client.get(f"/staff/insights/{report.id}/files/{file.id}.pdf")
    assert download.status_code == 200
    session.expire_all()
    assert "insight.file_download" in session.scalars(sa.select(AuditEvent.action)).all()


def test_a_partner_sees_what_was_done_once_the_decision_is_public(client, session, login_as, now):
    partner = login_as(make_partner(session))
    report = partner_reports.submit_report(session, partner, _fields(), now)
    decision = _decision(session, now)
    report.decision_id = decision.id
    session.commit()
    page = client.get(f"/staff/partner/reports/{report.id}")
    assert "Extra phone lines at 8am" in page.text
