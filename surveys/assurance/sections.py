"""Figures on the assurance dashboard that come from packages above surveys (bulletin reach):
each is a function f(session, user, period) -> AssuranceSection the composition root
registers, so that surveys need not know bulletins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from panel.auth.models import StaffUser
from surveys.assurance.period import Period


@dataclass(frozen=True)
class AssuranceSection:
    """A partial template and the figures it shows."""

    template: str
    figures: object


#: registered by app/blueprints.py, shown in this order below the dashboard's own figures.
ASSURANCE_SECTIONS: list[Callable[[Session, StaffUser, Period], AssuranceSection]] = []


def sections(session: Session, user: StaffUser, period: Period) -> list[AssuranceSection]:
    """Every registered section for the period, over the places the user may see."""
    return [source(session, user, period) for source in ASSURANCE_SECTIONS]
