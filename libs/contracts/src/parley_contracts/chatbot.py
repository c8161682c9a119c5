"""Messages of the chatbot, which runs scripts in conversations that have one.

The bot speaks through the gateway's ``PostBotMessageV1`` command and asks the tickets service
for leads and tickets with ``CreateLeadV1`` / ``CreateTicketV1``; what it publishes itself is the
hand-off to a human operator. Scripts are managed with queries the chatbot answers (save, get,
list, delete, validate, test); ``ChatbotScript`` is also the documented import/export format
(docs/chatbot.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from parley_contracts.base import Event, Query, Reply
from parley_contracts.common import (
    ChannelId,
    ConversationId,
    DisplayName,
    Identifier,
    LanguageTag,
    MessageText,
    Tag,
    UtcDatetime,
    ValueObject,
    VisitorInfo,
    WebUrl,
)
from parley_contracts.gateway.conversation import MessageChoice

ErrorText = Annotated[str, StringConstraints(max_length=500)]


class BotAnswer(ValueObject):
    """A visitor's answer to one chatbot step, shown to the operator after the hand-off."""

    step_id: Identifier
    question: Annotated[str, StringConstraints(max_length=2000)]
    answer: MessageText


class HandoffRequestedV1(Event):
    """A chatbot step forwards the visitor to a human operator.

    Routing looks for an operator with ``required_expertise`` first and, when
    ``fallback_to_any_operator`` is set, then for any available operator. When none is found it
    publishes ``conversation.no_operator_found.v1`` and the bot continues its script.
    """

    TYPE: ClassVar[str] = "chatbot.handoff_requested.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    script_id: Identifier
    step_id: Identifier
    visitor: VisitorInfo
    language: LanguageTag | None = None
    """Language the operator should speak; defaults to the visitor's language."""
    required_expertise: tuple[Tag, ...] = ()
    fallback_to_any_operator: bool = True
    answers: tuple[BotAnswer, ...] = ()
    """What the visitor answered so far, in script order."""


class StepType(StrEnum):
    """What a script step does (B1)."""

    TEXT = "text"
    """Says ``text``; no answer expected. The next step follows after a short typing pause."""
    QUESTION = "question"
    """Asks ``text`` and offers ``answers`` as buttons; only those answers are accepted."""
    EMAIL = "email"
    """Asks for an e-mail address; an invalid one is refused and the question asked again."""
    PHONE = "phone"
    """Asks for a phone number, stored as given (and normalised where it can be parsed)."""
    FORWARD_TO_OPERATOR = "forward_to_operator"
    """Hands the visitor to an operator (with ``expertise`` first); if none is available the
    script goes on with its next step."""
    FREE_INPUT = "free_input"
    """Takes any text; with ``multi_line`` several messages in a short quiet window are one
    answer."""
    CREATE_LEAD = "create_lead"
    """Asks the tickets service for a lead with the answers and the transcript."""
    CREATE_TICKET = "create_ticket"
    """Asks the tickets service for a ticket with the answers and the transcript."""


class ScriptAnswer(ValueObject):
    """One answer of a question step, shown as a button."""

    id: Identifier
    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    url: WebUrl | None = None
    """Where the widget sends the visitor when they pick this answer."""


class OnlyIf(ValueObject):
    """A condition on an earlier question: one of ``answer_ids`` was picked (B2).

    The conditions of one step on the same question combine with OR, on different questions
    with AND.
    """

    step_id: Identifier
    """The earlier question step."""
    answer_ids: Annotated[tuple[Identifier, ...], Field(min_length=1)]


class ScriptStep(ValueObject):
    """One line of a chatbot script."""

    id: Identifier
    type: StepType
    text: MessageText = ""
    """What the bot says; optional for forward, create-lead and create-ticket steps."""
    answers: tuple[ScriptAnswer, ...] = ()
    """Question steps only."""
    only_if: tuple[OnlyIf, ...] = ()
    """The step runs only when every condition holds; empty: always."""
    expertise: tuple[Tag, ...] = ()
    """Forward steps: operators with one of these expertise are tried first."""
    fallback_to_any_operator: bool = True
    """Forward steps: when nobody has the expertise, any available operator will do."""
    multi_line: bool = False
    """Free-input steps: messages sent in a short quiet window count as one answer."""
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    """Create-lead and create-ticket steps: the title; default "<visitor>: <script name>"."""
    labels: tuple[Tag, ...] = ()
    """Create-ticket steps: labels of the ticket."""


class ChatbotScript(ValueObject):
    """A chatbot and its script: the import/export document (docs/chatbot.md)."""

    format: Literal["parley.chatbot-script/1"] = "parley.chatbot-script/1"
    """The document format and its version."""
    id: Identifier
    name: DisplayName
    """The bot's name, as visitors see it in the chat."""
    avatar_url: WebUrl | None = None
    steps: tuple[ScriptStep, ...] = ()
    """In script order: the conversation goes from one step to the first later step whose
    conditions hold."""


class ProblemSeverity(StrEnum):
    ERROR = "error"
    """The script cannot be saved (published) until it is fixed."""
    WARNING = "warning"
    """Allowed, but probably not what the author meant."""


class ScriptProblem(ValueObject):
    """Something static validation found in a script (B3)."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    """``dead_end``, ``unreachable_step``, ``bad_first_step``, ``condition_on_later_step``, ..."""
    severity: ProblemSeverity
    message: Annotated[str, StringConstraints(max_length=1000)]
    step_id: Identifier | None = None
    answer_id: Identifier | None = None


class ScriptSummary(ValueObject):
    """A script in the list of scripts."""

    id: Identifier
    name: DisplayName
    avatar_url: WebUrl | None = None
    step_count: Annotated[int, Field(ge=0)]
    updated_at: UtcDatetime


class ScriptSavedV1(Reply):
    """The script as saved, or the problems that kept it from being saved."""

    TYPE: ClassVar[str] = "chatbot.script_saved.v1"

    script_id: Identifier
    saved: bool
    script: ChatbotScript | None = None
    problems: tuple[ScriptProblem, ...] = ()
    """Errors (when not saved) and warnings."""
    error: ErrorText | None = None


class SaveScriptV1(Query):
    """Create or replace a script; refused when validation finds errors."""

    TYPE: ClassVar[str] = "chatbot.save_script.v1"
    REPLY: ClassVar[type[Reply]] = ScriptSavedV1

    script: ChatbotScript


class ScriptV1(Reply):
    """One script, or ``error`` when there is none with that id."""

    TYPE: ClassVar[str] = "chatbot.script.v1"

    script_id: Identifier
    script: ChatbotScript | None = None
    updated_at: UtcDatetime | None = None
    error: ErrorText | None = None


class GetScriptV1(Query):
    """Read one script (answered with ``ScriptV1``)."""

    TYPE: ClassVar[str] = "chatbot.get_script.v1"
    REPLY: ClassVar[type[Reply]] = ScriptV1

    script_id: Identifier


class ScriptsV1(Reply):
    """Every script, by name."""

    TYPE: ClassVar[str] = "chatbot.scripts.v1"

    scripts: tuple[ScriptSummary, ...]


class ListScriptsV1(Query):
    """List the scripts (answered with ``ScriptsV1``)."""

    TYPE: ClassVar[str] = "chatbot.list_scripts.v1"
    REPLY: ClassVar[type[Reply]] = ScriptsV1


class ScriptDeletedV1(Reply):
    """Whether the script was deleted; ``error`` when there was none with that id."""

    TYPE: ClassVar[str] = "chatbot.script_deleted.v1"

    script_id: Identifier
    deleted: bool
    error: ErrorText | None = None


class DeleteScriptV1(Query):
    """Delete a script. Conversations already running it finish with the copy they hold."""

    TYPE: ClassVar[str] = "chatbot.delete_script.v1"
    REPLY: ClassVar[type[Reply]] = ScriptDeletedV1

    script_id: Identifier


class ScriptValidatedV1(Reply):
    """What static validation found; ``valid`` when there is no error."""

    TYPE: ClassVar[str] = "chatbot.script_validated.v1"

    script_id: Identifier
    valid: bool
    problems: tuple[ScriptProblem, ...] = ()


class ValidateScriptV1(Query):
    """Check a script without saving it (B3)."""

    TYPE: ClassVar[str] = "chatbot.validate_script.v1"
    REPLY: ClassVar[type[Reply]] = ScriptValidatedV1

    script: ChatbotScript


class VisitorInput(ValueObject):
    """One thing the visitor does in a test run: type ``text`` or pick the answer ``choice_id``."""

    text: MessageText = ""
    choice_id: Identifier | None = None


class Speaker(StrEnum):
    BOT = "bot"
    VISITOR = "visitor"
    NOTE = "note"
    """What would happen outside the chat: a hand-off, a lead, a ticket, the end."""


class ViewLine(ValueObject):
    """One line of the visitor's view in a test run."""

    speaker: Speaker
    text: MessageText
    choices: tuple[MessageChoice, ...] = ()


class ScriptTestRunV1(Reply):
    """The visitor's view of a test run: messages with their buttons, and where it stopped."""

    TYPE: ClassVar[str] = "chatbot.script_test_run.v1"

    script_id: Identifier
    messages: tuple[ViewLine, ...] = ()
    ended: bool = False
    """The script reached its end (the visitor would be offered a restart)."""
    handed_over: bool = False
    waiting_for_step_id: Identifier | None = None
    """The step whose answer the bot waits for after the last input."""
    problems: tuple[ScriptProblem, ...] = ()
    error: ErrorText | None = None


class RunScriptTestV1(Query):
    """Run a script without a real conversation (B3): the given script, or the saved one with
    ``script_id``, fed with the visitor's ``inputs`` in order."""

    TYPE: ClassVar[str] = "chatbot.run_script_test.v1"
    REPLY: ClassVar[type[Reply]] = ScriptTestRunV1

    inputs: tuple[VisitorInput, ...]
    script: ChatbotScript | None = None
    script_id: Identifier | None = None
    operator_available: bool = False
    """Whether forward steps find an operator (then the run stops there)."""

    @model_validator(mode="after")
    def _one_script(self) -> Self:
        if (self.script is None) == (self.script_id is None):
            raise ValueError("give either script or script_id")
        return self


MESSAGES = (
    HandoffRequestedV1,
    SaveScriptV1,
    ScriptSavedV1,
    GetScriptV1,
    ScriptV1,
    ListScriptsV1,
    ScriptsV1,
    DeleteScriptV1,
    ScriptDeletedV1,
    ValidateScriptV1,
    ScriptValidatedV1,
    RunScriptTestV1,
    ScriptTestRunV1,
)
"""Every message the chatbot publishes or answers, in catalogue order."""
