"""The ``EventSender`` port over the service's publisher: wraps a message in its CloudEvent."""

from __future__ import annotations

from parley_contracts.base import Message
from parley_contracts.envelope import CloudEvent
from parley_platform.messaging.publisher import EventPublisher


class BrokerSender:
    def __init__(self, publisher: EventPublisher, source: str) -> None:
        self._publisher = publisher
        self._source = source

    async def send(self, message: Message) -> None:
        await self._publisher.publish(CloudEvent.wrap(message, source=self._source))
