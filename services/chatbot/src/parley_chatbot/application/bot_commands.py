"""Effects of a script run as contract commands: bot messages, hand-offs, leads and tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from parley_contracts.chatbot import BotAnswer, ChatbotScript, HandoffRequestedV1, StepType
from parley_contracts.common import Participant, ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway.requests import PostBotMessageV1
from parley_contracts.tickets import (
    Contact,
    CreateLeadV1,
    CreateTicketV1,
    PhoneNumber,
)

from ..domain.effects import (
    Effect,
    HandOff,
    RecordedAnswer,
    RequestLead,
    Say,
    Speaker,
    TranscriptLine,
)
from ..domain.session import BotSession

NOTES_LIMIT = 10_000
_PHONE = TypeAdapter(PhoneNumber)


def bot_participant(script: ChatbotScript) -> Participant:
    """The bot as the chat shows it: the gateway knows it by the script id."""
    return Participant(id=script.id, role=ParticipantRole.BOT, display_name=script.name)


def to_commands(
    session: BotSession, script: ChatbotScript, effects: Sequence[Effect], source: str
) -> list[CloudEvent[Any]]:
    bot = bot_participant(script)
    out: list[CloudEvent[Any]] = []
    for effect in effects:
        message: Any
        if isinstance(effect, Say):
            message = PostBotMessageV1(
                conversation_id=session.conversation_id,
                bot=bot,
                client_message_id=f"chatbot:{effect.key}",
                text=effect.text,
                choices=effect.choices,
            )
        elif isinstance(effect, HandOff):
            message = HandoffRequestedV1(
                conversation_id=session.conversation_id,
                channel_id=session.channel_id,
                script_id=script.id,
                step_id=effect.step.id,
                visitor=session.visitor,
                language=session.visitor.language,
                required_expertise=effect.step.expertise,
                fallback_to_any_operator=effect.step.fallback_to_any_operator,
                answers=tuple(bot_answer(a) for a in effect.answers),
            )
        elif isinstance(effect, RequestLead):
            message = CreateLeadV1(
                conversation_id=session.conversation_id,
                channel_id=session.channel_id,
                title=_title(effect.step.title, session, script),
                contact=contact(session, effect.answers),
                notes=notes(effect.answers, effect.transcript, session, script),
                requested_by=bot,
            )
        else:
            message = CreateTicketV1(
                conversation_id=session.conversation_id,
                channel_id=session.channel_id,
                title=_title(effect.step.title, session, script),
                description=notes(effect.answers, effect.transcript, session, script),
                customer=contact(session, effect.answers),
                labels=effect.step.labels,
                requested_by=bot,
            )
        out.append(CloudEvent.wrap(message, source=source))
    return out


def bot_answer(answer: RecordedAnswer) -> BotAnswer:
    return BotAnswer(
        step_id=answer.step_id, question=answer.question[:2000], answer=answer.answer[:10_000]
    )


def contact(session: BotSession, answers: Sequence[RecordedAnswer]) -> Contact:
    """The visitor, with the e-mail address and phone number the script collected (last wins)."""
    email = session.visitor.email
    phone: str | None = None
    for answer in answers:
        if answer.step_type is StepType.EMAIL and answer.normalised:
            email = answer.normalised
        elif answer.step_type is StepType.PHONE:
            phone = answer.normalised or (answer.answer if _is_phone(answer.answer) else phone)
    return Contact(
        customer_id=session.visitor.customer_id,
        name=session.visitor.name,
        email=email,
        phone=phone,
    )


def _is_phone(text: str) -> bool:
    try:
        _PHONE.validate_python(text)
    except ValidationError:
        return False
    return True


def notes(
    answers: Sequence[RecordedAnswer],
    transcript: Sequence[TranscriptLine],
    session: BotSession,
    script: ChatbotScript,
) -> str:
    """The answers, then the transcript the bot saw, as plain text for the lead or ticket."""
    lines = [f"Chatbot answers ({script.name}):"]
    lines += [f"- {a.question}: {a.answer}" for a in answers] or ["- (none)"]
    lines += ["", "Transcript:"]
    names = {Speaker.BOT: script.name, Speaker.VISITOR: session.visitor.name}
    lines += [f"{names[line.speaker]}: {line.text}" for line in transcript]
    text = "\n".join(lines)
    return text if len(text) <= NOTES_LIMIT else text[: NOTES_LIMIT - 1] + "…"


def _title(title: str | None, session: BotSession, script: ChatbotScript) -> str:
    return (title or f"{session.visitor.name}: {script.name}")[:200]
