"""Static validation before publishing (B3)."""

from __future__ import annotations

import pytest

from parley_chatbot.domain.validation import has_errors, validate
from parley_chatbot.domain.welcome_bot import WELCOME_BOT
from parley_contracts.chatbot import (
    ChatbotScript,
    OnlyIf,
    ProblemSeverity,
    ScriptAnswer,
    ScriptProblem,
    ScriptStep,
    StepType,
)

pytestmark = pytest.mark.unit


def script(*steps: ScriptStep) -> ChatbotScript:
    return ChatbotScript(id="s", name="Bot", steps=steps)


def question(step_id: str, *answers: ScriptAnswer, only_if: tuple[OnlyIf, ...] = ()) -> ScriptStep:
    return ScriptStep(
        id=step_id, type=StepType.QUESTION, text="?", answers=answers, only_if=only_if
    )


def step(step_id: str, kind: StepType = StepType.TEXT, *only_if: OnlyIf) -> ScriptStep:
    return ScriptStep(id=step_id, type=kind, text=step_id, only_if=only_if)


def errors(problems: list[ScriptProblem]) -> set[tuple[str, str | None, str | None]]:
    return {
        (p.code, p.step_id, p.answer_id) for p in problems if p.severity is ProblemSeverity.ERROR
    }


def test_the_welcome_bot_has_no_problems() -> None:
    assert validate(WELCOME_BOT) == []


def test_answer_that_no_step_follows_is_a_dead_end() -> None:
    problems = validate(
        script(
            question("q", ScriptAnswer(id="a", label="A"), ScriptAnswer(id="b", label="B")),
            step("only-a", StepType.TEXT, OnlyIf(step_id="q", answer_ids=("a",))),
        )
    )
    assert errors(problems) == {("dead_end", "q", "b")}


def test_answer_with_a_link_is_not_a_dead_end() -> None:
    problems = validate(
        script(
            step("hi"),
            question("q", ScriptAnswer(id="docs", label="Docs", url="https://docs.parley.dev/")),
        )
    )
    assert not has_errors(problems)


def test_step_no_path_can_reach_is_unreachable() -> None:
    a, b = ScriptAnswer(id="a", label="A"), ScriptAnswer(id="b", label="B")
    problems = validate(
        script(
            question("q1", a, b),
            question("q2", a, b, only_if=(OnlyIf(step_id="q1", answer_ids=("a",)),)),
            step("after-b", StepType.TEXT, OnlyIf(step_id="q1", answer_ids=("b",))),
            step(
                "b-then-q2",  # q2 is only asked after "a", so "b" and q2 never come together
                StepType.TEXT,
                OnlyIf(step_id="q1", answer_ids=("b",)),
                OnlyIf(step_id="q2", answer_ids=("a",)),
            ),
            step("end"),
        )
    )
    assert ("unreachable_step", "b-then-q2", None) in errors(problems)


def test_first_step_that_cannot_start_a_conversation_is_refused() -> None:
    problems = validate(script(step("fwd", StepType.FORWARD_TO_OPERATOR), step("hi")))
    assert ("bad_first_step", "fwd", None) in errors(problems)


def test_first_step_with_conditions_is_refused() -> None:
    problems = validate(
        script(
            step("hi", StepType.TEXT, OnlyIf(step_id="q", answer_ids=("a",))),
            question("q", ScriptAnswer(id="a", label="A")),
            step("end"),
        )
    )
    assert ("bad_first_step", "hi", None) in errors(problems)


def test_condition_on_a_later_step_is_refused() -> None:
    problems = validate(
        script(
            step("hi"),
            step("early", StepType.TEXT, OnlyIf(step_id="q", answer_ids=("a",))),
            question("q", ScriptAnswer(id="a", label="A")),
            step("end"),
        )
    )
    assert ("condition_on_later_step", "early", None) in errors(problems)


def test_condition_on_an_unknown_answer_is_refused() -> None:
    problems = validate(
        script(
            question("q", ScriptAnswer(id="a", label="A")),
            step("x", StepType.TEXT, OnlyIf(step_id="q", answer_ids=("a", "zzz"))),
        )
    )
    assert ("unknown_condition_answer", "x", "zzz") in errors(problems)


def test_question_without_answers_and_empty_text_are_refused() -> None:
    problems = validate(script(ScriptStep(id="q", type=StepType.QUESTION, text=""), step("e")))
    assert {("question_without_answers", "q", None), ("missing_text", "q", None)} <= errors(
        problems
    )


def test_forward_with_nothing_after_it_is_only_a_warning() -> None:
    problems = validate(script(step("hi"), step("fwd", StepType.FORWARD_TO_OPERATOR)))
    assert not has_errors(problems)
    assert [p.code for p in problems] == ["no_fallback_after_forward"]


def test_empty_script_is_refused() -> None:
    assert errors(validate(script())) == {("empty_script", None, None)}
