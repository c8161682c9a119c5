"""Who is acting: accounts (agents, admins), visitors and the actor recorded on every event."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What an actor is in a conversation or in the console."""

    VISITOR = "visitor"
    AGENT = "agent"
    ADMIN = "admin"
    BOT = "bot"
    SYSTEM = "system"


@dataclass(frozen=True)
class Account:
    """An agent or admin who logs in to the console. Admins are agents too."""

    id: str
    email: str
    display_name: str
    role: Role
    group_ids: frozenset[str] = field(default_factory=frozenset)
    active: bool = True
    created_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Visitor:
    """A person on a website: anonymous (a signed visitor token) or a customer (site-signed)."""

    id: str
    channel_id: str
    customer_id: str | None = None
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who caused a conversation event, as stored in the log and shown to clients."""

    id: str
    role: Role
    display_name: str

    @classmethod
    def of_account(cls, account: Account) -> Actor:
        # In conversations admins act as agents: visitors see an operator, not a privilege level.
        return cls(account.id, Role.AGENT, account.display_name)

    @classmethod
    def of_visitor(cls, visitor: Visitor, fallback_name: str = "Visitor") -> Actor:
        return cls(visitor.id, Role.VISITOR, visitor.name or fallback_name)


@dataclass(frozen=True)
class Group:
    """A team of agents; channels and shared canned responses are opened to groups (A2, A11)."""

    id: str
    name: str
    created_at: datetime | None = None


MIN_PASSWORD_LENGTH = 10


def normalize_email(email: str) -> str:
    """Accounts are found by e-mail case-insensitively: stored and looked up lower-cased."""
    return email.strip().lower()


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email_address(email: str) -> bool:
    """One ``@``, no whitespace, a dot in the domain: what a login form and a mail server take."""
    return len(email) <= 254 and bool(_EMAIL.match(email))


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be used, or None. Length is what matters against guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 1024:
        return "must be at most 1024 characters"
    return None
