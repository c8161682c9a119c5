"""Room for more than three incoming messages per AMQP channel, and for more than ten outgoing
messages per connection.

aiormq (under aio-pika and FastStream) hands each channel's incoming frames from the
connection's reader to the channel's reader through a queue of 10 frames. A small message is
three frames (deliver, header, body), so the two readers take turns every three messages, and
each turn waits for a turn of the event loop. On a loop that is busy (a turn of a few
milliseconds) that caps what a consumer receives: routing's replica queue, fed 400 messages a
second, took in about 300 a second with its worker idle half the time, the rest waiting at the
broker behind a full prefetch window, so a backlog once formed never drained.

Going out, every channel of a connection hands its frames to the connection's writer through one
queue, also of 10 entries (a published message is one entry). A publish that finds it full waits
for the writer while holding its channel's lock, so the publishes behind it take the lock one
at a time, one turn of the loop each: routing's bench (200 assignments a second, a turn of
about 7 ms) published about 100 a second, the broker confirmed each at once, and the time from
a publish to its confirm grew to 2.7-4 s within the run (timed inside the process).

aio-pika gives no way to pass aiormq's ``frame_buffer_size`` for the channels it opens, nor the
size of a connection's queue, so this sets both defaults once per process, before any
connection opens. Both queues stay bounded. The incoming one is not very large: a consumer
without acknowledgements still pushes back on the broker through TCP, and one turn of the loop
does not take in hundreds of messages at once.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import aiormq

FRAME_BUFFER = 128
"""Frames each channel holds for its reader: about 40 small messages a handover, and so at most
that much work taken in per turn of the loop (in a test, 600 queued messages reached a busy
consumer in 36 turns, against 368 with aiormq's 10)."""

WRITE_BUFFER = 1024
"""Messages a connection holds for its writer: the writer empties the queue whenever it runs, so
this only has to cover the publishes started in one turn of the loop."""

_WIDENED = "_parley_widened"


def widen_channel_buffers() -> None:
    """Open every later AMQP channel of this process with :data:`FRAME_BUFFER`, and every later
    connection with :data:`WRITE_BUFFER` (idempotent)."""
    aiormq.Connection.FRAME_BUFFER_SIZE = WRITE_BUFFER
    opened: Callable[..., Awaitable[Any]] = aiormq.Connection.channel
    if getattr(opened, _WIDENED, False):
        return

    @functools.wraps(opened)
    async def channel(self: aiormq.Connection, *args: Any, **kwargs: Any) -> Any:
        if len(args) < 3:  # (channel_number, publisher_confirms, frame_buffer_size, ...)
            kwargs.setdefault("frame_buffer_size", FRAME_BUFFER)
        return await opened(self, *args, **kwargs)

    setattr(channel, _WIDENED, True)
    aiormq.Connection.channel = channel  # type: ignore[method-assign]
