"""Request and response bodies for login, accounts and groups (typed for the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ...domain.identity import Account, Group, Role


class In(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 400 naming it, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


Email = Annotated[str, Field(min_length=3, max_length=254, examples=["agent@example.com"])]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
GroupIds = Annotated[list[str], Field(max_length=100)]


class LoginIn(In):
    email: Email
    password: Password


class AccountOut(BaseModel):
    id: str
    email: str
    display_name: str
    role: Role
    group_ids: list[str]
    active: bool
    created_at: datetime | None = None

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            group_ids=sorted(account.group_ids),
            active=account.active,
            created_at=account.created_at,
        )


class LoginOut(BaseModel):
    token: str
    """Send as ``Authorization: Bearer <token>``; also set as the ``parley_session`` cookie."""
    account: AccountOut


class AgentCreate(In):
    email: Email
    display_name: Annotated[str, Field(min_length=1, max_length=200)]
    """The chat name visitors see."""
    password: Password
    role: Role = Role.AGENT
    group_ids: GroupIds = Field(default_factory=list)


class AgentUpdate(In):
    display_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    role: Role | None = None
    group_ids: GroupIds | None = None
    active: bool | None = None
    password: Password | None = None
    """A new password; ends the agent's sessions."""


class GroupIn(In):
    name: Annotated[str, Field(min_length=1, max_length=100)]


class GroupOut(BaseModel):
    id: str
    name: str
    created_at: datetime | None = None

    @classmethod
    def of(cls, group: Group) -> GroupOut:
        return cls(id=group.id, name=group.name, created_at=group.created_at)
