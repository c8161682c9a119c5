"""Pull-mode offers (R1 pull): routing offers a waiting conversation, the first accept wins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import ConversationOfferedV1
from parley_gateway.application.conversation_use_cases import ConversationUseCases
from parley_gateway.domain.conversation import Lifecycle
from parley_gateway.domain.errors import AlreadyTaken, NotFound

from .fakes import ADA, BOB, CARL, DORA, VERA, World, world

pytestmark = pytest.mark.unit


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def cases(w: World) -> ConversationUseCases:
    return ConversationUseCases.build(w.deps)


def offered(conversation_id: str, *agent_ids: str) -> CloudEvent[ConversationOfferedV1]:
    return CloudEvent.wrap(
        ConversationOfferedV1(
            conversation_id=conversation_id,
            channel_id="ch_support",
            agent_ids=agent_ids,
            offered_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        ),
        source="/parley/routing",
    )


async def test_each_offered_agent_is_shown_the_conversation(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    await cases.when_conversation_offered(offered(conversation_id, "agt_ada", "agt_bob"))
    for agent_id in ("agt_ada", "agt_bob"):
        [frame] = w.fanout.frames_for(f"agent.{agent_id}")
        shown = frame["conversation"]
        assert (frame["type"], shown["id"], shown["lifecycle"]) == (
            "conversation",
            conversation_id,
            "requested",
        )
        assert shown["offered_to"] == ["agt_ada", "agt_bob"]
    assert [c.id for c in await w.snapshots.offered_to_agent("agt_bob")] == [conversation_id]


async def test_a_second_offer_adds_its_agents_to_the_first(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    await cases.when_conversation_offered(offered(conversation_id, "agt_ada"))
    await cases.when_conversation_offered(offered(conversation_id, "agt_bob", "agt_ada"))
    snapshot = await w.snapshots.get(conversation_id)
    assert snapshot is not None and snapshot.offered_to == ("agt_ada", "agt_bob")


async def test_first_accept_wins_among_the_offered_agents(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    await cases.when_conversation_offered(offered(conversation_id, "agt_ada", "agt_bob"))
    await cases.accept_offered_conversation(BOB, conversation_id)
    with pytest.raises(AlreadyTaken):
        await cases.accept_offered_conversation(ADA, conversation_id)
    snapshot = await w.snapshots.get(conversation_id)
    assert snapshot is not None and snapshot.assigned_to == "agt_bob"
    # The loser's console learns it is gone.
    assert w.fanout.frames_for("agent.agt_ada")[-1]["conversation"]["lifecycle"] == "active"


async def test_an_offered_agent_outside_the_channel_may_accept(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    with pytest.raises(NotFound):
        await cases.accept_offered_conversation(CARL, conversation_id)  # sales, not support
    await cases.when_conversation_offered(offered(conversation_id, "agt_carl"))
    accepted = await cases.accept_offered_conversation(CARL, conversation_id)
    assert accepted.lifecycle is Lifecycle.ACTIVE and accepted.assigned_to == "agt_carl"


async def test_an_agent_of_the_channel_not_offered_may_still_accept_from_the_waiting_list(
    cases: ConversationUseCases,
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    await cases.when_conversation_offered(offered(conversation_id, "agt_ada"))
    accepted = await cases.accept_offered_conversation(DORA, conversation_id)
    assert accepted.assigned_to == "agt_dora"


async def test_an_offer_for_an_answered_conversation_changes_nothing(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = (await cases.start_conversation(VERA)).conversation.id
    await cases.accept_offered_conversation(BOB, conversation_id)
    await cases.when_conversation_offered(offered(conversation_id, "agt_ada"))
    snapshot = await w.snapshots.get(conversation_id)
    assert snapshot is not None and snapshot.offered_to == ()
    assert w.fanout.frames_for("agent.agt_ada") == []
