"""Which step comes next (B2): the first later step whose "only if" conditions hold."""

from __future__ import annotations

from collections.abc import Mapping

from parley_contracts.chatbot import ChatbotScript, ScriptStep

Picked = Mapping[str, str]
"""Question step id -> the answer id the visitor picked (one per question and run)."""


def required_answers(step: ScriptStep) -> dict[str, frozenset[str]]:
    """The step's conditions per question: answers of one question are alternatives (OR)."""
    wanted: dict[str, set[str]] = {}
    for condition in step.only_if:
        wanted.setdefault(condition.step_id, set()).update(condition.answer_ids)
    return {question: frozenset(answers) for question, answers in wanted.items()}


def conditions_hold(step: ScriptStep, picked: Picked) -> bool:
    """Every question the step names (AND) was answered with one of its listed answers (OR)."""
    return all(picked.get(q) in answers for q, answers in required_answers(step).items())


def next_step(script: ChatbotScript, after: int | None, picked: Picked) -> int | None:
    """Index of the first step after ``after`` (from the start when None) that may run."""
    start = 0 if after is None else after + 1
    for index in range(start, len(script.steps)):
        if conditions_hold(script.steps[index], picked):
            return index
    return None


def index_of(script: ChatbotScript, step_id: str | None) -> int | None:
    if step_id is None:
        return None
    for index, step in enumerate(script.steps):
        if step.id == step_id:
            return index
    return None
