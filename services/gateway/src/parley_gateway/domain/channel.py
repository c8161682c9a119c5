"""Chat channels: who may work them, which websites may embed them, how the widget looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .identity import Account


class RoutingMode(StrEnum):
    """Push: routing picks the operator. Pull: eligible operators are offered; first accept wins."""

    PUSH = "push"
    PULL = "pull"


class RuleAction(StrEnum):
    SHOW = "show"
    SHOW_WITH_NOTIFICATION = "show_with_notification"
    OPEN_AFTER = "open_after"
    HIDE = "hide"


class ChatbotWhen(StrEnum):
    ALWAYS = "always"
    NO_OPERATOR = "no_operator"
    OPERATOR_AVAILABLE = "operator_available"


@dataclass(frozen=True)
class WidgetSettings:
    """What the visitor widget looks like for this channel (V1)."""

    button_text: str = "Chat with us"
    notification_text: str = "How may I help you?"
    button_color: str = "#2f6fed"
    header_color: str = "#1d3f8f"
    welcome_message: str = "Hello! How can we help you today?"
    placeholder: str = "Type a message..."
    hide_when_no_operator: bool = False
    language: str | None = None
    """The widget's language (BCP 47); None follows the visitor's browser."""


@dataclass(frozen=True)
class ChannelRule:
    """Which pages show the widget and how (V2); the first matching rule by sequence wins."""

    sequence: int
    url_regex: str = ".*"
    countries: tuple[str, ...] = ()
    action: RuleAction = RuleAction.SHOW
    open_after_seconds: int | None = None
    chatbot_script_id: str | None = None
    chatbot_when: ChatbotWhen = ChatbotWhen.ALWAYS


@dataclass(frozen=True)
class Channel:
    """A chat channel (A2): like a room with a group permission, embedded on allowed origins."""

    id: str
    name: str
    group_ids: frozenset[str]
    secret: str
    allowed_origins: tuple[str, ...] = ()
    is_default: bool = False
    routing_mode: RoutingMode = RoutingMode.PUSH
    widget: WidgetSettings = field(default_factory=WidgetSettings)
    rules: tuple[ChannelRule, ...] = ()
    request_timeout_seconds: int = 300
    """A request nobody takes within this ends with "no one available" (R3)."""
    answer_timeout_seconds: int = 60
    """An assigned operator who does not answer within this loses the chat to the next (R3)."""

    def allows_origin(self, origin: str | None) -> bool:
        return origin is not None and origin in self.allowed_origins

    def open_to(self, account: Account) -> bool:
        """Agents work the channels of their groups; admins see every channel."""
        return account.is_admin or bool(self.group_ids & account.group_ids)
