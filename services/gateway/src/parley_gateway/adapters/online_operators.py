"""Which channels have an operator online, per replica (the ``OperatorDirectory`` port).

Fed by the live ``presence`` frames every replica receives, and seeded at startup by asking
routing (``routing.get_operators.v1``) so that a replica that starts late knows who is online.
Only online operators count: away ones do not take new chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

import structlog

from parley_contracts.common import OperatorAvailability
from parley_contracts.routing import GetOperatorsV1, OperatorOverview, OperatorsV1
from parley_platform.messaging.request import QueryClient

from ..application.when_operator_presence_changed_tell_the_agents import PRESENCE_TOPIC
from ..domain.conversation_log import LogEntry
from .live_fanout import LiveSink

log = structlog.get_logger(__name__)


class OnlineOperators:
    def __init__(self) -> None:
        self._channels_of_online: dict[str, frozenset[str]] = {}

    def available_in(self, channel_id: str) -> bool:
        return any(channel_id in channels for channels in self._channels_of_online.values())

    def apply(self, frame: Mapping[str, Any]) -> None:
        agent_id = str(frame["agent_id"])
        if frame.get("availability") == OperatorAvailability.ONLINE:
            self._channels_of_online[agent_id] = frozenset(frame.get("channel_ids") or ())
        else:
            self._channels_of_online.pop(agent_id, None)

    def seed(self, operators: Iterable[OperatorOverview]) -> None:
        for operator in operators:
            if operator.availability is OperatorAvailability.ONLINE:
                channels = frozenset(operator.profile.channel_ids)
                self._channels_of_online[operator.profile.agent_id] = channels

    async def seed_from_routing(
        self, queries: QueryClient, timeout_s: float = 3.0, attempts: int = 3
    ) -> None:
        """Best effort, a few times: routing may be down or not started yet (and the first
        request on a fresh connection has been seen to lose its answer); presence frames fill
        in what this misses."""
        query = GetOperatorsV1().model_dump_json().encode()
        for attempt in range(1, attempts + 1):
            try:
                body = await queries.ask(GetOperatorsV1.TYPE, query, timeout_s)
            except Exception as exc:
                log.warning("operators.seed_failed", attempt=attempt, error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            self.seed(OperatorsV1.model_validate_json(body).operators)
            return


class PresenceFeedingSink:
    """A ``LiveSink`` that feeds presence frames to the directory, then to the sockets."""

    def __init__(self, sink: LiveSink, directory: OnlineOperators) -> None:
        self._sink = sink
        self._directory = directory

    async def on_entry(self, entry: LogEntry) -> None:
        await self._sink.on_entry(entry)

    async def on_signal(self, topic: str, frame: Mapping[str, Any]) -> None:
        if topic == PRESENCE_TOPIC:
            self._directory.apply(frame)
        await self._sink.on_signal(topic, frame)
