"""Fixtures for browser tests: the real gateway process (with its broker and database), a host
website on another origin with a strict Content-Security-Policy, and Debian's Chromium driven by
Playwright (never a downloaded browser)."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from parley_devservers.ports import free_port

from ..system.gateway_cluster import ADMIN_EMAIL, ADMIN_PASSWORD, gateway_settings
from ..system.services import ServiceProcess

CHROMIUM = "/usr/bin/chromium"
AGENT_PASSWORD = "browser-agent-password-9"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def gateway(
    rabbitmq_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """Per module: gateway processes share their durable queues (competing consumers), so one
    left running with its own database would take the events of later tests' gateways."""
    settings = gateway_settings(secrets.token_urlsafe(32))
    process = ServiceProcess("gateway", rabbitmq_url, mongodb_url, tmp_path_factory.mktemp("web"))
    process.env.update({f"PARLEY_GATEWAY_{k.upper()}": v for k, v in settings.items()})
    process.start()
    yield process
    process.stop()


class _HostPage(BaseHTTPRequestHandler):
    """A customer's website: one page embedding the widget, under a strict CSP."""

    gateway_url = ""

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        channel = query.get("channel", [""])[0]
        gateway = self.gateway_url
        ws = gateway.replace("http://", "ws://")
        body = (
            "<!doctype html><html><head><meta charset=utf-8><title>Host shop</title></head>"
            "<body><h1>Host shop</h1><p>A page on another origin.</p>"
            f'<script src="{gateway}/widget/loader.js" data-parley-channel="{channel}" async>'
            "</script></body></html>"
        ).encode()
        csp = (
            f"default-src 'self'; script-src {gateway}; connect-src {gateway} {ws}; "
            f"style-src {gateway}; img-src {gateway} data:"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", csp)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host_site(gateway: ServiceProcess) -> Iterator[str]:
    """The origin of a website on another port that embeds the widget (``/?channel=<id>``)."""
    handler = type("HostPage", (_HostPage,), {"gateway_url": gateway.url})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@dataclass
class Desk:
    """One test's own group, channel (embeddable on the host site) and agent."""

    admin: httpx.Client
    channel_id: str
    group_id: str
    agent_id: str
    agent_email: str
    agent_name: str

    def add_agent(self, name: str) -> tuple[str, str]:
        email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@parley.test"
        response = self.admin.post(
            "/api/agents",
            json={
                "email": email,
                "display_name": name,
                "password": AGENT_PASSWORD,
                "group_ids": [self.group_id],
            },
        )
        response.raise_for_status()
        return response.json()["id"], email

    def set_profile(self, agent_id: str, chat_name: str, expertise: list[str]) -> None:
        """An operator profile (routing) joined to this desk's channel."""
        response = self.admin.put(
            f"/api/operators/{agent_id}/profile",
            json={"chat_name": chat_name, "expertise": expertise, "channel_ids": [self.channel_id]},
        )
        response.raise_for_status()

    def set_rules(self, rules: list[dict[str, Any]]) -> None:
        """Replace the channel's rules, keeping its other settings."""
        channel = self.admin.get(f"/api/channels/{self.channel_id}").json()
        body = {
            key: channel[key]
            for key in ("name", "group_ids", "allowed_origins", "routing_mode", "widget")
        }
        response = self.admin.put(f"/api/channels/{self.channel_id}", json={**body, "rules": rules})
        response.raise_for_status()

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        response = self.admin.get(f"/api/conversations/{conversation_id}/events")
        response.raise_for_status()
        body = response.json()
        return body["items"] if isinstance(body, dict) and "items" in body else body


@pytest.fixture
def desk(gateway: ServiceProcess, host_site: str) -> Iterator[Desk]:
    admin = httpx.Client(base_url=gateway.url, timeout=10)
    admin.post(
        "/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    ).raise_for_status()
    tag = uuid.uuid4().hex[:6]
    group = admin.post("/api/groups", json={"name": f"Support {tag}"})
    group.raise_for_status()
    group_id = group.json()["id"]
    channel = admin.post(
        "/api/channels",
        json={
            "name": f"Shop {tag}",
            "group_ids": [group_id],
            "allowed_origins": [host_site, gateway.url],
            "widget": {"button_text": "Ask us", "button_color": "#c2185b"},
        },
    )
    channel.raise_for_status()
    space = Desk(admin, channel.json()["id"], group_id, "", "", f"Alan {tag}")
    space.agent_id, space.agent_email = space.add_agent(space.agent_name)
    yield space
    admin.close()


@pytest.fixture(scope="module")
def services(
    gateway: ServiceProcess,
    rabbitmq_url: str,
    mongodb_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ServiceProcess]]:
    """The services behind bots, routing and reports, as real processes for one test module:
    reports (its journal binds every event type), routing and the chatbot (short pauses)."""
    log_dir = tmp_path_factory.mktemp("services")
    started: dict[str, ServiceProcess] = {}
    settings = {
        "reports": {},
        "routing": {},
        "chatbot": {"typing_pause_s": "0.1", "multi_line_quiet_s": "1"},
    }
    try:
        for name, options in settings.items():
            process = ServiceProcess(name, rabbitmq_url, mongodb_url, log_dir, **options)
            started[name] = process
            process.start()
        yield started
    finally:
        for process in started.values():
            process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API runs its own event loop while it is open, and the
    asyncio tests collected after the browser tests need the thread's loop back."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    """Separate browser contexts: a visitor and an agent do not share storage or cookies."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def console_login(page: Page, gateway_url: str, email: str, password: str = AGENT_PASSWORD) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "websocket",
        lambda ws: (
            ws.on("framereceived", lambda payload: errors.append(f"< {str(payload)[:300]}")),
            ws.on("close", lambda _: errors.append("ws closed")),
        ),
    )
    page.goto(f"{gateway_url}/console/")
    page.fill("#login-email", email)
    page.fill("#login-password", password)
    page.click("#login-submit")
    try:
        page.wait_for_selector("#console[data-connected='true']")
    except PlaywrightError as exc:
        state = page.evaluate(
            "[document.getElementById('login-error').textContent,"
            " document.getElementById('console').className,"
            " document.getElementById('connection').textContent]"
        )
        raise AssertionError(f"console did not connect: {errors} {state}") from exc


def go_online(page: Page, desk: Desk, agent_id: str, timeout_s: float = 15.0) -> None:
    """The agent picks "Online" in the console; waits until routing knows them as online."""
    page.select_option("#availability", "online")
    deadline = time.monotonic() + timeout_s
    availability = None
    while time.monotonic() < deadline:
        response = desk.admin.get(f"/api/operators/{agent_id}")
        if response.status_code == 200:
            availability = response.json()["availability"]
            if availability == "online":
                return
        time.sleep(0.2)
    raise AssertionError(f"routing does not see {agent_id} online: {availability}")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
