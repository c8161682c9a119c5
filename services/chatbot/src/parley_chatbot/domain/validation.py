"""Static checks a script passes before it is published (B3).

Errors keep a script from being saved: dead ends (an answer no step follows and that has no
link), unreachable steps, a first step that cannot start a conversation, conditions on answers of
the same or later steps (or of steps and answers that do not exist), and malformed steps.
Warnings are allowed: an input nobody replies to, a hand-off with nothing after it for when no
operator is available.

Reachability is decided by walking every path the visitor can take: the state is the current
step and the answers picked so far, so a step guarded by answers that no single path can pick
together is found unreachable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from parley_contracts.chatbot import (
    ChatbotScript,
    ProblemSeverity,
    ScriptProblem,
    ScriptStep,
    StepType,
)

from .flow import next_step

MAX_PATH_STATES = 20_000
"""Beyond this many (step, answers) states the walk stops and reachability is not judged."""

NEEDS_TEXT = frozenset(
    {StepType.TEXT, StepType.QUESTION, StepType.EMAIL, StepType.PHONE, StepType.FREE_INPUT}
)
CANNOT_START = frozenset(
    {StepType.FORWARD_TO_OPERATOR, StepType.CREATE_LEAD, StepType.CREATE_TICKET}
)
INPUTS = frozenset({StepType.EMAIL, StepType.PHONE, StepType.FREE_INPUT})


def validate(script: ChatbotScript) -> list[ScriptProblem]:
    """Every problem found, errors first, in script order."""
    problems = [*_step_shapes(script), *_conditions(script), *_paths(script)]
    return sorted(problems, key=lambda p: p.severity is not ProblemSeverity.ERROR)


def has_errors(problems: list[ScriptProblem]) -> bool:
    return any(p.severity is ProblemSeverity.ERROR for p in problems)


def _error(
    code: str, message: str, step: str | None = None, answer: str | None = None
) -> ScriptProblem:
    return ScriptProblem(
        code=code, severity=ProblemSeverity.ERROR, message=message, step_id=step, answer_id=answer
    )


def _warning(code: str, message: str, step: str | None = None) -> ScriptProblem:
    return ScriptProblem(code=code, severity=ProblemSeverity.WARNING, message=message, step_id=step)


def _step_shapes(script: ChatbotScript) -> Iterator[ScriptProblem]:
    if not script.steps:
        yield _error("empty_script", "the script has no steps")
        return
    for step_id, count in Counter(step.id for step in script.steps).items():
        if count > 1:
            yield _error("duplicate_step_id", f"{count} steps have the id {step_id!r}", step_id)
    first = script.steps[0]
    if first.type in CANNOT_START:
        yield _error(
            "bad_first_step",
            f"a conversation cannot start with a {first.type.value} step",
            first.id,
        )
    if first.only_if:
        yield _error(
            "bad_first_step",
            "the first step cannot have conditions: nothing was answered yet",
            first.id,
        )
    for step in script.steps:
        yield from _step_shape(step)


def _step_shape(step: ScriptStep) -> Iterator[ScriptProblem]:
    if step.type in NEEDS_TEXT and not step.text.strip():
        yield _error(
            "missing_text", f"the {step.type.value} step {step.id!r} says nothing", step.id
        )
    if step.type is StepType.QUESTION:
        if not step.answers:
            yield _error(
                "question_without_answers", f"question {step.id!r} has no answers", step.id
            )
        for answer_id, count in Counter(a.id for a in step.answers).items():
            if count > 1:
                yield _error(
                    "duplicate_answer_id",
                    f"question {step.id!r} has {count} answers with the id {answer_id!r}",
                    step.id,
                    answer_id,
                )
    elif step.answers:
        yield _warning(
            "answers_ignored",
            f"only questions offer answers; {step.id!r} is a {step.type.value}",
            step.id,
        )


def _conditions(script: ChatbotScript) -> Iterator[ScriptProblem]:
    position = {step.id: index for index, step in reversed(list(enumerate(script.steps)))}
    for index, step in enumerate(script.steps):
        for condition in step.only_if:
            target = position.get(condition.step_id)
            if target is None:
                yield _error(
                    "unknown_condition_step",
                    f"step {step.id!r} depends on {condition.step_id!r}, which does not exist",
                    step.id,
                )
                continue
            question = script.steps[target]
            if target >= index:
                yield _error(
                    "condition_on_later_step",
                    f"step {step.id!r} depends on {condition.step_id!r}, which does not come "
                    "before it",
                    step.id,
                )
            if question.type is not StepType.QUESTION:
                yield _error(
                    "condition_on_non_question",
                    f"step {step.id!r} depends on {condition.step_id!r}, which is not a question",
                    step.id,
                )
                continue
            known = {answer.id for answer in question.answers}
            for answer_id in condition.answer_ids:
                if answer_id not in known:
                    yield _error(
                        "unknown_condition_answer",
                        f"step {step.id!r} depends on answer {answer_id!r}, which question "
                        f"{question.id!r} does not offer",
                        step.id,
                        answer_id,
                    )


def _paths(script: ChatbotScript) -> Iterator[ScriptProblem]:
    """Walk every path; report dead ends, then the steps no path reaches."""
    first = next_step(script, None, {})
    if first is None:
        if script.steps:
            yield _error("bad_first_step", "no step can start the conversation")
        return
    reached: set[int] = set()
    seen: set[tuple[int, frozenset[tuple[str, str]]]] = set()
    problems: dict[tuple[str, str | None, str | None], ScriptProblem] = {}
    pending: list[tuple[int, dict[str, str]]] = [(first, {})]
    while pending:
        index, picked = pending.pop()
        state = (index, frozenset(picked.items()))
        if state in seen:
            continue
        if len(seen) >= MAX_PATH_STATES:
            yield _warning(
                "too_complex_to_check",
                f"more than {MAX_PATH_STATES} paths: dead ends and reachability were not fully "
                "checked",
            )
            yield from problems.values()
            return
        seen.add(state)
        reached.add(index)
        step = script.steps[index]
        if step.type is StepType.QUESTION:
            for answer in step.answers:
                after = {**picked, step.id: answer.id}
                following = next_step(script, index, after)
                if following is not None:
                    pending.append((following, after))
                elif answer.url is None:
                    problems[("dead_end", step.id, answer.id)] = _error(
                        "dead_end",
                        f"no step follows answer {answer.id!r} of question {step.id!r} and it "
                        "has no link",
                        step.id,
                        answer.id,
                    )
            continue
        following = next_step(script, index, picked)
        if following is not None:
            pending.append((following, picked))
        elif step.type is StepType.FORWARD_TO_OPERATOR:
            problems[("no_fallback", step.id, None)] = _warning(
                "no_fallback_after_forward",
                f"nothing follows {step.id!r} when no operator is available: the script ends",
                step.id,
            )
        elif step.type in INPUTS:
            problems[("input_end", step.id, None)] = _warning(
                "dead_end_after_input",
                f"nothing follows the visitor's input to {step.id!r}: the script ends",
                step.id,
            )
    yield from problems.values()
    for index, step in enumerate(script.steps):
        if index not in reached:
            yield _error(
                "unreachable_step",
                f"no path through the script reaches step {step.id!r}",
                step.id,
            )
