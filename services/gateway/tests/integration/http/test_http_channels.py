"""Channels, groups and agents over the HTTP API: validation and permissions."""

from __future__ import annotations

import pytest

from .conftest import Api

pytestmark = pytest.mark.integration

RULE = {"sequence": 1, "url_regex": "^https://shop\\.example/", "countries": ["de", "AT"]}


async def test_admin_creates_a_channel_with_normalised_origins_and_rules(api: Api) -> None:
    admin = await api.admin()
    body = {
        "name": " Shop ",
        "group_ids": ["grp_default"],
        "allowed_origins": ["https://Shop.Example", "http://localhost:8000/"],
        "routing_mode": "pull",
        "widget": {"button_text": "Help?", "button_color": "#112233"},
        "rules": [{**RULE, "sequence": 5}, RULE],
    }
    response = await api.client.post("/api/channels", json=body, headers=admin)
    assert response.status_code == 201, response.text
    channel = response.json()
    assert channel["name"] == "Shop"
    assert channel["allowed_origins"] == ["https://shop.example", "http://localhost:8000"]
    assert [r["sequence"] for r in channel["rules"]] == [1, 5]
    assert channel["rules"][0]["countries"] == ["DE", "AT"]
    assert channel["widget"]["button_text"] == "Help?" and channel["secret"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"allowed_origins": ["*"]}, "allowed_origins[0]"),
        (
            {"allowed_origins": ["https://ok.example", "https://x.example/path"]},
            "allowed_origins[1]",
        ),
        ({"rules": [{"sequence": 1, "url_regex": "(("}]}, "rules[0].url_regex"),
        ({"rules": [{"sequence": 1, "countries": ["XX"]}]}, "rules[0].countries[0]"),
        ({"rules": [{"sequence": 1, "action": "open_after"}]}, "rules[0].open_after_seconds"),
        ({"group_ids": ["grp_nope"]}, "group_ids"),
        ({"widget": {"button_color": "red"}}, "widget.button_color"),
        ({"colour": "red"}, "colour"),
        ({"routing_mode": "sideways"}, "routing_mode"),
    ],
)
async def test_bad_channel_input_is_400_naming_the_field(
    api: Api, patch: dict[str, object], field: str
) -> None:
    admin = await api.admin()
    response = await api.client.post("/api/channels", json={"name": "X", **patch}, headers=admin)
    assert response.status_code == 400, response.text
    assert field in response.text


async def test_agent_lists_only_channels_of_their_groups_without_secrets(api: Api) -> None:
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    sales_channel = await api.channel(admin, "Sales chat", [sales])
    _, agent = await api.agent(admin, "ann", [sales])
    channels = (await api.client.get("/api/channels", headers=agent)).json()
    assert [c["id"] for c in channels] == [sales_channel]
    assert channels[0]["secret"] is None
    other = await api.client.get("/api/channels/chn_default", headers=agent)
    assert other.status_code == 404


async def test_agent_cannot_change_channels(api: Api) -> None:
    admin = await api.admin()
    _, agent = await api.agent(admin, "ann", ["grp_default"])
    response = await api.client.put(
        "/api/channels/chn_default", json={"name": "Mine"}, headers=agent
    )
    assert response.status_code == 403


async def test_replace_rotate_and_delete_a_channel(api: Api) -> None:
    admin = await api.admin()
    channel_id = await api.channel(admin, "Temp", [])
    before = (await api.client.get(f"/api/channels/{channel_id}", headers=admin)).json()
    replaced = await api.client.put(
        f"/api/channels/{channel_id}", json={"name": "Temp 2", "rules": [RULE]}, headers=admin
    )
    assert replaced.status_code == 200 and replaced.json()["name"] == "Temp 2"
    rotated = await api.client.post(f"/api/channels/{channel_id}/secret", headers=admin)
    assert rotated.json()["secret"] != before["secret"]
    assert (
        await api.client.delete(f"/api/channels/{channel_id}", headers=admin)
    ).status_code == 204
    gone = await api.client.get(f"/api/channels/{channel_id}", headers=admin)
    assert gone.status_code == 404


async def test_the_default_channel_cannot_be_deleted(api: Api) -> None:
    admin = await api.admin()
    response = await api.client.delete("/api/channels/chn_default", headers=admin)
    assert response.status_code == 409


async def test_a_new_default_channel_replaces_the_old_one(api: Api) -> None:
    admin = await api.admin()
    response = await api.client.post(
        "/api/channels", json={"name": "Main", "is_default": True}, headers=admin
    )
    channels = (await api.client.get("/api/channels", headers=admin)).json()
    assert [c["id"] for c in channels if c["is_default"]] == [response.json()["id"]]


async def test_unknown_channel_is_404(api: Api) -> None:
    admin = await api.admin()
    assert (await api.client.get("/api/channels/chn_nope", headers=admin)).status_code == 404
    put = await api.client.put("/api/channels/chn_nope", json={"name": "X"}, headers=admin)
    assert put.status_code == 404


async def test_a_group_in_use_cannot_be_deleted_until_freed(api: Api) -> None:
    admin = await api.admin()
    group_id = await api.group(admin, "Support")
    agent_id, _ = await api.agent(admin, "ann", [group_id])
    assert (await api.client.delete(f"/api/groups/{group_id}", headers=admin)).status_code == 409
    await api.client.patch(f"/api/agents/{agent_id}", json={"group_ids": []}, headers=admin)
    assert (await api.client.delete(f"/api/groups/{group_id}", headers=admin)).status_code == 204


async def test_duplicate_group_name_and_agent_email_are_409(api: Api) -> None:
    admin = await api.admin()
    await api.group(admin, "Support")
    again = await api.client.post("/api/groups", json={"name": "Support"}, headers=admin)
    assert again.status_code == 409
    await api.agent(admin, "ann", [])
    body = {"email": "ANN@example.com", "display_name": "Ann 2", "password": "long enough 1"}
    assert (await api.client.post("/api/agents", json=body, headers=admin)).status_code == 409


async def test_short_password_is_400_naming_the_field(api: Api) -> None:
    admin = await api.admin()
    body = {"email": "x@example.com", "display_name": "X", "password": "short"}
    response = await api.client.post("/api/agents", json=body, headers=admin)
    assert response.status_code == 400 and "password" in response.text


async def test_admin_updates_an_agent_and_agents_can_list_people(api: Api) -> None:
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    agent_id, agent = await api.agent(admin, "ann", [])
    response = await api.client.patch(
        f"/api/agents/{agent_id}",
        json={"display_name": "Ann Smith", "group_ids": [sales], "role": "admin"},
        headers=admin,
    )
    assert response.json()["display_name"] == "Ann Smith"
    assert response.json()["group_ids"] == [sales] and response.json()["role"] == "admin"
    people = (await api.client.get("/api/agents", headers=agent)).json()
    assert {p["id"] for p in people} == {"agt_admin", agent_id}
    assert (await api.client.get("/api/agents/agt_nope", headers=admin)).status_code == 404


async def test_openapi_schema_describes_typed_bodies(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    assert "/api/channels" in schema["paths"] and "/api/attachments" in schema["paths"]
    assert "ChannelIn" in schema["components"]["schemas"]
    assert "allowed_origins" in schema["components"]["schemas"]["ChannelOut"]["properties"]
