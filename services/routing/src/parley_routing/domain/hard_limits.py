"""The hard limits: rules an operator must pass before any preference counts (R1).

Each rule is named as the rule, and says in a few words why an operator breaks it; a candidate's
verdict lists every rule they break, not just the first, so an admin sees the whole picture
("offline; not in channel support").

*Away* operators get no new chats. OTRS turns an agent away when their idle time is reached and
Odoo routes only to operators who are online; an away agent is at the desk less than the others,
so pushing a visitor to them makes the visitor wait. Away operators can still accept a chat
themselves (see :mod:`.pull`): that is a deliberate act, not routing's guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from .operator import Availability, Operator
from .request import RoutingRequest


@dataclass(frozen=True)
class BrokenRule:
    """A rule an operator broke for one request, and why in words."""

    rule: str
    reason: str


class HardLimit(Protocol):
    name: ClassVar[str]

    def broken_by(self, operator: Operator, request: RoutingRequest) -> str | None:
        """The reason ``operator`` breaks the rule for ``request``; None when they pass."""
        ...


class OperatorMustBeOnline:
    name: ClassVar[str] = "OperatorMustBeOnline"

    def broken_by(self, operator: Operator, request: RoutingRequest) -> str | None:
        availability = operator.state.availability
        if availability is Availability.ONLINE:
            return None
        if availability is Availability.AWAY:
            return "away: away operators get no new chats"
        return "offline"


class OperatorMustHaveJoinedTheChannel:
    name: ClassVar[str] = "OperatorMustHaveJoinedTheChannel"

    def broken_by(self, operator: Operator, request: RoutingRequest) -> str | None:
        if request.channel_id in operator.profile.channel_ids:
            return None
        return f"not in channel {request.channel_id}"


class OperatorMustHaveFreeCapacity:
    name: ClassVar[str] = "OperatorMustHaveFreeCapacity"

    def broken_by(self, operator: Operator, request: RoutingRequest) -> str | None:
        if operator.free_capacity > 0:
            return None
        return f"at capacity {operator.load}/{operator.profile.max_chats}"


class OperatorMustNotHaveLetItExpire:
    """An operator who did not answer this conversation in time is not given it again (R3)."""

    name: ClassVar[str] = "OperatorMustNotHaveLetItExpire"

    def broken_by(self, operator: Operator, request: RoutingRequest) -> str | None:
        if operator.agent_id not in request.timed_out_agent_ids:
            return None
        return "did not answer this conversation in time earlier"


HARD_LIMITS: tuple[HardLimit, ...] = (
    OperatorMustBeOnline(),
    OperatorMustHaveJoinedTheChannel(),
    OperatorMustHaveFreeCapacity(),
    OperatorMustNotHaveLetItExpire(),
)
"""Checked for every candidate, in this order."""


def passes_hard_limits(operator: Operator, request: RoutingRequest) -> bool:
    """Whether ``operator`` breaks none of :data:`HARD_LIMITS`: the same answer as an empty
    :func:`broken_limits`, without building reasons (most candidates pass, every decision)."""
    state = operator.state
    return (
        state.availability is Availability.ONLINE
        and request.channel_id in operator.profile.channel_ids
        and operator.profile.max_chats > state.load
        and operator.agent_id not in request.timed_out_agent_ids
    )


def broken_limits(operator: Operator, request: RoutingRequest) -> tuple[BrokenRule, ...]:
    """Every hard limit ``operator`` breaks for ``request``; empty when they may be chosen."""
    broken: list[BrokenRule] = []
    for limit in HARD_LIMITS:
        reason = limit.broken_by(operator, request)
        if reason is not None:
            broken.append(BrokenRule(limit.name, reason))
    return tuple(broken)
