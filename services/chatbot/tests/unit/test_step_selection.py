"""Which step comes next: only-if conditions, OR within a question, AND across questions."""

from __future__ import annotations

import pytest

from parley_chatbot.domain.flow import conditions_hold, next_step
from parley_contracts.chatbot import ChatbotScript, OnlyIf, ScriptAnswer, ScriptStep, StepType

pytestmark = pytest.mark.unit


def question(step_id: str, *answers: str) -> ScriptStep:
    return ScriptStep(
        id=step_id,
        type=StepType.QUESTION,
        text=f"{step_id}?",
        answers=tuple(ScriptAnswer(id=a, label=a) for a in answers),
    )


def text(step_id: str, *only_if: OnlyIf) -> ScriptStep:
    return ScriptStep(id=step_id, type=StepType.TEXT, text=step_id, only_if=only_if)


SCRIPT = ChatbotScript(
    id="s",
    name="Bot",
    steps=(
        question("topic", "sales", "support", "jobs"),
        question("size", "small", "large"),
        text("sales-or-support", OnlyIf(step_id="topic", answer_ids=("sales", "support"))),
        text(
            "large-sales",
            OnlyIf(step_id="topic", answer_ids=("sales",)),
            OnlyIf(step_id="size", answer_ids=("large",)),
        ),
        text(
            "split-or",
            OnlyIf(step_id="topic", answer_ids=("jobs",)),
            OnlyIf(step_id="topic", answer_ids=("support",)),
        ),
        text("always"),
    ),
)


def step_named(name: str) -> ScriptStep:
    return next(s for s in SCRIPT.steps if s.id == name)


def test_step_without_conditions_always_runs() -> None:
    assert conditions_hold(step_named("always"), {})


def test_answers_of_the_same_question_combine_with_or() -> None:
    step = step_named("sales-or-support")
    assert conditions_hold(step, {"topic": "sales"})
    assert conditions_hold(step, {"topic": "support"})
    assert not conditions_hold(step, {"topic": "jobs"})


def test_conditions_on_the_same_question_in_separate_entries_still_combine_with_or() -> None:
    step = step_named("split-or")
    assert conditions_hold(step, {"topic": "jobs"})
    assert conditions_hold(step, {"topic": "support"})
    assert not conditions_hold(step, {"topic": "sales"})


def test_conditions_on_different_questions_combine_with_and() -> None:
    step = step_named("large-sales")
    assert conditions_hold(step, {"topic": "sales", "size": "large"})
    assert not conditions_hold(step, {"topic": "sales", "size": "small"})
    assert not conditions_hold(step, {"topic": "sales"})


def test_unanswered_question_fails_its_condition() -> None:
    assert not conditions_hold(step_named("sales-or-support"), {})


def test_next_step_is_the_first_later_step_whose_conditions_hold() -> None:
    picked = {"topic": "jobs", "size": "small"}
    assert SCRIPT.steps[next_step(SCRIPT, 1, picked) or 0].id == "split-or"


def test_next_step_skips_steps_whose_conditions_fail() -> None:
    picked = {"topic": "sales", "size": "small"}
    after_first = next_step(SCRIPT, 2, picked)
    assert after_first is not None and SCRIPT.steps[after_first].id == "always"


def test_no_later_step_ends_the_script() -> None:
    assert next_step(SCRIPT, len(SCRIPT.steps) - 1, {}) is None


def test_first_step_is_chosen_from_the_start() -> None:
    assert next_step(SCRIPT, None, {}) == 0
