"""Use case: tell routing what an agent's sockets and hands do (A1).

Routing owns presence: it turns these signals into online / away / offline with its timers and
answers with ``operator.presence_changed.v1``. Signals are advisory and published directly (not
through the outbox): losing one to a broker outage costs at most a stale availability, which the
next signal or routing's inactivity timer corrects, while an outbox write per click would cost a
database write on the hot path. Activity is sent at most once per ``activity_every_s`` per agent
and replica.
"""

from __future__ import annotations

import structlog

from parley_contracts.common import OperatorAvailability
from parley_contracts.gateway import OperatorSignal, OperatorSignalledV1

from ..domain.identity import Account
from .conversation_ports import Clock, EventSender

log = structlog.get_logger(__name__)


class SignalOperator:
    def __init__(
        self, sender: EventSender | None, clock: Clock, activity_every_s: float = 60.0
    ) -> None:
        self._sender = sender
        self._clock = clock
        self._activity_every_s = activity_every_s
        self._last_activity: dict[str, float] = {}

    async def connected(self, account: Account, connection_id: str) -> None:
        await self._signal(account, OperatorSignal.CONNECTED, connection_id=connection_id)

    async def disconnected(self, account: Account, connection_id: str) -> None:
        self._last_activity.pop(account.id, None)
        await self._signal(account, OperatorSignal.DISCONNECTED, connection_id=connection_id)

    async def active(self, account: Account) -> None:
        """The agent did something; sent when the last one sent is old enough."""
        now = self._clock.now().timestamp()
        last = self._last_activity.get(account.id)
        if last is not None and now - last < self._activity_every_s:
            return
        self._last_activity[account.id] = now
        await self._signal(account, OperatorSignal.ACTIVE)

    async def choose(self, account: Account, availability: OperatorAvailability) -> None:
        """The agent's explicit choice; it also counts as activity."""
        self._last_activity[account.id] = self._clock.now().timestamp()
        await self._signal(account, OperatorSignal.CHOSE_AVAILABILITY, availability=availability)

    async def signed_out(self, account: Account) -> None:
        await self._signal(account, OperatorSignal.SIGNED_OUT)

    async def _signal(
        self,
        account: Account,
        signal: OperatorSignal,
        *,
        availability: OperatorAvailability | None = None,
        connection_id: str | None = None,
    ) -> None:
        message = OperatorSignalledV1(
            agent_id=account.id,
            display_name=account.display_name,
            signal=signal,
            at=self._clock.now(),
            availability=availability,
            connection_id=connection_id,
        )
        if self._sender is None:
            log.info("operator.signal_skipped", agent_id=account.id, signal=str(signal))
            return
        try:
            await self._sender.send(message)
        except Exception as exc:  # advisory: see the module docstring
            log.warning(
                "operator.signal_failed", agent_id=account.id, signal=str(signal), error=repr(exc)
            )
