"""Canned responses (A11): private or shared with groups, over the HTTP API."""

from __future__ import annotations

import pytest

from .conftest import Api

pytestmark = pytest.mark.integration


async def test_private_and_shared_responses_reach_the_right_agents(api: Api) -> None:
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    _, ann = await api.agent(admin, "ann", [sales])
    _, bob = await api.agent(admin, "bob", [sales])
    _, cid = await api.agent(admin, "cid", ["grp_default"])
    private = {"shortcut": "hello", "text": "Hello, I am Ann!"}
    shared = {"shortcut": "hours", "text": "We open at 9.", "private": False, "group_ids": [sales]}
    assert (
        await api.client.post("/api/canned-responses", json=private, headers=ann)
    ).status_code == 201
    assert (
        await api.client.post("/api/canned-responses", json=shared, headers=ann)
    ).status_code == 201

    def shortcuts(items: list[dict[str, object]]) -> list[object]:
        return [item["shortcut"] for item in items]

    assert shortcuts((await api.client.get("/api/canned-responses", headers=ann)).json()) == [
        "hello",
        "hours",
    ]
    assert shortcuts((await api.client.get("/api/canned-responses", headers=bob)).json()) == [
        "hours"
    ]
    assert (await api.client.get("/api/canned-responses", headers=cid)).json() == []
    narrowed = await api.client.get("/api/canned-responses?prefix=ho", headers=ann)
    assert shortcuts(narrowed.json()) == ["hours"]


async def test_group_members_use_but_cannot_edit_a_shared_response(api: Api) -> None:
    admin = await api.admin()
    _, ann = await api.agent(admin, "ann", ["grp_default"])
    _, bob = await api.agent(admin, "bob", ["grp_default"])
    body = {"shortcut": "bye", "text": "Bye!", "private": False, "group_ids": ["grp_default"]}
    created = (await api.client.post("/api/canned-responses", json=body, headers=ann)).json()
    url = f"/api/canned-responses/{created['id']}"
    assert (await api.client.get(url, headers=bob)).status_code == 200
    changed = {**body, "text": "Ciao"}
    assert (await api.client.put(url, json=changed, headers=bob)).status_code == 403
    assert (await api.client.put(url, json=changed, headers=admin)).json()["text"] == "Ciao"
    assert (await api.client.delete(url, headers=ann)).status_code == 204


async def test_someone_elses_private_response_is_404(api: Api) -> None:
    admin = await api.admin()
    _, ann = await api.agent(admin, "ann", ["grp_default"])
    _, bob = await api.agent(admin, "bob", ["grp_default"])
    body = {"shortcut": "mine", "text": "only mine"}
    created = (await api.client.post("/api/canned-responses", json=body, headers=ann)).json()
    url = f"/api/canned-responses/{created['id']}"
    assert (await api.client.get(url, headers=bob)).status_code == 404
    assert (await api.client.delete(url, headers=bob)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shortcut": "Has Space", "text": "x"}, "shortcut"),
        ({"shortcut": "ok", "text": "x", "private": False}, "group_ids"),
        (
            {"shortcut": "ok", "text": "x", "private": False, "group_ids": ["grp_other"]},
            "group_ids",
        ),
        ({"shortcut": "ok"}, "text"),
    ],
)
async def test_bad_canned_responses_are_400_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    _, ann = await api.agent(admin, "ann", ["grp_default"])
    body = {**body, "group_ids": [sales]} if body.get("group_ids") == ["grp_other"] else body
    response = await api.client.post("/api/canned-responses", json=body, headers=ann)
    assert response.status_code == 400, response.text
    assert field in response.text
