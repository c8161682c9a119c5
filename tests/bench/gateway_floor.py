"""The floor: the same visitor -> agent traffic through a bare ``websockets`` relay process.

The relay (``gateway_relay.py``) runs as its own process, as each gateway replica does, and the
clients are the same as in the gateway measurement: ``lanes`` visitor sockets, each sending the
gateway's ``message`` frame, spread over ``agents`` agent sockets that receive them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from parley_devservers.ports import free_port

from .gateway_load import Lane, Receivers, message_number, message_text

RELAY = Path(__file__).with_name("gateway_relay.py")


def frame_number(frame: str | bytes) -> int | None:
    """The bench number of a relayed visitor ``message`` frame."""
    body = json.loads(frame)
    text = body.get("text") if isinstance(body, dict) else None
    return message_number(text) if isinstance(text, str) else None


@dataclass
class RelayFloor:
    """A relay process with its visitor and agent sockets."""

    process: asyncio.subprocess.Process
    port: int
    receivers: Receivers = field(default_factory=lambda: Receivers(frame_number))
    sockets: list[ClientConnection] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    async def connect(self, lanes: int, agents: int) -> None:
        for agent in range(agents):
            socket = await connect(self.url(f"/agent/{agent}"), ping_interval=None)
            self.sockets.append(socket)
            self.receivers.attach(socket)
        for lane in range(lanes):
            socket = await connect(self.url(f"/visitor/{lane % agents}"), ping_interval=None)
            self.sockets.append(socket)
            self.lanes.append(_lane(socket, f"relay-{lane}"))

    async def close(self) -> None:
        await self.receivers.stop()
        for socket in self.sockets:
            with contextlib.suppress(Exception):
                await socket.close()
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def _lane(socket: ClientConnection, conversation_id: str) -> Lane:
    async def send(number: int) -> None:
        frame = {
            "type": "message",
            "conversation_id": conversation_id,
            "client_message_id": f"b{number}",
            "text": message_text(number),
        }
        await socket.send(json.dumps(frame))

    return send


async def start_relay(timeout_s: float = 10.0) -> RelayFloor:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(RELAY), str(port), stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout_s)
    if line.strip() != b"ready":
        process.kill()
        raise RuntimeError(f"relay did not start: {line!r}")
    return RelayFloor(process, port)
