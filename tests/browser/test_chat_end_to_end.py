"""A visitor and an agent, each in their own browser, against the real gateway process."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ..system.services import ServiceProcess
from .conftest import Desk, console_login, screenshot

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def start_chat(page: Page, url: str, name: str, text: str) -> None:
    page.goto(url)
    page.locator("#parley-widget .button").click()
    page.fill("#parley-widget input[name=name]", name)
    page.fill("#parley-widget textarea[name=text]", text)
    page.click("#parley-widget form.start button[type=submit]")
    expect(page.locator("#parley-widget .msg.me .text").first).to_have_text(text)


def accept_waiting(agent: Page, visitor_name: str) -> None:
    card = agent.locator("[data-list=waiting] li.card", has_text=visitor_name)
    expect(card).to_be_visible()
    card.click()
    agent.click("[data-action=accept]")
    expect(agent.locator("[data-list=mine] li.card", has_text=visitor_name)).to_be_visible()


def test_visitor_and_agent_chat_from_button_to_rating(
    gateway: ServiceProcess, host_site: str, desk: Desk, new_context: Any
) -> None:
    visitor = new_context().new_page()
    agent = new_context().new_page()
    console_login(agent, gateway.url, desk.agent_email)
    screenshot(agent, "console-empty")

    start_chat(visitor, f"{host_site}/?channel={desk.channel_id}", "Vera", "My order is late")
    expect(agent.locator("[data-list=waiting] .badge")).to_have_text("1")
    screenshot(agent, "console-waiting")
    accept_waiting(agent, "Vera")
    expect(agent.locator(".messages .msg .text", has_text="My order is late")).to_be_visible()

    # The visitor sees who answers and the agent's typing, then the answer.
    expect(visitor.locator("#parley-widget .header .title")).to_have_text(desk.agent_name)
    agent.fill(".composer .compose", "Let me check")
    expect(visitor.locator("#parley-widget .typing")).to_have_text(f"{desk.agent_name} is typing…")
    agent.fill(".composer .compose", "")
    compose = agent.locator(".composer .compose")
    compose.type("Let me check order 77.")
    compose.press("Shift+Enter")
    compose.type("One moment.")
    compose.press("Enter")
    expect(visitor.locator("#parley-widget .msg.them .text").last).to_have_text(
        "Let me check order 77.\nOne moment."
    )

    # Enter sends, Shift+Enter breaks the line.
    box = visitor.locator("#parley-widget textarea.input")
    box.type("Thanks!")
    box.press("Shift+Enter")
    box.type("Order 77")
    box.press("Enter")
    expect(agent.locator(".messages .msg .text").last).to_have_text("Thanks!\nOrder 77")
    screenshot(visitor, "widget-chat")
    screenshot(agent, "console-chat")

    # The visitor ends the chat and rates it with a comment.
    visitor.once("dialog", lambda dialog: dialog.accept())
    visitor.click("#parley-widget .header .end")
    visitor.click("#parley-widget .face[data-rating=okay]")
    visitor.fill("#parley-widget textarea.comment", "Took a while")
    visitor.click("#parley-widget .rating .primary")
    expect(visitor.locator("#parley-widget .rating")).to_have_text("Thank you for your feedback!")
    screenshot(visitor, "widget-rating")
    expect(agent.locator(".messages .system", has_text="Rated okay")).to_be_visible()
    conversation_id = agent.locator(".messages").get_attribute("data-conversation")
    kinds = [event["kind"] for event in desk.events(conversation_id)]
    assert kinds.count("rated") == 1 and "ended" in kinds


def test_visitor_markup_is_inert_in_the_console(
    gateway: ServiceProcess, host_site: str, desk: Desk, new_context: Any
) -> None:
    visitor = new_context().new_page()
    agent = new_context().new_page()
    console_login(agent, gateway.url, desk.agent_email)
    start_chat(visitor, f"{host_site}/?channel={desk.channel_id}", "<b>Mallory</b>", HOSTILE)
    accept_waiting(agent, "<b>Mallory</b>")

    message = agent.locator(".messages .msg .text", has_text="onerror")
    expect(message).to_have_text(HOSTILE)
    assert agent.locator(".messages img, .messages script, .lists b").count() == 0
    assert agent.evaluate("window.__pwned") is None
    expect(agent.locator(".info dd", has_text="<b>Mallory</b>")).to_be_visible()
    # And the other way: an agent's markup stays text in the widget.
    agent.fill(".composer .compose", HOSTILE)
    agent.locator(".composer .compose").press("Enter")
    expect(visitor.locator("#parley-widget .msg.them .text").last).to_have_text(HOSTILE)
    assert visitor.evaluate("window.__pwned") is None
    screenshot(agent, "console-markup-inert")


def test_message_typed_offline_is_delivered_once_after_reconnect(
    gateway: ServiceProcess, host_site: str, desk: Desk, new_context: Any
) -> None:
    context = new_context()
    visitor = context.new_page()
    agent = new_context().new_page()
    console_login(agent, gateway.url, desk.agent_email)
    start_chat(visitor, f"{host_site}/?channel={desk.channel_id}", "Otto", "Hello")
    accept_waiting(agent, "Otto")

    context.set_offline(True)
    window = visitor.locator("#parley-widget .window")
    expect(window).to_have_attribute("data-connection", "offline")
    box = visitor.locator("#parley-widget textarea.input")
    box.type("Sent while offline")
    box.press("Enter")
    expect(visitor.locator("#parley-widget .msg.pending .text")).to_have_text("Sent while offline")
    # The outbox survives a reload made while still offline.
    outbox = visitor.evaluate(f"localStorage.getItem('parley:{desk.channel_id}:outbox')")
    assert "Sent while offline" in outbox

    context.set_offline(False)
    expect(window).to_have_attribute("data-connection", "online")
    expect(visitor.locator("#parley-widget .msg.pending")).to_have_count(0)
    expect(agent.locator(".messages .msg .text", has_text="Sent while offline")).to_have_count(1)

    # A reload resumes the conversation from the visitor token and shows its whole history once.
    visitor.reload()
    expect(
        visitor.locator("#parley-widget .msg .text", has_text="Sent while offline")
    ).to_have_count(1)
    conversation_id = agent.locator(".messages").get_attribute("data-conversation")
    texts = [
        event["payload"].get("text")
        for event in desk.events(conversation_id)
        if event["kind"] == "message"
    ]
    assert texts.count("Sent while offline") == 1
