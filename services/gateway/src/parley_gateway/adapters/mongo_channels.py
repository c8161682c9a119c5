"""Chat channels in collection ``channels`` (field names as in the gateway spec)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.channel import (
    Channel,
    ChannelRule,
    ChatbotWhen,
    RoutingMode,
    RuleAction,
    WidgetSettings,
)
from ..domain.errors import Conflict
from ..domain.identity import Account


def _rule(doc: dict[str, Any]) -> ChannelRule:
    return ChannelRule(
        sequence=doc["sequence"],
        url_regex=doc.get("url_regex", ".*"),
        countries=tuple(doc.get("countries", ())),
        action=RuleAction(doc.get("action", "show")),
        open_after_seconds=doc.get("open_after_seconds"),
        chatbot_script_id=doc.get("chatbot_script_id"),
        chatbot_when=ChatbotWhen(doc.get("chatbot_when", "always")),
    )


def channel_from_doc(doc: dict[str, Any]) -> Channel:
    known = WidgetSettings.__dataclass_fields__
    widget = {k: v for k, v in doc.get("widget", {}).items() if k in known}
    return Channel(
        id=doc["_id"],
        name=doc["name"],
        group_ids=frozenset(doc.get("group_ids", ())),
        secret=doc["secret"],
        allowed_origins=tuple(doc.get("allowed_origins", ())),
        is_default=doc.get("is_default", False),
        routing_mode=RoutingMode(doc.get("routing_mode", "push")),
        widget=WidgetSettings(**widget),
        rules=tuple(_rule(rule) for rule in doc.get("rules", ())),
        request_timeout_seconds=doc.get("request_timeout_seconds", 300),
        answer_timeout_seconds=doc.get("answer_timeout_seconds", 60),
    )


def channel_to_doc(channel: Channel) -> dict[str, Any]:
    return {
        "_id": channel.id,
        "name": channel.name,
        "group_ids": sorted(channel.group_ids),
        "secret": channel.secret,
        "allowed_origins": list(channel.allowed_origins),
        "is_default": channel.is_default,
        "routing_mode": channel.routing_mode.value,
        "request_timeout_seconds": channel.request_timeout_seconds,
        "answer_timeout_seconds": channel.answer_timeout_seconds,
        "widget": asdict(channel.widget),
        "rules": [
            {
                **asdict(rule),
                "countries": list(rule.countries),
                "action": rule.action.value,
                "chatbot_when": rule.chatbot_when.value,
            }
            for rule in channel.rules
        ],
    }


class MongoChannelRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._collection = db["channels"]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("group_ids")

    async def get(self, channel_id: str) -> Channel | None:
        doc = await self._collection.find_one({"_id": channel_id})
        return channel_from_doc(doc) if doc else None

    async def open_to(self, account: Account) -> list[Channel]:
        query: dict[str, Any] = (
            {} if account.is_admin else {"group_ids": {"$in": sorted(account.group_ids)}}
        )
        cursor = self._collection.find(query).sort("name", 1)
        return [channel_from_doc(doc) async for doc in cursor]

    async def add(self, channel: Channel) -> None:
        try:
            await self._collection.insert_one(channel_to_doc(channel))
        except DuplicateKeyError as exc:
            raise Conflict(f"channel {channel.id} exists") from exc

    async def update(self, channel: Channel) -> None:
        doc = channel_to_doc(channel)
        doc.pop("_id")
        await self._collection.update_one({"_id": channel.id}, {"$set": doc})

    async def delete(self, channel_id: str) -> bool:
        return (await self._collection.delete_one({"_id": channel_id})).deleted_count == 1

    async def clear_default_except(self, channel_id: str) -> None:
        await self._collection.update_many(
            {"_id": {"$ne": channel_id}, "is_default": True}, {"$set": {"is_default": False}}
        )

    async def count_in_group(self, group_id: str) -> int:
        return await self._collection.count_documents({"group_ids": group_id})
