"""Request and response bodies for channels: widget settings, rules, origins, the secret."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ...application.manage_channels import ChannelSettings
from ...domain.channel import (
    Channel,
    ChannelRule,
    ChatbotWhen,
    RoutingMode,
    RuleAction,
    WidgetSettings,
)
from .schemas_people import GroupIds, In

Text = Annotated[str, Field(max_length=500)]


class WidgetIn(In):
    button_text: Text = WidgetSettings.button_text
    notification_text: Text = WidgetSettings.notification_text
    button_color: str = Field(WidgetSettings.button_color, examples=["#2f6fed"])
    header_color: str = Field(WidgetSettings.header_color, examples=["#1d3f8f"])
    welcome_message: Annotated[str, Field(max_length=2000)] = WidgetSettings.welcome_message
    placeholder: Text = WidgetSettings.placeholder
    hide_when_no_operator: bool = False
    language: str | None = None

    def domain(self) -> WidgetSettings:
        return WidgetSettings(**self.model_dump())


class RuleIn(In):
    """A display rule (V2): the first rule, by ``sequence``, whose regex and country match."""

    sequence: int = Field(ge=0, le=1_000_000)
    url_regex: Annotated[str, Field(max_length=500)] = ".*"
    countries: Annotated[list[str], Field(max_length=250)] = Field(default_factory=list)
    """ISO 3166-1 alpha-2 codes; empty matches every country."""
    action: RuleAction = RuleAction.SHOW
    open_after_seconds: int | None = None
    chatbot_script_id: str | None = None
    chatbot_when: ChatbotWhen = ChatbotWhen.ALWAYS

    def domain(self) -> ChannelRule:
        return ChannelRule(**{**self.model_dump(), "countries": tuple(self.countries)})


class ChannelIn(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    group_ids: GroupIds = Field(default_factory=list)
    """Agents of these groups work the channel."""
    allowed_origins: Annotated[list[str], Field(max_length=100)] = Field(default_factory=list)
    """Websites allowed to embed the widget, as exact origins (``https://shop.example``)."""
    is_default: bool = False
    routing_mode: RoutingMode = RoutingMode.PUSH
    widget: WidgetIn = Field(default_factory=WidgetIn)
    rules: Annotated[list[RuleIn], Field(max_length=100)] = Field(default_factory=list)
    request_timeout_seconds: Annotated[int, Field(ge=10, le=86_400)] = 300
    """Seconds a request may wait for an operator before it ends with "no one available"."""
    answer_timeout_seconds: Annotated[int, Field(ge=10, le=3_600)] = 60
    """Seconds an assigned operator has for a first answer before the next one gets the chat."""

    def settings(self) -> ChannelSettings:
        return ChannelSettings(
            name=self.name,
            group_ids=frozenset(self.group_ids),
            allowed_origins=tuple(self.allowed_origins),
            is_default=self.is_default,
            routing_mode=self.routing_mode,
            widget=self.widget.domain(),
            rules=tuple(rule.domain() for rule in self.rules),
            request_timeout_seconds=self.request_timeout_seconds,
            answer_timeout_seconds=self.answer_timeout_seconds,
        )


class RuleOut(BaseModel):
    sequence: int
    url_regex: str
    countries: list[str]
    action: RuleAction
    open_after_seconds: int | None
    chatbot_script_id: str | None
    chatbot_when: ChatbotWhen


class WidgetOut(BaseModel):
    button_text: str
    notification_text: str
    button_color: str
    header_color: str
    welcome_message: str
    placeholder: str
    hide_when_no_operator: bool
    language: str | None


class ChannelOut(BaseModel):
    id: str
    name: str
    group_ids: list[str]
    allowed_origins: list[str]
    is_default: bool
    routing_mode: RoutingMode
    widget: WidgetOut
    rules: list[RuleOut]
    request_timeout_seconds: int
    answer_timeout_seconds: int
    secret: str | None = None
    """The key websites sign customer tokens with; admins only."""

    @classmethod
    def of(cls, channel: Channel, *, with_secret: bool) -> ChannelOut:
        return cls(
            id=channel.id,
            name=channel.name,
            group_ids=sorted(channel.group_ids),
            allowed_origins=list(channel.allowed_origins),
            is_default=channel.is_default,
            routing_mode=channel.routing_mode,
            request_timeout_seconds=channel.request_timeout_seconds,
            answer_timeout_seconds=channel.answer_timeout_seconds,
            widget=WidgetOut(**vars(channel.widget)),
            rules=[
                RuleOut(**{**vars(rule), "countries": list(rule.countries)})
                for rule in channel.rules
            ],
            secret=channel.secret if with_secret else None,
        )
