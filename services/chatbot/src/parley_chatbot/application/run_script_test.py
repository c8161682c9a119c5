"""Test mode (B3): run a script without a real conversation and show the visitor's view.

The same rules as a live conversation, with time skipped: typing pauses and multi-line quiet
windows pass at once, so every input is one answer. Forward steps find an operator only when
the caller says so; leads and tickets are shown as notes, not requested.
"""

from __future__ import annotations

from datetime import UTC, datetime

from parley_contracts.chatbot import (
    RunScriptTestV1,
    ScriptTestRunV1,
    Speaker,
    ViewLine,
)
from parley_contracts.common import VisitorInfo
from parley_contracts.gateway import MessageChoice

from ..domain.effects import Effect, HandOff, RequestLead, Say
from ..domain.session import BotSession, InputChecks, Phase, ScriptRun, Timing
from ..domain.validation import validate
from .ports import ScriptRepository

TEST_VISITOR = VisitorInfo(visitor_id="test-visitor", name="Test visitor")
MAX_WAKES = 1_000
"""A script has finitely many steps; this only guards against a runaway loop."""


class RunScriptTest:
    def __init__(self, scripts: ScriptRepository, timing: Timing, checks: InputChecks) -> None:
        self._scripts = scripts
        self._timing = timing
        self._checks = checks

    async def __call__(self, query: RunScriptTestV1) -> ScriptTestRunV1:
        script = query.script
        if script is None:
            assert query.script_id is not None
            stored = await self._scripts.get(query.script_id)
            if stored is None:
                return ScriptTestRunV1(
                    script_id=query.script_id, error=f"no script {query.script_id!r}"
                )
            script = stored.script
        now = datetime.now(UTC)
        session = BotSession("test", "test", script.id, TEST_VISITOR)
        view: list[ViewLine] = []
        offered: tuple[MessageChoice, ...] = ()

        def run() -> ScriptRun:
            return ScriptRun(session, script, self._timing, self._checks, now)

        def show(effects: list[Effect]) -> None:
            nonlocal offered
            for effect in effects:
                if isinstance(effect, Say):
                    view.append(
                        ViewLine(speaker=Speaker.BOT, text=effect.text, choices=effect.choices)
                    )
                    offered = effect.choices or offered
                    continue
                view.append(
                    ViewLine(speaker=Speaker.NOTE, text=_note(effect, query.operator_available))
                )
                if isinstance(effect, HandOff):
                    show(
                        run().operator_found()
                        if query.operator_available
                        else run().no_operator_found()
                    )

        def settle() -> None:
            nonlocal now
            for _ in range(MAX_WAKES):
                if session.wake_at is None:
                    return
                now = session.wake_at
                show(run().wake())

        show(run().start())
        settle()
        for given in query.inputs:
            if session.phase is Phase.HANDED_OVER:
                break
            label = next((c.label for c in offered if c.id == given.choice_id), None)
            view.append(
                ViewLine(speaker=Speaker.VISITOR, text=label or given.text or given.choice_id or "")
            )
            show(run().visitor_says(label or given.text, given.choice_id))
            settle()
        waiting = session.step_id if session.phase is Phase.AWAITING_ANSWER else None
        return ScriptTestRunV1(
            script_id=script.id,
            messages=tuple(view),
            ended=session.phase is Phase.ENDED,
            handed_over=session.phase is Phase.HANDED_OVER,
            waiting_for_step_id=waiting,
            problems=tuple(validate(script)),
        )


def _note(effect: Effect, operator_available: bool) -> str:
    if isinstance(effect, HandOff):
        expertise = ", ".join(effect.step.expertise)
        wanted = f" with expertise {expertise}" if expertise else ""
        outcome = (
            "an operator joins and the bot leaves"
            if operator_available
            else ("nobody is available (test run), the script goes on")
        )
        return f"Forward to an operator{wanted}: {outcome}"
    kind = "lead" if isinstance(effect, RequestLead) else "ticket"
    answers = "; ".join(f"{a.question}: {a.answer}" for a in getattr(effect, "answers", ()))
    return f"A {kind} would be created with the answers ({answers or 'none'}) and the transcript"
