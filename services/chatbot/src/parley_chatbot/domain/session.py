"""A script running in one conversation: the bot session and its rules (B1, B3).

Pure: the caller passes the script, the time and the input checks, and gets back the effects
(messages to post, a hand-off, a lead or ticket to request). The session remembers the step it
is at by id, so a script edited mid-conversation does not send it to the wrong step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from parley_contracts.chatbot import ChatbotScript, ScriptStep, StepType
from parley_contracts.common import VisitorInfo
from parley_contracts.gateway import MessageChoice

from . import texts
from .effects import (
    Effect,
    HandOff,
    RecordedAnswer,
    RequestLead,
    RequestTicket,
    Say,
    Speaker,
    TranscriptLine,
)
from .flow import index_of, next_step

TRANSCRIPT_LIMIT = 300
"""Lines kept per session (the newest); a bot conversation is far shorter."""


class Phase(StrEnum):
    PAUSED = "paused"
    """The bot is typing: the next step comes at ``wake_at``."""
    AWAITING_ANSWER = "awaiting_answer"
    COLLECTING = "collecting"
    """Multi-line input: more messages may come until ``wake_at``."""
    AWAITING_OPERATOR = "awaiting_operator"
    ENDED = "ended"
    """The script is over; the visitor may restart it."""
    HANDED_OVER = "handed_over"
    CLOSED = "closed"
    """The conversation ended."""


@dataclass(frozen=True)
class Timing:
    typing_pause: timedelta
    """Between a bot message that expects no answer and the next one."""
    quiet_window: timedelta
    """Multi-line input ends after this long without a new message."""


@dataclass(frozen=True)
class InputChecks:
    email: Callable[[str], str | None]
    """The normalised address, or None when the text is not an e-mail address."""
    phone: Callable[[str, str | None], str | None]
    """E.164 when the text parses as a phone number (the second argument: country), else None."""


@dataclass
class BotSession:
    conversation_id: str
    channel_id: str
    script_id: str
    visitor: VisitorInfo
    run: int = 1
    phase: Phase = Phase.PAUSED
    step_id: str | None = None
    """The step the session is at; None before the first one."""
    wake_at: datetime | None = None
    attempts: int = 0
    """Refused answers at the current step (they make the bot's message keys unique)."""
    buffer: list[str] = field(default_factory=list)
    answers: list[RecordedAnswer] = field(default_factory=list)
    transcript: list[TranscriptLine] = field(default_factory=list)
    last_seq: int = 0
    """The highest conversation sequence handled: replays are ignored."""
    version: int = 0

    @property
    def picked(self) -> dict[str, str]:
        return {a.step_id: a.answer_id for a in self.answers if a.answer_id is not None}

    @property
    def active(self) -> bool:
        return self.phase not in (Phase.HANDED_OVER, Phase.CLOSED)


@dataclass
class ScriptRun:
    """One operation on a session: collects the effects in order."""

    session: BotSession
    script: ChatbotScript
    timing: Timing
    checks: InputChecks
    now: datetime
    effects: list[Effect] = field(default_factory=list)

    # -- what happens -------------------------------------------------------------------------

    def start(self) -> list[Effect]:
        self._advance_from(None)
        return self.effects

    def visitor_says(self, text: str, choice_id: str | None) -> list[Effect]:
        s = self.session
        if not s.active:
            return self.effects
        shown = text or (choice_id or "")
        self._log(Speaker.VISITOR, shown)
        if s.phase is Phase.ENDED:
            if choice_id == texts.RESTART_CHOICE.id or _same(text, texts.RESTART_CHOICE.label):
                self._restart()
            return self.effects
        if s.phase is Phase.COLLECTING:
            if text.strip():
                s.buffer.append(text)
                s.wake_at = self.now + self.timing.quiet_window
            return self.effects
        step = self._current()
        if s.phase is Phase.AWAITING_ANSWER and step is not None:
            self._answer(step, text, choice_id)
        return self.effects

    def wake(self) -> list[Effect]:
        s = self.session
        if s.wake_at is None or self.now < s.wake_at or not s.active:
            return self.effects
        s.wake_at = None
        if s.phase is Phase.PAUSED:
            self._advance_from(s.step_id)
        elif s.phase is Phase.COLLECTING:
            step = self._current()
            answer, s.buffer = "\n".join(s.buffer), []
            if step is not None:
                self._record(step, answer)
            self._advance_from(s.step_id)
        return self.effects

    def operator_found(self) -> list[Effect]:
        if self.session.phase is not Phase.CLOSED:
            self.session.phase = Phase.HANDED_OVER
            self.session.wake_at = None
        return self.effects

    def no_operator_found(self) -> list[Effect]:
        if self.session.phase is Phase.AWAITING_OPERATOR:
            self._advance_from(self.session.step_id)
        return self.effects

    def conversation_ended(self) -> list[Effect]:
        self.session.phase = Phase.CLOSED
        self.session.wake_at = None
        return self.effects

    # -- the rules ----------------------------------------------------------------------------

    def _answer(self, step: ScriptStep, text: str, choice_id: str | None) -> None:
        s = self.session
        if step.type is StepType.QUESTION:
            picked = next(
                (a for a in step.answers if a.id == choice_id or _same(text, a.label)), None
            )
            if picked is None:
                s.attempts += 1
                self._say(step, texts.PICK_AN_ANSWER, _choices(step))
                return
            self._record(step, picked.label, answer_id=picked.id)
            self._advance_from(step.id)
            return
        if not text.strip():
            return  # an attachment alone answers nothing
        if step.type is StepType.EMAIL:
            address = self.checks.email(text.strip())
            if address is None:
                s.attempts += 1
                self._say(step, texts.INVALID_EMAIL.format(given=text.strip()[:200]), suffix="e")
                self._say(step, step.text)
                return
            self._record(step, text.strip(), normalised=address)
        elif step.type is StepType.PHONE:
            given = text.strip()
            self._record(step, given, normalised=self.checks.phone(given, s.visitor.country))
        elif step.type is StepType.FREE_INPUT and step.multi_line:
            s.buffer = [text]
            s.phase = Phase.COLLECTING
            s.wake_at = self.now + self.timing.quiet_window
            return
        else:
            self._record(step, text)
        self._advance_from(step.id)

    def _advance_from(self, step_id: str | None) -> None:
        s = self.session
        after = index_of(self.script, step_id)
        if step_id is not None and after is None:
            self._end()  # the step was removed from the script meanwhile
            return
        following = next_step(self.script, after, s.picked)
        if following is None:
            self._end()
        else:
            self._enter(self.script.steps[following])

    def _enter(self, step: ScriptStep) -> None:
        s = self.session
        s.step_id, s.attempts, s.wake_at = step.id, 0, None
        kind = step.type
        if kind is StepType.TEXT:
            self._say(step, step.text)
            self._pause()
        elif kind is StepType.QUESTION:
            self._say(step, step.text, _choices(step))
            s.phase = Phase.AWAITING_ANSWER
        elif kind in (StepType.EMAIL, StepType.PHONE, StepType.FREE_INPUT):
            self._say(step, step.text)
            s.phase = Phase.AWAITING_ANSWER
        elif kind is StepType.FORWARD_TO_OPERATOR:
            if step.text:
                self._say(step, step.text)
            self.effects.append(HandOff(step, tuple(s.answers)))
            s.phase = Phase.AWAITING_OPERATOR
        else:
            request = RequestLead if kind is StepType.CREATE_LEAD else RequestTicket
            self.effects.append(request(step, tuple(s.answers), tuple(s.transcript)))
            if step.text:
                self._say(step, step.text)
                self._pause()
            else:
                self._advance_from(step.id)

    def _pause(self) -> None:
        s = self.session
        if self.timing.typing_pause <= timedelta(0):
            self._advance_from(s.step_id)
            return
        s.phase = Phase.PAUSED
        s.wake_at = self.now + self.timing.typing_pause

    def _end(self) -> None:
        s = self.session
        s.phase, s.wake_at = Phase.ENDED, None
        self._emit(f"r{s.run}:end", texts.ENDED, (texts.RESTART_CHOICE,))

    def _restart(self) -> None:
        s = self.session
        s.run += 1
        s.answers, s.buffer, s.attempts, s.step_id = [], [], 0, None
        self._emit(f"r{s.run}:restart", texts.RESTARTED)
        if self.timing.typing_pause <= timedelta(0):
            self._advance_from(None)
        else:
            s.phase, s.wake_at = Phase.PAUSED, self.now + self.timing.typing_pause

    # -- bookkeeping --------------------------------------------------------------------------

    def _current(self) -> ScriptStep | None:
        index = index_of(self.script, self.session.step_id)
        return None if index is None else self.script.steps[index]

    def _record(
        self,
        step: ScriptStep,
        answer: str,
        *,
        answer_id: str | None = None,
        normalised: str | None = None,
    ) -> None:
        self.session.answers.append(
            RecordedAnswer(
                step.id, step.type, step.text, answer, answer_id=answer_id, normalised=normalised
            )
        )

    def _say(
        self,
        step: ScriptStep,
        text: str,
        choices: tuple[MessageChoice, ...] = (),
        suffix: str = "",
    ) -> None:
        s = self.session
        self._emit(f"r{s.run}:{step.id}:{s.attempts}{suffix}", text, choices)

    def _emit(self, key: str, text: str, choices: tuple[MessageChoice, ...] = ()) -> None:
        self.effects.append(Say(key, text, choices))
        self._log(Speaker.BOT, text)

    def _log(self, speaker: Speaker, text: str) -> None:
        transcript = self.session.transcript
        transcript.append(TranscriptLine(speaker, text))
        if len(transcript) > TRANSCRIPT_LIMIT:
            del transcript[: len(transcript) - TRANSCRIPT_LIMIT]


def _choices(step: ScriptStep) -> tuple[MessageChoice, ...]:
    return tuple(MessageChoice(id=a.id, label=a.label, url=a.url) for a in step.answers)


def _same(text: str, label: str) -> bool:
    return bool(text.strip()) and text.strip().casefold() == label.strip().casefold()
