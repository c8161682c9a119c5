"""What running a script asks the world to do; the application turns these into commands."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from parley_contracts.chatbot import ScriptStep, StepType
from parley_contracts.gateway import MessageChoice


@dataclass(frozen=True)
class RecordedAnswer:
    """A visitor's answer to one step of the current run."""

    step_id: str
    step_type: StepType
    question: str
    answer: str
    """As the visitor gave it (the label of a picked answer)."""
    answer_id: str | None = None
    """Question steps: the picked answer."""
    normalised: str | None = None
    """E-mail steps: the normalised address; phone steps: E.164 when the number parsed."""


class Speaker(StrEnum):
    BOT = "bot"
    VISITOR = "visitor"


@dataclass(frozen=True)
class TranscriptLine:
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class Say:
    """Post a bot message; ``key`` is stable per conversation, run, step and attempt."""

    key: str
    text: str
    choices: tuple[MessageChoice, ...] = ()


@dataclass(frozen=True)
class HandOff:
    step: ScriptStep
    answers: tuple[RecordedAnswer, ...]


@dataclass(frozen=True)
class RequestLead:
    step: ScriptStep
    answers: tuple[RecordedAnswer, ...]
    transcript: tuple[TranscriptLine, ...]


@dataclass(frozen=True)
class RequestTicket:
    step: ScriptStep
    answers: tuple[RecordedAnswer, ...]
    transcript: tuple[TranscriptLine, ...]


Effect = Say | HandOff | RequestLead | RequestTicket
