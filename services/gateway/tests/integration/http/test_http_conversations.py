"""Conversation history, search over past chats (A10) and the log, read over HTTP."""

from __future__ import annotations

import pytest

from .conftest import Api

pytestmark = pytest.mark.integration


async def _sales_setup(api: Api) -> tuple[dict[str, str], str, str, dict[str, str]]:
    """Admin headers, the Sales channel, the agent's id and headers (agent of Sales only)."""
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    channel_id = await api.channel(admin, "Sales chat", [sales])
    agent_id, agent = await api.agent(admin, "ann", [sales])
    return admin, channel_id, agent_id, agent


async def test_history_lists_only_channels_open_to_the_agent(api: Api) -> None:
    _, sales, _, agent = await _sales_setup(api)
    mine = await api.conversation(sales, messages=("hello",))
    await api.conversation("chn_default", messages=("elsewhere",))
    listed = (await api.client.get("/api/conversations", headers=agent)).json()
    assert [c["id"] for c in listed] == [mine]
    other = await api.client.get("/api/conversations?channel=chn_default", headers=agent)
    assert other.status_code == 404


async def test_history_filters_by_agent_outcome_tag_and_dates(api: Api) -> None:
    _, sales, agent_id, agent = await _sales_setup(api)
    wanted = await api.conversation(
        sales, minutes=10, agents_involved=[agent_id], outcome="success", tags=["billing"]
    )
    await api.conversation(sales, minutes=20, outcome="no_answer", tags=["billing"])
    await api.conversation(sales, minutes=30, agents_involved=[agent_id], outcome="success")
    await api.conversation(
        sales, minutes=-60, agents_involved=[agent_id], outcome="success", tags=["billing"]
    )
    query = (
        "/api/conversations?agent=me&outcome=success&tag=billing"
        "&from=2026-03-01T09:00:00Z&until=2026-03-01T10:00:00Z"
    )
    listed = (await api.client.get(query, headers=agent)).json()
    assert [c["id"] for c in listed] == [wanted]


async def test_history_newest_first_with_paging(api: Api) -> None:
    _, sales, _, agent = await _sales_setup(api)
    ids = [await api.conversation(sales, minutes=m) for m in range(3)]
    page = (await api.client.get("/api/conversations?limit=2&offset=1", headers=agent)).json()
    assert [c["id"] for c in page] == [ids[1], ids[0]]


async def test_bad_history_filters_are_400(api: Api) -> None:
    admin = await api.admin()
    bad_outcome = await api.client.get("/api/conversations?outcome=great", headers=admin)
    assert bad_outcome.status_code == 400 and "outcome" in bad_outcome.text
    bad_limit = await api.client.get("/api/conversations?limit=0", headers=admin)
    assert bad_limit.status_code == 400 and "limit" in bad_limit.text


async def test_search_finds_message_text_case_insensitively_in_allowed_channels(api: Api) -> None:
    _, sales, _, agent = await _sales_setup(api)
    found = await api.conversation(sales, messages=("hi", "My INVOICE number is wrong"))
    await api.conversation(sales, messages=("nothing to see",))
    await api.conversation("chn_default", messages=("invoice elsewhere",))
    hits = (await api.client.get("/api/conversations/search?q=invoice", headers=agent)).json()
    assert [h["conversation"]["id"] for h in hits] == [found]
    assert hits[0]["seq"] == 2 and "INVOICE" in hits[0]["snippet"]


async def test_search_matches_titles_and_treats_the_query_as_text(api: Api) -> None:
    admin = await api.admin()
    titled = await api.conversation("chn_default", title="Refund (order 42)")
    await api.conversation("chn_default", messages=("refund order 42 maybe",))
    hits = (
        await api.client.get("/api/conversations/search", params={"q": "(order 42)"}, headers=admin)
    ).json()
    assert [h["conversation"]["id"] for h in hits] == [titled]
    assert (await api.client.get("/api/conversations/search?q=x", headers=admin)).status_code == 400


async def test_snapshot_is_for_agents_of_the_channel_only(api: Api) -> None:
    admin, sales, _, agent = await _sales_setup(api)
    ours = await api.conversation(sales)
    theirs = await api.conversation("chn_default")
    response = await api.client.get(f"/api/conversations/{ours}", headers=agent)
    assert response.status_code == 200 and response.json()["channel_id"] == sales
    assert (await api.client.get(f"/api/conversations/{theirs}", headers=agent)).status_code == 404
    missing = await api.client.get("/api/conversations/cnv_missing", headers=admin)
    assert missing.status_code == 404


async def test_agents_read_internal_entries_and_visitors_do_not(api: Api) -> None:
    _, sales, _, agent = await _sales_setup(api)
    conversation = await api.conversation(
        sales, visitor_id="vis_9", messages=("one", "two"), note="VIP customer"
    )
    url = f"/api/conversations/{conversation}/events"
    as_agent = (await api.client.get(url, headers=agent)).json()
    assert [e["kind"] for e in as_agent] == ["message", "message", "note"]
    visitor = api.visitor_headers("vis_9", sales)
    as_visitor = (await api.client.get(f"{url}?after_seq=1", headers=visitor)).json()
    assert [(e["seq"], e["payload"]["text"]) for e in as_visitor] == [(2, "two")]


async def test_a_visitor_reads_only_their_own_conversations(api: Api) -> None:
    _, sales, _, _ = await _sales_setup(api)
    conversation = await api.conversation(sales, visitor_id="vis_9", messages=("hi",))
    url = f"/api/conversations/{conversation}/events"
    stranger = api.visitor_headers("vis_other", sales)
    assert (await api.client.get(url, headers=stranger)).status_code == 404
    forged = {"X-Parley-Visitor-Token": "v1.dmlzXzk.Y2hu.1.forged"}
    assert (await api.client.get(url, headers=forged)).status_code == 401
    snapshot = await api.client.get(
        f"/api/conversations/{conversation}", headers=api.visitor_headers("vis_9", sales)
    )
    assert snapshot.status_code == 401


async def test_events_after_a_future_sequence_are_refused(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default", messages=("hi",))
    response = await api.client.get(
        f"/api/conversations/{conversation}/events?after_seq=5", headers=admin
    )
    assert response.status_code == 400 and response.json()["code"] == "future_seq"
