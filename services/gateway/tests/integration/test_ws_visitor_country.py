"""The visitor's country (V8): a trusted proxy header first, else the GeoIP database on the
socket's peer address (the tests connect from 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from .geoip_files import write_country_database
from .ws_harness import CHANNEL_ID, ORIGIN, Client, Replica, World, agent, start_chat
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


async def country_the_agent_sees(
    replica: Replica, world: World, headers: dict[str, str] | None = None
) -> Any:
    async with connect(
        f"{replica.url}/ws/visitor?channel={CHANNEL_ID}",
        origin=ORIGIN,  # type: ignore[arg-type]
        additional_headers=headers,
        compression=None,
    ) as socket:
        vis = Client(socket)
        await vis.send(type="hello")
        await vis.recv()
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.agent_token) as (_, welcome):
            [waiting] = [c for c in welcome["waiting"] if c["id"] == conversation_id]
            return waiting["visitor"]["country"]


@pytest.fixture
def loopback_is_swiss(tmp_path: Path) -> str:
    return write_country_database(
        tmp_path / "countries.mmdb", {"127.0.0.0/8": {"country": {"iso_code": "CH"}}}
    )


async def test_the_geoip_database_gives_the_peer_address_country(
    world: World, loopback_is_swiss: str
) -> None:
    replica = await world.replica(geoip_database=loopback_is_swiss)
    assert await country_the_agent_sees(replica, world) == "CH"


async def test_a_trusted_proxy_header_wins_over_the_database(
    world: World, loopback_is_swiss: str
) -> None:
    replica = await world.replica(geoip_database=loopback_is_swiss, country_header="X-Country")
    assert await country_the_agent_sees(replica, world, {"X-Country": "de"}) == "DE"
    # An unknown-country marker from the proxy falls back to the database.
    assert await country_the_agent_sees(replica, world, {"X-Country": "XX"}) == "CH"


async def test_without_header_or_database_the_country_is_unknown(world: World) -> None:
    replica = await world.replica()
    assert await country_the_agent_sees(replica, world) is None
