"""Use cases: admins create agents and admins, change their name, groups, role and status."""

from __future__ import annotations

from dataclasses import replace

from ..domain.errors import Forbidden, InvalidInput, NotFound
from ..domain.identity import (
    Account,
    Role,
    is_email_address,
    normalize_email,
    password_problem,
)
from .ids import new_id
from .manage_groups import check_groups_exist
from .ports import AccountRepository, Clock, GroupRepository, PasswordHasher, SessionStore


def _clean_display_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 200:
        raise InvalidInput("display_name: must be 1-200 characters")
    return cleaned


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise InvalidInput(f"password: {problem}")


class ManageAgents:
    def __init__(
        self,
        accounts: AccountRepository,
        groups: GroupRepository,
        sessions: SessionStore,
        hasher: PasswordHasher,
        clock: Clock,
    ) -> None:
        self._accounts = accounts
        self._groups = groups
        self._sessions = sessions
        self._hasher = hasher
        self._clock = clock

    async def list_all(self) -> list[Account]:
        return await self._accounts.list_all()

    async def get(self, account_id: str) -> Account:
        account = await self._accounts.get(account_id)
        if account is None:
            raise NotFound(f"agent {account_id} not found")
        return account

    async def create(
        self, email: str, display_name: str, password: str, role: Role, group_ids: frozenset[str]
    ) -> Account:
        email = normalize_email(email)
        if not is_email_address(email):
            raise InvalidInput("email: not an e-mail address")
        if role not in (Role.AGENT, Role.ADMIN):
            raise InvalidInput("role: agent or admin")
        _check_password(password)
        await check_groups_exist(self._groups, group_ids)
        account = Account(
            id=new_id("agt"),
            email=email,
            display_name=_clean_display_name(display_name),
            role=role,
            group_ids=group_ids,
            created_at=self._clock.now(),
        )
        await self._accounts.add(account, await self._hasher.hash(password))
        return account

    async def update(
        self,
        acting: Account,
        account_id: str,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        group_ids: frozenset[str] | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> Account:
        account = await self.get(account_id)
        if account.id == acting.id and (role is Role.AGENT or active is False):
            # Keeps at least the acting admin able to administer.
            raise Forbidden("admins cannot demote or deactivate themselves")
        if role is not None and role not in (Role.AGENT, Role.ADMIN):
            raise InvalidInput("role: agent or admin")
        if group_ids is not None:
            await check_groups_exist(self._groups, group_ids)
        if password is not None:
            _check_password(password)
        updated = replace(
            account,
            display_name=_clean_display_name(display_name)
            if display_name is not None
            else account.display_name,
            role=role or account.role,
            group_ids=group_ids if group_ids is not None else account.group_ids,
            active=account.active if active is None else active,
        )
        await self._accounts.update(updated)
        if password is not None:
            await self._accounts.set_password_hash(account.id, await self._hasher.hash(password))
        if password is not None or not updated.active:
            await self._sessions.close_all(account.id)
        return updated
