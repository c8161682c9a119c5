"""Script management: the answers to the save, get, list, delete and validate queries."""

from __future__ import annotations

from parley_contracts.chatbot import (
    ChatbotScript,
    ScriptDeletedV1,
    ScriptSavedV1,
    ScriptSummary,
    ScriptsV1,
    ScriptV1,
    ScriptValidatedV1,
)

from ..domain.validation import has_errors, validate
from .ports import Clock, ScriptRepository


class ManageScripts:
    def __init__(self, scripts: ScriptRepository, clock: Clock) -> None:
        self._scripts = scripts
        self._clock = clock

    async def save(self, script: ChatbotScript) -> ScriptSavedV1:
        """Publish ``script`` (create or replace) unless validation finds errors."""
        problems = tuple(validate(script))
        if has_errors(list(problems)):
            return ScriptSavedV1(
                script_id=script.id,
                saved=False,
                problems=problems,
                error="the script has problems; fix the errors and save again",
            )
        stored = await self._scripts.save(script, self._clock.now())
        return ScriptSavedV1(
            script_id=script.id, saved=True, script=stored.script, problems=problems
        )

    async def get(self, script_id: str) -> ScriptV1:
        stored = await self._scripts.get(script_id)
        if stored is None:
            return ScriptV1(script_id=script_id, error=f"no script {script_id!r}")
        return ScriptV1(script_id=script_id, script=stored.script, updated_at=stored.updated_at)

    async def list(self) -> ScriptsV1:
        stored = sorted(await self._scripts.list(), key=lambda s: (s.script.name, s.script.id))
        return ScriptsV1(
            scripts=tuple(
                ScriptSummary(
                    id=s.script.id,
                    name=s.script.name,
                    avatar_url=s.script.avatar_url,
                    step_count=len(s.script.steps),
                    updated_at=s.updated_at,
                )
                for s in stored
            )
        )

    async def delete(self, script_id: str) -> ScriptDeletedV1:
        if await self._scripts.delete(script_id, self._clock.now()):
            return ScriptDeletedV1(script_id=script_id, deleted=True)
        return ScriptDeletedV1(script_id=script_id, deleted=False, error=f"no script {script_id!r}")

    def validate(self, script: ChatbotScript) -> ScriptValidatedV1:
        problems = validate(script)
        return ScriptValidatedV1(
            script_id=script.id, valid=not has_errors(problems), problems=tuple(problems)
        )
