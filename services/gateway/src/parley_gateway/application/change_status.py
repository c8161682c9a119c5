"""Use case: an agent sets the status: in progress, waiting for customer, looking for help (A13)."""

from __future__ import annotations

from collections.abc import Sequence

from parley_contracts.gateway import ConversationStatus, ConversationStatusChangedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.conversation_rules import ensure_open
from ..domain.errors import InvalidInput
from ..domain.identity import Account, Actor
from .conversation_contracts import draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class ChangeStatus:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self,
        agent: Account,
        conversation_id: str,
        status: ConversationStatus | str,
        expertise: Sequence[str] = (),
    ) -> Conversation:
        """Internal entry + ``ConversationStatusChangedV1``; ``expertise`` says who can help
        (looking for help, A14). Setting the same status again changes nothing."""
        try:
            new_status = ConversationStatus(status)
        except ValueError as exc:
            raise InvalidInput(f"unknown status {status!r}") from exc
        needs = tuple(dict.fromkeys(tag.strip()[:64] for tag in expertise if tag.strip()))
        actor = Actor.of_account(agent)

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_open(conversation)
            previous = conversation.status
            if previous is new_status and conversation.expertise == needs:
                return conversation
            c = conversation
            payload = {
                "status": new_status.value,
                "previous_status": previous.value if previous else None,
                "expertise": list(needs),
            }
            recorded = await self._recorder.record(
                c,
                draft(
                    c.id,
                    EntryKind.STATUS_CHANGED,
                    actor,
                    self._recorder.deps.clock.now(),
                    payload,
                    visibility=Visibility.INTERNAL,
                ),
                lambda seq: [
                    ConversationStatusChangedV1(
                        conversation_id=c.id,
                        channel_id=c.channel_id,
                        sequence=seq,
                        status=new_status,
                        previous_status=previous,
                        changed_by=participant(actor),
                        expertise=needs,
                    )
                ],
                strict=True,
            )
            return recorded.conversation

        return await self._recorder.decide(conversation_id, agent, attempt)
