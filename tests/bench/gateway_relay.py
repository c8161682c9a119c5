"""The floor under the gateway's latency: a bare ``websockets`` relay in one process.

    python tests/bench/gateway_relay.py PORT

A socket connecting to ``/agent/<room>`` receives every frame sent by the sockets connected to
``/visitor/<room>``, byte for byte: no parsing, no storage, no broker. Like the gateway (uvicorn
as the platform runs it) it declines permessage-deflate. It prints ``ready`` once
it listens on 127.0.0.1 and runs until SIGTERM. Self-contained (websockets and uvloop only), so
that it starts as fast as a Python process can.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from websockets.asyncio.server import ServerConnection, serve

agents: dict[str, ServerConnection] = {}


async def handle(socket: ServerConnection) -> None:
    _, role, room = (socket.request.path if socket.request else "//").split("/", 2)
    if role == "agent":
        agents[room] = socket
        await socket.wait_closed()
        agents.pop(room, None)
        return
    async for frame in socket:
        agent = agents.get(room)
        if agent is not None:
            await agent.send(frame)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(handle, "127.0.0.1", port, compression=None, ping_interval=None):
        print("ready", flush=True)
        await stop


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        asyncio.run(main(int(sys.argv[1])))
    else:
        uvloop.run(main(int(sys.argv[1])))
