"""Asks the chatbot service about its scripts (request/reply over RabbitMQ).

The admin HTTP routes (``/api/chatbot-scripts``) use this; the chatbot owns the scripts and their
validation, the gateway only relays. No answer in time is ``Unavailable`` (503).
"""

from __future__ import annotations

from parley_contracts.base import Query
from parley_contracts.chatbot import (
    ChatbotScript,
    DeleteScriptV1,
    GetScriptV1,
    ListScriptsV1,
    RunScriptTestV1,
    SaveScriptV1,
    ScriptDeletedV1,
    ScriptSavedV1,
    ScriptsV1,
    ScriptTestRunV1,
    ScriptV1,
    ScriptValidatedV1,
    ValidateScriptV1,
    VisitorInput,
)
from parley_platform.messaging.request import QueryClient

from .service_queries import R, ask_service


class ChatbotScriptsClient:
    def __init__(self, queries: QueryClient | None, timeout_s: float = 5.0) -> None:
        self._queries = queries
        self._timeout = timeout_s

    async def list(self) -> ScriptsV1:
        return await self._ask(ListScriptsV1(), ScriptsV1)

    async def get(self, script_id: str) -> ScriptV1:
        return await self._ask(GetScriptV1(script_id=script_id), ScriptV1)

    async def save(self, script: ChatbotScript) -> ScriptSavedV1:
        return await self._ask(SaveScriptV1(script=script), ScriptSavedV1)

    async def delete(self, script_id: str) -> ScriptDeletedV1:
        return await self._ask(DeleteScriptV1(script_id=script_id), ScriptDeletedV1)

    async def validate(self, script: ChatbotScript) -> ScriptValidatedV1:
        return await self._ask(ValidateScriptV1(script=script), ScriptValidatedV1)

    async def test(
        self,
        inputs: tuple[VisitorInput, ...],
        *,
        script: ChatbotScript | None = None,
        script_id: str | None = None,
        operator_available: bool = False,
    ) -> ScriptTestRunV1:
        query = RunScriptTestV1(
            inputs=inputs,
            script=script,
            script_id=script_id,
            operator_available=operator_available,
        )
        return await self._ask(query, ScriptTestRunV1)

    async def _ask(self, query: Query, reply: type[R]) -> R:
        return await ask_service(self._queries, query, reply, self._timeout, "chatbot service")
