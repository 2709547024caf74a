"""Who was invited, the open links partners carry, and each response with its answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.database import Base, enum_type, utcnow
from panel.i18n import N_


class Invitation(Base):
    """One member invited to one survey (by email, or through a bulletin's personal link)."""

    __tablename__ = "survey_invitations"
    __table_args__ = (sa.UniqueConstraint("survey_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    #: null once the member has been erased (the row stays as an anonymous count).
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    #: the member's place when invited, for response rates by place.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "email" (queued by the invitation job) or "bulletin" (a personal link in a bulletin).
    channel: Mapped[str] = mapped_column(sa.String(10), default="email")
    emailed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Invitation survey={self.survey_id} member={self.member_id}>"


class OpenLink(Base):
    """A public link for partners and events, tagged with where it is shared."""

    __tablename__ = "survey_open_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    #: e.g. "Healthwatch Lancashire", "Blackburn community event".
    source: Mapped[str] = mapped_column(sa.String(120))
    #: the random part of the link (not secret: it is printed on posters).
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<OpenLink {self.source}>"


class ResponseStatus(StrEnum):
    """Whether a response is still being filled in or was sent."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    #: sent, but by a member later merged with another record of the same person who also
    #: answered: kept, not counted (each survey counts once per person; undoing the merge
    #: makes it SUBMITTED again).
    DUPLICATE = "duplicate"


class ResponseChannel(StrEnum):
    """How a response reached the panel: answered online, or entered by staff from a paper
    copy, a phone call or an event (partner: entered by a partner organisation)."""

    ONLINE = "online"
    PAPER = "paper"
    PHONE = "phone"
    EVENT = "event"
    PARTNER = "partner"


#: the channels' names as the results pages show them, in the order they are listed (marked for
#: translation: the public results page shows them in the reader's language).
CHANNEL_LABELS = {
    ResponseChannel.ONLINE: N_("Online"),
    ResponseChannel.PAPER: N_("Paper copy"),
    ResponseChannel.PHONE: N_("Phone"),
    ResponseChannel.EVENT: N_("At an event"),
    ResponseChannel.PARTNER: N_("Through a partner"),
}


class SurveyResponse(Base):
    """One person's answers to one survey, saved page by page."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.Index("ix_survey_responses_survey_status", "survey_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    #: a personal link's response; unique, so one link can only ever make one response.
    #: Cut at close for anonymous surveys, so answers no longer lead to a person.
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True
    )
    open_link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_open_links.id", ondelete="SET NULL"), index=True
    )
    #: sha256 of an open-link respondent's own resume token (personal links need none).
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    status: Mapped[ResponseStatus] = mapped_column(
        enum_type(ResponseStatus),
        default=ResponseStatus.IN_PROGRESS,
    )
    #: furthest page reached (1-based), for drop-off by page.
    furthest_page: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    #: copied at submit time so results do not move when a profile is edited or erased.
    source: Mapped[str] = mapped_column(sa.String(120), default="")
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("neighbourhoods.id", ondelete="SET NULL")
    )
    age_band: Mapped[str] = mapped_column(sa.String(20), default="")
    #: the member's equality answers at submit time (only those given with consent). JSONB on
    #: PostgreSQL: results filter and group by these fields across every response, and JSONB
    #: reads a field without parsing the whole text again.
    equality: Mapped[dict] = mapped_column(
        sa.JSON().with_variant(JSONB(), "postgresql"), default=dict
    )
    #: a sent response's answers packed for counting (surveys.answer_codes), written with them.
    answer_codes: Mapped[str | None] = mapped_column(sa.Text)
    #: how the answers came in; anything but online was entered by someone (ResponseEntry).
    channel: Mapped[ResponseChannel] = mapped_column(
        enum_type(ResponseChannel), default=ResponseChannel.ONLINE, server_default="online"
    )

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    invitation = relationship("Invitation")
    open_link = relationship("OpenLink")

    def __repr__(self) -> str:
        return f"<SurveyResponse {self.id} {self.status}>"


class Answer(Base):
    """One question's answer: text, a choice, or several choices (a JSON list)."""

    __tablename__ = "survey_answers"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE")
    )
    question_key: Mapped[str] = mapped_column(sa.String(60))
    #: the chosen option(s) or the text; choices as a JSON list.
    value: Mapped[list | str | None] = mapped_column(sa.JSON)
    other_text: Mapped[str] = mapped_column(sa.Text, default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<Answer {self.question_key}>"


class PaperCopy(Base):
    """One printed copy of a survey, known by the unique reference printed on it, so that its
    answers can be entered once only."""

    __tablename__ = "survey_paper_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    #: eight characters without the separator, the last a check character (fieldwork.paper).
    reference: Mapped[str] = mapped_column(sa.String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<PaperCopy {self.reference}>"


class ResponseEntry(Base):
    """Who entered a response gathered on paper, by phone or at an event, and when. A paper
    copy's entry is unique, so the same copy can never be entered twice (even at once)."""

    __tablename__ = "survey_response_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), unique=True
    )
    #: the staff user who entered it (null once their account is deleted).
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    paper_copy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_paper_copies.id", ondelete="CASCADE"), unique=True
    )

    response = relationship("SurveyResponse")
    entered_by = relationship("StaffUser")
    paper_copy = relationship("PaperCopy")

    def __repr__(self) -> str:
        return f"<ResponseEntry response={self.response_id}>"
