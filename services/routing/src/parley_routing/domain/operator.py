"""Operators as routing sees them: a profile the admin manages and a live state that changes.

The profile says what an operator can do (languages, expertise, country, how many chats at once,
which channels they work); the state says what they are doing now (availability, the
conversations they hold, when they last got one). Both are immutable: every change returns a new
value, so a routing decision can keep the exact operators it judged.

Matching is forgiving where people are sloppy and strict where admins are:

- Languages match on the primary subtag, case-insensitively: a visitor whose browser says
  ``en-GB`` is served by an ``en`` or ``en-US`` operator. Browsers report regions that operators
  rarely list, and a regional variant is close enough for support.
- Countries are ISO 3166-1 alpha-2 codes compared case-insensitively.
- Expertise names are compared case-folded, so ``Billing`` and ``billing`` are one expertise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from functools import cached_property

from parley_contracts.common import OperatorAvailability as Availability

__all__ = ["Availability", "ExpertiseMatch", "Operator", "OperatorProfile", "OperatorState"]


def language_key(tag: str | None) -> str | None:
    """The primary language subtag, lower-cased: ``pt-BR`` -> ``pt``; blank -> None."""
    if tag is None or not tag.strip():
        return None
    return tag.strip().split("-", 1)[0].split("_", 1)[0].casefold()


def country_key(code: str | None) -> str | None:
    if code is None or not code.strip():
        return None
    return code.strip().upper()


def expertise_keys(names: frozenset[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.strip().casefold() for name in names if name.strip())


class ExpertiseMatch(Enum):
    """How much of the requested expertise an operator has."""

    ALL = "all"
    SOME = "some"
    NONE = "none"


@dataclass(frozen=True)
class OperatorProfile:
    """What an operator can do; managed by admins through the gateway's admin API (R1, A4)."""

    agent_id: str
    chat_name: str
    """The name visitors see in the chat."""
    main_language: str | None = None
    extra_languages: frozenset[str] = frozenset()
    expertise: frozenset[str] = frozenset()
    country: str | None = None
    max_chats: int = 3
    """Maximum simultaneous chats (A4): a hard ceiling routing never exceeds."""
    channel_ids: frozenset[str] = frozenset()
    """Channels the operator joined (A2): only these channels route to them."""

    # The normalised keys are computed once per profile: every routing decision compares them
    # for every operator of the channel.
    @cached_property
    def language_keys(self) -> frozenset[str]:
        keys = {language_key(self.main_language), *map(language_key, self.extra_languages)}
        return frozenset(k for k in keys if k is not None)

    @cached_property
    def country_key(self) -> str | None:
        return country_key(self.country)

    @cached_property
    def expertise_keys(self) -> frozenset[str]:
        return expertise_keys(self.expertise)

    def speaks(self, language: str | None) -> bool:
        return language_key(language) in self.language_keys

    def is_from(self, country: str | None) -> bool:
        wanted = country_key(country)
        return wanted is not None and wanted == self.country_key

    def expertise_match(self, requested: frozenset[str]) -> ExpertiseMatch:
        """ALL when every requested expertise is held; an empty request is never matched."""
        return self.match_expertise_keys(expertise_keys(requested))

    def match_expertise_keys(self, wanted: frozenset[str]) -> ExpertiseMatch:
        """:meth:`expertise_match` for requested expertise already normalised."""
        if not wanted:
            return ExpertiseMatch.NONE
        held = wanted & self.expertise_keys
        if held == wanted:
            return ExpertiseMatch.ALL
        return ExpertiseMatch.SOME if held else ExpertiseMatch.NONE


@dataclass(frozen=True)
class OperatorState:
    """What an operator is doing now. Agents start offline (A1)."""

    availability: Availability = Availability.OFFLINE
    active_conversation_ids: frozenset[str] = frozenset()
    """Conversations the operator holds, answered or not: this is their load."""
    online_since: datetime | None = None
    last_assigned_at: datetime | None = None

    # Cached (the state never changes; a change makes a new one): every decision asks them of
    # every operator in the channel, most of whom did not change since the last decision.
    @cached_property
    def load(self) -> int:
        return len(self.active_conversation_ids)

    @cached_property
    def idle_since(self) -> datetime | None:
        """Since when the operator has waited for work: their last assignment, or when they came
        online if that is later (a break resets nothing in their favour). None: never either."""
        online, assigned = self.online_since, self.last_assigned_at
        if online is None or assigned is None:
            return assigned if online is None else online
        return max(online, assigned)


@dataclass(frozen=True)
class Operator:
    """An operator's profile with their live state: the unit routing judges."""

    profile: OperatorProfile
    state: OperatorState = field(default_factory=OperatorState)

    @property
    def agent_id(self) -> str:
        return self.profile.agent_id

    @property
    def load(self) -> int:
        return self.state.load

    @property
    def free_capacity(self) -> int:
        return max(0, self.profile.max_chats - self.state.load)

    def holds(self, conversation_id: str) -> bool:
        return conversation_id in self.state.active_conversation_ids

    def with_conversation(self, conversation_id: str, now: datetime) -> Operator:
        """The operator after being given a conversation at ``now``."""
        state = replace(
            self.state,
            active_conversation_ids=self.state.active_conversation_ids | {conversation_id},
            last_assigned_at=now,
        )
        return replace(self, state=state)

    def without_conversation(self, conversation_id: str) -> Operator:
        """The operator after a conversation ended, was transferred, or expired on them."""
        ids = self.state.active_conversation_ids - {conversation_id}
        return replace(self, state=replace(self.state, active_conversation_ids=ids))

    def with_availability(self, availability: Availability, now: datetime) -> Operator:
        online_since = self.state.online_since
        if availability is Availability.ONLINE and self.state.availability is not availability:
            online_since = now
        elif availability is Availability.OFFLINE:
            online_since = None
        state = replace(self.state, availability=availability, online_since=online_since)
        return replace(self, state=state)
