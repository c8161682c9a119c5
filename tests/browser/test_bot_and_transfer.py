"""Bots, routing and transfers in the browser (B1, B4, B5, R1, R2, V2, V4, A6, A13): the real
gateway, chatbot, routing and reports processes, a visitor on the host page and agents in the
console."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ..system.services import ServiceProcess
from .conftest import Desk, console_login, go_online, screenshot

pytestmark = pytest.mark.browser

WELCOME_BOT = "welcome-bot"


def open_widget(page: Page, url: str, name: str, text: str = "") -> None:
    page.goto(url)
    page.locator("#parley-widget .button").click()
    page.fill("#parley-widget input[name=name]", name)
    if text:
        page.fill("#parley-widget textarea[name=text]", text)
    page.click("#parley-widget form.start button[type=submit]")


def test_the_welcome_bot_hands_a_pricing_question_to_a_sales_operator(
    gateway: ServiceProcess,
    services: dict[str, ServiceProcess],
    host_site: str,
    desk: Desk,
    new_context: Any,
) -> None:
    desk.set_rules([{"sequence": 1, "url_regex": ".*", "chatbot_script_id": WELCOME_BOT}])
    desk.set_profile(desk.agent_id, "Sam", ["sales"])
    agent = new_context().new_page()
    console_login(agent, gateway.url, desk.agent_email)
    go_online(agent, desk, desk.agent_id)

    visitor = new_context().new_page()
    open_widget(visitor, f"{host_site}/?channel={desk.channel_id}", "Vera")
    said = visitor.locator("#parley-widget .msg.bot .text")
    expect(said.nth(0)).to_have_text("Hello! I'm a bot!", timeout=20_000)
    expect(said.nth(1)).to_have_text(
        "I help visitors find their way and the right person to talk to."
    )
    expect(said.nth(2)).to_have_text("So, what may I help you with?")
    buttons = visitor.locator("#parley-widget .choices button.choice")
    expect(buttons).to_have_text(
        ["I want to buy the software", "I have a pricing question", "Something else"]
    )
    screenshot(visitor, "widget-bot-question")

    buttons.filter(has_text="I have a pricing question").click()
    expect(buttons).to_have_count(0)
    expect(visitor.locator("#parley-widget .msg.me .text").last).to_have_text(
        "I have a pricing question"
    )
    expect(said.filter(has_text="Hmmm, let me check")).to_have_count(1)
    # Routing assigns the sales operator; the bot leaves and the operator answers.
    system = visitor.locator("#parley-widget .system")
    expect(system.filter(has_text="Sam joined the chat")).to_have_count(1, timeout=20_000)
    expect(system.filter(has_text="Welcome Bot left the chat")).to_have_count(1)
    expect(visitor.locator("#parley-widget .header .title")).to_have_text("Sam")
    screenshot(visitor, "widget-bot-handoff")

    card = agent.locator("[data-list=mine] li.card", has_text="Vera")
    expect(card).to_be_visible()
    card.click()
    messages = agent.locator(".messages")
    question = messages.locator(".msg.bot .text", has_text="So, what may I help you with?")
    expect(question).to_be_visible()
    expect(messages.locator(".msg .text", has_text="I have a pricing question")).to_be_visible()
    answers = agent.locator(".info .bot-answers")
    expect(answers.locator("dt")).to_have_text(["So, what may I help you with?"])
    expect(answers.locator("dd")).to_have_text(["I have a pricing question"])
    expect(agent.locator(".info .row", has_text="Expertise")).to_contain_text("sales")
    screenshot(agent, "console-bot-answers")

    # The operator takes over: their answer reaches the visitor.
    compose = agent.locator(".composer .compose")
    compose.type("Hi Vera, which plan are you looking at?")
    compose.press("Enter")
    expect(visitor.locator("#parley-widget .msg.agent .text")).to_have_text(
        "Hi Vera, which plan are you looking at?"
    )
    conversation_id = messages.get_attribute("data-conversation")
    kinds = [event["kind"] for event in desk.events(conversation_id)]
    assert "handoff" in kinds and kinds.count("joined") >= 2 and "left" in kinds


def test_an_agent_transfers_a_routed_chat_to_another_agent(
    gateway: ServiceProcess,
    services: dict[str, ServiceProcess],
    host_site: str,
    desk: Desk,
    new_context: Any,
) -> None:
    second_id, second_email = desk.add_agent("Bea Transfer")
    desk.set_profile(desk.agent_id, "Alan", [])
    desk.set_profile(second_id, "Bea", [])
    consoles: dict[str, Page] = {}
    for agent_id, email in ((desk.agent_id, desk.agent_email), (second_id, second_email)):
        page = new_context().new_page()
        console_login(page, gateway.url, email)
        go_online(page, desk, agent_id)
        consoles[agent_id] = page

    visitor = new_context().new_page()
    open_widget(visitor, f"{host_site}/?channel={desk.channel_id}", "Tess", "Wrong size delivered")
    title = visitor.locator("#parley-widget .header .title")
    expect(title).not_to_have_text("Chat with us", timeout=20_000)
    names = {desk.agent_id: "Alan", second_id: "Bea"}
    first = next(agent_id for agent_id, name in names.items() if title.inner_text() == name)
    other = second_id if first == desk.agent_id else desk.agent_id
    source, target = consoles[first], consoles[other]

    card = source.locator("[data-list=mine] li.card", has_text="Tess")
    expect(card).to_be_visible()
    card.click()
    expect(source.locator(".messages .msg .text")).to_have_text(["Wrong size delivered"])
    source.locator(".composer .compose").type("Let me pass you to my colleague.")
    source.locator(".composer .compose").press("Enter")
    expect(visitor.locator("#parley-widget .msg.agent .text")).to_have_text(
        "Let me pass you to my colleague."
    )
    expect(target.locator("[data-list=mine] li.card", has_text="Tess")).to_have_count(0)
    transfer = source.locator("[data-action=transfer-target]")
    expect(transfer.locator(f"option[value='agent:{other}']")).to_have_text(
        f"{names[other]} (online)"
    )
    transfer.select_option(f"agent:{other}")

    # The new agent has the chat with its history; the first one no longer holds it.
    card = target.locator("[data-list=mine] li.card", has_text="Tess")
    expect(card).to_be_visible(timeout=20_000)
    card.click()
    expect(target.locator(".messages .msg .text")).to_have_text(
        ["Wrong size delivered", "Let me pass you to my colleague."]
    )
    expect(source.locator("[data-list=mine] li.card", has_text="Tess")).to_have_count(0)
    expect(target.locator(".composer .compose")).to_be_visible()
    screenshot(target, "console-after-transfer")

    # The visitor sees the change of operator, and the new one answers.
    system = visitor.locator("#parley-widget .system")
    expect(system.filter(has_text=f"{names[other]} joined the chat")).to_have_count(1)
    expect(system.filter(has_text=f"{names[first]} left the chat")).to_have_count(1)
    expect(title).to_have_text(names[other])
    target.locator(".composer .compose").type("Hi Tess, I will send the right size.")
    target.locator(".composer .compose").press("Enter")
    expect(visitor.locator("#parley-widget .msg.agent .text").last).to_have_text(
        "Hi Tess, I will send the right size."
    )
    conversation_id = target.locator(".messages").get_attribute("data-conversation")
    decisions = desk.admin.get(f"/api/conversations/{conversation_id}/routing").json()
    assert [d["kind"] for d in decisions][:1] == ["assigned"]
    assert any(d["kind"] == "transferred" and d["agent_ids"] == [other] for d in decisions), (
        decisions
    )
