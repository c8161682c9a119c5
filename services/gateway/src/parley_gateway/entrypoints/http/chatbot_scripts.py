"""``/api/chatbot-scripts``: admins manage chatbot scripts (B1-B4); the chatbot service owns them.

The documents are the chatbot's import/export format (``ChatbotScript``, docs/chatbot.md):
``PUT`` imports (creates or replaces) one, ``GET`` exports it. A script with errors is refused
with 422 and the problems; ``/validate`` checks without saving and ``/test`` runs a script (saved
or given) against the visitor inputs and returns the visitor's view.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, SkipValidation
from pydantic import BaseModel, ConfigDict

from parley_contracts.chatbot import (
    ChatbotScript,
    ScriptsV1,
    ScriptTestRunV1,
    ScriptValidatedV1,
    VisitorInput,
)

from ...adapters.chatbot_scripts_client import ChatbotScriptsClient
from ...domain.errors import InvalidInput, NotFound
from .security import admin_required

ChatbotScripts = NamedDependency[SkipValidation[ChatbotScriptsClient]]
"""The ``chatbot_scripts`` dependency."""


class ScriptTestIn(BaseModel):
    """A test run: the saved script at the path, or ``script`` (unsaved), fed with ``inputs``."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[VisitorInput] = []
    script: ChatbotScript | None = None
    operator_available: bool = False


class ChatbotScriptController(Controller):
    path = "/chatbot-scripts"
    tags = ("chatbot scripts",)
    guards = (admin_required,)

    @get("/")
    async def list_scripts(self, chatbot_scripts: ChatbotScripts) -> ScriptsV1:
        return await chatbot_scripts.list()

    @get("/{script_id:str}")
    async def export_script(
        self, script_id: FromPath[str], chatbot_scripts: ChatbotScripts
    ) -> ChatbotScript:
        """The script as an import/export document."""
        reply = await chatbot_scripts.get(script_id)
        if reply.script is None:
            raise NotFound(reply.error or f"no script {script_id!r}")
        return reply.script

    @put("/{script_id:str}")
    async def import_script(
        self,
        script_id: FromPath[str],
        data: JSONBody[ChatbotScript],
        chatbot_scripts: ChatbotScripts,
    ) -> Response[Any]:
        """Create or replace (publish) a script; 422 with its problems when it has errors."""
        if data.id != script_id:
            raise InvalidInput(f"the document's id {data.id!r} is not {script_id!r}")
        reply = await chatbot_scripts.save(data)
        status = 200 if reply.saved else 422
        body = reply.model_dump(mode="json")
        if not reply.saved:
            body |= {"status_code": 422, "code": "invalid_script", "detail": reply.error}
        return Response(body, status_code=status, media_type=MediaType.JSON)

    @delete("/{script_id:str}")
    async def delete_script(
        self, script_id: FromPath[str], chatbot_scripts: ChatbotScripts
    ) -> None:
        reply = await chatbot_scripts.delete(script_id)
        if not reply.deleted:
            raise NotFound(reply.error or f"no script {script_id!r}")

    @post("/validate", status_code=200)
    async def validate_script(
        self, data: JSONBody[ChatbotScript], chatbot_scripts: ChatbotScripts
    ) -> ScriptValidatedV1:
        """Check a script without saving it."""
        return await chatbot_scripts.validate(data)

    @post("/{script_id:str}/test", status_code=200)
    async def test_script(
        self,
        script_id: FromPath[str],
        data: JSONBody[ScriptTestIn],
        chatbot_scripts: ChatbotScripts,
    ) -> ScriptTestRunV1:
        """Run the saved script (or ``script``, unsaved) and show what the visitor would see."""
        reply = await chatbot_scripts.test(
            tuple(data.inputs),
            script=data.script,
            script_id=None if data.script is not None else script_id,
            operator_available=data.operator_available,
        )
        if reply.error and not reply.messages:
            raise NotFound(reply.error)
        return reply
