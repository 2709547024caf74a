"""Demo segments, so the builder and dashboard have something real to show (demo only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import Place
from panel.segments.models import Segment


def create_demo_segments(session: Session, now: datetime) -> None:
    """Add example segments for the demo site, once."""
    if session.scalar(sa.select(Segment.id).limit(1)) is not None:
        return
    blackpool = session.scalar(sa.select(Place).where(Place.code == "blackpool"))
    session.add_all(
        [
            Segment(
                name="Carers and people interested in maternity",
                place=blackpool,
                description="For the Blackpool maternity listening event",
                created_at=now,
                updated_at=now,
                definition={
                    "type": "group",
                    "op": "or",
                    "negate": False,
                    "items": [
                        {
                            "type": "condition",
                            "field": "carer",
                            "negate": False,
                            "values": ["yes_under_20", "yes_20_49", "yes_50_plus"],
                        },
                        {
                            "type": "condition",
                            "field": "topics",
                            "negate": False,
                            "values": ["maternity", "starting_well"],
                        },
                    ],
                },
            ),
            Segment(
                name="Younger adults across the ICB",
                description="People aged 16 to 34",
                created_at=now,
                updated_at=now,
                definition={
                    "type": "group",
                    "op": "and",
                    "negate": False,
                    "items": [
                        {
                            "type": "condition",
                            "field": "age_band",
                            "negate": False,
                            "values": ["16-24", "25-34"],
                        }
                    ],
                },
            ),
        ]
    )
    session.flush()
