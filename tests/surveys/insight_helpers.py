"""A valid finding for the insight library, with overrides."""

from __future__ import annotations

from datetime import date

from surveys.insights.library import InsightFields


def finding_fields(**overrides) -> InsightFields:
    """A partner report about GP appointments heard ICB-wide, with ``overrides``."""
    values = {
        "title": "Getting a GP appointment",
        "summary": "People phone at 8am and still cannot get through.",
        "source_kind": "partner_report",
        "heard_on": date(2026, 6, 1),
        "owner_name": "Head of Engagement",
        "source_name": "Healthwatch Blackpool",
        "source_url": "https://example.org/healthwatch-gp",
        "topics": ["living_well", "gp"],
        "groups": ["carers"],
        "people_heard": 120,
    }
    return InsightFields(**{**values, **overrides})
