"""What staff see during fieldwork: responses, completion, drop-off by page, and response rates
per place and per source against the numbers invited (SQL aggregation)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.places.models import Place
from surveys.fieldwork.models import Invitation, ResponseStatus, SurveyResponse
from surveys.models import Survey

SUBMITTED = ResponseStatus.SUBMITTED


@dataclass
class RateRow:
    """Invited, started and submitted for one place or source."""

    name: str
    invited: int | None
    started: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass
class Fieldwork:
    """A survey's fieldwork figures: invited, emailed, started, submitted and rates."""

    invited: int
    emailed: int
    started: int
    submitted: int
    by_page: list[tuple[int, int, int]]  # page number, reached, stopped there (in progress)
    by_place: list[RateRow]
    by_source: list[RateRow]

    @property
    def completion(self) -> float | None:
        return self.submitted / self.started if self.started else None

    @property
    def response_rate(self) -> float | None:
        return None if not self.invited else self.by_source_personal / self.invited

    @property
    def by_source_personal(self) -> int:
        return sum(r.submitted for r in self.by_source if r.invited is not None)


def fieldwork(session: Session, survey: Survey) -> Fieldwork:
    """The survey's fieldwork figures."""
    is_submitted = sa.case((SurveyResponse.status == SUBMITTED, 1), else_=0)
    invited, emailed = session.execute(
        sa.select(sa.func.count(Invitation.id), sa.func.count(Invitation.emailed_at)).where(
            Invitation.survey_id == survey.id
        )
    ).one()
    started, submitted = session.execute(
        sa.select(
            sa.func.count(SurveyResponse.id), sa.func.coalesce(sa.func.sum(is_submitted), 0)
        ).where(SurveyResponse.survey_id == survey.id)
    ).one()
    reached = dict(
        session.execute(
            sa.select(SurveyResponse.furthest_page, sa.func.count())
            .where(SurveyResponse.survey_id == survey.id)
            .group_by(SurveyResponse.furthest_page)
        ).all()
    )
    stopped = dict(
        session.execute(
            sa.select(SurveyResponse.furthest_page, sa.func.count())
            .where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.status == ResponseStatus.IN_PROGRESS,
            )
            .group_by(SurveyResponse.furthest_page)
        ).all()
    )
    pages = len(survey.pages)
    by_page = [
        (n, sum(count for page, count in reached.items() if page >= n), stopped.get(n, 0))
        for n in range(1, pages + 1)
    ]
    # Place: the invitation's place for the invited; the response's copy for the answers.
    invited_by_place = dict(
        session.execute(
            sa.select(Invitation.place_id, sa.func.count())
            .where(Invitation.survey_id == survey.id)
            .group_by(Invitation.place_id)
        ).all()
    )
    answered_by_place = {
        place_id: (started_n, submitted_n)
        for place_id, started_n, submitted_n in session.execute(
            sa.select(
                sa.func.coalesce(SurveyResponse.place_id, Invitation.place_id),
                sa.func.count(SurveyResponse.id),
                sa.func.sum(is_submitted),
            )
            .outerjoin(Invitation, Invitation.id == SurveyResponse.invitation_id)
            .where(SurveyResponse.survey_id == survey.id)
            .group_by(sa.func.coalesce(SurveyResponse.place_id, Invitation.place_id))
        )
    }
    names = dict(session.execute(sa.select(Place.id, Place.name)).all())
    place_ids = sorted(
        set(invited_by_place) | set(answered_by_place), key=lambda i: names.get(i, "~")
    )
    by_place = [
        RateRow(
            names.get(place_id, "Not known (open links)"),
            invited_by_place.get(place_id),
            *(int(n or 0) for n in answered_by_place.get(place_id, (0, 0))),
        )
        for place_id in place_ids
    ]
    by_source = [
        RateRow(
            source or "Personal invitation",
            invited if source == "Personal invitation" else None,
            int(started_n),
            int(submitted_n or 0),
        )
        for source, started_n, submitted_n in session.execute(
            sa.select(SurveyResponse.source, sa.func.count(), sa.func.sum(is_submitted))
            .where(SurveyResponse.survey_id == survey.id)
            .group_by(SurveyResponse.source)
            .order_by(SurveyResponse.source)
        )
    ]
    return Fieldwork(invited, emailed, started, int(submitted), by_page, by_place, by_source)
