"""One realistic example of every message, for the AsyncAPI document and for tests.

The examples tell one story: Ada visits the Acme website, the Welcome Bot greets her, hands her
over to Bob from billing, she rates the chat and a ticket is created. Values are fixed, so the
generated document is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import TypedDict, TypeVar

from parley_contracts import chatbot, gateway, notifications, routing, tickets
from parley_contracts.base import Message
from parley_contracts.common import (
    Attachment,
    OperatorAvailability,
    Participant,
    ParticipantRole,
    RoutingMode,
    VisitorInfo,
)
from parley_contracts.envelope import CloudEvent
from parley_contracts.names import Service, source_for
from parley_contracts.registry import owner_of

M = TypeVar("M", bound=Message)

AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
CONVERSATION = "c-01JPB4TZ6Q"
CHANNEL = "website-support"
ADA = VisitorInfo(
    visitor_id="v-7f3a9c",
    customer_id="acme-customer-4711",
    name="Ada Lovelace",
    email="ada@example.com",
    language="en-GB",
    country="GB",
    page_url="https://www.example.com/pricing",
)
VISITOR = Participant(id=ADA.visitor_id, role=ParticipantRole.VISITOR, display_name=ADA.name)
BOB = Participant(id="a-bob", role=ParticipantRole.AGENT, display_name="Bob")
BOT = Participant(id="welcome-bot", role=ParticipantRole.BOT, display_name="Welcome Bot")
CONTACT = tickets.Contact(customer_id=ADA.customer_id, name=ADA.name, email=ADA.email)
DECISION = routing.RoutingDecision(
    rule="expertise",
    explanation="Bob has the 'billing' expertise and 1 of 3 chats; Cleo is at capacity.",
    candidates=(
        routing.CandidateVerdict(
            agent_id="a-bob", eligible=True, reasons=("expertise",), score=2.0
        ),
        routing.CandidateVerdict(agent_id="a-cleo", eligible=False, reasons=("at capacity: 3/3",)),
    ),
)
BOB_PROFILE = routing.OperatorProfile(
    agent_id="a-bob",
    chat_name="Bob",
    main_language="en",
    extra_languages=("fr",),
    expertise=("billing",),
    country="GB",
    max_chats=3,
    channel_ids=(CHANNEL,),
)
BOB_OVERVIEW = routing.OperatorOverview(
    profile=BOB_PROFILE,
    availability=OperatorAvailability.ONLINE,
    active_conversation_ids=(CONVERSATION,),
    online_since=AT - timedelta(minutes=30),
    last_assigned_at=AT + timedelta(seconds=12),
)
SCRIPT = chatbot.ChatbotScript(
    id="welcome-bot",
    name="Welcome Bot",
    steps=(
        chatbot.ScriptStep(
            id="hello", type=chatbot.StepType.TEXT, text="Hello! I am the Welcome Bot."
        ),
        chatbot.ScriptStep(
            id="ask",
            type=chatbot.StepType.QUESTION,
            text="What are you looking for?",
            answers=(chatbot.ScriptAnswer(id="pricing", label="I have a pricing question"),),
        ),
        chatbot.ScriptStep(
            id="forward",
            type=chatbot.StepType.FORWARD_TO_OPERATOR,
            text="Let me find someone who can help you with that...",
            expertise=("sales",),
            only_if=(chatbot.OnlyIf(step_id="ask", answer_ids=("pricing",)),),
        ),
    ),
)
TRANSCRIPT = gateway.TranscriptV1(
    conversation_id=CONVERSATION,
    channel_id=CHANNEL,
    visitor=ADA,
    started_at=AT,
    ended_at=AT + timedelta(minutes=7),
    messages=(
        gateway.TranscriptEntry(
            sequence=3, message_id="m-3", author=VISITOR, posted_at=AT, text="Hi! Invoice help?"
        ),
    ),
)


class _Ids(TypedDict):
    conversation_id: str
    channel_id: str


_ids = _Ids(conversation_id=CONVERSATION, channel_id=CHANNEL)

_EXAMPLES: tuple[Message, ...] = (
    gateway.ConversationStartedV1(
        **_ids,
        sequence=1,
        initiated_by=ParticipantRole.VISITOR,
        visitor=ADA,
        chatbot_script_id="welcome-bot",
    ),
    gateway.ConversationRequestedV1(
        **_ids,
        sequence=2,
        visitor=ADA,
        language="en",
        required_expertise=("billing",),
        previous_agent_id="a-bob",
    ),
    gateway.MessagePostedV1(
        **_ids,
        sequence=3,
        message_id="m-3",
        client_message_id="cm-5b1e",
        author=VISITOR,
        text="Hi! I need help with an invoice.",
        attachments=(
            Attachment(
                attachment_id="att-1",
                file_name="invoice.pdf",
                content_type="application/pdf",
                size_bytes=48213,
                url="https://chat.example.com/attachments/att-1",
            ),
        ),
    ),
    gateway.ParticipantJoinedV1(
        **_ids, sequence=7, participant=BOB, reason=gateway.JoinReason.ASSIGNED
    ),
    gateway.ParticipantLeftV1(**_ids, sequence=8, participant=BOT, reason=gateway.LeaveReason.LEFT),
    gateway.ConversationStatusChangedV1(
        **_ids,
        sequence=9,
        status=gateway.ConversationStatus.LOOKING_FOR_HELP,
        previous_status=gateway.ConversationStatus.IN_PROGRESS,
        changed_by=BOB,
        expertise=("billing",),
    ),
    gateway.ConversationEndedV1(
        **_ids,
        sequence=12,
        started_at=AT,
        ended_at=AT + timedelta(minutes=7),
        duration_seconds=420.0,
        outcome=gateway.ConversationOutcome.SUCCESS,
        ended_by=gateway.EndedBy.VISITOR,
        visitor=ADA,
        agent_ids=("a-bob",),
        chatbot_script_id="welcome-bot",
        tags=("invoice",),
        time_to_answer_seconds=14.5,
        message_count=9,
    ),
    gateway.ConversationRatedV1(
        **_ids,
        sequence=13,
        rating=gateway.Rating.OKAY,
        comment="Quick, but I had to repeat it.",
        agent_ids=("a-bob",),
    ),
    gateway.TypingChangedV1(**_ids, participant=BOB, typing=True),
    gateway.OperatorSignalledV1(
        agent_id="a-bob",
        display_name="Bob",
        signal=gateway.OperatorSignal.CHOSE_AVAILABILITY,
        availability=OperatorAvailability.ONLINE,
        at=AT - timedelta(minutes=30),
    ),
    gateway.ChannelConfiguredV1(
        channel_id=CHANNEL,
        name="Website support",
        routing_mode=RoutingMode.PUSH,
        request_timeout_seconds=300,
        answer_timeout_seconds=60,
    ),
    gateway.PostBotMessageV1(
        conversation_id=CONVERSATION,
        bot=BOT,
        client_message_id="welcome-bot:step-1",
        text="Hello! What can I do for you?",
        choices=(
            gateway.MessageChoice(id="billing", label="A question about billing"),
            gateway.MessageChoice(id="docs", label="Read the docs", url="https://example.com/doc"),
        ),
    ),
    gateway.GetTranscriptV1(conversation_id=CONVERSATION),
    TRANSCRIPT,
    routing.ConversationAssignedV1(
        **_ids,
        agent_id="a-bob",
        agent_display_name="Bob",
        mode=routing.AssignmentMode.PUSH,
        waited_seconds=12.0,
        answer_by=AT + timedelta(seconds=60),
        decision=DECISION,
    ),
    routing.ConversationOfferedV1(
        **_ids,
        agent_ids=("a-bob", "a-dan"),
        offered_at=AT + timedelta(seconds=12),
        expires_at=AT + timedelta(seconds=72),
        decision=routing.RoutingDecision(
            rule="pull_eligible",
            explanation="Bob and Dan speak English and have a free chat; Cleo is at capacity.",
            candidates=(
                routing.CandidateVerdict(agent_id="a-bob", eligible=True),
                routing.CandidateVerdict(agent_id="a-dan", eligible=True),
                routing.CandidateVerdict(
                    agent_id="a-cleo", eligible=False, reasons=("at capacity: 3/3",)
                ),
            ),
        ),
    ),
    routing.AssignmentExpiredV1(**_ids, agent_id="a-cleo", attempt=1),
    routing.QueuePositionChangedV1(**_ids, position=2, estimated_wait_seconds=90.0),
    routing.NoOperatorFoundV1(
        **_ids, reason=routing.NoOperatorReason.TIMED_OUT, waited_seconds=300.0
    ),
    routing.TransferRefusedV1(
        **_ids, requested_by="a-bob", to_agent_id="a-cleo", reason="Cleo is away"
    ),
    routing.OperatorPresenceChangedV1(
        agent_id="a-bob",
        display_name="Bob",
        availability=OperatorAvailability.ONLINE,
        previous_availability=OperatorAvailability.OFFLINE,
        reason=routing.PresenceReason.MANUAL,
        channel_ids=(CHANNEL,),
    ),
    routing.TransferConversationV1(**_ids, requested_by="a-bob", to_channel_id="sales"),
    routing.UpdateOperatorV1(agent_id="a-bob", display_name="Bob", profile=BOB_PROFILE),
    routing.OperatorUpdatedV1(agent_id="a-bob", operator=BOB_OVERVIEW),
    routing.GetOperatorsV1(channel_id=CHANNEL),
    routing.OperatorsV1(operators=(BOB_OVERVIEW,)),
    routing.GetRoutingDecisionsV1(conversation_id=CONVERSATION),
    routing.RoutingDecisionsV1(
        conversation_id=CONVERSATION,
        decisions=(
            routing.DecisionRecord(
                decided_at=AT + timedelta(seconds=12),
                kind=routing.DecisionKind.ASSIGNED,
                agent_ids=("a-bob",),
                decision=DECISION,
                decision_ms=0.4,
            ),
        ),
    ),
    chatbot.HandoffRequestedV1(
        **_ids,
        script_id="welcome-bot",
        step_id="forward-billing",
        visitor=ADA,
        required_expertise=("billing",),
        answers=(
            chatbot.BotAnswer(
                step_id="step-1",
                question="What can I do for you?",
                answer="A question about billing",
            ),
        ),
    ),
    chatbot.SaveScriptV1(script=SCRIPT),
    chatbot.ScriptSavedV1(
        script_id=SCRIPT.id,
        saved=True,
        script=SCRIPT,
        problems=(
            chatbot.ScriptProblem(
                code="no_fallback_after_forward",
                severity=chatbot.ProblemSeverity.WARNING,
                message="nothing follows step 'forward' when no operator is available",
                step_id="forward",
            ),
        ),
    ),
    chatbot.GetScriptV1(script_id=SCRIPT.id),
    chatbot.ScriptV1(script_id=SCRIPT.id, script=SCRIPT, updated_at=AT),
    chatbot.ListScriptsV1(),
    chatbot.ScriptsV1(
        scripts=(
            chatbot.ScriptSummary(
                id=SCRIPT.id, name=SCRIPT.name, step_count=len(SCRIPT.steps), updated_at=AT
            ),
        )
    ),
    chatbot.DeleteScriptV1(script_id=SCRIPT.id),
    chatbot.ScriptDeletedV1(script_id=SCRIPT.id, deleted=True),
    chatbot.ValidateScriptV1(script=SCRIPT),
    chatbot.ScriptValidatedV1(
        script_id=SCRIPT.id,
        valid=False,
        problems=(
            chatbot.ScriptProblem(
                code="dead_end",
                severity=chatbot.ProblemSeverity.ERROR,
                message="no step follows answer 'pricing' of step 'ask' and it has no link",
                step_id="ask",
                answer_id="pricing",
            ),
        ),
    ),
    chatbot.RunScriptTestV1(
        script_id=SCRIPT.id, inputs=(chatbot.VisitorInput(choice_id="pricing"),)
    ),
    chatbot.ScriptTestRunV1(
        script_id=SCRIPT.id,
        messages=(
            chatbot.ViewLine(speaker=chatbot.Speaker.BOT, text="Hello! I am the Welcome Bot."),
            chatbot.ViewLine(
                speaker=chatbot.Speaker.BOT,
                text="What are you looking for?",
                choices=(gateway.MessageChoice(id="pricing", label="I have a pricing question"),),
            ),
            chatbot.ViewLine(speaker=chatbot.Speaker.VISITOR, text="I have a pricing question"),
            chatbot.ViewLine(
                speaker=chatbot.Speaker.NOTE,
                text="Forward to an operator with expertise sales: nobody available (test run)",
            ),
        ),
        ended=True,
    ),
    tickets.CreateTicketV1(
        **_ids,
        title="Invoice question",
        customer=CONTACT,
        state=tickets.TicketState.CLOSED,
        assignee_agent_id="a-bob",
        labels=("invoice",),
        requested_by=BOB,
    ),
    tickets.TicketCreatedV1(
        **_ids,
        ticket_id="t-9001",
        number="20250314001",
        title="Invoice question",
        state=tickets.TicketState.CLOSED,
        customer=CONTACT,
        assignee_agent_id="a-bob",
        labels=("invoice",),
    ),
    tickets.CreateLeadV1(
        **_ids, title="Ada Lovelace: enterprise plan", contact=CONTACT, requested_by=BOT
    ),
    tickets.LeadCreatedV1(
        lead_id="l-77",
        title="Ada Lovelace: enterprise plan",
        contact=CONTACT,
        conversation_id=CONVERSATION,
    ),
    tickets.SearchTicketsV1(text="invoice", customer_id=ADA.customer_id),
    tickets.TicketSearchResultsV1(
        tickets=(
            tickets.TicketSummary(
                ticket_id="t-9001",
                number="20250314001",
                title="Invoice question",
                state=tickets.TicketState.CLOSED,
                customer_name=ADA.name,
                updated_at=AT,
            ),
        )
    ),
    notifications.SendTranscriptV1(**_ids, email="ada@example.com", requested_by=VISITOR),
    notifications.TranscriptEmailedV1(**_ids, mail_id="mail-31", email="ada@example.com"),
    notifications.AgentNotificationCreatedV1(
        notification_id="n-5",
        agent_id="a-bob",
        kind=notifications.AgentNotificationKind.MENTION,
        title="Cleo mentioned you",
        body="@Bob can you take this one?",
        conversation_id=CONVERSATION,
    ),
)

EXAMPLES: Mapping[type[Message], Message] = MappingProxyType({type(m): m for m in _EXAMPLES})
"""One example instance per message model."""

_SENDERS: Mapping[type[Message], Service] = {
    gateway.PostBotMessageV1: Service.CHATBOT,
    gateway.GetTranscriptV1: Service.TICKETS,
    tickets.CreateTicketV1: Service.GATEWAY,
    tickets.CreateLeadV1: Service.CHATBOT,
    tickets.SearchTicketsV1: Service.GATEWAY,
    notifications.SendTranscriptV1: Service.GATEWAY,
}
"""Who sends the example commands and queries; events and replies come from their owner."""


def example_of(model: type[M]) -> M:
    """The example instance of ``model``."""
    example = EXAMPLES[model]
    assert isinstance(example, model)
    return example


def example_event(model: type[M]) -> CloudEvent[M]:
    """The example of ``model`` in an envelope with a fixed id and time."""
    number = list(EXAMPLES).index(model) + 1
    return CloudEvent.wrap(
        example_of(model),
        source=source_for(_SENDERS.get(model) or owner_of(model)),
        id=f"01959400-3c00-7000-8000-{number:012d}",
        time=AT,
    )
