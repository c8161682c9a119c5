"""A routing request: one waiting conversation and what its visitor needs.

It comes from ``conversation.requested.v1`` (a visitor asks for an operator) or from
``chatbot.handoff_requested.v1`` (a chatbot step forwards the visitor, R2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from .operator import country_key, expertise_keys, language_key


@dataclass(frozen=True)
class RoutingRequest:
    """A conversation waiting for an operator."""

    conversation_id: str
    channel_id: str
    requested_at: datetime
    """When the visitor first asked; a reassignment keeps it, so the visitor keeps their place."""
    language: str | None = None
    """The language the operator should speak (the hand-off's, else the visitor's)."""
    country: str | None = None
    expertise: frozenset[str] = frozenset()
    previous_agent_id: str | None = None
    """The operator this returning visitor last chatted with on the channel."""
    from_handoff: bool = False
    """A chatbot forwarded the visitor: when nobody can take it, the script continues (R2)."""
    fallback_to_any: bool = True
    """False: only operators with some of the requested expertise may get it."""
    timed_out_agent_ids: frozenset[str] = frozenset()
    """Operators who were assigned this conversation and did not answer in time (R3)."""

    @cached_property
    def expertise_keys(self) -> frozenset[str]:
        return expertise_keys(self.expertise)

    @cached_property
    def language_key(self) -> str | None:
        return language_key(self.language)

    @cached_property
    def country_key(self) -> str | None:
        return country_key(self.country)

    @property
    def wants_expertise(self) -> bool:
        return bool(self.expertise_keys)

    @property
    def needs_expertise(self) -> bool:
        """Only operators with some of the requested expertise qualify (no fallback)."""
        return self.wants_expertise and not self.fallback_to_any

    def after_timeout(self, agent_id: str) -> RoutingRequest:
        """The request once ``agent_id`` let it expire: it is never assigned to them again."""
        return replace(self, timed_out_agent_ids=self.timed_out_agent_ids | {agent_id})
