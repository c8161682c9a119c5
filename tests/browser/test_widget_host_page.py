"""The widget on a customer's website with a strict Content-Security-Policy (V1, V2, V3)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ..system.services import ServiceProcess
from .conftest import Desk, screenshot

pytestmark = pytest.mark.browser


def test_widget_works_on_a_strict_csp_page_in_a_shadow_root(
    gateway: ServiceProcess, host_site: str, desk: Desk, new_context: Any
) -> None:
    page = new_context().new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.goto(f"{host_site}/?channel={desk.channel_id}")

    button = page.locator("#parley-widget .button")
    expect(button).to_have_text("Ask us")
    # The channel's colour reached the button through a CSS custom property.
    color = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(194, 24, 91)"
    # The host page's CSS cannot reach the button: it lives in an open shadow root.
    assert page.evaluate("document.querySelector('.button')") is None
    assert page.evaluate("!!document.querySelector('#parley-widget').shadowRoot")

    button.click()
    page.fill("#parley-widget input[name=name]", "Vera")
    page.fill("#parley-widget textarea[name=text]", "Where is my parcel?")
    page.click("#parley-widget form.start button[type=submit]")
    expect(page.locator("#parley-widget .msg.me .text")).to_have_text("Where is my parcel?")
    expect(page.locator("#parley-widget .header .subtitle")).to_have_text("Waiting for an operator")
    expect(page.locator("#parley-widget .window")).to_have_attribute("data-connection", "online")
    screenshot(page, "widget-host-page")
    assert violations == []


def test_hide_rule_hides_the_button_and_open_after_opens_the_window(
    gateway: ServiceProcess, host_site: str, desk: Desk, new_context: Any
) -> None:
    channel = desk.admin.get(f"/api/channels/{desk.channel_id}").json()
    rules = [
        {"sequence": 1, "url_regex": "hidden=1", "action": "hide"},
        {"sequence": 2, "url_regex": ".*", "action": "open_after", "open_after_seconds": 1},
    ]
    body = {
        key: channel[key]
        for key in ("name", "group_ids", "allowed_origins", "routing_mode", "widget")
    }
    desk.admin.put(f"/api/channels/{desk.channel_id}", json={**body, "rules": rules})

    page = new_context().new_page()
    page.goto(f"{host_site}/?channel={desk.channel_id}&hidden=1")
    page.wait_for_function(
        "() => document.querySelector('#parley-widget')?.shadowRoot.querySelector('.launcher')"
    )
    page.wait_for_load_state("networkidle")
    expect(page.locator("#parley-widget .launcher")).to_be_hidden()

    other = new_context().new_page()
    other.goto(f"{host_site}/?channel={desk.channel_id}")
    expect(other.locator("#parley-widget .window")).to_be_visible(timeout=5_000)
    expect(other.locator("#parley-widget .welcome")).to_have_text(
        "Hello! How can we help you today?"
    )
