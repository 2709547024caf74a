"""The one state machine: declared moves pass, any other move raises and leaves the record as it
was, and the surveys, bulletins and members all move through it with their own messages."""

from enum import StrEnum
from types import SimpleNamespace

import pytest

from mailer.bulletins.models import BULLETIN_STATES, Bulletin, BulletinStatus
from panel.members.models import MEMBER_STATES, Member, MemberStatus
from panel.state_machine import IllegalTransition, StateMachine
from surveys.models import SURVEY_STATES, Survey, SurveyStatus


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


LIGHTS = StateMachine(
    {Light.RED: {Light.GREEN}, Light.GREEN: {Light.AMBER}, Light.AMBER: {Light.RED}},
    lambda current, new: f"{current} cannot turn {new}",
    attribute="colour",
)


def test_a_declared_move_changes_the_state():
    light = SimpleNamespace(colour=Light.RED)
    LIGHTS.move_to(light, Light.GREEN)
    assert light.colour is Light.GREEN
    assert LIGHTS.allows(Light.GREEN, Light.AMBER) and not LIGHTS.allows(Light.GREEN, Light.RED)


def test_an_undeclared_move_raises_and_leaves_the_record_alone():
    light = SimpleNamespace(colour=Light.RED)
    with pytest.raises(IllegalTransition, match="^red cannot turn amber$"):
        LIGHTS.move_to(light, Light.AMBER)
    assert light.colour is Light.RED


def test_an_illegal_move_is_a_value_error():
    assert issubclass(IllegalTransition, ValueError)


def test_surveys_bulletins_and_members_say_why_a_move_is_refused(app):  # app: every model mapped
    survey = Survey(status=SurveyStatus.CLOSED)
    with pytest.raises(IllegalTransition, match="^A survey that is closed cannot become live$"):
        survey.move_to(SurveyStatus.LIVE)
    bulletin = Bulletin(status=BulletinStatus.CANCELLED)
    with pytest.raises(IllegalTransition, match="^A cancelled bulletin cannot become sending$"):
        bulletin.move_to(BulletinStatus.SENDING)
    member = Member(status=MemberStatus.LEFT)
    with pytest.raises(IllegalTransition, match="^A left member cannot become active$"):
        member.move_to(MemberStatus.ACTIVE)
    assert (survey.status, bulletin.status, member.status) == (
        SurveyStatus.CLOSED,
        BulletinStatus.CANCELLED,
        MemberStatus.LEFT,
    )


@pytest.mark.parametrize("machine", [SURVEY_STATES, BULLETIN_STATES, MEMBER_STATES])
def test_every_state_of_a_machine_is_declared(machine):
    states = set(type(next(iter(machine.transitions))))
    assert set(machine.transitions) == states
    assert all(targets <= states for targets in machine.transitions.values())
