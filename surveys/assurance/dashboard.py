"""Everything the assurance dashboard shows for one period, put together for the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from surveys.assurance import figures, guidance_rules, partners, sections
from surveys.assurance.period import Period


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's figures, the guidance rules, recruitment and the registered sections."""

    period: Period
    figures: figures.Assurance
    guidance: guidance_rules.GuidanceFigures
    recruitment: partners.Recruitment
    partner_reach: partners.PartnerReach
    sections: list[sections.AssuranceSection]


def dashboard(session: Session, user: StaffUser, now: datetime, period: Period) -> Dashboard:
    """Every figure for the period, over the places the user may see."""
    return Dashboard(
        period,
        figures.assurance(session, user, now, period),
        guidance_rules.guidance_figures(session, user, period),
        partners.recruitment(session, user, period),
        partners.partner_reach(session, user, period),
        sections.sections(session, user, period),
    )
