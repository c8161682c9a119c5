"""Every conversation use case, built once from the same ports (for bootstrap and entry points).

deps = ConversationDeps(log, snapshots, fanout, channels, accounts, SystemClock(),
                        TimeOrderedIds(), source=runtime.source)
cases = ConversationUseCases.build(deps)
await cases.post_message(visitor, conversation_id, text="hi", client_message_id="m1")
"""

from __future__ import annotations

from dataclasses import dataclass

from .accept_offered_conversation import AcceptOfferedConversation
from .add_note import AddNote
from .change_status import ChangeStatus
from .conversation_ports import ConversationDeps
from .end_conversation import EndConversation
from .ids import new_id
from .invite_to_conversation import InviteToConversation
from .leave_conversation import LeaveConversation
from .observe_conversation import ObserveConversation
from .post_message import PostMessage
from .rate_conversation import RateConversation
from .record_visitor_page import RecordVisitorPage, RecordWidgetMinimized
from .rename_conversation import RenameConversation
from .reply_to_chat_request import ReplyToChatRequest
from .request_customer_chat import RequestCustomerChat
from .request_transcript import RequestTranscript
from .resume_conversation import ResumeConversation
from .signal_operator import SignalOperator
from .signal_typing import SignalTyping
from .start_agent_chat import StartAgentChat
from .start_conversation import StartConversation
from .tag_conversation import TagConversation
from .transfer_conversation import TransferConversation, WhenTransferRefusedTellTheAgent
from .when_assignment_expired_agent_leaves import WhenAssignmentExpiredAgentLeaves
from .when_chatbot_posts_a_message import WhenChatbotPostsAMessage
from .when_conversation_assigned_agent_joins import WhenConversationAssignedAgentJoins
from .when_conversation_offered_tell_the_agents import WhenConversationOfferedTellTheAgents
from .when_handoff_requested_wait_for_an_operator import WhenHandoffRequestedWaitForAnOperator
from .when_no_operator_found_end_conversation import WhenNoOperatorFoundEndConversation
from .when_operator_presence_changed_tell_the_agents import (
    WhenOperatorPresenceChangedTellTheAgents,
)
from .when_queue_position_changed_tell_the_visitor import WhenQueuePositionChangedTellTheVisitor


@dataclass(frozen=True)
class ConversationUseCases:
    start_conversation: StartConversation
    post_message: PostMessage
    resume_conversation: ResumeConversation
    signal_typing: SignalTyping
    accept_offered_conversation: AcceptOfferedConversation
    observe_conversation: ObserveConversation
    leave_conversation: LeaveConversation
    end_conversation: EndConversation
    change_status: ChangeStatus
    rename_conversation: RenameConversation
    tag_conversation: TagConversation
    add_note: AddNote
    rate_conversation: RateConversation
    request_transcript: RequestTranscript
    start_agent_chat: StartAgentChat
    request_customer_chat: RequestCustomerChat
    reply_to_chat_request: ReplyToChatRequest
    record_visitor_page: RecordVisitorPage
    record_widget_minimized: RecordWidgetMinimized
    when_conversation_assigned: WhenConversationAssignedAgentJoins
    when_conversation_offered: WhenConversationOfferedTellTheAgents
    when_queue_position_changed: WhenQueuePositionChangedTellTheVisitor
    when_no_operator_found: WhenNoOperatorFoundEndConversation
    when_assignment_expired: WhenAssignmentExpiredAgentLeaves
    transfer_conversation: TransferConversation
    invite_to_conversation: InviteToConversation
    signal_operator: SignalOperator
    when_transfer_refused: WhenTransferRefusedTellTheAgent
    when_chatbot_posts_a_message: WhenChatbotPostsAMessage
    when_handoff_requested: WhenHandoffRequestedWaitForAnOperator
    when_operator_presence_changed: WhenOperatorPresenceChangedTellTheAgents

    @classmethod
    def build(
        cls, deps: ConversationDeps, activity_signal_every_s: float = 60.0
    ) -> ConversationUseCases:
        return cls(
            start_conversation=StartConversation(deps),
            post_message=PostMessage(deps),
            resume_conversation=ResumeConversation(deps),
            signal_typing=SignalTyping(deps),
            accept_offered_conversation=AcceptOfferedConversation(deps),
            observe_conversation=ObserveConversation(deps),
            leave_conversation=LeaveConversation(deps),
            end_conversation=EndConversation(deps),
            change_status=ChangeStatus(deps),
            rename_conversation=RenameConversation(deps),
            tag_conversation=TagConversation(deps),
            add_note=AddNote(deps),
            rate_conversation=RateConversation(deps),
            request_transcript=RequestTranscript(deps),
            start_agent_chat=StartAgentChat(deps),
            request_customer_chat=RequestCustomerChat(deps),
            reply_to_chat_request=ReplyToChatRequest(deps),
            record_visitor_page=RecordVisitorPage(deps),
            record_widget_minimized=RecordWidgetMinimized(deps),
            when_conversation_assigned=WhenConversationAssignedAgentJoins(deps),
            when_conversation_offered=WhenConversationOfferedTellTheAgents(deps),
            when_queue_position_changed=WhenQueuePositionChangedTellTheVisitor(deps),
            when_no_operator_found=WhenNoOperatorFoundEndConversation(deps),
            when_assignment_expired=WhenAssignmentExpiredAgentLeaves(deps),
            transfer_conversation=TransferConversation(deps),
            invite_to_conversation=InviteToConversation(deps),
            signal_operator=SignalOperator(deps.events, deps.clock, activity_signal_every_s),
            when_transfer_refused=WhenTransferRefusedTellTheAgent(deps),
            when_chatbot_posts_a_message=WhenChatbotPostsAMessage(deps),
            when_handoff_requested=WhenHandoffRequestedWaitForAnOperator(deps),
            when_operator_presence_changed=WhenOperatorPresenceChangedTellTheAgents(deps.fanout),
        )


class TimeOrderedIds:
    """The ``IdGenerator`` of production: ``application.ids.new_id``."""

    def new_id(self, prefix: str) -> str:
        return new_id(prefix)
