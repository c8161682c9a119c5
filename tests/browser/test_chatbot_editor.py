"""The console's chatbot script editor (B1-B4) against the real gateway and chatbot processes:
the installed Welcome Bot, a broken condition found by the chatbot's validator, a refused save,
the JSON document kept in step, and the test mode's visitor view."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from ..system.gateway_cluster import ADMIN_EMAIL, ADMIN_PASSWORD
from ..system.services import ServiceProcess
from .conftest import console_login, screenshot

pytestmark = pytest.mark.browser


def test_admin_breaks_the_welcome_bot_sees_the_problem_and_tests_it(
    gateway: ServiceProcess, services: dict[str, ServiceProcess], new_context: Any
) -> None:
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    console_login(page, gateway.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.click("[data-screen=chatbots]")
    page.click(".script-list [data-script=welcome-bot]")
    editor = page.locator(".script-editor[data-script=welcome-bot]")
    expect(editor.locator(".steps > li.step")).to_have_count(12)
    problems = editor.locator(".problems li")
    expect(problems).to_have_text(["No problems found."])

    # A condition on the second step that names the question asked after it.
    intro = editor.locator(".step[data-step=intro]")
    intro.locator("[data-action=add-condition]").click()
    intro.locator("[data-field=condition-step]").select_option("ask")
    intro.get_by_label("I want to buy the software").check()
    problem = editor.locator(".problems li.problem[data-code=condition_on_later_step]")
    expect(problem).to_have_count(1)
    expect(problem).to_have_attribute("data-step", "intro")
    expect(problem).to_contain_text("error")
    expect(intro).to_have_class("step has-error")

    # The JSON document follows the step list.
    editor.locator(".view-tabs [data-view=json]").click()
    document = json.loads(editor.locator("textarea.script-json").input_value())
    assert document["steps"][1]["only_if"] == [{"step_id": "ask", "answer_ids": ["buy"]}]
    # ...and the other way round; a document that is not JSON is a problem of its own.
    box = editor.locator("textarea.script-json")
    box.fill(json.dumps({**document, "name": "Greeter"}, indent=2))
    expect(editor.get_by_label("Bot name")).to_have_value("Greeter")
    box.fill('{"steps": [')
    expect(editor.locator(".problems li.problem[data-code=invalid_json]")).to_have_count(1)
    box.fill(json.dumps(document, indent=2))
    expect(problem).to_have_count(1)
    editor.locator(".view-tabs [data-view=steps]").click()

    # Saving is refused: the stored script is unchanged.
    editor.locator("[data-action=save]").click()
    expect(editor.locator(".save-state")).to_have_text("Not saved: fix the errors first")
    expect(problem).to_have_count(1)
    with httpx.Client(base_url=gateway.url, timeout=10) as admin:
        admin.post(
            "/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).raise_for_status()
        stored = admin.get("/api/chatbot-scripts/welcome-bot").json()
    assert stored["steps"][1]["id"] == "intro" and not stored["steps"][1].get("only_if")

    # Test mode runs the edited (unsaved) script: the intro is skipped, the question asked.
    test = page.locator(".script-test")
    test.locator("[data-action=run-test]").click()
    lines = test.locator(".test-view .line")
    expect(lines.locator(".text")).to_have_text(
        ["Hello! I'm a bot!", "So, what may I help you with?"]
    )
    expect(test.locator(".test-state")).to_have_text(
        "Waiting for the visitor's answer to step ask."
    )
    screenshot(page, "console-chatbot-editor")
    test.get_by_role("button", name="I have a pricing question").click()
    expect(lines.filter(has_text="Forward to an operator with expertise sales")).to_have_count(1)
    expect(lines.locator(".text")).to_have_text(
        [
            "Hello! I'm a bot!",
            "So, what may I help you with?",
            "I have a pricing question",
            "Hmmm, let me check if I can find someone that could help you with that...",
            "Uh-oh, it looks like none of our operators are available right now.",
            "Would you mind leaving your email address so that we can reach you back?",
        ]
    )
    test.get_by_label("Visitor's message").fill("vera@example.com")
    test.get_by_label("Visitor's message").press("Enter")
    expect(test.locator(".test-state")).to_have_text(
        "The script ended (the visitor is offered a restart)."
    )
    expect(lines.last.get_by_role("button")).to_have_text("Restart the conversation")
    screenshot(page, "console-chatbot-test")

    # Removing the condition clears the problem and the script saves.
    intro.get_by_role("button", name="Remove condition").click()
    expect(problems).to_have_text(["No problems found."])
    editor.locator("[data-action=save]").click()
    expect(editor.locator(".save-state")).to_have_text("Saved")
