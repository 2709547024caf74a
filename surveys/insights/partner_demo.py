"""Demo work of the demo partner organisation: its sign-up link and one report, made once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.auth.models import Role, StaffUser
from panel.members.models import RecruitmentSource
from surveys.engagement_events.demo import demo_receipt
from surveys.insights import partner_reports
from surveys.insights.models import InsightFinding


def create_demo_partner_work(session: Session, now: datetime) -> None:
    """Give the demo partner organisation the sign-up link of the same name and send one
    report from its demo account (nothing is made twice)."""
    partner = session.scalar(
        sa.select(StaffUser).where(StaffUser.role == Role.PARTNER, StaffUser.email.like("%@demo.%"))
    )
    if partner is None or partner.partner_organisation is None:
        return
    organisation = partner.partner_organisation
    source = session.scalar(
        sa.select(RecruitmentSource).where(RecruitmentSource.name == organisation.name)
    )
    if source is not None and source.partner_organisation_id is None:
        source.partner_organisation_id = organisation.id
    if session.scalar(
        sa.select(InsightFinding.id).where(
            InsightFinding.partner_organisation_id == organisation.id
        )
    ):
        return
    partner_reports.submit_report(
        session,
        partner,
        partner_reports.ReportFields(
            title="Carers and evening GP appointments",
            summary=(
                "At our carers' coffee mornings in November, carers told us they cannot use "
                "the 8am phone line because of caring duties, and would use evening slots."
            ),
            groups=["carers"],
            place_id=organisation.place_id,
            attachments=[("coffee-morning-notes.pdf", demo_receipt("Coffee morning notes"))],
        ),
        now,
    )
    session.flush()
