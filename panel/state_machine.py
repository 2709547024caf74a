"""Explicit states: the moves a record's status may make, checked in one place.

A model declares its machine as data (from each state, the states it may move to) and moves
only through ``move_to``, which raises IllegalTransition for any other move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Generic, TypeVar

State = TypeVar("State", bound=Enum)


class IllegalTransition(ValueError):
    """The record cannot move from its current state to the one asked for."""


class StateMachine(Generic[State]):
    """The allowed moves between the states of one Enum, with the message an illegal one gives."""

    def __init__(
        self,
        transitions: Mapping[State, Iterable[State]],
        refusal: Callable[[State, State], str],
        attribute: str = "status",
    ):
        self.transitions: dict[State, frozenset[State]] = {
            state: frozenset(targets) for state, targets in transitions.items()
        }
        self.refusal = refusal
        self.attribute = attribute

    def allows(self, current: State, new: State) -> bool:
        """Whether a record in ``current`` may move to ``new``."""
        return new in self.transitions.get(current, frozenset())

    def move_to(self, record, new: State) -> None:
        """Set the record's state to ``new``; raises IllegalTransition (the record unchanged)
        if its current state does not allow that move."""
        current = getattr(record, self.attribute)
        if not self.allows(current, new):
            raise IllegalTransition(self.refusal(current, new))
        setattr(record, self.attribute, new)
