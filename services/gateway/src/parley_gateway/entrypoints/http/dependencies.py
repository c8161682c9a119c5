"""The use cases HTTP handlers call, handed to them as the ``uc`` dependency."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from ...application.browse_conversation_history import BrowseConversationHistory
from ...application.conversation_access import Requester
from ...application.download_attachment import DownloadAttachment
from ...application.log_in import LogIn
from ...application.log_out import LogOut
from ...application.manage_agents import ManageAgents
from ...application.manage_canned_responses import ManageCannedResponses
from ...application.manage_channels import ManageChannels
from ...application.manage_groups import ManageGroups
from ...application.manage_operators import ManageOperators
from ...application.read_conversation import ReadConversation
from ...application.upload_attachment import UploadAttachment
from ...domain.identity import Account


@dataclass(frozen=True)
class UseCases:
    log_in: LogIn
    log_out: LogOut
    agents: ManageAgents
    groups: ManageGroups
    channels: ManageChannels
    canned_responses: ManageCannedResponses
    history: BrowseConversationHistory
    read_conversation: ReadConversation
    upload_attachment: UploadAttachment
    download_attachment: DownloadAttachment
    operators: ManageOperators
    session_cookie_secure: bool = False


InjectedUseCases = NamedDependency[UseCases]
"""The ``uc`` dependency."""
CurrentAccount = NamedDependency[Account]
"""The ``account`` dependency: the logged-in account (behind ``account_required``)."""
RequesterDependency = NamedDependency[SkipValidation[Requester]]
"""An agent's account or a visitor's token claims (the ``requester`` dependency)."""
