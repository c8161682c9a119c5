"""Canned responses (A11): text modules an agent expands with ``:shortcut`` or lists with ``::``.

A response is private to its owner, or shared with groups: every agent of one of those groups may
use it. Admins see and manage all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .errors import InvalidInput
from .identity import Account

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_TEXT = 5_000


@dataclass(frozen=True)
class CannedResponse:
    id: str
    shortcut: str
    text: str
    created_by: str
    owner_id: str | None = None
    """Set for a private response: only this account uses it."""
    group_ids: frozenset[str] = field(default_factory=frozenset)
    """For a shared response (``owner_id`` None): the groups whose agents may use it."""
    created_at: datetime | None = None

    @property
    def is_private(self) -> bool:
        return self.owner_id is not None

    def usable_by(self, account: Account) -> bool:
        if account.is_admin:
            return True
        if self.owner_id is not None:
            return self.owner_id == account.id
        return bool(self.group_ids & account.group_ids)

    def editable_by(self, account: Account) -> bool:
        """The author edits their own; admins edit any; group members only use shared ones."""
        return account.is_admin or self.created_by == account.id


def check_canned_response(
    author: Account, shortcut: str, text: str, private: bool, group_ids: frozenset[str]
) -> None:
    """Refuse a response ``author`` may not write: bad shortcut, empty text, foreign groups."""
    if not SHORTCUT.match(shortcut):
        raise InvalidInput(
            "shortcut: 1-32 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )
    if not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput(f"text: must be 1-{MAX_TEXT} characters")
    if private and group_ids:
        raise InvalidInput("group_ids: a private response is not shared with groups")
    if not private and not group_ids:
        raise InvalidInput("group_ids: a shared response names at least one group")
    if not author.is_admin and not group_ids <= author.group_ids:
        raise InvalidInput("group_ids: agents share only with their own groups")
