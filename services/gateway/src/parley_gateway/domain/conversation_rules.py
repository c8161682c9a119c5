"""Who may do what in a conversation, and the figures it ends with.

Visitors reach only their own conversations; agents the conversations of channels open to them
(``Channel.open_to``) and those they take or took part in; observers read but stay invisible to
visitors. Breaking a rule raises the ``errors`` class named for it.
"""

from __future__ import annotations

from datetime import datetime

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import ConversationOutcome, Rating

from .channel import Channel
from .conversation import Conversation, ConversationKind
from .errors import (
    AlreadyRated,
    AlreadyTaken,
    CommentOnlyForOkayOrDissatisfied,
    ConversationEnded,
    NotFound,
    NotWaitingForAReply,
    OnlyParticipantsMayTalk,
    RatingMustWaitForTheEnd,
)
from .identity import Account, Visitor

Principal = Visitor | Account
"""Whoever acts: a visitor (widget) or an account (agent or admin console)."""


def visitor_may_see(conversation: Conversation, visitor: Visitor) -> bool:
    own = conversation.visitor is not None and conversation.visitor.visitor_id == visitor.id
    return own or conversation.addressee_id == visitor.id


def agent_may_see(conversation: Conversation, account: Account, channel: Channel | None) -> bool:
    """Channels open to the agent, plus the conversations they are, were or are asked to be in."""
    involved = conversation.member(account.id) is not None or account.id in (
        conversation.addressee_id,
        conversation.initiator_id,
    )
    if involved or account.id in conversation.offered_to:
        return True
    on_channel = conversation.kind is not ConversationKind.AGENT_TO_AGENT
    return on_channel and channel is not None and channel.open_to(account)


def may_see(conversation: Conversation, who: Principal, channel: Channel | None) -> bool:
    if isinstance(who, Visitor):
        return visitor_may_see(conversation, who)
    return agent_may_see(conversation, who, channel)


def ensure_visible(
    conversation: Conversation | None, who: Principal, channel: Channel | None
) -> Conversation:
    """The conversation, or ``NotFound`` when it does not exist or is not the actor's to see."""
    if conversation is None or not may_see(conversation, who, channel):
        raise NotFound("no such conversation")
    return conversation


def ensure_open(conversation: Conversation) -> None:
    if conversation.is_ended:
        raise ConversationEnded("the conversation has ended")


def ensure_may_talk(conversation: Conversation, who: Principal) -> None:
    """Visitors talk in their own conversations; agents only after joining as agents."""
    ensure_open(conversation)
    if isinstance(who, Visitor):
        if not conversation.is_present(who.id, ParticipantRole.VISITOR):
            raise OnlyParticipantsMayTalk("accept the chat request first")
        return
    if not conversation.is_present(who.id, ParticipantRole.AGENT):
        raise OnlyParticipantsMayTalk("join the conversation first")


def ensure_may_accept(conversation: Conversation, account: Account) -> None:
    """A waiting visitor conversation, or one an agent marked "looking for help" (A14).

    Who may accept a waiting one is who may see it: any agent the channel is open to (the
    waiting list, as in Zammad) and, in pull mode, the agents routing offered it to even
    outside the channel's groups (``offered_to``). An offer tells agents; it excludes nobody.
    A push-mode assignment reserves it for the assigned agent until it expires.
    """
    ensure_open(conversation)
    if conversation.kind is not ConversationKind.VISITOR:
        raise NotWaitingForAReply("chat requests are answered, not accepted")
    if conversation.is_present(account.id, ParticipantRole.AGENT):
        return
    if conversation.is_waiting and conversation.assigned_to in (None, account.id):
        return
    if not conversation.is_waiting and conversation.status == "looking_for_help":
        return
    raise AlreadyTaken("another agent has this conversation")


def ensure_may_end(conversation: Conversation, who: Principal) -> None:
    """The visitor, an agent in the chat, or an agent of the channel while nobody answers."""
    ensure_open(conversation)
    if isinstance(who, Visitor) or conversation.is_present(who.id, ParticipantRole.AGENT):
        return
    if conversation.is_waiting and conversation.kind is ConversationKind.VISITOR:
        return  # closing a waiting request (spam, duplicate) is the channel's agents' call
    raise OnlyParticipantsMayTalk("join the conversation to end it")


def ensure_may_reply_to_request(conversation: Conversation, who: Principal) -> None:
    if conversation.addressee_id != who.id or not conversation.is_waiting or conversation.is_ended:
        raise NotWaitingForAReply("this chat request is not waiting for your reply")


def ensure_may_rate(conversation: Conversation, rating: Rating, comment: str | None) -> None:
    """V5: once, after the end; a comment only with okay or dissatisfied."""
    if not conversation.is_ended:
        raise RatingMustWaitForTheEnd("rate the conversation after it ended")
    if conversation.rating is not None:
        raise AlreadyRated("this conversation was rated already")
    if comment and rating is Rating.SATISFIED:
        raise CommentOnlyForOkayOrDissatisfied("a comment goes with okay or dissatisfied")


def outcome_of(conversation: Conversation, *, declined: bool = False) -> ConversationOutcome:
    """How a conversation ends (seeds: Odoo).

    Visitor chats: no agent ever joined -> no one available; agents joined but none posted ->
    no answer; more than one agent took part -> escalated; otherwise success. Agents who lost the
    chat because they did not answer in time (R3) do not count as taking part. Agent-initiated
    chats: success once the addressee joined, no answer when they declined or never replied.
    """
    if conversation.kind is not ConversationKind.VISITOR:
        addressee = conversation.addressee_id
        joined = addressee is not None and conversation.member(addressee) is not None
        return (
            ConversationOutcome.SUCCESS
            if joined and not declined
            else ConversationOutcome.NO_ANSWER
        )
    if not conversation.agents_involved:
        return ConversationOutcome.NO_ONE_AVAILABLE
    if not conversation.answering_agents:
        return ConversationOutcome.NO_ANSWER
    if len(conversation.participating_agents) > 1:
        return ConversationOutcome.ESCALATED
    return ConversationOutcome.SUCCESS


def time_to_answer_seconds(conversation: Conversation) -> float | None:
    """From the request for an operator (the start, or a chatbot's hand-off) to the first agent
    message; None when no agent answered."""
    if conversation.answered_at is None:
        return None
    asked = conversation.requested_at or conversation.created_at
    return max(0.0, (conversation.answered_at - asked).total_seconds())


def duration_seconds(conversation: Conversation, ended_at: datetime) -> float:
    return max(0.0, (ended_at - conversation.created_at).total_seconds())
