"""Login, sessions and guards of the HTTP API, against the real database."""

from __future__ import annotations

import pytest

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Api

pytestmark = pytest.mark.integration


async def test_first_start_creates_admin_default_group_and_channel(api: Api) -> None:
    admin = await api.admin()
    me = (await api.client.get("/api/me", headers=admin)).json()
    assert me["email"] == ADMIN_EMAIL and me["role"] == "admin"
    channels = (await api.client.get("/api/channels", headers=admin)).json()
    assert [(c["name"], c["is_default"]) for c in channels] == [("Default", True)]
    assert "http://localhost:8000" in channels[0]["allowed_origins"]
    groups = (await api.client.get("/api/groups", headers=admin)).json()
    assert [g["name"] for g in groups] == ["Default"]


async def test_first_start_runs_once(api: Api) -> None:
    for hook in api.wiring.startup_hooks:
        await hook()
    assert await api.db.accounts.count_documents({}) == 1
    assert await api.db.channels.count_documents({}) == 1


async def test_login_sets_an_httponly_lax_cookie_that_authenticates(api: Api) -> None:
    response = await api.client.post(
        "/api/auth/login", json={"email": "ADMIN@parley.local", "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "parley_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert (await api.client.get("/api/me")).status_code == 200


async def test_password_hash_is_argon2id_and_session_token_is_stored_hashed(api: Api) -> None:
    headers = await api.admin()
    account = await api.db.accounts.find_one({"email": ADMIN_EMAIL})
    assert account["password_hash"].startswith("$argon2id$")
    token = headers["Authorization"].removeprefix("Bearer ")
    assert await api.db.sessions.find_one({"_id": token}) is None
    assert await api.db.sessions.count_documents({"account_id": account["_id"]}) == 1


async def test_wrong_password_and_unknown_email_get_the_same_401(api: Api) -> None:
    wrong = await api.client.post(
        "/api/auth/login", json={"email": ADMIN_EMAIL, "password": "nope nope nope"}
    )
    unknown = await api.client.post(
        "/api/auth/login", json={"email": "who@example.com", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_repeated_failures_lock_the_email_even_for_the_right_password(api: Api) -> None:
    for _ in range(3):
        await api.client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "bad"})
    locked = await api.client.post(
        "/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


async def test_login_without_password_is_400_naming_the_field(api: Api) -> None:
    response = await api.client.post("/api/auth/login", json={"email": ADMIN_EMAIL})
    assert response.status_code == 400
    assert "password" in response.text


async def test_api_without_session_is_401(api: Api) -> None:
    assert (await api.client.get("/api/me")).status_code == 401
    bogus = {"Authorization": "Bearer not-a-session"}
    assert (await api.client.get("/api/channels", headers=bogus)).status_code == 401


async def test_logout_ends_the_session(api: Api) -> None:
    headers = await api.admin()
    assert (await api.client.post("/api/auth/logout", headers=headers)).status_code == 204
    assert (await api.client.get("/api/me", headers=headers)).status_code == 401


async def test_agent_is_refused_admin_endpoints_with_403(api: Api) -> None:
    admin = await api.admin()
    _, agent = await api.agent(admin, "ann", ["grp_default"])
    response = await api.client.post("/api/groups", json={"name": "Sales"}, headers=agent)
    assert response.status_code == 403
    create = {"email": "x@example.com", "display_name": "X", "password": "long enough 1"}
    assert (await api.client.post("/api/agents", json=create, headers=agent)).status_code == 403


async def test_deactivated_agent_loses_sessions_and_cannot_log_in(api: Api) -> None:
    admin = await api.admin()
    agent_id, agent = await api.agent(admin, "bob", ["grp_default"])
    response = await api.client.patch(
        f"/api/agents/{agent_id}", json={"active": False}, headers=admin
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await api.client.get("/api/me", headers=agent)).status_code == 401
    again = await api.client.post(
        "/api/auth/login", json={"email": "bob@example.com", "password": "agent password 1"}
    )
    assert again.status_code == 401


async def test_admin_cannot_demote_themselves(api: Api) -> None:
    admin = await api.admin()
    response = await api.client.patch(
        "/api/agents/agt_admin", json={"role": "agent"}, headers=admin
    )
    assert response.status_code == 403
